package database_test

import (
	"context"
	"strings"
	"testing"

	"fuyi/internal/database"
	"fuyi/internal/testdb"
)

// leakproof.sql is the one list: each of its statements is an `ALTER FUNCTION … LEAKPROOF;` line that
// Leakproof reads (so that the check and the marks agree), naming a function PostgreSQL has.
func TestLeakproofList(t *testing.T) {
	fns := database.Leakproof()
	statements := 0
	for _, l := range strings.Split(database.LeakproofSQL, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "--") {
			statements++
		}
	}
	if len(fns) == 0 || statements != len(fns) {
		t.Fatalf("leakproof.sql: %d statements, %d read as `ALTER FUNCTION name(types) LEAKPROOF;` lines: %v", statements, len(fns), fns)
	}
	db := testdb.Empty(t)
	for _, f := range fns {
		var sig string
		if err := db.Get(&sig, `SELECT $1::regprocedure::text`, f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if _, err := database.LeakproofMissing(context.Background(), db); err != nil {
		t.Fatal(err)
	}
}

// The marks need a superuser: as one MarkLeakproof sets them (in a throwaway database cloned from template0,
// which has none); as the application role PostgreSQL refuses, and the error says what is needed.
func TestMarkLeakproof(t *testing.T) {
	ctx := context.Background()
	db := testdb.FromTemplate0(t)
	missing, err := database.LeakproofMissing(ctx, db)
	if err != nil || len(missing) != len(database.Leakproof()) {
		t.Fatalf("a database cloned from template0 should lack every mark: missing %v (%v)", missing, err)
	}
	var super bool
	if err := db.Get(&super, `SELECT rolsuper FROM pg_roles WHERE rolname = current_user`); err != nil {
		t.Fatal(err)
	}
	err = database.MarkLeakproof(ctx, db)
	if !super {
		if err == nil || !strings.Contains(err.Error(), "superuser") {
			t.Fatalf("as the application role: want a refusal naming the superuser, got %v", err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if missing, err := database.LeakproofMissing(ctx, db); err != nil || len(missing) > 0 {
		t.Fatalf("after MarkLeakproof: missing %v (%v)", missing, err)
	}
	if err := database.MarkLeakproof(ctx, db); err != nil {
		t.Fatalf("a second run: %v", err)
	}
}
