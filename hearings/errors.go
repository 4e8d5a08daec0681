package hearings

import "fuyi/internal/apperr"

// Error codes of the hearings feature (the Chinese text is what users read).
var (
	// ErrNotFound is the answer for a hearing that does not exist or is not visible to the caller.
	ErrNotFound = apperr.New(apperr.NotFound, "hearing.not_found", "听证不存在或您无权查看")
	// ErrBadToken answers a calendar feed link that is unknown or belongs to an inactive user.
	ErrBadToken = apperr.New(apperr.Unauthorized, "calendar.token", "日历订阅链接无效，请在“听证日历”页面重新获取")
)
