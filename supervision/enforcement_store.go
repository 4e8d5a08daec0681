package supervision

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/date"
)

const (
	queryUnperformed = `SELECT d.case_id, coalesce(c.case_no, '') AS case_no, a.name AS agency_name, d.kind, d.ref, d.due_on
FROM deadlines d JOIN cases c ON c.id = d.case_id JOIN agencies a ON a.id = c.respondent_agency_id
WHERE d.kind IN ('performance', 'opinion_report') AND d.status IN ('open', 'breached') AND d.due_on < $1
	AND NOT EXISTS (SELECT 1 FROM performance_orders o WHERE o.case_id = d.case_id
		AND (o.document = 'opinion') = (d.kind = 'opinion_report') AND coalesce(o.letter_id::text, '') = d.ref)
ORDER BY d.due_on, d.case_id LIMIT 500`
	lockCase = `SELECT c.case_no, a.id AS agency_id, a.name AS agency_name, a.level, a.superior_id, s.name AS superior_name
FROM cases c JOIN agencies a ON a.id = c.respondent_agency_id LEFT JOIN agencies s ON s.id = a.superior_id WHERE c.id = $1 FOR UPDATE OF c`
	queryApprovedType = `SELECT type FROM decisions WHERE case_id = $1 AND status = 'approved'`
	queryDeadline     = `SELECT due_on, status FROM deadlines WHERE case_id = $1 AND kind = $2 AND ref = $3 AND status <> 'cancelled'`
	upsertDeadline    = `INSERT INTO deadlines (case_id, kind, ref, due_on, basis, status, met_on) VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (case_id, kind, ref) WHERE case_id IS NOT NULL DO UPDATE SET due_on = EXCLUDED.due_on, basis = EXCLUDED.basis,
	status = EXCLUDED.status, met_on = EXCLUDED.met_on, updated_at = now()`
	lockSerials          = `SELECT pg_advisory_xact_lock(790202, hashtext($1))`
	queryNextOrderNo     = `SELECT coalesce(max(serial), 0) + 1 FROM performance_orders WHERE year = $1`
	queryNextReprimandNo = `SELECT coalesce(max(serial), 0) + 1 FROM performance_reprimands WHERE year = $1`
	insertOrder          = `INSERT INTO performance_orders (case_id, document, letter_id, missed_due_on, year, serial, doc_no, ordered_on, due_on, pdf, ordered_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`
	selectOrders = `SELECT o.id, o.case_id, coalesce(c.case_no, '') AS case_no, a.id AS agency_id, a.name AS agency_name, o.document, o.letter_id,
	o.missed_due_on, o.doc_no, o.ordered_on, o.due_on, o.performed_on
FROM performance_orders o JOIN cases c ON c.id = o.case_id JOIN agencies a ON a.id = c.respondent_agency_id`
	queryOrders       = selectOrders + ` WHERE $1 = 0 OR o.case_id = $1 ORDER BY o.id DESC LIMIT 500`
	queryOrder        = selectOrders + ` WHERE o.id = $1`
	lockOrder         = selectOrders + ` WHERE o.id = $1 FOR UPDATE OF o`
	queryInterviews   = `SELECT id, order_id, held_on, officials, minutes, commitments FROM performance_interviews WHERE order_id = $1 ORDER BY held_on, id`
	queryReprimands   = `SELECT id, order_id, issued_on, doc_no, recipients, content FROM performance_reprimands WHERE order_id = $1 ORDER BY issued_on, id`
	insertInterview   = `INSERT INTO performance_interviews (order_id, held_on, officials, minutes, commitments, recorded_by) VALUES ($1, $2, $3, $4, $5, $6)`
	insertReprimand   = `INSERT INTO performance_reprimands (order_id, issued_on, year, serial, doc_no, recipients, content, pdf, issued_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`
	setOrderPerformed = `UPDATE performance_orders SET performed_on = $2 WHERE id = $1`
	queryOrderPDF     = `SELECT doc_no, pdf FROM performance_orders WHERE id = $1`
	queryReprimandPDF = `SELECT doc_no, pdf FROM performance_reprimands WHERE id = $1`
)

func enforcementStatements() []string {
	return []string{queryUnperformed, lockCase, queryApprovedType, queryDeadline, upsertDeadline, lockSerials, queryNextOrderNo,
		queryNextReprimandNo, insertOrder, queryOrders, queryOrder, lockOrder, queryInterviews, queryReprimands, insertInterview,
		insertReprimand, setOrderPerformed, queryOrderPDF, queryReprimandPDF}
}

// Unperformed lists the documents past their time limit without performance or 责令.
func (s *Store) Unperformed(ctx context.Context, today date.Date) ([]Unperformed, error) {
	var us []Unperformed
	if err := sqlx.SelectContext(ctx, s.db, &us, queryUnperformed, today); err != nil {
		return nil, fmt.Errorf("supervision: unperformed: %w", err)
	}
	return us, nil
}

// LockCase locks a case and reads its respondent.
func (s *Store) LockCase(ctx context.Context, caseID int64) (Respondent, error) {
	var r Respondent
	err := sqlx.GetContext(ctx, s.db, &r, lockCase, caseID)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fieldErr("case_id", "案件不存在")
	}
	if err != nil {
		return r, fmt.Errorf("supervision: lock case: %w", err)
	}
	return r, nil
}

// ApprovedType is the type of the case's approved decision ("" when none).
func (s *Store) ApprovedType(ctx context.Context, caseID int64) (string, error) {
	var t string
	err := sqlx.GetContext(ctx, s.db, &t, queryApprovedType, caseID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("supervision: decision type: %w", err)
	}
	return t, nil
}

// DeadlineState is the due date and state of one deadline.
type DeadlineState struct {
	DueOn  date.Date `db:"due_on"`
	Status string    `db:"status"`
}

// Deadline reads a case deadline (zero when there is none).
func (s *Store) Deadline(ctx context.Context, caseID int64, kind, ref string) (DeadlineState, error) {
	var d DeadlineState
	err := sqlx.GetContext(ctx, s.db, &d, queryDeadline, caseID, kind, ref)
	if errors.Is(err, sql.ErrNoRows) {
		return d, nil
	}
	if err != nil {
		return d, fmt.Errorf("supervision: deadline: %w", err)
	}
	return d, nil
}

// SaveDeadline writes a supervision deadline of a case (cases.ForeignDeadlineKinds).
func (s *Store) SaveDeadline(ctx context.Context, caseID int64, kind, ref string, due date.Date, status string, met date.Date, basis string) error {
	if _, err := s.db.ExecContext(ctx, upsertDeadline, caseID, kind, ref, due, basis, status, met); err != nil {
		return fmt.Errorf("supervision: deadline %s: %w", kind, err)
	}
	return nil
}

// NextSerial takes the next serial of a year in table (performance_orders or performance_reprimands).
func (s *Store) NextSerial(ctx context.Context, table string, year int) (int, error) {
	q := queryNextOrderNo
	if table == "performance_reprimands" {
		q = queryNextReprimandNo
	}
	if _, err := s.db.ExecContext(ctx, lockSerials, table); err != nil {
		return 0, fmt.Errorf("supervision: lock serials: %w", err)
	}
	var n int
	if err := sqlx.GetContext(ctx, s.db, &n, q, year); err != nil {
		return 0, fmt.Errorf("supervision: serial: %w", err)
	}
	return n, nil
}

type newOrder struct {
	CaseID      int64
	Document    string
	LetterID    *int64
	MissedDueOn date.Date
	Year        int
	Serial      int
	DocNo       string
	OrderedOn   date.Date
	DueOn       date.Date
	PDF         []byte
	By          int64
}

// InsertOrder stores a 责令.
func (s *Store) InsertOrder(ctx context.Context, n newOrder) (int64, error) {
	var id int64
	if err := sqlx.GetContext(ctx, s.db, &id, insertOrder, n.CaseID, n.Document, n.LetterID, n.MissedDueOn, n.Year, n.Serial, n.DocNo,
		n.OrderedOn, n.DueOn, n.PDF, n.By); err != nil {
		return 0, fmt.Errorf("supervision: insert order: %w", err)
	}
	return id, nil
}

// Orders lists the 责令 of a case or all (caseID 0).
func (s *Store) Orders(ctx context.Context, caseID int64) ([]Order, error) {
	var os []Order
	if err := sqlx.SelectContext(ctx, s.db, &os, queryOrders, caseID); err != nil {
		return nil, fmt.Errorf("supervision: orders: %w", err)
	}
	return os, nil
}

func (s *Store) order(ctx context.Context, q string, id int64) (Order, error) {
	var o Order
	err := sqlx.GetContext(ctx, s.db, &o, q, id)
	if errors.Is(err, sql.ErrNoRows) {
		return o, ErrOrderNotFound
	}
	if err != nil {
		return o, fmt.Errorf("supervision: order: %w", err)
	}
	return o, nil
}

// Order reads one 责令.
func (s *Store) Order(ctx context.Context, id int64) (Order, error) {
	return s.order(ctx, queryOrder, id)
}

// LockOrder reads one 责令 for update.
func (s *Store) LockOrder(ctx context.Context, id int64) (Order, error) {
	return s.order(ctx, lockOrder, id)
}

func (s *Store) orderFollowUps(ctx context.Context, o *Order) error {
	o.Interviews, o.Reprimands = []Interview{}, []Reprimand{}
	if err := sqlx.SelectContext(ctx, s.db, &o.Interviews, queryInterviews, o.ID); err != nil {
		return fmt.Errorf("supervision: interviews: %w", err)
	}
	if err := sqlx.SelectContext(ctx, s.db, &o.Reprimands, queryReprimands, o.ID); err != nil {
		return fmt.Errorf("supervision: reprimands: %w", err)
	}
	return nil
}

// InsertInterview stores a 约谈.
func (s *Store) InsertInterview(ctx context.Context, orderID int64, held date.Date, officials, minutes, commitments string, by int64) error {
	if _, err := s.db.ExecContext(ctx, insertInterview, orderID, held, officials, minutes, commitments, by); err != nil {
		return fmt.Errorf("supervision: interview: %w", err)
	}
	return nil
}

// InsertReprimand stores a 通报批评.
func (s *Store) InsertReprimand(ctx context.Context, orderID int64, on date.Date, year, serial int, docNo, recipients, content string, b []byte, by int64) error {
	if _, err := s.db.ExecContext(ctx, insertReprimand, orderID, on, year, serial, docNo, recipients, content, b, by); err != nil {
		return fmt.Errorf("supervision: reprimand: %w", err)
	}
	return nil
}

// SetOrderPerformed records performance after a 责令.
func (s *Store) SetOrderPerformed(ctx context.Context, id int64, on date.Date) error {
	if _, err := s.db.ExecContext(ctx, setOrderPerformed, id, on); err != nil {
		return fmt.Errorf("supervision: order performed: %w", err)
	}
	return nil
}

// DocumentPDF reads a stored document (文号 and bytes) by one of the PDF queries.
func (s *Store) DocumentPDF(ctx context.Context, q string, id int64, notFound error) (string, []byte, error) {
	var r struct {
		DocNo string `db:"doc_no"`
		PDF   []byte `db:"pdf"`
	}
	err := sqlx.GetContext(ctx, s.db, &r, q, id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, notFound
	}
	if err != nil {
		return "", nil, fmt.Errorf("supervision: pdf: %w", err)
	}
	return r.DocNo, r.PDF, nil
}
