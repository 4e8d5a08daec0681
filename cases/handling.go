package cases

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/apperr"
	"fuyi/internal/auth"
	"fuyi/internal/calendar"
)

// Change is what one state change did, for the audit trail: the event's action code, its summary in
// Chinese and the values before and after (Service.change adds the due dates to both).
type Change struct {
	Action  string
	Summary string
	Old     map[string]any
	New     map[string]any
	frozen  []FrozenDoc // documents fn issued, rendered after the commit
}

// changeFn is the body of one state change (see Service.change); it runs inside the change's transaction.
type changeFn = func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (Change, error)

func requireOpen(c *Case) error {
	switch c.Status {
	case StatusAccepted:
		return nil
	case StatusSuspended:
		return apperr.State("case.suspended", "案件已中止审理，恢复审理后才能进行此操作")
	case StatusDecided, StatusTerminated:
		return apperr.State("case.concluded", "案件已审结（%s），不能再进行此操作", c.Status.Label())
	}
	return apperr.State("case.not_accepted", "案件尚未受理（当前状态：%s）", c.Status.Label())
}

func requireText(f apperr.Fields, field, label, v string, max int) string {
	v = strings.TrimSpace(v)
	if v == "" {
		f.Add(field, "%s不能为空", label)
	} else if utf8.RuneCountInString(v) > max {
		f.Add(field, "%s不能超过%d字", label, max)
	}
	return v
}

// AssignmentInput is the body of PUT /cases/{id}/assignment.
type AssignmentInput struct {
	OfficerIDs    []int64 `json:"officer_ids"`
	LeadOfficerID int64   `json:"lead_officer_id"`
	Version       int     `json:"version"`
}

// Assign replaces the case team (history kept: removed members get removed_at). The staffing rule is
// CheckTeam; the database checks it again at commit.
func (s *Service) Assign(ctx context.Context, u *auth.User, id int64, in AssignmentInput) (*View, error) {
	if u.Role != auth.RoleChief {
		return nil, apperr.New(apperr.Forbidden, "assignment.forbidden", "只有复议机构负责人可以指派办案人员")
	}
	return s.change(ctx, u, id, in.Version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (Change, error) {
		if c.Status != StatusAccepted && c.Status != StatusSuspended {
			return Change{}, apperr.State("case.not_open", "只能为受理后、审结前的案件指派办案人员（当前状态：%s）", c.Status.Label())
		}
		st := NewStore(tx)
		cands, err := st.Candidates(ctx, in.OfficerIDs)
		if err != nil {
			return Change{}, err
		}
		staffing, err := st.Staffing(ctx)
		if err != nil {
			return Change{}, err
		}
		if err := CheckTeam(staffing, cands, in.OfficerIDs, in.LeadOfficerID, c.Complex); err != nil {
			return Change{}, err
		}
		before, err := st.Assignment(ctx, c)
		if err != nil {
			return Change{}, err
		}
		keep := map[int64]bool{}
		for _, id := range in.OfficerIDs {
			keep[id] = true
		}
		if err := st.SetTeam(ctx, c.ID, in.OfficerIDs, in.LeadOfficerID, u.ID); err != nil {
			return Change{}, err
		}
		after, err := st.Assignment(ctx, c)
		if err != nil {
			return Change{}, err
		}
		if s.Assigned != nil {
			was := map[int64]bool{} // member → was lead
			for _, o := range before.Officers {
				was[o.ID] = o.Lead
			}
			news := Posting{CaseID: c.ID, CaseNo: c.RegistrationNo, Version: c.Version + 1, By: u.Name}
			if c.CaseNo != nil {
				news.CaseNo = *c.CaseNo
			}
			for _, o := range after.Officers {
				if lead, ok := was[o.ID]; !ok || o.Lead && !lead {
					news.Officers = append(news.Officers, o)
				}
			}
			if len(news.Officers) > 0 {
				if err := s.Assigned(ctx, tx, news); err != nil {
					return Change{}, err
				}
			}
		}
		return Change{Action: "case.assigned", Summary: "指派办案人员：" + teamText(after.Officers), Old: map[string]any{"team": teamText(before.Officers)}, New: map[string]any{"team": teamText(after.Officers)}}, nil
	})
}

func teamText(os []Officer) string {
	if len(os) == 0 {
		return "（无）"
	}
	var parts []string
	for _, o := range os {
		p := o.Name
		if o.Lead {
			p += "（主办）"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "、")
}

// SetComplexity marks a case 重大、复杂、疑难 (or not). A team below the new minimum is flagged understaffed
// until the chief assigns more officers; hearings and decisions wait for it.
func (s *Service) SetComplexity(ctx context.Context, u *auth.User, id int64, complex bool, reason string, version int) (*View, error) {
	if u.Role != auth.RoleChief {
		return nil, apperr.New(apperr.Forbidden, "complexity.forbidden", "只有复议机构负责人可以认定重大、复杂、疑难案件")
	}
	f := apperr.Fields{}
	reason = requireText(f, "reason", "认定理由", reason, 1000)
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.change(ctx, u, id, version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (Change, error) {
		if c.Status == StatusDecided || c.Status == StatusTerminated || c.Status == StatusRejected || c.Status == StatusAbandoned || c.Status == StatusTransferred {
			return Change{}, apperr.State("case.concluded", "案件已办结（%s），不能再变更复杂程度", c.Status.Label())
		}
		if err := NewStore(tx).SetComplexity(ctx, c.ID, complex, reason); err != nil {
			return Change{}, err
		}
		label := "认定为重大、复杂、疑难案件"
		if !complex {
			label = "取消重大、复杂、疑难认定"
		}
		return Change{Action: "case.complexity", Summary: label + "：" + reason, Old: map[string]any{"complex": c.Complex}, New: map[string]any{"complex": complex}}, nil
	})
}

// ReplyInput is the body of POST /cases/{id}/reply.
type ReplyInput struct {
	CopySentOn      string `json:"copy_sent_on"`
	CopyReceivedOn  string `json:"copy_received_on"`
	ReplyReceivedOn string `json:"reply_received_on"`
	// ReplyPostmarkedOn is the postmark of a 答复 that came by post: posted before the deadline is on time
	// (民事诉讼法第85条第4款, applied by 复议法第88条第1款).
	ReplyPostmarkedOn string `json:"reply_postmarked_on"`
	Version           int    `json:"version"`
}

// RecordReply records sending the 申请书副本 to the respondent and receiving its 答复 (复议法第48条).
func (s *Service) RecordReply(ctx context.Context, u *auth.User, id int64, in ReplyInput) (*View, error) {
	f := apperr.Fields{}
	today := s.Today()
	sent := checkDate(f, "copy_sent_on", "发送申请书副本日期", in.CopySentOn, false, today)
	recv := checkDate(f, "copy_received_on", "被申请人收到副本日期", in.CopyReceivedOn, false, today)
	reply := checkDate(f, "reply_received_on", "收到答复日期", in.ReplyReceivedOn, false, today)
	posted := checkDate(f, "reply_postmarked_on", "答复邮戳日期", in.ReplyPostmarkedOn, false, today)
	if in.CopySentOn == "" && in.ReplyReceivedOn == "" && in.CopyReceivedOn == "" && in.ReplyPostmarkedOn == "" {
		f.Add("copy_sent_on", "请填写发送副本日期或收到答复日期")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.change(ctx, u, id, in.Version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (Change, error) {
		if c.Status != StatusAccepted && c.Status != StatusSuspended {
			return Change{}, requireOpen(c)
		}
		st := NewStore(tx)
		cur, err := st.ReplyDates(ctx, c.ID)
		if err != nil {
			return Change{}, err
		}
		next := cur
		if !sent.IsZero() {
			next.Sent = sent
		}
		if !recv.IsZero() {
			next.Recv = recv
		}
		if !reply.IsZero() {
			next.Reply = reply
		}
		if !posted.IsZero() {
			next.Posted = posted
		}
		switch {
		case !next.Sent.IsZero() && next.Sent.Before(c.AcceptedOn):
			return Change{}, fieldError("reply.before_accept", "copy_sent_on", fmt.Sprintf("发送副本日期不能早于受理日期%s", c.AcceptedOn))
		case !next.Recv.IsZero() && (next.Sent.IsZero() || next.Recv.Before(next.Sent)):
			return Change{}, fieldError("reply.receipt_before_sent", "copy_received_on", "被申请人收到副本的日期不能早于发送日期")
		case !next.Reply.IsZero() && next.Sent.IsZero():
			return Change{}, fieldError("reply.no_copy", "reply_received_on", "须先登记发送申请书副本的日期")
		case !next.Reply.IsZero() && next.Reply.Before(next.Sent):
			return Change{}, fieldError("reply.before_copy", "reply_received_on", "收到答复日期不能早于发送副本日期")
		case !next.Posted.IsZero() && next.Reply.IsZero():
			return Change{}, fieldError("reply.postmark_without_reply", "reply_postmarked_on", "请同时填写收到答复的日期")
		case !next.Posted.IsZero() && next.Posted.After(next.Reply):
			return Change{}, fieldError("reply.postmark_after_receipt", "reply_postmarked_on", fmt.Sprintf("答复邮戳日期不能晚于收到答复日期%s", next.Reply))
		case !next.Posted.IsZero() && next.Posted.Before(next.Sent):
			return Change{}, fieldError("reply.postmark_before_copy", "reply_postmarked_on", fmt.Sprintf("答复邮戳日期不能早于发送副本日期%s", next.Sent))
		}
		if err := st.SetReplyDates(ctx, c.ID, next); err != nil {
			return Change{}, err
		}
		var parts []string
		if !sent.IsZero() {
			parts = append(parts, "发送申请书副本 "+sent.String())
		}
		if !recv.IsZero() {
			parts = append(parts, "被申请人收到副本 "+recv.String())
		}
		if !reply.IsZero() {
			parts = append(parts, "收到被申请人答复及证据 "+reply.String())
		}
		if !posted.IsZero() {
			parts = append(parts, "答复邮戳日期 "+posted.String())
		}
		return Change{Action: "case.reply", Summary: strings.Join(parts, "；"), Old: map[string]any{"copy_sent_on": cur.Sent, "reply_received_on": cur.Reply}, New: map[string]any{"copy_sent_on": next.Sent, "reply_received_on": next.Reply}}, nil
	})
}

// Suspend records 中止 (复议法第39条) from a date; the decision clock stops until Resume.
func (s *Service) Suspend(ctx context.Context, u *auth.User, id int64, on, ground, note string, version int) (*View, error) {
	if u.Role != auth.RoleChief {
		return nil, apperr.New(apperr.Forbidden, "suspension.forbidden", "只有复议机构负责人可以决定中止审理")
	}
	f := apperr.Fields{}
	d := checkDate(f, "on", "中止日期", on, true, s.Today())
	g, _ := GroundOf(SuspensionGrounds, ground)
	GroundEnum("中止情形（复议法第39条第1款）", SuspensionGrounds).Add(f, "ground", ground)
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.change(ctx, u, id, version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (Change, error) {
		if err := requireOpen(c); err != nil {
			return Change{}, err
		}
		if d.Before(c.AcceptedOn) {
			return Change{}, fieldError("suspension.before_accept", "on", fmt.Sprintf("中止日期不能早于受理日期%s", c.AcceptedOn))
		}
		st := NewStore(tx)
		lastEnd, err := st.LastResumed(ctx, c.ID)
		if err != nil {
			return Change{}, err
		}
		if !lastEnd.IsZero() && d.Before(lastEnd) {
			return Change{}, fieldError("suspension.overlap", "on", fmt.Sprintf("中止日期不能早于上次恢复审理的日期%s", lastEnd))
		}
		if err := st.Suspend(ctx, c.ID, g.Code, strings.TrimSpace(note), d, u.ID); err != nil {
			return Change{}, err
		}
		return Change{Action: "case.suspended", Summary: fmt.Sprintf("自%s中止审理：%s", d, g.Text), Old: map[string]any{"status": c.Status}, New: map[string]any{"status": StatusSuspended, "ground": g.Code}}, nil
	})
}

// Resume ends the open 中止; the decision due date is recomputed from the pause intervals.
func (s *Service) Resume(ctx context.Context, u *auth.User, id int64, on string, version int) (*View, error) {
	if u.Role != auth.RoleChief {
		return nil, apperr.New(apperr.Forbidden, "resumption.forbidden", "只有复议机构负责人可以决定恢复审理")
	}
	f := apperr.Fields{}
	d := checkDate(f, "on", "恢复审理日期", on, true, s.Today())
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.change(ctx, u, id, version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (Change, error) {
		if c.Status != StatusSuspended {
			return Change{}, apperr.State("case.not_suspended", "案件未处于中止状态（当前：%s）", c.Status.Label())
		}
		st := NewStore(tx)
		started, err := st.OpenPauseStart(ctx, c.ID)
		if err != nil {
			return Change{}, err
		}
		if d.Before(started) {
			return Change{}, fieldError("resumption.before_suspension", "on", fmt.Sprintf("恢复审理日期不能早于中止日期%s", started))
		}
		if err := st.Resume(ctx, c.ID, d, u.ID); err != nil {
			return Change{}, err
		}
		return Change{Action: "case.resumed", Summary: fmt.Sprintf("自%s恢复审理（中止%d日不计入审理期限）", d, d.DaysSince(started)), Old: map[string]any{"status": StatusSuspended}, New: map[string]any{"status": StatusAccepted}}, nil
	})
}

// ExtensionInput is the body of POST /cases/{id}/extension.
type ExtensionInput struct {
	On      string `json:"on"`
	Days    int    `json:"days"`
	Reason  string `json:"reason"`
	Version int    `json:"version"`
}

// Extend applies 复议法第62条第1款: in complicated cases the 复议机构负责人 may extend the period once, by at
// most 30 days, before it ends, with written notice; never in the simplified procedure (第62条第2款).
func (s *Service) Extend(ctx context.Context, u *auth.User, id int64, in ExtensionInput) (*View, error) {
	if u.Role != auth.RoleChief {
		return nil, apperr.New(apperr.Forbidden, "extension.forbidden", "延长审理期限须经复议机构负责人批准")
	}
	f := apperr.Fields{}
	d := checkDate(f, "on", "批准延期日期", in.On, true, s.Today())
	if in.Days < 1 || in.Days > 30 {
		f.Add("days", "延长期限最多不超过30日（复议法第62条第1款），请填写1–30")
	}
	reason := requireText(f, "reason", "延期理由", in.Reason, 1000)
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.change(ctx, u, id, in.Version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (Change, error) {
		if err := requireOpen(c); err != nil {
			return Change{}, err
		}
		if c.ProcedureValue() == Simplified {
			return Change{}, apperr.Rule("extension.simplified", "适用简易程序的案件不得延长审理期限（复议法第62条第2款）；确需延长的，先经批准转为普通程序（第55条）")
		}
		st := NewStore(tx)
		done, err := st.HasExtension(ctx, c.ID)
		if err != nil {
			return Change{}, err
		}
		if done {
			return Change{}, apperr.State("extension.once", "审理期限只能延长一次（复议法第62条第1款），本案已延长过")
		}
		f, err := s.facts(ctx, st, c)
		if err != nil {
			return Change{}, err
		}
		due, err := DecisionDue(cal, f)
		if err != nil {
			return Change{}, err
		}
		if d.After(due.DueOn) {
			return Change{}, fieldError("extension.too_late", "on", fmt.Sprintf("审理期限已于%s届满，只能在期限届满前批准延长（复议法第62条第1款）", due.DueOn))
		}
		if err := st.AddExtension(ctx, c.ID, d, in.Days, reason, u.ID); err != nil {
			return Change{}, err
		}
		return Change{Action: "case.extended", Summary: fmt.Sprintf("批准延长审理期限%d日：%s", in.Days, reason), New: map[string]any{"days": in.Days}}, nil
	})
}

// ConvertToOrdinary applies 复议法第55条: a simplified case may be converted to the ordinary procedure with
// the 复议机构负责人's approval; [H] the 60 days run from the original 受理.
func (s *Service) ConvertToOrdinary(ctx context.Context, u *auth.User, id int64, on, reason string, version int) (*View, error) {
	if u.Role != auth.RoleChief {
		return nil, apperr.New(apperr.Forbidden, "procedure.forbidden", "转为普通程序须经复议机构负责人批准（复议法第55条）")
	}
	f := apperr.Fields{}
	d := checkDate(f, "on", "批准日期", on, true, s.Today())
	reason = requireText(f, "reason", "转换理由", reason, 1000)
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.change(ctx, u, id, version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (Change, error) {
		if err := requireOpen(c); err != nil {
			return Change{}, err
		}
		if c.ProcedureValue() != Simplified {
			return Change{}, apperr.State("procedure.not_simplified", "本案适用普通程序，无需转换")
		}
		if d.Before(c.AcceptedOn) {
			return Change{}, fieldError("procedure.before_accept", "on", "批准日期不能早于受理日期")
		}
		if err := NewStore(tx).ConvertToOrdinary(ctx, c.ID, d, reason); err != nil {
			return Change{}, err
		}
		return Change{Action: "case.converted", Summary: "经批准由简易程序转为普通程序：" + reason, Old: map[string]any{"procedure": Simplified}, New: map[string]any{"procedure": Ordinary}}, nil
	})
}

// RecordCommitteeOpinion stores the 行政复议委员会's 咨询意见 (复议法第52条).
func (s *Service) RecordCommitteeOpinion(ctx context.Context, u *auth.User, id int64, on, opinion string, version int) (*View, error) {
	f := apperr.Fields{}
	d := checkDate(f, "on", "咨询意见日期", on, true, s.Today())
	opinion = requireText(f, "opinion", "咨询意见", opinion, 20000)
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.change(ctx, u, id, version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (Change, error) {
		if c.Status != StatusAccepted && c.Status != StatusSuspended {
			return Change{}, requireOpen(c)
		}
		if err := NewStore(tx).AddCommitteeOpinion(ctx, c.ID, d, opinion, u.ID); err != nil {
			return Change{}, err
		}
		return Change{Action: "case.committee_opinion", Summary: fmt.Sprintf("记录行政复议委员会咨询意见（%s）", d)}, nil
	})
}
