-- 复议法第17条: 申请人、第三人 may each appoint one or two agents. Each agent names the party it represents as
-- the API writes it ("applicants[0]", "third_parties[1]"); '' (agents registered before this step) is the
-- first applicant. The service checks that the party exists and has at most two agents.
ALTER TABLE case_parties ADD COLUMN represents text NOT NULL DEFAULT '',
	ADD CONSTRAINT case_parties_represents CHECK (represents = ''
		OR role = 'agent' AND represents ~ '^(applicants|third_parties)\[[0-9]+\]$');
