package database

import (
	"context"
	"database/sql/driver"
	"errors"
	"sync"

	"github.com/lib/pq"
)

// Server-side prepared statements for the hot statements. Each statement sent with parameters is otherwise
// parsed, analysed and planned by PostgreSQL every time (an unnamed statement); on the cases table, with its
// indexes, row-level security and triggers, planning costs about as much as executing a registration's
// INSERT. A statement registered with Prepared is prepared once per connection (one extra round trip, the
// first time a connection sends it) and then only bound and executed: PostgreSQL plans it for its first five
// executions with the values given and then keeps a generic plan if that is not costlier on average.
//
// Only statements whose plan does not depend on their values belong here (writes by key, lookups by key, a
// search by an indexed equality): a list or search whose best plan changes with the values (a common or a
// rare term) must stay unprepared, so it is opt-in.

var preparedSet sync.Map // statement text → struct{}

// Prepared registers q as a statement the pool prepares on each connection, and returns q (for use in a
// const-like var: var insertX = database.Prepared(`INSERT …`)).
func Prepared(q string) string {
	preparedSet.Store(q, struct{}{})
	return q
}

// maxPrepared bounds the statements kept per connection (the registered set is small; the bound is a guard).
const maxPrepared = 64

// preparedStmt returns the connection's prepared statement for q, preparing it now if q is registered; nil
// when q is not registered.
func (c *organConn) preparedStmt(ctx context.Context, q string) (driver.Stmt, error) {
	if _, ok := preparedSet.Load(q); !ok {
		return nil, nil
	}
	if st := c.stmts[q]; st != nil {
		return st, nil
	}
	if len(c.stmts) >= maxPrepared {
		return nil, nil
	}
	st, err := c.pqConn.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	if c.stmts == nil {
		c.stmts = map[string]driver.Stmt{}
	}
	c.stmts[q] = st
	return st, nil
}

// forget drops the prepared statement of q after an error that says its plan or the statement itself is gone
// (a schema change made the cached plan invalid, or the statement no longer exists on the server): the next
// use prepares it again. The failed statement itself is not repeated (inside a transaction it aborted the
// transaction); the request answers as for any database error.
func (c *organConn) forget(q string, err error) {
	var pe *pq.Error
	if !errors.As(err, &pe) {
		return
	}
	switch pe.Code {
	case "0A000", "26000": // feature_not_supported ("cached plan must not change result type"), invalid_sql_statement_name
		if st := c.stmts[q]; st != nil {
			_ = st.Close()
			delete(c.stmts, q)
		}
	}
}
