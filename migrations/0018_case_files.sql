-- The case file: scanned materials and other files of a case or a lawsuit, their bytes kept in PostgreSQL
-- (chunks of at most 1 MB, written in the same transaction as the record), withdrawn but never deleted.

CREATE TABLE case_files (
	id              bigserial PRIMARY KEY,
	case_id         bigint REFERENCES cases (id),
	lawsuit_id      bigint REFERENCES lawsuits (id),
	category        text NOT NULL CHECK (category IN ('application', 'identity', 'contested_act', 'correction',
		'reply', 'evidence', 'evidence_catalogue', 'hearing_record', 'committee_opinion', 'service_receipt',
		'court_document', 'other')),
	title           text NOT NULL CHECK (title <> '' AND length(title) <= 200),
	name            text NOT NULL CHECK (name <> '' AND length(name) <= 255),
	content_type    text NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png', 'image/tiff',
		'application/ofd')),
	size            bigint NOT NULL CHECK (size > 0),
	sha256          bytea NOT NULL CHECK (length(sha256) = 32),
	uploaded_by     bigint NOT NULL REFERENCES users (id),
	uploaded_at     timestamptz NOT NULL DEFAULT now(),
	withdrawn_at    timestamptz,
	withdrawn_by    bigint REFERENCES users (id),
	withdraw_reason text NOT NULL DEFAULT '',
	CONSTRAINT case_files_one_owner CHECK ((case_id IS NULL) <> (lawsuit_id IS NULL)),
	CONSTRAINT case_files_withdrawal CHECK ((withdrawn_at IS NULL) = (withdrawn_by IS NULL)
		AND (withdrawn_at IS NULL) = (withdraw_reason = ''))
);
CREATE INDEX case_files_case ON case_files (case_id, id) WHERE case_id IS NOT NULL;
CREATE INDEX case_files_lawsuit ON case_files (lawsuit_id, id) WHERE lawsuit_id IS NOT NULL;

-- The bytes. The reference to the record is checked at commit, so the chunks may be written before the
-- record (whose category and title can follow the file in the multipart body); both commit together.
CREATE TABLE file_chunks (
	file_id bigint NOT NULL REFERENCES case_files (id) DEFERRABLE INITIALLY DEFERRED,
	seq     integer NOT NULL CHECK (seq >= 0),
	data    bytea NOT NULL CHECK (length(data) BETWEEN 1 AND 1048576),
	PRIMARY KEY (file_id, seq)
);

-- Never hard-deleted: a file is withdrawn (withdrawn_at, reason), its bytes stay.
CREATE FUNCTION case_files_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'files of a case are withdrawn, never deleted' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER case_files_no_delete BEFORE DELETE ON case_files FOR EACH ROW EXECUTE FUNCTION case_files_kept();
CREATE TRIGGER case_files_no_truncate BEFORE TRUNCATE ON case_files FOR EACH STATEMENT EXECUTE FUNCTION case_files_kept();
CREATE TRIGGER file_chunks_no_change BEFORE UPDATE OR DELETE ON file_chunks FOR EACH ROW EXECUTE FUNCTION case_files_kept();
CREATE TRIGGER file_chunks_no_truncate BEFORE TRUNCATE ON file_chunks FOR EACH STATEMENT EXECUTE FUNCTION case_files_kept();

-- No record without its bytes: at commit, the chunks of a new record add up to its size.
CREATE FUNCTION case_files_complete() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	total bigint;
BEGIN
	SELECT coalesce(sum(length(data)), 0) INTO total FROM file_chunks WHERE file_id = NEW.id;
	IF total <> NEW.size THEN
		RAISE EXCEPTION 'file % has % bytes stored for a size of %', NEW.id, total, NEW.size
			USING ERRCODE = 'check_violation', CONSTRAINT = 'case_files_complete';
	END IF;
	RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER case_files_complete AFTER INSERT ON case_files DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW EXECUTE FUNCTION case_files_complete();

-- 阅卷 and every other reading of a file: who viewed or downloaded which file, when (复议法第47条).
CREATE TABLE file_reads (
	id      bigserial PRIMARY KEY,
	file_id bigint NOT NULL REFERENCES case_files (id),
	user_id bigint NOT NULL REFERENCES users (id),
	kind    text NOT NULL CHECK (kind IN ('view', 'download')),
	at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX file_reads_file ON file_reads (file_id, at);
