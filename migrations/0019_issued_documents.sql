-- Documents frozen as issued: each notice and decision rendered once when the action that produces it is
-- taken, stored with its 文号, issue date and SHA-256; reprints return these bytes. A correction of the
-- case re-issues a new version that supersedes the old one (both kept, with the reason). Service (送达)
-- records per issued document.

-- 文号 serials of the documents issued before a case has its number (补正通知书, 不予受理决定书): per organ,
-- year and kind, taken inside the issuing transaction (no gap on rollback, no duplicate under concurrency).
CREATE TABLE doc_serials (
	organ_id integer NOT NULL DEFAULT 1,
	year     integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	kind     text NOT NULL,
	last     integer NOT NULL CHECK (last > 0),
	PRIMARY KEY (organ_id, year, kind)
);

CREATE TABLE issued_documents (
	id               bigserial PRIMARY KEY,
	case_id          bigint NOT NULL REFERENCES cases (id),
	type             text NOT NULL,
	ref              text NOT NULL DEFAULT '',  -- the hearing, pause or letter of the document
	title            text NOT NULL CHECK (title <> ''),
	doc_no           text NOT NULL DEFAULT '',
	issued_on        date NOT NULL,
	text             text NOT NULL,
	pdf              bytea NOT NULL CHECK (substr(pdf, 1, 5) = '\x255044462d'::bytea),
	sha256           bytea NOT NULL CHECK (length(sha256) = 32),
	issued_by        bigint REFERENCES users (id),
	issued_at        timestamptz NOT NULL DEFAULT now(),
	superseded_by    bigint REFERENCES issued_documents (id) DEFERRABLE INITIALLY DEFERRED,
	supersede_reason text NOT NULL DEFAULT '',
	CONSTRAINT issued_documents_superseded CHECK ((superseded_by IS NULL) = (supersede_reason = ''))
);
CREATE UNIQUE INDEX issued_documents_current ON issued_documents (case_id, type, ref) WHERE superseded_by IS NULL;
CREATE INDEX issued_documents_case ON issued_documents (case_id, id);
CREATE UNIQUE INDEX issued_documents_doc_no ON issued_documents (doc_no, type, ref) WHERE doc_no <> '' AND superseded_by IS NULL;

-- An issued document never changes and is never deleted; it may only be superseded, once, with a reason.
CREATE FUNCTION issued_documents_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' OR OLD.superseded_by IS NOT NULL OR NEW.pdf <> OLD.pdf OR NEW.text <> OLD.text
		OR NEW.doc_no <> OLD.doc_no OR NEW.issued_on <> OLD.issued_on OR NEW.sha256 <> OLD.sha256
		OR NEW.case_id <> OLD.case_id OR NEW.type <> OLD.type OR NEW.ref <> OLD.ref THEN
		RAISE EXCEPTION 'issued documents are frozen: only superseded, once' USING ERRCODE = 'insufficient_privilege';
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER issued_documents_frozen BEFORE UPDATE OR DELETE ON issued_documents
	FOR EACH ROW EXECUTE FUNCTION issued_documents_frozen();

-- 送达 of an issued document (复议法第88条 applies the 民事诉讼法 rules on service): how, to whom, when, and the
-- scanned 送达回证 (a file of the case).
CREATE TABLE document_services (
	id              bigserial PRIMARY KEY,
	document_id     bigint NOT NULL REFERENCES issued_documents (id),
	method          text NOT NULL CHECK (method IN ('direct', 'post', 'electronic', 'left', 'public')),
	recipient       text NOT NULL CHECK (recipient <> '' AND length(recipient) <= 200),
	served_on       date NOT NULL,
	receipt_file_id bigint REFERENCES case_files (id),
	recorded_by     bigint NOT NULL REFERENCES users (id),
	recorded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX document_services_document ON document_services (document_id, id);
