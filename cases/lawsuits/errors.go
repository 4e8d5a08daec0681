package lawsuits

import "fuyi/internal/apperr"

// Error codes of the lawsuits feature (the Chinese text is what users read).
var (
	ErrLawsuitNotFound    = apperr.New(apperr.NotFound, "lawsuit.not_found", "应诉案件不存在或您无权查看")
	ErrSuggestionNotFound = apperr.New(apperr.NotFound, "suggestion.not_found", "建议不存在")
)
