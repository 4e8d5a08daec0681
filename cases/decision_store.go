package cases

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"fuyi/internal/date"
)

const (
	queryServed         = `SELECT served_on IS NOT NULL FROM cases WHERE id = $1`
	queryHearingHeld    = `SELECT EXISTS (SELECT 1 FROM hearings WHERE case_id = $1 AND status = 'held')`
	queryHasCommittee   = `SELECT EXISTS (SELECT 1 FROM committee_opinions WHERE case_id = $1)`
	queryPendingDraft   = `SELECT EXISTS (SELECT 1 FROM decisions WHERE case_id = $1 AND status = 'proposed')`
	insertDecisionDraft = `INSERT INTO decisions (case_id, version, type, decided_on, articles, sections, ground, perform_due_on, status, proposed_by)
VALUES ($1, (SELECT coalesce(max(version), 0) + 1 FROM decisions WHERE case_id = $1), $2, $3, $4, $5, $6, $7, 'proposed', $8) RETURNING version`
)

// Served reports whether the decision of the case was served.
func (s *Store) Served(ctx context.Context, caseID int64) (bool, error) {
	return s.exists(ctx, "served", queryServed, caseID)
}

// HearingHeld reports whether a hearing of the case was held.
func (s *Store) HearingHeld(ctx context.Context, caseID int64) (bool, error) {
	return s.exists(ctx, "hearing held", queryHearingHeld, caseID)
}

// HasCommitteeOpinion reports whether the committee's opinion was recorded.
func (s *Store) HasCommitteeOpinion(ctx context.Context, caseID int64) (bool, error) {
	return s.exists(ctx, "committee opinion", queryHasCommittee, caseID)
}

// PendingDraft reports whether a decision draft awaits approval.
func (s *Store) PendingDraft(ctx context.Context, caseID int64) (bool, error) {
	return s.exists(ctx, "pending draft", queryPendingDraft, caseID)
}

// Draft is a decision draft to store.
type Draft struct {
	Type       string
	DecidedOn  date.Date
	Articles   []string
	Sections   json.RawMessage // JSON (text: see database.organConn.CheckNamedValue)
	Ground     string
	PerformDue date.Date
	By         int64
}

// AddDraft stores a decision draft and returns its version.
func (s *Store) AddDraft(ctx context.Context, caseID int64, d Draft) (int, error) {
	var version int
	if err := sqlx.GetContext(ctx, s.db, &version, insertDecisionDraft, caseID, d.Type, d.DecidedOn, pq.Array(d.Articles),
		d.Sections, d.Ground, d.PerformDue, d.By); err != nil {
		return 0, fmt.Errorf("cases: add draft: %w", err)
	}
	return version, nil
}

// PendingDecision is the draft awaiting approval.
type PendingDecision struct {
	ID        int64     `db:"id"`
	Version   int       `db:"version"`
	Type      string    `db:"type"`
	DecidedOn date.Date `db:"decided_on"`
	// ProposedBy drafted it (the four-eyes rule: FourEyes)
	ProposedBy int64 `db:"proposed_by"`
}

const (
	queryPendingDecision = `SELECT id, version, type, decided_on, proposed_by FROM decisions WHERE case_id = $1 AND status = 'proposed'`
	returnDecision       = `UPDATE decisions SET status = 'returned', return_reason = $2 WHERE id = $1`
	supersedeDecision    = `UPDATE decisions SET status = 'superseded' WHERE case_id = $1 AND status = 'approved'`
	approveDecision      = `UPDATE decisions SET status = 'approved', approved_by = $2, approved_at = now(), approval_mode = $3 WHERE id = $1`
	concludeCase         = `UPDATE cases SET status = $2, concluded_on = $3, outcome = $4 WHERE id = $1`
)

// PendingDecision loads the draft awaiting approval, or ErrNoPendingDecision.
func (s *Store) PendingDecision(ctx context.Context, caseID int64) (PendingDecision, error) {
	var d PendingDecision
	err := sqlx.GetContext(ctx, s.db, &d, queryPendingDecision, caseID)
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrNoPendingDecision
	}
	if err != nil {
		return d, fmt.Errorf("cases: pending decision: %w", err)
	}
	return d, nil
}

// ReturnDecision sends a draft back with the reason.
func (s *Store) ReturnDecision(ctx context.Context, decisionID int64, reason string) error {
	return s.exec(ctx, "return decision", returnDecision, decisionID, reason)
}

// ApproveDecision approves a draft (superseding an earlier approved version) and concludes the case.
func (s *Store) ApproveDecision(ctx context.Context, caseID int64, d PendingDecision, by int64, mode string, status Status) error {
	if err := s.exec(ctx, "supersede decision", supersedeDecision, caseID); err != nil {
		return err
	}
	if err := s.exec(ctx, "approve decision", approveDecision, d.ID, by, mode); err != nil {
		return err
	}
	return s.exec(ctx, "conclude", concludeCase, caseID, status, d.DecidedOn, d.Type)
}

// Conclusion is when a case was concluded and its decision served.
type Conclusion struct {
	Concluded date.Date `db:"concluded_on"`
	Served    date.Date `db:"served_on"`
}

const (
	queryConclusion    = `SELECT concluded_on, served_on FROM cases WHERE id = $1`
	setServed          = `UPDATE cases SET served_on = $2 WHERE id = $1`
	queryApprovedServe = `SELECT d.type, c.served_on FROM decisions d JOIN cases c ON c.id = d.case_id WHERE d.case_id = $1 AND d.status = 'approved'`
	setPerformed       = `UPDATE cases SET performed_on = $2, performance_note = $3 WHERE id = $1`
	insertLetter       = `INSERT INTO opinion_letters (case_id, kind, issued_on, received_on, content, issued_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`
	queryLetter        = `SELECT kind, received_on, reported_on FROM opinion_letters WHERE id = $1 AND case_id = $2`
	setLetterReport    = `UPDATE opinion_letters SET reported_on = $2, report_content = $3 WHERE id = $1`
)

// Conclusion loads when the case was concluded and served.
func (s *Store) Conclusion(ctx context.Context, caseID int64) (Conclusion, error) {
	var c Conclusion
	if err := sqlx.GetContext(ctx, s.db, &c, queryConclusion, caseID); err != nil {
		return c, fmt.Errorf("cases: conclusion: %w", err)
	}
	return c, nil
}

// SetServed records the service of the decision.
func (s *Store) SetServed(ctx context.Context, caseID int64, on date.Date) error {
	return s.exec(ctx, "served", setServed, caseID, on)
}

// ApprovedService is the approved decision's type and when it was served.
type ApprovedService struct {
	Type   string    `db:"type"`
	Served date.Date `db:"served_on"`
}

// ApprovedService loads the approved decision's type and service date, or ErrNoApprovedDecision.
func (s *Store) ApprovedService(ctx context.Context, caseID int64) (ApprovedService, error) {
	var a ApprovedService
	err := sqlx.GetContext(ctx, s.db, &a, queryApprovedServe, caseID)
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNoApprovedDecision
	}
	if err != nil {
		return a, fmt.Errorf("cases: approved decision: %w", err)
	}
	return a, nil
}

// SetPerformed records the respondent's 履行.
func (s *Store) SetPerformed(ctx context.Context, caseID int64, on date.Date, note string) error {
	return s.exec(ctx, "performed", setPerformed, caseID, on, note)
}

// AddLetter records a 意见书 or 建议书.
func (s *Store) AddLetter(ctx context.Context, caseID int64, kind string, issued, received date.Date, content string, by int64) (int64, error) {
	var id int64
	if err := sqlx.GetContext(ctx, s.db, &id, insertLetter, caseID, kind, issued, received, content, by); err != nil {
		return 0, fmt.Errorf("cases: opinion letter: %w", err)
	}
	return id, nil
}

// LetterDates are the kind of a letter, when it was received and when its report was made.
type LetterDates struct {
	Kind     string    `db:"kind"`
	Received date.Date `db:"received_on"`
	Reported date.Date `db:"reported_on"`
}

// Letter loads a letter of the case, or ErrLetterNotFound.
func (s *Store) Letter(ctx context.Context, caseID, letterID int64) (LetterDates, error) {
	var l LetterDates
	err := sqlx.GetContext(ctx, s.db, &l, queryLetter, letterID, caseID)
	if errors.Is(err, sql.ErrNoRows) {
		return l, ErrLetterNotFound
	}
	if err != nil {
		return l, fmt.Errorf("cases: letter: %w", err)
	}
	return l, nil
}

// SetLetterReport records the respondent's report on a letter.
func (s *Store) SetLetterReport(ctx context.Context, letterID int64, on date.Date, content string) error {
	return s.exec(ctx, "letter report", setLetterReport, letterID, on, content)
}
