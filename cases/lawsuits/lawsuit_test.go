package lawsuits

import (
	"testing"

	"fuyi/internal/date"
)

// DOMAIN.md §6: judgments for the plaintiff are lost; 驳回诉讼请求, 裁定驳回起诉, 撤诉 and 调解 are not.
func TestLostClassification(t *testing.T) {
	want := map[string]bool{
		"dismiss_claims": false, "revoke": true, "perform": true, "pay": true, "confirm_illegal": true,
		"confirm_invalid": true, "change": true, "agreement_liability": true, "compensation": true,
		"dismiss_suit": false, "withdrawn": false, "mediated": false,
	}
	if len(want) != len(Outcomes) {
		t.Fatalf("%d outcomes, want %d", len(Outcomes), len(want))
	}
	for code, lost := range want {
		if Lost(code) != lost {
			t.Errorf("%s: lost=%v, want %v", code, Lost(code), lost)
		}
	}
}

// 行政诉讼法第26条, 行诉法解释第22条.
func TestSuggestDefendants(t *testing.T) {
	cases := map[string][2]bool{ // agency, organ
		"maintain": {true, true}, "dismiss_request": {true, true},
		"change": {false, true}, "revoke": {false, true}, "confirm_invalid": {false, true},
		"dismiss_application": {true, false}, "settlement": {true, false}, "": {true, false},
	}
	for typ, want := range cases {
		s := SuggestDefendants(typ)
		if s.Agency != want[0] || s.Organ != want[1] || s.Note == "" {
			t.Errorf("%q: %+v, want agency=%v organ=%v", typ, s, want[0], want[1])
		}
	}
}

// 行诉法第67条 (15 days to answer) and 第85条 (15 days after a 判决, 10 after a 裁定), natural days moved
// to the next working day.
func TestLawsuitDeadlines(t *testing.T) {
	cal := testCalendar(t)
	ds, err := ComputeLawsuit(cal, LawsuitFacts{ComplaintReceivedOn: date.MustParse("2025-09-20"), Instance: "first", Outcome: "revoke", ServedOn: date.MustParse("2025-12-01")})
	if err != nil {
		t.Fatal(err)
	}
	if a := find(ds, DeadlineAnswer); a.DueOn.String() != "2025-10-09" { // 10-05 falls in 国庆
		t.Fatalf("answer %s", a.DueOn)
	}
	if a := find(ds, DeadlineAppeal); a.DueOn.String() != "2025-12-16" {
		t.Fatalf("appeal after a judgment %s", a.DueOn)
	}
	ds, _ = ComputeLawsuit(cal, LawsuitFacts{ComplaintReceivedOn: date.MustParse("2025-09-20"), Instance: "first", Outcome: "dismiss_suit", ServedOn: date.MustParse("2025-12-01")})
	if a := find(ds, DeadlineAppeal); a.DueOn.String() != "2025-12-11" {
		t.Fatalf("appeal after a ruling %s", a.DueOn)
	}
}
