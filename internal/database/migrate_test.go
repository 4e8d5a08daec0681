package database_test

import (
	"context"
	"sync"
	"testing"

	"fuyi/internal/database"
	"fuyi/internal/testdb"
	"fuyi/migrations"
)

// Two servers starting at once must apply every migration exactly once (advisory lock), and a second run
// must apply nothing.
func TestMigrateConcurrentAndIdempotent(t *testing.T) {
	db := testdb.Empty(t)
	ctx := context.Background()
	all, err := database.ReadMigrations(migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	pending, err := database.Pending(ctx, db, migrations.FS)
	if err != nil || len(pending) != len(all) {
		t.Fatalf("fresh database: %d pending, want %d (%v)", len(pending), len(all), err)
	}
	var wg sync.WaitGroup
	applied := make([][]string, 3)
	for i := range applied {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			names, err := database.Migrate(ctx, db, migrations.FS)
			if err != nil {
				t.Error(err)
			}
			applied[i] = names
		}(i)
	}
	wg.Wait()
	total := 0
	for _, a := range applied {
		total += len(a)
	}
	if total != len(all) {
		t.Fatalf("migrations applied %d times in all, want %d", total, len(all))
	}
	if names, err := database.Migrate(ctx, db, migrations.FS); err != nil || len(names) != 0 {
		t.Fatalf("second run applied %v (%v)", names, err)
	}
	if pending, _ := database.Pending(ctx, db, migrations.FS); len(pending) != 0 {
		t.Fatalf("still pending: %v", pending)
	}
	var years int
	db.Get(&years, `SELECT count(*) FROM calendar_years WHERE complete`)
	if years != 3 {
		t.Fatalf("the migrations must load the 2024–2026 calendar, found %d years", years)
	}
}
