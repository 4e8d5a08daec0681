package database_test

import (
	"strings"
	"testing"

	"fuyi/internal/testdb"
)

// The organ policies read the setting once per statement: fuyi_organ() only inside a scalar subquery
// ((SELECT fuyi_organ()), an InitPlan), never called per row. A bare fuyi_organ() in a policy is inlined into
// a settings lookup and a text-to-integer conversion on every row read, which made the monthly report about
// three times slower (migration 0036_report_row_security.sql).
func TestOrganPoliciesReadTheSettingOncePerStatement(t *testing.T) {
	db := testdb.New(t, "", nil)
	var rows []struct {
		Table string `db:"relname"`
		Expr  string `db:"expr"`
	}
	if err := db.Select(&rows, `
SELECT c.relname, pg_get_expr(p.polqual, p.polrelid) AS expr FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
WHERE p.polqual IS NOT NULL
UNION ALL
SELECT c.relname, pg_get_expr(p.polwithcheck, p.polrelid) FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
WHERE p.polwithcheck IS NOT NULL
ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	if len(rows) < 40 {
		t.Fatalf("only %d policies", len(rows))
	}
	for _, r := range rows {
		calls := strings.Count(r.Expr, "fuyi_organ()")
		once := strings.Count(r.Expr, "( SELECT fuyi_organ() AS fuyi_organ)")
		if calls == 0 || calls != once {
			t.Errorf("policy of %s calls fuyi_organ() per row: %s (write (SELECT fuyi_organ()), as migration 0036 does)", r.Table, r.Expr)
		}
	}
}
