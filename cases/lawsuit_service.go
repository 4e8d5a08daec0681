package cases

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"fuyi/internal/apperr"
	"fuyi/internal/audit"
	"fuyi/internal/auth"
	"fuyi/internal/calendar"
	"fuyi/internal/database"
	"fuyi/internal/date"
	"fuyi/internal/ident"
)

// ErrLawsuitNotFound is the answer for a lawsuit that does not exist or is not visible.
var ErrLawsuitNotFound = apperr.New(apperr.NotFound, "lawsuit.not_found", "应诉案件不存在或您无权查看")

// Lawsuit is an administrative lawsuit against the government.
type Lawsuit struct {
	ID                  int64           `db:"id" json:"id"`
	Court               string          `db:"court" json:"court"`
	CourtCaseNo         string          `db:"court_case_no" json:"court_case_no"`
	Instance            string          `db:"instance" json:"instance"`
	InstanceLabel       string          `db:"-" json:"instance_label"`
	PreviousLawsuitID   *int64          `db:"previous_lawsuit_id" json:"previous_lawsuit_id"`
	DefendantAgencyID   *int            `db:"defendant_agency_id" json:"defendant_agency_id"`
	DefendantAgency     string          `db:"agency_name" json:"defendant_agency"`
	OrganDefendant      bool            `db:"reconsideration_organ_defendant" json:"reconsideration_organ_defendant"`
	CaseID              *int64          `db:"case_id" json:"case_id"`
	CaseNo              *string         `db:"case_no" json:"case_no"`
	Plaintiff           string          `db:"plaintiff" json:"plaintiff"`
	Cause               string          `db:"cause" json:"cause"`
	ComplaintReceivedOn date.Date       `db:"complaint_received_on" json:"complaint_received_on"`
	HeadRequired        bool            `db:"head_required" json:"head_required"`
	HeadRequiredReason  string          `db:"head_required_reason" json:"head_required_reason,omitempty"`
	HandlerID           *int64          `db:"handler_id" json:"handler_id"`
	AnswerFiledOn       date.Date       `db:"answer_filed_on" json:"answer_filed_on"`
	Outcome             *string         `db:"outcome" json:"outcome"`
	OutcomeLabel        string          `db:"-" json:"outcome_label,omitempty"`
	JudgmentKind        *string         `db:"judgment_kind" json:"kind"`
	JudgedOn            date.Date       `db:"judged_on" json:"judged_on"`
	ServedOn            date.Date       `db:"served_on" json:"served_on"`
	Lost                *bool           `db:"lost" json:"lost"`
	AppealDecision      *string         `db:"appeal_decision" json:"appeal_decision"`
	AppealDecidedOn     date.Date       `db:"appeal_decided_on" json:"appeal_decided_on"`
	RegisteredBy        int64           `db:"registered_by" json:"-"`
	Version             int             `db:"version" json:"version"`
	AnswerDueOn         date.Date       `db:"-" json:"answer_due_on"`
	AppealDueOn         date.Date       `db:"-" json:"appeal_due_on"`
	Appealable          bool            `db:"-" json:"appealable"` // served and open to appeal (AppealPeriod)
	Deadlines           []DeadlineView  `db:"-" json:"deadlines"`
	Sessions            []CourtSession  `db:"-" json:"sessions"`
	Suggestions         []Suggestion    `db:"-" json:"suggestions"`
	Events              []audit.Event   `db:"-" json:"events"`
	Appearance          *AppearanceInfo `db:"-" json:"appearance"`
}

// CourtSession is one 开庭 with the 负责人出庭 record.
type CourtSession struct {
	ID               int64     `db:"id" json:"id"`
	HeldOn           date.Date `db:"held_on" json:"held_on"`
	HeadAppeared     bool      `db:"head_appeared" json:"head_appeared"`
	HeadName         string    `db:"head_name" json:"head_name,omitempty"`
	HeadTitle        string    `db:"head_title" json:"head_title,omitempty"`
	HeadRank         *string   `db:"head_rank" json:"head_rank"`
	AbsenceReason    string    `db:"absence_reason" json:"absence_reason,omitempty"`
	AbsenceNote      string    `db:"absence_note" json:"absence_note,omitempty"`
	ExplanationFiled bool      `db:"explanation_filed" json:"explanation_filed"`
	DelegateName     string    `db:"delegate_name" json:"delegate_name,omitempty"`
	LawyerName       string    `db:"lawyer_name" json:"lawyer_name,omitempty"`
}

// Suggestion is a 司法建议 or 检察建议.
type Suggestion struct {
	ID         int64     `db:"id" json:"id"`
	Kind       string    `db:"kind" json:"kind"`
	ReceivedOn date.Date `db:"received_on" json:"received_on"`
	ReplyDueOn date.Date `db:"reply_due_on" json:"reply_due_on"`
	RepliedOn  date.Date `db:"replied_on" json:"replied_on"`
	Content    string    `db:"content" json:"content,omitempty"`
}

// AppearanceInfo summarises 负责人出庭 for the instance: one appearance per 审级 suffices (出庭规定第7条).
type AppearanceInfo struct {
	Sessions          int    `json:"sessions"`
	Appeared          bool   `json:"appeared"`
	PrincipalAppeared bool   `json:"principal_appeared"`
	Flag              string `json:"flag,omitempty"`
}

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

// GetLawsuit loads a lawsuit the user may see (nil user: regardless).
func (s *Store) GetLawsuit(ctx context.Context, id int64, u *auth.User) (*Lawsuit, error) {
	cond, args := "true", []any(nil)
	if u != nil {
		cond, args = lawsuitVisibility(u, 2)
	}
	var l Lawsuit
	if err := sqlx.GetContext(ctx, s.db, &l, `SELECT `+lawsuitColumns+lawsuitFrom+` WHERE l.id = $1 AND `+cond, append([]any{id}, args...)...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrLawsuitNotFound
		}
		return nil, fmt.Errorf("cases: lawsuit %d: %w", id, err)
	}
	l.InstanceLabel = InstanceLabel(l.Instance)
	if l.Outcome != nil {
		o, _ := OutcomeOf(*l.Outcome)
		l.OutcomeLabel = o.Label
	}
	return &l, nil
}

// LawsuitView loads everything shown for a lawsuit.
func (s *Store) LawsuitView(ctx context.Context, id int64, u *auth.User, today date.Date) (*Lawsuit, error) {
	l, err := s.GetLawsuit(ctx, id, u)
	if err != nil {
		return nil, err
	}
	var ds []Deadline
	if err := sqlx.SelectContext(ctx, s.db, &ds, `SELECT id, kind, ref, due_on, basis, status, met_on FROM deadlines
		WHERE lawsuit_id = $1 AND status <> 'cancelled' ORDER BY due_on NULLS LAST, id`, id); err != nil {
		return nil, err
	}
	l.Deadlines = []DeadlineView{}
	for _, d := range ds {
		l.Deadlines = append(l.Deadlines, d.View(today))
		switch d.Kind {
		case DeadlineAnswer:
			l.AnswerDueOn = d.DueOn
		case DeadlineAppeal:
			l.AppealDueOn, l.Appealable = d.DueOn, true
		}
	}
	l.Sessions = []CourtSession{}
	if err := sqlx.SelectContext(ctx, s.db, &l.Sessions, `SELECT id, held_on, head_appeared, head_name, head_title, head_rank, absence_reason,
		absence_note, explanation_filed, delegate_name, lawyer_name FROM court_sessions WHERE lawsuit_id = $1 ORDER BY held_on, id`, id); err != nil {
		return nil, err
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
	if err := sqlx.SelectContext(ctx, s.db, &l.Suggestions, `SELECT id, kind, received_on, reply_due_on, replied_on, content FROM suggestions WHERE lawsuit_id = $1 ORDER BY id`, id); err != nil {
		return nil, err
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

// Lawsuits lists the lawsuits the user may see.
func (s *Store) Lawsuits(ctx context.Context, u *auth.User, q string, limit, offset int) ([]LawsuitListItem, int, error) {
	cond, args := lawsuitVisibility(u, 1)
	if q = strings.TrimSpace(q); q != "" {
		args = append(args, "%"+likeEscape(q)+"%")
		cond += fmt.Sprintf(" AND (l.court_case_no ILIKE $%[1]d OR l.plaintiff ILIKE $%[1]d OR l.cause ILIKE $%[1]d OR a.name ILIKE $%[1]d)", len(args))
	}
	var total int
	if err := sqlx.GetContext(ctx, s.db, &total, `SELECT count(*)`+lawsuitFrom+` WHERE `+cond, args...); err != nil {
		return nil, 0, err
	}
	items := []LawsuitListItem{}
	err := sqlx.SelectContext(ctx, s.db, &items, fmt.Sprintf(`SELECT l.id, l.court_case_no, l.instance, coalesce(a.name, '') AS agency_name,
		l.reconsideration_organ_defendant, l.plaintiff, l.cause, l.complaint_received_on, l.outcome, l.lost, nd.kind AS next_kind, nd.due_on AS next_due
		%s LEFT JOIN LATERAL (SELECT d.kind, d.due_on FROM deadlines d WHERE d.lawsuit_id = l.id AND d.status = 'open' ORDER BY d.due_on LIMIT 1) nd ON true
		WHERE %s ORDER BY l.id DESC LIMIT %d OFFSET %d`, lawsuitFrom, cond, limit, offset), args...)
	return items, total, err
}

const upsertLawsuitDeadline = `INSERT INTO deadlines (lawsuit_id, kind, ref, due_on, basis, status, met_on)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (lawsuit_id, kind, ref) WHERE lawsuit_id IS NOT NULL DO UPDATE SET due_on = EXCLUDED.due_on,
	basis = EXCLUDED.basis, status = EXCLUDED.status, met_on = EXCLUDED.met_on, updated_at = now(),
	alerted = CASE WHEN deadlines.due_on IS DISTINCT FROM EXCLUDED.due_on THEN NULL ELSE deadlines.alerted END
WHERE (deadlines.due_on, deadlines.basis, deadlines.status, deadlines.met_on)
	IS DISTINCT FROM (EXCLUDED.due_on, EXCLUDED.basis, EXCLUDED.status, EXCLUDED.met_on)`

// queryLawsuitFacts loads what the lawsuit deadlines depend on, with the instance of the linked earlier lawsuit
// (a retrial's appeal depends on it: 行诉法解释第119条).
const queryLawsuitFacts = `SELECT l.complaint_received_on, l.answer_filed_on, l.instance, coalesce(p.instance, '') AS previous_instance,
	l.outcome, l.served_on, l.appeal_decided_on FROM lawsuits l LEFT JOIN lawsuits p ON p.id = l.previous_lawsuit_id WHERE l.id = $1`

func (s *Service) recomputeLawsuit(ctx context.Context, tx sqlx.ExtContext, cal *calendar.Calendar, id int64) (map[string]string, error) {
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
	if err := sqlx.GetContext(ctx, tx, &row, queryLawsuitFacts, id); err != nil {
		return nil, err
	}
	f.ComplaintReceivedOn, f.AnswerFiledOn, f.ServedOn, f.AppealDecidedOn = row.Received, row.Answer, row.Served, row.Appeal
	f.Instance, f.PreviousInstance = row.Instance, row.Previous
	if row.Outcome != nil {
		f.Outcome = *row.Outcome
	}
	if err := sqlx.SelectContext(ctx, tx, &f.Suggestions, `SELECT id, kind, received_on, reply_due_on, replied_on FROM suggestions WHERE lawsuit_id = $1 ORDER BY id`, id); err != nil {
		return nil, err
	}
	ds, err := ComputeLawsuit(cal, f)
	if err != nil {
		return nil, err
	}
	keep := []string{}
	for _, d := range ds {
		if _, err := tx.ExecContext(ctx, upsertLawsuitDeadline, id, d.Kind, d.Ref, d.DueOn, d.Basis, d.Status, d.MetOn); err != nil {
			return nil, err
		}
		keep = append(keep, d.Kind+"/"+d.Ref)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE deadlines SET status = 'cancelled', due_on = coalesce(due_on, '1970-01-01'), met_on = NULL
		WHERE lawsuit_id = $1 AND status <> 'cancelled' AND NOT ((kind || '/' || ref) = ANY($2))`, id, pq.Array(keep)); err != nil {
		return nil, err
	}
	return dueMap(ds), nil
}

// LawsuitInput is the body of POST /lawsuits.
type LawsuitInput struct {
	Court                         string `json:"court"`
	CourtCaseNo                   string `json:"court_case_no"`
	Instance                      string `json:"instance"`
	PreviousLawsuitID             int64  `json:"previous_lawsuit_id"`
	DefendantAgencyID             int    `json:"defendant_agency_id"`
	ReconsiderationOrganDefendant *bool  `json:"reconsideration_organ_defendant"`
	CaseID                        int64  `json:"case_id"`
	Plaintiff                     string `json:"plaintiff"`
	Cause                         string `json:"cause"`
	ComplaintReceivedOn           string `json:"complaint_received_on"`
	HeadRequired                  bool   `json:"head_required"`
	HeadRequiredReason            string `json:"head_required_reason"`
	HandlerID                     int64  `json:"handler_id"`
}

// RegisterLawsuit records a lawsuit and computes its 答辩 deadline. When linked to a 复议 case, who is
// defendant is suggested by SuggestDefendants unless the caller says otherwise.
func (s *Service) RegisterLawsuit(ctx context.Context, u *auth.User, in LawsuitInput) (int64, error) {
	f := apperr.Fields{}
	today := s.Today()
	court := requireText(f, "court", "受理法院", in.Court, 100)
	no, ok := ident.ParseCourtCaseNo(in.CourtCaseNo)
	if !ok {
		f.Add("court_case_no", "案号格式不正确，应如（2025）苏0113行初123号：年份、法院代字、类型代字（行初/行终/行申等）、序号，序号不带前导零")
	}
	if InstanceLabel(in.Instance) == "" {
		f.Add("instance", "审级须为 first（一审）、second（二审）或 retrial（再审）")
	} else if ok && no.Instance() != "" && no.Instance() != in.Instance {
		f.Add("instance", "审级与案号类型“%s”不一致（应为%s）", no.Type, InstanceLabel(no.Instance()))
	}
	if in.Instance != "first" && in.Instance != "" && in.PreviousLawsuitID == 0 {
		// allowed: the earlier instance may not be in the system; linked when it is
	}
	plaintiff := requireText(f, "plaintiff", "原告", in.Plaintiff, 200)
	cause := requireText(f, "cause", "案由", in.Cause, 500)
	received := checkDate(f, "complaint_received_on", "收到起诉状副本日期", in.ComplaintReceivedOn, true, today)
	if in.HeadRequired {
		apperr.EnumOf("负责人应当出庭的情形（出庭规定第4条）", HeadRequiredReasons).Add(f, "head_required_reason", in.HeadRequiredReason)
	}
	if err := f.Err(); err != nil {
		return 0, err
	}
	var id int64
	cal, err := s.Calendar.Get(ctx)
	if err != nil {
		return 0, err
	}
	err = database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
		organ := false
		var agency *int
		note := ""
		if in.CaseID > 0 {
			c, err := NewStore(tx).GetVisible(ctx, in.CaseID, u)
			if err != nil {
				return fieldError("lawsuit.case_unknown", "case_id", "关联的行政复议案件不存在或您无权查看")
			}
			var typ string
			tx.GetContext(ctx, &typ, `SELECT type FROM decisions WHERE case_id = $1 AND status = 'approved'`, c.ID)
			sug := SuggestDefendants(typ)
			organ, note = sug.Organ, sug.Note
			if sug.Agency {
				a := c.AgencyID
				agency = &a
			}
		}
		if in.ReconsiderationOrganDefendant != nil {
			organ = *in.ReconsiderationOrganDefendant
		}
		if in.DefendantAgencyID > 0 {
			var ok bool
			tx.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM agencies WHERE id = $1)`, in.DefendantAgencyID)
			if !ok {
				return fieldError("lawsuit.agency_unknown", "defendant_agency_id", "被告行政机关不在目录中")
			}
			a := in.DefendantAgencyID
			agency = &a
		}
		if agency == nil && !organ {
			return fieldError("lawsuit.no_defendant", "defendant_agency_id", "请选择被告行政机关，或说明复议机关为被告")
		}
		var prev any
		if in.PreviousLawsuitID > 0 {
			var pInst string
			if err := tx.GetContext(ctx, &pInst, `SELECT instance FROM lawsuits WHERE id = $1`, in.PreviousLawsuitID); err != nil {
				return fieldError("lawsuit.previous_unknown", "previous_lawsuit_id", "关联的前一审级案件不存在")
			}
			if in.Instance == "first" {
				return fieldError("lawsuit.previous_first", "previous_lawsuit_id", "一审案件不关联前一审级")
			}
			prev = in.PreviousLawsuitID
		}
		var handler any
		if in.HandlerID > 0 {
			var ok bool
			tx.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM users WHERE id = $1 AND active AND role IN ('officer', 'chief', 'bureau'))`, in.HandlerID)
			if !ok {
				return fieldError("lawsuit.handler_unknown", "handler_id", "承办人须为在职工作人员")
			}
			handler = in.HandlerID
		}
		var caseID any
		if in.CaseID > 0 {
			caseID = in.CaseID
		}
		err := tx.GetContext(ctx, &id, `INSERT INTO lawsuits (court, court_case_no, instance, previous_lawsuit_id, defendant_agency_id,
			reconsideration_organ_defendant, case_id, plaintiff, cause, complaint_received_on, head_required, head_required_reason, handler_id, registered_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
			court, no.String(), in.Instance, prev, agency, organ, caseID, plaintiff, cause, received, in.HeadRequired,
			in.HeadRequiredReason, handler, u.ID)
		if name, _ := database.Constraint(err); name == "lawsuits_court_case_no_key" {
			return apperr.State("lawsuit.duplicate", "案号%s已登记", no.String())
		}
		if err != nil {
			return err
		}
		due, err := s.recomputeLawsuit(ctx, tx, cal, id)
		if err != nil {
			return err
		}
		summary := fmt.Sprintf("登记应诉案件%s（%s，%s）", no.String(), court, InstanceLabel(in.Instance))
		if note != "" {
			summary += "；被告建议：" + note
		}
		return audit.RecordLawsuit(ctx, tx, id, u.ID, "lawsuit.registered", summary, nil, map[string]any{"deadlines": due, "organ_defendant": organ})
	})
	return id, err
}

// ChangeLawsuit runs fn on a locked lawsuit, recomputes its deadlines and records the event.
func (s *Service) ChangeLawsuit(ctx context.Context, u *auth.User, id int64, version int, fn func(tx *sqlx.Tx, l *Lawsuit) (string, string, map[string]any, error)) error {
	cal, err := s.Calendar.Get(ctx)
	if err != nil {
		return err
	}
	return database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `SELECT 1 FROM lawsuits WHERE id = $1 FOR UPDATE`, id); err != nil {
			return err
		}
		l, err := NewStore(tx).GetLawsuit(ctx, id, u)
		if err != nil {
			return err
		}
		if version > 0 && version != l.Version {
			return apperr.Stale
		}
		action, summary, new, err := fn(tx, l)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE lawsuits SET version = version + 1 WHERE id = $1`, id); err != nil {
			return err
		}
		due, err := s.recomputeLawsuit(ctx, tx, cal, id)
		if err != nil {
			return err
		}
		if new == nil {
			new = map[string]any{}
		}
		new["deadlines"] = due
		return audit.RecordLawsuit(ctx, tx, id, u.ID, action, summary, nil, new)
	})
}

// AnswerFiled records the 答辩状 filing.
func (s *Service) AnswerFiled(ctx context.Context, u *auth.User, id int64, on string, version int) error {
	f := apperr.Fields{}
	d := checkDate(f, "filed_on", "提交答辩状日期", on, true, s.Today())
	if err := f.Err(); err != nil {
		return err
	}
	return s.ChangeLawsuit(ctx, u, id, version, func(tx *sqlx.Tx, l *Lawsuit) (string, string, map[string]any, error) {
		if d.Before(l.ComplaintReceivedOn) {
			return "", "", nil, fieldError("lawsuit.answer_before_complaint", "filed_on", "答辩日期不能早于收到起诉状副本日期")
		}
		_, err := tx.ExecContext(ctx, `UPDATE lawsuits SET answer_filed_on = $2 WHERE id = $1`, id, d)
		return "lawsuit.answered", fmt.Sprintf("%s提交答辩状及证据", d), nil, err
	})
}

// JudgmentInput is the body of POST /lawsuits/{id}/judgment.
type JudgmentInput struct {
	Outcome  string `json:"outcome"`
	JudgedOn string `json:"judged_on"`
	ServedOn string `json:"served_on"`
	Kind     string `json:"kind"`
	Version  int    `json:"version"`
}

// RecordJudgment records how the instance ended; 败诉 follows from the outcome (Lost) and the appeal period,
// if any, from the instance, the outcome and the service date (AppealPeriod).
func (s *Service) RecordJudgment(ctx context.Context, u *auth.User, id int64, in JudgmentInput) error {
	f := apperr.Fields{}
	o, ok := OutcomeOf(in.Outcome)
	if !ok {
		f.Add("outcome", "裁判结果须为 dismiss_claims、revoke、perform、pay、confirm_illegal、confirm_invalid、change、agreement_liability、compensation、dismiss_suit、withdrawn、mediated 之一")
	}
	judged := checkDate(f, "judged_on", "裁判日期", in.JudgedOn, true, s.Today())
	served := checkDate(f, "served_on", "送达日期", in.ServedOn, false, s.Today())
	if in.Kind == "" {
		in.Kind = o.Kind
	}
	if ok && in.Kind != o.Kind {
		f.Add("kind", "“%s”应为%s", o.Label, map[string]string{"judgment": "判决（judgment）", "ruling": "裁定（ruling）", "mediation": "调解（mediation）"}[o.Kind])
	}
	if !served.IsZero() && !judged.IsZero() && served.Before(judged) {
		f.Add("served_on", "送达日期不能早于裁判日期")
	}
	if err := f.Err(); err != nil {
		return err
	}
	return s.ChangeLawsuit(ctx, u, id, in.Version, func(tx *sqlx.Tx, l *Lawsuit) (string, string, map[string]any, error) {
		if l.Outcome != nil {
			return "", "", nil, apperr.State("lawsuit.judged", "本审级已于%s结案", l.JudgedOn)
		}
		if judged.Before(l.ComplaintReceivedOn) {
			return "", "", nil, fieldError("lawsuit.judged_before_complaint", "judged_on", "裁判日期不能早于收到起诉状日期")
		}
		lost := Lost(o.Code)
		_, err := tx.ExecContext(ctx, `UPDATE lawsuits SET outcome = $2, judgment_kind = $3, judged_on = $4, served_on = $5, lost = $6 WHERE id = $1`,
			id, o.Code, o.Kind, judged, served, lost)
		verdict := "未败诉"
		if lost {
			verdict = "败诉"
		}
		return "lawsuit.judged", fmt.Sprintf("%s：%s（%s，%s）", judged, o.Label, o.Basis, verdict), map[string]any{"outcome": o.Code, "lost": lost}, err
	})
}

// RecordAppealDecision records whether the agency appeals.
func (s *Service) RecordAppealDecision(ctx context.Context, u *auth.User, id int64, decision, on string, version int) error {
	f := apperr.Fields{}
	d := checkDate(f, "on", "决定日期", on, true, s.Today())
	if decision != "appeal" && decision != "no_appeal" {
		f.Add("decision", "须为 appeal（上诉）或 no_appeal（不上诉）")
	}
	if err := f.Err(); err != nil {
		return err
	}
	return s.ChangeLawsuit(ctx, u, id, version, func(tx *sqlx.Tx, l *Lawsuit) (string, string, map[string]any, error) {
		if l.ServedOn.IsZero() || l.Outcome == nil {
			return "", "", nil, apperr.State("lawsuit.no_appealable", "尚无已送达的判决或裁定")
		}
		var previous string
		if l.PreviousLawsuitID != nil {
			if err := tx.GetContext(ctx, &previous, `SELECT instance FROM lawsuits WHERE id = $1`, *l.PreviousLawsuitID); err != nil {
				return "", "", nil, err
			}
		}
		if ap := AppealPeriod(l.Instance, previous, *l.Outcome); ap.Days == 0 {
			return "", "", nil, apperr.State("lawsuit.not_appealable", "%s", ap.Basis)
		}
		_, err := tx.ExecContext(ctx, `UPDATE lawsuits SET appeal_decision = $2, appeal_decided_on = $3 WHERE id = $1`, id, decision, d)
		label := map[string]string{"appeal": "决定上诉", "no_appeal": "决定不上诉"}[decision]
		return "lawsuit.appeal_decision", fmt.Sprintf("%s%s", d, label), nil, err
	})
}

// SuggestionInput is the body of POST /lawsuits/{id}/suggestions.
type SuggestionInput struct {
	Kind       string `json:"kind"`
	ReceivedOn string `json:"received_on"`
	ReplyDueOn string `json:"reply_due_on"`
	RepliedOn  string `json:"replied_on"`
	Content    string `json:"content"`
	ID         int64  `json:"id"` // when set, records the reply of an existing suggestion
	Version    int    `json:"version"`
}

// SuggestionReplyDays is the [H] default reply period when the 建议 names none (检察建议: 两个月,
// 人民检察院检察建议工作规定第19条; used for 司法建议 too).
const SuggestionReplyDays = 60

// RecordSuggestion records a 司法建议 or 检察建议, or the reply to one (办复率).
func (s *Service) RecordSuggestion(ctx context.Context, u *auth.User, id int64, in SuggestionInput) error {
	f := apperr.Fields{}
	today := s.Today()
	replied := checkDate(f, "replied_on", "回复日期", in.RepliedOn, in.ID > 0, today)
	var received, due date.Date
	if in.ID == 0 {
		if in.Kind != "judicial" && in.Kind != "procuratorial" {
			f.Add("kind", "须为 judicial（司法建议）或 procuratorial（检察建议）")
		}
		received = checkDate(f, "received_on", "收到日期", in.ReceivedOn, true, today)
		due = checkDateAny(f, "reply_due_on", "回复期限", in.ReplyDueOn)
		if due.IsZero() && !received.IsZero() {
			due = received.AddDays(SuggestionReplyDays)
		}
		if !due.IsZero() && !received.IsZero() && due.Before(received) {
			f.Add("reply_due_on", "回复期限不能早于收到日期")
		}
		if !replied.IsZero() && !received.IsZero() && replied.Before(received) {
			f.Add("replied_on", "回复日期不能早于收到日期")
		}
		if utf8.RuneCountInString(in.Content) > 20000 {
			f.Add("content", "内容不超过20000字")
		}
	}
	if err := f.Err(); err != nil {
		return err
	}
	return s.ChangeLawsuit(ctx, u, id, in.Version, func(tx *sqlx.Tx, l *Lawsuit) (string, string, map[string]any, error) {
		if in.ID > 0 {
			var rec date.Date
			if err := tx.GetContext(ctx, &rec, `SELECT received_on FROM suggestions WHERE id = $1 AND lawsuit_id = $2`, in.ID, id); err != nil {
				return "", "", nil, apperr.New(apperr.NotFound, "suggestion.not_found", "建议不存在")
			}
			if replied.Before(rec) {
				return "", "", nil, fieldError("suggestion.reply_before_receipt", "replied_on", "回复日期不能早于收到日期")
			}
			_, err := tx.ExecContext(ctx, `UPDATE suggestions SET replied_on = $2 WHERE id = $1`, in.ID, replied)
			return "lawsuit.suggestion_replied", fmt.Sprintf("%s书面回复建议", replied), nil, err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO suggestions (lawsuit_id, kind, received_on, reply_due_on, replied_on, content) VALUES ($1, $2, $3, $4, $5, $6)`,
			id, in.Kind, received, due, replied, strings.TrimSpace(in.Content))
		label := map[string]string{"judicial": "司法建议", "procuratorial": "检察建议"}[in.Kind]
		return "lawsuit.suggestion", fmt.Sprintf("%s收到%s，回复期限%s", received, label, due), nil, err
	})
}
