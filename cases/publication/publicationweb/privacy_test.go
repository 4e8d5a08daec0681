package publicationweb_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"fuyi/internal/pdf/pdftext"
	rt "fuyi/internal/redact/redacttest"
	"fuyi/internal/testapp"
)

// Issue 17: a served decision carrying personal data written as people write it (redacttest.Spellings:
// 42 spellings — IDs with spaces, full-width or across a line break, mobiles with dots or in Chinese
// digits, landlines, bank cards, ＠ e-mail, QQ/微信, plates, property certificates, a firm's code, given
// names alone, names with inner spaces, a witness and a neighbour named only in the facts, addresses
// without 住) is refused while names wait for review, and once reviewed none of it survives in the public
// HTML, the PDF's text, the Atom feed or the public search; party lines carry no sex and no birth date.
func TestPublicationLeaksNothing(t *testing.T) {
	a := testapp.New(t, today)
	app := testapp.Application("2025-09-26")
	app["applicants"] = []map[string]any{
		{"kind": "person", "name": rt.Applicant, "id_number": rt.ApplicantID, "phone": "13912345600", "address": rt.ApplicantAddr},
		{"kind": "org", "name": rt.Third, "credit_code": rt.ThirdCode, "legal_rep": rt.ThirdRep, "address": "南京市栖霞区仙林大道163号"},
	}
	app["agents"] = []map[string]any{{"kind": "person", "name": rt.Agent, "agent_kind": "other"}}
	r := a.Do("POST", "/api/v1/cases", a.Login("window1"), app)
	if r.Status != 201 {
		t.Fatalf("register: %d %s", r.Status, r.Body)
	}
	var c struct {
		ID int64 `json:"id"`
	}
	r.JSON(t, &c)
	id := c.ID
	if r := a.Accept(id, "2025-09-30", "ordinary"); r.Status != 200 {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
	a.Assign(id, "officer1", "officer2")
	sections := map[string]string{"facts": rt.Body(), "reasoning": "本机关认为，被申请人送达程序违法。", "ruling": "撤销被申请人作出的栖市监罚〔2025〕345号行政处罚决定。"}
	if r := propose(a, "officer1", id, "revoke", map[string]any{"articles": []string{"第六十四条第一款"}, "sections": sections}); r.Status != 200 {
		t.Fatalf("propose: %d %s", r.Status, r.Body)
	}
	post(a, "chief1", id, "decision/approval", map[string]any{"approve": true})
	post(a, "officer1", id, "decision/service", map[string]any{"served_on": "2025-11-25"})

	// the witness and the neighbour are only in the facts: publishing waits for the reviewer
	bureau := a.Login("bureau1")
	path := fmt.Sprintf("/api/v1/cases/%d/publication", id)
	if r := a.Do("POST", path, bureau, nil); r.Status != 422 || !strings.Contains(string(r.Body), "疑似人名未确认") {
		t.Fatalf("publish with names unreviewed: %d %s", r.Status, r.Body)
	}
	page := string(a.NewBrowserAs("bureau1").Get(fmt.Sprintf("/cases/%d/publication", id)).Body)
	for _, name := range []string{rt.Witness, rt.Neighbour} {
		if !strings.Contains(page, `name="name" value="`+name+`"`) {
			t.Fatalf("the review page does not offer %s", name)
		}
	}
	if strings.Contains(page, "确认无误，网上公开") {
		t.Fatal("the publish button shows while names are unreviewed")
	}
	if r := a.Do("POST", path+"/candidates", bureau, map[string]any{"name": "王", "redact": true}); r.Status != 422 {
		t.Fatalf("one-character candidate: %d", r.Status)
	}
	for _, name := range []string{rt.Witness, rt.Neighbour} {
		if r := a.Do("POST", path+"/candidates", a.Login("chief1"), map[string]any{"name": name, "redact": true}); r.Status != 204 {
			t.Fatalf("confirm %s: %d %s", name, r.Status, r.Body)
		}
	}
	// anything else the list holds is kept through the page form (it must be an official or a word)
	for _, line := range strings.Split(page, `name="name" value="`)[1:] {
		name := line[:strings.Index(line, `"`)]
		if name == rt.Witness || name == rt.Neighbour {
			continue
		}
		t.Logf("kept by the reviewer: %s", name)
		b := a.NewBrowserAs("bureau1")
		b.Get(fmt.Sprintf("/cases/%d/publication", id))
		if r := b.Post(fmt.Sprintf("/cases/%d/publication/candidate", id), url.Values{"name": {name}, "decision": {"keep"}}); r.Status != 303 {
			t.Fatalf("keep %s: %d", name, r.Status)
		}
	}
	r = a.Do("POST", path, bureau, nil)
	if r.Status != 201 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	var pub struct {
		URL    string `json:"url"`
		PDFURL string `json:"pdf_url"`
	}
	r.JSON(t, &pub)
	html := string(a.Do("GET", pub.URL, "", nil).Body)
	pdfText := pdftext.Extract(t, a.Do("GET", pub.PDFURL, "", nil).Body)
	atom := string(a.Do("GET", "/decisions.atom", "", nil).Body)
	if !strings.Contains(atom, pub.URL) {
		t.Fatal("the Atom feed lacks the decision")
	}
	for where, text := range map[string]string{"HTML": html, "PDF": pdfText, "Atom": atom} {
		if left := rt.Survivors(text); len(left) > 0 {
			t.Errorf("%s: %d spellings survive: %v", where, len(left), left)
		}
		for _, secret := range []string{rt.Applicant, rt.ApplicantID, rt.Agent, rt.ThirdRep, rt.Third, "1985年12月12日", "，女，", "金尧路"} {
			if strings.Contains(rt.Fold(text), rt.Fold(secret)) {
				t.Errorf("%s: %q survives", where, secret)
			}
		}
	}
	for _, kept := range []string{"欧阳某某", "南京市栖霞区市场监督管理局", "刘建国", "栖市监罚〔2025〕345号", "第六十八条", "3000元", "2025年10月1日", "王某某", "赵某某"} {
		if !strings.Contains(rt.Fold(pdfText), rt.Fold(kept)) || !strings.Contains(html, kept) {
			t.Errorf("%q must stay (PDF %v, HTML %v)", kept, strings.Contains(rt.Fold(pdfText), rt.Fold(kept)), strings.Contains(html, kept))
		}
	}
	// the public search finds the decision by its public words and by no secret
	search := func(q string) int {
		var list struct {
			Total int `json:"total"`
		}
		a.Do("GET", "/api/v1/public/decisions?q="+url.QueryEscape(q), "", nil).JSON(t, &list)
		return list.Total
	}
	if search("送达程序") != 1 {
		t.Fatal("the search does not find the published decision")
	}
	n := 0
	for _, s := range rt.Spellings {
		for _, q := range s.Secrets {
			n++
			if got := search(q); got != 0 {
				t.Errorf("search %q (%s) finds %d", q, s.Class, got)
			}
		}
	}
	t.Logf("%d spellings, %d secret searches", len(rt.Spellings), n)
}
