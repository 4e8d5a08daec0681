package casefile_test

import (
	"fmt"
	"regexp"
	"testing"

	"fuyi/internal/date"
	"fuyi/internal/testapp"
)

var countRe = func(id string) *regexp.Regexp { return regexp.MustCompile(`id="` + id + `">(\d+)<`) }

// The work queues: the chief's 待审批 page lists each decision draft awaiting approval with its counts (past
// the decision deadline, due within 7 days), the bureau's 待公开 page each served decision neither published
// nor marked not for publication, with the count of those marked; both are linked from the navigation, and
// other roles are refused.
func TestWorkQueuePages(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-12-10")) // past the 60-day decision period of a case accepted 2025-09-30
	id := a.AcceptedCase(t, "ordinary")
	chief, bureau := a.NewBrowserAs("chief1"), a.NewBrowserAs("bureau1")
	count := func(b *testapp.Browser, path, id string) string {
		t.Helper()
		r := b.Get(path)
		if r.Status != 200 {
			t.Fatalf("%s: %d", path, r.Status)
		}
		m := countRe(id).FindSubmatch(r.Body)
		if m == nil {
			t.Fatalf("%s has no count %s:\n%s", path, id, r.Body)
		}
		return string(m[1])
	}
	if n := count(chief, "/queues/approvals", "count-all"); n != "0" {
		t.Fatalf("待审批 before any draft: %s", n)
	}
	if r := a.Propose("officer1", id, "maintain", nil); r.Status != 200 {
		t.Fatalf("propose: %d %s", r.Status, r.Body)
	}
	if n, late := count(chief, "/queues/approvals", "count-all"), count(chief, "/queues/approvals", "count-overdue"); n != "1" || late != "1" {
		t.Fatalf("待审批 %s, overdue %s; want 1 and 1", n, late)
	}
	page := string(chief.Get("/queues/approvals").Body)
	for _, want := range []string{fmt.Sprintf(`href="/cases/%d#actions"`, id), "栖政复〔2025〕1号", "第1稿 · 维持", `href="/queues/approvals">待审批 <span class="count">1</span></a>`} {
		if !regexp.MustCompile(regexp.QuoteMeta(want)).MatchString(page) {
			t.Fatalf("待审批 page lacks %q", want)
		}
	}
	for _, u := range []string{"officer1", "window1", "bureau1"} {
		if r := a.NewBrowserAs(u).Get("/queues/approvals"); r.Status != 403 {
			t.Fatalf("待审批 for %s: %d", u, r.Status)
		}
	}
	if r := a.Post("chief1", id, "decision/approval", map[string]any{"approve": true}); r.Status != 200 {
		t.Fatalf("approve: %d %s", r.Status, r.Body)
	}
	if n := count(chief, "/queues/approvals", "count-all"); n != "0" {
		t.Fatalf("待审批 after approval: %s", n)
	}
	if n := count(bureau, "/queues/publication", "count-all"); n != "0" {
		t.Fatalf("待公开 before service: %s", n)
	}
	if r := a.Post("officer1", id, "decision/service", map[string]any{"served_on": "2025-12-01"}); r.Status != 200 {
		t.Fatalf("service: %d %s", r.Status, r.Body)
	}
	if n := count(bureau, "/queues/publication", "count-all"); n != "1" {
		t.Fatalf("待公开 after service: %s", n)
	}
	page = string(bureau.Get("/queues/publication").Body)
	for _, want := range []string{fmt.Sprintf(`href="/cases/%d/publication"`, id), "2025-12-01", `href="/queues/publication">待公开 <span class="count">1</span></a>`} {
		if !regexp.MustCompile(regexp.QuoteMeta(want)).MatchString(page) {
			t.Fatalf("待公开 page lacks %q", want)
		}
	}
	if r := a.Do("POST", fmt.Sprintf("/api/v1/cases/%d/publication/block", id), a.Login("bureau1"), map[string]any{"reason": "privacy", "note": "涉及个人隐私"}); r.Status/100 != 2 {
		t.Fatalf("block: %d %s", r.Status, r.Body)
	}
	if n, b := count(bureau, "/queues/publication", "count-all"), count(bureau, "/queues/publication", "count-blocked"); n != "0" || b != "1" {
		t.Fatalf("待公开 %s, marked not for publication %s; want 0 and 1", n, b)
	}
	if r := a.NewBrowserAs("officer1").Get("/queues/publication"); r.Status != 403 {
		t.Fatalf("待公开 for an officer: %d", r.Status)
	}
}
