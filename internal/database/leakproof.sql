-- The built-in functions of Fuyi's indexed conditions, marked LEAKPROOF (why, and why it is safe here:
-- leakproof.go). Run by a superuser in each database Fuyi uses, and in template1 so that new databases have
-- it: scripts/pg.sh does so for its clusters, `fuyi db-leakproof` for any other server. Idempotent.
-- One statement a line, `ALTER FUNCTION name(argument types) LEAKPROOF;`: Leakproof() reads this file.
-- Why each function may be marked: none raises an error that depends on a row's values, except where noted.

-- tsvector @@ tsquery: the staff case search (cases_search) and the public decision search (publications_search)
ALTER FUNCTION ts_match_vq(tsvector, tsquery) LEAKPROOF;
-- range && range: the conflict check of a hearing's people (hearing_panel_person_free) and room (hearings_room_free)
ALTER FUNCTION range_overlaps(anyrange, anyrange) LEAKPROOF;
-- tstzrange(starts_at, ends_at) of the room's exclusion index; it fails only for an upper bound before the lower,
-- which CHECK (ends_at > starts_at) of hearings excludes for every stored row
ALTER FUNCTION tstzrange(timestamptz, timestamptz) LEAKPROOF;
-- daterange(accepted_on, concluded_on, '[)') @> day: the cases open on a day (monthly report, cases_open_interval);
-- the constructor fails only for concluded_on before accepted_on, which no stored case has (the index is built on
-- the same expression, so such a row could not be written)
ALTER FUNCTION daterange(date, date, text) LEAKPROOF;
ALTER FUNCTION range_contains_elem(anyrange, anyelement) LEAKPROOF;
