-- Several 复议机关 in one installation. Every row of the organ's work carries organ_id; row-level security
-- (forced, so that the table owner the application connects as is bound too) lets a session bound to an
-- organ see and write only that organ's rows. The binding is the setting fuyi.organ_id, set per connection
-- by internal/database from the request's context. A session not bound to any organ (migrations, the
-- scheduler's system context, login before the user is known) sees every organ. Existing rows belong to
-- the organ that existed so far (id 1).

ALTER TABLE organ DROP CONSTRAINT organ_id_check;
ALTER TABLE organ ADD CONSTRAINT organ_id_positive CHECK (id > 0);
CREATE SEQUENCE organ_id_seq OWNED BY organ.id START 2;
ALTER TABLE organ ALTER COLUMN id SET DEFAULT nextval('organ_id_seq');
ALTER TABLE organ ADD CONSTRAINT organ_doc_prefix_unique UNIQUE (doc_prefix);

-- the organ the session is bound to, NULL when it is not bound
CREATE FUNCTION fuyi_organ() RETURNS integer LANGUAGE sql STABLE PARALLEL SAFE AS
	$$ SELECT nullif(current_setting('fuyi.organ_id', true), '')::integer $$;

-- the organ a new row without a parent belongs to: the bound organ; unbound, the only organ if there is one
-- (with several organs an unbound writer must say which)
CREATE FUNCTION fuyi_default_organ() RETURNS integer LANGUAGE sql STABLE AS
	$$ SELECT coalesce(fuyi_organ(), (SELECT min(id) FROM organ HAVING count(*) = 1)) $$;

-- A child row belongs to its parent's organ (the case, the lawsuit, the user, …): TG_ARGV holds pairs of
-- (parent table, foreign-key column), tried in order; the first non-null key decides. A parent that the
-- bound session cannot see (another organ's row) is refused as if it did not exist, with the foreign key's
-- own error (so the application answers as for a missing row): rows are never linked across organs.
CREATE FUNCTION organ_from_parent() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	i integer := 0;
	ref bigint;
	o integer;
BEGIN
	WHILE i < TG_NARGS LOOP
		EXECUTE format('SELECT ($1).%I::bigint', TG_ARGV[i + 1]) INTO ref USING NEW;
		IF ref IS NOT NULL THEN
			EXECUTE format('SELECT organ_id FROM %I WHERE id = $1', TG_ARGV[i]) INTO o USING ref;
			IF o IS NULL THEN
				RAISE EXCEPTION 'insert or update on table "%" violates foreign key constraint "%_%_fkey"',
						TG_TABLE_NAME, TG_TABLE_NAME, TG_ARGV[i + 1]
					USING ERRCODE = 'foreign_key_violation', CONSTRAINT = TG_TABLE_NAME || '_' || TG_ARGV[i + 1] || '_fkey',
						DETAIL = format('Key (%s)=(%s) is not present in table "%s" of this organ.', TG_ARGV[i + 1], ref, TG_ARGV[i]);
			END IF;
			NEW.organ_id := o;
			RETURN NEW;
		END IF;
		i := i + 2;
	END LOOP;
	RETURN NEW;
END $$;

DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['windows', 'agencies', 'users', 'sessions', 'idempotency_keys', 'case_serials',
		'registration_serials', 'cases', 'case_parties', 'corrections', 'case_assignments', 'deadlines', 'events',
		'case_pauses', 'case_extensions', 'committee_opinions', 'decisions', 'opinion_letters', 'rooms', 'hearings',
		'hearing_panel', 'lawsuits', 'court_sessions', 'suggestions', 'appearance_bulletins', 'notices', 'outbox',
		'redaction_terms', 'publications', 'report_publications', 'report_drafts', 'month_counts',
		'redaction_decisions', 'copy_reports', 'performance_orders', 'performance_interviews',
		'performance_reprimands', 'typical_cases', 'observation_events', 'observation_attendees', 'review_weights',
		'annual_reviews', 'case_files', 'file_chunks', 'file_reads', 'issued_documents', 'document_services']
	LOOP
		-- a constant default fills the existing rows without rewriting them
		EXECUTE format('ALTER TABLE %I ADD COLUMN organ_id integer NOT NULL DEFAULT 1 REFERENCES organ (id)', t);
	END LOOP;
	FOREACH t IN ARRAY ARRAY['windows', 'agencies', 'users', 'sessions', 'idempotency_keys', 'case_serials',
		'registration_serials', 'cases', 'case_parties', 'corrections', 'case_assignments', 'deadlines', 'events',
		'case_pauses', 'case_extensions', 'committee_opinions', 'decisions', 'opinion_letters', 'rooms', 'hearings',
		'hearing_panel', 'lawsuits', 'court_sessions', 'suggestions', 'appearance_bulletins', 'notices', 'outbox',
		'redaction_terms', 'publications', 'report_publications', 'report_drafts', 'month_counts',
		'redaction_decisions', 'copy_reports', 'performance_orders', 'performance_interviews',
		'performance_reprimands', 'typical_cases', 'observation_events', 'observation_attendees', 'review_weights',
		'annual_reviews', 'case_files', 'file_chunks', 'file_reads', 'issued_documents', 'document_services',
		'doc_serials']
	LOOP
		EXECUTE format('ALTER TABLE %I ALTER COLUMN organ_id SET DEFAULT fuyi_default_organ()', t);
		EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', t);
		IF t <> 'agencies' THEN
			EXECUTE format('CREATE POLICY organ_scope ON %I USING (fuyi_organ() IS NULL OR organ_id = fuyi_organ())', t);
		END IF;
	END LOOP;
END $$;
ALTER TABLE doc_serials ADD CONSTRAINT doc_serials_organ_id_fkey FOREIGN KEY (organ_id) REFERENCES organ (id);

-- The agencies directory may hold entries shared by every organ (organ_id NULL, written only unbound).
ALTER TABLE agencies ALTER COLUMN organ_id DROP NOT NULL;
CREATE POLICY organ_scope ON agencies USING (organ_id IS NULL OR fuyi_organ() IS NULL OR organ_id = fuyi_organ())
	WITH CHECK (fuyi_organ() IS NULL OR organ_id = fuyi_organ());

-- children take their parent's organ (file_chunks are written before their case_files row, whose foreign key
-- is deferred: they take the bound organ)
DO $$
DECLARE
	r record;
BEGIN
	FOR r IN SELECT * FROM (VALUES
		('sessions', '''users'', ''user_id'''),
		('idempotency_keys', '''users'', ''user_id'''),
		('notices', '''users'', ''user_id'''),
		('case_parties', '''cases'', ''case_id'''),
		('corrections', '''cases'', ''case_id'''),
		('case_assignments', '''cases'', ''case_id'''),
		('deadlines', '''cases'', ''case_id'', ''lawsuits'', ''lawsuit_id'''),
		('events', '''cases'', ''case_id'', ''lawsuits'', ''lawsuit_id'''),
		('case_pauses', '''cases'', ''case_id'''),
		('case_extensions', '''cases'', ''case_id'''),
		('committee_opinions', '''cases'', ''case_id'''),
		('decisions', '''cases'', ''case_id'''),
		('opinion_letters', '''cases'', ''case_id'''),
		('hearings', '''cases'', ''case_id'''),
		('hearing_panel', '''hearings'', ''hearing_id'''),
		('lawsuits', '''cases'', ''case_id'''),
		('court_sessions', '''lawsuits'', ''lawsuit_id'''),
		('suggestions', '''lawsuits'', ''lawsuit_id'''),
		('outbox', '''notices'', ''notice_id'''),
		('redaction_terms', '''cases'', ''case_id'''),
		('publications', '''cases'', ''case_id'''),
		('redaction_decisions', '''cases'', ''case_id'''),
		('copy_reports', '''cases'', ''case_id'''),
		('performance_orders', '''cases'', ''case_id'''),
		('performance_interviews', '''performance_orders'', ''order_id'''),
		('performance_reprimands', '''performance_orders'', ''order_id'''),
		('typical_cases', '''cases'', ''case_id'''),
		('observation_events', '''lawsuits'', ''lawsuit_id'''),
		('observation_attendees', '''observation_events'', ''event_id'''),
		('case_files', '''cases'', ''case_id'', ''lawsuits'', ''lawsuit_id'''),
		('file_reads', '''case_files'', ''file_id'''),
		('issued_documents', '''cases'', ''case_id'''),
		('document_services', '''issued_documents'', ''document_id''')) AS v (tbl, args)
	LOOP
		EXECUTE format('CREATE TRIGGER organ_from_parent BEFORE INSERT ON %I FOR EACH ROW EXECUTE FUNCTION organ_from_parent(%s)',
			r.tbl, r.args);
	END LOOP;
END $$;

-- keys that were unique in the one organ are unique per organ
ALTER TABLE case_serials DROP CONSTRAINT case_serials_pkey, ADD PRIMARY KEY (organ_id, year);
ALTER TABLE cases DROP CONSTRAINT cases_number_unique,
	ADD CONSTRAINT cases_number_unique UNIQUE (organ_id, case_year, case_serial);
ALTER TABLE registration_serials DROP CONSTRAINT registration_serials_pkey, ADD PRIMARY KEY (organ_id, prefix, year);
ALTER TABLE month_counts DROP CONSTRAINT month_counts_pkey, ADD PRIMARY KEY (organ_id, month);
ALTER TABLE report_drafts DROP CONSTRAINT report_drafts_pkey, ADD PRIMARY KEY (organ_id, period);
ALTER TABLE report_publications DROP CONSTRAINT report_publications_period_version_key,
	ADD CONSTRAINT report_publications_period_version_key UNIQUE (organ_id, period, version);
ALTER TABLE annual_reviews DROP CONSTRAINT annual_reviews_pkey, ADD PRIMARY KEY (organ_id, year);
ALTER TABLE review_weights DROP CONSTRAINT review_weights_pkey, ADD PRIMARY KEY (organ_id, key);
ALTER TABLE copy_reports DROP CONSTRAINT copy_reports_year_serial_key,
	ADD CONSTRAINT copy_reports_year_serial_key UNIQUE (organ_id, year, serial);
ALTER TABLE performance_orders DROP CONSTRAINT performance_orders_year_serial_key,
	ADD CONSTRAINT performance_orders_year_serial_key UNIQUE (organ_id, year, serial);
ALTER TABLE performance_reprimands DROP CONSTRAINT performance_reprimands_year_serial_key,
	ADD CONSTRAINT performance_reprimands_year_serial_key UNIQUE (organ_id, year, serial);

-- a new organ starts with the default weights of the yearly 应诉 review
CREATE FUNCTION organ_defaults() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO review_weights (organ_id, key, weight)
	SELECT NEW.id, key, weight FROM review_weights WHERE organ_id = (SELECT min(id) FROM organ WHERE id <> NEW.id)
	ON CONFLICT DO NOTHING;
	RETURN NULL;
END $$;
CREATE TRIGGER organ_defaults AFTER INSERT ON organ FOR EACH ROW EXECUTE FUNCTION organ_defaults();

-- the team size is the case's organ's rule
CREATE OR REPLACE FUNCTION check_team() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	n integer; leads integer; unqualified integer; need integer;
BEGIN
	SELECT count(*), count(*) FILTER (WHERE x.lead), count(*) FILTER (WHERE NOT u.qualified OR u.role NOT IN ('officer', 'chief'))
	INTO n, leads, unqualified
	FROM case_assignments x JOIN users u ON u.id = x.user_id
	WHERE x.case_id = NEW.case_id AND x.removed_at IS NULL;
	SELECT CASE WHEN c.complex THEN o.min_officers_complex ELSE o.min_officers END INTO need
	FROM cases c JOIN organ o ON o.id = c.organ_id WHERE c.id = NEW.case_id;
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

-- an organ's own lists and counts
CREATE INDEX cases_organ ON cases (organ_id, status);
