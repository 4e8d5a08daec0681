package cases_test

import (
	"strings"
	"testing"

	"fuyi/internal/date"
	"fuyi/internal/testapp"
)

// The navigation counts what waits for each role: the window's registrations of today, the chief's review
// queue and drafts awaiting approval, the officer's cases due soon and overdue (only the officer's own),
// the bureau's decisions to publish. Of the officer's deadlines only the organ's own duties count (the
// served case's 抄告 and the applicant's 起诉期限 do not).
func TestNavigationCounts(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-10-13"))
	served := a.AcceptedCase(t, "ordinary") // 受理 2025-09-30: the copy is due 2025-10-16 (7 working days)
	if r := a.Propose("officer1", served, "maintain", map[string]any{"decided_on": "2025-10-10"}); r.Status != 200 {
		t.Fatalf("propose: %d %s", r.Status, r.Body)
	}
	if r := a.Post("chief1", served, "decision/approval", map[string]any{"approve": true}); r.Status != 200 {
		t.Fatalf("approve: %d %s", r.Status, r.Body)
	}
	if r := a.Post("officer1", served, "decision/service", map[string]any{"served_on": "2025-10-11"}); r.Status != 200 {
		t.Fatalf("serve: %d %s", r.Status, r.Body)
	}
	proposed := a.AcceptedCase(t, "ordinary")
	if r := a.Propose("officer1", proposed, "maintain", map[string]any{"decided_on": "2025-10-10"}); r.Status != 200 {
		t.Fatalf("propose: %d %s", r.Status, r.Body)
	}
	a.Register("window1", "2025-10-13")
	nav := func(app *testapp.App, user string) string {
		page := string(app.NewBrowserAs(user).Get("/cases").Body)
		i, j := strings.Index(page, "<nav>"), strings.Index(page, "</nav>")
		if i < 0 || j < i {
			t.Fatalf("%s: no navigation", user)
		}
		return page[i:j]
	}
	for user, want := range map[string][]string{
		"window1":  {`今日 1</span>`},
		"chief1":   {`待受理审查 <span class="count">1</span>`, `待审批 <span class="count">1</span>`},
		"officer1": {`临期 1</span>`},
		"bureau1":  {`待公开 <span class="count">1</span>`},
	} {
		got := nav(a, user)
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s's navigation lacks %s:\n%s", user, w, got)
			}
		}
		if user == "officer1" && strings.Contains(got, "超期") {
			t.Errorf("officer1 has nothing overdue yet:\n%s", got)
		}
	}
	if got := nav(a, "officer3"); strings.Contains(got, "临期") || strings.Contains(got, "超期") {
		t.Errorf("officer3 is counted another team's deadlines:\n%s", got)
	}
	// a week later the copies are overdue
	if got := nav(a.Later(date.MustParse("2025-10-20")), "officer1"); !strings.Contains(got, "超期 1</span>") {
		t.Errorf("a week later officer1's navigation:\n%s", got)
	}
}

// The bureau's home page says when last month's statistics are not yet published, and stops saying it
// once they are.
func TestBureauHomeStatisticsToPublish(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-10-13"))
	b := a.NewBrowserAs("bureau1")
	if page := string(b.Get("/").Body); !strings.Contains(page, `<strong>2025年9月</strong> 统计尚未发布`) || !strings.Contains(page, `href="/reports?year=2025&amp;kind=month&amp;n=9"`) {
		t.Fatal("the bureau's home page does not ask for September's statistics")
	}
	if r := a.Do("POST", "/api/v1/reports/monthly/2025-09/publication", a.Login("bureau1"), map[string]any{"reason": "月度发布"}); r.Status/100 != 2 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	if page := string(b.Get("/").Body); strings.Contains(page, "统计尚未发布") {
		t.Fatal("the published month is still asked for")
	}
}
