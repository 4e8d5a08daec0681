-- Statistics: outcome on the case, indexes driven by the period's dates, report drafts and publications.

ALTER TABLE cases ADD COLUMN outcome text CHECK (outcome IN ('change', 'revoke', 'confirm_illegal', 'order_perform', 'confirm_invalid',
	'maintain', 'dismiss_request', 'dismiss_application', 'mediation', 'settlement', 'terminate')),
	ADD COLUMN reject_kind text NOT NULL DEFAULT '' CHECK (reject_kind IN ('', 'reject', 'inform'));
UPDATE cases c SET outcome = d.type FROM decisions d WHERE d.case_id = c.id AND d.status = 'approved';

ALTER TABLE cases ADD COLUMN applicant_org boolean NOT NULL DEFAULT false; -- 申请人类型 for the statistics
UPDATE cases c SET applicant_org = EXISTS (SELECT 1 FROM case_parties p WHERE p.case_id = c.id AND p.role = 'applicant' AND p.kind = 'org');

-- Covering indexes: every per-period count is an index-only scan over the period's entries.
DROP INDEX cases_received;
DROP INDEX cases_accepted;
CREATE INDEX cases_received ON cases (received_on) INCLUDE (respondent_agency_id, matter, window_id, applicant_org);
CREATE INDEX cases_accepted ON cases (accepted_on) INCLUDE (respondent_agency_id, procedure) WHERE accepted_on IS NOT NULL;
CREATE INDEX cases_concluded ON cases (concluded_on) INCLUDE (respondent_agency_id, outcome, accepted_on) WHERE concluded_on IS NOT NULL;
CREATE INDEX cases_rejected ON cases (rejected_on) INCLUDE (respondent_agency_id, reject_kind) WHERE rejected_on IS NOT NULL;
-- "open on day X" (accepted on or before X, not concluded by X) is a containment lookup
CREATE INDEX cases_open_interval ON cases USING gist (daterange(accepted_on, concluded_on, '[)')) INCLUDE (respondent_agency_id)
	WHERE accepted_on IS NOT NULL;
CREATE INDEX hearings_held ON hearings (case_id) WHERE status = 'held';
-- whether a hearing was held, kept on the case (set when a hearing is recorded as held) for the 听证率
ALTER TABLE cases ADD COLUMN hearing_held boolean NOT NULL DEFAULT false;
UPDATE cases c SET hearing_held = true WHERE EXISTS (SELECT 1 FROM hearings h WHERE h.case_id = c.id AND h.status = 'held');
DROP INDEX cases_concluded;
CREATE INDEX cases_concluded ON cases (concluded_on) INCLUDE (respondent_agency_id, outcome, accepted_on, hearing_held) WHERE concluded_on IS NOT NULL;
-- cases accepted and not yet concluded (for "open on day X" counted from the recent side)
CREATE INDEX cases_open_now ON cases (accepted_on) INCLUDE (respondent_agency_id) WHERE concluded_on IS NULL AND accepted_on IS NOT NULL;
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

-- Monthly counts for the 12-month trend, cached per month and invalidated by any change of a case's
-- received_on or concluded_on in that month (so a cached month is never stale).
CREATE TABLE month_counts (
	month     date PRIMARY KEY CHECK (extract(day FROM month) = 1),
	received  integer NOT NULL,
	concluded integer NOT NULL
);

-- The trigger takes a shared advisory lock per affected month (writers never wait for each other); the
-- cache filler takes the exclusive lock while it counts and stores, so no change can slip between them.
CREATE FUNCTION month_key(d date) RETURNS integer LANGUAGE sql IMMUTABLE AS
	$$ SELECT (extract(year FROM d)::int * 12 + extract(month FROM d)::int) $$;

CREATE FUNCTION month_counts_invalidate() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	d date;
BEGIN
	FOREACH d IN ARRAY ARRAY[
		CASE WHEN TG_OP <> 'INSERT' THEN OLD.received_on END, CASE WHEN TG_OP <> 'INSERT' THEN OLD.concluded_on END,
		CASE WHEN TG_OP <> 'DELETE' THEN NEW.received_on END, CASE WHEN TG_OP <> 'DELETE' THEN NEW.concluded_on END]
	LOOP
		IF d IS NOT NULL THEN
			PERFORM pg_advisory_xact_lock_shared(20261, month_key(d));
			DELETE FROM month_counts WHERE month = date_trunc('month', d)::date;
		END IF;
	END LOOP;
	RETURN NULL;
END $$;
CREATE TRIGGER cases_month_counts AFTER INSERT OR DELETE OR UPDATE OF received_on, concluded_on ON cases
	FOR EACH ROW EXECUTE FUNCTION month_counts_invalidate();
