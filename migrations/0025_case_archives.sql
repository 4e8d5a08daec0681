-- The 卷宗: at conclusion a case is archived into one PDF of its 正卷 (open to 阅卷) and one of its 副卷
-- (internal: drafts, approvals, committee discussion), each with cover, 卷内目录 and 备考表, stored with their
-- SHA-256. An archived case is read-only; a file added later is a 补充归档, logged in archive_supplements.
CREATE TABLE case_archives (
	case_id     bigint PRIMARY KEY REFERENCES cases (id),
	retention   text NOT NULL CHECK (retention IN ('permanent', '30y', '10y')),
	archived_by bigint NOT NULL REFERENCES users (id),
	archived_at timestamptz NOT NULL DEFAULT now(),
	main_pdf    bytea NOT NULL CHECK (substr(main_pdf, 1, 5) = '\x255044462d'::bytea),
	main_sha256 bytea NOT NULL CHECK (length(main_sha256) = 32),
	main_pages  integer NOT NULL CHECK (main_pages > 0),
	sub_pdf     bytea NOT NULL CHECK (substr(sub_pdf, 1, 5) = '\x255044462d'::bytea),
	sub_sha256  bytea NOT NULL CHECK (length(sub_sha256) = 32),
	sub_pages   integer NOT NULL CHECK (sub_pages > 0)
);

CREATE TABLE archive_supplements (
	id       bigserial PRIMARY KEY,
	case_id  bigint NOT NULL REFERENCES case_archives (case_id),
	file_id  bigint NOT NULL UNIQUE REFERENCES case_files (id),
	reason   text NOT NULL CHECK (reason <> '' AND length(reason) <= 500),
	added_by bigint NOT NULL REFERENCES users (id),
	added_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION case_archived(id bigint) RETURNS boolean LANGUAGE sql STABLE AS
	$$ SELECT EXISTS (SELECT 1 FROM case_archives WHERE case_id = id) $$;

-- The archive itself never changes and is never deleted.
CREATE FUNCTION case_archive_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'an archived case file (卷宗) is read-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER case_archives_frozen BEFORE UPDATE OR DELETE ON case_archives FOR EACH ROW EXECUTE FUNCTION case_archive_frozen();
CREATE TRIGGER archive_supplements_frozen BEFORE UPDATE OR DELETE ON archive_supplements FOR EACH ROW EXECUTE FUNCTION case_archive_frozen();

-- An archived case is read-only: its row, its parties, its documents and their service, its files'
-- withdrawal.
CREATE FUNCTION case_archived_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	cid bigint;
BEGIN
	IF TG_TABLE_NAME = 'cases' THEN
		cid := OLD.id;
	ELSIF TG_TABLE_NAME = 'document_services' THEN
		SELECT case_id INTO cid FROM issued_documents WHERE id = NEW.document_id;
	ELSIF TG_OP = 'DELETE' THEN
		cid := OLD.case_id;
	ELSE
		cid := NEW.case_id;
	END IF;
	IF cid IS NOT NULL AND case_archived(cid) THEN
		RAISE EXCEPTION 'case % is archived: its file is read-only', cid USING ERRCODE = 'insufficient_privilege';
	END IF;
	IF TG_OP = 'DELETE' THEN
		RETURN OLD;
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER cases_archived BEFORE UPDATE ON cases FOR EACH ROW EXECUTE FUNCTION case_archived_guard();
CREATE TRIGGER case_parties_archived BEFORE INSERT OR UPDATE OR DELETE ON case_parties FOR EACH ROW EXECUTE FUNCTION case_archived_guard();
CREATE TRIGGER issued_documents_archived BEFORE INSERT OR UPDATE ON issued_documents FOR EACH ROW EXECUTE FUNCTION case_archived_guard();
CREATE TRIGGER document_services_archived BEFORE INSERT ON document_services FOR EACH ROW EXECUTE FUNCTION case_archived_guard();
CREATE TRIGGER case_files_archived BEFORE UPDATE ON case_files FOR EACH ROW EXECUTE FUNCTION case_archived_guard();

-- A file added to an archived case is a 补充归档: at commit it has its row in archive_supplements.
CREATE FUNCTION case_files_supplement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.case_id IS NOT NULL AND case_archived(NEW.case_id)
		AND NOT EXISTS (SELECT 1 FROM archive_supplements WHERE file_id = NEW.id) THEN
		RAISE EXCEPTION 'file % added to archived case % without a 补充归档 record', NEW.id, NEW.case_id
			USING ERRCODE = 'check_violation', CONSTRAINT = 'case_files_supplement';
	END IF;
	RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER case_files_supplement AFTER INSERT ON case_files DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW EXECUTE FUNCTION case_files_supplement();

-- organ scoping (as 0022): the organ of the case, row-level security
ALTER TABLE case_archives ADD COLUMN organ_id integer NOT NULL DEFAULT fuyi_default_organ() REFERENCES organ (id);
ALTER TABLE archive_supplements ADD COLUMN organ_id integer NOT NULL DEFAULT fuyi_default_organ() REFERENCES organ (id);
ALTER TABLE case_archives ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
ALTER TABLE archive_supplements ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY organ_scope ON case_archives USING (fuyi_organ() IS NULL OR organ_id = fuyi_organ());
CREATE POLICY organ_scope ON archive_supplements USING (fuyi_organ() IS NULL OR organ_id = fuyi_organ());
CREATE TRIGGER organ_from_parent BEFORE INSERT ON case_archives FOR EACH ROW EXECUTE FUNCTION organ_from_parent('cases', 'case_id');
CREATE TRIGGER organ_from_parent BEFORE INSERT ON archive_supplements FOR EACH ROW EXECUTE FUNCTION organ_from_parent('cases', 'case_id');
