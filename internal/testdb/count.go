package testdb

import (
	"context"
	"database/sql/driver"
	"strings"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/database"
)

// Counter counts the statements sent through a pool opened by NewCounted: every query and exec (prepared or
// not), and separately the transactions begun (BEGIN and COMMIT/ROLLBACK are not counted as statements).
type Counter struct {
	mu    sync.Mutex
	stmts []string
	calls []Call
	txs   int
}

// Call is a statement as sent, with its arguments (as the driver sent them).
type Call struct {
	Query string
	Args  []any
}

// Reset forgets what was counted.
func (c *Counter) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stmts, c.calls, c.txs = nil, nil, 0
}

// Statements returns the statements counted since the last Reset, in order.
func (c *Counter) Statements() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.stmts...)
}

// Calls returns the statements counted since the last Reset with their arguments, in order.
func (c *Counter) Calls() []Call {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Call(nil), c.calls...)
}

// Transactions returns the number of transactions begun since the last Reset.
func (c *Counter) Transactions() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.txs
}

func (c *Counter) stmt(q string, args []driver.NamedValue) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stmts = append(c.stmts, strings.Join(strings.Fields(q), " "))
	vs := make([]any, len(args))
	for i, a := range args {
		vs[i] = a.Value
	}
	c.calls = append(c.calls, Call{Query: q, Args: vs})
}

func (c *Counter) tx() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.txs++
}

// NewCounted is New with a pool whose statements c counts.
func NewCounted(t testing.TB, tag string, seed Seeder) (*sqlx.DB, *Counter) {
	t.Helper()
	c := &Counter{}
	return newDB(t, tag, seed, database.Options{MaxConns: 20, Wrap: c.wrap}), c
}

// OpenCounted opens a second, new pool (of 20 connections, as the server's default) on a database made by
// New, whose statements the returned counter counts. It is closed after the test.
func OpenCounted(t testing.TB, db *sqlx.DB) (*sqlx.DB, *Counter) {
	t.Helper()
	c := &Counter{}
	cdb, err := database.OpenWith(context.Background(), DSN(t, db), database.Options{MaxConns: 20, Wrap: c.wrap})
	if err != nil {
		t.Fatalf("testdb: open: %v", err)
	}
	t.Cleanup(func() { closeOr(t, "counted pool", cdb) })
	return cdb, c
}

func (c *Counter) wrap(in driver.Connector) driver.Connector { return &countConnector{in: in, c: c} }

type countConnector struct {
	in driver.Connector
	c  *Counter
}

func (k *countConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := k.in.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &countConn{Conn: conn, c: k.c}, nil
}

func (k *countConnector) Driver() driver.Driver { return k.in.Driver() }

// countConn forwards everything to lib/pq's connection, counting statements.
type countConn struct {
	driver.Conn
	c *Counter
}

func (k *countConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	k.c.stmt(q, args)
	return k.Conn.(driver.QueryerContext).QueryContext(ctx, q, args)
}

func (k *countConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	k.c.stmt(q, args)
	return k.Conn.(driver.ExecerContext).ExecContext(ctx, q, args)
}

func (k *countConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	s, err := k.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	return &countStmt{Stmt: s, q: q, c: k.c}, nil
}

func (k *countConn) BeginTx(ctx context.Context, o driver.TxOptions) (driver.Tx, error) {
	k.c.tx()
	return k.Conn.(driver.ConnBeginTx).BeginTx(ctx, o)
}

func (k *countConn) Ping(ctx context.Context) error { return k.Conn.(driver.Pinger).Ping(ctx) }

func (k *countConn) ResetSession(ctx context.Context) error {
	return k.Conn.(driver.SessionResetter).ResetSession(ctx)
}

func (k *countConn) IsValid() bool { return k.Conn.(driver.Validator).IsValid() }

func (k *countConn) CheckNamedValue(nv *driver.NamedValue) error {
	return k.Conn.(driver.NamedValueChecker).CheckNamedValue(nv)
}

type countStmt struct {
	driver.Stmt
	q string
	c *Counter
}

func (s *countStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.c.stmt(s.q, args)
	return s.Stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (s *countStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.c.stmt(s.q, args)
	return s.Stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
}
