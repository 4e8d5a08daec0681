package reports

// Statements lists every SQL statement of this package (completed where a condition is added at run time),
// so that a test prepares each against the migrated schema: a typo fails the test, not a user's request.
func Statements() []string {
	return []string{
		queryPublishedPeriods,
		qReceivedBy,
		qAccepted,
		qRejected,
		qConcluded,
		qOpenOnRecent,
		qOpenOnInterval,
		qOpinions,
		qConcludedFacts,
		qPerformance,
		qOverdue,
		qInstances,
		qTransferred,
		qCachedMonths,
		qMonthCounts,
		qYearOnYear,
		lockMonthCounts,
		insertMonthCounts,
		queryVersions,
		querySnapshot,
		insertPublication,
		upsertDraft,
		insertDraftNotices,
	}
}
