package supervision

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"fuyi/cases"
	"fuyi/internal/apperr"
	"fuyi/internal/audit"
	"fuyi/internal/auth"
	"fuyi/internal/database"
	"fuyi/internal/date"
	"fuyi/internal/pdf"
)

// Anonymiser redacts a text written about a case by the rules of its published decision (the publication
// feature's); u must see the case.
type Anonymiser func(ctx context.Context, u *auth.User, caseID int64, text string) (string, error)

var ErrTypicalNotFound = apperr.New(apperr.NotFound, "typical.not_found", "该案件未标记为典型案例")

// TypicalCase is a case marked as typical (典型案例).
type TypicalCase struct {
	CaseID       int64     `db:"case_id" json:"case_id"`
	CaseNo       string    `db:"case_no" json:"case_no"`
	AgencyName   string    `db:"agency_name" json:"agency_name"`
	DecisionType string    `db:"decision_type" json:"decision_type"`
	Title        string    `db:"title" json:"title"`
	Summary      string    `db:"summary" json:"summary,omitempty"`
	PublicText   string    `db:"public_text" json:"public_text"`
	Reason       string    `db:"reason" json:"reason,omitempty"`
	Year         int       `db:"year" json:"year"`
	MarkedAt     time.Time `db:"marked_at" json:"marked_at"`
}

// DecisionLabel names how the case ended.
func (t TypicalCase) DecisionLabel() string {
	d, _ := cases.DecisionTypeOf(t.DecisionType)
	return d.Label
}

// PublicTitle is the title as published (anonymised with the summary).
func (t TypicalCase) PublicTitle() string {
	title, _, _ := strings.Cut(t.PublicText, "\n")
	return title
}

// PublicBody is the summary as published.
func (t TypicalCase) PublicBody() []string {
	_, body, _ := strings.Cut(t.PublicText, "\n")
	return strings.Split(body, "\n")
}

// TypicalInput is the body of POST /api/v1/typical-cases (case_id or case_no names the case).
type TypicalInput struct {
	CaseID  int64  `json:"case_id"`
	CaseNo  string `json:"case_no"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
	Reason  string `json:"reason"`
}

// TypicalMarkable is the rule of marking: only a concluded case (决定 approved or 终止, and the document
// served, i.e. in effect: 复议法第75条) may be a 典型案例 — a pending case is not an example of anything yet.
func TypicalMarkable(status string, served date.Date) bool {
	return (status == string(cases.StatusDecided) || status == string(cases.StatusTerminated)) && !served.IsZero()
}

// MarkTypical marks a concluded case as typical with a summary written for publication, anonymised at once.
func (s *Service) MarkTypical(ctx context.Context, u *auth.User, in TypicalInput) (*TypicalCase, error) {
	f := apperr.Fields{}
	title := text(f, "title", "典型案例标题", in.Title, true, 100)
	summary := text(f, "summary", "案例摘要（供公开）", in.Summary, true, 20000)
	reason := text(f, "reason", "列为典型案例的理由", in.Reason, true, 2000)
	in.CaseNo = strings.TrimSpace(in.CaseNo)
	if in.CaseID <= 0 && in.CaseNo == "" {
		f.Add("case_no", "请填写案号")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	st := NewStore(s.DB)
	if in.CaseID <= 0 {
		id, err := st.CaseByNo(ctx, in.CaseNo)
		if err != nil {
			return nil, err
		}
		in.CaseID = id
	}
	// anonymised before the transaction (the publication reads with the pool): title and summary together
	public, err := s.Anonymise(ctx, u, in.CaseID, title+"\n"+summary)
	if err != nil {
		return nil, err
	}
	err = database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
		st := NewStore(tx)
		c, err := st.LockConclusion(ctx, in.CaseID)
		if err != nil {
			return err
		}
		if !TypicalMarkable(c.Status, c.Served) {
			return apperr.State("typical.not_concluded", "只有已审结且决定书已送达生效的案件才能列为典型案例")
		}
		if err := st.InsertTypical(ctx, in.CaseID, title, summary, public, reason, c.Served.Year(), u.ID); err != nil {
			if name, _ := database.Constraint(err); name == "typical_cases_pkey" {
				return apperr.State("typical.exists", "该案件已列为典型案例")
			}
			return err
		}
		return audit.Record(ctx, tx, in.CaseID, u.ID, "typical.marked", "列为典型案例：《"+title+"》，理由："+reason, nil,
			map[string]any{"title": title, "reason": reason})
	})
	if err != nil {
		return nil, err
	}
	t, err := st.Typical(ctx, in.CaseID)
	return &t, err
}

// UnmarkTypical removes the mark, with the reason in the audit trail.
func (s *Service) UnmarkTypical(ctx context.Context, u *auth.User, caseID int64, reason string) error {
	f := apperr.Fields{}
	reason = text(f, "reason", "取消典型案例的理由", reason, true, 2000)
	if err := f.Err(); err != nil {
		return err
	}
	return database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
		st := NewStore(tx)
		t, err := st.Typical(ctx, caseID)
		if err != nil {
			return err
		}
		if err := st.DeleteTypical(ctx, caseID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, caseID, u.ID, "typical.unmarked", "取消典型案例《"+t.Title+"》，理由："+reason,
			map[string]any{"title": t.Title}, map[string]any{"reason": reason})
	})
}

// TypicalCases lists the typical cases of a year (0: all), newest first.
func (s *Service) TypicalCases(ctx context.Context, year int) ([]TypicalCase, error) {
	return NewStore(s.DB).TypicalCases(ctx, year)
}

// TypicalReport renders the periodic report (kind "report": 报告 to the government) or the 通报 to the
// departments and streets (kind "bulletin") of a year's typical cases, from their anonymised texts.
func (s *Service) TypicalReport(ctx context.Context, year int, kind string) (string, []byte, error) {
	ts, err := s.TypicalCases(ctx, year)
	if err != nil {
		return "", nil, err
	}
	o, err := loadOrgan(ctx, s.DB)
	if err != nil {
		return "", nil, err
	}
	var b strings.Builder
	title := fmt.Sprintf("关于%d年度行政复议典型案例的报告", year)
	addressee := strings.TrimSuffix(o.Name, "人民政府") + "人民政府"
	if kind == "bulletin" {
		title = fmt.Sprintf("关于%d年度行政复议典型案例的通报", year)
		addressee = "各镇人民政府、街道办事处，区政府各部门"
	}
	fmt.Fprintf(&b, "@title %s\n@title %s\n@plain %s：\n", pdf.Text(o.Name), title, pdf.Text(addressee))
	if kind == "bulletin" {
		fmt.Fprintf(&b, "为发挥行政复议监督纠错作用，推动依法行政，现将%d年度行政复议典型案例通报如下，请各单位举一反三、引以为戒。\n", year)
	} else {
		fmt.Fprintf(&b, "现将%d年度办理的具有重大社会影响或者反映依法行政共性问题的行政复议典型案例报告如下。\n", year)
	}
	if len(ts) == 0 {
		b.WriteString("本年度暂无典型案例。\n")
	}
	for i, t := range ts {
		fmt.Fprintf(&b, "@heading %s、%s\n", pdf.ChineseNumber(i+1), pdf.Text(t.PublicTitle()))
		fmt.Fprintf(&b, "（被申请人：%s；处理结果：%s）\n", pdf.Text(t.AgencyName), t.DecisionLabel())
		// each line of the summary is a paragraph of text: a line beginning with "@" is printed, never read as layout
		for _, p := range t.PublicBody() {
			if p = strings.TrimSpace(p); p != "" {
				b.WriteString(pdf.Text(p) + "\n")
			}
		}
	}
	fmt.Fprintf(&b, "@sign %s\n@date %s\n", pdf.Text(o.Name), s.Today().Chinese())
	out, err := pdf.RenderAt(b.String(), title, s.Today().Time())
	return title, out, err
}

const (
	selectTypical = `SELECT t.case_id, coalesce(c.case_no, '') AS case_no, a.name AS agency_name,
	coalesce((SELECT d.type FROM decisions d WHERE d.case_id = t.case_id AND d.status = 'approved'), '') AS decision_type,
	t.title, t.summary, t.public_text, t.reason, t.year, t.marked_at
FROM typical_cases t JOIN cases c ON c.id = t.case_id JOIN agencies a ON a.id = c.respondent_agency_id`
	queryTypicalCases = selectTypical + ` WHERE $1 = 0 OR t.year = $1 ORDER BY t.year DESC, t.marked_at, t.case_id LIMIT 500`
	queryTypical      = selectTypical + ` WHERE t.case_id = $1`
	queryCaseByNo     = `SELECT id FROM cases WHERE case_no = $1`
	lockConclusion    = `SELECT status, served_on FROM cases WHERE id = $1 FOR UPDATE`
	insertTypical     = `INSERT INTO typical_cases (case_id, title, summary, public_text, reason, year, marked_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`
	deleteTypical     = `DELETE FROM typical_cases WHERE case_id = $1`
)

func typicalStatements() []string {
	return []string{queryTypicalCases, queryTypical, queryCaseByNo, lockConclusion, insertTypical, deleteTypical}
}

// CaseByNo finds a case by its 案号.
func (s *Store) CaseByNo(ctx context.Context, no string) (int64, error) {
	var id int64
	err := sqlx.GetContext(ctx, s.db, &id, queryCaseByNo, no)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fieldErr("case_no", "案号%s不存在", no)
	}
	if err != nil {
		return 0, fmt.Errorf("supervision: case by number: %w", err)
	}
	return id, nil
}

// ConclusionState is the status and service date of a case.
type ConclusionState struct {
	Status string    `db:"status"`
	Served date.Date `db:"served_on"`
}

// LockConclusion locks a case and reads whether it is concluded.
func (s *Store) LockConclusion(ctx context.Context, id int64) (ConclusionState, error) {
	var c ConclusionState
	err := sqlx.GetContext(ctx, s.db, &c, lockConclusion, id)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fieldErr("case_id", "案件不存在")
	}
	if err != nil {
		return c, fmt.Errorf("supervision: conclusion: %w", err)
	}
	return c, nil
}

// InsertTypical stores the mark.
func (s *Store) InsertTypical(ctx context.Context, caseID int64, title, summary, public, reason string, year int, by int64) error {
	if _, err := s.db.ExecContext(ctx, insertTypical, caseID, title, summary, public, reason, year, by); err != nil {
		return fmt.Errorf("supervision: mark typical: %w", err)
	}
	return nil
}

// DeleteTypical removes the mark.
func (s *Store) DeleteTypical(ctx context.Context, caseID int64) error {
	if _, err := s.db.ExecContext(ctx, deleteTypical, caseID); err != nil {
		return fmt.Errorf("supervision: unmark typical: %w", err)
	}
	return nil
}

// Typical reads one typical case.
func (s *Store) Typical(ctx context.Context, caseID int64) (TypicalCase, error) {
	var t TypicalCase
	err := sqlx.GetContext(ctx, s.db, &t, queryTypical, caseID)
	if errors.Is(err, sql.ErrNoRows) {
		return t, ErrTypicalNotFound
	}
	if err != nil {
		return t, fmt.Errorf("supervision: typical: %w", err)
	}
	return t, nil
}

// TypicalCases lists the typical cases of a year (0: all).
func (s *Store) TypicalCases(ctx context.Context, year int) ([]TypicalCase, error) {
	var ts []TypicalCase
	if err := sqlx.SelectContext(ctx, s.db, &ts, queryTypicalCases, year); err != nil {
		return nil, fmt.Errorf("supervision: typical cases: %w", err)
	}
	return ts, nil
}
