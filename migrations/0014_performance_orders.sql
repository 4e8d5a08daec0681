-- 复议法第77条: a 决定书, 调解书 or 意见书 not performed by its time limit → 责令限期履行通知书 (a new time limit,
-- kept as a case deadline of kind performance_order so the daily alerts see it), then 约谈 and 通报批评.
CREATE TABLE performance_orders (
	id            bigserial PRIMARY KEY,
	case_id       bigint NOT NULL REFERENCES cases (id),
	document      text NOT NULL CHECK (document IN ('decision', 'mediation', 'opinion')),
	letter_id     bigint REFERENCES opinion_letters (id),
	missed_due_on date NOT NULL,                 -- the time limit the respondent let pass
	year          integer NOT NULL,
	serial        integer NOT NULL CHECK (serial > 0),
	doc_no        text NOT NULL UNIQUE,
	ordered_on    date NOT NULL,
	due_on        date NOT NULL,
	performed_on  date,
	pdf           bytea NOT NULL,
	ordered_by    bigint NOT NULL REFERENCES users (id),
	created_at    timestamptz NOT NULL DEFAULT now(),
	UNIQUE (year, serial),
	CONSTRAINT performance_orders_letter CHECK ((document = 'opinion') = (letter_id IS NOT NULL)),
	CONSTRAINT performance_orders_after_missed CHECK (ordered_on > missed_due_on),
	CONSTRAINT performance_orders_limit CHECK (due_on > ordered_on),
	CONSTRAINT performance_orders_performed CHECK (performed_on IS NULL OR performed_on >= ordered_on)
);
CREATE UNIQUE INDEX performance_orders_one ON performance_orders (case_id, document, coalesce(letter_id, 0));

-- 约谈 of the respondent's responsible officials
CREATE TABLE performance_interviews (
	id          bigserial PRIMARY KEY,
	order_id    bigint NOT NULL REFERENCES performance_orders (id),
	held_on     date NOT NULL,
	officials   text NOT NULL CHECK (officials <> ''),
	minutes     text NOT NULL CHECK (minutes <> ''),
	commitments text NOT NULL DEFAULT '',
	recorded_by bigint NOT NULL REFERENCES users (id),
	created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX performance_interviews_order ON performance_interviews (order_id);

-- 通报批评 (a document with its 文号 and recipients)
CREATE TABLE performance_reprimands (
	id         bigserial PRIMARY KEY,
	order_id   bigint NOT NULL REFERENCES performance_orders (id),
	issued_on  date NOT NULL,
	year       integer NOT NULL,
	serial     integer NOT NULL CHECK (serial > 0),
	doc_no     text NOT NULL UNIQUE,
	recipients text NOT NULL CHECK (recipients <> ''),
	content    text NOT NULL CHECK (content <> ''),
	pdf        bytea NOT NULL,
	issued_by  bigint NOT NULL REFERENCES users (id),
	created_at timestamptz NOT NULL DEFAULT now(),
	UNIQUE (year, serial)
);
CREATE INDEX performance_reprimands_order ON performance_reprimands (order_id);
