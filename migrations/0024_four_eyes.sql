-- Four eyes (复议法第61条: the 行政复议机构 proposes, the 负责人 or the collective discussion approves): a
-- decision is never approved by the one who drafted it nor by the case's lead officer at the time of
-- approval. The Go rule is cases.FourEyes; this trigger holds it for every writer.
CREATE FUNCTION check_four_eyes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.approved_by = NEW.proposed_by OR EXISTS (SELECT 1 FROM case_assignments x
		WHERE x.case_id = NEW.case_id AND x.user_id = NEW.approved_by AND x.lead AND x.removed_at IS NULL) THEN
		RAISE EXCEPTION 'decision % of case % approved by its drafter or the lead officer', NEW.id, NEW.case_id
			USING ERRCODE = 'check_violation', CONSTRAINT = 'decision_four_eyes';
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER decisions_four_eyes BEFORE INSERT OR UPDATE OF status, approved_by ON decisions
	FOR EACH ROW WHEN (NEW.status = 'approved' AND NEW.approved_by IS NOT NULL)
	EXECUTE FUNCTION check_four_eyes();
