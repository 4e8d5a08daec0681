package database_test

import (
	"context"
	"testing"

	"fuyi/internal/database"
	"fuyi/internal/testdb"
)

var (
	preparedPick  = database.Prepared(`SELECT * FROM prep_t WHERE id = $1`)
	preparedCount = `SELECT count(*) FROM pg_prepared_statements WHERE statement = $1`
)

// A statement registered with Prepared is prepared once on a connection and then only executed: the
// connection holds it (pg_prepared_statements) after the first use, a second use adds none, and an
// unregistered statement is not prepared. When a schema change makes the cached plan unusable ("cached plan
// must not change result type"), the use that meets it fails and the next one prepares it again.
func TestPreparedStatementsAreReusedAndRecoverFromSchemaChanges(t *testing.T) {
	ctx := context.Background()
	db := testdb.Empty(t)
	db.MustExec(`CREATE TABLE prep_t (id int PRIMARY KEY, a text NOT NULL)`)
	db.MustExec(`INSERT INTO prep_t VALUES (1, 'x')`)
	conn, err := db.Connx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	held := func(q string) int {
		t.Helper()
		var n int
		if err := conn.GetContext(ctx, &n, preparedCount, q); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := held(preparedPick); n != 0 {
		t.Fatalf("prepared before first use: %d", n)
	}
	for range 3 {
		var a string
		if err := conn.QueryRowxContext(ctx, preparedPick, 1).Scan(new(int), &a); err != nil || a != "x" {
			t.Fatalf("pick: %q %v", a, err)
		}
	}
	if n := held(preparedPick); n != 1 {
		t.Fatalf("registered statement held %d times on the connection after 3 uses, want 1", n)
	}
	if n := held(preparedCount); n != 0 {
		t.Fatalf("an unregistered statement was prepared (%d)", n)
	}

	// another session changes the table's columns: the prepared SELECT * may no longer return its old row type
	db.MustExec(`ALTER TABLE prep_t ADD COLUMN b text NOT NULL DEFAULT 'y'`)
	var id int
	var a, b string
	if err := conn.QueryRowxContext(ctx, preparedPick, 1).Scan(&id, &a); err == nil {
		t.Fatal("the stale prepared statement answered; the test no longer exercises a plan invalidation")
	}
	if err := conn.QueryRowxContext(ctx, preparedPick, 1).Scan(&id, &a, &b); err != nil || b != "y" {
		t.Fatalf("after the schema change the statement was not prepared again: %q %v", b, err)
	}
	if n := held(preparedPick); n != 1 {
		t.Fatalf("held %d times after re-preparing, want 1 (the stale one closed)", n)
	}
}
