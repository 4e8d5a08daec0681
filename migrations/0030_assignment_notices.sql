-- An officer is told in the inbox (and by e-mail or webhook when configured) when assigned to a case or made
-- its lead: notices of kind assignment, written in the transaction of the assignment.
ALTER TABLE notices DROP CONSTRAINT notices_kind_check,
	ADD CONSTRAINT notices_kind_check CHECK (kind IN ('deadline', 'review_lapsed', 'digest', 'calendar_missing', 'report_draft', 'assignment'));
