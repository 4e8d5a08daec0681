package notices

import "fuyi/internal/apperr"

// Error codes of the notices feature (the Chinese text is what users read).

// ErrNotFound answers for a notice that is not the caller's.
var ErrNotFound = apperr.New(apperr.NotFound, "notice.not_found", "提醒不存在")
