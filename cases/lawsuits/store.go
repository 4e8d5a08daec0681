package lawsuits

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"fuyi/cases"
	"fuyi/internal/apperr"
	"fuyi/internal/audit"
	"fuyi/internal/auth"
	"fuyi/internal/database"
	"fuyi/internal/date"
)

// Store reads and writes lawsuits; it works on a *sqlx.DB or a *sqlx.Tx alike.
type Store struct {
	db         sqlx.ExtContext
	sequential bool
}

func NewStore(db sqlx.ExtContext) *Store { return &Store{db: db} }

// Sequential returns a store whose Stats runs its statements one at a time, on one connection at a time:
// for a caller that bounds its own concurrent statements (the monthly report).
func (s *Store) Sequential() *Store { return &Store{db: s.db, sequential: true} }

const lawsuitColumns = `l.id, l.court, l.court_case_no, l.instance, l.previous_lawsuit_id, l.defendant_agency_id,
	coalesce(a.name, '') AS agency_name, l.reconsideration_organ_defendant, l.case_id, c.case_no, l.plaintiff, l.cause,
	l.complaint_received_on, l.head_required, l.head_required_reason, l.handler_id, l.answer_filed_on, l.outcome,
	l.judgment_kind, l.judged_on, l.served_on, l.lost, l.appeal_decision, l.appeal_decided_on, l.registered_by, l.version`

const lawsuitFrom = ` FROM lawsuits l LEFT JOIN agencies a ON a.id = l.defendant_agency_id LEFT JOIN cases c ON c.id = l.case_id`

// lawsuitVisibility: chief and bureau see all; an officer the lawsuits they registered or handle.
func lawsuitVisibility(u *auth.User, n int) (string, []any) {
	switch u.Role {
	case auth.RoleChief, auth.RoleBureau:
		return "true", nil
	case auth.RoleOfficer:
		return fmt.Sprintf("(l.registered_by = $%[1]d OR l.handler_id = $%[1]d)", n), []any{u.ID}
	}
	return "false", nil
}

const queryLawsuit = `SELECT ` + lawsuitColumns + lawsuitFrom + ` WHERE l.id = $1 AND `

// GetLawsuit loads a lawsuit the user may see (nil user: regardless).
func (s *Store) GetLawsuit(ctx context.Context, id int64, u *auth.User) (*Lawsuit, error) {
	cond, args := "true", []any(nil)
	if u != nil {
		cond, args = lawsuitVisibility(u, 2)
	}
	var l Lawsuit
	if err := sqlx.GetContext(ctx, s.db, &l, queryLawsuit+cond, append([]any{id}, args...)...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrLawsuitNotFound
		}
		return nil, fmt.Errorf("lawsuits: get %d: %w", id, err)
	}
	l.InstanceLabel = InstanceLabel(l.Instance)
	if l.Outcome != nil {
		o, _ := OutcomeOf(*l.Outcome)
		l.OutcomeLabel = o.Label
	}
	return &l, nil
}

const queryDeadlines = `SELECT id, kind, ref, due_on, basis, status, met_on FROM deadlines
WHERE lawsuit_id = $1 AND status <> 'cancelled' ORDER BY due_on NULLS LAST, id`

const querySessions = `SELECT id, held_on, head_appeared, head_name, head_title, head_rank, absence_reason,
	absence_note, explanation_filed, delegate_name, lawyer_name FROM court_sessions WHERE lawsuit_id = $1 ORDER BY held_on, id`

const querySuggestionList = `SELECT id, kind, received_on, reply_due_on, replied_on, content FROM suggestions WHERE lawsuit_id = $1 ORDER BY id`

// LawsuitView loads everything shown for a lawsuit.
func (s *Store) LawsuitView(ctx context.Context, id int64, u *auth.User, today date.Date) (*Lawsuit, error) {
	l, err := s.GetLawsuit(ctx, id, u)
	if err != nil {
		return nil, err
	}
	var ds []cases.Deadline
	if err := sqlx.SelectContext(ctx, s.db, &ds, queryDeadlines, id); err != nil {
		return nil, fmt.Errorf("lawsuits: deadlines: %w", err)
	}
	l.Deadlines = []cases.DeadlineView{}
	for _, d := range ds {
		v := d.View(today)
		v.Label = DeadlineLabel(d.Kind)
		l.Deadlines = append(l.Deadlines, v)
		switch d.Kind {
		case DeadlineAnswer:
			l.AnswerDueOn = d.DueOn
		case DeadlineAppeal:
			l.AppealDueOn, l.Appealable = d.DueOn, true
		}
	}
	l.Sessions = []CourtSession{}
	if err := sqlx.SelectContext(ctx, s.db, &l.Sessions, querySessions, id); err != nil {
		return nil, fmt.Errorf("lawsuits: sessions: %w", err)
	}
	info := &AppearanceInfo{Sessions: len(l.Sessions)}
	for _, cs := range l.Sessions {
		if cs.HeadAppeared {
			info.Appeared = true
			if cs.HeadRank != nil && *cs.HeadRank == "principal" {
				info.PrincipalAppeared = true
			}
		}
	}
	switch {
	case info.Sessions > 0 && !info.Appeared:
		info.Flag = "本审级尚无负责人出庭（行政诉讼法第3条第3款）"
	case l.HeadRequired && info.Sessions > 0 && !info.PrincipalAppeared:
		info.Flag = "本案属应当由负责人出庭的情形，当地要求主要负责人出庭"
	}
	l.Appearance = info
	l.Suggestions = []Suggestion{}
	if err := sqlx.SelectContext(ctx, s.db, &l.Suggestions, querySuggestionList, id); err != nil {
		return nil, fmt.Errorf("lawsuits: suggestions: %w", err)
	}
	if l.Events, err = audit.ForLawsuit(ctx, s.db, id); err != nil {
		return nil, err
	}
	return l, nil
}

// LawsuitListItem is a row of the lawsuit list.
type LawsuitListItem struct {
	ID          int64     `db:"id" json:"id"`
	CourtCaseNo string    `db:"court_case_no" json:"court_case_no"`
	Instance    string    `db:"instance" json:"instance"`
	Agency      string    `db:"agency_name" json:"defendant_agency"`
	Organ       bool      `db:"reconsideration_organ_defendant" json:"reconsideration_organ_defendant"`
	Plaintiff   string    `db:"plaintiff" json:"plaintiff"`
	Cause       string    `db:"cause" json:"cause"`
	Received    date.Date `db:"complaint_received_on" json:"complaint_received_on"`
	Outcome     *string   `db:"outcome" json:"outcome"`
	Lost        *bool     `db:"lost" json:"lost"`
	NextKind    *string   `db:"next_kind" json:"next_deadline_kind"`
	NextDue     date.Date `db:"next_due" json:"next_deadline_due_on"`
}

const countLawsuits = `SELECT count(*)` + lawsuitFrom + ` WHERE `

// listLawsuits is completed with the visibility condition, the limit and the offset.
const listLawsuits = `SELECT l.id, l.court_case_no, l.instance, coalesce(a.name, '') AS agency_name,
	l.reconsideration_organ_defendant, l.plaintiff, l.cause, l.complaint_received_on, l.outcome, l.lost, nd.kind AS next_kind, nd.due_on AS next_due
` + lawsuitFrom + ` LEFT JOIN LATERAL (SELECT d.kind, d.due_on FROM deadlines d WHERE d.lawsuit_id = l.id AND d.status = 'open' ORDER BY d.due_on LIMIT 1) nd ON true
WHERE %s ORDER BY l.id DESC LIMIT %d OFFSET %d`

// Lawsuits lists the lawsuits the user may see.
func (s *Store) Lawsuits(ctx context.Context, u *auth.User, q string, limit, offset int) ([]LawsuitListItem, int, error) {
	cond, args := lawsuitVisibility(u, 1)
	if q = strings.TrimSpace(q); q != "" {
		args = append(args, "%"+cases.LikeEscape(q)+"%")
		cond += fmt.Sprintf(" AND (l.court_case_no ILIKE $%[1]d OR l.plaintiff ILIKE $%[1]d OR l.cause ILIKE $%[1]d OR a.name ILIKE $%[1]d)", len(args))
	}
	var total int
	if err := sqlx.GetContext(ctx, s.db, &total, countLawsuits+cond, args...); err != nil {
		return nil, 0, fmt.Errorf("lawsuits: count: %w", err)
	}
	items := []LawsuitListItem{}
	if err := sqlx.SelectContext(ctx, s.db, &items, fmt.Sprintf(listLawsuits, cond, limit, offset), args...); err != nil {
		return nil, 0, fmt.Errorf("lawsuits: list: %w", err)
	}
	return items, total, nil
}

const lockLawsuit = `SELECT id FROM lawsuits WHERE id = $1 FOR UPDATE`

// lockLawsuit takes the row lock of a lawsuit for the rest of the transaction.
func (s *Store) lockLawsuit(ctx context.Context, id int64) error {
	var got int64
	if err := sqlx.GetContext(ctx, s.db, &got, lockLawsuit, id); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return ErrLawsuitNotFound
		}
		return fmt.Errorf("lawsuits: lock %d: %w", id, err)
	}
	return nil
}

const bumpLawsuitVersion = `UPDATE lawsuits SET version = version + 1 WHERE id = $1`

func (s *Store) bumpLawsuitVersion(ctx context.Context, id int64) error {
	if _, err := s.db.ExecContext(ctx, bumpLawsuitVersion, id); err != nil {
		return fmt.Errorf("lawsuits: version %d: %w", id, err)
	}
	return nil
}

const upsertDeadline = `INSERT INTO deadlines (lawsuit_id, kind, ref, due_on, basis, status, met_on)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (lawsuit_id, kind, ref) WHERE lawsuit_id IS NOT NULL DO UPDATE SET due_on = EXCLUDED.due_on,
	basis = EXCLUDED.basis, status = EXCLUDED.status, met_on = EXCLUDED.met_on, updated_at = now(),
	alerted = CASE WHEN deadlines.due_on IS DISTINCT FROM EXCLUDED.due_on THEN NULL ELSE deadlines.alerted END
WHERE (deadlines.due_on, deadlines.basis, deadlines.status, deadlines.met_on)
	IS DISTINCT FROM (EXCLUDED.due_on, EXCLUDED.basis, EXCLUDED.status, EXCLUDED.met_on)`

const cancelDeadlines = `UPDATE deadlines SET status = 'cancelled', due_on = coalesce(due_on, '1970-01-01'), met_on = NULL
WHERE lawsuit_id = $1 AND status <> 'cancelled' AND NOT ((kind || '/' || ref) = ANY($2))`

// SaveDeadlines replaces the derived deadlines of a lawsuit with ds; kinds no longer present are cancelled.
func (s *Store) SaveDeadlines(ctx context.Context, id int64, ds []cases.Deadline) error {
	keep := []string{}
	for _, d := range ds {
		if _, err := s.db.ExecContext(ctx, upsertDeadline, id, d.Kind, d.Ref, d.DueOn, d.Basis, d.Status, d.MetOn); err != nil {
			return fmt.Errorf("lawsuits: save deadline %s: %w", d.Kind, err)
		}
		keep = append(keep, d.Kind+"/"+d.Ref)
	}
	if _, err := s.db.ExecContext(ctx, cancelDeadlines, id, pq.Array(keep)); err != nil {
		return fmt.Errorf("lawsuits: cancel deadlines: %w", err)
	}
	return nil
}

// queryFacts loads what the lawsuit deadlines depend on, with the instance of the linked earlier lawsuit
// (a retrial's appeal depends on it: 行诉法解释第119条).
const queryFacts = `SELECT l.complaint_received_on, l.answer_filed_on, l.instance, coalesce(p.instance, '') AS previous_instance,
	l.outcome, l.served_on, l.appeal_decided_on FROM lawsuits l LEFT JOIN lawsuits p ON p.id = l.previous_lawsuit_id WHERE l.id = $1`

const querySuggestionFacts = `SELECT id, kind, received_on, reply_due_on, replied_on FROM suggestions WHERE lawsuit_id = $1 ORDER BY id`

// Facts loads what the deadlines of a lawsuit depend on.
func (s *Store) Facts(ctx context.Context, id int64) (LawsuitFacts, error) {
	var f LawsuitFacts
	var row struct {
		Received date.Date `db:"complaint_received_on"`
		Answer   date.Date `db:"answer_filed_on"`
		Instance string    `db:"instance"`
		Previous string    `db:"previous_instance"`
		Outcome  *string   `db:"outcome"`
		Served   date.Date `db:"served_on"`
		Appeal   date.Date `db:"appeal_decided_on"`
	}
	if err := sqlx.GetContext(ctx, s.db, &row, queryFacts, id); err != nil {
		return f, fmt.Errorf("lawsuits: facts %d: %w", id, err)
	}
	f.ComplaintReceivedOn, f.AnswerFiledOn, f.ServedOn, f.AppealDecidedOn = row.Received, row.Answer, row.Served, row.Appeal
	f.Instance, f.PreviousInstance = row.Instance, row.Previous
	if row.Outcome != nil {
		f.Outcome = *row.Outcome
	}
	if err := sqlx.SelectContext(ctx, s.db, &f.Suggestions, querySuggestionFacts, id); err != nil {
		return f, fmt.Errorf("lawsuits: suggestion facts %d: %w", id, err)
	}
	return f, nil
}

const queryAgencyExists = `SELECT EXISTS (SELECT 1 FROM agencies WHERE id = $1)`

// AgencyExists reports whether the agency is in the directory.
func (s *Store) AgencyExists(ctx context.Context, id int) (bool, error) {
	var ok bool
	if err := sqlx.GetContext(ctx, s.db, &ok, queryAgencyExists, id); err != nil {
		return false, fmt.Errorf("lawsuits: agency %d: %w", id, err)
	}
	return ok, nil
}

const queryHandlerValid = `SELECT EXISTS (SELECT 1 FROM users WHERE id = $1 AND active AND role IN ('officer', 'chief', 'bureau'))`

// HandlerValid reports whether a user may handle lawsuits (active staff of the organ or the bureau).
func (s *Store) HandlerValid(ctx context.Context, id int64) (bool, error) {
	var ok bool
	if err := sqlx.GetContext(ctx, s.db, &ok, queryHandlerValid, id); err != nil {
		return false, fmt.Errorf("lawsuits: handler %d: %w", id, err)
	}
	return ok, nil
}

const queryInstance = `SELECT instance FROM lawsuits WHERE id = $1`

// Instance returns the instance of a lawsuit, or ErrLawsuitNotFound.
func (s *Store) Instance(ctx context.Context, id int64) (string, error) {
	var inst string
	if err := sqlx.GetContext(ctx, s.db, &inst, queryInstance, id); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return "", ErrLawsuitNotFound
		}
		return "", fmt.Errorf("lawsuits: instance %d: %w", id, err)
	}
	return inst, nil
}

// NewLawsuit is a validated lawsuit to insert.
type NewLawsuit struct {
	Court, CourtCaseNo, Instance string
	PreviousID                   *int64
	AgencyID                     *int
	OrganDefendant               bool
	CaseID                       *int64
	Plaintiff, Cause             string
	ReceivedOn                   date.Date
	HeadRequired                 bool
	HeadRequiredReason           string
	HandlerID                    *int64
	RegisteredBy                 int64
}

const insertLawsuit = `INSERT INTO lawsuits (court, court_case_no, instance, previous_lawsuit_id, defendant_agency_id,
	reconsideration_organ_defendant, case_id, plaintiff, cause, complaint_received_on, head_required, head_required_reason, handler_id, registered_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`

// Insert stores a new lawsuit; a 案号 already registered answers 409.
func (s *Store) Insert(ctx context.Context, n NewLawsuit) (int64, error) {
	var id int64
	err := sqlx.GetContext(ctx, s.db, &id, insertLawsuit, n.Court, n.CourtCaseNo, n.Instance, n.PreviousID, n.AgencyID,
		n.OrganDefendant, n.CaseID, n.Plaintiff, n.Cause, n.ReceivedOn, n.HeadRequired, n.HeadRequiredReason, n.HandlerID, n.RegisteredBy)
	if name, _ := database.Constraint(err); name == "lawsuits_court_case_no_key" {
		// the same words whether the caller may see that lawsuit or not: nothing of it but the number typed
		return 0, apperr.State("lawsuit.duplicate", "案号%s已登记，不能重复登记；如在“行政应诉”中查不到该案件，请联系复议机构负责人", n.CourtCaseNo)
	}
	if err != nil {
		return 0, fmt.Errorf("lawsuits: insert: %w", err)
	}
	return id, nil
}

const updateAnswer = `UPDATE lawsuits SET answer_filed_on = $2 WHERE id = $1`

// SetAnswer records the filing of the 答辩状.
func (s *Store) SetAnswer(ctx context.Context, id int64, on date.Date) error {
	return s.exec(ctx, "answer", updateAnswer, id, on)
}

const updateJudgment = `UPDATE lawsuits SET outcome = $2, judgment_kind = $3, judged_on = $4, served_on = $5, lost = $6 WHERE id = $1`

// SetJudgment records how the instance ended.
func (s *Store) SetJudgment(ctx context.Context, id int64, o Outcome, judged, served date.Date, lost bool) error {
	return s.exec(ctx, "judgment", updateJudgment, id, o.Code, o.Kind, judged, served, lost)
}

const updateAppeal = `UPDATE lawsuits SET appeal_decision = $2, appeal_decided_on = $3 WHERE id = $1`

// SetAppealDecision records whether the agency appeals.
func (s *Store) SetAppealDecision(ctx context.Context, id int64, decision string, on date.Date) error {
	return s.exec(ctx, "appeal decision", updateAppeal, id, decision, on)
}

const querySuggestionReceived = `SELECT received_on FROM suggestions WHERE id = $1 AND lawsuit_id = $2`

// SuggestionReceived returns when a suggestion of the lawsuit was received, or ErrSuggestionNotFound.
func (s *Store) SuggestionReceived(ctx context.Context, lawsuitID, id int64) (date.Date, error) {
	var d date.Date
	if err := sqlx.GetContext(ctx, s.db, &d, querySuggestionReceived, id, lawsuitID); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return d, ErrSuggestionNotFound
		}
		return d, fmt.Errorf("lawsuits: suggestion %d: %w", id, err)
	}
	return d, nil
}

const updateSuggestionReply = `UPDATE suggestions SET replied_on = $2 WHERE id = $1`

// SetSuggestionReply records the written reply to a suggestion.
func (s *Store) SetSuggestionReply(ctx context.Context, id int64, on date.Date) error {
	return s.exec(ctx, "suggestion reply", updateSuggestionReply, id, on)
}

const insertSuggestion = `INSERT INTO suggestions (lawsuit_id, kind, received_on, reply_due_on, replied_on, content) VALUES ($1, $2, $3, $4, $5, $6)`

// AddSuggestion records a 司法建议 or 检察建议.
func (s *Store) AddSuggestion(ctx context.Context, lawsuitID int64, kind string, received, due, replied date.Date, content string) error {
	return s.exec(ctx, "add suggestion", insertSuggestion, lawsuitID, kind, received, due, replied, content)
}

const insertSession = `INSERT INTO court_sessions (lawsuit_id, held_on, head_appeared, head_name, head_title, head_rank, absence_reason,
	absence_note, explanation_filed, delegate_name, lawyer_name, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`

// AddSession records a court session with its 负责人出庭 record.
func (s *Store) AddSession(ctx context.Context, lawsuitID int64, held date.Date, in SessionInput, rank any, reason string, by int64) error {
	return s.exec(ctx, "add session", insertSession, lawsuitID, held, in.HeadAppeared, strings.TrimSpace(in.HeadName),
		strings.TrimSpace(in.HeadTitle), rank, reason, strings.TrimSpace(in.AbsenceNote), in.ExplanationFiled && !in.HeadAppeared,
		strings.TrimSpace(in.DelegateName), strings.TrimSpace(in.LawyerName), by)
}

const queryWaiting = `SELECT DISTINCT lawsuit_id FROM deadlines WHERE lawsuit_id IS NOT NULL
	AND (status = 'pending' OR (status = 'open' AND due_on >= current_date - 30))`

// Waiting lists the lawsuits with a deadline waiting for a calendar, or open in the last 30 days.
func (s *Store) Waiting(ctx context.Context) ([]int64, error) {
	var ids []int64
	if err := sqlx.SelectContext(ctx, s.db, &ids, queryWaiting); err != nil {
		return nil, fmt.Errorf("lawsuits: waiting: %w", err)
	}
	return ids, nil
}

func (s *Store) exec(ctx context.Context, what, q string, args ...any) error {
	if _, err := s.db.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("lawsuits: %s: %w", what, err)
	}
	return nil
}
