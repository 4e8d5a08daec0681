package cases

import (
	"strings"
	"testing"

	"fuyi/internal/date"
)

func d(s string) date.Date { return date.MustParse(s) }

// lawCase is one hand-computed deadline: the facts, the deadline kind, the expected due date ("" = none), stored
// status and met date, and fragments the basis must and must not contain. absent: no deadline of that kind.
type lawCase struct {
	name   string
	facts  Facts
	kind   string
	due    string
	status string
	metOn  string
	absent bool
	has    []string
	hasNot []string
}

func runLawCases(t *testing.T, cases []lawCase) {
	t.Helper()
	cal := testCalendar(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ds, err := Compute(cal, tc.facts)
			if err != nil {
				t.Fatal(err)
			}
			var got *Deadline
			for i := range ds {
				if ds[i].Kind == tc.kind {
					got = &ds[i]
				}
			}
			if tc.absent {
				if got != nil {
					t.Fatalf("want no %s deadline, got %+v", tc.kind, *got)
				}
				return
			}
			if got == nil {
				t.Fatalf("no %s deadline in %+v", tc.kind, ds)
			}
			if got.DueOn.String() != tc.due {
				t.Errorf("due %q, want %q", got.DueOn, tc.due)
			}
			if tc.status != "" && got.Status != tc.status {
				t.Errorf("status %q, want %q", got.Status, tc.status)
			}
			if tc.metOn != "" && got.MetOn.String() != tc.metOn {
				t.Errorf("met on %q, want %q", got.MetOn, tc.metOn)
			}
			for _, s := range tc.has {
				if !strings.Contains(got.Basis, s) {
					t.Errorf("basis lacks %q:\n%s", s, got.Basis)
				}
			}
			for _, s := range tc.hasNot {
				if strings.Contains(got.Basis, s) {
					t.Errorf("basis must not say %q:\n%s", s, got.Basis)
				}
			}
		})
	}
}

// accepted is an ordinary case accepted on Monday 2025-11-03 (no holiday until 元旦 2026).
func accepted(p Procedure) Facts {
	return Facts{ReceivedOn: d("2025-10-29"), AcceptedOn: d("2025-11-03"), Procedure: p}
}

func with(f Facts, fn func(*Facts)) Facts { fn(&f); return f }

// Departure 1: only a 意见书 carries the 60-day report duty (复议法第76条; 实施条例第57条第1款); 实施条例第57条
// 第2款 sets no period for a 建议书.
func TestLawOpinionAndSuggestionLetters(t *testing.T) {
	runLawCases(t, []lawCase{
		{name: "意见书: 60 days from receipt (复议法第76条)", kind: DeadlineOpinion, due: "2025-12-15", status: DeadlineOpen,
			facts: with(accepted(Ordinary), func(f *Facts) { f.Letters = []LetterFact{{ID: 1, Kind: "opinion", ReceivedOn: d("2025-10-16")}} }),
			has:   []string{"意见书纠正情况报送期限", "自2025-10-16收到意见书起60日（复议法第76条）"}},
		{name: "建议书: no report deadline (实施条例第57条第2款)", kind: DeadlineOpinion, absent: true,
			facts: with(accepted(Ordinary), func(f *Facts) { f.Letters = []LetterFact{{ID: 2, Kind: "suggestion", ReceivedOn: d("2025-10-16")}} })},
	})
}

// Departure 3: converting 简易 → 普通 (复议法第55条) keeps the 第54条 dates and status of duties that fell due
// (or were performed) before the conversion; only open ones move to the 第48条 periods.
func TestLawConversionKeepsPastDuties(t *testing.T) {
	conv := func(on string, fn func(*Facts)) Facts {
		return with(accepted(Ordinary), func(f *Facts) { f.ConvertedOn = d(on); fn(f) })
	}
	none := func(*Facts) {}
	sentNov5 := func(f *Facts) { f.CopySentOn = d("2025-11-05") }
	runLawCases(t, []lawCase{
		// 3 working days after 11-03: 11-04, 11-05, 11-06
		{name: "copy due 11-06 under 第54条, converted 11-10: keeps 第54条 date, still open", kind: DeadlineCopy,
			facts: conv("2025-11-10", none), due: "2025-11-06", status: DeadlineOpen,
			has: []string{"3个工作日（复议法第54条、第88条第2款）", "2025-11-10转为普通程序前已届满或已履行"}, hasNot: []string{"第48条"}},
		// 7 working days after 11-03: 11-04 … 11-07, 11-10, 11-11, 11-12
		{name: "copy not yet due when converted 11-05: moves to 第48条", kind: DeadlineCopy,
			facts: conv("2025-11-05", none), due: "2025-11-12", status: DeadlineOpen,
			has: []string{"7个工作日（复议法第48条", "2025-11-05经批准转为普通程序（复议法第55条）"}},
		{name: "copy sent 11-05 before the conversion 11-10: met under 第54条", kind: DeadlineCopy,
			facts: conv("2025-11-10", sentNov5), due: "2025-11-06", status: DeadlineMet, metOn: "2025-11-05",
			has: []string{"复议法第54条"}},
		// reply: 5 working days after 11-05 = 11-12 (not before the conversion 11-10) → 10 working days = 11-19
		{name: "reply open at conversion 11-10: moves to 第48条 (10 working days)", kind: DeadlineReply,
			facts: conv("2025-11-10", sentNov5), due: "2025-11-19", status: DeadlineOpen,
			has: []string{"自2025-11-05收到申请书副本起10个工作日（复议法第48条"}},
		{name: "reply missed under 第54条 (due 11-12), converted 11-20: the missed date stays", kind: DeadlineReply,
			facts: conv("2025-11-20", sentNov5), due: "2025-11-12", status: DeadlineOpen,
			has: []string{"起5个工作日（复议法第54条"}},
		{name: "reply missed under 第54条 and received after the conversion: met late, 第54条 date kept", kind: DeadlineReply,
			facts: conv("2025-11-20", func(f *Facts) { sentNov5(f); f.ReplyReceivedOn = d("2025-11-25") }),
			due:   "2025-11-12", status: DeadlineMet, metOn: "2025-11-25", has: []string{"复议法第54条"}},
		// [H] 60 days from the original 受理: 11-03 + 60 = 2026-01-02 (元旦) → 01-04, a 调休 Sunday
		{name: "decision after conversion: 60 days from the original 受理, ends on a 调休 Sunday", kind: DeadlineDecision,
			facts: conv("2025-11-10", none), due: "2026-01-04", status: DeadlineOpen,
			has: []string{"自原受理之日起计算", "期限末日2026-01-02（元旦）为法定休假日", "届满日2026-01-04（星期日，调休上班日）"}},
	})
}

// Departure 4: 补正 runs from the applicant's receipt of the notice (复议法第31条第2款), 待送达 until it is known.
func TestLawCorrectionFromService(t *testing.T) {
	notice := func(requested, served, received string) Facts {
		f := Facts{ReceivedOn: d("2026-02-04"), Correction: &Correction{RequestedOn: d(requested)}}
		if served != "" {
			f.CorrectionServedOn = d(served)
		}
		if received != "" {
			f.Correction.ReceivedOn = d(received)
		}
		return f
	}
	runLawCases(t, []lawCase{
		{name: "service date unknown: 待送达, no due date", kind: DeadlineCorrection, facts: notice("2026-02-06", "", ""),
			due: "", status: DeadlineUnserved, has: []string{"自申请人收到补正通知之日起10个工作日", "送达日期尚未登记"}},
		// from 02-09: 02-10 … 02-13 (4), Sat 02-14 调休 (5), 春节 02-15…23, 02-24 … 02-27 (9), Sat 02-28 调休 (10)
		{name: "served 2026-02-09 across 春节: due on the 调休 Saturday 2026-02-28", kind: DeadlineCorrection,
			facts: notice("2026-02-06", "2026-02-09", ""), due: "2026-02-28", status: DeadlineOpen,
			has:    []string{"自2026-02-09收到补正通知起10个工作日", "不含法定休假日（其间春节假期不计入）", "2026-02-28（星期六，调休上班日）"},
			hasNot: []string{"2026-02-06收到", "顺延"}},
		{name: "materials received before the service date was recorded: met", kind: DeadlineCorrection,
			facts: notice("2026-02-06", "", "2026-02-12"), due: "", status: DeadlineMet, metOn: "2026-02-12"},
		{name: "review waits for the materials, not for service", kind: DeadlineReview,
			facts: notice("2026-02-06", "", ""), due: "2026-02-11", status: DeadlineMet, metOn: "2026-02-06"},
	})
}

// Departure 5: the extension (复议法第62条第1款) runs from the end of the original period after that end has
// been moved off a 法定休假日 (民事诉讼法第85条第3款 via 复议法第88条第1款); [H] 中止 days stay one step.
func TestLawExtensionInTwoSteps(t *testing.T) {
	runLawCases(t, []lawCase{
		{name: "受理 2024-08-02: 60 days end 2024-10-01 (国庆) → 10-08, + 30 → 2024-11-07", kind: DeadlineDecision,
			facts: Facts{AcceptedOn: d("2024-08-02"), Procedure: Ordinary, ExtensionDays: 30}, due: "2024-11-07",
			has: []string{"期限末日2024-10-01（国庆节）为法定休假日，以其后第一个工作日2024-10-08为期限届满日",
				"经行政复议机构负责人批准并书面告知当事人，自原期限届满之日（2024-10-08）起延长30日（复议法第62条第1款）"},
			hasNot: []string{"经批准延长30日"}},
		{name: "without the extension: 2024-10-08", kind: DeadlineDecision,
			facts: Facts{AcceptedOn: d("2024-08-02"), Procedure: Ordinary}, due: "2024-10-08"},
		// 09-30 + 60 + 14 = 12-13 (Saturday) → 12-15; + 30 = 2026-01-14
		{name: "中止 14 days then extension 30", kind: DeadlineDecision,
			facts: Facts{AcceptedOn: d("2025-09-30"), Procedure: Ordinary, ExtensionDays: 30,
				Pauses: []Pause{{From: d("2025-10-20"), To: d("2025-11-03"), Ground: "39-5"}}},
			due: "2026-01-14", has: []string{"中止14日（2025-10-20至2025-11-03）不计入", "自原期限届满之日（2025-12-15）起延长30日"}},
		{name: "simplified: 30 days, no extension (第62条第2款)", kind: DeadlineDecision,
			facts: Facts{AcceptedOn: d("2025-09-30"), Procedure: Simplified, ExtensionDays: 30}, due: "2025-10-30",
			has: []string{"起30日（复议法第62条第2款）"}, hasNot: []string{"延长"}},
	})
}

// Departure 6: a document posted before the period ends is on time (民事诉讼法第85条第4款 via 复议法第88条第1款).
func TestLawReplyMetByPost(t *testing.T) {
	// reply: 10 working days after 11-04: 11-05 … 11-07, 11-10 … 11-14, 11-17, 11-18
	sent := with(accepted(Ordinary), func(f *Facts) { f.CopySentOn = d("2025-11-04") })
	runLawCases(t, []lawCase{
		{name: "答复 posted 11-17, received 11-20: met on the day of posting", kind: DeadlineReply,
			facts: with(sent, func(f *Facts) { f.ReplyReceivedOn, f.ReplyPostmarkedOn = d("2025-11-20"), d("2025-11-17") }),
			due:   "2025-11-18", status: DeadlineMet, metOn: "2025-11-17",
			has: []string{"答复于2025-11-17交邮（邮戳日期），2025-11-20收到，期满前交邮的不算过期（民事诉讼法第85条第4款，依复议法第88条第1款适用）"}},
		{name: "答复 handed in 11-20 without a postmark: met late", kind: DeadlineReply,
			facts: with(sent, func(f *Facts) { f.ReplyReceivedOn = d("2025-11-20") }),
			due:   "2025-11-18", status: DeadlineMet, metOn: "2025-11-20", hasNot: []string{"交邮"}},
	})
}

// 复议法第20条 measured on the postmark of an application sent by post.
func TestLawApplicationPostmark(t *testing.T) {
	cal := testCalendar(t)
	known := d("2025-08-05") // + 60 = 10-04 (国庆) → last day 2025-10-09
	cases := []struct {
		name, received, posted string
		late                   bool
		has                    []string
	}{
		{"received after the last day, posted on it: in time", "2025-10-11", "2025-10-09", false, nil},
		{"received after the last day, posted after it: late", "2025-10-13", "2025-10-10", true,
			[]string{"最后一日为2025-10-09", "申请于2025-10-10交邮（邮戳日期）、2025-10-13收到，以交邮之日计（民事诉讼法第85条第4款"}},
		{"received after the last day, no postmark: late", "2025-10-11", "", true, []string{"2025-10-11收到申请"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var posted date.Date
			if tc.posted != "" {
				posted = d(tc.posted)
			}
			last, note := ApplicationPeriod(cal, known, d("2025-08-01"), d(tc.received), posted, false)
			if last.String() != "2025-10-09" || (note != "") != tc.late {
				t.Fatalf("last %s, note %q", last, note)
			}
			for _, s := range tc.has {
				if !strings.Contains(note, s) {
					t.Errorf("note lacks %q: %s", s, note)
				}
			}
		})
	}
	// 第21条 too is measured on the postmark: posted within 5 years of the act, received after
	if _, note := ApplicationPeriod(cal, d("2025-06-01"), d("2020-06-10"), d("2025-06-12"), d("2025-06-09"), false); note != "" {
		t.Errorf("posted within 5 years: %q", note)
	}
}

// Departure 7: concluding a case keeps an unmet copy or reply duty that fell due before the conclusion as a
// breach (逾期未履行); one not yet due lapses with the case.
func TestLawConclusionKeepsBreaches(t *testing.T) {
	concluded := func(on string, fn func(*Facts)) Facts {
		return with(accepted(Ordinary), func(f *Facts) { f.ConcludedOn = d(on); fn(f) })
	}
	none := func(*Facts) {}
	runLawCases(t, []lawCase{
		{name: "copy due 11-12 never sent, concluded 12-20: breached", kind: DeadlineCopy,
			facts: concluded("2025-12-20", none), due: "2025-11-12", status: DeadlineBreached,
			has: []string{"案件已于2025-12-20审结，该期限届满时未履行"}},
		{name: "reply due 11-18 never received, concluded 12-20: breached", kind: DeadlineReply,
			facts: concluded("2025-12-20", func(f *Facts) { f.CopySentOn = d("2025-11-04") }), due: "2025-11-18", status: DeadlineBreached},
		{name: "copy not yet due at a conclusion on 11-10: lapses", kind: DeadlineCopy,
			facts: concluded("2025-11-10", none), absent: true},
		{name: "copy sent late: stays met", kind: DeadlineCopy,
			facts: concluded("2025-12-20", func(f *Facts) { f.CopySentOn = d("2025-11-20") }), due: "2025-11-12", status: DeadlineMet},
	})
	// read on any day, a breach is overdue and named 逾期未履行; an open overdue deadline is 已逾期
	b := Deadline{Kind: DeadlineCopy, DueOn: d("2025-11-12"), Status: DeadlineBreached}.View(d("2025-11-01"))
	if b.Status != DeadlineOverdue || b.StatusLabel != "逾期未履行" {
		t.Errorf("breach reads %s %s", b.Status, b.StatusLabel)
	}
	o := Deadline{Kind: DeadlineCopy, DueOn: d("2025-11-12"), Status: DeadlineOpen}.View(d("2025-11-13"))
	if o.Status != DeadlineOverdue || o.StatusLabel != "已逾期" {
		t.Errorf("open past due reads %s %s", o.Status, o.StatusLabel)
	}
}

// The basis texts a lawyer would read.
func TestLawBasisWording(t *testing.T) {
	susp := func(from, ground string) Facts {
		return Facts{AcceptedOn: d("2025-09-30"), Procedure: Ordinary, Pauses: []Pause{{From: d(from), Ground: ground}}}
	}
	runLawCases(t, []lawCase{
		// 第88条第2款: working days, 不含法定休假日 — not 顺延
		{name: "working days across 国庆: 不含法定休假日, holidays named", kind: DeadlineReview,
			facts: Facts{ReceivedOn: d("2025-09-26")}, due: "2025-10-10",
			has:    []string{"5个工作日（复议法第30条第1款、第88条第2款），不含法定休假日（其间国庆节、中秋节假期不计入）"},
			hasNot: []string{"顺延"}},
		{name: "working days over a plain weekend", kind: DeadlineReview,
			facts: Facts{ReceivedOn: d("2025-11-07")}, due: "2025-11-14", has: []string{"不含法定休假日"}, hasNot: []string{"顺延", "假期不计入"}},
		{name: "端午 2025: the 5th working day after 05-29 is 06-06", kind: DeadlineReview,
			facts: Facts{ReceivedOn: d("2025-05-29")}, due: "2025-06-06", has: []string{"（其间端午节假期不计入）"}, hasNot: []string{"顺延"}},
		// 第62条 with 中止: continue, do not restart
		{name: "suspended decision: 恢复审理后继续计算", kind: DeadlineDecision, facts: susp("2025-10-20", "39-5"),
			due: "", status: DeadlineSuspended, has: []string{"自2025-10-20起中止审理，恢复审理后继续计算，中止期间不计入"},
			hasNot: []string{"重新计算"}},
		// 第41条第5项 names the item of 第39条第1款; 满60日 is not moved
		{name: "终止 warning names 第39条第1款第1项", kind: DeadlineSuspension, facts: susp("2025-10-20", "39-1"), due: "2025-12-19",
			has: []string{"依复议法第39条第1款第1项中止审理，至2025-12-19中止满60日", "复议法第41条第5项"}, hasNot: []string{"顺延"}},
		{name: "终止 warning on a Sunday stays on the Sunday (第39条第1款第4项)", kind: DeadlineSuspension, facts: susp("2025-10-01", "39-4"),
			due: "2025-11-30", has: []string{"第39条第1款第4项"}, hasNot: []string{"顺延", "法定休假日"}},
		{name: "no 终止 warning for 第39条第1款第5项", kind: DeadlineSuspension, facts: susp("2025-10-01", "39-5"), absent: true},
		// 民事诉讼法第85条第3款 for natural-day periods, with the route it takes
		{name: "decision ends on a Saturday: 法定休假日, 民诉法第85条 via 复议法第88条第1款", kind: DeadlineDecision,
			facts: Facts{AcceptedOn: d("2025-09-30"), Procedure: Ordinary}, due: "2025-12-01",
			has:    []string{"期限末日2025-11-29（星期六）为法定休假日，以其后第一个工作日2025-12-01为期限届满日（民事诉讼法第85条第3款，依复议法第88条第1款适用）"},
			hasNot: []string{"休息日"}},
		{name: "起诉期限 ends in 国庆: 民诉法第85条 via 行政诉讼法第101条", kind: DeadlineLitigation,
			facts: with(accepted(Ordinary), func(f *Facts) { f.ConcludedOn, f.ServedOn = d("2025-09-10"), d("2025-09-16") }), due: "2025-10-09",
			has: []string{"自2025-09-16收到决定书起15日（行政诉讼法第45条）", "期限末日2025-10-01（国庆节、中秋节）为法定休假日", "依行政诉讼法第101条适用"}},
		{name: "起诉期限 on a working day: no roll text", kind: DeadlineLitigation,
			facts: with(accepted(Ordinary), func(f *Facts) { f.ConcludedOn, f.ServedOn = d("2025-09-10"), d("2025-09-15") }), due: "2025-09-30",
			hasNot: []string{"法定休假日"}},
		// 第30条第3款
		{name: "deemed acceptance: 视为受理 in the decision basis", kind: DeadlineDecision,
			facts: Facts{AcceptedOn: d("2025-10-10"), DeemedAccepted: true, Procedure: Ordinary}, due: "2025-12-09",
			has: []string{"自2025-10-10视为受理起60日（复议法第30条第3款、第62条第1款）"}},
		{name: "deemed acceptance: 视为受理 in the copy basis", kind: DeadlineCopy,
			facts: Facts{AcceptedOn: d("2025-10-10"), DeemedAccepted: true, Procedure: Ordinary}, due: "2025-10-20",
			has: []string{"自2025-10-10视为受理起7个工作日（复议法第30条第3款、第48条、第88条第2款）"}},
		{name: "ordinary acceptance says 受理, not 视为受理", kind: DeadlineDecision,
			facts: Facts{AcceptedOn: d("2025-10-10"), Procedure: Ordinary}, due: "2025-12-09", hasNot: []string{"视为受理"}},
		// 调休 working days named
		{name: "simplified copy due on the 调休 Saturday 2025-10-11", kind: DeadlineCopy,
			facts: Facts{AcceptedOn: d("2025-09-30"), Procedure: Simplified}, due: "2025-10-11",
			has: []string{"届满日2025-10-11（星期六，调休上班日）"}},
		{name: "a plain Friday is not called 调休", kind: DeadlineCopy,
			facts: Facts{AcceptedOn: d("2025-11-03"), Procedure: Simplified}, due: "2025-11-06", hasNot: []string{"调休"}},
	})
}
