-- The lead officer's working copy of a decision draft, before it is proposed: saved on request and a moment
-- after each change (and when a proposal is refused), so nothing typed is lost on an error, a reload or a
-- change of computer. One per case; removed when the draft is proposed. fields holds the form's fields as
-- typed (type, decided_on, articles, ground, perform_due_on, sections.*), validated only on proposal.
-- It belongs to its case's organ (row-level security as every organ table, 0022).
CREATE TABLE decision_workdrafts (
	case_id  bigint PRIMARY KEY REFERENCES cases (id),
	organ_id integer NOT NULL DEFAULT fuyi_default_organ() REFERENCES organ (id),
	fields   jsonb NOT NULL CHECK (jsonb_typeof(fields) = 'object'),
	saved_by bigint NOT NULL REFERENCES users (id),
	saved_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE decision_workdrafts ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY organ_scope ON decision_workdrafts USING (fuyi_organ() IS NULL OR organ_id = fuyi_organ());
CREATE TRIGGER organ_from_parent BEFORE INSERT ON decision_workdrafts FOR EACH ROW EXECUTE FUNCTION organ_from_parent('cases', 'case_id');
