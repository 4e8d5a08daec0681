package cases_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"fuyi/internal/demo"
	"fuyi/internal/pdf/pdftext"
	"fuyi/internal/testapp"
)

func intakeForm() url.Values {
	return url.Values{
		"received_on": {"2025-09-26"}, "channel": {"window"},
		"applicants[0].kind": {"person"}, "applicants[0].name": {"张三"}, "applicants[0].id_number": {"11010519491231002X"},
		"applicants[0].phone": {"13800138000"}, "applicants[0].address": {"南京市栖霞区某路1号"},
		"respondent_agency_id": {"1"}, "act.title": {"行政处罚决定书"}, "act.doc_no": {"栖市监罚〔2025〕345号"},
		"act.made_on": {"2025-08-01"}, "act.known_on": {"2025-08-05"}, "act.matter": {"行政处罚"},
		"requests": {"请求撤销"}, "materials": {"行政复议申请书1份\n身份证复印件1份"}, "form_key": {"f1"},
	}
}

func TestStaffPagesIntakeAndReview(t *testing.T) {
	a := testapp.New(t, today)
	w := a.NewBrowser()
	if r := w.Get("/cases"); r.Status != 302 || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Fatalf("anonymous staff page: %d %s", r.Status, r.Header.Get("Location"))
	}
	if r := w.LoginAs("window1", "wrong-password"); r.Status != 401 || !strings.Contains(string(r.Body), "用户名或密码错误") {
		t.Fatalf("bad login: %d", r.Status)
	}
	if r := w.LoginAs("window1", demo.Password); r.Status != 200 || w.CSRF == "" {
		t.Fatalf("login: %d", r.Status)
	}
	if r := w.Get("/cases/new"); r.Status != 200 || !strings.Contains(string(r.Body), "登记行政复议申请") {
		t.Fatalf("intake page: %d", r.Status)
	}
	// a form post without the CSRF token is refused
	f := intakeForm()
	f.Set("_csrf", "forged")
	if r := w.Post("/cases/new", f); r.Status != 403 {
		t.Fatalf("forged CSRF: %d", r.Status)
	}
	// invalid input re-renders the form with the message beside the field and keeps the input
	f = intakeForm()
	f.Set("applicants[0].id_number", "110105194912310021")
	r := w.Post("/cases/new", f)
	if r.Status != 422 || !strings.Contains(string(r.Body), "身份证号码校验位错误") || !strings.Contains(string(r.Body), "栖市监罚〔2025〕345号") {
		t.Fatalf("invalid intake: %d", r.Status)
	}
	r = w.Post("/cases/new", intakeForm())
	if r.Status != 303 || !strings.HasSuffix(r.Header.Get("Location"), "/receipt") {
		t.Fatalf("intake: %d %s", r.Status, r.Header.Get("Location"))
	}
	receipt := r.Header.Get("Location")
	// double submission of the same form (same form_key) does not register twice
	if r := w.Post("/cases/new", intakeForm()); r.Status != 303 || r.Header.Get("Location") != receipt {
		t.Fatalf("resubmission: %d %s", r.Status, r.Header.Get("Location"))
	}
	var n int
	a.DB.Get(&n, `SELECT count(*) FROM cases`)
	if n != 1 {
		t.Fatalf("%d cases after a double submission", n)
	}
	page := string(w.Get(receipt).Body)
	if !strings.Contains(page, "申请材料接收凭证") || !strings.Contains(page, "身份证复印件1份") || !strings.Contains(page, "2025年10月10日") {
		t.Fatal("receipt page lacks its content")
	}
	id := regexp.MustCompile(`/cases/(\d+)/receipt`).FindStringSubmatch(receipt)[1]

	c := a.NewBrowser()
	c.LoginAs("chief1", demo.Password)
	if q := string(c.Get("/review").Body); !strings.Contains(q, "张三") || !strings.Contains(q, "2025-10-10") {
		t.Fatal("review queue does not list the application with its due date")
	}
	detail := c.Get("/cases/" + id)
	if !strings.Contains(string(detail.Body), "受理审查") {
		t.Fatal("chief sees no review form")
	}
	r = c.Post("/cases/"+id+"/review", url.Values{"outcome": {"accept"}, "on": {"2025-09-30"}, "procedure": {"simplified"}})
	if r.Status != 422 || !strings.Contains(string(r.Body), "第53条") {
		t.Fatalf("simplified without grounds: %d", r.Status)
	}
	r = c.Post("/cases/"+id+"/review", url.Values{"outcome": {"accept"}, "on": {"2025-09-30"}, "procedure": {"ordinary"}})
	if r.Status != 303 {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
	page = string(c.Get("/cases/" + id).Body)
	if !strings.Contains(page, "栖政复〔2025〕1号") || !strings.Contains(page, "作出行政复议决定") || !strings.Contains(page, "2025-12-01") {
		t.Fatal("case page lacks the case number or the decision deadline")
	}
	if r := c.Post("/logout", url.Values{}); r.Status != 303 {
		t.Fatalf("logout: %d", r.Status)
	}
	if r := c.Get("/cases"); r.Status != 302 {
		t.Fatalf("after logout: %d", r.Status)
	}
}

func TestReceiptPDF(t *testing.T) {
	a := testapp.New(t, today)
	id := a.Register("window1", "2025-09-26")
	r := a.Do("GET", "/api/v1/cases/"+itoa(id)+"/receipt.pdf", a.Login("window1"), nil)
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("receipt pdf: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	text := pdftext.Extract(t, r.Body)
	for _, want := range []string{"行政复议申请材料接收凭证", "张三", "南京某某贸易有限公司", "南京市栖霞区市场监督管理局", "2025年10月10日", "SFS01-2025-000001"} {
		if !strings.Contains(text, want) {
			t.Errorf("receipt lacks %q", want)
		}
	}
	if r := a.Do("GET", "/api/v1/cases/"+itoa(id)+"/receipt.pdf", a.Login("window2"), nil); r.Status != 404 {
		t.Fatalf("other window: %d", r.Status)
	}
}
