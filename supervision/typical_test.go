package supervision_test

import (
	"net/url"
	"strings"
	"testing"

	"fuyi/internal/date"
	"fuyi/internal/pdf/pdftext"
	"fuyi/internal/testapp"
	"fuyi/supervision"
)

// A second application against the same contested act 文号 is flagged at intake (the registration answer,
// the receipt and case pages); brackets typed at a keyboard do not hide it; another 文号 is not flagged.
func TestSecondApplicationAgainstTheSameActIsFlagged(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-10-10"))
	market := agencyID(t, a, "南京市栖霞区市场监督管理局")
	first := register(t, a, market, "2025-09-26", "栖市监罚〔2025〕777号")
	if v := a.Case(t, "chief1", first); strings.Contains(string(a.Do("GET", path("/api/v1/cases/%d", first), a.Login("chief1"), nil).Body), `"series":[{`) {
		t.Fatalf("a first application flagged: %+v", v)
	}
	body := testapp.Application("2025-09-29")
	body["respondent_agency_id"] = market
	body["act"].(map[string]any)["doc_no"] = "栖市监罚[2025]777 号"
	r := a.Do("POST", "/api/v1/cases", a.Login("window2"), body)
	var v struct {
		ID     int64 `json:"id"`
		Series []struct {
			ID int64  `json:"id"`
			No string `json:"no"`
		} `json:"series"`
	}
	r.JSON(t, &v)
	if r.Status != 201 || len(v.Series) != 1 || v.Series[0].ID != first {
		t.Fatalf("second application not flagged at intake: %d %s", r.Status, r.Body)
	}
	if page := a.NewBrowserAs("chief1").Get(path("/cases/%d", v.ID)); !strings.Contains(string(page.Body), "系列案提示") {
		t.Fatal("case page without the 系列案 flag")
	}
	if page := a.NewBrowserAs("window2").Get(path("/cases/%d/receipt", v.ID)); !strings.Contains(string(page.Body), "系列案提示") {
		t.Fatal("intake receipt page without the 系列案 flag")
	}
	other := register(t, a, market, "2025-09-29", "栖市监罚〔2025〕778号")
	if strings.Contains(string(a.Do("GET", path("/api/v1/cases/%d", other), a.Login("chief1"), nil).Body), `"series":[{`) {
		t.Fatal("another 文号 flagged")
	}
}

// The chief or the bureau marks a concluded case as typical with a reason; its summary is published
// anonymised (the applicant's name never appears on the public page or in the report PDF); a pending case
// cannot be marked; unmarking needs a reason and removes it from the public page.
func TestTypicalCases(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-12-01"))
	market := agencyID(t, a, "南京市栖霞区市场监督管理局")
	id := decided(t, a, market, "revoke", "2025-11-20", "2025-11-25", map[string]any{"perform_due_on": "2025-12-20"})
	pending := register(t, a, market, "2025-11-26", "")
	var caseNo string
	if err := a.DB.Get(&caseNo, `SELECT case_no FROM cases WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	chief := a.Login("chief1")
	mark := map[string]any{"case_no": caseNo, "title": "张三不服食品处罚案", "reason": "反映执法程序共性问题",
		"summary": "申请人张三经营的食品店被处以罚款。张三认为处罚程序违法。本机关认为被申请人未履行告知义务，撤销处罚决定。"}
	if r := a.Do("POST", "/api/v1/typical-cases", a.Login("officer1"), mark); r.Status != 403 {
		t.Fatalf("officer marks: %d", r.Status)
	}
	if r := a.Do("POST", "/api/v1/typical-cases", chief, map[string]any{"case_id": pending, "title": "某案", "summary": "摘要", "reason": "理由"}); r.Status != 409 {
		t.Fatalf("pending case marked: %d %s", r.Status, r.Body)
	}
	if r := a.Do("POST", "/api/v1/typical-cases", chief, map[string]any{"case_no": caseNo, "title": "某案", "summary": "摘要"}); r.Status != 422 || r.Fields(t)["reason"] == "" {
		t.Fatalf("no reason: %d %s", r.Status, r.Body)
	}
	r := a.Do("POST", "/api/v1/typical-cases", chief, mark)
	var tc supervision.TypicalCase
	r.JSON(t, &tc)
	if r.Status != 201 || tc.Year != 2025 || strings.Contains(tc.PublicText, "张三") || !strings.Contains(tc.PublicText, "撤销处罚决定") {
		t.Fatalf("mark: %d %s", r.Status, r.Body)
	}
	if r := a.Do("POST", "/api/v1/typical-cases", chief, mark); r.Status != 409 {
		t.Fatalf("marked twice: %d", r.Status)
	}
	pub := a.Do("GET", "/typical-cases?year=2025", "", nil)
	if pub.Status != 200 || !strings.Contains(string(pub.Body), "撤销处罚决定") || strings.Contains(string(pub.Body), "张三") {
		t.Fatalf("public page: %d %s", pub.Status, pub.Body)
	}
	if j := a.Do("GET", "/api/v1/public/typical-cases?year=2025", "", nil); j.Status != 200 || strings.Contains(string(j.Body), "张三") || strings.Contains(string(j.Body), "反映执法程序") {
		t.Fatalf("public API: %s", j.Body)
	}
	for _, kind := range []string{"report", "bulletin"} {
		r := a.Do("GET", "/supervision/typical-cases/report.pdf?year=2025&kind="+kind, a.Login("bureau1"), nil)
		if r.Status != 200 {
			t.Fatalf("report: %d", r.Status)
		}
		text := strings.Join(strings.Fields(pdftext.Extract(t, r.Body)), "")
		if strings.Contains(text, "张三") || !strings.Contains(text, "撤销处罚决定") || !strings.Contains(text, "典型案例") || !strings.Contains(text, "南京市栖霞区市场监督管理局") {
			t.Fatalf("%s pdf: %s", kind, text)
		}
	}
	// unmark with a reason
	if r := a.Do("DELETE", path("/api/v1/typical-cases/%d", id), chief, map[string]any{"reason": ""}); r.Status != 422 {
		t.Fatalf("unmark without reason: %d", r.Status)
	}
	br := a.NewBrowserAs("chief1")
	if r := br.Post(path("/supervision/typical-cases/%d/unmark", id), url.Values{"reason": {"案情需进一步核实"}}); r.Status != 303 {
		t.Fatalf("unmark: %d %s", r.Status, r.Body)
	}
	if pub := a.Do("GET", "/typical-cases?year=2025", "", nil); strings.Contains(string(pub.Body), "撤销处罚决定") {
		t.Fatal("unmarked case still public")
	}
	seen := map[string]bool{}
	for _, e := range a.Case(t, "chief1", id).Events {
		seen[e.Action] = true
	}
	if !seen["typical.marked"] || !seen["typical.unmarked"] {
		t.Fatalf("audit: %v", seen)
	}
	// the page form keeps what was typed after an error
	pr := br.Post("/supervision/typical-cases", url.Values{"case_no": {"栖政复〔2025〕999号"}, "title": {"刚输入的标题"}, "summary": {"刚输入的摘要"}, "reason": {"理由"}})
	if pr.Status != 422 || !strings.Contains(string(pr.Body), "刚输入的标题") || !strings.Contains(string(pr.Body), "刚输入的摘要") || !strings.Contains(string(pr.Body), "不存在") {
		t.Fatalf("form error: %d", pr.Status)
	}
}
