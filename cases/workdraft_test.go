package cases_test

import (
	"fmt"
	"html"
	"net/url"
	"strings"
	"testing"

	"fuyi/internal/pdf/pdftext"
	"fuyi/internal/testapp"
)

// The decision draft is kept on the server: pre-filled from the application, saved automatically (without
// changing the case's version) and on request, kept when a proposal is refused, found again after a reload
// and from another login, previewed as the 决定书 it would produce, and removed once proposed; a returned
// draft comes back into the form. Only the lead officer saves drafts.
func TestDecisionWorkDraft(t *testing.T) {
	a := testapp.New(t, today)
	id := a.AcceptedCase(t, "ordinary")
	path := fmt.Sprintf("/cases/%d", id)
	off := a.NewBrowserAs("officer1")

	// 1. the fresh form starts from the application; the parties and the procedure are shown as the case has them
	page := html.UnescapeString(string(off.Get(path).Body))
	for _, want := range []string{"请求撤销被申请人作出的行政处罚决定。", "申请人认为处罚认定事实不清。", "已按申请书预填",
		"申请人：张三", "被申请人：", "依法予以受理", `data-autosave="` + path + `/actions/decision-draft"`, "保存草稿", "预览决定书"} {
		if !strings.Contains(page, want) {
			t.Errorf("fresh decision form lacks %q", want)
		}
	}

	// 2. automatic save: answered as JSON; the case's version does not move
	before := get(t, a, "officer1", id).Version
	form := url.Values{"type": {"revoke"}, "decided_on": {"2026-11-21"}, "articles": {"第六十四条第一款第一项"},
		"sections.requests": {"请求撤销处罚决定"}, "sections.facts": {"经审理查明事实甲"}, "sections.ruling": {"撤销被申请人的处罚决定。"}}
	r := off.RequestWith("POST", path+"/actions/decision-draft", withCSRF(off, form), "X-Fuyi-Autosave", "1")
	if r.Status != 200 || !strings.Contains(string(r.Body), "草稿已自动保存") {
		t.Fatalf("autosave: %d %s", r.Status, r.Body)
	}
	if v := get(t, a, "officer1", id); v.Version != before {
		t.Fatalf("saving a draft changed the case's version %d → %d", before, v.Version)
	}
	// a reload, and another login of the same officer, find the draft
	for _, b := range []*testapp.Browser{off, a.NewBrowserAs("officer1")} {
		page = string(b.Get(path).Body)
		for _, want := range []string{"已恢复保存的草稿", "请求撤销处罚决定", "经审理查明事实甲", `<option value="revoke" selected>`, `value="第六十四条第一款第一项"`, `<details open id="decision-draft">`} {
			if !strings.Contains(page, want) {
				t.Errorf("after a reload the form lacks %q", want)
			}
		}
	}

	// 3. the preview: 保存并预览 saves and shows the 决定书 as it would read, marked as a draft, without a 文号
	form.Set("sections.reasoning", "本机关认为理由乙")
	r = off.Post(path+"/actions/decision-preview", form)
	if r.Status != 303 || r.Header.Get("Location") != path+"/documents/decision-draft.pdf" {
		t.Fatalf("preview: %d %s", r.Status, r.Header.Get("Location"))
	}
	r = off.Get(path + "/documents/decision-draft.pdf")
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("preview pdf: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	text := strings.Join(strings.Fields(pdftext.Extract(t, r.Body)), "")
	for _, want := range []string{"草稿预览", "行政复议决定书", "申请人：张三", "依法予以受理", "申请人请求：请求撤销处罚决定", "本机关认为：本机关认为理由乙",
		"第六十四条第一款第一项", "撤销被申请人的处罚决定。"} {
		if !strings.Contains(text, want) {
			t.Errorf("preview lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "栖政复决") {
		t.Error("a preview must not carry a 文号")
	}
	// the chief may read the preview; the other officer may not save; a window clerk never reaches it
	if r := a.NewBrowserAs("chief1").Get(path + "/documents/decision-draft.pdf"); r.Status != 200 {
		t.Errorf("chief preview: %d", r.Status)
	}
	other := a.NewBrowserAs("officer2")
	other.Get(path)
	if r := other.Post(path+"/actions/decision-draft", url.Values{"sections.ruling": {"改写"}}); r.Status != 403 {
		t.Errorf("a team member who is not the lead saved a draft: %d", r.Status)
	}
	if r := a.NewBrowserAs("officer3").Get(path + "/documents/decision-draft.pdf"); r.Status != 404 {
		t.Errorf("an officer outside the case read the preview: %d", r.Status)
	}

	// 4. explicit save, then a refused proposal: what was posted becomes the draft
	form.Set("sections.applicant_says", "申请人称处罚过重")
	if r := off.Post(path+"/actions/decision-draft", form); r.Status != 303 {
		t.Fatalf("save draft: %d", r.Status)
	}
	if page = string(off.Get(path).Body); !strings.Contains(page, "决定草案的草稿已保存") || !strings.Contains(page, "申请人称处罚过重") {
		t.Error("the explicit save is not confirmed or not kept")
	}
	refused := url.Values{"type": {"change"}, "decided_on": {"2026-11-21"}, "articles": {""}, "sections.ruling": {"变更为警告"},
		"sections.facts": {"查明事实丙"}, "version": {fmt.Sprint(before)}}
	if r := off.Post(path+"/actions/decision", refused); r.Status != 422 {
		t.Fatalf("proposal without articles: %d", r.Status)
	}
	page = string(a.NewBrowserAs("officer1").Get(path).Body)
	for _, want := range []string{"查明事实丙", "变更为警告", `<option value="change" selected>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the refused proposal was not kept as the draft: lacks %q", want)
		}
	}

	// 5. proposed: the draft is gone; returned by the chief: the form starts from the returned version
	refused.Set("articles", "第六十三条")
	if r := off.Post(path+"/actions/decision", refused); r.Status != 303 {
		t.Fatalf("proposal: %d %s", r.Status, r.Body)
	}
	var n int
	if err := a.DB.Get(&n, `SELECT count(*) FROM decision_workdrafts WHERE case_id = $1`, id); err != nil || n != 0 {
		t.Fatalf("the draft outlived its proposal: %d %v", n, err)
	}
	chief := a.NewBrowserAs("chief1")
	chief.Get(path)
	v := get(t, a, "chief1", id)
	if r := chief.Post(path+"/actions/approval", url.Values{"approve": {"false"}, "reason": {"理由不充分"}, "version": {fmt.Sprint(v.Version)}}); r.Status != 303 {
		t.Fatalf("return: %d", r.Status)
	}
	page = string(off.Get(path).Body)
	for _, want := range []string{"第1稿已被退回（理由：理由不充分）", "查明事实丙", `<option value="change" selected>`, `value="第六十三条"`} {
		if !strings.Contains(page, want) {
			t.Errorf("after a return the form lacks %q", want)
		}
	}
}

func withCSRF(b *testapp.Browser, f url.Values) url.Values {
	out := url.Values{}
	for k, v := range f {
		out[k] = v
	}
	out.Set("_csrf", b.CSRF)
	return out
}
