package cases

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"fuyi/internal/apperr"
	"fuyi/internal/auth"
	"fuyi/internal/calendar"
	"fuyi/internal/date"
)

// changeFn is the body of one state change (see Service.change).
type changeFn = func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (action, summary string, old, new map[string]any, err error)

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
func (s *Service) Assign(ctx context.Context, u *auth.User, id int64, in AssignmentInput) error {
	if u.Role != auth.RoleChief {
		return apperr.New(apperr.Forbidden, "assignment.forbidden", "只有复议机构负责人可以指派办案人员")
	}
	return s.change(ctx, u, id, in.Version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (string, string, map[string]any, map[string]any, error) {
		if c.Status != StatusAccepted && c.Status != StatusSuspended {
			return "", "", nil, nil, apperr.State("case.not_open", "只能为受理后、审结前的案件指派办案人员（当前状态：%s）", c.Status.Label())
		}
		cands, err := candidates(ctx, tx, in.OfficerIDs)
		if err != nil {
			return "", "", nil, nil, err
		}
		if err := CheckTeam(cands, in.OfficerIDs, in.LeadOfficerID, c.Complex); err != nil {
			return "", "", nil, nil, err
		}
		st := NewStore(tx)
		before, err := st.Assignment(ctx, c)
		if err != nil {
			return "", "", nil, nil, err
		}
		keep := map[int64]bool{}
		for _, id := range in.OfficerIDs {
			keep[id] = true
		}
		// remove those no longer on the team, and the lead flag where the lead changes
		if _, err := tx.ExecContext(ctx, `UPDATE case_assignments SET removed_at = now(), removed_by = $3
			WHERE case_id = $1 AND removed_at IS NULL AND (NOT (user_id = ANY($2)) OR lead <> (user_id = $4))`,
			c.ID, pq.Array(in.OfficerIDs), u.ID, in.LeadOfficerID); err != nil {
			return "", "", nil, nil, err
		}
		for _, oid := range in.OfficerIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO case_assignments (case_id, user_id, lead, assigned_by)
				SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM case_assignments WHERE case_id = $1 AND user_id = $2 AND removed_at IS NULL)`,
				c.ID, oid, oid == in.LeadOfficerID, u.ID); err != nil {
				return "", "", nil, nil, err
			}
		}
		after, err := st.Assignment(ctx, c)
		if err != nil {
			return "", "", nil, nil, err
		}
		return "case.assigned", "指派办案人员：" + teamText(after.Officers), map[string]any{"team": teamText(before.Officers)},
			map[string]any{"team": teamText(after.Officers)}, nil
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
func (s *Service) SetComplexity(ctx context.Context, u *auth.User, id int64, complex bool, reason string, version int) error {
	if u.Role != auth.RoleChief {
		return apperr.New(apperr.Forbidden, "complexity.forbidden", "只有复议机构负责人可以认定重大、复杂、疑难案件")
	}
	f := apperr.Fields{}
	reason = requireText(f, "reason", "认定理由", reason, 1000)
	if err := f.Err(); err != nil {
		return err
	}
	return s.change(ctx, u, id, version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (string, string, map[string]any, map[string]any, error) {
		if c.Status == StatusDecided || c.Status == StatusTerminated || c.Status == StatusRejected || c.Status == StatusAbandoned {
			return "", "", nil, nil, apperr.State("case.concluded", "案件已办结（%s），不能再变更复杂程度", c.Status.Label())
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET complex = $2, complex_reason = $3 WHERE id = $1`, c.ID, complex, reason); err != nil {
			return "", "", nil, nil, err
		}
		label := "认定为重大、复杂、疑难案件"
		if !complex {
			label = "取消重大、复杂、疑难认定"
		}
		return "case.complexity", label + "：" + reason, map[string]any{"complex": c.Complex}, map[string]any{"complex": complex}, nil
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
func (s *Service) RecordReply(ctx context.Context, u *auth.User, id int64, in ReplyInput) error {
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
		return err
	}
	return s.change(ctx, u, id, in.Version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (string, string, map[string]any, map[string]any, error) {
		if c.Status != StatusAccepted && c.Status != StatusSuspended {
			return "", "", nil, nil, requireOpen(c)
		}
		var cur struct {
			Sent   date.Date `db:"copy_sent_on"`
			Recv   date.Date `db:"copy_received_on"`
			Reply  date.Date `db:"reply_received_on"`
			Posted date.Date `db:"reply_postmarked_on"`
		}
		if err := tx.GetContext(ctx, &cur, `SELECT copy_sent_on, copy_received_on, reply_received_on, reply_postmarked_on FROM cases WHERE id = $1`, c.ID); err != nil {
			return "", "", nil, nil, err
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
			return "", "", nil, nil, fieldError("reply.before_accept", "copy_sent_on", fmt.Sprintf("发送副本日期不能早于受理日期%s", c.AcceptedOn))
		case !next.Recv.IsZero() && (next.Sent.IsZero() || next.Recv.Before(next.Sent)):
			return "", "", nil, nil, fieldError("reply.receipt_before_sent", "copy_received_on", "被申请人收到副本的日期不能早于发送日期")
		case !next.Reply.IsZero() && next.Sent.IsZero():
			return "", "", nil, nil, fieldError("reply.no_copy", "reply_received_on", "须先登记发送申请书副本的日期")
		case !next.Reply.IsZero() && next.Reply.Before(next.Sent):
			return "", "", nil, nil, fieldError("reply.before_copy", "reply_received_on", "收到答复日期不能早于发送副本日期")
		case !next.Posted.IsZero() && next.Reply.IsZero():
			return "", "", nil, nil, fieldError("reply.postmark_without_reply", "reply_postmarked_on", "请同时填写收到答复的日期")
		case !next.Posted.IsZero() && next.Posted.After(next.Reply):
			return "", "", nil, nil, fieldError("reply.postmark_after_receipt", "reply_postmarked_on", fmt.Sprintf("答复邮戳日期不能晚于收到答复日期%s", next.Reply))
		case !next.Posted.IsZero() && next.Posted.Before(next.Sent):
			return "", "", nil, nil, fieldError("reply.postmark_before_copy", "reply_postmarked_on", fmt.Sprintf("答复邮戳日期不能早于发送副本日期%s", next.Sent))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET copy_sent_on = $2, copy_received_on = $3, reply_received_on = $4, reply_postmarked_on = $5 WHERE id = $1`,
			c.ID, next.Sent, next.Recv, next.Reply, next.Posted); err != nil {
			return "", "", nil, nil, err
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
		return "case.reply", strings.Join(parts, "；"),
			map[string]any{"copy_sent_on": cur.Sent, "reply_received_on": cur.Reply},
			map[string]any{"copy_sent_on": next.Sent, "reply_received_on": next.Reply}, nil
	})
}

// Suspend records 中止 (复议法第39条) from a date; the decision clock stops until Resume.
func (s *Service) Suspend(ctx context.Context, u *auth.User, id int64, on, ground, note string, version int) error {
	if u.Role != auth.RoleChief {
		return apperr.New(apperr.Forbidden, "suspension.forbidden", "只有复议机构负责人可以决定中止审理")
	}
	f := apperr.Fields{}
	d := checkDate(f, "on", "中止日期", on, true, s.Today())
	g, _ := GroundOf(SuspensionGrounds, ground)
	GroundEnum("中止情形（复议法第39条第1款）", SuspensionGrounds).Add(f, "ground", ground)
	if err := f.Err(); err != nil {
		return err
	}
	return s.change(ctx, u, id, version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (string, string, map[string]any, map[string]any, error) {
		if err := requireOpen(c); err != nil {
			return "", "", nil, nil, err
		}
		if d.Before(c.AcceptedOn) {
			return "", "", nil, nil, fieldError("suspension.before_accept", "on", fmt.Sprintf("中止日期不能早于受理日期%s", c.AcceptedOn))
		}
		var lastEnd date.Date
		tx.GetContext(ctx, &lastEnd, `SELECT coalesce(max(ended_on), '0001-01-01') FROM case_pauses WHERE case_id = $1`, c.ID)
		if !lastEnd.IsZero() && d.Before(lastEnd) {
			return "", "", nil, nil, fieldError("suspension.overlap", "on", fmt.Sprintf("中止日期不能早于上次恢复审理的日期%s", lastEnd))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_pauses (case_id, ground, note, started_on, started_by) VALUES ($1, $2, $3, $4, $5)`,
			c.ID, g.Code, strings.TrimSpace(note), d, u.ID); err != nil {
			return "", "", nil, nil, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET status = 'suspended' WHERE id = $1`, c.ID); err != nil {
			return "", "", nil, nil, err
		}
		return "case.suspended", fmt.Sprintf("自%s中止审理：%s", d, g.Text), map[string]any{"status": c.Status},
			map[string]any{"status": StatusSuspended, "ground": g.Code}, nil
	})
}

// Resume ends the open 中止; the decision due date is recomputed from the pause intervals.
func (s *Service) Resume(ctx context.Context, u *auth.User, id int64, on string, version int) error {
	if u.Role != auth.RoleChief {
		return apperr.New(apperr.Forbidden, "resumption.forbidden", "只有复议机构负责人可以决定恢复审理")
	}
	f := apperr.Fields{}
	d := checkDate(f, "on", "恢复审理日期", on, true, s.Today())
	if err := f.Err(); err != nil {
		return err
	}
	return s.change(ctx, u, id, version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (string, string, map[string]any, map[string]any, error) {
		if c.Status != StatusSuspended {
			return "", "", nil, nil, apperr.State("case.not_suspended", "案件未处于中止状态（当前：%s）", c.Status.Label())
		}
		var started date.Date
		if err := tx.GetContext(ctx, &started, `SELECT started_on FROM case_pauses WHERE case_id = $1 AND ended_on IS NULL`, c.ID); err != nil {
			return "", "", nil, nil, err
		}
		if d.Before(started) {
			return "", "", nil, nil, fieldError("resumption.before_suspension", "on", fmt.Sprintf("恢复审理日期不能早于中止日期%s", started))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE case_pauses SET ended_on = $2, ended_by = $3 WHERE case_id = $1 AND ended_on IS NULL`, c.ID, d, u.ID); err != nil {
			return "", "", nil, nil, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET status = 'accepted' WHERE id = $1`, c.ID); err != nil {
			return "", "", nil, nil, err
		}
		return "case.resumed", fmt.Sprintf("自%s恢复审理（中止%d日不计入审理期限）", d, d.DaysSince(started)),
			map[string]any{"status": StatusSuspended}, map[string]any{"status": StatusAccepted}, nil
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
func (s *Service) Extend(ctx context.Context, u *auth.User, id int64, in ExtensionInput) error {
	if u.Role != auth.RoleChief {
		return apperr.New(apperr.Forbidden, "extension.forbidden", "延长审理期限须经复议机构负责人批准")
	}
	f := apperr.Fields{}
	d := checkDate(f, "on", "批准延期日期", in.On, true, s.Today())
	if in.Days < 1 || in.Days > 30 {
		f.Add("days", "延长期限最多不超过30日（复议法第62条第1款），请填写1–30")
	}
	reason := requireText(f, "reason", "延期理由", in.Reason, 1000)
	if err := f.Err(); err != nil {
		return err
	}
	return s.change(ctx, u, id, in.Version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (string, string, map[string]any, map[string]any, error) {
		if err := requireOpen(c); err != nil {
			return "", "", nil, nil, err
		}
		if c.ProcedureValue() == Simplified {
			return "", "", nil, nil, apperr.Rule("extension.simplified", "适用简易程序的案件不得延长审理期限（复议法第62条第2款）；确需延长的，先经批准转为普通程序（第55条）")
		}
		var done bool
		tx.GetContext(ctx, &done, `SELECT EXISTS (SELECT 1 FROM case_extensions WHERE case_id = $1)`, c.ID)
		if done {
			return "", "", nil, nil, apperr.State("extension.once", "审理期限只能延长一次（复议法第62条第1款），本案已延长过")
		}
		f, err := s.facts(ctx, NewStore(tx), c)
		if err != nil {
			return "", "", nil, nil, err
		}
		due, err := DecisionDue(cal, f)
		if err != nil {
			return "", "", nil, nil, err
		}
		if d.After(due.DueOn) {
			return "", "", nil, nil, fieldError("extension.too_late", "on", fmt.Sprintf("审理期限已于%s届满，只能在期限届满前批准延长（复议法第62条第1款）", due.DueOn))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_extensions (case_id, on_date, days, reason, approved_by) VALUES ($1, $2, $3, $4, $5)`,
			c.ID, d, in.Days, reason, u.ID); err != nil {
			return "", "", nil, nil, err
		}
		return "case.extended", fmt.Sprintf("批准延长审理期限%d日：%s", in.Days, reason), nil, map[string]any{"days": in.Days}, nil
	})
}

// ConvertToOrdinary applies 复议法第55条: a simplified case may be converted to the ordinary procedure with
// the 复议机构负责人's approval; [H] the 60 days run from the original 受理.
func (s *Service) ConvertToOrdinary(ctx context.Context, u *auth.User, id int64, on, reason string, version int) error {
	if u.Role != auth.RoleChief {
		return apperr.New(apperr.Forbidden, "procedure.forbidden", "转为普通程序须经复议机构负责人批准（复议法第55条）")
	}
	f := apperr.Fields{}
	d := checkDate(f, "on", "批准日期", on, true, s.Today())
	reason = requireText(f, "reason", "转换理由", reason, 1000)
	if err := f.Err(); err != nil {
		return err
	}
	return s.change(ctx, u, id, version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (string, string, map[string]any, map[string]any, error) {
		if err := requireOpen(c); err != nil {
			return "", "", nil, nil, err
		}
		if c.ProcedureValue() != Simplified {
			return "", "", nil, nil, apperr.State("procedure.not_simplified", "本案适用普通程序，无需转换")
		}
		if d.Before(c.AcceptedOn) {
			return "", "", nil, nil, fieldError("procedure.before_accept", "on", "批准日期不能早于受理日期")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET procedure = 'ordinary', converted_on = $2, conversion_reason = $3 WHERE id = $1`, c.ID, d, reason); err != nil {
			return "", "", nil, nil, err
		}
		return "case.converted", "经批准由简易程序转为普通程序：" + reason, map[string]any{"procedure": Simplified}, map[string]any{"procedure": Ordinary}, nil
	})
}

// RecordCommitteeOpinion stores the 行政复议委员会's 咨询意见 (复议法第52条).
func (s *Service) RecordCommitteeOpinion(ctx context.Context, u *auth.User, id int64, on, opinion string, version int) error {
	f := apperr.Fields{}
	d := checkDate(f, "on", "咨询意见日期", on, true, s.Today())
	opinion = requireText(f, "opinion", "咨询意见", opinion, 20000)
	if err := f.Err(); err != nil {
		return err
	}
	return s.change(ctx, u, id, version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (string, string, map[string]any, map[string]any, error) {
		if c.Status != StatusAccepted && c.Status != StatusSuspended {
			return "", "", nil, nil, requireOpen(c)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO committee_opinions (case_id, given_on, opinion, recorded_by) VALUES ($1, $2, $3, $4)`,
			c.ID, d, opinion, u.ID); err != nil {
			return "", "", nil, nil, err
		}
		return "case.committee_opinion", fmt.Sprintf("记录行政复议委员会咨询意见（%s）", d), nil, nil, nil
	})
}

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
func (s *Service) ProposeDecision(ctx context.Context, u *auth.User, id int64, in DecisionInput) error {
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
		return err
	}
	return s.change(ctx, u, id, in.Version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (string, string, map[string]any, map[string]any, error) {
		st := NewStore(tx)
		team, err := st.Assignment(ctx, c)
		if err != nil {
			return "", "", nil, nil, err
		}
		if team.LeadOfficerID == nil || *team.LeadOfficerID != u.ID {
			return "", "", nil, nil, apperr.New(apperr.Forbidden, "decision.lead_only", "只有本案主办人可以提出决定草案")
		}
		amending := c.Status == StatusDecided || c.Status == StatusTerminated
		if amending {
			var served bool
			tx.GetContext(ctx, &served, `SELECT served_on IS NOT NULL FROM cases WHERE id = $1`, c.ID)
			if served {
				return "", "", nil, nil, apperr.State("decision.served", "决定书已送达并发生法律效力（复议法第75条），不能再修改")
			}
		} else if err := requireOpen(c); err != nil {
			return "", "", nil, nil, err
		}
		if team.Understaffed {
			return "", "", nil, nil, apperr.Rule("decision.understaffed", "本案办案人员不足%d名，请先由负责人补充指派", team.Required)
		}
		if decided.Before(c.AcceptedOn) {
			return "", "", nil, nil, fieldError("decision.before_accept", "decided_on", fmt.Sprintf("决定日期不能早于受理日期%s", c.AcceptedOn))
		}
		if c.Complex {
			var held, opinion bool
			tx.GetContext(ctx, &held, `SELECT EXISTS (SELECT 1 FROM hearings WHERE case_id = $1 AND status = 'held')`, c.ID)
			tx.GetContext(ctx, &opinion, `SELECT EXISTS (SELECT 1 FROM committee_opinions WHERE case_id = $1)`, c.ID)
			switch {
			case !held && !typ.Terminates:
				return "", "", nil, nil, apperr.Rule("decision.hearing_required", "重大、疑难、复杂案件应当组织听证（复议法第50条第1款），本案尚无已举行的听证记录")
			case !opinion && !typ.Terminates:
				return "", "", nil, nil, apperr.Rule("decision.committee_required", "重大、疑难、复杂案件应当提请行政复议委员会提出咨询意见（复议法第52条），本案尚未记录咨询意见")
			}
		}
		var pending bool
		tx.GetContext(ctx, &pending, `SELECT EXISTS (SELECT 1 FROM decisions WHERE case_id = $1 AND status = 'proposed')`, c.ID)
		if pending {
			return "", "", nil, nil, apperr.State("decision.pending", "已有待批准的决定草案，请等待负责人审批或退回")
		}
		secJSON, _ := json.Marshal(sections)
		var version int
		if err := tx.GetContext(ctx, &version, `INSERT INTO decisions (case_id, version, type, decided_on, articles, sections, ground, perform_due_on, status, proposed_by)
			VALUES ($1, (SELECT coalesce(max(version), 0) + 1 FROM decisions WHERE case_id = $1), $2, $3, $4, $5, $6, $7, 'proposed', $8) RETURNING version`,
			c.ID, typ.Code, decided, pq.Array(articles), secJSON, in.Ground, performDue, u.ID); err != nil {
			return "", "", nil, nil, err
		}
		summary := fmt.Sprintf("提出决定草案（第%d稿）：%s，依据%s", version, typ.Label, strings.Join(articles, "、"))
		if amending {
			summary = "修改已批准的决定，" + summary + "，须重新批准"
		}
		return "decision.proposed", summary, nil, map[string]any{"type": typ.Code, "version": version, "sections": sections}, nil
	})
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
func (s *Service) ApproveDecision(ctx context.Context, u *auth.User, id int64, in ApprovalInput) error {
	if u.Role != auth.RoleChief {
		return apperr.New(apperr.Forbidden, "approval.forbidden", "只有复议机构负责人可以批准决定")
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
		return err
	}
	return s.change(ctx, u, id, in.Version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (string, string, map[string]any, map[string]any, error) {
		var d struct {
			ID        int64     `db:"id"`
			Version   int       `db:"version"`
			Type      string    `db:"type"`
			DecidedOn date.Date `db:"decided_on"`
		}
		if err := tx.GetContext(ctx, &d, `SELECT id, version, type, decided_on FROM decisions WHERE case_id = $1 AND status = 'proposed'`, c.ID); err != nil {
			return "", "", nil, nil, apperr.State("decision.none_pending", "本案没有待批准的决定草案")
		}
		typ, _ := DecisionTypeOf(d.Type)
		if !in.Approve {
			if _, err := tx.ExecContext(ctx, `UPDATE decisions SET status = 'returned', return_reason = $2 WHERE id = $1`, d.ID, in.Reason); err != nil {
				return "", "", nil, nil, err
			}
			return "decision.returned", fmt.Sprintf("退回决定草案（第%d稿）：%s", d.Version, in.Reason), nil, nil, nil
		}
		if c.Status == StatusSuspended {
			return "", "", nil, nil, apperr.State("case.suspended", "案件已中止审理，恢复审理后才能批准决定")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE decisions SET status = 'superseded' WHERE case_id = $1 AND status = 'approved'`, c.ID); err != nil {
			return "", "", nil, nil, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE decisions SET status = 'approved', approved_by = $2, approved_at = now(), approval_mode = $3 WHERE id = $1`,
			d.ID, u.ID, in.Mode); err != nil {
			return "", "", nil, nil, err
		}
		status := StatusDecided
		if typ.Terminates {
			status = StatusTerminated
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET status = $2, concluded_on = $3, outcome = $4 WHERE id = $1`, c.ID, status, d.DecidedOn, typ.Code); err != nil {
			return "", "", nil, nil, err
		}
		how := "负责人批准"
		if in.Mode == "collective" {
			how = "集体讨论通过"
		}
		return "decision.approved", fmt.Sprintf("决定（第%d稿，%s）经%s，%s于%s审结", d.Version, typ.Label, how, status.Label(), d.DecidedOn),
			map[string]any{"status": c.Status}, map[string]any{"status": status, "type": typ.Code, "version": d.Version}, nil
	})
}

// ServeDecision records 送达 (复议法第75条: the decision takes effect on service); the applicant's 15 days to
// sue start (行政诉讼法第45条).
func (s *Service) ServeDecision(ctx context.Context, u *auth.User, id int64, on string, version int) error {
	f := apperr.Fields{}
	d := checkDate(f, "served_on", "送达日期", on, true, s.Today())
	if err := f.Err(); err != nil {
		return err
	}
	return s.change(ctx, u, id, version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (string, string, map[string]any, map[string]any, error) {
		if c.Status != StatusDecided && c.Status != StatusTerminated {
			return "", "", nil, nil, apperr.State("decision.not_approved", "决定尚未批准，不能送达")
		}
		var cur struct {
			Concluded date.Date `db:"concluded_on"`
			Served    date.Date `db:"served_on"`
		}
		tx.GetContext(ctx, &cur, `SELECT concluded_on, served_on FROM cases WHERE id = $1`, c.ID)
		if !cur.Served.IsZero() {
			return "", "", nil, nil, apperr.State("decision.already_served", "决定书已于%s送达", cur.Served)
		}
		var pending bool
		tx.GetContext(ctx, &pending, `SELECT EXISTS (SELECT 1 FROM decisions WHERE case_id = $1 AND status = 'proposed')`, c.ID)
		if pending {
			return "", "", nil, nil, apperr.State("decision.pending", "有待批准的修改稿，批准或退回后才能送达")
		}
		if d.Before(cur.Concluded) {
			return "", "", nil, nil, fieldError("service.before_decision", "served_on", fmt.Sprintf("送达日期不能早于决定日期%s", cur.Concluded))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET served_on = $2 WHERE id = $1`, c.ID, d); err != nil {
			return "", "", nil, nil, err
		}
		return "decision.served", fmt.Sprintf("决定书于%s送达，申请人可自收到之日起15日内提起行政诉讼", d), nil, map[string]any{"served_on": d}, nil
	})
}

// RecordPerformance records that the respondent performed the decision or 调解书 (复议法第77条).
func (s *Service) RecordPerformance(ctx context.Context, u *auth.User, id int64, on, note string, version int) error {
	f := apperr.Fields{}
	d := checkDate(f, "performed_on", "履行日期", on, true, s.Today())
	note = strings.TrimSpace(note)
	if err := f.Err(); err != nil {
		return err
	}
	return s.change(ctx, u, id, version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (string, string, map[string]any, map[string]any, error) {
		var row struct {
			Type   string    `db:"type"`
			Served date.Date `db:"served_on"`
		}
		if err := tx.GetContext(ctx, &row, `SELECT d.type, c.served_on FROM decisions d JOIN cases c ON c.id = d.case_id WHERE d.case_id = $1 AND d.status = 'approved'`, c.ID); err != nil {
			return "", "", nil, nil, apperr.State("performance.no_decision", "本案尚无已批准的决定")
		}
		typ, _ := DecisionTypeOf(row.Type)
		if !typ.RequiresPerformance() {
			return "", "", nil, nil, apperr.State("performance.not_required", "%s决定无需被申请人履行", typ.Label)
		}
		if row.Served.IsZero() {
			return "", "", nil, nil, apperr.State("performance.not_served", "决定书尚未送达，送达后才发生效力（复议法第75条）")
		}
		if d.Before(row.Served) {
			return "", "", nil, nil, fieldError("performance.before_service", "performed_on", "履行日期不能早于送达日期")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET performed_on = $2, performance_note = $3 WHERE id = $1`, c.ID, d, note); err != nil {
			return "", "", nil, nil, err
		}
		return "decision.performed", fmt.Sprintf("被申请人于%s履行%s %s", d, typ.Document, note), nil, nil, nil
	})
}

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
func (s *Service) IssueOpinionLetter(ctx context.Context, u *auth.User, id int64, in OpinionLetterInput) error {
	if u.Role != auth.RoleChief {
		return apperr.New(apperr.Forbidden, "opinion.forbidden", "意见书须经复议机构负责人制发")
	}
	f := apperr.Fields{}
	if in.Kind == "" {
		in.Kind = "opinion"
	}
	if in.Kind != "opinion" && in.Kind != "suggestion" {
		f.Add("kind", "类型须为 opinion（意见书）或 suggestion（建议书）")
	}
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
		return err
	}
	return s.change(ctx, u, id, in.Version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (string, string, map[string]any, map[string]any, error) {
		if c.Status != StatusAccepted && c.Status != StatusSuspended && c.Status != StatusDecided && c.Status != StatusTerminated {
			return "", "", nil, nil, apperr.State("case.not_accepted", "只能对已受理的案件制发意见书")
		}
		if issued.Before(c.AcceptedOn) {
			return "", "", nil, nil, fieldError("opinion.before_accept", "issued_on", "制发日期不能早于受理日期")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO opinion_letters (case_id, kind, issued_on, received_on, content, issued_by) VALUES ($1, $2, $3, $4, $5, $6)`,
			c.ID, in.Kind, issued, received, content, u.ID); err != nil {
			return "", "", nil, nil, err
		}
		if !ReportDue(in.Kind) {
			return "opinion.issued", fmt.Sprintf("制发行政复议建议书（%s），向有关机关提出完善制度和改进行政执法的建议（实施条例第57条第2款）", issued), nil, nil, nil
		}
		return "opinion.issued", fmt.Sprintf("制发行政复议意见书（%s），有关机关应自收到之日起60日内报送纠正情况（复议法第76条）", issued), nil, nil, nil
	})
}

// ReportOpinionLetter records the respondent's report on a 意见书 (落实反馈).
func (s *Service) ReportOpinionLetter(ctx context.Context, u *auth.User, id, letterID int64, on, content string, version int) error {
	f := apperr.Fields{}
	d := checkDate(f, "reported_on", "报送日期", on, true, s.Today())
	content = requireText(f, "content", "纠正情况", content, 20000)
	if err := f.Err(); err != nil {
		return err
	}
	return s.change(ctx, u, id, version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (string, string, map[string]any, map[string]any, error) {
		var l struct {
			Kind     string    `db:"kind"`
			Received date.Date `db:"received_on"`
			Reported date.Date `db:"reported_on"`
		}
		if err := tx.GetContext(ctx, &l, `SELECT kind, received_on, reported_on FROM opinion_letters WHERE id = $1 AND case_id = $2`, letterID, c.ID); err != nil {
			return "", "", nil, nil, apperr.New(apperr.NotFound, "opinion.not_found", "意见书不存在")
		}
		if !l.Reported.IsZero() {
			return "", "", nil, nil, apperr.State("opinion.reported", "已于%s登记纠正情况", l.Reported)
		}
		if d.Before(l.Received) {
			return "", "", nil, nil, fieldError("opinion.before_receipt", "reported_on", "报送日期不能早于收到意见书日期")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE opinion_letters SET reported_on = $2, report_content = $3 WHERE id = $1`, letterID, d, content); err != nil {
			return "", "", nil, nil, err
		}
		if !ReportDue(l.Kind) {
			return "opinion.reported", fmt.Sprintf("有关机关于%s反馈建议书落实情况", d), nil, nil, nil
		}
		return "opinion.reported", fmt.Sprintf("有关机关于%s报送意见书纠正情况", d), nil, nil, nil
	})
}

// RequireText validates a required text field (exported for features built on cases).
func RequireText(f apperr.Fields, field, label, v string, max int) string {
	return requireText(f, field, label, v, max)
}
