-- Issued documents are frozen as text in the transaction of the action that issues them and rendered after
-- it commits, so no lock of that transaction (the year's case-number row above all) is held while PDFs are
-- rendered. Until its rendering is stored a document has no pdf; the rendering is produced from the frozen
-- text and date (deterministic: the same bytes every time) and stored once.
ALTER TABLE issued_documents ALTER COLUMN pdf DROP NOT NULL, ALTER COLUMN sha256 DROP NOT NULL;
ALTER TABLE issued_documents ADD CONSTRAINT issued_documents_rendering
	CHECK ((pdf IS NULL AND sha256 IS NULL) OR sha256 = sha256(pdf));

CREATE OR REPLACE FUNCTION issued_documents_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	-- the rendering of the frozen text, stored once; nothing else changes with it
	IF TG_OP = 'UPDATE' AND OLD.pdf IS NULL AND NEW.pdf IS NOT NULL
		AND (NEW.text, NEW.title, NEW.doc_no, NEW.issued_on, NEW.case_id, NEW.type, NEW.ref, NEW.superseded_by, NEW.supersede_reason)
			IS NOT DISTINCT FROM (OLD.text, OLD.title, OLD.doc_no, OLD.issued_on, OLD.case_id, OLD.type, OLD.ref, OLD.superseded_by, OLD.supersede_reason) THEN
		RETURN NEW;
	END IF;
	IF TG_OP = 'DELETE' OR OLD.superseded_by IS NOT NULL OR NEW.pdf IS DISTINCT FROM OLD.pdf OR NEW.text <> OLD.text
		OR NEW.doc_no <> OLD.doc_no OR NEW.issued_on <> OLD.issued_on OR NEW.sha256 IS DISTINCT FROM OLD.sha256
		OR NEW.case_id <> OLD.case_id OR NEW.type <> OLD.type OR NEW.ref <> OLD.ref THEN
		RAISE EXCEPTION 'issued documents are frozen: only superseded, once' USING ERRCODE = 'insufficient_privilege';
	END IF;
	RETURN NEW;
END $$;
