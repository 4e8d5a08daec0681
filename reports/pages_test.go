package reports_test

import (
	"strings"
	"testing"

	"fuyi/internal/testapp"
)

// The staff choose the period from pickers (no code to type), and the public find the published statistics
// from the public navigation.
func TestPeriodPickersAndPublicIndex(t *testing.T) {
	a := testapp.New(t, today)
	chief := a.NewBrowserAs("chief1")
	r := chief.Get("/reports?year=2025&kind=quarter&n=3")
	page := string(r.Body)
	if r.Status != 200 || !strings.Contains(page, "2025年第3季度") || !strings.Contains(page, `<option value="quarter" selected>`) {
		t.Fatalf("quarter from the pickers: %d", r.Status)
	}
	if strings.Contains(page, `name="period"`) && strings.Contains(page, `placeholder="2025-10`) {
		t.Fatal("the period is still typed as a code")
	}
	if r := chief.Get("/reports?year=2025&kind=month&n=10"); r.Status != 200 || !strings.Contains(string(r.Body), "2025年10月") {
		t.Fatalf("month from the pickers: %d", r.Status)
	}
	if r := a.Do("POST", "/api/v1/reports/monthly/2025-10/publication", a.Login("bureau1"), nil); r.Status != 201 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	pub := a.NewBrowser()
	dec := string(pub.Get("/decisions").Body)
	if !strings.Contains(dec, `<a href="/statistics">统计数据</a>`) {
		t.Fatal("the public navigation lacks the statistics")
	}
	idx := pub.Get("/statistics")
	if idx.Status != 200 || !strings.Contains(string(idx.Body), `<a href="/statistics/2025-10">2025年10月</a>`) {
		t.Fatalf("public statistics index: %d %s", idx.Status, idx.Body)
	}
}
