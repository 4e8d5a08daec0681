package cases

import (
	"os"
	"strings"
	"testing"

	"fuyi/internal/calendar"
	"fuyi/internal/date"
)

func testCalendar(t *testing.T) *calendar.Calendar {
	t.Helper()
	f, err := os.Open("../data/cn_holidays.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	days, err := calendar.ParseCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	return calendar.New(days, []int{2024, 2025, 2026})
}

func find(ds []Deadline, kind string) Deadline {
	for _, d := range ds {
		if d.Kind == kind {
			return d
		}
	}
	return Deadline{}
}

// 复议法第30条: 5 working days from receipt; the API.md example ends on 2025-10-10 across 国庆.
func TestReviewDeadline(t *testing.T) {
	ds, err := Compute(testCalendar(t), Facts{ReceivedOn: date.MustParse("2025-09-26")})
	if err != nil {
		t.Fatal(err)
	}
	r := find(ds, DeadlineReview)
	if r.DueOn.String() != "2025-10-10" || r.Status != DeadlineOpen {
		t.Fatalf("got %+v", r)
	}
	if !strings.Contains(r.Basis, "自2025-09-26收到申请起5个工作日") || !strings.Contains(r.Basis, "第30条") ||
		!strings.Contains(r.Basis, "不含法定休假日（其间国庆节、中秋节假期不计入）") {
		t.Fatalf("basis %q", r.Basis)
	}
}

// 复议法第31条: the 补正 notice ends the first review; the applicant has 10 working days from receiving it;
// receipt of the materials starts a new 5-working-day review.
func TestCorrectionDeadlines(t *testing.T) {
	cal := testCalendar(t)
	f := Facts{ReceivedOn: date.MustParse("2025-09-26"), Correction: &Correction{RequestedOn: date.MustParse("2025-09-29")},
		CorrectionServedOn: date.MustParse("2025-09-29")}
	ds, _ := Compute(cal, f)
	if r := find(ds, DeadlineReview); r.Status != DeadlineMet || r.MetOn.String() != "2025-09-29" {
		t.Fatalf("review should be met by the notice: %+v", r)
	}
	// after 09-29: 09-30 (1), 10-09 (2), 10-10 (3), Sat 10-11 调休 (4), 10-13 … 10-17 (5–9), 10-20 (10)
	if c := find(ds, DeadlineCorrection); c.DueOn.String() != "2025-10-20" || c.Status != DeadlineOpen {
		t.Fatalf("correction: %+v", c)
	}
	f.Correction.ReceivedOn = date.MustParse("2025-10-15")
	ds, _ = Compute(cal, f)
	if r := find(ds, DeadlineReview); r.DueOn.String() != "2025-10-22" || r.Status != DeadlineOpen || !strings.Contains(r.Basis, "收到补正材料") {
		t.Fatalf("new review after 补正: %+v", r)
	}
	if c := find(ds, DeadlineCorrection); c.Status != DeadlineMet {
		t.Fatalf("correction should be met: %+v", c)
	}
}

// The decision formula (复议法第62条) with the worked examples: one step for 中止 ([H]), two steps for an
// extension (the extension runs from the end of the original period as moved off a rest day).
func TestDecisionDueSteps(t *testing.T) {
	cal := testCalendar(t)
	f := Facts{ReceivedOn: date.MustParse("2025-09-26"), AcceptedOn: date.MustParse("2025-09-30"), Procedure: Ordinary}
	d, err := DecisionDue(cal, f)
	if err != nil {
		t.Fatal(err)
	}
	if d.DueOn.String() != "2025-12-01" { // 11-29 is a Saturday
		t.Fatalf("ordinary: %s", d.DueOn)
	}
	f.Pauses = []Pause{{From: date.MustParse("2025-10-20"), To: date.MustParse("2025-11-03")}}
	d, _ = DecisionDue(cal, f)
	if d.DueOn.String() != "2025-12-15" || !strings.Contains(d.Basis, "中止14日") {
		t.Fatalf("with 中止: %s %s", d.DueOn, d.Basis)
	}
	f.ExtensionDays = 30
	d, _ = DecisionDue(cal, f)
	if d.DueOn.String() != "2026-01-14" { // 12-13 (Saturday) → 12-15, + 30 = 2026-01-14 (Wednesday)
		t.Fatalf("with extension: %s", d.DueOn)
	}
	// simplified: 30 days, extension ignored (第62条第2款)
	f = Facts{AcceptedOn: date.MustParse("2025-09-30"), Procedure: Simplified, ExtensionDays: 30}
	d, _ = DecisionDue(cal, f)
	if d.DueOn.String() != "2025-10-30" {
		t.Fatalf("simplified: %s", d.DueOn)
	}
	// still suspended: no due date
	f = Facts{AcceptedOn: date.MustParse("2025-09-30"), Procedure: Ordinary, Pauses: []Pause{{From: date.MustParse("2025-10-20")}}}
	d, _ = DecisionDue(cal, f)
	if d.Status != DeadlineSuspended || !d.DueOn.IsZero() {
		t.Fatalf("suspended: %+v", d)
	}
}

// 复议法第48条 / 第54条: copy within 7 (simplified 3) working days of 受理, reply within 10 (5) of receipt.
func TestCopyAndReplyDeadlines(t *testing.T) {
	cal := testCalendar(t)
	f := Facts{ReceivedOn: date.MustParse("2025-09-26"), AcceptedOn: date.MustParse("2025-09-30"), Procedure: Ordinary,
		CopySentOn: date.MustParse("2025-10-09")}
	ds, _ := Compute(cal, f)
	// after 09-30: 国庆 10-01..08; 10-09 (1), 10-10 (2), Sat 10-11 调休 (3), 10-13 (4), 10-14 (5), 10-15 (6), 10-16 (7)
	if c := find(ds, DeadlineCopy); c.DueOn.String() != "2025-10-16" || c.Status != DeadlineMet {
		t.Fatalf("copy: %+v", c)
	}
	// after 10-09: 10-10 (1), 10-11 (2), 10-13 … 10-17 (3–7), 10-20 (8), 10-21 (9), 10-22 (10)
	if r := find(ds, DeadlineReply); r.DueOn.String() != "2025-10-22" || r.Status != DeadlineOpen {
		t.Fatalf("reply: %+v", r)
	}
	f.Procedure = Simplified
	ds, _ = Compute(cal, f)
	if c := find(ds, DeadlineCopy); c.DueOn.String() != "2025-10-11" { // 10-09, 10-10, 10-11 (调休)
		t.Fatalf("simplified copy: %+v", c)
	}
}

// A deadline that reaches a year with no calendar is pending with the reason, never guessed.
func TestPendingWithoutCalendar(t *testing.T) {
	ds, err := Compute(testCalendar(t), Facts{ReceivedOn: date.MustParse("2026-11-20"), AcceptedOn: date.MustParse("2026-11-25"), Procedure: Ordinary})
	if err != nil {
		t.Fatal(err)
	}
	d := find(ds, DeadlineDecision)
	if d.Status != DeadlinePending || !d.DueOn.IsZero() || !strings.Contains(d.Basis, "2027年的节假日和调休安排尚未录入") {
		t.Fatalf("got %+v", d)
	}
	if r := find(ds, DeadlineReview); r.Status != DeadlineMet && r.DueOn.IsZero() {
		t.Fatalf("review within 2026 must still be computed: %+v", r)
	}
}

// 复议法第20条第1款: 60 days from knowing of the act; a late application is flagged, not refused.
func TestApplicationPeriod(t *testing.T) {
	cal := testCalendar(t)
	last, note := ApplicationPeriod(cal, date.MustParse("2025-08-05"), date.MustParse("2025-08-01"), date.MustParse("2025-09-26"), date.Date{}, false)
	if last.String() != "2025-10-09" || note != "" { // 08-05 + 60 = 10-04 (国庆) → 10-09
		t.Fatalf("in time: %s %q", last, note)
	}
	_, note = ApplicationPeriod(cal, date.MustParse("2025-06-01"), date.MustParse("2025-06-01"), date.MustParse("2025-09-26"), date.Date{}, false)
	if !strings.Contains(note, "申请可能已超过法定申请期限") || !strings.Contains(note, "2025-07-31") {
		t.Fatalf("late: %q", note)
	}
	_, note = ApplicationPeriod(cal, date.MustParse("2025-06-01"), date.MustParse("2019-06-01"), date.MustParse("2025-07-01"), date.Date{}, false)
	if !strings.Contains(note, "超过5年") {
		t.Fatalf("5 years (第21条): %q", note)
	}
	_, note = ApplicationPeriod(cal, date.MustParse("2025-06-01"), date.MustParse("2019-06-01"), date.MustParse("2025-07-01"), date.Date{}, true)
	if strings.Contains(note, "超过") && strings.Contains(note, "年（") {
		t.Fatalf("不动产 has 20 years: %q", note)
	}
}
