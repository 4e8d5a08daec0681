-- Per-user secret for the iCalendar feed (calendar apps cannot send a bearer token).
ALTER TABLE users ADD COLUMN calendar_token text UNIQUE;

INSERT INTO rooms (name, location) SELECT '第一听证室', '复议机构三楼301' WHERE NOT EXISTS (SELECT 1 FROM rooms);
INSERT INTO rooms (name, location) SELECT '第二听证室', '复议机构三楼302' WHERE (SELECT count(*) FROM rooms) = 1;
