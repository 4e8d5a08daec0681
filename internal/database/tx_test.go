package database_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/database"
	"fuyi/internal/testdb"
)

// Two transactions that lock two rows in opposite orders deadlock; PostgreSQL rolls one back (40P01) and
// Tx runs it again, so both commit and neither caller sees an error (before: the victim's request got 500).
func TestTxRetriesDeadlockVictim(t *testing.T) {
	db := testdb.Empty(t)
	db.MustExec(`CREATE TABLE pair (id int PRIMARY KEY, n int NOT NULL)`)
	db.MustExec(`INSERT INTO pair VALUES (1, 0), (2, 0)`)
	var attempts atomic.Int32
	var firstRound sync.WaitGroup
	firstRound.Add(2)
	run := func(a, b int) error {
		first := true
		return database.Tx(context.Background(), db, func(tx *sqlx.Tx) error {
			attempts.Add(1)
			if _, err := tx.Exec(`UPDATE pair SET n = n + 1 WHERE id = $1`, a); err != nil {
				return err
			}
			if first { // both hold their first row before either asks for the second: a certain deadlock
				first = false
				firstRound.Done()
				firstRound.Wait()
			}
			_, err := tx.Exec(`UPDATE pair SET n = n + 1 WHERE id = $1`, b)
			return err
		})
	}
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, p := range [][2]int{{1, 2}, {2, 1}} {
		wg.Add(1)
		go func(i, a, b int) { defer wg.Done(); errs[i] = run(a, b) }(i, p[0], p[1])
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("deadlock victim not retried: %v / %v", errs[0], errs[1])
	}
	var sum int
	if err := db.Get(&sum, `SELECT sum(n) FROM pair`); err != nil {
		t.Fatal(err)
	}
	if sum != 4 || attempts.Load() < 3 {
		t.Fatalf("sum %d after %d attempts, want 4 after at least 3", sum, attempts.Load())
	}
}
