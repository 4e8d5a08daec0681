-- The case list's due sort (sort=due, the review queue, the home page's lists) orders the cases by their
-- nearest open deadline, cases without one last, then by id. It was computed per case at read time (a
-- LATERAL over the open deadlines): the first page computed it for every visible case and sorted them all,
-- seconds at 1,000,000 cases, and no keyset cursor could continue it.
--
-- cases.due_key is that date, 'infinity' when the case has no open deadline, kept by one trigger on deadlines
-- (every writer of deadlines: the case store, intake, supervision, the synthetic data); cases_due_key orders
-- the cases by it, so that the order is one index range and a keyset cursor (due_key, id) > (d, n) continues
-- it. A plain column, not an expression: under row-level security only a LEAKPROOF condition searches an
-- index, and coalesce() is not one.
ALTER TABLE cases ADD COLUMN due_key date NOT NULL DEFAULT 'infinity';

-- case_due_key sets cases.due_key of one case from its open deadlines (only when it changes).
CREATE FUNCTION case_due_key(cid bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	v date;
BEGIN
	SELECT coalesce(min(d.due_on), 'infinity') INTO v FROM deadlines d WHERE d.case_id = cid AND d.status = 'open';
	UPDATE cases SET due_key = v WHERE id = cid AND due_key <> v;
END $$;

CREATE FUNCTION deadlines_due_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' AND OLD.case_id IS NOT NULL THEN
		PERFORM case_due_key(OLD.case_id);
	END IF;
	IF TG_OP <> 'DELETE' AND NEW.case_id IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.case_id IS DISTINCT FROM OLD.case_id) THEN
		PERFORM case_due_key(NEW.case_id);
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER deadlines_due_key AFTER INSERT OR DELETE OR UPDATE OF case_id, due_on, status ON deadlines
	FOR EACH ROW EXECUTE FUNCTION deadlines_due_key();

-- An archived case stays read-only (0025_case_archives.sql) except for this derived date: an update that
-- changes nothing else of its row passes (act_key is generated, not yet computed in NEW).
CREATE OR REPLACE FUNCTION case_archived_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	cid bigint;
BEGIN
	IF TG_TABLE_NAME = 'cases' THEN
		IF (to_jsonb(OLD) - 'due_key' - 'act_key') = (to_jsonb(NEW) - 'due_key' - 'act_key') THEN
			RETURN NEW;
		END IF;
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

UPDATE cases c SET due_key = m.due_on
FROM (SELECT case_id, min(due_on) AS due_on FROM deadlines WHERE status = 'open' AND case_id IS NOT NULL GROUP BY case_id) m
WHERE c.id = m.case_id;

CREATE INDEX cases_due_key ON cases (due_key, id) INCLUDE (organ_id);

-- A page by number walks its order's index over the pages before it (up to the count cap): the policy reads
-- organ_id, which cases_received_id did not hold, so the walk of the received sort (the default) visited the
-- heap of every skipped case (about 20-40 ms at offset 9,980 of 100,000 cases, against 2 ms index-only).
DROP INDEX cases_received_id;
CREATE INDEX cases_received_id ON cases (received_on DESC, id DESC) INCLUDE (organ_id);
