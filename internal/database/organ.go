package database

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/jmoiron/sqlx"
)

// Organ binding. Every row of an organ's work carries organ_id, and row-level security (migration
// 0022_organs.sql, forced so that it binds the table owner the application connects as) lets a session see
// and write only the rows of the organ named by the setting fuyi.organ_id. The pool sets it on each
// connection from the context of the statement: a request of a logged-in user runs bound to the user's organ
// (WithOrgan), so that even a query that forgot its organ condition cannot read or change another organ's
// rows. A context without an organ is the system context (migrations, the scheduler's jobs, login before the
// user is known): its session is unbound and sees every organ.

type organKey struct{}

// WithOrgan binds the statements run with the returned context to the organ.
func WithOrgan(ctx context.Context, organ int) context.Context {
	return context.WithValue(ctx, organKey{}, organ)
}

// System returns a context whose statements are not bound to any organ (they see every organ): for the
// deliberate cross-organ work of the scheduler, the supervising statistics and 转送.
func System(ctx context.Context) context.Context {
	return context.WithValue(ctx, organKey{}, 0)
}

// OrganOf is the organ the context is bound to (false: the system context).
func OrganOf(ctx context.Context) (int, bool) {
	o, _ := ctx.Value(organKey{}).(int)
	return o, o > 0
}

// QueryOrganIDs lists the organs (the organ table is not organ-scoped).
const QueryOrganIDs = `SELECT id FROM organ ORDER BY id`

// EachOrgan runs fn once per organ with ctx bound to that organ: the deliberate organ context of work that
// serves every organ (a scheduled job computes each organ's figures from that organ's rows only). Every
// organ is tried; the errors are joined.
func EachOrgan(ctx context.Context, db sqlx.QueryerContext, fn func(ctx context.Context) error) error {
	var ids []int
	if err := sqlx.SelectContext(System(ctx), db, &ids, QueryOrganIDs); err != nil {
		return fmt.Errorf("database: organs: %w", err)
	}
	var errs []error
	for _, id := range ids {
		if err := fn(WithOrgan(ctx, id)); err != nil {
			errs = append(errs, fmt.Errorf("organ %d: %w", id, err))
		}
	}
	return errors.Join(errs...)
}

// organSetting is the value of fuyi.organ_id for the context ("" unbound).
func organSetting(ctx context.Context) string {
	if o, ok := OrganOf(ctx); ok {
		return strconv.Itoa(o)
	}
	return ""
}

// pqConn is what lib/pq's connection offers and database/sql uses.
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

// connector opens lib/pq connections wrapped in organConn.
type connector struct{ pq driver.Connector }

func (c connector) Connect(ctx context.Context) (driver.Conn, error) {
	cn, err := c.pq.Connect(ctx)
	if err != nil {
		return nil, err
	}
	pc, ok := cn.(pqConn)
	if !ok {
		return nil, fmt.Errorf("database: lib/pq connection %T lacks an interface", cn)
	}
	return &organConn{pqConn: pc}, nil
}

func (c connector) Driver() driver.Driver { return c.pq.Driver() }

// unknownBinding marks a session whose setting is not known (after a rolled-back transaction changed it).
const unknownBinding = "?"

// organConn sets fuyi.organ_id on its session before a statement whose context names another organ than
// the one the session is bound to; a connection that keeps serving one organ pays nothing.
type organConn struct {
	pqConn
	bound   string // the session's fuyi.organ_id ("" at start: unbound)
	inTx    bool
	txBound bool                   // the binding changed inside the open transaction
	stmts   map[string]driver.Stmt // the statements prepared on this connection (prepared.go)
}

func (c *organConn) bind(ctx context.Context) error {
	want := organSetting(ctx)
	if want == c.bound {
		return nil
	}
	// simple protocol, one round trip; the value is an integer or empty
	if _, err := c.pqConn.ExecContext(ctx, "SELECT set_config('fuyi.organ_id', '"+want+"', false)", nil); err != nil {
		c.bound = unknownBinding
		return fmt.Errorf("database: bind organ: %w", err)
	}
	c.bound = want
	if c.inTx {
		c.txBound = true
	}
	return nil
}

func (c *organConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	if err := c.bind(ctx); err != nil {
		return nil, err
	}
	st, err := c.preparedStmt(ctx, q)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return c.pqConn.QueryContext(ctx, q, args)
	}
	rows, err := st.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		c.forget(q, err)
	}
	return rows, err
}

func (c *organConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	if err := c.bind(ctx); err != nil {
		return nil, err
	}
	st, err := c.preparedStmt(ctx, q)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return c.pqConn.ExecContext(ctx, q, args)
	}
	res, err := st.(driver.StmtExecContext).ExecContext(ctx, args)
	if err != nil {
		c.forget(q, err)
	}
	return res, err
}

func (c *organConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	st, err := c.pqConn.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	return &organStmt{Stmt: st, c: c}, nil
}

func (c *organConn) Prepare(q string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), q)
}

func (c *organConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	// bound before BEGIN: the setting then outlives the transaction whatever its end
	if err := c.bind(ctx); err != nil {
		return nil, err
	}
	tx, err := c.pqConn.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	c.inTx, c.txBound = true, false
	return &organTx{Tx: tx, c: c}, nil
}

func (c *organConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

// organTx forgets the session's binding when a transaction that changed it does not commit (a rolled-back
// set_config is undone).
type organTx struct {
	driver.Tx
	c *organConn
}

func (t *organTx) Commit() error {
	err := t.Tx.Commit()
	t.end(err == nil)
	return err
}

func (t *organTx) Rollback() error {
	err := t.Tx.Rollback()
	t.end(false)
	return err
}

func (t *organTx) end(committed bool) {
	if t.c.txBound && !committed {
		t.c.bound = unknownBinding
	}
	t.c.inTx, t.c.txBound = false, false
}

// CheckNamedValue sends a json.RawMessage argument as text: with binary_parameters (pool) lib/pq would send
// every byte slice in binary format, and PostgreSQL reads binary jsonb as a version byte followed by text
// (so json or jsonb parameters must be json.RawMessage or string, and []byte means bytea).
func (c *organConn) CheckNamedValue(nv *driver.NamedValue) error {
	if raw, ok := nv.Value.(json.RawMessage); ok {
		if raw == nil {
			nv.Value = nil
		} else {
			nv.Value = string(raw)
		}
		return nil
	}
	return c.pqConn.CheckNamedValue(nv)
}

// organStmt binds before each execution of a prepared statement.
type organStmt struct {
	driver.Stmt
	c *organConn
}

func (s *organStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	if err := s.c.bind(ctx); err != nil {
		return nil, err
	}
	return s.Stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
}

func (s *organStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	if err := s.c.bind(ctx); err != nil {
		return nil, err
	}
	return s.Stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}
