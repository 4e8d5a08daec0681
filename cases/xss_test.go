package cases_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"fuyi/internal/testapp"
)

const xss = `<script>alert("x")</script><img src=x onerror=alert(1)>`

// xss2 goes into the decision text (xss is also the applicant's address, which publication removes).
const xss2 = `<script>alert("y")</script><b onmouseover=alert(2)>`

// Every free-text field is escaped on staff and public pages; SQL metacharacters in search are harmless.
func TestXSSEscapedAndSQLMetacharacters(t *testing.T) {
	a := testapp.New(t, today)
	body := testapp.Application("2025-09-26")
	body["applicants"].([]map[string]any)[0]["name"] = "张" + xss
	body["applicants"].([]map[string]any)[0]["address"] = xss
	body["act"].(map[string]any)["title"] = xss
	body["act"].(map[string]any)["doc_no"] = xss
	body["requests"], body["facts"] = xss, xss
	body["materials"] = []string{xss}
	r := a.Do("POST", "/api/v1/cases", a.Login("window1"), body)
	if r.Status != 201 {
		t.Fatalf("register: %d %s", r.Status, r.Body)
	}
	var v struct {
		ID             int64  `json:"id"`
		RegistrationNo string `json:"registration_no"`
		QueryCode      string `json:"query_code"`
	}
	r.JSON(t, &v)
	a.Accept(v.ID, "2025-09-30", "ordinary")
	a.Assign(v.ID, "officer1", "officer2")
	post(a, "chief1", v.ID, "complexity", map[string]any{"complex": false, "reason": xss})
	propose(a, "officer1", v.ID, "maintain", map[string]any{"sections": map[string]string{"facts": xss2, "reasoning": xss2, "ruling": "维持。" + xss2}})
	post(a, "chief1", v.ID, "decision/approval", map[string]any{"approve": true})
	post(a, "officer1", v.ID, "decision/service", map[string]any{"served_on": "2025-11-25"})
	pub := a.Do("POST", fmt.Sprintf("/api/v1/cases/%d/publication", v.ID), a.Login("bureau1"), nil)
	var p struct {
		URL string `json:"url"`
	}
	if pub.Status != 201 {
		t.Fatalf("publish: %d %s", pub.Status, pub.Body)
	}
	pub.JSON(t, &p)

	staff := a.NewBrowserAs("chief1")
	pages := map[string]string{
		"case":        string(staff.Get(fmt.Sprintf("/cases/%d", v.ID)).Body),
		"list":        string(staff.Get("/cases").Body),
		"receipt":     string(staff.Get(fmt.Sprintf("/cases/%d/receipt", v.ID)).Body),
		"queue":       string(staff.Get("/workbench").Body),
		"publication": string(staff.Get(fmt.Sprintf("/cases/%d/publication", v.ID)).Body),
		"public":      string(a.Do("GET", p.URL, "", nil).Body),
		"status":      string(a.Do("GET", "/status?no="+v.RegistrationNo+"&code="+v.QueryCode, "", nil).Body),
		"search":      string(a.Do("GET", "/decisions?q="+url.QueryEscape(xss), "", nil).Body),
	}
	for name, html := range pages {
		if strings.Contains(html, "<script>alert") || strings.Contains(html, "<img src=x") || strings.Contains(html, "<b onmouseover") {
			t.Errorf("%s page renders the payload unescaped", name)
		}
	}
	for _, name := range []string{"case", "receipt", "public"} {
		if !strings.Contains(pages[name], "&lt;script&gt;") {
			t.Errorf("%s page lacks the escaped payload (field not shown?)", name)
		}
	}
	for _, q := range []string{`'; DROP TABLE cases; --`, `%' OR 1=1 --`, `\`, `_`, `%`} {
		for _, path := range []string{"/api/v1/cases?q=", "/api/v1/public/decisions?q=", "/api/v1/lawsuits?q="} {
			tok := a.Login("chief1")
			if strings.Contains(path, "public") {
				tok = ""
			}
			r := a.Do("GET", path+url.QueryEscape(q), tok, nil)
			if r.Status != 200 {
				t.Errorf("%s%q: %d", path, q, r.Status)
			}
			if strings.Contains(path, "/cases") && strings.Contains(string(r.Body), `"total":1`) && q != `_` {
				t.Errorf("%q matched as a pattern: %s", q, r.Body)
			}
		}
	}
	var n int
	a.DB.Get(&n, `SELECT count(*) FROM cases`)
	if n != 1 {
		t.Fatalf("cases table after SQL metacharacters: %d", n)
	}
}
