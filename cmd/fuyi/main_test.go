package main

import (
	"context"
	"strings"
	"testing"

	"fuyi/internal/testdb"
)

// `fuyi serve` (and the other commands) refuse to run while migrations are pending.
func TestRefusesPendingMigrations(t *testing.T) {
	db := testdb.Empty(t)
	err := requireMigrated(context.Background(), db)
	if err == nil || !strings.Contains(err.Error(), "pending") || !strings.Contains(err.Error(), "fuyi migrate") {
		t.Fatalf("want a refusal naming `fuyi migrate`, got %v", err)
	}
}
