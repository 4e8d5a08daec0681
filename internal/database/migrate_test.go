package database_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

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

// An applied migration whose file is edited afterwards is refused by `fuyi migrate` and by the start-up
// check, and `migrate status` names it; a table from before checksums gets them recorded on the next run.
func TestMigrationChecksums(t *testing.T) {
	db := testdb.Empty(t)
	ctx := context.Background()
	orig := fstest.MapFS{
		"0001_a.sql": {Data: []byte(`CREATE TABLE t1 (id int);`)},
		"0002_b.sql": {Data: []byte(`CREATE TABLE t2 (id int);`)},
	}
	if names, err := database.Migrate(ctx, db, orig); err != nil || len(names) != 2 {
		t.Fatalf("first run: %v %v", names, err)
	}
	// a table from before checksums: the next run records them and applies nothing
	db.MustExec(`UPDATE schema_migrations SET checksum = NULL`)
	if names, err := database.Migrate(ctx, db, orig); err != nil || len(names) != 0 {
		t.Fatalf("backfill run: %v %v", names, err)
	}
	var missing int
	db.Get(&missing, `SELECT count(*) FROM schema_migrations WHERE checksum IS NULL`)
	if missing != 0 {
		t.Fatalf("%d checksums not recorded", missing)
	}
	edited := fstest.MapFS{
		"0001_a.sql": {Data: []byte(`CREATE TABLE t1 (id bigint);`)},
		"0002_b.sql": orig["0002_b.sql"],
		"0003_c.sql": {Data: []byte(`CREATE TABLE t3 (id int);`)},
	}
	if _, err := database.Migrate(ctx, db, edited); err == nil || !strings.Contains(err.Error(), "0001_a.sql") {
		t.Fatalf("an edited applied migration must be refused naming it, got %v", err)
	}
	var t3 bool
	db.Get(&t3, `SELECT to_regclass('t3') IS NOT NULL`)
	if t3 {
		t.Fatal("nothing may be applied while an applied migration was edited")
	}
	if _, err := database.Pending(ctx, db, edited); err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Fatalf("the start-up check must refuse an edited migration, got %v", err)
	}
	sts, err := database.Status(ctx, db, edited)
	if err != nil || len(sts) != 3 || !sts[0].Changed || sts[1].Changed || !sts[1].Applied || sts[2].Applied {
		t.Fatalf("status: %+v %v", sts, err)
	}
}
