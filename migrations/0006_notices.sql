-- Deadline alerts, the in-app inbox and the outbox of e-mails and webhooks.

ALTER TABLE users ADD COLUMN email text NOT NULL DEFAULT '' CHECK (email = '' OR email ~ '^[^@\s]+@[^@\s]+$');

-- The highest alert level already raised for the current due date ('approaching', 'due', 'overdue');
-- reset whenever the due date changes, so a deadline that is already overdue and alerted leaves the scan.
ALTER TABLE deadlines ADD COLUMN alerted text CHECK (alerted IN ('approaching', 'due', 'overdue'));
DROP INDEX deadlines_open_due;
CREATE INDEX deadlines_alert_scan ON deadlines (due_on) WHERE status = 'open' AND alerted IS DISTINCT FROM 'overdue';
CREATE INDEX deadlines_open_due ON deadlines (due_on) WHERE status = 'open';

CREATE TABLE notices (
	id            bigserial PRIMARY KEY,
	user_id       bigint NOT NULL REFERENCES users (id),
	kind          text NOT NULL CHECK (kind IN ('deadline', 'review_lapsed', 'digest', 'calendar_missing', 'report_draft')),
	dedupe_key    text NOT NULL,
	level         text CHECK (level IN ('approaching', 'due', 'overdue')),
	deadline_id   bigint REFERENCES deadlines (id),
	deadline_kind text NOT NULL DEFAULT '',
	due_on        date,
	case_id       bigint REFERENCES cases (id),
	lawsuit_id    bigint REFERENCES lawsuits (id),
	title         text NOT NULL,
	created_at    timestamptz NOT NULL DEFAULT now(),
	read_at       timestamptz,
	CONSTRAINT notices_once UNIQUE (user_id, dedupe_key)
);
CREATE INDEX notices_inbox ON notices (user_id, id DESC);
CREATE INDEX notices_unread ON notices (user_id) WHERE read_at IS NULL;

CREATE TABLE outbox (
	id              bigserial PRIMARY KEY,
	notice_id       bigint NOT NULL REFERENCES notices (id),
	channel         text NOT NULL CHECK (channel IN ('email', 'webhook')),
	recipient       text NOT NULL,
	subject         text NOT NULL,
	body            text NOT NULL,
	attempts        integer NOT NULL DEFAULT 0,
	next_attempt_at timestamptz NOT NULL DEFAULT now(),
	sent_at         timestamptz,
	failed_at       timestamptz,
	last_error      text NOT NULL DEFAULT '',
	created_at      timestamptz NOT NULL DEFAULT now(),
	UNIQUE (notice_id, channel)
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;

CREATE TABLE job_runs (
	id          bigserial PRIMARY KEY,
	job         text NOT NULL,
	run_date    date NOT NULL,
	started_at  timestamptz NOT NULL DEFAULT now(),
	finished_at timestamptz,
	created     integer NOT NULL DEFAULT 0,
	error       text NOT NULL DEFAULT ''
);
CREATE INDEX job_runs_job ON job_runs (job, run_date DESC);
