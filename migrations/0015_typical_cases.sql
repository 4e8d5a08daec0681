-- 系列案: the detector compares the contested act's 文号 with keyboard brackets read as 〔〕 and spaces dropped
-- (cases.SameActKey); this index serves that comparison.
CREATE INDEX cases_act_doc_key ON cases (translate(act_doc_no, '[]()（）［］ 　', '〔〕〔〕〔〕〔〕')) WHERE act_doc_no <> '';

-- 典型案例: a concluded case marked by the chief or the bureau, with a summary written for publication and
-- the same summary anonymised (by the publication's redaction rules) at marking; unmarking removes the row
-- (both audited on the case).
CREATE TABLE typical_cases (
	case_id     bigint PRIMARY KEY REFERENCES cases (id),
	title       text NOT NULL CHECK (title <> ''),
	summary     text NOT NULL CHECK (summary <> ''),
	public_text text NOT NULL,
	reason      text NOT NULL CHECK (reason <> ''),
	year        integer NOT NULL,
	marked_by   bigint NOT NULL REFERENCES users (id),
	marked_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX typical_cases_year ON typical_cases (year, marked_at);
