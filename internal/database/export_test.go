package database

import "time"

// SetRollbackWait changes how long Tx waits for a rollback after a deadline; the returned func restores it.
func SetRollbackWait(d time.Duration) (restore func()) {
	old := rollbackWait
	rollbackWait = d
	return func() { rollbackWait = old }
}
