-- 上一级主管部门 of an agency in the directory, and the 抄告 of 复议法第79条第2款.
--
-- The directory decides who receives a 抄告: an agency with a superior_id is a 工作部门 of the organ's own
-- government whose 上一级主管部门 is that agency; an agency without one (a 街道办事处 or 乡镇, whose superior
-- is the government itself, the 复议机关) gets no 抄告. Only departments may name one.
ALTER TABLE agencies ADD COLUMN superior_id integer REFERENCES agencies (id),
	ADD CONSTRAINT agencies_superior_not_self CHECK (superior_id <> id),
	ADD CONSTRAINT agencies_superior_department CHECK (superior_id IS NULL OR level IN ('县级部门', '市级部门', '省级部门'));

-- One 抄告 per effective 决定书 (kind decision) or 意见书 (kind opinion), prepared in the transaction that
-- made the document effective; due the same day (“同时抄告”).
CREATE TABLE copy_reports (
	id           bigserial PRIMARY KEY,
	case_id      bigint NOT NULL REFERENCES cases (id),
	kind         text NOT NULL CHECK (kind IN ('decision', 'opinion')),
	letter_id    bigint REFERENCES opinion_letters (id),
	agency_id    integer NOT NULL REFERENCES agencies (id),
	superior_id  integer NOT NULL REFERENCES agencies (id),
	year         integer NOT NULL,
	serial       integer NOT NULL CHECK (serial > 0),
	doc_no       text NOT NULL UNIQUE,
	effective_on date NOT NULL,
	sent_on      date,
	served_on    date,
	pdf          bytea NOT NULL,
	created_at   timestamptz NOT NULL DEFAULT now(),
	UNIQUE (year, serial),
	CONSTRAINT copy_reports_letter CHECK ((kind = 'opinion') = (letter_id IS NOT NULL)),
	CONSTRAINT copy_reports_sent_after_effect CHECK (sent_on IS NULL OR sent_on >= effective_on),
	CONSTRAINT copy_reports_served_after_sent CHECK (served_on IS NULL OR (sent_on IS NOT NULL AND served_on >= sent_on))
);
CREATE UNIQUE INDEX copy_reports_one_decision ON copy_reports (case_id) WHERE kind = 'decision';
CREATE UNIQUE INDEX copy_reports_one_letter ON copy_reports (letter_id) WHERE kind = 'opinion';
CREATE INDEX copy_reports_unsent ON copy_reports (effective_on) WHERE sent_on IS NULL;
