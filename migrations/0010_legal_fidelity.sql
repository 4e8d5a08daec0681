-- Where the law's text decides (issue 18): postmarks, the service of the 补正 notice, breached duties.

-- 民事诉讼法第85条第4款 (applied by 复议法第88条第1款): a document posted before the period ends is on time.
-- The postmark of an application sent by post, and of a respondent's 答复 sent by post.
ALTER TABLE cases
	ADD COLUMN postmarked_on date,
	ADD COLUMN reply_postmarked_on date,
	ADD CONSTRAINT cases_postmark_before_receipt CHECK (postmarked_on IS NULL OR (channel = 'mail' AND postmarked_on <= received_on)),
	ADD CONSTRAINT cases_reply_postmark CHECK (reply_postmarked_on IS NULL
		OR (reply_received_on IS NOT NULL AND reply_postmarked_on <= reply_received_on AND reply_postmarked_on >= copy_sent_on));

-- 复议法第31条第2款: the 10 working days of 补正 run from the applicant's receipt of the notice.
ALTER TABLE corrections
	ADD COLUMN served_on date,
	ADD CONSTRAINT corrections_served_after_notice CHECK (served_on IS NULL OR served_on >= requested_on);

-- New deadline states: 'unserved' (待送达: counted from a service date not yet known) and 'breached' (a duty
-- that fell due before the case concluded and was never performed: 逾期未履行). Open and breached deadlines
-- have a due date; pending, suspended and unserved ones have none; met and cancelled ones may have either
-- (a 补正 met before its notice's service date was recorded).
ALTER TABLE deadlines DROP CONSTRAINT deadlines_status_check,
	DROP CONSTRAINT deadlines_check,
	ADD CONSTRAINT deadlines_status_check
		CHECK (status IN ('open', 'met', 'pending', 'suspended', 'unserved', 'breached', 'cancelled')),
	ADD CONSTRAINT deadlines_due_known CHECK (status NOT IN ('open', 'breached') OR due_on IS NOT NULL),
	ADD CONSTRAINT deadlines_due_unknown CHECK (status NOT IN ('pending', 'suspended', 'unserved') OR due_on IS NULL);
