package database_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"fuyi/internal/database"
	"fuyi/migrations"
)

// The private cluster of `make run` / `make test` (scripts/pg.sh): the application role is no superuser
// (no programs run as the server's OS user, no role changes, no server files), yet migrates and creates
// the tests' databases; its socket directory is private, and another local user cannot connect.
func TestPrivateCluster(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Fatal("bash is needed to run scripts/pg.sh")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	tmp, err := os.MkdirTemp("", "fuyi-pgsh-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(tmp, 0o755) // the server's OS user (as root: postgres) must reach DIR
	dir := filepath.Join(tmp, "pg")
	pgsh := filepath.Join(root, "scripts/pg.sh")
	cmd := exec.Command("bash", pgsh, "start", dir)
	cmd.Env = append(os.Environ(), "PG_FSYNC=off")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pg.sh start: %v", err)
	}
	t.Cleanup(func() {
		exec.Command("bash", pgsh, "stop", dir).Run()
		os.RemoveAll(tmp)
	})
	url := strings.TrimPrefix(strings.TrimSpace(string(out)), "DATABASE_URL=")
	ctx := context.Background()
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	var super, createdb bool
	if err := db.QueryRowContext(ctx, `SELECT rolsuper, rolcreatedb FROM pg_roles WHERE rolname = current_user`).Scan(&super, &createdb); err != nil {
		t.Fatal(err)
	}
	if super || !createdb {
		t.Fatalf("application role: superuser %v, createdb %v", super, createdb)
	}
	for _, q := range []string{
		`COPY (SELECT 1) TO PROGRAM 'id'`,
		`COPY (SELECT 1) TO '/tmp/fuyi-pgsh-escape'`,
		`ALTER ROLE fuyi SUPERUSER`,
		`CREATE ROLE fuyi_evil SUPERUSER`,
		`ALTER SYSTEM SET log_statement = 'all'`,
		`SELECT pg_read_file('/etc/passwd')`,
		`GRANT pg_execute_server_program TO fuyi`,
	} {
		_, err := db.ExecContext(ctx, q)
		var pe *pq.Error
		if !errors.As(err, &pe) || pe.Code != "42501" {
			t.Errorf("%s: want insufficient_privilege, got %v", q, err)
		}
	}
	// what the application and the tests need still works
	if _, err := database.Migrate(ctx, db, migrations.FS); err != nil {
		t.Fatalf("migrate as the application role: %v", err)
	}
	if _, err := db.ExecContext(ctx, `CREATE DATABASE fuyi_pgsh_check`); err != nil {
		t.Fatalf("create database: %v", err)
	}
	// the LEAKPROOF marks (database.LeakproofSQL) are in fuyi and in template1, whence new databases have them;
	// a second start (on a running cluster) sets them again without complaint
	again := exec.Command("bash", pgsh, "start", dir)
	again.Env = cmd.Env
	if out, err := again.CombinedOutput(); err != nil {
		t.Fatalf("pg.sh start again: %v\n%s", err, out)
	}
	for _, name := range []string{"fuyi", "fuyi_pgsh_check"} {
		d, err := sqlx.Open("postgres", strings.Replace(url, "dbname=fuyi", "dbname="+name, 1))
		if err != nil {
			t.Fatal(err)
		}
		missing, err := database.LeakproofMissing(ctx, d)
		d.Close()
		if err != nil || len(missing) > 0 {
			t.Errorf("database %s: LEAKPROOF marks missing %v (%v)", name, missing, err)
		}
	}
	if _, err := db.ExecContext(ctx, `DROP DATABASE fuyi_pgsh_check`); err != nil {
		t.Fatal(err)
	}

	// the socket directory and the socket belong to the server's OS user alone
	data, err := os.Stat(filepath.Join(dir, "data"))
	if err != nil {
		t.Fatal(err)
	}
	serverUID := data.Sys().(*syscall.Stat_t).Uid
	for _, p := range []string{dir, filepath.Join(dir, "run"), filepath.Join(dir, "run", ".s.PGSQL.5432")} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); perm != 0o700 || fi.Sys().(*syscall.Stat_t).Uid != serverUID {
			t.Errorf("%s: mode %v owner %d, want 0700 owned by %d", p, perm, fi.Sys().(*syscall.Stat_t).Uid, serverUID)
		}
	}

	psql := psqlPath(t)
	// the OS user who started the cluster is not its superuser (as root: the server runs as postgres)
	if os.Getuid() == 0 {
		su := strings.Replace(url, "user=fuyi", "user=postgres", 1)
		if o, err := exec.Command(psql, su, "-tAc", "SELECT 1").CombinedOutput(); err == nil {
			t.Errorf("root connected as the superuser: %s", o)
		}
	}
	// another local user cannot connect at all
	other := exec.Command(psql, url, "-tAc", "SELECT 1")
	other.Dir = "/"
	other.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	o, err := other.CombinedOutput()
	if os.Getuid() == 0 {
		if err == nil || !strings.Contains(string(o), "Permission denied") {
			t.Errorf("user nobody: err %v, output %s", err, o)
		}
	} else if err == nil {
		t.Errorf("started another user's psql and it connected: %s", o)
	} else {
		t.Logf("not root: another OS user cannot be impersonated here (%v); directory modes checked above", err)
	}
}

func psqlPath(t *testing.T) string {
	if m, _ := filepath.Glob("/usr/lib/postgresql/*/bin/psql"); len(m) > 0 {
		return m[len(m)-1]
	}
	p, err := exec.LookPath("psql")
	if err != nil {
		t.Fatal("psql not found")
	}
	return p
}
