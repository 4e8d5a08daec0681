-- Core schema: calendar, organisation, people, sessions, applications and their review, deadlines, audit.

CREATE TABLE calendar_days (
	day  date PRIMARY KEY,
	kind text NOT NULL CHECK (kind IN ('holiday', 'workday')),
	name text NOT NULL CHECK (name <> ''),
	-- a 调休 working day is always a weekend day; a holiday on a weekday or weekend alike
	CONSTRAINT calendar_workday_is_weekend CHECK (kind <> 'workday' OR extract(isodow FROM day) >= 6)
);

CREATE TABLE calendar_years (
	year       integer PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
	complete   boolean NOT NULL DEFAULT false,
	source     text NOT NULL DEFAULT '',
	updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE calendar_state (
	id      integer PRIMARY KEY CHECK (id = 1),
	version bigint NOT NULL
);
INSERT INTO calendar_state (id, version) VALUES (1, 1);

CREATE FUNCTION calendar_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE calendar_state SET version = version + 1 WHERE id = 1;
	RETURN NULL;
END $$;
CREATE TRIGGER calendar_days_bump AFTER INSERT OR UPDATE OR DELETE ON calendar_days
	FOR EACH STATEMENT EXECUTE FUNCTION calendar_bump();
CREATE TRIGGER calendar_years_bump AFTER INSERT OR UPDATE OR DELETE ON calendar_years
	FOR EACH STATEMENT EXECUTE FUNCTION calendar_bump();

-- The reconsideration organ this installation serves (one row).
CREATE TABLE organ (
	id          integer PRIMARY KEY CHECK (id = 1),
	name        text NOT NULL,          -- 复议机关, e.g. 南京市栖霞区人民政府
	office_name text NOT NULL,          -- 复议机构, e.g. 南京市栖霞区司法局
	doc_prefix  text NOT NULL,          -- 机关代字 of the case number, e.g. 栖政复
	court_name  text NOT NULL,          -- court named in the 诉权告知
	address     text NOT NULL DEFAULT '',
	phone       text NOT NULL DEFAULT ''
);
INSERT INTO organ (id, name, office_name, doc_prefix, court_name)
VALUES (1, '某区人民政府', '某区司法局', '某政复', '某区人民法院');

CREATE TABLE windows (
	id      serial PRIMARY KEY,
	code    text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9]{2,16}$'),
	name    text NOT NULL,
	address text NOT NULL DEFAULT '',
	phone   text NOT NULL DEFAULT '',
	active  boolean NOT NULL DEFAULT true
);

CREATE TABLE agencies (
	id        serial PRIMARY KEY,
	name      text NOT NULL UNIQUE,
	category  text NOT NULL CHECK (category IN ('公安', '自然资源', '市场监管', '人社', '住建', '生态环境', '交通运输',
		'农业农村', '卫生健康', '教育', '民政', '税务', '财政', '应急管理', '城管/综合执法', '乡镇(街道)', '其他')),
	level     text NOT NULL CHECK (level IN ('乡镇', '县级部门', '县级政府', '市级部门', '市级政府', '省级部门', '其他')),
	legal_rep text NOT NULL DEFAULT '',
	address   text NOT NULL DEFAULT '',
	parent_id integer REFERENCES agencies (id),
	active    boolean NOT NULL DEFAULT true
);

CREATE TABLE users (
	id            bigserial PRIMARY KEY,
	username      text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9_.-]{1,31}$'),
	name          text NOT NULL CHECK (name <> ''),
	role          text NOT NULL CHECK (role IN ('window', 'officer', 'chief', 'bureau')),
	window_id     integer REFERENCES windows (id),
	qualified     boolean NOT NULL DEFAULT false,
	password_hash text NOT NULL,
	active        boolean NOT NULL DEFAULT true,
	created_at    timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT users_window_role CHECK ((role = 'window') = (window_id IS NOT NULL)),
	CONSTRAINT users_qualified_officer CHECK (NOT qualified OR role IN ('officer', 'chief'))
);

CREATE TABLE sessions (
	id         bigserial PRIMARY KEY,
	token_hash bytea NOT NULL UNIQUE,
	user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	kind       text NOT NULL CHECK (kind IN ('web', 'api')),
	csrf_token text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE login_attempts (
	id       bigserial PRIMARY KEY,
	username text NOT NULL,
	ip       text NOT NULL,
	ok       boolean NOT NULL,
	at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_username ON login_attempts (username, at);
CREATE INDEX login_attempts_ip ON login_attempts (ip, at);

CREATE TABLE idempotency_keys (
	user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	key          text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
	request_hash bytea NOT NULL,
	status       integer,
	body         bytea,
	created_at   timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (user_id, key)
);

-- Yearly serials for case numbers (一案一号) and registration numbers. Incremented inside the accepting
-- transaction, so a rolled-back acceptance leaves no gap and two concurrent ones queue on the row lock.
CREATE TABLE case_serials (
	year integer PRIMARY KEY,
	last integer NOT NULL CHECK (last > 0)
);
CREATE TABLE registration_serials (
	prefix text NOT NULL,
	year   integer NOT NULL,
	last   integer NOT NULL CHECK (last > 0),
	PRIMARY KEY (prefix, year)
);

CREATE TABLE cases (
	id                   bigserial PRIMARY KEY,
	registration_no      text NOT NULL UNIQUE,
	query_code           text NOT NULL CHECK (length(query_code) = 8),
	window_id            integer REFERENCES windows (id),
	registered_by        bigint NOT NULL REFERENCES users (id),
	channel              text NOT NULL CHECK (channel IN ('window', 'mail', 'online', 'other')),
	received_on          date NOT NULL,
	respondent_agency_id integer NOT NULL REFERENCES agencies (id),
	act_title            text NOT NULL CHECK (act_title <> ''),
	act_doc_no           text NOT NULL DEFAULT '',
	act_made_on          date,
	act_known_on         date NOT NULL,
	matter               text NOT NULL CHECK (matter IN ('行政处罚', '行政强制', '行政征收', '行政许可', '行政确权',
		'行政确认', '信息公开', '举报投诉处理', '行政不作为', '其他')),
	requests             text NOT NULL CHECK (requests <> ''),
	facts                text NOT NULL DEFAULT '',
	materials            text[] NOT NULL DEFAULT '{}',
	apply_last_day       date,
	late_note            text NOT NULL DEFAULT '',
	status               text NOT NULL DEFAULT 'registered' CHECK (status IN ('registered', 'correction',
		'accepted', 'suspended', 'decided', 'terminated', 'rejected', 'abandoned')),
	review_from          date NOT NULL,   -- receipt of the application, or of the 补正 materials
	procedure            text CHECK (procedure IN ('ordinary', 'simplified')),
	simplified_grounds   text[] NOT NULL DEFAULT '{}',
	complex              boolean NOT NULL DEFAULT false,
	complex_reason       text NOT NULL DEFAULT '',
	case_year            integer,
	case_serial          integer CHECK (case_serial > 0),
	case_no              text UNIQUE,
	accepted_on          date,
	deemed_accepted      boolean NOT NULL DEFAULT false,
	rejected_on          date,
	reject_reason        text NOT NULL DEFAULT '',
	version              integer NOT NULL DEFAULT 1,
	created_at           timestamptz NOT NULL DEFAULT now(),
	updated_at           timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT cases_number_unique UNIQUE (case_year, case_serial),
	CONSTRAINT cases_number_complete CHECK ((case_no IS NULL) = (case_serial IS NULL) AND (case_serial IS NULL) = (case_year IS NULL)),
	CONSTRAINT cases_accepted_numbered CHECK (status IN ('registered', 'correction', 'rejected', 'abandoned')
		OR (case_no IS NOT NULL AND accepted_on IS NOT NULL AND procedure IS NOT NULL)),
	CONSTRAINT cases_known_after_made CHECK (act_made_on IS NULL OR act_known_on >= act_made_on),
	CONSTRAINT cases_accepted_after_received CHECK (accepted_on IS NULL OR accepted_on >= received_on)
);
CREATE INDEX cases_status ON cases (status);
CREATE INDEX cases_window ON cases (window_id, received_on DESC);
CREATE INDEX cases_received ON cases (received_on);
CREATE INDEX cases_accepted ON cases (accepted_on);
CREATE INDEX cases_agency ON cases (respondent_agency_id);

CREATE TABLE case_parties (
	id          bigserial PRIMARY KEY,
	case_id     bigint NOT NULL REFERENCES cases (id),
	role        text NOT NULL CHECK (role IN ('applicant', 'third_party', 'agent')),
	position    integer NOT NULL,
	kind        text NOT NULL CHECK (kind IN ('person', 'org')),
	name        text NOT NULL CHECK (name <> ''),
	id_type     text NOT NULL DEFAULT '',
	id_number   text NOT NULL DEFAULT '',
	credit_code text NOT NULL DEFAULT '',
	legal_rep   text NOT NULL DEFAULT '',
	phone       text NOT NULL DEFAULT '',
	address     text NOT NULL DEFAULT '',
	sex         text NOT NULL DEFAULT '' CHECK (sex IN ('', '男', '女')),
	birth_date  date,
	agent_kind  text NOT NULL DEFAULT '' CHECK (agent_kind IN ('', 'lawyer', 'relative', 'other')),
	firm        text NOT NULL DEFAULT '',
	UNIQUE (case_id, role, position)
);

-- 补正: one notice per application listing every item at once (复议法第31条第1款).
CREATE TABLE corrections (
	case_id      bigint PRIMARY KEY REFERENCES cases (id),
	requested_on date NOT NULL,
	items        text[] NOT NULL CHECK (cardinality(items) > 0),
	requested_by bigint NOT NULL REFERENCES users (id),
	received_on  date,
	CHECK (received_on IS NULL OR received_on >= requested_on)
);

CREATE TABLE case_assignments (
	id          bigserial PRIMARY KEY,
	case_id     bigint NOT NULL REFERENCES cases (id),
	user_id     bigint NOT NULL REFERENCES users (id),
	lead        boolean NOT NULL DEFAULT false,
	assigned_at timestamptz NOT NULL DEFAULT now(),
	assigned_by bigint NOT NULL REFERENCES users (id),
	removed_at  timestamptz,
	removed_by  bigint REFERENCES users (id)
);
CREATE UNIQUE INDEX case_assignments_active ON case_assignments (case_id, user_id) WHERE removed_at IS NULL;
CREATE UNIQUE INDEX case_assignments_one_lead ON case_assignments (case_id) WHERE removed_at IS NULL AND lead;
CREATE INDEX case_assignments_user ON case_assignments (user_id) WHERE removed_at IS NULL;

-- Deadlines are derived data: recomputed from the case facts and pause intervals, never edited by hand.
-- due_on is NULL (status pending) when the period reaches a year without a calendar.
CREATE TABLE deadlines (
	id         bigserial PRIMARY KEY,
	case_id    bigint REFERENCES cases (id),
	kind       text NOT NULL,
	ref        text NOT NULL DEFAULT '',
	due_on     date,
	basis      text NOT NULL,
	status     text NOT NULL CHECK (status IN ('open', 'met', 'pending', 'suspended', 'cancelled')),
	met_on     date,
	updated_at timestamptz NOT NULL DEFAULT now(),
	CHECK ((status IN ('pending', 'suspended')) = (due_on IS NULL)),
	CHECK ((status = 'met') = (met_on IS NOT NULL))
);
CREATE UNIQUE INDEX deadlines_case_kind ON deadlines (case_id, kind, ref) WHERE case_id IS NOT NULL;
CREATE INDEX deadlines_open_due ON deadlines (due_on) WHERE status = 'open';
CREATE INDEX deadlines_pending ON deadlines (id) WHERE status = 'pending';

-- The audit trail. Rows can be added, never changed or removed (enforced below, not only in the application).
CREATE TABLE events (
	id       bigserial PRIMARY KEY,
	case_id  bigint REFERENCES cases (id),
	actor_id bigint REFERENCES users (id),
	at       timestamptz NOT NULL DEFAULT now(),
	action   text NOT NULL,
	summary  text NOT NULL,
	old      jsonb,
	new      jsonb
);
CREATE INDEX events_case ON events (case_id, id);

CREATE FUNCTION events_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'audit events cannot be changed or deleted' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON events
	FOR EACH ROW EXECUTE FUNCTION events_immutable();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
	FOR EACH STATEMENT EXECUTE FUNCTION events_immutable();
