package notices

// Statements lists every SQL statement of this package (completed where a condition is added at run time),
// so that a test prepares each against the migrated schema: a typo fails the test, not a user's request.
func Statements() []string {
	return []string{
		insertDeadlineNotices,
		insertAssignmentNotice,
		insertLapsedNotices,
		insertCalendarNotices,
		insertDigests,
		lockAlerts,
		finishJobRun,
		countNotices,
		countUnread,
		listNotices,
		markAllRead,
		markRead,
		claim,
		queryNewNotices,
		enqueueEmail,
		enqueueWebhook,
		markSent,
		markFailed,
		markRetry,
	}
}
