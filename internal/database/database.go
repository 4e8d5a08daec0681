// Package database opens PostgreSQL, runs the embedded migrations and offers transaction helpers.
package database

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Open connects and pings.
func Open(ctx context.Context, url string, maxConns int) (*sqlx.DB, error) {
	db, err := sqlx.Open("postgres", withTimeZone(url))
	if err != nil {
		return nil, fmt.Errorf("database: open: %w", err)
	}
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("database: ping: %w", err)
	}
	return db, nil
}

// Tx runs fn in a transaction, committing when it returns nil.
func Tx(ctx context.Context, db *sqlx.DB, fn func(tx *sqlx.Tx) error) error {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("database: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("database: commit: %w", err)
	}
	return nil
}

// Constraint returns the name of the violated constraint and the SQLSTATE when err is a constraint error.
func Constraint(err error) (name, code string) {
	var pe *pq.Error
	if errors.As(err, &pe) {
		return pe.Constraint, string(pe.Code)
	}
	return "", ""
}

// IsUnavailable reports errors that mean the database cannot be reached right now.
func IsUnavailable(err error) bool {
	var pe *pq.Error
	if errors.As(err, &pe) {
		switch pe.Code.Class() {
		case "08", "57": // connection exception, operator intervention (shutdown)
			return true
		}
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var ne interface{ Timeout() bool }
	if errors.As(err, &ne) {
		return true
	}
	msg := err.Error()
	for _, s := range []string{"connection refused", "broken pipe", "connection reset", "bad connection", "no such file or directory", "EOF"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// withTimeZone asks the server to report timestamps in China time, so that every time the API writes
// carries +08:00. An explicit timezone in the URL wins.
func withTimeZone(url string) string {
	if strings.Contains(strings.ToLower(url), "timezone") {
		return url
	}
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		if strings.Contains(url, "?") {
			return url + "&timezone=Asia%2FShanghai"
		}
		return url + "?timezone=Asia%2FShanghai"
	}
	return url + " timezone=Asia/Shanghai"
}
