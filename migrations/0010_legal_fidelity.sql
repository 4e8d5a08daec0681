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

-- Stored deadlines that the rules above no longer produce are corrected at once, so that alerts and statistics
-- do not wait for each case's next change (the basis texts are rewritten at that next recomputation).
-- A 建议书 carries no report period (实施条例第57条第2款).
UPDATE deadlines d SET status = 'cancelled', met_on = NULL, updated_at = now()
FROM opinion_letters l
WHERE d.kind = 'opinion_report' AND d.case_id = l.case_id AND d.ref = l.id::text AND l.kind = 'suggestion'
	AND d.status <> 'cancelled';
-- No appeal against a second-instance decision (行政诉讼法第7条), a retrial under the second-instance procedure
-- (行诉法解释第119条), a ruling 准许撤诉 (解释第101条第2款) or a 调解书.
UPDATE deadlines d SET status = 'cancelled', met_on = NULL, updated_at = now()
FROM lawsuits l LEFT JOIN lawsuits p ON p.id = l.previous_lawsuit_id
WHERE d.kind = 'appeal' AND d.lawsuit_id = l.id AND d.status <> 'cancelled'
	AND (l.instance = 'second' OR l.instance = 'retrial' AND p.instance = 'second' OR l.outcome IN ('withdrawn', 'mediated'));
-- A copy or reply duty that fell due before the case concluded and was never performed was cancelled at the
-- conclusion (its due date kept; a date before 受理 is the placeholder of a deadline that had none): it is a
-- breach.
UPDATE deadlines d SET status = 'breached', updated_at = now()
FROM cases c
WHERE d.case_id = c.id AND d.status = 'cancelled' AND c.concluded_on IS NOT NULL
	AND d.due_on >= c.accepted_on AND d.due_on < c.concluded_on
	AND (d.kind = 'copy' AND c.copy_sent_on IS NULL OR d.kind = 'reply' AND c.reply_received_on IS NULL);
