-- 行政应诉: lawsuits against the government, court sessions (负责人出庭), judgments, 司法/检察建议.

CREATE TABLE lawsuits (
	id                              bigserial PRIMARY KEY,
	court                           text NOT NULL CHECK (court <> ''),
	court_case_no                   text NOT NULL UNIQUE,
	instance                        text NOT NULL CHECK (instance IN ('first', 'second', 'retrial')),
	previous_lawsuit_id             bigint REFERENCES lawsuits (id),
	defendant_agency_id             integer REFERENCES agencies (id),
	reconsideration_organ_defendant boolean NOT NULL,
	case_id                         bigint REFERENCES cases (id),
	plaintiff                       text NOT NULL CHECK (plaintiff <> ''),
	cause                           text NOT NULL CHECK (cause <> ''),
	complaint_received_on           date NOT NULL,
	head_required                   boolean NOT NULL DEFAULT false,
	head_required_reason            text NOT NULL DEFAULT '',
	handler_id                      bigint REFERENCES users (id),
	answer_filed_on                 date,
	outcome                         text CHECK (outcome IN ('dismiss_claims', 'revoke', 'perform', 'pay', 'confirm_illegal',
		'confirm_invalid', 'change', 'agreement_liability', 'compensation', 'dismiss_suit', 'withdrawn', 'mediated')),
	judgment_kind                   text CHECK (judgment_kind IN ('judgment', 'ruling', 'mediation')),
	judged_on                       date,
	served_on                       date,
	lost                            boolean,
	appeal_decision                 text CHECK (appeal_decision IN ('appeal', 'no_appeal')),
	appeal_decided_on               date,
	registered_by                   bigint NOT NULL REFERENCES users (id),
	version                         integer NOT NULL DEFAULT 1,
	created_at                      timestamptz NOT NULL DEFAULT now(),
	-- a lawsuit needs a defendant: the agency, the reconsideration organ, or both (行诉法第26条)
	CHECK (defendant_agency_id IS NOT NULL OR reconsideration_organ_defendant),
	CHECK ((outcome IS NULL) = (judged_on IS NULL) AND (outcome IS NULL) = (lost IS NULL)),
	CHECK (served_on IS NULL OR served_on >= judged_on),
	CHECK (judged_on IS NULL OR judged_on >= complaint_received_on)
);
CREATE INDEX lawsuits_received ON lawsuits (complaint_received_on);
CREATE INDEX lawsuits_judged ON lawsuits (judged_on);
CREATE INDEX lawsuits_agency ON lawsuits (defendant_agency_id);

CREATE TABLE court_sessions (
	id                bigserial PRIMARY KEY,
	lawsuit_id        bigint NOT NULL REFERENCES lawsuits (id),
	held_on           date NOT NULL,
	head_appeared     boolean NOT NULL,
	head_name         text NOT NULL DEFAULT '',
	head_title        text NOT NULL DEFAULT '',
	head_rank         text CHECK (head_rank IN ('principal', 'deputy', 'in_charge')),
	absence_reason    text NOT NULL DEFAULT '' CHECK (absence_reason IN ('', 'force_majeure', 'accident', 'official_duty', 'other_justified', 'none')),
	absence_note      text NOT NULL DEFAULT '',
	explanation_filed boolean NOT NULL DEFAULT false,
	delegate_name     text NOT NULL DEFAULT '',
	lawyer_name       text NOT NULL DEFAULT '',
	recorded_by       bigint NOT NULL REFERENCES users (id),
	recorded_at       timestamptz NOT NULL DEFAULT now(),
	-- 行诉法第3条第3款: a 负责人 who appears has a rank; one who does not sends 相应的工作人员 (a lawyer alone is not enough)
	CHECK (NOT head_appeared OR (head_rank IS NOT NULL AND head_name <> '')),
	CHECK (head_appeared OR (delegate_name <> '' AND absence_reason <> ''))
);
CREATE INDEX court_sessions_lawsuit ON court_sessions (lawsuit_id);
CREATE INDEX court_sessions_held ON court_sessions (held_on);

CREATE TABLE suggestions (
	id           bigserial PRIMARY KEY,
	lawsuit_id   bigint NOT NULL REFERENCES lawsuits (id),
	kind         text NOT NULL CHECK (kind IN ('judicial', 'procuratorial')),
	received_on  date NOT NULL,
	reply_due_on date NOT NULL,
	replied_on   date,
	content      text NOT NULL DEFAULT '',
	CHECK (reply_due_on >= received_on),
	CHECK (replied_on IS NULL OR replied_on >= received_on)
);
CREATE INDEX suggestions_received ON suggestions (received_on);

ALTER TABLE deadlines ADD COLUMN lawsuit_id bigint REFERENCES lawsuits (id);
ALTER TABLE deadlines ADD CONSTRAINT deadlines_one_owner CHECK ((case_id IS NULL) <> (lawsuit_id IS NULL));
CREATE UNIQUE INDEX deadlines_lawsuit_kind ON deadlines (lawsuit_id, kind, ref) WHERE lawsuit_id IS NOT NULL;

ALTER TABLE events ADD COLUMN lawsuit_id bigint REFERENCES lawsuits (id);
CREATE INDEX events_lawsuit ON events (lawsuit_id, id) WHERE lawsuit_id IS NOT NULL;

-- 出庭应诉情况通报 published internally by the bureau: a frozen snapshot.
CREATE TABLE appearance_bulletins (
	id           bigserial PRIMARY KEY,
	period_from  date NOT NULL,
	period_to    date NOT NULL,
	snapshot     jsonb NOT NULL,
	published_by bigint NOT NULL REFERENCES users (id),
	published_at timestamptz NOT NULL DEFAULT now(),
	CHECK (period_to >= period_from)
);
