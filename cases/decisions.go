package cases

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/apperr"
	"fuyi/internal/auth"
	"fuyi/internal/calendar"
	"fuyi/internal/date"
)

// DecisionInput is the body of POST /cases/{id}/decision.
type DecisionInput struct {
	Type         string            `json:"type"`
	DecidedOn    string            `json:"decided_on"`
	Articles     []string          `json:"articles"`
	Sections     map[string]string `json:"sections"`
	Ground       string            `json:"ground"`
	PerformDueOn string            `json:"perform_due_on"`
	Version      int               `json:"version"`
}

// ProposeDecision stores the lead officer's draft. Preconditions (one place): the case is open and staffed;
// for 重大、复杂、疑难 cases a hearing has been held (复议法第50条) and the committee's opinion recorded
// (第52条). After approval, a new draft amends the decision and needs a new approval (before service).
func (s *Service) ProposeDecision(ctx context.Context, u *auth.User, id int64, in DecisionInput) (*View, error) {
	f := apperr.Fields{}
	typ, ok := DecisionTypeOf(in.Type)
	DecisionTypeEnum().Add(f, "type", in.Type)
	decided := checkDate(f, "decided_on", "决定日期", in.DecidedOn, true, s.Today())
	var articles []string
	for i, a := range in.Articles {
		if a = strings.TrimSpace(a); a == "" || utf8.RuneCountInString(a) > 100 {
			f.Add(fmt.Sprintf("articles[%d]", i), "法律依据条款不能为空且不超过100字")
		} else {
			articles = append(articles, a)
		}
	}
	if len(articles) == 0 {
		f.Add("articles", "请列明作出决定所依据的法律条款，如“第六十八条”")
	}
	sections := map[string]string{}
	for k, v := range in.Sections {
		known := false
		for _, s := range SectionKeys {
			known = known || s.Key == k
		}
		if !known {
			f.Add("sections."+k, "未知的决定书部分：%s", k)
			continue
		}
		if utf8.RuneCountInString(v) > 50000 {
			f.Add("sections."+k, "每部分不超过50000字")
		}
		sections[k] = strings.TrimSpace(v)
	}
	if ok && sections["ruling"] == "" {
		f.Add("sections.ruling", "请填写决定内容（决定如下）")
	}
	if typ.Terminates {
		GroundEnum("终止情形（复议法第41条）", TerminationGrounds).Add(f, "ground", in.Ground)
		if typ.Code == "settlement" && in.Ground != "41-1" {
			f.Add("ground", "和解后撤回申请的，终止情形为第41条第1项")
		}
	}
	performDue := checkDateAny(f, "perform_due_on", "履行期限", in.PerformDueOn)
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.change(ctx, u, id, in.Version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (Change, error) {
		st := NewStore(tx)
		team, err := st.Assignment(ctx, c)
		if err != nil {
			return Change{}, err
		}
		if team.LeadOfficerID == nil || *team.LeadOfficerID != u.ID {
			return Change{}, apperr.New(apperr.Forbidden, "decision.lead_only", "只有本案主办人可以提出决定草案")
		}
		amending := c.Status == StatusDecided || c.Status == StatusTerminated
		if amending {
			served, err := st.Served(ctx, c.ID)
			if err != nil {
				return Change{}, err
			}
			if served {
				return Change{}, apperr.State("decision.served", "决定书已送达并发生法律效力（复议法第75条），不能再修改")
			}
		} else if err := requireOpen(c); err != nil {
			return Change{}, err
		}
		if team.Understaffed {
			return Change{}, apperr.Rule("decision.understaffed", "本案办案人员不足%d名，请先由负责人补充指派", team.Required)
		}
		if decided.Before(c.AcceptedOn) {
			return Change{}, fieldError("decision.before_accept", "decided_on", fmt.Sprintf("决定日期不能早于受理日期%s", c.AcceptedOn))
		}
		if c.Complex {
			held, err := st.HearingHeld(ctx, c.ID)
			if err != nil {
				return Change{}, err
			}
			opinion, err := st.HasCommitteeOpinion(ctx, c.ID)
			if err != nil {
				return Change{}, err
			}
			switch {
			case !held && !typ.Terminates:
				return Change{}, apperr.Rule("decision.hearing_required", "重大、疑难、复杂案件应当组织听证（复议法第50条第1款），本案尚无已举行的听证记录")
			case !opinion && !typ.Terminates:
				return Change{}, apperr.Rule("decision.committee_required", "重大、疑难、复杂案件应当提请行政复议委员会提出咨询意见（复议法第52条），本案尚未记录咨询意见")
			}
		}
		pending, err := st.PendingDraft(ctx, c.ID)
		if err != nil {
			return Change{}, err
		}
		if pending {
			return Change{}, apperr.State("decision.pending", "已有待批准的决定草案，请等待负责人审批或退回")
		}
		secJSON, err := json.Marshal(sections)
		if err != nil {
			return Change{}, fmt.Errorf("cases: decision sections: %w", err)
		}
		version, err := st.AddDraft(ctx, c.ID, Draft{Type: typ.Code, DecidedOn: decided, Articles: articles, Sections: secJSON,
			Ground: in.Ground, PerformDue: performDue, By: u.ID})
		if err != nil {
			return Change{}, err
		}
		if err := st.DropWorkDraft(ctx, c.ID); err != nil {
			return Change{}, err
		}
		summary := fmt.Sprintf("提出决定草案（第%d稿）：%s，依据%s", version, typ.Label, strings.Join(articles, "、"))
		if amending {
			summary = "修改已批准的决定，" + summary + "，须重新批准"
		}
		return Change{Action: "decision.proposed", Summary: summary, New: map[string]any{"type": typ.Code, "version": version, "sections": sections}}, nil
	})
}

// CheckDateAny validates an optional date that may lie in the future (exported for features built on cases).
func CheckDateAny(f apperr.Fields, field, label, v string) date.Date {
	return checkDateAny(f, field, label, v)
}

func checkDateAny(f apperr.Fields, field, label, v string) date.Date {
	if strings.TrimSpace(v) == "" {
		return date.Date{}
	}
	d, err := date.Parse(strings.TrimSpace(v))
	if err != nil {
		f.Add(field, "%s格式应为YYYY-MM-DD", label)
	}
	return d
}

// ApprovalInput is the body of POST /cases/{id}/decision/approval.
type ApprovalInput struct {
	Approve bool   `json:"approve"`
	Mode    string `json:"mode"` // chief (负责人批准) or collective (集体讨论)
	Reason  string `json:"reason"`
	Version int    `json:"version"`
}

// ApproveDecision applies 复议法第61条: the proposal is approved by the 负责人 or by 集体讨论, or returned with
// a reason. Approval fixes the text and concludes the case; an approved amendment supersedes the earlier one.
func (s *Service) ApproveDecision(ctx context.Context, u *auth.User, id int64, in ApprovalInput) (*View, error) {
	if u.Role != auth.RoleChief {
		return nil, apperr.New(apperr.Forbidden, "approval.forbidden", "只有复议机构负责人可以批准决定")
	}
	f := apperr.Fields{}
	if in.Mode == "" {
		in.Mode = "chief"
	}
	if in.Mode != "chief" && in.Mode != "collective" {
		f.Add("mode", "批准方式须为 chief（负责人批准）或 collective（集体讨论）")
	}
	if !in.Approve {
		in.Reason = requireText(f, "reason", "退回理由", in.Reason, 2000)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.change(ctx, u, id, in.Version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (Change, error) {
		st := NewStore(tx)
		d, err := st.PendingDecision(ctx, c.ID)
		if err != nil {
			return Change{}, err
		}
		typ, _ := DecisionTypeOf(d.Type)
		if in.Approve {
			team, err := st.Assignment(ctx, c)
			if err != nil {
				return Change{}, err
			}
			if err := FourEyes(u.ID, d.ProposedBy, team.LeadOfficerID); err != nil {
				others, cerr := st.OtherChiefs(ctx, u.ID)
				if cerr != nil {
					return Change{}, cerr
				}
				return Change{}, FourEyesRefusal(u.ID == d.ProposedBy, team.LeadOfficerID != nil && *team.LeadOfficerID == u.ID, others)
			}
		}
		if !in.Approve {
			if err := st.ReturnDecision(ctx, d.ID, in.Reason); err != nil {
				return Change{}, err
			}
			return Change{Action: "decision.returned", Summary: fmt.Sprintf("退回决定草案（第%d稿）：%s", d.Version, in.Reason)}, nil
		}
		if c.Status == StatusSuspended {
			return Change{}, apperr.State("case.suspended", "案件已中止审理，恢复审理后才能批准决定")
		}
		status := StatusDecided
		if typ.Terminates {
			status = StatusTerminated
		}
		if err := st.ApproveDecision(ctx, c.ID, d, u.ID, in.Mode, status); err != nil {
			return Change{}, err
		}
		how := "负责人批准"
		if in.Mode == "collective" {
			how = "集体讨论通过"
		}
		return Change{Action: "decision.approved", Summary: fmt.Sprintf("决定（第%d稿，%s）经%s，%s于%s审结", d.Version, typ.Label, how, status.Label(), d.DecidedOn), Old: map[string]any{"status": c.Status}, New: map[string]any{"status": status, "type": typ.Code, "version": d.Version}}, nil
	})
}

// ErrFourEyes refuses the approval of a decision by the person who drafted it or leads the case.
var ErrFourEyes = apperr.New(apperr.Forbidden, "approval.four_eyes",
	"不能批准自己起草或主办的决定（审批须由起草人、主办人以外的负责人作出），请由其他负责人批准或提交集体讨论")

// FourEyesRefusal is ErrFourEyes saying how the case can go on lawfully (复议法第61条: the decision is
// approved by a 负责人 other than its drafter and lead, or passed by 集体讨论): as lead, hand the lead to
// another officer of the team (then approving a draft one did not write is allowed); as drafter, the new lead
// proposes their own draft; or another 复议机构负责人 approves — and when the approver is the only one, the
// bureau adds a second (e.g. the deputy) as a user of role chief.
func FourEyesRefusal(drafted, leads bool, otherChiefs int) *apperr.Error {
	var why, steps string
	switch {
	case drafted && leads:
		why = "本决定草案由您起草，且您是本案主办人"
		steps = "①在“指派 / 调整办案人员”中将主办人改为本案其他办案人员，由新主办人重新起草并提交决定草案后，您即可批准"
	case drafted:
		why = "本决定草案由您起草"
		steps = "①由本案主办人重新起草并提交决定草案（您可先退回本稿）后，您即可批准"
	default:
		why = "您是本案主办人"
		steps = "①在“指派 / 调整办案人员”中将主办人改为本案其他办案人员（您可继续作为办案人员），然后即可批准本稿"
	}
	other := fmt.Sprintf("②由其他复议机构负责人批准（本机构另有%d名）", otherChiefs)
	if otherChiefs == 0 {
		other = "②本机构目前只有您一名复议机构负责人：可请司法局在“用户管理”中为副职负责人开设“复议机构负责人”账号，由其批准"
	}
	msg := why + "，依复议法第61条不能由您批准（审批须由起草人、主办人以外的负责人作出或经集体讨论通过，集体讨论的结果亦须由他人记录）。可以：" +
		steps + "；" + other + "。"
	return &apperr.Error{Kind: ErrFourEyes.Kind, Code: ErrFourEyes.Code, Message: msg}
}

// FourEyes is the separation of duties of 复议法第61条 (the 行政复议机构 examines the case and proposes, the
// 负责人 or the collective discussion approves): the approver of a decision is neither the one who drafted
// it nor the case's lead officer (主办人) at the time of approval — also when the chief has made himself
// lead. The database holds the same rule (trigger decisions_four_eyes, constraint name decision_four_eyes).
func FourEyes(approver, draftedBy int64, lead *int64) error {
	if approver == draftedBy || lead != nil && *lead == approver {
		return ErrFourEyes
	}
	return nil
}

// ServeDecision records 送达 (复议法第75条: the decision takes effect on service); the applicant's 15 days to
// sue start (行政诉讼法第45条).
func (s *Service) ServeDecision(ctx context.Context, u *auth.User, id int64, on string, version int) (*View, error) {
	f := apperr.Fields{}
	d := checkDate(f, "served_on", "送达日期", on, true, s.Today())
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.change(ctx, u, id, version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (Change, error) {
		if c.Status != StatusDecided && c.Status != StatusTerminated {
			return Change{}, apperr.State("decision.not_approved", "决定尚未批准，不能送达")
		}
		st := NewStore(tx)
		cur, err := st.Conclusion(ctx, c.ID)
		if err != nil {
			return Change{}, err
		}
		if !cur.Served.IsZero() {
			return Change{}, apperr.State("decision.already_served", "决定书已于%s送达", cur.Served)
		}
		pending, err := st.PendingDraft(ctx, c.ID)
		if err != nil {
			return Change{}, err
		}
		if pending {
			return Change{}, apperr.State("decision.pending", "有待批准的修改稿，批准或退回后才能送达")
		}
		if d.Before(cur.Concluded) {
			return Change{}, fieldError("service.before_decision", "served_on", fmt.Sprintf("送达日期不能早于决定日期%s", cur.Concluded))
		}
		if err := st.SetServed(ctx, c.ID, d); err != nil {
			return Change{}, err
		}
		if s.Effective != nil {
			row, err := st.ApprovedService(ctx, c.ID)
			if err != nil {
				return Change{}, err
			}
			if row.Type != "mediation" { // a 调解书 is not a 决定书 (复议法第79条第2款)
				if err := s.Effective(ctx, tx, Effect{CaseID: c.ID, Document: "decision", On: d, ActorID: u.ID}); err != nil {
					return Change{}, err
				}
			}
		}
		return Change{Action: "decision.served", Summary: fmt.Sprintf("决定书于%s送达，申请人可自收到之日起15日内提起行政诉讼", d), New: map[string]any{"served_on": d}}, nil
	})
}

// RecordPerformance records that the respondent performed the decision or 调解书 (复议法第77条).
func (s *Service) RecordPerformance(ctx context.Context, u *auth.User, id int64, on, note string, version int) (*View, error) {
	f := apperr.Fields{}
	d := checkDate(f, "performed_on", "履行日期", on, true, s.Today())
	note = strings.TrimSpace(note)
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.change(ctx, u, id, version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (Change, error) {
		st := NewStore(tx)
		row, err := st.ApprovedService(ctx, c.ID)
		if err != nil {
			return Change{}, err
		}
		typ, _ := DecisionTypeOf(row.Type)
		if !typ.RequiresPerformance() {
			return Change{}, apperr.State("performance.not_required", "%s决定无需被申请人履行", typ.Label)
		}
		if row.Served.IsZero() {
			return Change{}, apperr.State("performance.not_served", "决定书尚未送达，送达后才发生效力（复议法第75条）")
		}
		if d.Before(row.Served) {
			return Change{}, fieldError("performance.before_service", "performed_on", "履行日期不能早于送达日期")
		}
		if err := st.SetPerformed(ctx, c.ID, d, note); err != nil {
			return Change{}, err
		}
		return Change{Action: "decision.performed", Summary: fmt.Sprintf("被申请人于%s履行%s %s", d, typ.Document, note)}, nil
	})
}

// LetterKinds are the letters of 复议法第76条 and 条例第57条第2款 (为空时按 opinion).
var LetterKinds = apperr.NewEnum("文书类别（为空时按 opinion）", "opinion", "行政复议意见书", "suggestion", "行政复议建议书")

// OpinionLetterInput is the body of POST /cases/{id}/opinion-letters.
type OpinionLetterInput struct {
	Kind       string `json:"kind"`
	IssuedOn   string `json:"issued_on"`
	ReceivedOn string `json:"received_on"`
	Content    string `json:"content"`
	Version    int    `json:"version"`
}

// IssueOpinionLetter records a 意见书 (复议法第76条: the organ reports its corrections within 60 days of
// receipt) or a 建议书 (条例第57条第2款: no period is set; see ReportDue).
func (s *Service) IssueOpinionLetter(ctx context.Context, u *auth.User, id int64, in OpinionLetterInput) (*View, error) {
	if u.Role != auth.RoleChief {
		return nil, apperr.New(apperr.Forbidden, "opinion.forbidden", "意见书须经复议机构负责人制发")
	}
	f := apperr.Fields{}
	if in.Kind == "" {
		in.Kind = "opinion"
	}
	LetterKinds.Add(f, "kind", in.Kind)
	issued := checkDate(f, "issued_on", "制发日期", in.IssuedOn, true, s.Today())
	received := checkDate(f, "received_on", "被申请人收到日期", in.ReceivedOn, false, s.Today())
	if received.IsZero() {
		received = issued
	}
	content := requireText(f, "content", "意见内容", in.Content, 20000)
	if !issued.IsZero() && received.Before(issued) {
		f.Add("received_on", "收到日期不能早于制发日期")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.change(ctx, u, id, in.Version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (Change, error) {
		if c.Status != StatusAccepted && c.Status != StatusSuspended && c.Status != StatusDecided && c.Status != StatusTerminated {
			return Change{}, apperr.State("case.not_accepted", "只能对已受理的案件制发意见书")
		}
		if issued.Before(c.AcceptedOn) {
			return Change{}, fieldError("opinion.before_accept", "issued_on", "制发日期不能早于受理日期")
		}
		lid, err := NewStore(tx).AddLetter(ctx, c.ID, in.Kind, issued, received, content, u.ID)
		if err != nil {
			return Change{}, err
		}
		if s.Effective != nil && ReportDue(in.Kind) {
			if err := s.Effective(ctx, tx, Effect{CaseID: c.ID, Document: "opinion", LetterID: lid, On: received, ActorID: u.ID}); err != nil {
				return Change{}, err
			}
		}
		if !ReportDue(in.Kind) {
			return Change{Action: "opinion.issued", Summary: fmt.Sprintf("制发行政复议建议书（%s），向有关机关提出完善制度和改进行政执法的建议（实施条例第57条第2款）", issued)}, nil
		}
		return Change{Action: "opinion.issued", Summary: fmt.Sprintf("制发行政复议意见书（%s），有关机关应自收到之日起60日内报送纠正情况（复议法第76条）", issued)}, nil
	})
}

// ReportOpinionLetter records the respondent's report on a 意见书 (落实反馈).
func (s *Service) ReportOpinionLetter(ctx context.Context, u *auth.User, id, letterID int64, on, content string, version int) (*View, error) {
	f := apperr.Fields{}
	d := checkDate(f, "reported_on", "报送日期", on, true, s.Today())
	content = requireText(f, "content", "纠正情况", content, 20000)
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.change(ctx, u, id, version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (Change, error) {
		st := NewStore(tx)
		l, err := st.Letter(ctx, c.ID, letterID)
		if err != nil {
			return Change{}, err
		}
		if !l.Reported.IsZero() {
			return Change{}, apperr.State("opinion.reported", "已于%s登记纠正情况", l.Reported)
		}
		if d.Before(l.Received) {
			return Change{}, fieldError("opinion.before_receipt", "reported_on", "报送日期不能早于收到意见书日期")
		}
		if err := st.SetLetterReport(ctx, letterID, d, content); err != nil {
			return Change{}, err
		}
		if !ReportDue(l.Kind) {
			return Change{Action: "opinion.reported", Summary: fmt.Sprintf("有关机关于%s反馈建议书落实情况", d)}, nil
		}
		return Change{Action: "opinion.reported", Summary: fmt.Sprintf("有关机关于%s报送意见书纠正情况", d)}, nil
	})
}

// RequireText validates a required text field (exported for features built on cases).
func RequireText(f apperr.Fields, field, label, v string, max int) string {
	return requireText(f, field, label, v, max)
}
