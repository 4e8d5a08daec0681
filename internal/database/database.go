// Package database opens PostgreSQL, runs the embedded migrations and offers transaction helpers.
package database

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	neturl "net/url"
	"strings"
	"syscall"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Options tune the pool of a server process. The zero value is a plain pool without session limits (the
// commands that migrate or generate data run long statements on purpose).
type Options struct {
	MaxConns int
	// StatementTimeout ends any statement running longer (PostgreSQL statement_timeout); 0: no limit.
	StatementTimeout time.Duration
	// IdleInTransactionTimeout ends a session whose transaction sits idle longer
	// (idle_in_transaction_session_timeout): a second guard behind the request deadlines; 0: no limit.
	IdleInTransactionTimeout time.Duration
	// Wrap, when set, wraps the driver's connector (tests count the statements a request sends).
	Wrap func(driver.Connector) driver.Connector
}

// Open connects and pings.
func Open(ctx context.Context, url string, maxConns int) (*sqlx.DB, error) {
	return OpenWith(ctx, url, Options{MaxConns: maxConns})
}

// OpenWith connects with the given pool options and pings.
func OpenWith(ctx context.Context, url string, o Options) (*sqlx.DB, error) {
	db, err := pool(url, o)
	if err != nil {
		return nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		return nil, errors.Join(fmt.Errorf("database: ping: %w", err), db.Close())
	}
	return db, nil
}

// pool prepares a pool with the given options without connecting. Its connections bind each statement to
// the organ of its context (organ.go).
func pool(url string, o Options) (*sqlx.DB, error) {
	url = withParam(url, "timezone", "Asia/Shanghai")
	// One round trip per parameterised statement instead of two: lib/pq otherwise sends Parse/Describe/Sync,
	// waits, then Bind/Execute/Sync. In this mode a []byte argument travels in binary format, which is right
	// for bytea (documents, scans: no hex encoding either) and wrong for json: organConn.CheckNamedValue
	// sends json.RawMessage as text.
	url = withParam(url, "binary_parameters", "yes")
	// No JIT compilation: PostgreSQL compiles a plan whose estimated cost passes jit_above_cost, which for
	// the statements of a request costs more than it saves (measured: ~200 ms compiling a 20-row page of the
	// case list at offset 10,000; the monthly report at 100,000 cases 2.5 s with JIT against 0.6 s without).
	url = withParam(url, "jit", "off")
	if o.StatementTimeout > 0 {
		url = withParam(url, "statement_timeout", fmt.Sprint(o.StatementTimeout.Milliseconds()))
	}
	if o.IdleInTransactionTimeout > 0 {
		url = withParam(url, "idle_in_transaction_session_timeout", fmt.Sprint(o.IdleInTransactionTimeout.Milliseconds()))
	}
	pc, err := pq.NewConnector(url)
	if err != nil {
		return nil, fmt.Errorf("database: open: %w", err)
	}
	var inner driver.Connector = pc
	if o.Wrap != nil {
		inner = o.Wrap(pc) // inside the organ binding: its statements are seen too
	}
	db := sqlx.NewDb(sql.OpenDB(connector{pq: inner}), "postgres")
	db.SetMaxOpenConns(o.MaxConns)
	db.SetMaxIdleConns(o.MaxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return db, nil
}

// Tx runs fn in a transaction, committing when it returns nil. When the context ends meanwhile (the
// request's deadline), database/sql rolls the transaction back by itself and later statements fail with
// sql.ErrTxDone; Tx returns only once that rollback has ended, and the error returned then also matches the
// context's error, so callers see a timeout.
//
// A transaction that PostgreSQL chose as the victim of a deadlock (40P01) or of a serialization failure
// (40001) was rolled back whole; it is run again (fn from the start, at most txAttempts times in all, while
// the context lasts). fn must therefore keep its effects inside the transaction and set, not accumulate,
// the variables it answers through. When the attempts run out the error stays retryable (IsRetryable):
// the request answers 503 with Retry-After, never 500.
func Tx(ctx context.Context, db *sqlx.DB, fn func(tx *sqlx.Tx) error) error {
	var err error
	for attempt := 1; ; attempt++ {
		err = txOnce(ctx, db, fn)
		if err == nil || !IsRetryable(err) || attempt == txAttempts || ctx.Err() != nil {
			return err
		}
		// the other party of the deadlock is finishing: let it commit before trying again
		time.Sleep(time.Duration(attempt*(5+mrand.IntN(20))) * time.Millisecond)
	}
}

// rollbackWait bounds how long Tx waits for the rollback database/sql runs after a deadline: normally a few
// milliseconds, but lib/pq's ROLLBACK has no timeout of its own, and on a partitioned network (no RST, the
// leader unreachable) a request must still answer (503) rather than hang; the connection is then closed in
// the background and the server ends the transaction when the session dies.
var rollbackWait = 2 * time.Second

// closeWithin closes conn (sql.ErrConnDone when database/sql already dropped a broken connection), waiting
// at most wait for the close, which waits for a pending rollback.
func closeWithin(conn *sqlx.Conn, wait time.Duration) {
	done := make(chan struct{})
	go func() {
		_ = conn.Close()
		close(done)
	}()
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	}
}

// txAttempts bounds the runs of a transaction that keeps losing deadlocks.
const txAttempts = 4

func txOnce(ctx context.Context, db *sqlx.DB, fn func(tx *sqlx.Tx) error) error {
	// The transaction runs on a connection taken for it: when the context ends first, database/sql rolls the
	// transaction back in a goroutine of its own and Rollback below returns sql.ErrTxDone at once, before
	// that ROLLBACK has reached PostgreSQL. Closing the connection waits until the rollback is done, so the
	// caller never answers (a 503 after the deadline) while its transaction is still open on the server
	// ("idle in transaction", holding its row locks, seen by the next request).
	conn, err := db.Connx(ctx)
	if err != nil {
		return withContext(ctx, fmt.Errorf("database: begin: %w", err))
	}
	defer closeWithin(conn, rollbackWait)
	tx, err := conn.BeginTxx(ctx, nil)
	if err != nil {
		return withContext(ctx, fmt.Errorf("database: begin: %w", err))
	}
	// ended before the connection is closed even when fn panics (sql.ErrTxDone after Commit or Rollback).
	// Once the context has ended, database/sql rolls back on its own and closeWithin waits for it, bounded:
	// a rollback of ours would wait for the server without any bound.
	defer func() {
		if ctx.Err() == nil {
			_ = tx.Rollback()
		}
	}()
	if err := fn(tx); err != nil {
		if ctx.Err() == nil {
			if rerr := tx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) {
				err = errors.Join(err, fmt.Errorf("database: rollback: %w", rerr))
			}
		}
		return withContext(ctx, err)
	}
	if err := tx.Commit(); err != nil {
		return withContext(ctx, fmt.Errorf("database: commit: %w", err))
	}
	return nil
}

// IsRetryable reports a transaction rolled back by PostgreSQL to break a deadlock (40P01) or a
// serialization failure (40001): running it again is expected to succeed.
func IsRetryable(err error) bool {
	var pe *pq.Error
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

// withContext adds the context's error to err when the context has ended.
func withContext(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return errors.Join(err, cerr)
	}
	return err
}

// Constraint returns the name of the violated constraint and the SQLSTATE when err is a constraint error.
func Constraint(err error) (name, code string) {
	var pe *pq.Error
	if errors.As(err, &pe) {
		return pe.Constraint, string(pe.Code)
	}
	return "", ""
}

// IsUnavailable reports errors that mean the database cannot be reached right now, judged by the error's
// type: the server's error classes 08 (connection exception), 53 (insufficient resources, e.g. too many
// connections) and 57 (operator intervention: shutdown, query cancelled), a bad or broken connection, or a
// network error. During a failover a connection may reach a node that is no longer (or not yet) the
// leader: a write there fails as a read-only transaction (25006), the same "try again shortly".
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var pe *pq.Error
	if errors.As(err, &pe) {
		switch pe.Code.Class() {
		case "08", "53", "57":
			return true
		}
		return pe.Code == "25006" || recoveryBegin(pe) // a standby: a write, or BEGIN READ WRITE, refused there
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne)
}

// recoveryBegin: a transaction begun READ WRITE on a node in recovery (lib/pq begins "BEGIN READ WRITE") is
// refused with feature_not_supported and this message; seen when HAProxy still routes to the old leader that
// has just come back as a standby. Other 0A000 errors are bugs, not unavailability.
func recoveryBegin(pe *pq.Error) bool {
	return pe.Code == "0A000" && strings.Contains(pe.Message, "during recovery")
}

// IsTimeout reports that the request ran out of time: its deadline passed while it waited for a connection
// of the pool or for a statement.
func IsTimeout(err error) bool {
	return errors.Is(err, context.DeadlineExceeded)
}

// withParam adds a connection parameter to a libpq URL or key=value string; one already present wins.
// lib/pq sends parameters it does not know itself (timezone, statement_timeout, …) to the server as
// run-time settings of the session.
func withParam(url, key, value string) string {
	if strings.Contains(strings.ToLower(url), key) {
		return url
	}
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		sep := "?"
		if strings.Contains(url, "?") {
			sep = "&"
		}
		return url + sep + key + "=" + neturl.QueryEscape(value)
	}
	return url + " " + key + "=" + value
}
