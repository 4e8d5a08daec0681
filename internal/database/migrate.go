package database

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
)

// migrationLock is the advisory lock key that serialises migration runs across processes.
const migrationLock = 0x66757969 // "fuyi"

// Migration is one numbered SQL file.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// ReadMigrations lists NNNN_name.sql files in order.
func ReadMigrations(fsys fs.FS) ([]Migration, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, n := range names {
		num, _, ok := strings.Cut(n, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("database: migration %q: name must be NNNN_name.sql", n)
		}
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: n, SQL: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i := 1; i < len(ms); i++ {
		if ms[i].Version == ms[i-1].Version {
			return nil, fmt.Errorf("database: two migrations numbered %d", ms[i].Version)
		}
	}
	return ms, nil
}

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version integer PRIMARY KEY,
	name text NOT NULL,
	applied_at timestamptz NOT NULL DEFAULT now())`

func applied(ctx context.Context, q sqlx.QueryerContext) (map[int]bool, error) {
	var exists bool
	if err := sqlx.GetContext(ctx, q, &exists, `SELECT to_regclass('schema_migrations') IS NOT NULL`); err != nil {
		return nil, err
	}
	done := map[int]bool{}
	if !exists {
		return done, nil
	}
	var vs []int
	if err := sqlx.SelectContext(ctx, q, &vs, `SELECT version FROM schema_migrations`); err != nil {
		return nil, err
	}
	for _, v := range vs {
		done[v] = true
	}
	return done, nil
}

// Pending lists the migrations not yet applied.
func Pending(ctx context.Context, db *sqlx.DB, fsys fs.FS) ([]Migration, error) {
	ms, err := ReadMigrations(fsys)
	if err != nil {
		return nil, err
	}
	done, err := applied(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("database: read applied migrations: %w", err)
	}
	var out []Migration
	for _, m := range ms {
		if !done[m.Version] {
			out = append(out, m)
		}
	}
	return out, nil
}

// Migrate applies pending migrations, each in its own transaction, under an advisory lock so that
// concurrent runs (two servers starting at once) apply each step exactly once. It returns the names applied.
func Migrate(ctx context.Context, db *sqlx.DB, fsys fs.FS) (names []string, err error) {
	ms, err := ReadMigrations(fsys)
	if err != nil {
		return nil, err
	}
	conn, err := db.Connx(ctx)
	if err != nil {
		return nil, fmt.Errorf("database: migrate: %w", err)
	}
	defer func() { err = errors.Join(err, conn.Close()) }()
	if _, err := conn.ExecContext(ctx, lockMigrations, migrationLock); err != nil {
		return nil, fmt.Errorf("database: migrate lock: %w", err)
	}
	defer func() {
		if _, uerr := conn.ExecContext(context.WithoutCancel(ctx), unlockMigrations, migrationLock); uerr != nil {
			err = errors.Join(err, fmt.Errorf("database: migrate unlock: %w", uerr))
		}
	}()
	if _, err := conn.ExecContext(ctx, createMigrationsTable); err != nil {
		return nil, fmt.Errorf("database: migrate: %w", err)
	}
	done, err := applied(ctx, conn)
	if err != nil {
		return nil, fmt.Errorf("database: migrate: %w", err)
	}
	for _, m := range ms {
		if done[m.Version] {
			continue
		}
		tx, err := conn.BeginTxx(ctx, nil)
		if err != nil {
			return names, err
		}
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return names, errors.Join(fmt.Errorf("database: migration %s: %w", m.Name, err), tx.Rollback())
		}
		if _, err := tx.ExecContext(ctx, recordMigration, m.Version, m.Name); err != nil {
			return names, errors.Join(fmt.Errorf("database: record migration %s: %w", m.Name, err), tx.Rollback())
		}
		if err := tx.Commit(); err != nil {
			return names, fmt.Errorf("database: commit migration %s: %w", m.Name, err)
		}
		names = append(names, m.Name)
	}
	return names, nil
}

// Statements of the migration runner.
const (
	lockMigrations   = `SELECT pg_advisory_lock($1)`
	unlockMigrations = `SELECT pg_advisory_unlock($1)`
	recordMigration  = `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`
)
