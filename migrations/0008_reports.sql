-- Statistics: outcome on the case, indexes driven by the period's dates, report drafts and publications.

ALTER TABLE cases ADD COLUMN outcome text CHECK (outcome IN ('change', 'revoke', 'confirm_illegal', 'order_perform', 'confirm_invalid',
	'maintain', 'dismiss_request', 'dismiss_application', 'mediation', 'settlement', 'terminate')),
	ADD COLUMN reject_kind text NOT NULL DEFAULT '' CHECK (reject_kind IN ('', 'reject', 'inform'));
UPDATE cases c SET outcome = d.type FROM decisions d WHERE d.case_id = c.id AND d.status = 'approved';

CREATE INDEX cases_concluded ON cases (concluded_on) WHERE concluded_on IS NOT NULL;
CREATE INDEX cases_rejected ON cases (rejected_on) WHERE rejected_on IS NOT NULL;
-- "open on day X" (accepted on or before X, not concluded by X) is a containment lookup
CREATE INDEX cases_open_interval ON cases USING gist (daterange(accepted_on, concluded_on, '[)')) WHERE accepted_on IS NOT NULL;
CREATE INDEX deadlines_met_kind ON deadlines (kind, met_on) WHERE met_on IS NOT NULL;
CREATE INDEX opinion_letters_issued ON opinion_letters (issued_on);
CREATE INDEX opinion_letters_reported ON opinion_letters (reported_on) WHERE reported_on IS NOT NULL;
CREATE INDEX deadlines_due_kind ON deadlines (kind, due_on);

CREATE TABLE report_publications (
	id           bigserial PRIMARY KEY,
	period       text NOT NULL,
	version      integer NOT NULL,
	snapshot     jsonb NOT NULL,
	reason       text NOT NULL DEFAULT '',
	published_by bigint NOT NULL REFERENCES users (id),
	published_at timestamptz NOT NULL DEFAULT now(),
	UNIQUE (period, version),
	CHECK (version = 1 OR reason <> '')
);

CREATE TABLE report_drafts (
	period     text PRIMARY KEY,
	snapshot   jsonb NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now()
);
