-- 阅卷 (复议法第47条): an applicant, a third party or an agent read or copied materials of the case. The officer
-- records who (the party as registered, its name kept as it was), when, how (查阅, 复制 or both), which files
-- (never internal ones: the service offers only the 正卷's files), what was withheld and why.
CREATE TABLE case_inspections (
	id           bigserial PRIMARY KEY,
	case_id      bigint NOT NULL REFERENCES cases (id),
	reader_role  text NOT NULL CHECK (reader_role IN ('applicant', 'third_party', 'agent')),
	reader       text NOT NULL CHECK (reader <> '' AND length(reader) <= 200),
	inspected_on date NOT NULL,
	kind         text NOT NULL CHECK (kind IN ('read', 'copy', 'read_copy')),
	file_ids     bigint[] NOT NULL CHECK (cardinality(file_ids) > 0),
	copy_pages   integer NOT NULL DEFAULT 0 CHECK (copy_pages >= 0 AND copy_pages <= 100000),
	withheld     text NOT NULL DEFAULT '' CHECK (length(withheld) <= 1000),
	note         text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
	recorded_by  bigint NOT NULL REFERENCES users (id),
	recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_inspections_case ON case_inspections (case_id, id);

-- organ scoping (as 0022): the organ of the case, row-level security
ALTER TABLE case_inspections ADD COLUMN organ_id integer NOT NULL DEFAULT fuyi_default_organ() REFERENCES organ (id);
ALTER TABLE case_inspections ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY organ_scope ON case_inspections USING (fuyi_organ() IS NULL OR organ_id = fuyi_organ());
CREATE TRIGGER organ_from_parent BEFORE INSERT ON case_inspections FOR EACH ROW EXECUTE FUNCTION organ_from_parent('cases', 'case_id');
