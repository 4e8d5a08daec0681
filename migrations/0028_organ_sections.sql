-- Organs side by side: a short code naming the organ's section of the public site, the organ whose 司法局
-- supervises it (its statistics role reads the figures of the organs under it), the supervising role, and
-- the organ of the rows that have no case but a user as their parent.

ALTER TABLE organ ADD COLUMN code text, ADD COLUMN supervisor_id integer REFERENCES organ (id);
UPDATE organ SET code = 'organ' || id;
ALTER TABLE organ ALTER COLUMN code SET NOT NULL,
	ADD CONSTRAINT organ_code_format CHECK (code ~ '^[a-z][a-z0-9-]{1,31}$'),
	ADD CONSTRAINT organ_code_unique UNIQUE (code),
	ADD CONSTRAINT organ_not_own_supervisor CHECK (supervisor_id <> id);

-- 统计 role of a supervising 司法局: statistics and 应诉 figures of the organs under it, never a case file
ALTER TABLE users DROP CONSTRAINT users_role_check,
	ADD CONSTRAINT users_role_check CHECK (role IN ('window', 'officer', 'chief', 'bureau', 'supervisor'));

-- a case belongs to the organ of the staff who registered it; rows without a case to their author's organ
CREATE TRIGGER organ_from_parent BEFORE INSERT ON cases FOR EACH ROW EXECUTE FUNCTION organ_from_parent('users', 'registered_by');
CREATE TRIGGER organ_from_parent BEFORE INSERT ON report_publications FOR EACH ROW EXECUTE FUNCTION organ_from_parent('users', 'published_by');
CREATE TRIGGER organ_from_parent BEFORE INSERT ON annual_reviews FOR EACH ROW EXECUTE FUNCTION organ_from_parent('users', 'published_by');
CREATE TRIGGER organ_from_parent BEFORE INSERT ON appearance_bulletins FOR EACH ROW EXECUTE FUNCTION organ_from_parent('users', 'published_by');
DROP TRIGGER organ_from_parent ON lawsuits;
CREATE TRIGGER organ_from_parent BEFORE INSERT ON lawsuits FOR EACH ROW
	EXECUTE FUNCTION organ_from_parent('cases', 'case_id', 'users', 'registered_by');
DROP TRIGGER organ_from_parent ON observation_events;
CREATE TRIGGER organ_from_parent BEFORE INSERT ON observation_events FOR EACH ROW
	EXECUTE FUNCTION organ_from_parent('lawsuits', 'lawsuit_id', 'users', 'organised_by');

-- hearing rooms are named within their organ
ALTER TABLE rooms DROP CONSTRAINT rooms_name_key, ADD CONSTRAINT rooms_name_key UNIQUE (organ_id, name);
