package publicationweb_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"fuyi/internal/pdf/pdftext"
	"fuyi/internal/testapp"
)

// decidedAndServed makes a served 撤销 decision whose text repeats the applicant's personal data.
func decidedAndServed(t *testing.T, a *testapp.App) int64 {
	t.Helper()
	id := acceptedCase(t, a, "ordinary")
	sections := map[string]string{
		"applicant_says":  "申请人张三（公民身份号码11010519491231002X，联系电话13800138000，住南京市栖霞区某路1号）称，其未收到处罚告知书。",
		"respondent_says": "被申请人称已于2025年7月20日向张三直接送达，张三拒绝签收。",
		"facts":           "经审理查明，南京某某贸易有限公司法定代表人李四于2025年7月18日到场。证人赵证人证实张三当日在场。张三的电子邮箱为zhangsan@example.com，车辆苏A12345。",
		"reasoning":       "本机关认为，被申请人送达程序违法。",
		"ruling":          "撤销被申请人作出的栖市监罚〔2025〕345号行政处罚决定书。",
	}
	if r := propose(a, "officer1", id, "revoke", map[string]any{"articles": []string{"第六十四条第一款"}, "sections": sections}); r.Status != 200 {
		t.Fatalf("propose: %d %s", r.Status, r.Body)
	}
	post(a, "chief1", id, "decision/approval", map[string]any{"approve": true})
	return id
}

var secrets = []string{"张三", "11010519491231002X", "13800138000", "某路1号", "李四", "南京某某贸易有限公司", "zhangsan@example.com", "苏A12345", "赵证人"}

func TestPublicationAnonymisedEverywhere(t *testing.T) {
	a := testapp.New(t, today)
	id := decidedAndServed(t, a)
	bureau := a.Login("bureau1")
	path := fmt.Sprintf("/api/v1/cases/%d/publication", id)
	if r := a.Do("POST", path, bureau, nil); r.Status != 409 || !strings.Contains(string(r.Body), "送达") {
		t.Fatalf("publish before service: %d %s", r.Status, r.Body)
	}
	post(a, "officer1", id, "decision/service", map[string]any{"served_on": "2025-11-25"})
	if r := a.Do("POST", path+"/terms", a.Login("chief1"), map[string]any{"text": "赵证人", "kind": "person"}); r.Status != 204 {
		t.Fatalf("manual term: %d %s", r.Status, r.Body)
	}
	if r := a.Do("POST", path, a.Login("chief1"), nil); r.Status != 403 {
		t.Fatalf("chief publishes: %d", r.Status)
	}
	preview := a.Do("GET", path+"/preview.pdf", a.Login("chief1"), nil)
	if preview.Status != 200 {
		t.Fatalf("preview: %d %s", preview.Status, preview.Body)
	}
	r := a.Do("POST", path, bureau, nil)
	if r.Status != 201 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	var pub struct {
		ID     int64  `json:"id"`
		URL    string `json:"url"`
		PDFURL string `json:"pdf_url"`
	}
	r.JSON(t, &pub)
	published := a.Do("GET", pub.PDFURL, "", nil)
	if published.Status != 200 || !bytes.Equal(published.Body, preview.Body) {
		t.Fatalf("the published file must be exactly the previewed file (%d, %d vs %d bytes)", published.Status, len(published.Body), len(preview.Body))
	}
	pdfTxt := pdftext.Extract(t, published.Body)
	html := string(a.Do("GET", pub.URL, "", nil).Body)
	for _, s := range secrets {
		if strings.Contains(pdfTxt, s) || strings.Contains(html, s) {
			t.Errorf("%q appears in the published decision", s)
		}
	}
	for _, keep := range []string{"张某", "南京市栖霞区市场监督管理局", "刘建国", "栖政复决〔2025〕1号", "栖市监罚〔2025〕345号", "住南京市栖霞区", "赵某某", "某某公司"} {
		if !strings.Contains(pdfTxt, keep) || !strings.Contains(html, keep) {
			t.Errorf("%q must stay (PDF %v, HTML %v)", keep, strings.Contains(pdfTxt, keep), strings.Contains(html, keep))
		}
	}
	// search: Chinese substrings of one, two or more characters; personal data never matches
	for q, want := range map[string]int{"送达程序": 1, "撤销": 1, "罚": 1, "张三": 0, "13800138000": 0, "不存在的词": 0} {
		var list struct {
			Total int `json:"total"`
		}
		a.Do("GET", "/api/v1/public/decisions?q="+q, "", nil).JSON(t, &list)
		if list.Total != want {
			t.Errorf("search %q: %d, want %d", q, list.Total, want)
		}
	}
	if !strings.Contains(string(a.Do("GET", "/decisions.atom", "", nil).Body), pub.URL) {
		t.Error("the Atom feed lacks the new decision")
	}
	if r := a.Do("POST", path, bureau, nil); r.Status != 409 {
		t.Fatalf("second publication while live: %d", r.Status)
	}
	// withdrawal removes it from every public place
	if r := a.Do("DELETE", path, bureau, map[string]any{"reason": ""}); r.Status != 422 {
		t.Fatalf("withdraw without reason: %d", r.Status)
	}
	if r := a.Do("DELETE", path, bureau, map[string]any{"reason": "当事人申请更正"}); r.Status != 204 {
		t.Fatalf("withdraw: %d", r.Status)
	}
	if r := a.Do("GET", pub.URL, "", nil); r.Status != 404 {
		t.Fatalf("withdrawn page: %d", r.Status)
	}
	if r := a.Do("GET", pub.PDFURL, "", nil); r.Status != 404 {
		t.Fatalf("withdrawn pdf: %d", r.Status)
	}
	// republish is a new version; a not-for-publication mark blocks it
	if r := a.Do("POST", path, bureau, nil); r.Status != 201 {
		t.Fatalf("republish: %d", r.Status)
	}
	if r := a.Do("POST", path+"/block", bureau, map[string]any{"reason": "privacy", "note": "涉及个人隐私"}); r.Status != 204 {
		t.Fatalf("block: %d", r.Status)
	}
	var list struct {
		Total int `json:"total"`
	}
	a.Do("GET", "/api/v1/public/decisions", "", nil).JSON(t, &list)
	if list.Total != 0 {
		t.Fatalf("a case marked not for publication must not appear: %d", list.Total)
	}
	if r := a.Do("POST", path, bureau, nil); r.Status != 409 || !strings.Contains(string(r.Body), "不公开") {
		t.Fatalf("publish a blocked case: %d %s", r.Status, r.Body)
	}
	// the staff review page highlights the replacements
	page := string(a.NewBrowserAs("bureau1").Get(fmt.Sprintf("/cases/%d/publication", id)).Body)
	if !strings.Contains(page, "<mark") {
		t.Fatal("review page does not highlight redactions")
	}
}

func TestPublicGuideAndForm(t *testing.T) {
	a := testapp.New(t, today)
	if r := a.Do("GET", "/guide", "", nil); r.Status != 200 || !strings.Contains(string(r.Body), "六十日内") || !strings.Contains(string(r.Body), "尧化街道司法所") {
		t.Fatalf("guide: %d", r.Status)
	}
	r := a.Do("GET", "/guide/application-form.pdf", "", nil)
	if r.Status != 200 || !strings.Contains(pdftext.Extract(t, r.Body), "行政复议申请书") {
		t.Fatalf("application form: %d", r.Status)
	}
	for _, q := range []string{"/api/v1/public/decisions?year=abc", "/api/v1/public/decisions?q=" + strings.Repeat("长", 101)} {
		if r := a.Do("GET", q, "", nil); r.Status != 400 {
			t.Errorf("%s: %d", q, r.Status)
		}
	}
	// bounded lists: at most 50 per page, only the first 1,000 results; beyond, 400 in Chinese naming the page
	for q, want := range map[string]string{
		"/api/v1/public/decisions?q=决&per_page=200":             "每页最多50条",
		"/api/v1/public/decisions?q=决&page=1000000&per_page=50": "第1000000页超出范围",
		"/api/v1/public/decisions?page=21&per_page=50":          "最多第20页",
		"/decisions?q=决&page=51":                                "公开检索只列出前1000条结果",
	} {
		if r := a.Do("GET", q, "", nil); r.Status != 400 || !strings.Contains(string(r.Body), want) {
			t.Errorf("%s: %d %s", q, r.Status, r.Body)
		}
	}
	for _, q := range []string{"/api/v1/public/decisions?page=20&per_page=50", "/decisions?q=决&page=50"} {
		if r := a.Do("GET", q, "", nil); r.Status != 200 {
			t.Errorf("%s: %d %s", q, r.Status, r.Body)
		}
	}
	// an enumeration answers 422 listing its codes with their labels
	if r := a.Do("GET", "/api/v1/public/decisions?type=x", "", nil); r.Status != 422 || !strings.Contains(string(r.Body), "maintain（维持") {
		t.Errorf("type=x: %d %s", r.Status, r.Body)
	}
	if r := a.Do("GET", "/decisions/999", "", nil); r.Status != 404 {
		t.Fatalf("missing decision: %d", r.Status)
	}
}
