-- 庭审旁听: events the bureau organises with the court, and who attended (from the agency directory, or the
-- government's own leaders: agency_id NULL with rank government_leader).
CREATE TABLE observation_events (
	id           bigserial PRIMARY KEY,
	court        text NOT NULL CHECK (court <> ''),
	lawsuit_id   bigint REFERENCES lawsuits (id),
	held_on      date NOT NULL,
	cause        text NOT NULL DEFAULT '',
	notes        text NOT NULL DEFAULT '',   -- 庭后点评
	organised_by bigint NOT NULL REFERENCES users (id),
	created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX observation_events_held ON observation_events (held_on);

CREATE TABLE observation_attendees (
	id        bigserial PRIMARY KEY,
	event_id  bigint NOT NULL REFERENCES observation_events (id),
	agency_id integer REFERENCES agencies (id),
	name      text NOT NULL CHECK (name <> ''),
	rank      text NOT NULL CHECK (rank IN ('government_leader', 'principal', 'deputy', 'in_charge', 'officer', 'legal_staff')),
	CONSTRAINT observation_attendees_government CHECK ((agency_id IS NULL) = (rank = 'government_leader'))
);
CREATE INDEX observation_attendees_event ON observation_attendees (event_id);
CREATE INDEX observation_attendees_agency ON observation_attendees (agency_id);
