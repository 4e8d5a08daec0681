// Package audit writes the append-only event trail (who, when, what, old → new). The events table refuses
// UPDATE, DELETE and TRUNCATE at the database level.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/database"
)

// Event is one audited change.
type Event struct {
	ID      int64           `db:"id" json:"id"`
	CaseID  *int64          `db:"case_id" json:"case_id,omitempty"`
	ActorID *int64          `db:"actor_id" json:"actor_id,omitempty"`
	Actor   string          `db:"actor" json:"actor"`
	At      time.Time       `db:"at" json:"at"`
	Action  string          `db:"action" json:"action"`
	Summary string          `db:"summary" json:"summary"`
	Old     json.RawMessage `db:"old" json:"old,omitempty"`
	New     json.RawMessage `db:"new" json:"new,omitempty"`
}

var insertEvent = database.Prepared(`INSERT INTO events (case_id, actor_id, action, summary, old, new) VALUES ($1, $2, $3, $4, $5, $6)`)

// raw encodes v for a jsonb parameter: json.RawMessage, which the pool sends as text (a plain []byte would
// travel as binary bytea data, see database.organConn.CheckNamedValue).
func raw(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	return json.Marshal(v)
}

// Record appends an event. old and new are any JSON-encodable values (nil for none).
func Record(ctx context.Context, db sqlx.ExecerContext, caseID int64, actorID int64, action, summary string, old, new any) error {
	o, err := raw(old)
	if err != nil {
		return err
	}
	n, err := raw(new)
	if err != nil {
		return err
	}
	var cid, aid any
	if caseID > 0 {
		cid = caseID
	}
	if actorID > 0 {
		aid = actorID
	}
	if _, err := db.ExecContext(ctx, insertEvent, cid, aid, action, summary, o, n); err != nil {
		return fmt.Errorf("audit: record %s: %w", action, err)
	}
	return nil
}

var insertEventReturning = database.Prepared(insertEvent + ` RETURNING id, at`)

// RecordReturning appends an event of a case and returns it as ForCase would list it (actor is the name of
// the actor, "系统" when actorID is 0).
func RecordReturning(ctx context.Context, db sqlx.QueryerContext, caseID, actorID int64, actor, action, summary string, old, new any) (Event, error) {
	e := Event{Actor: actor, Action: action, Summary: summary, Old: json.RawMessage("null"), New: json.RawMessage("null")}
	o, err := raw(old)
	if err != nil {
		return e, err
	}
	n, err := raw(new)
	if err != nil {
		return e, err
	}
	var cid, aid any
	if caseID > 0 {
		cid, e.CaseID = caseID, &caseID
	}
	if actorID > 0 {
		aid, e.ActorID = actorID, &actorID
	} else {
		e.Actor = "系统"
	}
	if o != nil {
		e.Old = o
	}
	if n != nil {
		e.New = n
	}
	if err := db.QueryRowxContext(ctx, insertEventReturning, cid, aid, action, summary, o, n).Scan(&e.ID, &e.At); err != nil {
		return e, fmt.Errorf("audit: record %s: %w", action, err)
	}
	return e, nil
}

const queryCaseEvents = `SELECT e.id, e.case_id, e.actor_id, coalesce(u.name, '系统') AS actor, e.at, e.action, e.summary,
	coalesce(e.old, 'null'::jsonb) AS old, coalesce(e.new, 'null'::jsonb) AS new
FROM events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.case_id = $1 ORDER BY e.id`

// ForCase lists the events of a case in order.
func ForCase(ctx context.Context, db sqlx.QueryerContext, caseID int64) ([]Event, error) {
	var es []Event
	if err := sqlx.SelectContext(ctx, db, &es, queryCaseEvents, caseID); err != nil {
		return nil, fmt.Errorf("audit: case events: %w", err)
	}
	return es, nil
}

const insertLawsuitEvent = `INSERT INTO events (lawsuit_id, actor_id, action, summary, old, new) VALUES ($1, $2, $3, $4, $5, $6)`

// RecordLawsuit appends an event about a lawsuit.
func RecordLawsuit(ctx context.Context, db sqlx.ExecerContext, lawsuitID, actorID int64, action, summary string, old, new any) error {
	o, err := raw(old)
	if err != nil {
		return err
	}
	n, err := raw(new)
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, insertLawsuitEvent, lawsuitID, actorID, action, summary, o, n); err != nil {
		return fmt.Errorf("audit: record %s: %w", action, err)
	}
	return nil
}

const queryLawsuitEvents = `SELECT e.id, e.case_id, e.actor_id, coalesce(u.name, '系统') AS actor, e.at, e.action, e.summary,
	coalesce(e.old, 'null'::jsonb) AS old, coalesce(e.new, 'null'::jsonb) AS new
FROM events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.lawsuit_id = $1 ORDER BY e.id`

// ForLawsuit lists the events of a lawsuit in order.
func ForLawsuit(ctx context.Context, db sqlx.QueryerContext, lawsuitID int64) ([]Event, error) {
	var es []Event
	if err := sqlx.SelectContext(ctx, db, &es, queryLawsuitEvents, lawsuitID); err != nil {
		return nil, fmt.Errorf("audit: lawsuit events: %w", err)
	}
	return es, nil
}
