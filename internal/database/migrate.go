package database

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

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

// Checksum is the SHA-256 of the file, recorded when the migration is applied: an applied migration whose
// file was edited afterwards is refused (the database no longer matches what the file says).
func (m Migration) Checksum() string {
	h := sha256.Sum256([]byte(m.SQL))
	return hex.EncodeToString(h[:])
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

// addChecksumColumn upgrades a schema_migrations table made before checksums were recorded.
const addChecksumColumn = `ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS checksum text`

// AppliedMigration is one row of schema_migrations.
type AppliedMigration struct {
	Version   int       `db:"version"`
	Name      string    `db:"name"`
	AppliedAt time.Time `db:"applied_at"`
	Checksum  string    `db:"checksum"`
}

func applied(ctx context.Context, q sqlx.QueryerContext) (map[int]AppliedMigration, error) {
	var exists, hasSum bool
	if err := sqlx.GetContext(ctx, q, &exists, queryMigrationsTable); err != nil {
		return nil, err
	}
	done := map[int]AppliedMigration{}
	if !exists {
		return done, nil
	}
	if err := sqlx.GetContext(ctx, q, &hasSum, queryChecksumColumn); err != nil {
		return nil, err
	}
	query := queryAppliedNoChecksum
	if hasSum {
		query = queryApplied
	}
	var rows []AppliedMigration
	if err := sqlx.SelectContext(ctx, q, &rows, query); err != nil {
		return nil, err
	}
	for _, r := range rows {
		done[r.Version] = r
	}
	return done, nil
}

// MigrationState is one migration as `fuyi migrate status` shows it.
type MigrationState struct {
	Migration
	Applied   bool
	AppliedAt time.Time
	// Changed: applied, but the file's checksum differs from the one recorded then.
	Changed bool
}

// Status lists every migration of fsys with whether and when it was applied, and whether its file changed
// since. Applied versions that have no file (a newer binary's migrations) are listed with an empty SQL.
func Status(ctx context.Context, db sqlx.QueryerContext, fsys fs.FS) ([]MigrationState, error) {
	ms, err := ReadMigrations(fsys)
	if err != nil {
		return nil, err
	}
	done, err := applied(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("database: read applied migrations: %w", err)
	}
	out := make([]MigrationState, 0, len(ms))
	for _, m := range ms {
		st := MigrationState{Migration: m}
		if a, ok := done[m.Version]; ok {
			st.Applied, st.AppliedAt = true, a.AppliedAt
			st.Changed = a.Checksum != "" && a.Checksum != m.Checksum()
		}
		out = append(out, st)
	}
	return out, nil
}

// ChangedError names the applied migrations whose files were edited after they ran.
func changedError(names []string) error {
	return fmt.Errorf("database: applied migrations were edited afterwards (checksum differs): %s; restore the original files and put the change in a new migration",
		strings.Join(names, ", "))
}

// Pending lists the migrations not yet applied. It fails when an applied migration's file was edited.
func Pending(ctx context.Context, db *sqlx.DB, fsys fs.FS) ([]Migration, error) {
	sts, err := Status(ctx, db, fsys)
	if err != nil {
		return nil, err
	}
	var out []Migration
	var changed []string
	for _, st := range sts {
		if st.Changed {
			changed = append(changed, st.Name)
		}
		if !st.Applied {
			out = append(out, st.Migration)
		}
	}
	if len(changed) > 0 {
		return out, changedError(changed)
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
	for _, q := range []string{createMigrationsTable, addChecksumColumn} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("database: migrate: %w", err)
		}
	}
	done, err := applied(ctx, conn)
	if err != nil {
		return nil, fmt.Errorf("database: migrate: %w", err)
	}
	var changed []string
	for _, m := range ms {
		a, ok := done[m.Version]
		switch {
		case !ok:
		case a.Checksum == "":
			// applied before checksums were recorded: the file as it is now is taken as the original
			if _, err := conn.ExecContext(ctx, recordChecksum, m.Version, m.Checksum()); err != nil {
				return nil, fmt.Errorf("database: record checksum of %s: %w", m.Name, err)
			}
		case a.Checksum != m.Checksum():
			changed = append(changed, m.Name)
		}
	}
	if len(changed) > 0 {
		return nil, changedError(changed)
	}
	for _, m := range ms {
		if _, ok := done[m.Version]; ok {
			continue
		}
		tx, err := conn.BeginTxx(ctx, nil)
		if err != nil {
			return names, err
		}
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return names, errors.Join(fmt.Errorf("database: migration %s: %w", m.Name, err), tx.Rollback())
		}
		if _, err := tx.ExecContext(ctx, recordMigration, m.Version, m.Name, m.Checksum()); err != nil {
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
	recordMigration  = `INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)`
	recordChecksum   = `UPDATE schema_migrations SET checksum = $2 WHERE version = $1 AND checksum IS NULL`

	queryMigrationsTable   = `SELECT to_regclass('schema_migrations') IS NOT NULL`
	queryChecksumColumn    = `SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'schema_migrations' AND column_name = 'checksum' AND table_schema = current_schema())`
	queryApplied           = `SELECT version, name, applied_at, coalesce(checksum, '') AS checksum FROM schema_migrations`
	queryAppliedNoChecksum = `SELECT version, name, applied_at, '' AS checksum FROM schema_migrations`
)
