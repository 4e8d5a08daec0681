package server_test

import (
	"context"
	"strings"
	"testing"

	"fuyi/cases"
	"fuyi/cases/casefile"
	"fuyi/cases/lawsuits"
	"fuyi/cases/publication"
	"fuyi/hearings"
	"fuyi/internal/audit"
	"fuyi/internal/auth"
	"fuyi/internal/calendar"
	"fuyi/internal/directory"
	"fuyi/internal/idempotency"
	"fuyi/internal/ops"
	"fuyi/internal/testdb"
	"fuyi/notices"
	"fuyi/organs"
	"fuyi/reports"
	"fuyi/supervision"
)

// TestEveryStatementPrepares prepares every SQL statement of every store against the migrated schema (the
// server parses it and resolves every table, column and type), so that a typo fails here rather than in a
// user's request — listmonk's idea of preparing all queries at boot, as a test.
func TestEveryStatementPrepares(t *testing.T) {
	db := testdb.New(t, "bare", nil)
	ctx := context.Background()
	sets := map[string][]string{
		"cases": cases.Statements(), "cases/lawsuits": lawsuits.Statements(), "cases/publication": publication.Statements(),
		"hearings": hearings.Statements(), "notices": notices.Statements(), "reports": reports.Statements(), "supervision": supervision.Statements(),
		"internal/audit": audit.Statements(), "internal/auth": auth.Statements(), "internal/calendar": calendar.Statements(),
		"internal/directory": directory.Statements(), "internal/ops": ops.Statements(), "internal/idempotency": idempotency.Statements(),
		"cases/casefile": casefile.Statements(), "organs": organs.Statements(),
	}
	total := 0
	for pkg, stmts := range sets {
		if len(stmts) == 0 {
			t.Errorf("%s lists no statements", pkg)
		}
		for _, q := range stmts {
			total++
			st, err := db.PreparexContext(ctx, q)
			if err != nil {
				t.Errorf("%s: %v\n%s", pkg, err, strings.TrimSpace(q))
				continue
			}
			if err := st.Close(); err != nil {
				t.Error(err)
			}
		}
	}
	t.Logf("%d statements prepared", total)
}
