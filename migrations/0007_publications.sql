-- Online publication of decisions (复议法第79条; DOMAIN.md §10) and the public search.

ALTER TABLE cases ADD COLUMN publish_block_reason text NOT NULL DEFAULT '',
	ADD COLUMN publish_block_note text NOT NULL DEFAULT '';

CREATE TABLE redaction_terms (
	id       bigserial PRIMARY KEY,
	case_id  bigint NOT NULL REFERENCES cases (id),
	term     text NOT NULL CHECK (length(term) BETWEEN 2 AND 200),
	kind     text NOT NULL CHECK (kind IN ('person', 'org', 'other')),
	added_by bigint NOT NULL REFERENCES users (id),
	added_at timestamptz NOT NULL DEFAULT now(),
	UNIQUE (case_id, term)
);

CREATE TABLE publications (
	id              bigserial PRIMARY KEY,
	case_id         bigint NOT NULL REFERENCES cases (id),
	decision_id     bigint NOT NULL REFERENCES decisions (id),
	version         integer NOT NULL,
	status          text NOT NULL CHECK (status IN ('published', 'withdrawn')),
	title           text NOT NULL,
	doc_no          text NOT NULL,
	agency_id       integer NOT NULL REFERENCES agencies (id),
	agency_name     text NOT NULL,
	decision_type   text NOT NULL,
	decided_on      date NOT NULL,
	year            integer NOT NULL,
	body            text NOT NULL,
	pdf             bytea NOT NULL,
	redactions      jsonb NOT NULL,
	search          tsvector NOT NULL,
	published_by    bigint NOT NULL REFERENCES users (id),
	published_at    timestamptz NOT NULL DEFAULT now(),
	withdrawn_by    bigint REFERENCES users (id),
	withdrawn_at    timestamptz,
	withdraw_reason text NOT NULL DEFAULT '',
	UNIQUE (case_id, version),
	CHECK ((status = 'withdrawn') = (withdrawn_at IS NOT NULL))
);
CREATE UNIQUE INDEX publications_one_live ON publications (case_id) WHERE status = 'published';
CREATE INDEX publications_search ON publications USING gin (search) WHERE status = 'published';
CREATE INDEX publications_list ON publications (decided_on DESC, id DESC) WHERE status = 'published';
-- filters keep the date order, so a search walks the newest matches first and stops after a page
CREATE INDEX publications_agency ON publications (agency_id, decided_on DESC, id DESC) WHERE status = 'published';
CREATE INDEX publications_type ON publications (decision_type, decided_on DESC, id DESC) WHERE status = 'published';
