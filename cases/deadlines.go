package cases

import (
	"errors"
	"fmt"
	"strings"

	"fuyi/internal/apperr"
	"fuyi/internal/calendar"
	"fuyi/internal/date"
)

// Deadline kinds.
const (
	DeadlineReview     = "review"     // 受理审查 (复议法第30条)
	DeadlineCorrection = "correction" // 申请人补正 (第31条第2款)
	DeadlineCopy       = "copy"       // 发送申请书副本 (第48条/第54条)
	DeadlineReply      = "reply"      // 被申请人答复 (第48条/第54条)
	DeadlineDecision   = "decision"   // 作出决定 (第62条)
	DeadlineLitigation = "litigation" // 申请人起诉期限 (行政诉讼法第45条)
	DeadlinePerform    = "performance"
	DeadlineOpinion    = "opinion_report"   // 意见书 纠正情况报送 (第76条)
	DeadlineSuspension = "suspension_limit" // 中止满60日 → 终止 (第41条第5项)
)

var deadlineLabels = map[string]string{
	DeadlineReview:     "受理审查",
	DeadlineCorrection: "申请人补正",
	DeadlineCopy:       "发送申请书副本",
	DeadlineReply:      "被申请人答复",
	DeadlineDecision:   "作出行政复议决定",
	DeadlineLitigation: "申请人起诉期限",
	DeadlinePerform:    "被申请人履行",
	DeadlineOpinion:    "意见书纠正情况报送",
	DeadlineSuspension: "中止满60日应终止",
	DeadlineCopyReport: "抄告上一级主管部门",
	DeadlineOrder:      "责令限期履行",
}

// Deadlines of a case that the supervision feature keeps (the derived ones of Compute leave them alone).
const (
	DeadlineCopyReport = "copy_report"       // 抄告 on the day the document took effect (复议法第79条第2款)
	DeadlineOrder      = "performance_order" // the time limit of a 责令限期履行通知书 (复议法第77条)
)

// ForeignDeadlineKinds are the deadline kinds of a case that other features own.
var ForeignDeadlineKinds = []string{DeadlineCopyReport, DeadlineOrder}

// DeadlineLabel names a deadline kind in Chinese.
func DeadlineLabel(kind string) string {
	if l, ok := deadlineLabels[kind]; ok {
		return l
	}
	return kind
}

// Pause is a 中止 interval [From, To); To is zero while the case is still suspended.
type Pause struct {
	From   date.Date
	To     date.Date
	Ground string
}

// LetterFact is a 意见书 or 建议书 with its receipt and report dates.
type LetterFact struct {
	ID         int64     `db:"id"`
	Kind       string    `db:"kind"` // opinion (意见书) or suggestion (建议书)
	ReceivedOn date.Date `db:"received_on"`
	ReportedOn date.Date `db:"reported_on"`
}

// Facts are what the clock depends on. Every deadline is recomputed from them.
type Facts struct {
	ReceivedOn         date.Date
	Correction         *Correction // 补正 notice, if any
	CorrectionServedOn date.Date   // the applicant received the 补正 notice; zero while unknown (待送达)
	AcceptedOn         date.Date
	DeemedAccepted     bool // 视为受理 at the end of the review period (复议法第30条第3款)
	RejectedOn         date.Date
	TransferredOn      date.Date // 转送 to the competent organ: the review ends there
	Procedure          Procedure
	ConvertedOn        date.Date // simplified → ordinary (复议法第55条)
	CopySentOn         date.Date
	CopyReceivedOn     date.Date // receipt of the copy by the respondent; defaults to CopySentOn
	ReplyReceivedOn    date.Date
	ReplyPostmarkedOn  date.Date // the 答复 came by post: the postmark date (民事诉讼法第85条第4款)
	Pauses             []Pause
	ExtensionDays      int
	ConcludedOn        date.Date // decision approved or case terminated
	Abandoned          bool
	DecisionType       string    // approved decision type
	ServedOn           date.Date // 送达 of the decision
	PerformDueOn       date.Date // time limit for performance set in the decision
	PerformedOn        date.Date
	Letters            []LetterFact
}

// Compute derives all deadlines of a case from its facts. A deadline that reaches a year with no calendar is
// returned as pending with the reason as its basis; nothing is guessed.
func Compute(cal *calendar.Calendar, f Facts) ([]Deadline, error) {
	var out []Deadline
	add := func(d Deadline, err error) error {
		if err != nil {
			var e *apperr.Error
			if errors.As(err, &e) && e.Code == "calendar.year_missing" {
				d.Status, d.DueOn, d.MetOn = DeadlinePending, date.Date{}, date.Date{}
				d.Basis += "；" + e.Message
				out = append(out, d)
				return nil
			}
			return err
		}
		d.Basis += adjustedWorkday(cal, d.DueOn)
		out = append(out, d)
		return nil
	}

	if err := add(reviewDeadline(cal, f)); err != nil {
		return nil, err
	}
	if f.Correction != nil {
		if err := add(CorrectionDeadline(cal, f)); err != nil {
			return nil, err
		}
	}
	if f.AcceptedOn.IsZero() {
		return out, nil
	}
	for _, kind := range []string{DeadlineCopy, DeadlineReply} {
		if kind == DeadlineReply && f.CopySentOn.IsZero() {
			break // the reply period starts with the respondent's receipt of the copy
		}
		d, err := dutyDeadline(cal, f, kind)
		if err == nil {
			var keep bool
			if d, keep = atConclusion(d, f.ConcludedOn); !keep {
				continue
			}
		}
		if err := add(d, err); err != nil {
			return nil, err
		}
	}
	if err := add(DecisionDue(cal, f)); err != nil {
		return nil, err
	}
	if d, ok := SuspensionLimit(f); ok {
		if err := add(d, nil); err != nil {
			return nil, err
		}
	}
	// 行政诉讼法第45条: the applicant may sue within 15 days of receiving the decision.
	if !f.ServedOn.IsZero() {
		due, roll, err := naturalEnd(cal, f.ServedOn.AddDays(15), viaLitigation)
		d := Deadline{Kind: DeadlineLitigation, Status: DeadlineOpen, DueOn: due,
			Basis: fmt.Sprintf("申请人起诉期限：自%s收到决定书起15日（行政诉讼法第45条）%s", f.ServedOn, roll)}
		if err := add(d, err); err != nil {
			return nil, err
		}
	}
	// 复议法第77条: performance of the decision within the period it sets.
	if !f.PerformDueOn.IsZero() && !f.ServedOn.IsZero() {
		d := Deadline{Kind: DeadlinePerform, DueOn: f.PerformDueOn, MetOn: f.PerformedOn, Status: met(f.PerformedOn),
			Basis: fmt.Sprintf("被申请人履行期限：决定书确定的期限%s（复议法第77条）", f.PerformDueOn)}
		if err := add(d, nil); err != nil {
			return nil, err
		}
	}
	for _, l := range f.Letters {
		if !ReportDue(l.Kind) {
			continue
		}
		due, roll, err := naturalEnd(cal, l.ReceivedOn.AddDays(60), viaReconsideration)
		d := Deadline{Kind: DeadlineOpinion, Ref: fmt.Sprint(l.ID), DueOn: due, MetOn: l.ReportedOn, Status: met(l.ReportedOn),
			Basis: fmt.Sprintf("意见书纠正情况报送期限：被申请人自%s收到意见书起60日（复议法第76条）%s", l.ReceivedOn, roll)}
		if err := add(d, err); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func met(on date.Date) string {
	if on.IsZero() {
		return DeadlineOpen
	}
	return DeadlineMet
}

// reviewPeriodEnd is the last day of the 受理审查 period: 5 working days from receipt of the application or of
// the 补正 materials (复议法第30条第1款, 第31条第3款, 第88条第2款). Review, transfer and the deadline use it.
func reviewPeriodEnd(cal *calendar.Calendar, from date.Date) (calendar.Result, error) {
	return cal.AddWorkdays(from, 5)
}

// reviewDeadline: 受理审查 within 5 working days of receipt of the application (复议法第30条第1款, 第88条第2款);
// after 补正 a new review of 5 working days from receipt of the materials (第31条第3款). The 补正 notice ends
// the first review.
func reviewDeadline(cal *calendar.Calendar, f Facts) (Deadline, error) {
	from, what, art := f.ReceivedOn, "收到申请", "复议法第30条第1款、第88条第2款"
	metOn := date.Min2(date.Min2(f.AcceptedOn, f.RejectedOn), f.TransferredOn)
	if c := f.Correction; c != nil {
		if c.ReceivedOn.IsZero() {
			metOn = c.RequestedOn
		} else {
			from, what, art = c.ReceivedOn, "收到补正材料", "复议法第31条第3款、第30条第1款、第88条第2款"
		}
	}
	r, err := reviewPeriodEnd(cal, from)
	d := Deadline{Kind: DeadlineReview, Basis: fmt.Sprintf("受理审查期限：自%s%s起5个工作日（%s）%s", from, what, art, workdays(r))}
	d.DueOn, d.Status, d.MetOn = r.Date, met(metOn), metOn
	return d, err
}

// CorrectionDeadline applies 复议法第31条第2款: "申请人应当自收到补正通知之日起十日内提交补正材料" — 10 working
// days (第88条第2款) from the applicant's receipt of the notice, not from its issue. Until the service date is
// known the period has not started (待送达). Materials received while the service date is unknown meet the
// duty. Without good reason a late applicant is taken to have abandoned the application.
func CorrectionDeadline(cal *calendar.Calendar, f Facts) (Deadline, error) {
	c, served := f.Correction, f.CorrectionServedOn
	d := Deadline{Kind: DeadlineCorrection, MetOn: c.ReceivedOn, Status: met(c.ReceivedOn)}
	if served.IsZero() {
		d.Basis = fmt.Sprintf("补正期限：自申请人收到补正通知之日起10个工作日（复议法第31条第2款、第88条第2款）；补正通知%s发出，送达日期尚未登记", c.RequestedOn)
		switch {
		case f.Abandoned:
			d.Status, d.MetOn = DeadlineCancelled, date.Date{}
		case c.ReceivedOn.IsZero():
			d.Status, d.Basis = DeadlineUnserved, d.Basis+"，送达后开始计算"
		default:
			d.Basis += fmt.Sprintf("，%s已收到补正材料", c.ReceivedOn)
		}
		return d, nil
	}
	r, err := cal.AddWorkdays(served, 10)
	d.DueOn = r.Date
	d.Basis = fmt.Sprintf("补正期限：自%s收到补正通知起10个工作日（复议法第31条第2款、第88条第2款）%s，无正当理由逾期不补正的视为放弃行政复议申请", served, workdays(r))
	if f.Abandoned {
		d.Status, d.MetOn = DeadlineCancelled, date.Date{}
	}
	return d, err
}

// dutyDeadline computes the copy and reply duties. 复议法第48条 (ordinary): the 申请书副本 goes to the respondent
// within 7 working days of 受理, the respondent replies within 10 working days of receiving it; 第54条
// (simplified): 3 and 5. The reply is met on the day it was posted when it came by post (民事诉讼法第85条第4款,
// applied by 复议法第88条第1款).
func dutyDeadline(cal *calendar.Calendar, f Facts, kind string) (Deadline, error) {
	var from, metOn date.Date
	var simple, ordinary int
	var head, posted string
	switch kind {
	case DeadlineCopy:
		words, art := acceptance(f)
		from, metOn, simple, ordinary = f.AcceptedOn, f.CopySentOn, 3, 7
		head = "发送申请书副本期限：自" + words + "起%d个工作日（复议法" + art + "%s）"
	case DeadlineReply:
		from = f.CopyReceivedOn
		if from.IsZero() {
			from = f.CopySentOn
		}
		metOn, simple, ordinary = f.ReplyReceivedOn, 5, 10
		if !f.ReplyPostmarkedOn.IsZero() && !metOn.IsZero() {
			metOn = date.Min2(f.ReplyPostmarkedOn, f.ReplyReceivedOn)
			posted = postedNote("答复", f.ReplyPostmarkedOn, f.ReplyReceivedOn, viaReconsideration)
		}
		head = "被申请人答复期限：自" + from.String() + "收到申请书副本起%d个工作日（复议法%s）"
	}
	simplified, note, err := simplifiedPeriodApplies(cal, f, from, simple, metOn)
	if err != nil {
		return Deadline{Kind: kind, Basis: fmt.Sprintf(head, simple, "第54条、第88条第2款")}, err
	}
	days, art := ordinary, "第48条、第88条第2款"
	if simplified {
		days, art = simple, "第54条、第88条第2款"
	}
	r, err := cal.AddWorkdays(from, days)
	d := Deadline{Kind: kind, DueOn: r.Date, MetOn: metOn, Status: met(metOn),
		Basis: fmt.Sprintf(head, days, art) + workdays(r) + note + posted}
	return d, err
}

// simplifiedPeriodApplies says whether a copy or reply duty (counted from `from`, simple working days under
// 复议法第54条) runs under the simplified procedure. After a conversion to the ordinary procedure (第55条)
// a duty that had fallen due, or had been performed, before the conversion keeps its 第54条 period and status
// — converting does not undo a missed 第54条 deadline; only duties still open at the conversion move to the
// 第48条 periods. The note says which.
func simplifiedPeriodApplies(cal *calendar.Calendar, f Facts, from date.Date, simple int, metOn date.Date) (bool, string, error) {
	if f.Procedure == Simplified {
		return true, "", nil
	}
	if f.ConvertedOn.IsZero() {
		return false, "", nil
	}
	r, err := cal.AddWorkdays(from, simple)
	if err != nil {
		return false, "", err
	}
	if r.Date.Before(f.ConvertedOn) || !metOn.IsZero() && !metOn.After(f.ConvertedOn) {
		return true, fmt.Sprintf("；%s转为普通程序前已届满或已履行，仍按简易程序期限计算", f.ConvertedOn), nil
	}
	return false, fmt.Sprintf("；%s经批准转为普通程序（复议法第55条），尚未届满的期限按普通程序计算", f.ConvertedOn), nil
}

// atConclusion decides what becomes of a copy or reply duty when the case concludes. A duty performed stays
// met; one that fell due before the conclusion and was never performed stays visible as a breach of 复议法第48条
// or 第54条 (逾期未履行) — concluding a case does not erase it; one not yet due at the conclusion lapses with the
// case (keep false).
func atConclusion(d Deadline, concludedOn date.Date) (Deadline, bool) {
	if concludedOn.IsZero() || d.Status != DeadlineOpen {
		return d, true
	}
	if d.DueOn.Before(concludedOn) {
		d.Status = DeadlineBreached
		d.Basis += fmt.Sprintf("；案件已于%s审结，该期限届满时未履行", concludedOn)
		return d, true
	}
	return d, false
}

// DecisionDue applies 复议法第62条: the decision within 60 days of 受理 (ordinary, 第1款) or 30 days (simplified,
// 第2款); in complicated cases the 行政复议机构负责人 may extend it, with written notice to the parties, by at most
// 30 days (ordinary only).
//
// Step 1, [H] for 中止 (中止期间不计入; the law is silent on how): the original period ends on
//
//	end = first working day on or after (受理 + 60 (or 30) + Σ(恢复 − 中止))
//
// — moved off a 法定休假日 by 民事诉讼法第85条第3款 (复议法第88条第1款). [H] after a conversion from simplified to
// ordinary the 60 days run from the original 受理.
//
// Step 2, the law: an extension runs from the end of the original period as moved in step 1, and is moved
// again if it ends on a 法定休假日: due = first working day on or after (end + extension). 受理 2024-08-02 → +60
// = 2024-10-01 (国庆) → 2024-10-08 → +30 → 2024-11-07.
//
// While a pause is open the case has no due date (status suspended).
func DecisionDue(cal *calendar.Calendar, f Facts) (Deadline, error) {
	days, art := 60, "第62条第1款"
	if f.Procedure == Simplified {
		days, art = 30, "第62条第2款"
	}
	words, deemed := acceptance(f)
	head := fmt.Sprintf("行政复议决定期限：自%s起%d日（复议法%s%s）", words, days, deemed, art)
	var parts []string
	if !f.ConvertedOn.IsZero() {
		parts = append(parts, fmt.Sprintf("%s经批准由简易程序转为普通程序（复议法第55条），自原受理之日起计算", f.ConvertedOn))
	}
	paused := 0
	for _, p := range f.Pauses {
		if p.To.IsZero() {
			return Deadline{Kind: DeadlineDecision, Status: DeadlineSuspended,
				Basis: head + fmt.Sprintf("；自%s起中止审理，恢复审理后继续计算，中止期间不计入", p.From)}, nil
		}
		n := p.To.DaysSince(p.From)
		paused += n
		parts = append(parts, fmt.Sprintf("中止%d日（%s至%s）不计入", n, p.From, p.To))
	}
	basis := head
	if len(parts) > 0 {
		basis += "，" + strings.Join(parts, "，")
	}
	due, roll, err := naturalEnd(cal, f.AcceptedOn.AddDays(days+paused), viaReconsideration)
	d := Deadline{Kind: DeadlineDecision, Basis: basis + roll}
	if err != nil {
		return d, err
	}
	if ext := f.ExtensionDays; ext > 0 && f.Procedure != Simplified {
		end := due
		due, roll, err = naturalEnd(cal, end.AddDays(ext), viaReconsideration)
		d.Basis += fmt.Sprintf("；情况复杂，经行政复议机构负责人批准并书面告知当事人，自原期限届满之日（%s）起延长%d日（复议法第62条第1款）%s", end, ext, roll)
		if err != nil {
			return d, err
		}
	}
	d.DueOn, d.MetOn, d.Status = due, f.ConcludedOn, met(f.ConcludedOn)
	return d, nil
}

// SuspensionLimit applies 复议法第41条第5项: a 中止 under 第39条第1款第1项、第2项 or 第4项 that has lasted 60 days
// (满六十日) with its cause not removed ends in 终止. 满六十日 is a condition, not a period for anyone to act in:
// the date is not moved off rest days.
func SuspensionLimit(f Facts) (Deadline, bool) {
	n := len(f.Pauses)
	if n == 0 || !f.Pauses[n-1].To.IsZero() || !f.ConcludedOn.IsZero() {
		return Deadline{}, false
	}
	p := f.Pauses[n-1]
	g, ok := GroundOf(SuspensionGrounds, p.Ground)
	if !ok || !g.Lapses {
		return Deadline{}, false
	}
	item := strings.TrimPrefix(g.Code, "39-")
	limit := p.From.AddDays(60)
	return Deadline{Kind: DeadlineSuspension, Status: DeadlineOpen, DueOn: limit,
		Basis: fmt.Sprintf("自%s依复议法第39条第1款第%s项中止审理，至%s中止满60日；届时中止原因仍未消除的，应当决定终止行政复议（复议法第41条第5项）", p.From, item, limit)}, true
}

// ReportDue says whether a letter obliges its addressee to report back. 复议法第76条 and 条例第57条第1款: the
// organ that receives a 行政复议意见书 reports its corrections within 60 days of receipt; a 建议书 (条例第57条
// 第2款: "可以制作行政复议建议书，向有关机关提出完善制度和改进行政执法的建议") sets no period.
func ReportDue(kind string) bool { return kind == "opinion" }
