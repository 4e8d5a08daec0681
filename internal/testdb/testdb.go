// Package testdb gives each test its own freshly migrated PostgreSQL database, cloned from a template that
// is built once per migration set. Tests use a real server: `make test` starts a throwaway cluster and sets
// TEST_DATABASE_URL. Without it a test skips locally and fails under CI=true.
package testdb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"fuyi/internal/database"
	"fuyi/migrations"
)

// URL returns the admin URL or ends the test.
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("TEST_DATABASE_URL")
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("TEST_DATABASE_URL is not set: tests need a real PostgreSQL; run `make test`")
		}
		t.Skip("no TEST_DATABASE_URL: run `make test` to start a throwaway PostgreSQL")
	}
	return u
}

// Seeder fills the template after migration (e.g. the demo organisation). It runs once per template.
type Seeder func(ctx context.Context, db *sqlx.DB) error

// withDB replaces the dbname in a libpq URL or key=value string.
func withDB(u, name string) string {
	if strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://") {
		if pu, err := url.Parse(u); err == nil {
			pu.Path = "/" + name
			return pu.String()
		}
	}
	var parts []string
	for _, p := range strings.Fields(u) {
		if !strings.HasPrefix(p, "dbname=") {
			parts = append(parts, p)
		}
	}
	return strings.Join(append(parts, "dbname="+name), " ")
}

func templateName(tag string) string {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, p)
		if err != nil {
			return err
		}
		h.Write([]byte(p))
		h.Write(b)
		return nil
	})
	if err != nil {
		panic(fmt.Sprintf("testdb: read the embedded migrations: %v", err)) // they are compiled in
	}
	h.Write([]byte(tag))
	return "fuyi_tpl_" + hex.EncodeToString(h.Sum(nil))[:16]
}

// closeOr reports a failed close to the test.
func closeOr(t testing.TB, what string, c interface{ Close() error }) {
	if err := c.Close(); err != nil {
		t.Errorf("testdb: close %s: %v", what, err)
	}
}

// drop removes a test database (after the test).
func drop(t testing.TB, admin, name string) {
	a, err := sqlx.Open("postgres", admin)
	if err != nil {
		t.Errorf("testdb: drop %s: %v", name, err)
		return
	}
	defer closeOr(t, "admin connection", a)
	// WITH (FORCE) may not terminate an autovacuum worker that is busy in the database (its process has no
	// role, so the application role, which is no superuser, gets 42501); the worker stops soon: try again.
	for try := 0; ; try++ {
		_, err = a.Exec(fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name))
		var pqErr *pq.Error
		if err == nil || try == 50 || !errors.As(err, &pqErr) || pqErr.Code != "42501" {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err != nil {
		t.Errorf("testdb: drop %s: %v", name, err)
	}
}

const (
	lockTemplates   = `SELECT pg_advisory_lock(7160)`
	unlockTemplates = `SELECT pg_advisory_unlock(7160)`
	queryDBExists   = `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`
)

// New returns a new migrated database (seeded by seed, if given, identified by tag) dropped after the test.
func New(t testing.TB, tag string, seed Seeder) *sqlx.DB {
	t.Helper()
	return newDB(t, tag, seed, database.Options{MaxConns: 20})
}

func newDB(t testing.TB, tag string, seed Seeder, o database.Options) *sqlx.DB {
	t.Helper()
	ctx := context.Background()
	admin := URL(t)
	adm, err := sqlx.Open("postgres", admin)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	defer closeOr(t, "admin pool", adm)
	tpl := templateName(tag)
	conn, err := adm.Connx(ctx)
	if err != nil {
		t.Fatalf("testdb: connect: %v", err)
	}
	defer closeOr(t, "admin connection", conn)
	if _, err := conn.ExecContext(ctx, lockTemplates); err != nil {
		t.Fatalf("testdb: lock: %v", err)
	}
	name := "fuyi_t_" + randHex()
	err = func() (err error) {
		defer func() {
			if _, uerr := conn.ExecContext(ctx, unlockTemplates); uerr != nil {
				err = errors.Join(err, uerr)
			}
		}()
		var exists bool
		if err := conn.GetContext(ctx, &exists, queryDBExists, tpl); err != nil {
			return err
		}
		if !exists {
			if err := build(ctx, conn, admin, tpl, seed); err != nil {
				return fmt.Errorf("build template: %w", err)
			}
		}
		_, err = conn.ExecContext(ctx, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s`, name, tpl))
		return err
	}()
	if err != nil {
		t.Fatalf("testdb: create: %v", err)
	}
	db, err := database.OpenWith(ctx, withDB(admin, name), o)
	if err != nil {
		t.Fatalf("testdb: open: %v", err)
	}
	t.Cleanup(func() {
		closeOr(t, "test pool", db)
		drop(t, admin, name)
	})
	return db
}

// Kept returns a migrated database seeded by seed that is kept on the server after the test and reused by
// later processes: its name (logged) follows the migrations and tag, so a change of either builds a new one
// (the old one stays until dropped by hand). For benchmarks whose data takes minutes to generate and that do
// not change it: the tag must name everything the data depends on (sizes, generator versions, dates).
func Kept(t testing.TB, tag string, seed Seeder) *sqlx.DB {
	t.Helper()
	ctx := context.Background()
	admin := URL(t)
	adm, err := sqlx.Open("postgres", admin)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	defer closeOr(t, "admin pool", adm)
	name := strings.Replace(templateName(tag), "fuyi_tpl_", "fuyi_keep_", 1)
	conn, err := adm.Connx(ctx)
	if err != nil {
		t.Fatalf("testdb: connect: %v", err)
	}
	defer closeOr(t, "admin connection", conn)
	if _, err := conn.ExecContext(ctx, lockTemplates); err != nil {
		t.Fatalf("testdb: lock: %v", err)
	}
	var exists bool
	err = conn.GetContext(ctx, &exists, queryDBExists, name)
	if err == nil && !exists {
		t0 := time.Now()
		if err = build(ctx, conn, admin, name, seed); err == nil {
			t.Logf("testdb: built database %s (%s) in %s; kept for the next run", name, tag, time.Since(t0).Round(time.Second))
		}
	} else if err == nil {
		t.Logf("testdb: reusing database %s (%s)", name, tag)
	}
	if _, uerr := conn.ExecContext(ctx, unlockTemplates); uerr != nil {
		err = errors.Join(err, uerr)
	}
	if err != nil {
		t.Fatalf("testdb: kept database %s: %v", name, err)
	}
	db, err := database.OpenWith(ctx, withDB(admin, name), database.Options{MaxConns: 20})
	if err != nil {
		t.Fatalf("testdb: open: %v", err)
	}
	t.Cleanup(func() { closeOr(t, "kept pool", db) })
	return db
}

func build(ctx context.Context, conn *sqlx.Conn, admin, tpl string, seed Seeder) (err error) {
	tmp := tpl + "_building"
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, tmp)); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`CREATE DATABASE %s`, tmp)); err != nil {
		return err
	}
	db, err := database.Open(ctx, withDB(admin, tmp), 4)
	if err != nil {
		return err
	}
	err = func() error {
		if _, err := database.Migrate(ctx, db, migrations.FS); err != nil {
			return err
		}
		if seed != nil {
			return seed(ctx, db)
		}
		return nil
	}()
	if err = errors.Join(err, db.Close()); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, fmt.Sprintf(`ALTER DATABASE %s RENAME TO %s`, tmp, tpl))
	return err
}

func randHex() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error: it crashes the program instead
	return hex.EncodeToString(b)
}

// Empty returns a new database with nothing in it (for migration tests), dropped after the test.
func Empty(t testing.TB) *sqlx.DB {
	t.Helper()
	return emptyDB(t, "fuyi_e_", "")
}

// emptyDB creates a database named prefix+random (from template, "" for the server's default template1),
// opens the product's pool on it and drops it after the test.
func emptyDB(t testing.TB, prefix, template string) *sqlx.DB {
	t.Helper()
	ctx := context.Background()
	admin := URL(t)
	adm, err := sqlx.Open("postgres", admin)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	defer closeOr(t, "admin pool", adm)
	name := prefix + randHex()
	create := `CREATE DATABASE ` + name
	if template != "" {
		create += ` TEMPLATE ` + template
	}
	if _, err := adm.ExecContext(ctx, create); err != nil {
		t.Fatalf("testdb: create: %v", err)
	}
	db, err := database.Open(ctx, withDB(admin, name), 20)
	if err != nil {
		t.Fatalf("testdb: open: %v", err)
	}
	t.Cleanup(func() {
		closeOr(t, "test pool", db)
		drop(t, admin, name)
	})
	return db
}

// DSN is the connection string of a database made by New or Empty (for code that opens its own pool, such as
// the commands of cmd/fuyi).
func DSN(t testing.TB, db *sqlx.DB) string {
	t.Helper()
	var name string
	if err := db.Get(&name, `SELECT current_database()`); err != nil {
		t.Fatal(err)
	}
	return withDB(URL(t), name)
}
