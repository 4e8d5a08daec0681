package testdb

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/database"
)

// RequireRowSecurity stops a test that proves what row-level security does when the tests connect as a role
// that bypasses it (a superuser, or BYPASSRLS): there every organ's rows are visible and no policy takes part
// in a plan, so the test would pass or fail for the wrong reason. It skips, or fails under CI=true; `make
// test` and `scripts/pg.sh` connect as the application role `fuyi`, which does not bypass it.
func RequireRowSecurity(t testing.TB, db sqlx.Queryer) {
	t.Helper()
	var bypass bool
	if err := sqlx.Get(db, &bypass, `SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user`); err != nil {
		t.Fatalf("role: %v", err)
	}
	if !bypass {
		return
	}
	msg := "the test database role bypasses row-level security (superuser): run with the application role of scripts/pg.sh (make test)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// FromTemplate0 returns a new empty database cloned from template0, dropped after the test: without what a
// superuser put into template1 (the LEAKPROOF marks of database.LeakproofSQL), as on a server where `fuyi
// db-leakproof` was never run.
func FromTemplate0(t testing.TB) *sqlx.DB {
	t.Helper()
	return emptyDB(t, "fuyi_z_", "template0")
}

// IndexScan is an index a plan reads, with its condition ("" when the index is walked without one, for its
// order or as a covering index).
type IndexScan struct {
	Index string
	Cond  string
}

// IndexScans explains query (EXPLAIN (FORMAT JSON)) in ctx (bind it to an organ with database.WithOrgan) with
// sequential scans disabled, so that an empty or small table is not read whole merely because it is small:
// what is left to the planner is whether the condition may search an index. It returns the indexes the plan
// reads, in plan order.
func IndexScans(t testing.TB, ctx context.Context, db *sqlx.DB, query string, args ...any) []IndexScan {
	t.Helper()
	var out []byte
	err := database.Tx(ctx, db, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
			return err
		}
		return tx.GetContext(ctx, &out, `EXPLAIN (FORMAT JSON) `+query, args...)
	})
	if err != nil {
		t.Fatalf("explain: %v\n%s", err, query)
	}
	var plans []struct {
		Plan map[string]any `json:"Plan"`
	}
	if err := json.Unmarshal(out, &plans); err != nil || len(plans) != 1 {
		t.Fatalf("explain: %v\n%s", err, out)
	}
	var scans []IndexScan
	var walk func(n map[string]any)
	walk = func(n map[string]any) {
		if ix, ok := n["Index Name"].(string); ok {
			cond, _ := n["Index Cond"].(string)
			scans = append(scans, IndexScan{Index: ix, Cond: cond})
		}
		subs, _ := n["Plans"].([]any)
		for _, s := range subs {
			if m, ok := s.(map[string]any); ok {
				walk(m)
			}
		}
	}
	walk(plans[0].Plan)
	return scans
}
