package notices

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"fuyi/cases"
	"fuyi/internal/date"
)

// insertAssignmentNotice writes one notice per officer and assignment (the case's version after it).
const insertAssignmentNotice = `INSERT INTO notices (user_id, kind, dedupe_key, case_id, title)
VALUES ($1, 'assignment', 'assign:' || $2::bigint || ':' || $3::int || ':' || $1::bigint, $2, $4)
ON CONFLICT (user_id, dedupe_key) DO NOTHING`

// Assigned tells each officer newly put on a case, or newly made its lead, in the inbox and — when e-mail or
// a webhook is configured — by message, all in the transaction of the assignment (cases.Service.Assigned).
// The message names the case number only, never a party.
func (o *Outbox) Assigned(today func() date.Date) cases.AssignedFunc {
	return func(ctx context.Context, tx *sqlx.Tx, p cases.Posting) error {
		for _, off := range p.Officers {
			role := "参与办理"
			if off.Lead {
				role = "担任主办人"
			}
			title := fmt.Sprintf("%s指派您%s案件%s", p.By, role, p.CaseNo)
			if _, err := tx.ExecContext(ctx, insertAssignmentNotice, off.ID, p.CaseID, p.Version, title); err != nil {
				return fmt.Errorf("notices: assignment of case %d: %w", p.CaseID, err)
			}
		}
		return o.Enqueue(ctx, tx, today())
	}
}
