package cases_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"fuyi/internal/demo"
	"fuyi/internal/testapp"
)

func TestHandlingPages(t *testing.T) {
	a := testapp.New(t, today)
	id := a.Register("window1", "2025-09-26")
	a.Accept(id, "2025-09-30", "ordinary")
	path := fmt.Sprintf("/cases/%d", id)

	chief := a.NewBrowser()
	chief.LoginAs("chief1", demo.Password)
	if q := string(chief.Get("/review").Body); !strings.Contains(q, "办案人员不足的案件") || !strings.Contains(q, "栖政复〔2025〕1号") {
		t.Fatal("the chief's queue must list the accepted case without a team as understaffed")
	}
	page := string(chief.Get(path + "/assignment").Body)
	if !strings.Contains(page, "赵明") || strings.Contains(page, "郑书记") {
		t.Fatal("assignment page must list qualified officers only")
	}
	o1, o2 := fmt.Sprint(a.UserID("officer1")), fmt.Sprint(a.UserID("officer2"))
	v := get(t, a, "chief1", id)
	r := chief.Post(path+"/actions/assignment", url.Values{"officer_ids": {o1}, "lead_officer_id": {o1}, "version": {fmt.Sprint(v.Version)}})
	if r.Status != 422 || !strings.Contains(string(r.Body), "2名以上办案人员") {
		t.Fatalf("one officer through the form: %d", r.Status)
	}
	r = chief.Post(path+"/actions/assignment", url.Values{"officer_ids": {o1, o2}, "lead_officer_id": {o1}, "version": {fmt.Sprint(v.Version)}})
	if r.Status != 303 {
		t.Fatalf("assign: %d %s", r.Status, r.Body)
	}

	off := a.NewBrowser()
	off.LoginAs("officer1", demo.Password)
	if wb := string(off.Get("/workbench").Body); !strings.Contains(wb, "栖政复〔2025〕1号") {
		t.Fatal("workbench lacks the assigned case")
	}
	detail := string(off.Get(path).Body)
	if !strings.Contains(detail, "/actions/decision\"") {
		t.Fatal("the lead sees no decision form")
	}
	v = get(t, a, "officer1", id)
	r = off.Post(path+"/actions/decision", url.Values{"type": {"maintain"}, "decided_on": {"2025-11-20"}, "articles": {"第六十八条"},
		"sections.ruling": {"维持被申请人作出的行政处罚决定。"}, "version": {fmt.Sprint(v.Version)}})
	if r.Status != 303 {
		t.Fatalf("propose: %d %s", r.Status, r.Body)
	}
	if strings.Contains(string(a.NewBrowserAs("officer2").Get(path).Body), "/actions/decision\"") {
		t.Fatal("a team member who is not the lead must not see the decision form")
	}
	v = get(t, a, "chief1", id)
	if r := chief.Post(path+"/actions/approval", url.Values{"approve": {"true"}, "mode": {"chief"}, "version": {fmt.Sprint(v.Version)}}); r.Status != 303 {
		t.Fatalf("approve: %d", r.Status)
	}
	v = get(t, a, "chief1", id)
	if r := off.Post(path+"/actions/service", url.Values{"served_on": {"2025-11-25"}, "version": {fmt.Sprint(v.Version - 1)}}); r.Status != 409 {
		t.Fatalf("stale form: %d", r.Status)
	}
	if r := off.Post(path+"/actions/service", url.Values{"served_on": {"2025-11-25"}, "version": {fmt.Sprint(v.Version)}}); r.Status != 303 {
		t.Fatalf("service: %d", r.Status)
	}
	final := string(off.Get(path).Body)
	for _, want := range []string{"已决定", "维持被申请人作出的行政处罚决定", "申请人起诉期限", "2025-12-10"} {
		if !strings.Contains(final, want) {
			t.Errorf("case page lacks %q", want)
		}
	}
}
