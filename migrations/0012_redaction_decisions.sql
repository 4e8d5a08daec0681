-- The reviewer's answers on the person-like names that anonymisation found in a decision but the case data
-- does not name (internal/redact candidates: a witness, a neighbour): redact (a person) or keep (an
-- official, an ordinary word). A decision is not published while any candidate has no answer.
CREATE TABLE redaction_decisions (
	id         bigserial PRIMARY KEY,
	case_id    bigint NOT NULL REFERENCES cases (id),
	name       text NOT NULL CHECK (char_length(name) BETWEEN 2 AND 20),
	redact     boolean NOT NULL,
	decided_by bigint NOT NULL REFERENCES users (id),
	decided_at timestamptz NOT NULL DEFAULT now(),
	UNIQUE (case_id, name)
);
