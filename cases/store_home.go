package cases

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/auth"
	"fuyi/internal/date"
)

// The lists of waiting work on the staff home page (issue 15, "work finds its people"): the chief's drafts
// awaiting approval and the bureau's decisions to publish.

// AwaitingApproval is a decision draft waiting for the chief.
type AwaitingApproval struct {
	CaseID         int64     `db:"case_id"`
	RegistrationNo string    `db:"registration_no"`
	CaseNo         *string   `db:"case_no"`
	Version        int       `db:"version"`
	Type           string    `db:"type"`
	ProposedAt     time.Time `db:"proposed_at"`
	ProposedBy     string    `db:"proposed_by"`
	DecisionDue    date.Date `db:"decision_due"`
}

// TypeLabel is the Chinese name of the draft's decision type.
func (a AwaitingApproval) TypeLabel() string {
	if t, ok := DecisionTypeOf(a.Type); ok {
		return t.Label
	}
	return a.Type
}

const queryAwaitingApproval = `SELECT c.id AS case_id, c.registration_no, c.case_no, d.version, d.type, d.proposed_at,
	u.name AS proposed_by, dl.due_on AS decision_due
FROM decisions d JOIN cases c ON c.id = d.case_id JOIN users u ON u.id = d.proposed_by
LEFT JOIN LATERAL (SELECT x.due_on FROM deadlines x WHERE x.case_id = c.id AND x.kind = 'decision' AND x.status = 'open'
	ORDER BY x.due_on LIMIT 1) dl ON true
WHERE d.status = 'proposed'
ORDER BY dl.due_on NULLS LAST, d.proposed_at
LIMIT $1`

const countAwaitingApproval = `SELECT count(*) FROM decisions d WHERE d.status = 'proposed'`

// CountAwaitingApproval is how many drafts wait for approval.
func (s *Store) CountAwaitingApproval(ctx context.Context) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, s.db, &n, countAwaitingApproval); err != nil {
		return 0, fmt.Errorf("cases: count drafts awaiting approval: %w", err)
	}
	return n, nil
}

const countBlocked = `SELECT count(*) FROM cases c WHERE c.status IN ('decided', 'terminated') AND c.publish_block_reason <> ''`

// CountNotForPublication is how many concluded cases are marked not for publication (with their reason).
func (s *Store) CountNotForPublication(ctx context.Context) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, s.db, &n, countBlocked); err != nil {
		return 0, fmt.Errorf("cases: count not for publication: %w", err)
	}
	return n, nil
}

// AwaitingApproval lists the drafts waiting for approval, nearest decision deadline first (chief only:
// the caller checks the role).
func (s *Store) AwaitingApproval(ctx context.Context, limit int) ([]AwaitingApproval, error) {
	var out []AwaitingApproval
	if err := sqlx.SelectContext(ctx, s.db, &out, queryAwaitingApproval, limit); err != nil {
		return nil, fmt.Errorf("cases: drafts awaiting approval: %w", err)
	}
	return out, nil
}

// ToPublish is a concluded case whose served decision is not yet published online (复议法第79条).
type ToPublish struct {
	CaseID         int64     `db:"case_id"`
	RegistrationNo string    `db:"registration_no"`
	CaseNo         *string   `db:"case_no"`
	ServedOn       date.Date `db:"served_on"`
	AgencyName     string    `db:"agency_name"`
}

const queryToPublish = `SELECT c.id AS case_id, c.registration_no, c.case_no, c.served_on, a.name AS agency_name
FROM cases c JOIN agencies a ON a.id = c.respondent_agency_id
WHERE c.status IN ('decided', 'terminated') AND c.served_on IS NOT NULL AND c.publish_block_reason = ''
	AND NOT EXISTS (SELECT 1 FROM publications p WHERE p.case_id = c.id AND p.status = 'published')
ORDER BY c.served_on, c.id
LIMIT $1`

const countToPublish = `SELECT count(*) FROM cases c
WHERE c.status IN ('decided', 'terminated') AND c.served_on IS NOT NULL AND c.publish_block_reason = ''
	AND NOT EXISTS (SELECT 1 FROM publications p WHERE p.case_id = c.id AND p.status = 'published')`

// ToPublish lists served decisions not yet published (oldest service first) and how many there are.
func (s *Store) ToPublish(ctx context.Context, limit int) ([]ToPublish, int, error) {
	var out []ToPublish
	if err := sqlx.SelectContext(ctx, s.db, &out, queryToPublish, limit); err != nil {
		return nil, 0, fmt.Errorf("cases: decisions to publish: %w", err)
	}
	var n int
	if err := sqlx.GetContext(ctx, s.db, &n, countToPublish); err != nil {
		return nil, 0, fmt.Errorf("cases: count decisions to publish: %w", err)
	}
	return out, n, nil
}

// Assigned is a case newly assigned to an officer (the assignment notice of the home page).
type Assigned struct {
	CaseID         int64     `db:"case_id"`
	RegistrationNo string    `db:"registration_no"`
	CaseNo         *string   `db:"case_no"`
	Lead           bool      `db:"lead"`
	AssignedAt     time.Time `db:"assigned_at"`
	AssignedBy     string    `db:"assigned_by"`
}

const queryNewlyAssigned = `SELECT c.id AS case_id, c.registration_no, c.case_no, x.lead, x.assigned_at, u.name AS assigned_by
FROM case_assignments x JOIN cases c ON c.id = x.case_id JOIN users u ON u.id = x.assigned_by
WHERE x.user_id = $1 AND x.removed_at IS NULL AND x.assigned_at > now() - interval '7 days'
	AND c.status IN ('accepted', 'suspended')
ORDER BY x.assigned_at DESC
LIMIT 20`

// NewlyAssigned lists the open cases assigned to the user in the last seven days, newest first.
func (s *Store) NewlyAssigned(ctx context.Context, userID int64) ([]Assigned, error) {
	var out []Assigned
	if err := sqlx.SelectContext(ctx, s.db, &out, queryNewlyAssigned, userID); err != nil {
		return nil, fmt.Errorf("cases: newly assigned: %w", err)
	}
	return out, nil
}

// homeStatements are the statements of this file (listed in Statements).
func homeStatements() []string {
	return []string{queryAwaitingApproval, queryToPublish, countToPublish, queryNewlyAssigned, countAwaitingApproval, countBlocked}
}

// CaseNumberReplacer writes the year brackets of a typed 案号 the way the organ numbers its cases
// (栖政复[2026]2号, 栖政复(2026)2号 → 栖政复〔2026〕2号).
var CaseNumberReplacer = strings.NewReplacer("[", "〔", "]", "〕", "［", "〔", "］", "〕", "(", "〔", ")", "〕", "（", "〔", "）", "〕", " ", "", "　", "")

// IDByNumber finds the case the user may see whose 案号 or 登记号 is no (brackets as typed are accepted);
// ErrNotFound otherwise.
func (s *Store) IDByNumber(ctx context.Context, u *auth.User, no string) (int64, error) {
	cond, args := visibility(u, 2)
	var id int64
	err := sqlx.GetContext(ctx, s.db, &id, `SELECT c.id FROM cases c WHERE (c.case_no = $1 OR c.registration_no = $1) AND `+cond+` LIMIT 1`,
		append([]any{CaseNumberReplacer.Replace(strings.TrimSpace(no))}, args...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("cases: case by number: %w", err)
	}
	return id, nil
}
