package hearings

// Statements lists every SQL statement of this package (completed where a condition is added at run time),
// so that a test prepares each against the migrated schema: a typo fails the test, not a user's request.
func Statements() []string {
	return append([]string{
		queryConflicts,
		queryStaffOptions,
		queryCalendarToken,
		setCalendarToken, rotateCalendarToken,
		queryTokenUser,
		queryMyDeadlines,
		insertHearing,
		insertPanel,
		queryCaseOf,
		lockHearing,
		closeHearing,
		releasePanel,
		recordHearing,
		markCaseHeard,
		insertRoom,
		queryRate,
	}, roomStatements()...)
}
