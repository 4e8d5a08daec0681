-- Registration numbers must be unique, not gapless (only case numbers are 一案一号 and gapless): a sequence
-- instead of a locked counter row, so concurrent intake does not queue on one row.
CREATE SEQUENCE registration_seq;
SELECT setval('registration_seq', (SELECT coalesce(max(last), 0) FROM registration_serials) + (SELECT count(*) FROM cases) + 1, false);

-- An officer's list: the cases they registered.
CREATE INDEX cases_registered_by ON cases (registered_by);
