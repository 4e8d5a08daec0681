package cases

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/apperr"
	"fuyi/internal/auth"
	"fuyi/internal/date"
	"fuyi/internal/pdf"
)

// WorkDraft is the lead officer's working copy of a decision draft (decision_workdrafts): the decision
// form's fields as typed, saved on request, a moment after each change and when a proposal is refused. It is
// validated only when proposed (ProposeDecision), and removed then.
type WorkDraft struct {
	Fields  map[string]string
	SavedAt time.Time
	SavedBy string
}

// WorkDraftFields are the fields of the decision form a working copy keeps.
func WorkDraftFields() []string {
	out := []string{"type", "decided_on", "articles", "ground", "perform_due_on"}
	for _, s := range SectionKeys {
		out = append(out, "sections."+s.Key)
	}
	return out
}

// SplitArticles splits the 法律依据 field of the decision form (顿号, commas or lines) into articles.
func SplitArticles(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == '、' || r == ',' || r == '，' || r == '\n' })
}

const (
	upsertWorkDraft = `INSERT INTO decision_workdrafts (case_id, fields, saved_by) VALUES ($1, $2, $3)
ON CONFLICT (case_id) DO UPDATE SET fields = EXCLUDED.fields, saved_by = EXCLUDED.saved_by, saved_at = now() RETURNING saved_at`
	queryWorkDraft  = `SELECT w.fields, w.saved_at, u.name FROM decision_workdrafts w JOIN users u ON u.id = w.saved_by WHERE w.case_id = $1`
	deleteWorkDraft = `DELETE FROM decision_workdrafts WHERE case_id = $1`
)

// SaveWorkDraft stores the working copy of the case's decision draft. Only fields of the decision form are
// kept (WorkDraftFields), each at most 50,000 characters; only the lead officer of a case whose decision
// can still be drafted (open, or decided and not yet served) may save. The case's version is not changed:
// saving a draft is not an action on the case.
func (s *Service) SaveWorkDraft(ctx context.Context, u *auth.User, id int64, fields map[string]string) (time.Time, error) {
	keep := map[string]string{}
	f := apperr.Fields{}
	for _, k := range WorkDraftFields() {
		v, ok := fields[k]
		if !ok {
			continue
		}
		if utf8.RuneCountInString(v) > 50000 || !utf8.ValidString(v) {
			f.Add(k, "每部分不超过50000字")
		}
		keep[k] = v
	}
	if err := f.Err(); err != nil {
		return time.Time{}, err
	}
	st := NewStore(s.DB)
	c, err := st.GetVisible(ctx, id, u)
	if err != nil {
		return time.Time{}, err
	}
	if err := s.mayDraft(ctx, st, u, c); err != nil {
		return time.Time{}, err
	}
	b, err := json.Marshal(keep)
	if err != nil {
		return time.Time{}, fmt.Errorf("cases: work draft: %w", err)
	}
	var at time.Time
	if err := sqlx.GetContext(ctx, s.DB, &at, upsertWorkDraft, id, json.RawMessage(b), u.ID); err != nil {
		return time.Time{}, fmt.Errorf("cases: save work draft: %w", err)
	}
	return at, nil
}

// mayDraft is the rule of who drafts the decision of c and when: the lead officer (复议法第61条: the
// 主办人 proposes, the 负责人 approves), while the case is open or decided but not yet served.
func (s *Service) mayDraft(ctx context.Context, st *Store, u *auth.User, c *Case) error {
	team, err := st.Assignment(ctx, c)
	if err != nil {
		return err
	}
	if team.LeadOfficerID == nil || *team.LeadOfficerID != u.ID {
		return apperr.New(apperr.Forbidden, "decision.lead_only", "只有本案主办人可以拟写决定草案")
	}
	switch c.Status {
	case StatusAccepted, StatusSuspended:
		return nil
	case StatusDecided, StatusTerminated:
		served, err := st.Served(ctx, c.ID)
		if err != nil {
			return err
		}
		if !served {
			return nil
		}
		return apperr.State("decision.served", "决定书已送达并发生法律效力（复议法第75条），不能再修改")
	}
	return requireOpen(c)
}

// WorkDraft is the saved working copy of the case's decision draft (nil when there is none).
func (s *Store) WorkDraft(ctx context.Context, caseID int64) (*WorkDraft, error) {
	var row struct {
		Fields  []byte    `db:"fields"`
		SavedAt time.Time `db:"saved_at"`
		Name    string    `db:"name"`
	}
	if err := sqlx.GetContext(ctx, s.db, &row, queryWorkDraft, caseID); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		return nil, fmt.Errorf("cases: work draft: %w", err)
	}
	w := &WorkDraft{Fields: map[string]string{}, SavedAt: row.SavedAt, SavedBy: row.Name}
	if err := json.Unmarshal(row.Fields, &w.Fields); err != nil {
		return nil, fmt.Errorf("cases: work draft fields: %w", err)
	}
	return w, nil
}

// DropWorkDraft removes the working copy (the draft was proposed).
func (s *Store) DropWorkDraft(ctx context.Context, caseID int64) error {
	return s.exec(ctx, "drop work draft", deleteWorkDraft, caseID)
}

// DraftForm is what the decision form of the case page shows before anything is submitted: the saved
// working copy; else the latest version (returned by the chief, or the approved one being amended); else
// the sections the case knows — 申请人请求 from the application's 行政复议请求, 申请人称 from its 事实和理由 —
// and the decision date today. Note says where the text came from.
func (s *Service) DraftForm(ctx context.Context, v *View) (fields map[string]string, note string, err error) {
	w, err := NewStore(s.DB).WorkDraft(ctx, v.ID)
	if err != nil {
		return nil, "", err
	}
	if w != nil {
		return w.Fields, fmt.Sprintf("已恢复保存的草稿（%s保存于%s）。", w.SavedBy, w.SavedAt.In(date.Shanghai).Format("2006-01-02 15:04")), nil
	}
	if v.Handling != nil && len(v.Handling.Decisions) > 0 {
		last := v.Handling.Decisions[0]
		for _, d := range v.Handling.Decisions {
			if d.Version > last.Version {
				last = d
			}
		}
		fields = map[string]string{"type": last.Type, "decided_on": s.Today().String(), "articles": strings.Join(last.Articles, "、"),
			"ground": last.Ground}
		if !last.PerformDueOn.IsZero() {
			fields["perform_due_on"] = last.PerformDueOn.String()
		}
		for k, x := range last.Sections {
			fields["sections."+k] = x
		}
		note = fmt.Sprintf("已载入第%d稿（%s）的内容，请修改后再提交。", last.Version, last.StatusLabel())
		if last.Status == "returned" && last.ReturnReason != "" {
			note = fmt.Sprintf("第%d稿已被退回（理由：%s），已载入其内容，请修改后再提交。", last.Version, last.ReturnReason)
		}
		return fields, note, nil
	}
	fields = map[string]string{"decided_on": s.Today().String(), "sections.requests": v.Requests, "sections.applicant_says": v.Facts}
	return fields, "“申请人请求”“申请人称”已按申请书预填，当事人和审理经过由系统根据案件信息写入决定书，请核对修改。", nil
}

// DecisionDocCode is the document a decision of the type produces (DecisionType.Document as a DocType code).
func DecisionDocCode(typ string) string {
	switch typ {
	case "settlement", "terminate":
		return "termination"
	case "dismiss_application":
		return "dismissal"
	case "mediation":
		return "mediation"
	}
	return "decision"
}

// draftDecision reads the form fields of a working copy as a decision (unparsable values left empty: a
// preview shows what can be shown).
func (s *Service) draftDecision(fields map[string]string) DecisionView {
	d := DecisionView{Type: fields["type"], Sections: map[string]string{}, Status: "draft"}
	if _, ok := DecisionTypeOf(d.Type); !ok {
		d.Type = "maintain"
	}
	d.TypeLabel, d.Ground = d.Type, fields["ground"]
	if on, err := date.Parse(strings.TrimSpace(fields["decided_on"])); err == nil {
		d.DecidedOn = on
	} else {
		d.DecidedOn = s.Today()
	}
	for _, a := range SplitArticles(fields["articles"]) {
		if a = strings.TrimSpace(a); a != "" {
			d.Articles = append(d.Articles, a)
		}
	}
	for _, k := range SectionKeys {
		if x := strings.TrimSpace(fields["sections."+k.Key]); x != "" {
			d.Sections[k.Key] = x
		}
	}
	return d
}

// DraftPreview composes the document the working copy would produce (决定书, 驳回决定书, 终止决定书 or
// 调解书), marked as a draft, without a 文号. Whoever works on the case (its officers, the chief) may read it;
// with no working copy it shows what the form would start from (DraftForm).
func (s *Service) DraftPreview(ctx context.Context, u *auth.User, v *View) (title, text string, err error) {
	onTeam := u.Role == auth.RoleChief
	for _, o := range v.Assignment.Officers {
		onTeam = onTeam || o.ID == u.ID
	}
	if !onTeam || v.CaseNo == nil {
		return "", "", ErrDocNotFound
	}
	fields, _, err := s.DraftForm(ctx, v)
	if err != nil {
		return "", "", err
	}
	dv := s.draftDecision(fields)
	d, err := BuildDocData(ctx, s.DB, v, dv.DecidedOn)
	if err != nil {
		return "", "", err
	}
	code := DecisionDocCode(dv.Type)
	t, _ := DocTypeOf(code)
	d.Decision, d.Title, d.DocNo = &dv, t.Title, ""
	d.DecisionType, _ = DecisionTypeOf(dv.Type)
	if g, ok := GroundOf(TerminationGrounds, dv.Ground); ok {
		d.Ground = g.Text
	}
	body, err := s.Docs.Text(code, d)
	if err != nil {
		return "", "", err
	}
	return t.Title + "（草稿）", "@right 草稿预览：未经负责人批准，不是正式文书\n" + body, nil
}

// DraftHead is the part of the 决定书 the case writes by itself, shown beside the draft: the parties and the
// procedure paragraph, one line each.
func (s *Service) DraftHead(ctx context.Context, v *View) ([]string, error) {
	d, err := BuildDocData(ctx, s.DB, v, s.Today())
	if err != nil {
		return nil, err
	}
	text, err := s.Docs.Text("_decision_head", d)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, b := range pdf.ParseMarkup(text) {
		if t := strings.TrimSpace(b.Text); t != "" {
			out = append(out, t)
		}
	}
	return out, nil
}
