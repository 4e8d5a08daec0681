package hearings_test

import (
	"fmt"
	"strings"
	"testing"

	"fuyi/internal/testapp"
)

// Each role's home page lists the work waiting for that person, with counts: the window's registrations of
// today, the officer's new assignment (the assignment notice) and nearest deadlines, the chief's drafts
// awaiting approval, the bureau's decisions to publish, and the 记录员's hearings — which he can open.
func TestHomePagesShowWaitingWork(t *testing.T) {
	a := testapp.New(t, today)
	// window: an application received today
	todays := a.Register("window1", today.String())
	w := string(a.NewBrowserAs("window1").Get("/").Body)
	if !strings.Contains(w, "今日登记（1）") || !strings.Contains(w, fmt.Sprintf(`href="/cases/%d"`, todays)) {
		t.Fatalf("window home lacks today's registration")
	}

	id := setup(t, a) // accepted; officer1 (lead) and officer2 assigned now
	var caseNo *string
	a.DB.Get(&caseNo, `SELECT case_no FROM cases WHERE id = $1`, id)
	o := string(a.NewBrowserAs("officer1").Get("/").Body)
	if !strings.Contains(o, "新指派给您的案件") || !strings.Contains(o, "<strong>主办人</strong>") || !strings.Contains(o, *caseNo) {
		t.Fatalf("officer home lacks the assignment notice")
	}
	// the 记录员 (clerk1, not on the team) sees his hearing of the coming week and can open it
	b := body(a, "2026-11-24T09:00:00+08:00", "2026-11-24T11:00:00+08:00", "2026-11-13", "officer1", []string{"officer2", "officer3"}, "clerk1", 1)
	r := schedule(a, "chief1", id, b)
	if r.Status != 201 {
		t.Fatalf("schedule: %d %s", r.Status, r.Body)
	}
	var hid int64
	a.DB.Get(&hid, `SELECT max(id) FROM hearings`)
	clerk := a.NewBrowserAs("clerk1")
	home := string(clerk.Get("/").Body)
	if !strings.Contains(home, "未来7日的听证（1）") || !strings.Contains(home, fmt.Sprintf(`href="/hearings/%d"`, hid)) {
		t.Fatalf("clerk home lacks his hearing")
	}
	hp := clerk.Get(fmt.Sprintf("/hearings/%d", hid))
	if hp.Status != 200 || !strings.Contains(string(hp.Body), "记录员") || !strings.Contains(string(hp.Body), "第一听证室") {
		t.Fatalf("the clerk's own hearing: %d", hp.Status)
	}
	if strings.Contains(string(hp.Body), fmt.Sprintf(`href="/cases/%d`, id)) {
		t.Fatal("the hearing page links the clerk to a case page he may not open")
	}
	if cal := string(clerk.Get("/hearings?week=2026-11-23").Body); !strings.Contains(cal, fmt.Sprintf(`href="/hearings/%d"`, hid)) {
		t.Fatal("the calendar must link to the hearing page, not the case page")
	}

	// chief: the draft awaiting approval
	if r := a.Propose("officer1", id, "maintain", nil); r.Status != 200 {
		t.Fatalf("propose: %d %s", r.Status, r.Body)
	}
	c := string(a.NewBrowserAs("chief1").Get("/").Body)
	if !strings.Contains(c, "待审批的决定草案（1）") || !strings.Contains(c, "第1稿 · 维持") {
		t.Fatalf("chief home lacks the draft awaiting approval")
	}
	// bureau: the served decision waits for publication
	if r := a.Post("chief1", id, "decision/approval", map[string]any{"approve": true}); r.Status != 200 {
		t.Fatalf("approve: %d %s", r.Status, r.Body)
	}
	if r := a.Post("officer1", id, "decision/service", map[string]any{"served_on": "2025-11-21"}); r.Status != 200 {
		t.Fatalf("serve: %d %s", r.Status, r.Body)
	}
	bu := string(a.NewBrowserAs("bureau1").Get("/").Body)
	if !strings.Contains(bu, "已送达、待网上公开的决定（1）") || !strings.Contains(bu, fmt.Sprintf(`href="/cases/%d/publication"`, id)) {
		t.Fatalf("bureau home lacks the decision to publish")
	}
	if !strings.Contains(bu, "2027年的放假与调休安排尚未完整录入") {
		t.Fatal("bureau home lacks the calendar warning")
	}
}
