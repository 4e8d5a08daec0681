-- 系列案: the first 20 applications contesting an act, by date (cases/series.go, the snapshot's series_json), are read
-- off the index in order instead of sorting every application with the same 文号 (a mass of applications
-- against one act made each registration read and sort all of them).
CREATE INDEX cases_act_doc_series ON cases (translate(act_doc_no, '[]()（）［］ 　', '〔〕〔〕〔〕〔〕'), received_on, id) WHERE act_doc_no <> '';
DROP INDEX cases_act_doc_key;
