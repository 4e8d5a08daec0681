package cases_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode"

	"fuyi/internal/pdf/pdftext"
	"fuyi/internal/testapp"
)

func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// Every document type is filled from case data and rendered; the text extracted from the PDF equals the
// filled template text (no character lost at line wraps), apart from the page numbers.
func TestEveryDocumentTypeRendersItsFullText(t *testing.T) {
	a := testapp.New(t, today)
	// case 1: 补正 → 受理 → hearing → extension → 中止/恢复 → 意见书 → decision
	id := a.Register("window1", "2025-09-26")
	post(a, "chief1", id, "review", map[string]any{"outcome": "correction", "on": "2025-09-28", "items": []string{"申请人身份证复印件", "被申请复议的行政行为的书面材料"}})
	post(a, "window1", id, "correction-received", map[string]any{"on": "2025-10-09"})
	a.Accept(id, "2025-10-10", "ordinary")
	a.Assign(id, "officer1", "officer2")
	ids := func(names ...string) []int64 {
		var out []int64
		for _, n := range names {
			out = append(out, a.UserID(n))
		}
		return out
	}
	r := a.Do("POST", fmt.Sprintf("/api/v1/cases/%d/hearings", id), a.Login("chief1"), map[string]any{"starts_at": "2025-10-27T09:00:00+08:00",
		"ends_at": "2025-10-27T11:00:00+08:00", "room_id": 1, "host_id": a.UserID("officer1"), "panel_ids": ids("officer2", "officer3"),
		"clerk_id": a.UserID("clerk1"), "notified_on": "2025-10-16"})
	if r.Status != 201 {
		t.Fatalf("hearing: %d %s", r.Status, r.Body)
	}
	post(a, "chief1", id, "suspension", map[string]any{"on": "2025-11-01", "ground": "39-7"})
	post(a, "chief1", id, "resumption", map[string]any{"on": "2025-11-10"})
	post(a, "chief1", id, "extension", map[string]any{"on": "2025-11-20", "days": 30, "reason": "案情复杂"})
	post(a, "chief1", id, "opinion-letters", map[string]any{"issued_on": "2025-11-21", "content": "执法程序存在瑕疵，建议规范送达程序。"})
	long := strings.Repeat("经审理查明，被申请人于2025年8月1日作出处罚决定，认定申请人销售的预包装食品标签不符合GB 7718-2011的规定（“标签瑕疵”）。", 8)
	if r := propose(a, "officer1", id, "revoke", map[string]any{"articles": []string{"第六十四条第一款第一项"}, "sections": map[string]string{
		"requests": "撤销被申请人作出的行政处罚决定。", "applicant_says": "处罚认定事实不清。\n适用依据错误。", "respondent_says": "事实清楚，证据确凿。",
		"facts": long, "reasoning": "被申请人认定事实不清，证据不足。", "ruling": "撤销被申请人作出的栖市监罚〔2025〕345号行政处罚决定书。"}}); r.Status != 200 {
		t.Fatalf("propose: %d %s", r.Status, r.Body)
	}
	post(a, "chief1", id, "decision/approval", map[string]any{"approve": true})
	// case 2: rejected; case 3: mediation; case 4: dismissal; case 5: termination
	rej := a.Register("window1", "2025-09-26")
	post(a, "chief1", rej, "review", map[string]any{"outcome": "reject", "on": "2025-09-29", "reason": "申请人与被申请复议的行政行为没有利害关系"})
	others := map[string]map[string]any{
		"mediation":           {"sections": map[string]string{"ruling": "一、被申请人变更罚款数额为二千元；二、申请人撤回其他请求。"}},
		"dismiss_application": {"sections": map[string]string{"ruling": "驳回申请人的行政复议申请。"}},
		"terminate":           {"ground": "41-2", "sections": map[string]string{"ruling": "终止本案的审理。"}},
	}
	caseIDs := []int64{id, rej}
	for typ, extra := range others {
		cid := acceptedCase(t, a, "ordinary")
		if r := propose(a, "officer1", cid, typ, extra); r.Status != 200 {
			t.Fatalf("%s: %d %s", typ, r.Status, r.Body)
		}
		post(a, "chief1", cid, "decision/approval", map[string]any{"approve": true})
		caseIDs = append(caseIDs, cid)
	}
	seen := map[string]bool{}
	for _, cid := range caseIDs {
		var docs struct {
			Items []struct{ Type, URL, Title string }
		}
		a.Do("GET", fmt.Sprintf("/api/v1/cases/%d/documents", cid), a.Login("chief1"), nil).JSON(t, &docs)
		for _, d := range docs.Items {
			seen[d.Type] = true
			pdfURL := strings.Replace(d.URL, "/cases/", "/api/v1/cases/", 1)
			txtURL := strings.Replace(pdfURL, ".pdf", ".txt", 1)
			rp := a.Do("GET", pdfURL, a.Login("chief1"), nil)
			rt := a.Do("GET", txtURL, a.Login("chief1"), nil)
			if rp.Status != 200 || rt.Status != 200 {
				t.Fatalf("%s: pdf %d text %d %s", d.URL, rp.Status, rt.Status, rt.Body)
			}
			got, want := pdftext.Extract(t, rp.Body), squash(string(rt.Body))
			for n := 9; n >= 1; n-- {
				got = strings.ReplaceAll(got, fmt.Sprintf("—%d—", n), "")
			}
			if got != want {
				t.Errorf("%s (%s): PDF text differs from the document text\n got: %s\nwant: %s", d.Type, d.Title, got, want)
			}
			if strings.Contains(want, "<no value>") || strings.Contains(want, "0001年") {
				t.Errorf("%s: template left a hole: %s", d.Type, want)
			}
		}
	}
	for _, typ := range []string{"receipt", "acceptance", "correction", "rejection", "reply_notice", "hearing_notice", "extension",
		"suspension", "resumption", "termination", "dismissal", "decision", "mediation", "opinion"} {
		if !seen[typ] {
			t.Errorf("document type %s was not produced", typ)
		}
	}
	// the decision carries the structure of DOMAIN.md §11
	text := string(a.Do("GET", fmt.Sprintf("/api/v1/cases/%d/documents/decision.txt", id), a.Login("chief1"), nil).Body)
	for _, want := range []string{"行政复议决定书", "栖政复决〔2025〕1号", "申请人：张三，女，1949年12月31日出生，公民身份号码11010519491231002X",
		"被申请人：南京市栖霞区市场监督管理局", "法定代表人：刘建国", "本机关于2025年10月10日依法予以受理", "申请人称", "被申请人称", "经审理查明", "本机关认为",
		"依据《中华人民共和国行政复议法》第六十四条第一款第一项之规定，本机关决定如下", "十五日内依法向南京市栖霞区人民法院提起行政诉讼"} {
		if !strings.Contains(text, want) {
			t.Errorf("decision lacks %q", want)
		}
	}
	if r := a.Do("GET", fmt.Sprintf("/api/v1/cases/%d/documents/decision.pdf", rej), a.Login("chief1"), nil); r.Status != 404 {
		t.Fatalf("a rejected case has no decision: %d", r.Status)
	}
}
