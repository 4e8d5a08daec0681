package lawsuits

import "fmt"

// Statements lists every SQL statement of this package (completed where a condition is added at run time),
// so that a test prepares each against the migrated schema: a typo fails the test, not a user's request.
func Statements() []string {
	return []string{
		insertBulletin,
		queryBulletin,
		queryLawsuitCounts,
		queryAppearance,
		queryRequiredWithoutPrincipal,
		querySuggestions,
		queryOutcomes,
		queryAgencyRows,
		queryAppearanceRows,
		queryDeadlines,
		querySessions,
		querySuggestionList,
		lockLawsuit,
		bumpLawsuitVersion,
		upsertDeadline,
		cancelDeadlines,
		queryFacts,
		querySuggestionFacts,
		queryAgencyExists,
		queryHandlerValid,
		queryInstance,
		insertLawsuit,
		updateAnswer,
		updateJudgment,
		updateAppeal,
		querySuggestionReceived,
		updateSuggestionReply,
		insertSuggestion,
		insertSession,
		queryWaiting,
		queryLawsuit + "true",
		countLawsuits + "true",
		fmt.Sprintf(listLawsuits, "true", 1, 0),
	}
}
