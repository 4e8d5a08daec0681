-- The evidence catalogue (证据目录): each piece of evidence in the case file may name the party that submitted
-- it and what it is to prove (证明目的); the catalogue numbers them per party in the order they were filed.
ALTER TABLE case_files
	ADD COLUMN party text NOT NULL DEFAULT '' CHECK (party IN ('', 'applicant', 'respondent', 'third_party', 'organ')),
	ADD COLUMN purpose text NOT NULL DEFAULT '' CHECK (length(purpose) <= 500);
