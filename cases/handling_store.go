package cases

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

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

// MinOfficers and MinOfficersComplex are the staffing minimums (条例第32条; local plans: ≥3 for 重大、复杂、
// 疑难 cases). They are configuration; these are the defaults.
var (
	MinOfficers        = 2
	MinOfficersComplex = 3
)

// RequiredOfficers is the minimum team size of a case.
func RequiredOfficers(complex bool) int {
	if complex {
		return MinOfficersComplex
	}
	return MinOfficers
}

// Assignment loads the current team of a case.
func (s *Store) Assignment(ctx context.Context, c *Case) (*Assignment, error) {
	a := &Assignment{Officers: []Officer{}, Required: RequiredOfficers(c.Complex)}
	if err := sqlx.SelectContext(ctx, s.db, &a.Officers, queryTeam, c.ID); err != nil {
		return nil, err
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
