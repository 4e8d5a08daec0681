package ops_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"fuyi/internal/database"
	"fuyi/internal/ops"
	"fuyi/internal/testdb"
)

// A database without the LEAKPROOF marks is a warning (never unreadiness: every search still answers) and a
// metric that counts the missing marks.
func TestLeakproofWarning(t *testing.T) {
	ctx := context.Background()
	db := testdb.FromTemplate0(t)
	ws := ops.Warnings(ctx, db)
	if len(ws) != 1 || ws[0].Name != "leakproof" || ws[0].OK || !strings.Contains(ws[0].Message, "fuyi db-leakproof") {
		t.Fatalf("warnings: %+v", ws)
	}
	var b bytes.Buffer
	if err := ops.NewMetrics().Write(ctx, &b, db); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("fuyi_db_leakproof_missing %d\n", len(database.Leakproof())); !strings.Contains(b.String(), want) {
		t.Fatalf("metrics lack %q:\n%s", want, b.String())
	}
}
