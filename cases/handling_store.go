package cases

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"fuyi/internal/date"
)

const queryHandlingFacts = `SELECT c.copy_sent_on, c.copy_received_on, c.reply_received_on, c.reply_postmarked_on, c.converted_on,
	c.concluded_on, c.served_on, c.performed_on, coalesce(e.days, 0) AS extension_days,
	d.type AS decision_type, d.perform_due_on
FROM cases c LEFT JOIN case_extensions e ON e.case_id = c.id
LEFT JOIN decisions d ON d.case_id = c.id AND d.status = 'approved'
WHERE c.id = $1`

// handlingFacts adds the facts of case handling (reply, pauses, extension, conclusion, service, 履行,
// 意见书) to f.
func (s *Store) handlingFacts(ctx context.Context, caseID int64, f *Facts) error {
	var row struct {
		CopySent     date.Date `db:"copy_sent_on"`
		CopyRecv     date.Date `db:"copy_received_on"`
		Reply        date.Date `db:"reply_received_on"`
		ReplyPosted  date.Date `db:"reply_postmarked_on"`
		Converted    date.Date `db:"converted_on"`
		Concluded    date.Date `db:"concluded_on"`
		Served       date.Date `db:"served_on"`
		Performed    date.Date `db:"performed_on"`
		Extension    int       `db:"extension_days"`
		DecisionType *string   `db:"decision_type"`
		PerformDue   date.Date `db:"perform_due_on"`
	}
	if err := sqlx.GetContext(ctx, s.db, &row, queryHandlingFacts, caseID); err != nil {
		return fmt.Errorf("cases: handling facts: %w", err)
	}
	f.CopySentOn, f.CopyReceivedOn, f.ReplyReceivedOn, f.ReplyPostmarkedOn = row.CopySent, row.CopyRecv, row.Reply, row.ReplyPosted
	f.ConvertedOn, f.ConcludedOn, f.ServedOn, f.PerformedOn = row.Converted, row.Concluded, row.Served, row.Performed
	f.ExtensionDays, f.PerformDueOn = row.Extension, row.PerformDue
	if row.DecisionType != nil {
		f.DecisionType = *row.DecisionType
	}
	var pauses []struct {
		From   date.Date `db:"started_on"`
		To     date.Date `db:"ended_on"`
		Ground string    `db:"ground"`
	}
	if err := sqlx.SelectContext(ctx, s.db, &pauses, `SELECT started_on, ended_on, ground FROM case_pauses WHERE case_id = $1 ORDER BY started_on`, caseID); err != nil {
		return fmt.Errorf("cases: pauses: %w", err)
	}
	for _, p := range pauses {
		f.Pauses = append(f.Pauses, Pause{From: p.From, To: p.To, Ground: p.Ground})
	}
	if err := sqlx.SelectContext(ctx, s.db, &f.Letters, `SELECT id, kind, received_on, reported_on FROM opinion_letters WHERE case_id = $1 ORDER BY id`, caseID); err != nil {
		return fmt.Errorf("cases: letters: %w", err)
	}
	return nil
}

const queryTeam = `SELECT u.id, u.username, u.name, u.qualified, x.lead FROM case_assignments x JOIN users u ON u.id = x.user_id
WHERE x.case_id = $1 AND x.removed_at IS NULL ORDER BY x.lead DESC, u.id`

const queryStaffing = `SELECT min_officers, min_officers_complex FROM organ WHERE id = coalesce(fuyi_organ(), (SELECT min(id) FROM organ))`

// Staffing loads the organ's staffing minimums.
func (s *Store) Staffing(ctx context.Context) (Staffing, error) {
	var st Staffing
	if err := sqlx.GetContext(ctx, s.db, &st, queryStaffing); err != nil {
		return st, fmt.Errorf("cases: staffing: %w", err)
	}
	return st, nil
}

const updateStaffing = `UPDATE organ SET min_officers = $1, min_officers_complex = $2 WHERE id = fuyi_default_organ()`

// SetStaffing changes the organ's staffing minimums (fuyi organ staffing).
func (s *Store) SetStaffing(ctx context.Context, st Staffing) error {
	if err := st.Validate(); err != nil {
		return err
	}
	if _, err := s.db.ExecContext(ctx, updateStaffing, st.Min, st.MinComplex); err != nil {
		return fmt.Errorf("cases: set staffing: %w", err)
	}
	return nil
}

// Assignment loads the current team of a case.
func (s *Store) Assignment(ctx context.Context, c *Case) (*Assignment, error) {
	st, err := s.Staffing(ctx)
	if err != nil {
		return nil, err
	}
	a := &Assignment{Officers: []Officer{}, Required: st.Required(c.Complex)}
	if err := sqlx.SelectContext(ctx, s.db, &a.Officers, queryTeam, c.ID); err != nil {
		return nil, fmt.Errorf("cases: team: %w", err)
	}
	for _, o := range a.Officers {
		if o.Lead {
			id := o.ID
			a.LeadOfficerID = &id
		}
	}
	a.Understaffed = c.CaseNo != nil && len(a.Officers) < a.Required
	return a, nil
}

const queryApprovedType = `SELECT type FROM decisions WHERE case_id = $1 AND status = 'approved'`

// ApprovedDecisionType is the type of the case's approved decision, or "" when there is none.
func (s *Store) ApprovedDecisionType(ctx context.Context, caseID int64) (string, error) {
	var typ string
	err := sqlx.GetContext(ctx, s.db, &typ, queryApprovedType, caseID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("cases: approved decision %d: %w", caseID, err)
	}
	return typ, nil
}

// exec runs a statement of the store and wraps its error.
func (s *Store) exec(ctx context.Context, what, q string, args ...any) error {
	if _, err := s.db.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("cases: %s: %w", what, err)
	}
	return nil
}

// exists runs a SELECT EXISTS statement.
func (s *Store) exists(ctx context.Context, what, q string, args ...any) (bool, error) {
	var ok bool
	if err := sqlx.GetContext(ctx, s.db, &ok, q, args...); err != nil {
		return false, fmt.Errorf("cases: %s: %w", what, err)
	}
	return ok, nil
}

const removeFromTeam = `UPDATE case_assignments SET removed_at = now(), removed_by = $3
WHERE case_id = $1 AND removed_at IS NULL AND (NOT (user_id = ANY($2)) OR lead <> (user_id = $4))`

const addToTeam = `INSERT INTO case_assignments (case_id, user_id, lead, assigned_by)
SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM case_assignments WHERE case_id = $1 AND user_id = $2 AND removed_at IS NULL)`

// SetTeam makes officers the team of a case with lead as 主办; members who leave (or whose lead flag
// changes) keep their history row with removed_at.
func (s *Store) SetTeam(ctx context.Context, caseID int64, officers []int64, lead, by int64) error {
	if err := s.exec(ctx, "remove from team", removeFromTeam, caseID, pq.Array(officers), by, lead); err != nil {
		return err
	}
	for _, oid := range officers {
		if err := s.exec(ctx, "add to team", addToTeam, caseID, oid, oid == lead, by); err != nil {
			return err
		}
	}
	return nil
}

const updateComplexity = `UPDATE cases SET complex = $2, complex_reason = $3 WHERE id = $1`

// SetComplexity marks a case 重大、复杂、疑难 or not.
func (s *Store) SetComplexity(ctx context.Context, caseID int64, complex bool, reason string) error {
	return s.exec(ctx, "complexity", updateComplexity, caseID, complex, reason)
}

// ReplyDates are the dates of the 申请书副本 and the 答复 (with the postmark of a 答复 sent by post).
type ReplyDates struct {
	Sent   date.Date `db:"copy_sent_on"`
	Recv   date.Date `db:"copy_received_on"`
	Reply  date.Date `db:"reply_received_on"`
	Posted date.Date `db:"reply_postmarked_on"`
}

const queryReplyDates = `SELECT copy_sent_on, copy_received_on, reply_received_on, reply_postmarked_on FROM cases WHERE id = $1`

const updateReplyDates = `UPDATE cases SET copy_sent_on = $2, copy_received_on = $3, reply_received_on = $4, reply_postmarked_on = $5 WHERE id = $1`

// ReplyDates loads the reply dates of a case.
func (s *Store) ReplyDates(ctx context.Context, caseID int64) (ReplyDates, error) {
	var r ReplyDates
	if err := sqlx.GetContext(ctx, s.db, &r, queryReplyDates, caseID); err != nil {
		return r, fmt.Errorf("cases: reply dates: %w", err)
	}
	return r, nil
}

// SetReplyDates stores the reply dates of a case.
func (s *Store) SetReplyDates(ctx context.Context, caseID int64, r ReplyDates) error {
	return s.exec(ctx, "reply dates", updateReplyDates, caseID, r.Sent, r.Recv, r.Reply, r.Posted)
}

const queryLastResumed = `SELECT coalesce(max(ended_on), '0001-01-01') FROM case_pauses WHERE case_id = $1`

// LastResumed is the day the last 中止 of a case ended (zero when there was none).
func (s *Store) LastResumed(ctx context.Context, caseID int64) (date.Date, error) {
	var d date.Date
	if err := sqlx.GetContext(ctx, s.db, &d, queryLastResumed, caseID); err != nil {
		return d, fmt.Errorf("cases: last resumed: %w", err)
	}
	return d, nil
}

const (
	insertPause      = `INSERT INTO case_pauses (case_id, ground, note, started_on, started_by) VALUES ($1, $2, $3, $4, $5)`
	setStatus        = `UPDATE cases SET status = $2 WHERE id = $1`
	queryOpenPause   = `SELECT started_on FROM case_pauses WHERE case_id = $1 AND ended_on IS NULL`
	endPause         = `UPDATE case_pauses SET ended_on = $2, ended_by = $3 WHERE case_id = $1 AND ended_on IS NULL`
	queryHasExtended = `SELECT EXISTS (SELECT 1 FROM case_extensions WHERE case_id = $1)`
	insertExtension  = `INSERT INTO case_extensions (case_id, on_date, days, reason, approved_by) VALUES ($1, $2, $3, $4, $5)`
	convertProcedure = `UPDATE cases SET procedure = 'ordinary', converted_on = $2, conversion_reason = $3 WHERE id = $1`
	insertCommittee  = `INSERT INTO committee_opinions (case_id, given_on, opinion, recorded_by) VALUES ($1, $2, $3, $4)`
)

// Suspend opens a 中止 interval and sets the status.
func (s *Store) Suspend(ctx context.Context, caseID int64, ground, note string, on date.Date, by int64) error {
	if err := s.exec(ctx, "pause", insertPause, caseID, ground, note, on, by); err != nil {
		return err
	}
	return s.exec(ctx, "status", setStatus, caseID, StatusSuspended)
}

// OpenPauseStart is the day the open 中止 began, or an error when there is none.
func (s *Store) OpenPauseStart(ctx context.Context, caseID int64) (date.Date, error) {
	var d date.Date
	if err := sqlx.GetContext(ctx, s.db, &d, queryOpenPause, caseID); err != nil {
		return d, fmt.Errorf("cases: open pause: %w", err)
	}
	return d, nil
}

// Resume closes the open 中止 interval and sets the case back to accepted.
func (s *Store) Resume(ctx context.Context, caseID int64, on date.Date, by int64) error {
	if err := s.exec(ctx, "end pause", endPause, caseID, on, by); err != nil {
		return err
	}
	return s.exec(ctx, "status", setStatus, caseID, StatusAccepted)
}

// HasExtension reports whether the period of the case was extended.
func (s *Store) HasExtension(ctx context.Context, caseID int64) (bool, error) {
	return s.exists(ctx, "extension", queryHasExtended, caseID)
}

// AddExtension records the extension of the period.
func (s *Store) AddExtension(ctx context.Context, caseID int64, on date.Date, days int, reason string, by int64) error {
	return s.exec(ctx, "extension", insertExtension, caseID, on, days, reason, by)
}

// ConvertToOrdinary records the conversion to the ordinary procedure.
func (s *Store) ConvertToOrdinary(ctx context.Context, caseID int64, on date.Date, reason string) error {
	return s.exec(ctx, "convert", convertProcedure, caseID, on, reason)
}

// AddCommitteeOpinion records the 行政复议委员会's opinion.
func (s *Store) AddCommitteeOpinion(ctx context.Context, caseID int64, on date.Date, opinion string, by int64) error {
	return s.exec(ctx, "committee opinion", insertCommittee, caseID, on, opinion, by)
}

// countOtherChiefs counts in the user's own organ (explicitly: a role bypassing row-level security sees all)
const countOtherChiefs = `SELECT count(*) FROM users o WHERE o.role = 'chief' AND o.active AND o.id <> $1
	AND o.organ_id = (SELECT u.organ_id FROM users u WHERE u.id = $1)`

// OtherChiefs counts the active 复议机构负责人 other than the user (who else may approve a decision).
func (s *Store) OtherChiefs(ctx context.Context, userID int64) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, s.db, &n, countOtherChiefs, userID); err != nil {
		return 0, fmt.Errorf("cases: other chiefs: %w", err)
	}
	return n, nil
}
