-- 系列案: the key of the contested act's 文号 (cases.SameActKey: keyboard brackets read as 〔〕, spaces dropped)
-- as a stored column, so that the series query (cases/series.go, and the snapshot's series_json) compares
-- a plain column. Under row-level security (0022) PostgreSQL makes a condition an index condition only when
-- every function in it is LEAKPROOF: translate() is not, so the expression index of 0034 was walked whole
-- with translate() as a filter, and every registration read every earlier application with a 文号. The
-- equality of text is leakproof: the index below is searched by act_key without any superuser's help.
ALTER TABLE cases ADD COLUMN act_key text GENERATED ALWAYS AS (translate(act_doc_no, '[]()（）［］ 　', '〔〕〔〕〔〕〔〕')) STORED;
CREATE INDEX cases_act_series ON cases (act_key, received_on, id) WHERE act_doc_no <> '';
DROP INDEX cases_act_doc_series;
