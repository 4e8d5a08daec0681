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
}

// DeadlineLabel names a deadline kind in Chinese.
func DeadlineLabel(kind string) string {
	if l, ok := deadlineLabels[kind]; ok {
		return l
	}
	return kind
}

// Deadline states as stored; "overdue" is derived when reading (open and past due).
const (
	DeadlineOpen      = "open"
	DeadlineMet       = "met"
	DeadlinePending   = "pending"   // cannot be computed yet: the calendar of the year is missing
	DeadlineSuspended = "suspended" // decision clock stopped while the case is 中止
	DeadlineCancelled = "cancelled"
	DeadlineOverdue   = "overdue"
)

// Deadline is one statutory period of a case with its legal basis in words.
type Deadline struct {
	ID     int64     `db:"id" json:"-"`
	Kind   string    `db:"kind" json:"kind"`
	Ref    string    `db:"ref" json:"ref,omitempty"`
	DueOn  date.Date `db:"due_on" json:"due_on"`
	Basis  string    `db:"basis" json:"basis"`
	Status string    `db:"status" json:"status"`
	MetOn  date.Date `db:"met_on" json:"met_on,omitempty"`
}

// Label is the Chinese name of the deadline kind.
func (d Deadline) Label() string { return DeadlineLabel(d.Kind) }

// StatusOn is the status as seen on a day: an open deadline past its due date is overdue.
func (d Deadline) StatusOn(today date.Date) string {
	if d.Status == DeadlineOpen && today.After(d.DueOn) {
		return DeadlineOverdue
	}
	return d.Status
}

// StatusLabel names a status in Chinese.
func StatusLabel(s string) string {
	switch s {
	case DeadlineOpen:
		return "进行中"
	case DeadlineMet:
		return "已完成"
	case DeadlinePending:
		return "待录入日历"
	case DeadlineSuspended:
		return "中止中"
	case DeadlineOverdue:
		return "已逾期"
	case DeadlineCancelled:
		return "已取消"
	}
	return s
}

// Pause is a 中止 interval [From, To); To is zero while the case is still suspended.
type Pause struct {
	From   date.Date
	To     date.Date
	Ground string
}

// LetterFact is a 意见书 with its receipt and report dates.
type LetterFact struct {
	ID         int64     `db:"id"`
	Kind       string    `db:"kind"`
	ReceivedOn date.Date `db:"received_on"`
	ReportedOn date.Date `db:"reported_on"`
}

// Facts are what the clock depends on. Every deadline is recomputed from them.
type Facts struct {
	ReceivedOn       date.Date
	Correction       *Correction // 补正 notice, if any
	AcceptedOn       date.Date
	RejectedOn       date.Date
	Procedure        Procedure
	SimplifiedBecame bool // converted from simplified to ordinary ([H]: 60 days from the original 受理)
	CopySentOn       date.Date
	CopyReceivedOn   date.Date // receipt of the copy by the respondent; defaults to CopySentOn
	ReplyReceivedOn  date.Date
	Pauses           []Pause
	ExtensionDays    int
	ConcludedOn      date.Date // decision approved or case terminated
	Abandoned        bool
	DecisionType     string    // approved decision type
	ServedOn         date.Date // 送达 of the decision
	PerformDueOn     date.Date // time limit for performance set in the decision
	PerformedOn      date.Date
	Letters          []LetterFact
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
		out = append(out, d)
		return nil
	}

	// 受理审查: 5 working days from receipt of the application (复议法第30条第1款, 第88条), and after 补正
	// a new review of 5 working days from receipt of the materials (第31条第3款).
	reviewFrom, what, art := f.ReceivedOn, "收到申请", "复议法第30条第1款、第88条"
	reviewMet := date.Min2(f.AcceptedOn, f.RejectedOn)
	if c := f.Correction; c != nil {
		if c.ReceivedOn.IsZero() {
			reviewMet = c.RequestedOn
		} else {
			reviewFrom, what, art = c.ReceivedOn, "收到补正材料", "复议法第31条第3款、第30条第1款、第88条"
		}
	}
	{
		r, err := cal.AddWorkdays(reviewFrom, 5)
		d := Deadline{Kind: DeadlineReview, Basis: fmt.Sprintf("受理审查期限：自%s%s起5个工作日（%s）%s", reviewFrom, what, art, r.Postponement())}
		d.DueOn, d.Status = r.Date, met(reviewMet)
		d.MetOn = reviewMet
		if err := add(d, err); err != nil {
			return nil, err
		}
	}

	// 补正: the applicant has 10 working days from receipt of the notice (第31条第2款); [H] the notice is taken
	// as received on the day it is issued at the window.
	if c := f.Correction; c != nil {
		r, err := cal.AddWorkdays(c.RequestedOn, 10)
		d := Deadline{Kind: DeadlineCorrection, Basis: fmt.Sprintf("补正期限：自%s收到补正通知起10个工作日（复议法第31条第2款、第88条），无正当理由逾期不补正视为放弃申请%s", c.RequestedOn, r.Postponement())}
		d.DueOn, d.MetOn = r.Date, c.ReceivedOn
		d.Status = met(c.ReceivedOn)
		if f.Abandoned {
			d.Status, d.MetOn = DeadlineCancelled, date.Date{}
		}
		if err := add(d, err); err != nil {
			return nil, err
		}
	}

	if f.AcceptedOn.IsZero() {
		return out, nil
	}
	concluded := !f.ConcludedOn.IsZero()
	copyDays, replyDays, art := 7, 10, "复议法第48条、第88条"
	if f.Procedure == Simplified {
		copyDays, replyDays, art = 3, 5, "复议法第54条、第88条"
	}
	// 申请书副本 to the respondent within 7 (simplified 3) working days of 受理.
	{
		r, err := cal.AddWorkdays(f.AcceptedOn, copyDays)
		d := Deadline{Kind: DeadlineCopy, Basis: fmt.Sprintf("发送申请书副本期限：自%s受理起%d个工作日（%s）%s", f.AcceptedOn, copyDays, art, r.Postponement())}
		d.DueOn, d.MetOn, d.Status = r.Date, f.CopySentOn, met(f.CopySentOn)
		if !(concluded && f.CopySentOn.IsZero()) {
			if err := add(d, err); err != nil {
				return nil, err
			}
		}
	}
	// 答复 within 10 (simplified 5) working days of the respondent's receipt of the copy.
	if !f.CopySentOn.IsZero() {
		from := f.CopyReceivedOn
		if from.IsZero() {
			from = f.CopySentOn
		}
		r, err := cal.AddWorkdays(from, replyDays)
		d := Deadline{Kind: DeadlineReply, Basis: fmt.Sprintf("被申请人答复期限：自%s收到申请书副本起%d个工作日（%s）%s", from, replyDays, art, r.Postponement())}
		d.DueOn, d.MetOn, d.Status = r.Date, f.ReplyReceivedOn, met(f.ReplyReceivedOn)
		if !(concluded && f.ReplyReceivedOn.IsZero()) {
			if err := add(d, err); err != nil {
				return nil, err
			}
		}
	}
	d, err := DecisionDue(cal, f)
	if err := add(d, err); err != nil {
		return nil, err
	}
	// 复议法第41条第5项: 中止 under 第39条第1款第1、2、4项 lasting 60 days → 终止.
	if n := len(f.Pauses); n > 0 && f.Pauses[n-1].To.IsZero() && !concluded {
		p := f.Pauses[n-1]
		if g, ok := GroundOf(SuspensionGrounds, p.Ground); ok && g.Lapses {
			r, err := cal.AddNaturalDays(p.From, 60)
			d := Deadline{Kind: DeadlineSuspension, Status: DeadlineOpen, DueOn: r.Date,
				Basis: fmt.Sprintf("自%s依复议法第39条第1款中止审理，满60日中止原因仍未消除的，应当终止行政复议（第41条第5项）%s", p.From, r.Postponement())}
			if err := add(d, err); err != nil {
				return nil, err
			}
		}
	}
	// 行政诉讼法第45条: the applicant may sue within 15 days of receiving the decision.
	if !f.ServedOn.IsZero() {
		r, err := cal.AddNaturalDays(f.ServedOn, 15)
		d := Deadline{Kind: DeadlineLitigation, Status: DeadlineOpen, DueOn: r.Date,
			Basis: fmt.Sprintf("申请人起诉期限：自%s收到决定书起15日（行政诉讼法第45条）%s", f.ServedOn, r.Postponement())}
		if err := add(d, err); err != nil {
			return nil, err
		}
	}
	// 复议法第77条: performance of the decision within the period it sets.
	if !f.PerformDueOn.IsZero() && !f.ServedOn.IsZero() {
		d := Deadline{Kind: DeadlinePerform, DueOn: f.PerformDueOn, MetOn: f.PerformedOn, Status: met(f.PerformedOn),
			Basis: fmt.Sprintf("被申请人履行期限：决定书确定的期限%s（复议法第77条）", f.PerformDueOn)}
		out = append(out, d)
	}
	// 复议法第76条: the respondent reports its corrections within 60 days of receiving the 意见书.
	for _, l := range f.Letters {
		r, err := cal.AddNaturalDays(l.ReceivedOn, 60)
		d := Deadline{Kind: DeadlineOpinion, Ref: fmt.Sprint(l.ID), DueOn: r.Date, MetOn: l.ReportedOn, Status: met(l.ReportedOn),
			Basis: fmt.Sprintf("意见书纠正情况报送期限：被申请人自%s收到意见书起60日（复议法第76条）%s", l.ReceivedOn, r.Postponement())}
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

// DecisionDue applies the one-step formula of DOMAIN.md §2 [H]:
//
//	due = next working day on or after (受理 + 60 (simplified 30) + extension days + Σ(恢复 − 中止))
//
// 复议法第62条第1款 (60日, extension ≤30日 once), 第2款 (simplified 30日, no extension); [H] the days of 中止
// do not count; [H] after conversion from simplified to ordinary the 60 days run from the original 受理.
// While a pause is open the case has no due date (status suspended).
func DecisionDue(cal *calendar.Calendar, f Facts) (Deadline, error) {
	days, art := 60, "复议法第62条第1款"
	if f.Procedure == Simplified {
		days, art = 30, "复议法第62条第2款"
	}
	var parts []string
	if f.SimplifiedBecame {
		parts = append(parts, "由简易程序转为普通程序，自原受理之日起计算")
	}
	paused := 0
	for _, p := range f.Pauses {
		if p.To.IsZero() {
			return Deadline{Kind: DeadlineDecision, Status: DeadlineSuspended,
				Basis: fmt.Sprintf("行政复议决定期限：自%s受理起%d日（%s）；自%s起中止审理，恢复审理后重新计算", f.AcceptedOn, days, art, p.From)}, nil
		}
		n := p.To.DaysSince(p.From)
		paused += n
		parts = append(parts, fmt.Sprintf("中止%d日（%s至%s）不计入", n, p.From, p.To))
	}
	ext := 0
	if f.Procedure != Simplified && f.ExtensionDays > 0 {
		ext = f.ExtensionDays
		parts = append(parts, fmt.Sprintf("经批准延长%d日", ext))
	}
	basis := fmt.Sprintf("行政复议决定期限：自%s受理起%d日（%s）", f.AcceptedOn, days, art)
	if len(parts) > 0 {
		basis += "，" + strings.Join(parts, "，")
	}
	r, err := cal.NextWorkdayOnOrAfter(f.AcceptedOn.AddDays(days + ext + paused))
	d := Deadline{Kind: DeadlineDecision, Basis: basis + r.Postponement(), DueOn: r.Date}
	d.MetOn, d.Status = f.ConcludedOn, met(f.ConcludedOn)
	return d, err
}

// ApplicationPeriod checks the time limits for applying (复议法第20条第1款: 60日 from knowing of the act;
// 第21条: 5 years, for 不动产 20 years, from the act). It returns the last day of the 60-day period and, when
// the application seems late, a note for the reviewer. Registration is never refused for this.
func ApplicationPeriod(cal *calendar.Calendar, knownOn, madeOn, receivedOn date.Date, realEstate bool) (date.Date, string) {
	var notes []string
	last := knownOn.AddDays(60)
	rolled := ""
	if r, err := cal.AddNaturalDays(knownOn, 60); err == nil {
		last = r.Date
		rolled = r.Postponement()
	} else {
		rolled = "（该年度节假日安排未录入，未考虑节假日顺延）"
	}
	if receivedOn.After(last) {
		notes = append(notes, fmt.Sprintf("申请可能已超过法定申请期限：自%s知道该行政行为起60日，最后一日为%s%s（复议法第20条第1款）；如未告知申请权利或期限，最长不超过1年（第20条第3款）；因不可抗力或其他正当理由耽误的，期限自障碍消除之日起继续计算（第20条第2款），请审查", knownOn, last, rolled))
	}
	if !madeOn.IsZero() {
		years, what := 5, "其他案件"
		if realEstate {
			years, what = 20, "因不动产提出的"
		}
		if cut := madeOn.AddYears(years); receivedOn.After(cut) {
			notes = append(notes, fmt.Sprintf("自行政行为作出之日（%s）起已超过%d年（%s最长%d年，复议法第21条），不予受理", madeOn, years, what, years))
		}
	}
	return last, strings.Join(notes, "；")
}
