// Package testdb gives each test its own freshly migrated PostgreSQL database, cloned from a template that
// is built once per migration set. Tests use a real server: `make test` starts a throwaway cluster and sets
// TEST_DATABASE_URL. Without it a test skips locally and fails under CI=true.
package testdb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"

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
		conn, err := pq.ParseURL(u)
		if err == nil {
			u = conn
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
	fs.WalkDir(migrations.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(migrations.FS, p)
			h.Write([]byte(p))
			h.Write(b)
		}
		return nil
	})
	h.Write([]byte(tag))
	return "fuyi_tpl_" + hex.EncodeToString(h.Sum(nil))[:16]
}

// New returns a new migrated database (seeded by seed, if given, identified by tag) dropped after the test.
func New(t testing.TB, tag string, seed Seeder) *sqlx.DB {
	t.Helper()
	ctx := context.Background()
	admin := URL(t)
	adm, err := sqlx.Open("postgres", admin)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	defer adm.Close()
	tpl := templateName(tag)
	conn, err := adm.Connx(ctx)
	if err != nil {
		t.Fatalf("testdb: connect: %v", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(7160)`); err != nil {
		t.Fatalf("testdb: lock: %v", err)
	}
	var exists bool
	conn.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, tpl)
	if !exists {
		if err := build(ctx, conn, admin, tpl, seed); err != nil {
			conn.ExecContext(ctx, `SELECT pg_advisory_unlock(7160)`)
			t.Fatalf("testdb: build template: %v", err)
		}
	}
	name := "fuyi_t_" + randHex()
	_, err = conn.ExecContext(ctx, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s`, name, tpl))
	conn.ExecContext(ctx, `SELECT pg_advisory_unlock(7160)`)
	if err != nil {
		t.Fatalf("testdb: create: %v", err)
	}
	db, err := database.Open(ctx, withDB(admin, name), 20)
	if err != nil {
		t.Fatalf("testdb: open: %v", err)
	}
	t.Cleanup(func() {
		db.Close()
		a, err := sqlx.Open("postgres", admin)
		if err == nil {
			a.Exec(fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name))
			a.Close()
		}
	})
	return db
}

func build(ctx context.Context, conn *sqlx.Conn, admin, tpl string, seed Seeder) error {
	tmp := tpl + "_building"
	conn.ExecContext(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, tmp))
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`CREATE DATABASE %s`, tmp)); err != nil {
		return err
	}
	db, err := database.Open(ctx, withDB(admin, tmp), 4)
	if err != nil {
		return err
	}
	if _, err := database.Migrate(ctx, db, migrations.FS); err != nil {
		db.Close()
		return err
	}
	if seed != nil {
		if err := seed(ctx, db); err != nil {
			db.Close()
			return err
		}
	}
	db.Close()
	_, err = conn.ExecContext(ctx, fmt.Sprintf(`ALTER DATABASE %s RENAME TO %s`, tmp, tpl))
	return err
}

func randHex() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Empty returns a new database with nothing in it (for migration tests), dropped after the test.
func Empty(t testing.TB) *sqlx.DB {
	t.Helper()
	ctx := context.Background()
	admin := URL(t)
	adm, err := sqlx.Open("postgres", admin)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	defer adm.Close()
	name := "fuyi_e_" + randHex()
	if _, err := adm.ExecContext(ctx, fmt.Sprintf(`CREATE DATABASE %s`, name)); err != nil {
		t.Fatalf("testdb: create: %v", err)
	}
	db, err := database.Open(ctx, withDB(admin, name), 20)
	if err != nil {
		t.Fatalf("testdb: open: %v", err)
	}
	t.Cleanup(func() {
		db.Close()
		if a, err := sqlx.Open("postgres", admin); err == nil {
			a.Exec(fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name))
			a.Close()
		}
	})
	return db
}
