package database_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"fuyi/internal/database"
	"fuyi/internal/testdb"
)

// readPort reads through r and returns the freshness it reported and the port of the server that answered.
func readPort(t *testing.T, r *database.Replica) (database.Freshness, string) {
	t.Helper()
	var port string
	f, err := r.Read(context.Background(), func(db *sqlx.DB) error {
		return db.Get(&port, `SELECT current_setting('port')`)
	})
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return f, port
}

// Without DATABASE_REPLICA_URL every read goes to the primary and says nothing about freshness.
func TestReplicaNotConfigured(t *testing.T) {
	db := testdb.Empty(t)
	r, err := database.OpenReplica(db, "", database.Options{MaxConns: 2}, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := readPort(t, r)
	if f.Replica || f.Text() != "" || r.Configured() {
		t.Fatalf("no replica configured, yet the read says %+v %q", f, f.Text())
	}
}

// A replica that cannot be reached is not used: the read is served by the primary, without an error.
func TestReplicaDownFallsBackToPrimary(t *testing.T) {
	db := testdb.Empty(t)
	r, err := database.OpenReplica(db, "postgres://fuyi@127.0.0.1:1/fuyi?sslmode=disable&connect_timeout=1", database.Options{MaxConns: 2}, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Status(context.Background()); err == nil || !database.IsUnavailable(err) {
		t.Fatalf("status of an unreachable replica: %v", err)
	}
	f, _ := readPort(t, r)
	if f.Replica {
		t.Fatalf("read from an unreachable replica: %+v", f)
	}
}

// A "replica" that is not in recovery (a promoted node) is current: it is used and reports no lag.
func TestReplicaPromotedIsCurrent(t *testing.T) {
	db := testdb.Empty(t)
	r, err := database.OpenReplica(db, testdb.URL(t), database.Options{MaxConns: 2}, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	f, err := r.Status(context.Background())
	if err != nil || !f.Replica || f.Lag != 0 {
		t.Fatalf("status: %+v %v", f, err)
	}
	f, _ = readPort(t, r)
	if !f.Replica || !strings.Contains(f.Text(), "只读副本") {
		t.Fatalf("read: %+v %q", f, f.Text())
	}
}

func TestFreshnessText(t *testing.T) {
	for _, c := range []struct {
		f    database.Freshness
		want string
	}{
		{database.Freshness{}, ""},
		{database.Freshness{Replica: true, Lag: 300 * time.Millisecond}, "本页数据来自只读副本，与主库同步（延迟不足1秒）"},
		{database.Freshness{Replica: true, Lag: 4600 * time.Millisecond}, "本页数据来自只读副本，约为5秒前的状态"},
	} {
		if got := c.f.Text(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.f, got, c.want)
		}
	}
}

// A write that reaches a standby (a connection routed to a node that has just stopped being the leader)
// fails as a read-only transaction; it counts as "database unavailable" (503, retry), not as a bug (500).
func TestReadOnlyTransactionIsUnavailable(t *testing.T) {
	db := testdb.Empty(t)
	tx, err := db.BeginTxx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`SET TRANSACTION READ ONLY`); err != nil {
		t.Fatal(err)
	}
	_, err = tx.Exec(`CREATE TABLE t (x int)`)
	if err == nil || !database.IsUnavailable(err) {
		t.Fatalf("write in a read-only transaction: %v, want an unavailable error", err)
	}
}

// lib/pq begins every transaction "BEGIN READ WRITE"; on a node in recovery (the old leader back as a standby
// while HAProxy still routes to it) that BEGIN fails with 0A000 "cannot set transaction read-write mode during
// recovery" — unavailable (503, retry), not a bug; other feature_not_supported errors stay bugs (500).
func TestReadWriteBeginOnAStandbyIsUnavailable(t *testing.T) {
	standby := &pq.Error{Code: "0A000", Message: "cannot set transaction read-write mode during recovery"}
	if !database.IsUnavailable(fmt.Errorf("database: begin: %w", standby)) {
		t.Fatalf("%v: want unavailable", standby)
	}
	other := &pq.Error{Code: "0A000", Message: "cannot use window function in check constraint"}
	if database.IsUnavailable(other) {
		t.Fatalf("%v: want not unavailable", other)
	}
}
