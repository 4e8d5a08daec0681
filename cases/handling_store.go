package cases

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// handlingFacts adds the facts of case handling (reply, pauses, extension, conclusion) to f.
func (s *Store) handlingFacts(ctx context.Context, caseID int64, f *Facts) error {
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
