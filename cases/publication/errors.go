package publication

import "fuyi/internal/apperr"

// Error codes of publication (the Chinese text is what users read).

// ErrPublicNotFound answers for a decision that is not (or no longer) published.
var ErrPublicNotFound = apperr.New(apperr.NotFound, "decision.not_found", "该决定书不存在或已撤回")
