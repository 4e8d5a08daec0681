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

type copyList struct {
	Items []supervision.CopyReport `json:"items"`
	Total int                      `json:"total"`
}

func copies(t *testing.T, a *testapp.App, caseID int64) copyList {
	t.Helper()
	r := a.Do("GET", path("/api/v1/copy-reports?case_id=%d", caseID), a.Login("chief1"), nil)
	if r.Status != 200 {
		t.Fatalf("copy reports: %d %s", r.Status, r.Body)
	}
	var l copyList
	r.JSON(t, &l)
	return l
}

// 复议法第79条第2款: a decision against 区市场监管局 produces, when it takes effect (on service, 第75条), a 抄告
// to 市市场监督管理局, its 上一级主管部门 in the directory; a decision against a 街道办事处, which has none in the
// directory, produces nothing. The letter is read back; sending and service are recorded and audited; an
// unsent 抄告 is overdue after its day.
func TestCopyReportFollowsTheDirectory(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-12-01"))
	market := agencyID(t, a, "南京市栖霞区市场监督管理局")
	street := agencyID(t, a, "南京市栖霞区尧化街道办事处")

	id := decided(t, a, market, "revoke", "2025-11-20", "", map[string]any{"perform_due_on": "2025-12-20"})
	if l := copies(t, a, id); l.Total != 0 {
		t.Fatalf("a 抄告 before the decision took effect: %+v", l)
	}
	if r := a.Post("officer1", id, "decision/service", map[string]any{"served_on": "2025-11-25"}); r.Status != 200 {
		t.Fatalf("serve: %d %s", r.Status, r.Body)
	}
	l := copies(t, a, id)
	if l.Total != 1 {
		t.Fatalf("want one 抄告, got %+v", l)
	}
	c := l.Items[0]
	if c.SuperiorName != "南京市市场监督管理局" || c.Kind != "decision" || c.DocNo != "栖政复抄〔2025〕1号" || c.DueOn.String() != "2025-11-25" || !c.Overdue {
		t.Fatalf("抄告: %+v", c)
	}
	r := a.Do("GET", c.URL, a.Login("bureau1"), nil)
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("pdf: %d %s", r.Status, r.Header)
	}
	text := strings.Join(strings.Fields(pdftext.Extract(t, r.Body)), "")
	for _, want := range []string{"行政复议文书抄告函", "栖政复抄〔2025〕1号", "南京市市场监督管理局：", "南京市栖霞区市场监督管理局", "第七十九条第二款", "栖政复决〔2025〕"} {
		if !strings.Contains(text, want) {
			t.Errorf("letter lacks %q: %s", want, text)
		}
	}
	// the case's audit trail has it
	found := false
	for _, e := range a.Case(t, "chief1", id).Events {
		found = found || e.Action == "copy_report.prepared"
	}
	if !found {
		t.Fatal("no copy_report.prepared event")
	}

	// sending and service
	cr := path("/api/v1/copy-reports/%d/", c.ID)
	if r := a.Do("POST", cr+"served", a.Login("chief1"), map[string]any{"served_on": "2025-11-26"}); r.Status != 409 {
		t.Fatalf("served before sent: %d %s", r.Status, r.Body)
	}
	if r := a.Do("POST", cr+"sent", a.Login("chief1"), map[string]any{"sent_on": "2025-11-24"}); r.Status != 422 {
		t.Fatalf("sent before effect: %d %s", r.Status, r.Body)
	}
	if r := a.Do("POST", cr+"sent", a.Login("officer1"), map[string]any{"sent_on": "2025-11-25"}); r.Status != 403 {
		t.Fatalf("officer sends: %d", r.Status)
	}
	if r := a.Do("POST", cr+"sent", a.Login("chief1"), map[string]any{"sent_on": "2025-11-25"}); r.Status != 200 {
		t.Fatalf("sent: %d %s", r.Status, r.Body)
	}
	r = a.Do("POST", cr+"served", a.Login("chief1"), map[string]any{"served_on": "2025-11-27"})
	var got supervision.CopyReport
	r.JSON(t, &got)
	if r.Status != 200 || got.ServedOn.String() != "2025-11-27" || got.Overdue {
		t.Fatalf("served: %d %s", r.Status, r.Body)
	}

	// a 街道办事处: no 上一级主管部门 in the directory, no 抄告
	sid := decided(t, a, street, "revoke", "2025-11-20", "2025-11-25", map[string]any{"perform_due_on": "2025-12-20"})
	if l := copies(t, a, sid); l.Total != 0 {
		t.Fatalf("a 抄告 for a 街道办事处: %+v", l)
	}
	// a 意见书 against the department is copied too, on receipt
	if r := a.Post("chief1", id, "opinion-letters", map[string]any{"kind": "opinion", "issued_on": "2025-11-28", "received_on": "2025-11-29",
		"content": "执法程序存在问题，请予以纠正。"}); r.Status != 200 {
		t.Fatalf("opinion: %d %s", r.Status, r.Body)
	}
	if l := copies(t, a, id); l.Total != 2 || l.Items[0].Kind != "opinion" || l.Items[0].DocNo != "栖政复抄〔2025〕2号" || l.Items[0].EffectiveOn.String() != "2025-11-29" {
		t.Fatalf("opinion 抄告: %+v", l)
	}
	// a 建议书 is not a 意见书: nothing
	a.Post("chief1", id, "opinion-letters", map[string]any{"kind": "suggestion", "issued_on": "2025-11-30", "content": "建议完善制度。"})
	if l := copies(t, a, id); l.Total != 2 {
		t.Fatalf("建议书 copied: %+v", l)
	}
	// the page lists them
	if r := a.Do("GET", "/supervision", a.Login("bureau1"), nil); r.Status != 200 || !strings.Contains(string(r.Body), "栖政复抄〔2025〕2号") {
		t.Fatalf("page: %d", r.Status)
	}
}

// The directory decides: only a department may name a 上一级主管部门, never itself or one below it; the edit
// page keeps what was typed after an error.
func TestAgencySuperiorEditing(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-12-01"))
	b := a.Login("bureau1")
	market := agencyID(t, a, "南京市栖霞区市场监督管理局")
	city := agencyID(t, a, "南京市市场监督管理局")
	street := agencyID(t, a, "南京市栖霞区尧化街道办事处")
	r := a.Do("GET", path("/api/v1/agencies/%d", market), b, nil)
	var ag struct {
		SuperiorID   *int   `json:"superior_id"`
		SuperiorName string `json:"superior_name"`
	}
	r.JSON(t, &ag)
	if ag.SuperiorID == nil || *ag.SuperiorID != city || ag.SuperiorName != "南京市市场监督管理局" {
		t.Fatalf("demo superior: %s", r.Body)
	}
	put := func(id int, body map[string]any) *testapp.Response {
		return a.Do("PUT", path("/api/v1/agencies/%d", id), b, body)
	}
	streetBody := map[string]any{"name": "南京市栖霞区尧化街道办事处", "category": "乡镇(街道)", "level": "乡镇", "superior_id": city}
	if r := put(street, streetBody); r.Status != 422 || r.Fields(t)["superior_id"] == "" {
		t.Fatalf("street with a superior: %d %s", r.Status, r.Body)
	}
	if r := put(city, map[string]any{"name": "南京市市场监督管理局", "category": "市场监管", "level": "市级部门", "superior_id": market}); r.Status != 422 {
		t.Fatalf("a loop: %d %s", r.Status, r.Body)
	}
	if r := put(market, map[string]any{"name": "南京市栖霞区市场监督管理局", "category": "市场监管", "level": "县级部门", "superior_id": market}); r.Status != 422 {
		t.Fatalf("itself: %d %s", r.Status, r.Body)
	}
	if r := put(market, map[string]any{"name": "南京市栖霞区市场监督管理局", "category": "市场监管", "level": "县级部门", "legal_rep": "刘建国",
		"legal_rep_title": "局长", "address": "新地址1号", "superior_id": 0}); r.Status != 200 || !strings.Contains(string(r.Body), "新地址1号") || strings.Contains(string(r.Body), "superior_name") {
		t.Fatalf("edit: %d %s", r.Status, r.Body)
	}
	if _, err := a.DB.Exec(`UPDATE agencies SET superior_id = $1 WHERE id = $2`, city, street); err == nil {
		t.Fatal("the database lets a 街道办事处 have a superior")
	}
	// the page: an error keeps what was typed
	br := a.NewBrowserAs("bureau1")
	if page := br.Get(path("/admin/agencies/%d", market)); page.Status != 200 || !strings.Contains(string(page.Body), "上一级主管部门") {
		t.Fatal("edit page without the field")
	}
	form := url.Values{"name": {"尧化街道办事处（改）"}, "category": {"乡镇(街道)"}, "level": {"乡镇"}, "superior_id": {"1"}, "address": {"刚输入的住所"}}
	pr := br.Post(path("/admin/agencies/%d", street), form)
	status, body := pr.Status, string(pr.Body)
	if status != 422 || !strings.Contains(body, "刚输入的住所") || !strings.Contains(body, "尧化街道办事处（改）") || !strings.Contains(body, "只有政府工作部门") {
		t.Fatalf("form error: %d", status)
	}
}
