package cases_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"fuyi/internal/testapp"
)

// checkedValue is the value of the radio button of name that the page has checked.
func checkedValues(page, name string) []string {
	re := regexp.MustCompile(`<input type="radio" name="` + regexp.QuoteMeta(name) + `" value="([^"]+)" checked`)
	var out []string
	for _, m := range re.FindAllStringSubmatch(page, -1) {
		out = append(out, m[1])
	}
	return out
}

// A refused review keeps 不予受理, the typed reason and the chosen date; nothing is recorded.
func TestReviewFormKeepsRejectionAfterError(t *testing.T) {
	a := testapp.New(t, today)
	id := a.Register("window1", "2026-11-20")
	chief := a.NewBrowserAs("chief1")
	path := fmt.Sprintf("/cases/%d", id)
	page := string(chief.Get(path).Body)
	if got := checkedValues(page, "outcome"); len(got) != 1 || got[0] != "accept" {
		t.Fatalf("fresh review form: outcome %v", got)
	}
	v := get(t, a, "chief1", id)
	// 不予受理 with a date in the future: refused; the reason typed must come back, and the choice too
	r := chief.Post(path+"/review", url.Values{"outcome": {"reject"}, "on": {"2099-01-05"}, "procedure": {"ordinary"},
		"reason": {"申请人不具备申请资格，理由详见附件"}, "version": {fmt.Sprint(v.Version)}})
	page = string(r.Body)
	if r.Status != 422 {
		t.Fatalf("review with a bad date: %d", r.Status)
	}
	if got := checkedValues(page, "outcome"); len(got) != 1 || got[0] != "reject" {
		t.Fatalf("after the error the outcome is %v, want [reject]", got)
	}
	for _, want := range []string{"申请人不具备申请资格，理由详见附件", `value="2099-01-05"`, `class="field-error"`, "data-failed"} {
		if !strings.Contains(page, want) {
			t.Errorf("refilled review form lacks %q", want)
		}
	}
	// 不予受理 without a reason: the message sits beside the reason, the choice stays
	r = chief.Post(path+"/review", url.Values{"outcome": {"reject"}, "on": {"2026-11-21"}, "version": {fmt.Sprint(v.Version)}})
	page = string(r.Body)
	if r.Status != 422 || !strings.Contains(page, "不予受理须说明理由") {
		t.Fatalf("rejection without reason: %d", r.Status)
	}
	if got := checkedValues(page, "outcome"); len(got) != 1 || got[0] != "reject" {
		t.Fatalf("after the missing reason the outcome is %v, want [reject]", got)
	}
	if strings.Contains(page, `value="accept" checked`) {
		t.Fatal("a refused rejection must not come back as an acceptance")
	}
	if got := get(t, a, "chief1", id); got.Status != "registered" || got.CaseNo != nil {
		t.Fatalf("nothing may be recorded after refused reviews: %s %v", got.Status, got.CaseNo)
	}
	// the confirmation in words travels with each choice
	if !strings.Contains(page, "确认不予受理：将向申请人发出不予受理决定书，本操作不可撤销") {
		t.Fatal("the rejection choice lacks its confirmation in words")
	}
}

// A refused decision draft comes back with its type, every section and the section open.
func TestDecisionDraftKeptAfterError(t *testing.T) {
	a := testapp.New(t, today)
	id := a.AcceptedCase(t, "ordinary")
	a.Assign(id, "officer1", "officer2")
	off := a.NewBrowserAs("officer1")
	path := fmt.Sprintf("/cases/%d", id)
	v := get(t, a, "officer1", id)
	form := url.Values{"type": {"revoke"}, "decided_on": {"2026-11-21"}, "articles": {""}, "version": {fmt.Sprint(v.Version)}}
	texts := map[string]string{"requests": "请求撤销处罚决定", "applicant_says": "申请人称处罚过重", "respondent_says": "被申请人称处罚适当",
		"third_party_says": "第三人未陈述", "facts": "经审理查明事实甲", "reasoning": "本机关认为理由乙", "ruling": "撤销被申请人的处罚决定"}
	for k, x := range texts {
		form.Set("sections."+k, x)
	}
	r := off.Post(path+"/actions/decision", form)
	page := string(r.Body)
	if r.Status != 422 || !strings.Contains(page, "请列明作出决定所依据的法律条款") {
		t.Fatalf("draft without articles: %d", r.Status)
	}
	for k, x := range texts {
		if !strings.Contains(page, x) {
			t.Errorf("section %s lost after the error", k)
		}
	}
	if !strings.Contains(page, `<option value="revoke" selected>`) {
		t.Error("decision type not kept (reset to the first type)")
	}
	if !strings.Contains(page, `<details open id="decision-draft">`) {
		t.Error("the draft's section must be open after the error")
	}
}

// The hearing form keeps its inputs after a refusal, and the assignment page keeps its selection and shows
// its error on itself.
func TestHearingAndAssignmentFormsKeepInput(t *testing.T) {
	a := testapp.New(t, today)
	id := a.AcceptedCase(t, "ordinary")
	chief := a.NewBrowserAs("chief1")
	path := fmt.Sprintf("/cases/%d", id)
	o1 := fmt.Sprint(a.UserID("officer1"))
	v := get(t, a, "chief1", id)
	r := chief.Post(path+"/actions/assignment", url.Values{"officer_ids": {o1}, "lead_officer_id": {o1}, "version": {fmt.Sprint(v.Version)}})
	page := string(r.Body)
	if r.Status != 422 || !strings.Contains(page, "<h1>指派办案人员") || !strings.Contains(page, "2名以上办案人员") {
		t.Fatalf("refused assignment must stay on the assignment page: %d", r.Status)
	}
	if !strings.Contains(page, `name="officer_ids" value="`+o1+`" checked`) || !strings.Contains(page, `name="lead_officer_id" value="`+o1+`" checked`) {
		t.Fatal("the selection is lost after the error")
	}
	if strings.Contains(page, `action="`+path+`/hearings"`) {
		t.Fatal("the assignment error must not land on the case page")
	}
	a.Assign(id, "officer1", "officer2")
	o2, o3 := fmt.Sprint(a.UserID("officer2")), fmt.Sprint(a.UserID("officer3"))
	// a hearing with one panel member is refused (at least two): everything typed comes back
	r = chief.Post(path+"/hearings", url.Values{"starts_at": {"2026-12-10T09:30"}, "ends_at": {"2026-12-10T11:45"}, "room_id": {"2"},
		"notified_on": {"2026-11-23"}, "host_id": {o1}, "panel_ids": {o2}, "clerk_id": {o3}, "online_link": {""}})
	page = string(r.Body)
	if r.Status != 422 {
		t.Fatalf("hearing with one panel member: %d %s", r.Status, page)
	}
	for _, want := range []string{`value="2026-12-10T09:30"`, `value="2026-12-10T11:45"`, `value="2026-11-23"`,
		`<option value="2" selected>`, `name="panel_ids" value="` + o2 + `" checked`, `<option value="` + o1 + `" selected>`} {
		if !strings.Contains(page, want) {
			t.Errorf("hearing form lost %s", want)
		}
	}
	if !regexp.MustCompile(`<details open><summary>安排听证`).MatchString(page) {
		t.Error("the hearing form must come back open")
	}
}

// The intake page takes the postmark of an application sent by post (the rule of FiledOn applies: posted
// in time is in time); a wrong postmark is refused beside its field with everything typed kept.
func TestIntakePagePostmark(t *testing.T) {
	a := testapp.New(t, today)
	w := a.NewBrowserAs("window1")
	f := intakeForm()
	f.Set("channel", "window")
	f.Set("postmarked_on", "2025-09-20")
	r := w.Post("/cases/new", f)
	page := string(r.Body)
	if r.Status != 422 || !strings.Contains(page, "只有邮寄") || !strings.Contains(page, `value="2025-09-20"`) || !strings.Contains(page, "栖市监罚〔2025〕345号") {
		t.Fatalf("postmark on a window application: %d", r.Status)
	}
	f = intakeForm()
	f.Set("channel", "mail")
	f.Set("postmarked_on", "2025-09-24")
	f.Set("form_key", "f-mail")
	r = w.Post("/cases/new", f)
	if r.Status != 303 {
		t.Fatalf("mailed application: %d %s", r.Status, r.Body)
	}
	id := regexp.MustCompile(`/cases/(\d+)/receipt`).FindStringSubmatch(r.Header.Get("Location"))[1]
	if d := string(a.NewBrowserAs("chief1").Get("/cases/" + id).Body); !strings.Contains(d, "邮戳日期 2025-09-24") {
		t.Fatal("the case page lacks the postmark")
	}
}
