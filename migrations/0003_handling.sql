-- Case handling: staffing, procedure, reply, pauses, extension, committee, decisions, follow-up; hearings.

CREATE EXTENSION IF NOT EXISTS btree_gist;

-- Staffing minimums (条例第32条; local plans ≥3 for 重大、复杂、疑难). The server writes its configuration here
-- at start so the database guard below uses the same numbers as the Go rule.
ALTER TABLE organ ADD COLUMN min_officers integer NOT NULL DEFAULT 2 CHECK (min_officers >= 2),
	ADD COLUMN min_officers_complex integer NOT NULL DEFAULT 3 CHECK (min_officers_complex >= 2);

ALTER TABLE cases
	ADD COLUMN copy_sent_on      date,
	ADD COLUMN copy_received_on  date,
	ADD COLUMN reply_received_on date,
	ADD COLUMN converted_on      date,            -- simplified → ordinary (复议法第55条)
	ADD COLUMN conversion_reason text NOT NULL DEFAULT '',
	ADD COLUMN concluded_on      date,            -- decision approved or case terminated
	ADD COLUMN served_on         date,            -- 决定书/调解书 served (复议法第75条)
	ADD COLUMN performed_on      date,            -- 履行 of the decision or 调解书 (第77条)
	ADD COLUMN performance_note  text NOT NULL DEFAULT '',
	ADD CONSTRAINT cases_copy_after_accept CHECK (copy_sent_on IS NULL OR copy_sent_on >= accepted_on),
	ADD CONSTRAINT cases_reply_after_copy CHECK (reply_received_on IS NULL OR (copy_sent_on IS NOT NULL AND reply_received_on >= copy_sent_on)),
	ADD CONSTRAINT cases_served_after_concluded CHECK (served_on IS NULL OR (concluded_on IS NOT NULL AND served_on >= concluded_on));

-- The database guard of the staffing rule: at commit, every case whose team changed has enough active,
-- qualified officers and exactly one lead.
CREATE FUNCTION check_team() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	n integer; leads integer; unqualified integer; need integer;
BEGIN
	SELECT count(*), count(*) FILTER (WHERE x.lead), count(*) FILTER (WHERE NOT u.qualified OR u.role NOT IN ('officer', 'chief'))
	INTO n, leads, unqualified
	FROM case_assignments x JOIN users u ON u.id = x.user_id
	WHERE x.case_id = NEW.case_id AND x.removed_at IS NULL;
	SELECT CASE WHEN c.complex THEN o.min_officers_complex ELSE o.min_officers END INTO need
	FROM cases c, organ o WHERE c.id = NEW.case_id AND o.id = 1;
	IF unqualified > 0 THEN
		RAISE EXCEPTION 'team of case % includes unqualified staff', NEW.case_id USING ERRCODE = 'check_violation', CONSTRAINT = 'team_qualified';
	END IF;
	IF n < need THEN
		RAISE EXCEPTION 'team of case % has % officers, needs %', NEW.case_id, n, need USING ERRCODE = 'check_violation', CONSTRAINT = 'team_size';
	END IF;
	IF leads <> 1 THEN
		RAISE EXCEPTION 'team of case % has % leads', NEW.case_id, leads USING ERRCODE = 'check_violation', CONSTRAINT = 'team_lead';
	END IF;
	RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER case_assignments_team AFTER INSERT OR UPDATE ON case_assignments
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION check_team();

-- 中止 intervals (复议法第39条); at most one open at a time.
CREATE TABLE case_pauses (
	id         bigserial PRIMARY KEY,
	case_id    bigint NOT NULL REFERENCES cases (id),
	ground     text NOT NULL,
	note       text NOT NULL DEFAULT '',
	started_on date NOT NULL,
	ended_on   date,
	started_by bigint NOT NULL REFERENCES users (id),
	ended_by   bigint REFERENCES users (id),
	CHECK (ended_on IS NULL OR ended_on >= started_on)
);
CREATE UNIQUE INDEX case_pauses_one_open ON case_pauses (case_id) WHERE ended_on IS NULL;
ALTER TABLE case_pauses ADD CONSTRAINT case_pauses_no_overlap
	EXCLUDE USING gist (case_id WITH =, daterange(started_on, ended_on, '[)') WITH &&);

-- 延期 (复议法第62条第1款): once per case (primary key), at most 30 days.
CREATE TABLE case_extensions (
	case_id     bigint PRIMARY KEY REFERENCES cases (id),
	on_date     date NOT NULL,
	days        integer NOT NULL CHECK (days BETWEEN 1 AND 30),
	reason      text NOT NULL CHECK (reason <> ''),
	approved_by bigint NOT NULL REFERENCES users (id)
);

-- 行政复议委员会 咨询意见 (复议法第52条).
CREATE TABLE committee_opinions (
	id          bigserial PRIMARY KEY,
	case_id     bigint NOT NULL REFERENCES cases (id),
	given_on    date NOT NULL,
	opinion     text NOT NULL CHECK (opinion <> ''),
	recorded_by bigint NOT NULL REFERENCES users (id),
	recorded_at timestamptz NOT NULL DEFAULT now()
);

-- Decision drafts and approvals. The approved text is fixed; a change is a new version needing approval.
CREATE TABLE decisions (
	id             bigserial PRIMARY KEY,
	case_id        bigint NOT NULL REFERENCES cases (id),
	version        integer NOT NULL CHECK (version > 0),
	type           text NOT NULL CHECK (type IN ('change', 'revoke', 'confirm_illegal', 'order_perform', 'confirm_invalid',
		'maintain', 'dismiss_request', 'dismiss_application', 'mediation', 'settlement', 'terminate')),
	decided_on     date NOT NULL,
	articles       text[] NOT NULL,
	sections       jsonb NOT NULL DEFAULT '{}',
	ground         text NOT NULL DEFAULT '',
	perform_due_on date,
	status         text NOT NULL CHECK (status IN ('proposed', 'approved', 'returned', 'superseded')),
	proposed_by    bigint NOT NULL REFERENCES users (id),
	proposed_at    timestamptz NOT NULL DEFAULT now(),
	approved_by    bigint REFERENCES users (id),
	approved_at    timestamptz,
	approval_mode  text CHECK (approval_mode IN ('chief', 'collective')),
	return_reason  text NOT NULL DEFAULT '',
	UNIQUE (case_id, version),
	CHECK ((status IN ('approved', 'superseded')) = (approved_at IS NOT NULL))
);
CREATE UNIQUE INDEX decisions_one_approved ON decisions (case_id) WHERE status = 'approved';
CREATE UNIQUE INDEX decisions_one_proposed ON decisions (case_id) WHERE status = 'proposed';

-- 意见书 (复议法第76条) and 建议书 (条例第57条第2款), with the 60-day report back.
CREATE TABLE opinion_letters (
	id             bigserial PRIMARY KEY,
	case_id        bigint NOT NULL REFERENCES cases (id),
	kind           text NOT NULL CHECK (kind IN ('opinion', 'suggestion')),
	issued_on      date NOT NULL,
	received_on    date NOT NULL,
	content        text NOT NULL CHECK (content <> ''),
	issued_by      bigint NOT NULL REFERENCES users (id),
	reported_on    date,
	report_content text NOT NULL DEFAULT '',
	CHECK (received_on >= issued_on),
	CHECK (reported_on IS NULL OR reported_on >= received_on)
);

-- Hearings (复议法第50–51条). Nobody and no room is in two overlapping hearings: exclusion constraints.
CREATE TABLE rooms (
	id       serial PRIMARY KEY,
	name     text NOT NULL UNIQUE,
	location text NOT NULL DEFAULT '',
	active   boolean NOT NULL DEFAULT true
);

CREATE TABLE hearings (
	id                       bigserial PRIMARY KEY,
	case_id                  bigint NOT NULL REFERENCES cases (id),
	starts_at                timestamptz NOT NULL,
	ends_at                  timestamptz NOT NULL,
	room_id                  integer REFERENCES rooms (id),
	online_link              text NOT NULL DEFAULT '',
	notified_on              date NOT NULL,
	status                   text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'held', 'not_held', 'cancelled', 'rescheduled')),
	rescheduled_from         bigint REFERENCES hearings (id),
	status_reason            text NOT NULL DEFAULT '',
	applicant_waived         boolean NOT NULL DEFAULT false,
	respondent_head_attended boolean,
	head_name                text NOT NULL DEFAULT '',
	head_title               text NOT NULL DEFAULT '',
	absence_reason           text NOT NULL DEFAULT '',
	delegate_name            text NOT NULL DEFAULT '',
	minutes                  text NOT NULL DEFAULT '',
	recorded_by              bigint REFERENCES users (id),
	recorded_at              timestamptz,
	created_by               bigint NOT NULL REFERENCES users (id),
	created_at               timestamptz NOT NULL DEFAULT now(),
	version                  integer NOT NULL DEFAULT 1,
	CHECK (ends_at > starts_at),
	CHECK (room_id IS NOT NULL OR online_link <> ''),
	CONSTRAINT hearings_room_free EXCLUDE USING gist (room_id WITH =, tstzrange(starts_at, ends_at) WITH &&)
		WHERE (status = 'scheduled' AND room_id IS NOT NULL)
);
CREATE INDEX hearings_case ON hearings (case_id);
CREATE INDEX hearings_time ON hearings (starts_at);

CREATE TABLE hearing_panel (
	hearing_id bigint NOT NULL REFERENCES hearings (id),
	user_id    bigint NOT NULL REFERENCES users (id),
	role       text NOT NULL CHECK (role IN ('host', 'member', 'clerk')),
	during     tstzrange NOT NULL,
	active     boolean NOT NULL DEFAULT true,
	PRIMARY KEY (hearing_id, user_id), -- all different people
	CONSTRAINT hearing_panel_person_free EXCLUDE USING gist (user_id WITH =, during WITH &&) WHERE (active)
);

CREATE INDEX events_hearing ON events (case_id) WHERE action LIKE 'hearing.%';
