package server_test

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/config"
	"fuyi/internal/date"
	"fuyi/internal/server"
	"fuyi/internal/testapp"
	"fuyi/internal/testdb"
)

// urlOf is a connection string for the database db is connected to, on the test server.
func urlOf(t *testing.T, db *sqlx.DB) string {
	var name string
	if err := db.Get(&name, `SELECT current_database()`); err != nil {
		t.Fatal(err)
	}
	u := testdb.URL(t)
	if strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://") {
		pu, err := url.Parse(u)
		if err != nil {
			t.Fatal(err)
		}
		pu.Path = "/" + name
		return pu.String()
	}
	return u + " dbname=" + name // the last dbname wins
}

// withReplica builds a second server on a's database whose reads that may lag go to replicaURL.
func withReplica(t *testing.T, a *testapp.App, replicaURL string) *server.Server {
	cfg, err := config.Load()
	if err != nil {
		t.Fatal(err)
	}
	cfg.ReplicaURL = replicaURL
	srv, err := server.New(a.DB, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), func() date.Date { return a.Today })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Replica.Close() })
	return srv
}

func get(t *testing.T, srv *server.Server, path, token string) (int, string) {
	req := httptest.NewRequest("GET", path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := srv.App.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The public site and the statistics (the organ's own and the supervising role's) read DATABASE_REPLICA_URL when it is set and say how fresh their data
// is; without it, or when the replica cannot be reached, they read the primary and say nothing. (The
// "replica" here is the test database itself: not in recovery, so current. make ha-test reads a real
// streaming replica and kills it.)
func TestPagesReadTheReplica(t *testing.T) {
	a := testapp.New(t, date.MustParse("2026-11-22"))
	bureau := a.Login("bureau1")
	const fresh = "本页数据来自只读副本"
	pages := []struct{ path, token string }{{"/decisions", ""}, {"/decisions?q=处罚", ""}, {"/reports?period=2026-10", bureau},
		{"/oversight?period=2026-10", a.Login("city1")}}

	for _, p := range pages {
		if st, body := get(t, a.Server, p.path, p.token); st != 200 || strings.Contains(body, fresh) {
			t.Errorf("%s without a replica: %d, freshness shown: %v", p.path, st, strings.Contains(body, fresh))
		}
	}
	srv := withReplica(t, a, urlOf(t, a.DB))
	for _, p := range pages {
		if st, body := get(t, srv, p.path, p.token); st != 200 || !strings.Contains(body, fresh+"，与主库同步") {
			t.Errorf("%s with a replica: %d, freshness shown: %v", p.path, st, strings.Contains(body, fresh))
		}
	}
	// the case pages of the staff never read the replica
	if st, body := get(t, srv, "/cases", bureau); st != 200 || strings.Contains(body, fresh) {
		t.Errorf("/cases with a replica: %d, freshness shown: %v", st, strings.Contains(body, fresh))
	}
	down := withReplica(t, a, "postgres://fuyi@127.0.0.1:1/fuyi?sslmode=disable&connect_timeout=1")
	for _, p := range pages {
		if st, body := get(t, down, p.path, p.token); st != 200 || strings.Contains(body, fresh) {
			t.Errorf("%s with the replica down: %d, freshness shown: %v", p.path, st, strings.Contains(body, fresh))
		}
	}
}
