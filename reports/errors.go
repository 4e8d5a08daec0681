package reports

import "fuyi/internal/apperr"

// Error codes of the statistics (the Chinese text is what users read).

// ErrNoStatistics answers for a period whose statistics were not published.
var ErrNoStatistics = apperr.New(apperr.NotFound, "statistics.not_found", "该期统计数据尚未发布")
