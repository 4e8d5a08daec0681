package reports

// Exported for tests.
var (
	QOpenOnRecent   = qOpenOnRecent
	QOpenOnInterval = qOpenOnInterval
)
