package cases

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/apperr"
	"fuyi/internal/auth"
	"fuyi/internal/calendar"
)

// ReviewOutcomes are the outcomes of 受理审查 (复议法第30–31条).
var ReviewOutcomes = apperr.NewEnum("审查结果", "accept", "受理", "correction", "通知补正", "reject", "不予受理",
	"inform", "不属于本机关管辖，不予受理并告知有管辖权的机关")

// ReviewInput is the body of POST /api/v1/cases/{id}/review.
type ReviewInput struct {
	Outcome           string   `json:"outcome"`
	On                string   `json:"on"`
	Procedure         string   `json:"procedure"`
	SimplifiedGrounds []string `json:"simplified_grounds"`
	Reason            string   `json:"reason"`
	Items             []string `json:"items"`
	// ServedOn is, for a 补正 notice handed to the applicant at once, the day of service (复议法第31条第2款).
	ServedOn string `json:"served_on"`
	Version  int    `json:"version"`
}

// Review records the outcome of 受理审查 (复议法第30–31条): accept (ordinary or simplified), ask for 补正, or
// 不予受理. Acceptance assigns the case number in the same transaction.
func (s *Service) Review(ctx context.Context, u *auth.User, id int64, in ReviewInput) (*View, error) {
	if u.Role != auth.RoleChief {
		return nil, ErrOnlyChiefReview
	}
	f := apperr.Fields{}
	on := checkDate(f, "on", "审查决定日期", in.On, true, s.Today())
	served := checkDate(f, "served_on", "补正通知送达日期", in.ServedOn, false, s.Today())
	if !served.IsZero() && in.Outcome != "correction" {
		f.Add("served_on", "只有通知补正时才填写补正通知送达日期")
	}
	if !served.IsZero() && !on.IsZero() && served.Before(on) {
		f.Add("served_on", "补正通知送达日期不能早于通知日期（%s）", on)
	}
	switch in.Outcome {
	case "accept":
		if in.Procedure != string(Ordinary) && in.Procedure != string(Simplified) {
			f.Add("procedure", "受理时须选择审理程序：ordinary（普通程序）或 simplified（简易程序）")
		}
		if in.Procedure == string(Simplified) {
			if len(in.SimplifiedGrounds) == 0 {
				f.Add("simplified_grounds", "适用简易程序须说明复议法第53条规定的情形")
			}
			for _, g := range in.SimplifiedGrounds {
				apperr.EnumOf("简易程序适用情形（复议法第53条）", SimplifiedGrounds).Add(f, "simplified_grounds", g)
			}
		}
	case "correction":
		var items []string
		for _, it := range in.Items {
			if it = strings.TrimSpace(it); it != "" {
				items = append(items, it)
			}
		}
		if len(items) == 0 {
			f.Add("items", "补正通知须一次性列明全部需要补正的事项（复议法第31条第1款）")
		}
		for i, it := range items {
			if len([]rune(it)) > 500 {
				f.Add(fmt.Sprintf("items[%d]", i), "每项补正事项不超过500字")
			}
		}
		in.Items = items
	case "reject", "inform":
		if strings.TrimSpace(in.Reason) == "" {
			f.Add("reason", "不予受理须说明理由（复议法第30条第2款）")
		}
	default:
		ReviewOutcomes.Add(f, "outcome", in.Outcome)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.change(ctx, u, id, in.Version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (Change, error) {
		st := NewStore(tx)
		corr, err := c.correction(ctx, st)
		if err != nil {
			return Change{}, err
		}
		switch {
		case c.Status == StatusCorrection && corr != nil && corr.ReceivedOn.IsZero():
			return Change{}, apperr.State("case.awaiting_correction", "已于%s通知补正，须先登记补正材料的收到日期，才能重新审查", corr.RequestedOn)
		case c.Status != StatusRegistered && c.Status != StatusCorrection:
			return Change{}, apperr.State("case.already_reviewed", "该申请已审查完毕（当前状态：%s），不能重复审查", c.Status.Label())
		}
		if on.Before(c.ReviewFrom) {
			return Change{}, fieldError("review.before_receipt", "on", fmt.Sprintf("审查决定日期不能早于收到申请（或补正材料）的日期%s", c.ReviewFrom))
		}
		reviewDue, err := reviewPeriodEnd(cal, c.ReviewFrom)
		if err != nil {
			return Change{}, err
		}
		lapsed := on.After(reviewDue.Date)
		old := map[string]any{"status": c.Status}
		switch in.Outcome {
		case "correction":
			if corr != nil {
				return Change{}, apperr.State("case.correction_once", "补正通知应当一次性载明全部补正事项（复议法第31条第1款），本申请已于%s通知过补正", corr.RequestedOn)
			}
			if lapsed {
				return Change{}, fieldError("review.lapsed", "on", fmt.Sprintf("审查期限已于%s届满，依复议法第30条第3款视为受理，不能再通知补正；请作受理处理", reviewDue.Date))
			}
			if err := st.RequestCorrection(ctx, c.ID, on, in.Items, u.ID, served); err != nil {
				return Change{}, err
			}
			summary := fmt.Sprintf("通知补正（%d项）：%s", len(in.Items), strings.Join(in.Items, "；"))
			if !served.IsZero() {
				summary += fmt.Sprintf("；补正通知于%s送达申请人", served)
			}
			return Change{Action: "case.correction_requested", Summary: summary, Old: old, New: map[string]any{"status": StatusCorrection, "items": in.Items}}, nil
		case "reject", "inform":
			if lapsed {
				return Change{}, fieldError("review.lapsed", "on", fmt.Sprintf("审查期限已于%s届满，依复议法第30条第3款视为受理，不能再决定不予受理；受理后不符合受理条件的，依第33条决定驳回申请", reviewDue.Date))
			}
			if err := st.Reject(ctx, c.ID, on, strings.TrimSpace(in.Reason), in.Outcome); err != nil {
				return Change{}, err
			}
			label := "决定不予受理："
			if in.Outcome == "inform" {
				label = "不属于本机关管辖，决定不予受理并告知申请人有管辖权的行政复议机关："
			}
			return Change{Action: "case.rejected", Summary: label + strings.TrimSpace(in.Reason), Old: old, New: map[string]any{"status": StatusRejected, "rejected_on": on}}, nil
		}
		// accept: 视为受理 when the review period lapsed (复议法第30条第3款): the clock then runs from its end.
		acceptedOn, deemed := on, false
		if lapsed {
			acceptedOn, deemed = reviewDue.Date, true
		}
		serial, prefix, err := st.NextCaseSerial(ctx, c.ID, acceptedOn.Year())
		if err != nil {
			return Change{}, err
		}
		caseNo := fmt.Sprintf("%s〔%d〕%d号", prefix, acceptedOn.Year(), serial)
		grounds := in.SimplifiedGrounds
		if in.Procedure != string(Simplified) {
			grounds = nil
		}
		if err := st.Accept(ctx, c.ID, acceptedOn, deemed, in.Procedure, nonNil(grounds), serial, caseNo); err != nil {
			return Change{}, err
		}
		summary := fmt.Sprintf("决定受理，案号%s，适用%s", caseNo, Procedure(in.Procedure).Label())
		if deemed {
			summary += fmt.Sprintf("；审查期限已于%s届满，依复议法第30条第3款视为受理，受理日期以期限届满日计", reviewDue.Date)
		}
		return Change{Action: "case.accepted", Summary: summary, Old: old, New: map[string]any{"status": StatusAccepted, "case_no": caseNo,
			"accepted_on": acceptedOn, "procedure": in.Procedure}}, nil
	})
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// CorrectionReceived records the receipt of the 补正 materials; a new 5-working-day review starts
// (复议法第31条第3款).
func (s *Service) CorrectionReceived(ctx context.Context, u *auth.User, id int64, on string, version int) (*View, error) {
	f := apperr.Fields{}
	d := checkDate(f, "on", "补正材料收到日期", on, true, s.Today())
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.change(ctx, u, id, version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (Change, error) {
		st := NewStore(tx)
		corr, err := c.correction(ctx, st)
		if err != nil {
			return Change{}, err
		}
		if c.Status != StatusCorrection || corr == nil {
			return Change{}, apperr.State("case.no_correction", "该申请没有待补正的通知（当前状态：%s）", c.Status.Label())
		}
		if !corr.ReceivedOn.IsZero() {
			return Change{}, apperr.State("case.correction_received", "补正材料已于%s登记收到", corr.ReceivedOn)
		}
		if d.Before(corr.RequestedOn) {
			return Change{}, fieldError("correction.before_notice", "on", fmt.Sprintf("补正材料收到日期不能早于补正通知日期%s", corr.RequestedOn))
		}
		if err := st.CorrectionReceived(ctx, c.ID, d); err != nil {
			return Change{}, err
		}
		summary := fmt.Sprintf("收到补正材料（%s），重新开始受理审查", d)
		// without the calendar of that year the note is left out: the receipt itself is recorded all the same
		if corr.ServedOn.IsZero() {
			summary += "；补正通知送达日期未登记"
		} else if due, err := cal.AddWorkdays(corr.ServedOn, 10); err == nil && d.After(due.Date) {
			summary += fmt.Sprintf("；注意：补正期限已于%s届满（复议法第31条第2款），请审查是否有正当理由", due.Date)
		}
		return Change{Action: "case.correction_received", Summary: summary, Old: map[string]any{"review_from": c.ReviewFrom}, New: map[string]any{"review_from": d}}, nil
	})
}

// CorrectionServed records the day the applicant received the 补正 notice: the 10 working days of 复议法第31条
// 第2款 run from it. Until then the 补正 deadline waits (待送达).
func (s *Service) CorrectionServed(ctx context.Context, u *auth.User, id int64, on string, version int) (*View, error) {
	f := apperr.Fields{}
	d := checkDate(f, "served_on", "补正通知送达日期", on, true, s.Today())
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.change(ctx, u, id, version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (Change, error) {
		st := NewStore(tx)
		corr, err := c.correction(ctx, st)
		if err != nil {
			return Change{}, err
		}
		switch {
		case corr == nil:
			return Change{}, apperr.State("case.no_correction", "该申请没有补正通知")
		case !corr.ServedOn.IsZero():
			return Change{}, apperr.State("correction.already_served", "补正通知已登记于%s送达", corr.ServedOn)
		case d.Before(corr.RequestedOn):
			return Change{}, fieldError("correction.served_before_notice", "served_on", fmt.Sprintf("送达日期不能早于补正通知日期%s", corr.RequestedOn))
		case !corr.ReceivedOn.IsZero() && d.After(corr.ReceivedOn):
			return Change{}, fieldError("correction.served_after_materials", "served_on", fmt.Sprintf("送达日期不能晚于收到补正材料的日期%s", corr.ReceivedOn))
		}
		if err := st.CorrectionServed(ctx, c.ID, d); err != nil {
			return Change{}, err
		}
		return Change{Action: "case.correction_served", Summary: fmt.Sprintf("补正通知于%s送达申请人，补正期限自该日起计算（复议法第31条第2款）", d),
			New: map[string]any{"served_on": d}}, nil
	})
}
