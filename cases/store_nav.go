package cases

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"fuyi/internal/auth"
	"fuyi/internal/date"
)

// NavCounts are the counts beside the links of the staff navigation: what waits for the user now. Each role
// reads only its own, each with one statement on an index (the navigation is drawn on every page).
type NavCounts struct {
	Today      int `db:"today"`      // window: registered today at this 司法所
	Correction int `db:"correction"` // window: waiting for the applicant's 补正
	Review     int `db:"review"`     // chief: the 受理审查 queue
	Approval   int `db:"approval"`   // chief: decision drafts awaiting approval
	Overdue    int `db:"overdue"`    // officer: my cases with an open deadline of OwnDuties already past
	Soon       int `db:"soon"`       // officer: my cases with one due from today to soon
	Publish    int `db:"publish"`    // bureau: served decisions not yet published
}

const (
	navWindow = `SELECT count(*) FILTER (WHERE c.received_on = $2) AS today,
	count(*) FILTER (WHERE c.status = 'correction' AND NOT EXISTS (SELECT 1 FROM corrections k WHERE k.case_id = c.id AND k.received_on IS NOT NULL)) AS correction
FROM cases c WHERE c.window_id = $1 AND (c.received_on = $2 OR c.status = 'correction')`
	navChief = `SELECT (SELECT count(*) FROM cases c WHERE c.status = 'registered' OR (c.status = 'correction' AND EXISTS
	(SELECT 1 FROM corrections k WHERE k.case_id = c.id AND k.received_on IS NOT NULL))) AS review,
	(SELECT count(*) FROM decisions d WHERE d.status = 'proposed') AS approval`
	navOfficer = `SELECT count(DISTINCT d.case_id) FILTER (WHERE d.due_on < $2) AS overdue,
	count(DISTINCT d.case_id) FILTER (WHERE d.due_on >= $2) AS soon
FROM deadlines d WHERE d.status = 'open' AND d.due_on <= $3 AND d.kind = ANY($4)
	AND d.case_id IN (SELECT x.case_id FROM case_assignments x WHERE x.user_id = $1 AND x.removed_at IS NULL)`
	navBureau = `SELECT (` + countToPublish + `) AS publish`
)

// OwnDuties are the deadlines the 复议机构 itself must meet (the officers' 超期/临期): not the applicant's
// (补正, 起诉) nor the respondent's (答复, 履行, 意见书 report).
var OwnDuties = []string{DeadlineReview, DeadlineCopy, DeadlineDecision, DeadlineSuspension}

// NavCounts counts what waits for u on today; soon is the last due date that counts as 临期 (officers).
func (s *Store) NavCounts(ctx context.Context, u *auth.User, today, soon date.Date) (NavCounts, error) {
	var n NavCounts
	var err error
	switch u.Role {
	case auth.RoleWindow:
		if u.WindowID == nil {
			return n, nil
		}
		err = sqlx.GetContext(ctx, s.db, &n, navWindow, *u.WindowID, today)
	case auth.RoleChief:
		err = sqlx.GetContext(ctx, s.db, &n, navChief)
	case auth.RoleOfficer:
		err = sqlx.GetContext(ctx, s.db, &n, navOfficer, u.ID, today, soon, pq.Array(OwnDuties))
	case auth.RoleBureau:
		err = sqlx.GetContext(ctx, s.db, &n, navBureau)
	}
	if err != nil {
		return n, fmt.Errorf("cases: navigation counts: %w", err)
	}
	return n, nil
}
