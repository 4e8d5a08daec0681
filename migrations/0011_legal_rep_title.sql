-- The 职务 of a 法定代表人 or 主要负责人: documents name both (法定代表人：刘建国，局长).
ALTER TABLE agencies ADD COLUMN legal_rep_title text NOT NULL DEFAULT '';
ALTER TABLE case_parties ADD COLUMN legal_rep_title text NOT NULL DEFAULT '';
