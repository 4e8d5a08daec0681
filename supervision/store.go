package supervision

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/date"
)

// Store runs the SQL of the supervision records on a pool or a transaction.
type Store struct{ db sqlx.ExtContext }

func NewStore(db sqlx.ExtContext) *Store { return &Store{db: db} }

const (
	queryRespondent = `SELECT c.case_no, a.id AS agency_id, a.name AS agency_name, a.level, a.superior_id, s.name AS superior_name
FROM cases c JOIN agencies a ON a.id = c.respondent_agency_id LEFT JOIN agencies s ON s.id = a.superior_id WHERE c.id = $1`
	lockCopySerials  = `SELECT pg_advisory_xact_lock(790201)`
	queryNextCopyNo  = `SELECT coalesce(max(serial), 0) + 1 FROM copy_reports WHERE year = $1`
	insertCopyReport = `INSERT INTO copy_reports (case_id, kind, letter_id, agency_id, superior_id, year, serial, doc_no, effective_on, pdf)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`
	selectCopyReports = `SELECT r.id, r.case_id, coalesce(c.case_no, '') AS case_no, r.kind, r.letter_id, r.agency_id, a.name AS agency_name,
	r.superior_id, s.name AS superior_name, r.doc_no, r.effective_on, r.sent_on, r.served_on
FROM copy_reports r JOIN cases c ON c.id = r.case_id JOIN agencies a ON a.id = r.agency_id JOIN agencies s ON s.id = r.superior_id`
	queryCopyReports    = selectCopyReports + ` WHERE $1 = 0 OR r.case_id = $1 ORDER BY r.id DESC LIMIT 500`
	queryCopyReport     = selectCopyReports + ` WHERE r.id = $1`
	lockCopyReport      = selectCopyReports + ` WHERE r.id = $1 FOR UPDATE OF r`
	queryCopyReportPDF  = `SELECT doc_no, pdf FROM copy_reports WHERE id = $1`
	setCopyReportSent   = `UPDATE copy_reports SET sent_on = $2 WHERE id = $1`
	setCopyReportServed = `UPDATE copy_reports SET served_on = $2 WHERE id = $1`
)

// Statements lists the SQL of this package (checked against the schema by the statement test).
func Statements() []string {
	return append([]string{queryOrgan, queryRespondent, lockCopySerials, queryNextCopyNo, insertCopyReport, queryCopyReports, queryCopyReport,
		lockCopyReport, queryCopyReportPDF, setCopyReportSent, setCopyReportServed}, append(append(enforcementStatements(), typicalStatements()...), append(observationStatements(), reviewStatements()...)...)...)
}

// Respondent reads the 被申请人 of a case with its 上一级主管部门.
func (s *Store) Respondent(ctx context.Context, caseID int64) (Respondent, error) {
	var r Respondent
	if err := sqlx.GetContext(ctx, s.db, &r, queryRespondent, caseID); err != nil {
		return r, fmt.Errorf("supervision: respondent: %w", err)
	}
	return r, nil
}

// NextCopySerial takes the next serial of the year's 抄告 (serialised by a transaction lock).
func (s *Store) NextCopySerial(ctx context.Context, year int) (int, error) {
	if _, err := s.db.ExecContext(ctx, lockCopySerials); err != nil {
		return 0, fmt.Errorf("supervision: lock serials: %w", err)
	}
	var n int
	if err := sqlx.GetContext(ctx, s.db, &n, queryNextCopyNo, year); err != nil {
		return 0, fmt.Errorf("supervision: next serial: %w", err)
	}
	return n, nil
}

type newCopyReport struct {
	CaseID      int64
	Kind        string
	LetterID    *int64
	AgencyID    int
	SuperiorID  int
	Year        int
	Serial      int
	DocNo       string
	EffectiveOn date.Date
	PDF         []byte
}

// InsertCopyReport stores a prepared 抄告.
func (s *Store) InsertCopyReport(ctx context.Context, n newCopyReport) (int64, error) {
	var id int64
	err := sqlx.GetContext(ctx, s.db, &id, insertCopyReport, n.CaseID, n.Kind, n.LetterID, n.AgencyID, n.SuperiorID, n.Year, n.Serial,
		n.DocNo, n.EffectiveOn, n.PDF)
	if err != nil {
		return 0, fmt.Errorf("supervision: insert copy report: %w", err)
	}
	return id, nil
}

// CopyReports lists the 抄告 of a case, or all of them (caseID 0).
func (s *Store) CopyReports(ctx context.Context, caseID int64) ([]CopyReport, error) {
	var cs []CopyReport
	if err := sqlx.SelectContext(ctx, s.db, &cs, queryCopyReports, caseID); err != nil {
		return nil, fmt.Errorf("supervision: copy reports: %w", err)
	}
	return cs, nil
}

func (s *Store) copyReport(ctx context.Context, q string, id int64) (CopyReport, error) {
	var c CopyReport
	err := sqlx.GetContext(ctx, s.db, &c, q, id)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrCopyReportNotFound
	}
	if err != nil {
		return c, fmt.Errorf("supervision: copy report: %w", err)
	}
	return c, nil
}

// CopyReport reads one 抄告.
func (s *Store) CopyReport(ctx context.Context, id int64) (CopyReport, error) {
	return s.copyReport(ctx, queryCopyReport, id)
}

// LockCopyReport reads one 抄告 for update.
func (s *Store) LockCopyReport(ctx context.Context, id int64) (CopyReport, error) {
	return s.copyReport(ctx, lockCopyReport, id)
}

// CopyReportPDF reads the stored letter.
func (s *Store) CopyReportPDF(ctx context.Context, id int64) (string, []byte, error) {
	var r struct {
		DocNo string `db:"doc_no"`
		PDF   []byte `db:"pdf"`
	}
	err := sqlx.GetContext(ctx, s.db, &r, queryCopyReportPDF, id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, ErrCopyReportNotFound
	}
	if err != nil {
		return "", nil, fmt.Errorf("supervision: copy report pdf: %w", err)
	}
	return r.DocNo, r.PDF, nil
}

// SetCopyReportDate records the sending ("sent") or service ("served") date.
func (s *Store) SetCopyReportDate(ctx context.Context, id int64, step string, on date.Date) error {
	q := setCopyReportSent
	if step == "served" {
		q = setCopyReportServed
	}
	if _, err := s.db.ExecContext(ctx, q, id, on); err != nil {
		return fmt.Errorf("supervision: copy report %s: %w", step, err)
	}
	return nil
}
