package testdb

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
)

// RowSecurityURL returns an admin URL (like TEST_DATABASE_URL) whose role row-level security binds:
// TEST_DATABASE_URL itself when its role is neither a superuser nor BYPASSRLS (the application role of the
// private cluster of `make test`), else the admin URL of a private cluster of scripts/pg.sh started for the
// test and stopped after it (a few seconds), so that a test of what the application's role gets (plans under
// row-level security) runs whatever server TEST_DATABASE_URL names.
func RowSecurityURL(t testing.TB) string {
	t.Helper()
	admin := URL(t)
	db, err := sqlx.Open("postgres", admin)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	var bypass bool
	err = db.Get(&bypass, `SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user`)
	closeOr(t, "admin pool", db)
	if err != nil {
		t.Fatalf("testdb: role: %v", err)
	}
	if !bypass {
		return admin
	}
	root, err := moduleRoot()
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	tmp, err := os.MkdirTemp("", "fuyi-rls-pg-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil { // the server's OS user (as root: postgres) must reach it
		t.Fatal(err)
	}
	dir := filepath.Join(tmp, "pg")
	pgsh := filepath.Join(root, "scripts", "pg.sh")
	cmd := exec.Command("bash", pgsh, "start", dir)
	cmd.Env = append(os.Environ(), "PG_FSYNC=off")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		_ = os.RemoveAll(tmp)
		t.Fatalf("testdb: pg.sh start: %v\n%s", err, stderr.String())
	}
	t.Cleanup(func() {
		if err := exec.Command("bash", pgsh, "stop", dir).Run(); err != nil {
			t.Errorf("testdb: pg.sh stop: %v", err)
		}
		_ = os.RemoveAll(tmp)
	})
	return withDB(strings.TrimPrefix(strings.TrimSpace(string(out)), "DATABASE_URL="), "postgres")
}

// moduleRoot is the directory of go.mod above the working directory (a test runs in its package's directory).
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", os.ErrNotExist
		}
		dir = up
	}
}
