package lawsuits

import (
	"strings"
	"testing"
)

// Departure 2: appeal deadlines follow the instance and the kind and outcome of what ended it (行政诉讼法第7条、
// 第85条; 行诉法解释第101条第2款、第119条); natural days end by 民事诉讼法第85条 via 行政诉讼法第101条.
func TestLawAppealPeriods(t *testing.T) {
	cal := testCalendar(t)
	type appealCase struct {
		name, instance, previous, outcome, served string
		kind, due                                 string // kind "" = no appeal deadline
		has                                       []string
	}
	tcs := []appealCase{
		{"first-instance 判决: 15 days", "first", "", "revoke", "2025-12-01", DeadlineAppeal, "2025-12-16",
			[]string{"自判决书送达之日起15日内上诉（行政诉讼法第85条）"}},
		{"first-instance 判决 驳回诉讼请求: 15 days", "first", "", "dismiss_claims", "2025-12-01", DeadlineAppeal, "2025-12-16", nil},
		{"first-instance 裁定驳回起诉: 10 days", "first", "", "dismiss_suit", "2025-12-01", DeadlineAppeal, "2025-12-11",
			[]string{"驳回起诉的裁定可以上诉（行诉法解释第101条第2款）", "10日内上诉（行政诉讼法第85条）"}},
		{"裁定准予撤诉: not appealable", "first", "", "withdrawn", "2025-12-01", "", "", nil},
		{"调解书: not appealable", "first", "", "mediated", "2025-12-01", "", "", nil},
		{"second-instance 判决: final", "second", "first", "revoke", "2025-12-01", "", "", nil},
		{"second-instance 裁定驳回起诉: final", "second", "first", "dismiss_suit", "2025-12-01", "", "", nil},
		{"retrial of a first-instance decision: appealable, 提审 to be checked", "retrial", "first", "revoke", "2025-12-01", DeadlineAppeal, "2025-12-16",
			[]string{"行诉法解释第119条", "请核对"}},
		{"retrial of a second-instance decision: final", "retrial", "second", "revoke", "2025-12-01", "", "", nil},
		{"appeal ending in 国庆: 09-16 + 15 = 10-01 → 10-09", "first", "", "revoke", "2025-09-16", DeadlineAppeal, "2025-10-09",
			[]string{"期限末日2025-10-01（国庆节、中秋节）为法定休假日", "民事诉讼法第85条第3款，依行政诉讼法第101条适用"}},
		{"answer ending in 国庆: 09-20 + 15 = 10-05 → 10-09", "first", "", "", "", DeadlineAnswer, "2025-10-09",
			[]string{"行政诉讼法第67条", "期限末日2025-10-05", "依行政诉讼法第101条适用"}},
	}
	for _, tc := range tcs {
		t.Run(tc.name, func(t *testing.T) {
			f := LawsuitFacts{ComplaintReceivedOn: d("2025-09-20"), Instance: tc.instance, PreviousInstance: tc.previous, Outcome: tc.outcome}
			if tc.served != "" {
				f.ServedOn = d(tc.served)
			}
			ds, err := ComputeLawsuit(cal, f)
			if err != nil {
				t.Fatal(err)
			}
			kind := tc.kind
			if kind == "" {
				if a := find(ds, DeadlineAppeal); a.Kind != "" {
					t.Fatalf("no appeal lies, got %+v", a)
				}
				if ap := AppealPeriod(tc.instance, tc.previous, tc.outcome); ap.Days != 0 || ap.Basis == "" {
					t.Fatalf("AppealPeriod: %+v", ap)
				}
				return
			}
			got := find(ds, kind)
			if got.DueOn.String() != tc.due {
				t.Fatalf("due %s, want %s (%s)", got.DueOn, tc.due, got.Basis)
			}
			for _, s := range tc.has {
				if !strings.Contains(got.Basis, s) {
					t.Errorf("basis lacks %q: %s", s, got.Basis)
				}
			}
			if strings.Contains(got.Basis, "休息日") {
				t.Errorf("basis says 休息日: %s", got.Basis)
			}
		})
	}
}
