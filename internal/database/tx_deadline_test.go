package database_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/database"
	"fuyi/internal/testdb"
)

// A transaction whose context ends while fn is between statements (slow work, or waiting) is rolled back by
// database/sql in a goroutine of its own (Tx.awaitDone). Tx must not return before that rollback has ended
// the transaction: the caller answers right after (503), and a transaction still open then is a session idle
// in transaction holding its locks (TestBurstHearingBookings saw one or two after the burst). The driver's
// rollback is slowed down here so that Tx, if it did not wait for it, would return first every time.
//
// What "ended" means on the client: lib/pq marks the connection bad as soon as the context ends, so its
// Rollback sends no ROLLBACK: it sends Terminate and closes the socket. The backend then aborts the
// transaction and exits on its own schedule, after Tx has returned; pg_stat_activity can still show it "idle
// in transaction" for a moment under load. The test therefore checks the two things that hold without any
// race: the driver's Rollback had returned when Tx returned, and the transaction's lock is then released
// (the observer takes it, waiting for the backend to end its transaction rather than sampling its state).
// The context is cancelled by fn itself after its statement, not by a short timer that a loaded machine can
// let expire before BEGIN.
func TestTxReturnsAfterTheDeadlineRollback(t *testing.T) {
	observer := testdb.Empty(t)
	ended := new(atomic.Bool)
	db, err := database.OpenWith(context.Background(), testdb.DSN(t, observer), database.Options{MaxConns: 2,
		Wrap: func(in driver.Connector) driver.Connector {
			return slowRollback{in: in, delay: 300 * time.Millisecond, ended: ended}
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const key = 7304231
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err = database.Tx(ctx, db, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, key); err != nil {
			return err
		}
		cancel() // the request's context ends while fn works outside the database
		<-ctx.Done()
		return ctx.Err()
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Tx after its context ended: %v", err)
	}
	if !ended.Load() {
		t.Fatal("Tx returned before the driver's rollback had ended the transaction")
	}
	// the guard only bounds a failure: the lock is normally free within milliseconds of Tx returning
	guard, stop := context.WithTimeout(context.Background(), 10*time.Second)
	defer stop()
	if _, err := observer.ExecContext(guard, `SELECT pg_advisory_xact_lock($1)`, key); err != nil {
		t.Fatalf("the transaction's lock is still held after Tx returned: %v", err)
	}
}

// A rollback that never reaches the server (a partitioned network: lib/pq's ROLLBACK has no timeout) must not
// hang the request: Tx waits for it only a bounded time, then answers. The rollback here takes 30 s; the wait
// is set to 100 ms, and Tx must return long before the rollback does (10 s is only the test's own guard).
func TestTxDoesNotHangOnARollbackThatNeverEnds(t *testing.T) {
	defer database.SetRollbackWait(100 * time.Millisecond)()
	observer := testdb.Empty(t)
	db, err := database.OpenWith(context.Background(), testdb.DSN(t, observer), database.Options{MaxConns: 2,
		Wrap: func(in driver.Connector) driver.Connector { return slowRollback{in: in, delay: 30 * time.Second} }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- database.Tx(ctx, db, func(tx *sqlx.Tx) error {
			<-ctx.Done()
			return ctx.Err()
		})
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Tx after the deadline: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Tx hung waiting for a rollback that does not end")
	}
}

// A panic inside fn (recovered by the caller, as the server's recoverer does) rolls the transaction back at
// once, even without a deadline: Tx closes its connection only after the transaction ended, and must not
// wait for a context that never ends.
func TestTxPanicRollsBack(t *testing.T) {
	db := testdb.Empty(t)
	var pid int
	done := make(chan any)
	go func() {
		defer func() { done <- recover() }()
		_ = database.Tx(context.Background(), db, func(tx *sqlx.Tx) error {
			if err := tx.Get(&pid, `SELECT pg_backend_pid()`); err != nil {
				return err
			}
			panic("fn failed")
		})
	}()
	select {
	case r := <-done:
		if r != "fn failed" {
			t.Fatalf("recovered %v", r)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Tx did not return after fn panicked")
	}
	var state string
	if err := db.Get(&state, `SELECT coalesce((SELECT state FROM pg_stat_activity WHERE pid = $1), 'gone')`, pid); err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(state, "idle in transaction") {
		t.Fatalf("the transaction of a panicked fn is still open (%s)", state)
	}
}

// pqConn is the set of interfaces the organ binding requires of a lib/pq connection.
type pqConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.QueryerContext
	driver.ExecerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
	driver.NamedValueChecker
}

// slowRollback opens connections whose transactions take delay to roll back.
// ended, when set, records that a driver rollback has returned.
type slowRollback struct {
	in    driver.Connector
	delay time.Duration
	ended *atomic.Bool
}

func (s slowRollback) Connect(ctx context.Context) (driver.Conn, error) {
	c, err := s.in.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return slowRollbackConn{pqConn: c.(pqConn), delay: s.delay, ended: s.ended}, nil
}

func (s slowRollback) Driver() driver.Driver { return s.in.Driver() }

type slowRollbackConn struct {
	pqConn
	delay time.Duration
	ended *atomic.Bool
}

func (c slowRollbackConn) BeginTx(ctx context.Context, o driver.TxOptions) (driver.Tx, error) {
	tx, err := c.pqConn.BeginTx(ctx, o)
	if err != nil {
		return nil, err
	}
	return slowTx{Tx: tx, delay: c.delay, ended: c.ended}, nil
}

type slowTx struct {
	driver.Tx
	delay time.Duration
	ended *atomic.Bool
}

func (t slowTx) Rollback() error {
	time.Sleep(t.delay)
	err := t.Tx.Rollback()
	if t.ended != nil {
		t.ended.Store(true)
	}
	return err
}
