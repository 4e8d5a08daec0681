package cases_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"fuyi/internal/testapp"
	"fuyi/reports"
)

// The rules of issue 18 through the service and the real database: the facts are stored, the deadlines are
// recomputed by the service and read back through the API.

type lawDeadline struct {
	Kind        string `json:"kind"`
	Ref         string `json:"ref"`
	DueOn       string `json:"due_on"`
	Basis       string `json:"basis"`
	Status      string `json:"status"`
	StatusLabel string `json:"status_label"`
	MetOn       string `json:"met_on"`
}

type lawView struct {
	Status       string `json:"status"`
	PostmarkedOn string `json:"postmarked_on"`
	LateFiling   *struct {
		LastDay string `json:"last_day"`
		Note    string `json:"note"`
	} `json:"late_filing"`
	Correction *struct {
		ServedOn string `json:"served_on"`
	} `json:"correction"`
	Deadlines []lawDeadline `json:"deadlines"`
	Events    []struct {
		Action  string `json:"action"`
		Summary string `json:"summary"`
	} `json:"events"`
}

func (v lawView) deadline(kind string) (lawDeadline, bool) {
	for _, d := range v.Deadlines {
		if d.Kind == kind {
			return d, true
		}
	}
	return lawDeadline{}, false
}

func lawGet(t *testing.T, a *testapp.App, id int64) lawView {
	t.Helper()
	r := a.Do("GET", fmt.Sprintf("/api/v1/cases/%d", id), a.Login("chief1"), nil)
	if r.Status != 200 {
		t.Fatalf("get: %d %s", r.Status, r.Body)
	}
	var v lawView
	r.JSON(t, &v)
	return v
}

func mustOK(t *testing.T, r *testapp.Response) {
	t.Helper()
	if r.Status != 200 && r.Status != 201 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
}

func wantField(t *testing.T, r *testapp.Response, field string) {
	t.Helper()
	if r.Status != 422 {
		t.Fatalf("want 422 on %s, got %d %s", field, r.Status, r.Body)
	}
	if _, ok := r.Fields(t)[field]; !ok {
		t.Fatalf("want a message on %s: %s", field, r.Body)
	}
}

// Departure 1 (复议法第76条; 实施条例第57条): a 建议书 is stored without a report deadline and is not called 意见书.
func TestLegalSuggestionLetterHasNoReportDeadline(t *testing.T) {
	a := testapp.New(t, today)
	id := acceptedCase(t, a, "ordinary")
	mustOK(t, post(a, "chief1", id, "opinion-letters", map[string]any{"kind": "suggestion", "issued_on": "2025-10-15", "received_on": "2025-10-16", "content": "建议完善执法程序规定"}))
	v := lawGet(t, a, id)
	if d, ok := v.deadline("opinion_report"); ok {
		t.Fatalf("a 建议书 got a report deadline: %+v", d)
	}
	last := v.Events[len(v.Events)-1]
	if !strings.Contains(last.Summary, "建议书") || strings.Contains(last.Summary, "意见书") || strings.Contains(last.Summary, "60日") {
		t.Fatalf("event: %s", last.Summary)
	}
	docs := a.Do("GET", fmt.Sprintf("/api/v1/cases/%d/documents", id), a.Login("chief1"), nil)
	if !strings.Contains(string(docs.Body), "行政复议建议书") || strings.Contains(string(docs.Body), "行政复议意见书") {
		t.Fatalf("documents list: %s", docs.Body)
	}
	mustOK(t, post(a, "chief1", id, "opinion-letters", map[string]any{"kind": "opinion", "issued_on": "2025-10-15", "received_on": "2025-10-16", "content": "责令纠正"}))
	if d, ok := lawGet(t, a, id).deadline("opinion_report"); !ok || d.DueOn != "2025-12-15" || !strings.Contains(d.Basis, "复议法第76条") {
		t.Fatalf("意见书: %+v", d)
	}
}

// Departure 3 (复议法第54条、第55条、第48条): the conversion date is stored; a 第54条 deadline that fell due before
// it keeps its date and status, an open one moves to 第48条.
func TestLegalConversionKeepsMissedSimplifiedDeadline(t *testing.T) {
	a := testapp.New(t, today)
	late := acceptedCase(t, a, "simplified") // 受理 2025-09-30: copy due 10-11 (3rd working day, a 调休 Saturday)
	if d, _ := lawGet(t, a, late).deadline("copy"); d.DueOn != "2025-10-11" {
		t.Fatalf("simplified copy: %+v", d)
	}
	mustOK(t, post(a, "chief1", late, "procedure", map[string]any{"procedure": "ordinary", "on": "2025-10-20", "reason": "案情复杂"}))
	v := lawGet(t, a, late)
	d, _ := v.deadline("copy")
	if d.DueOn != "2025-10-11" || d.Status != "overdue" || !strings.Contains(d.Basis, "复议法第54条") || !strings.Contains(d.Basis, "转为普通程序前已届满") {
		t.Fatalf("missed 第54条 deadline must stay: %+v", d)
	}
	if dd, _ := v.deadline("decision"); dd.DueOn != "2025-12-01" || !strings.Contains(dd.Basis, "2025-10-20经批准由简易程序转为普通程序") {
		t.Fatalf("decision after conversion: %+v", dd)
	}

	early := acceptedCase(t, a, "simplified")
	mustOK(t, post(a, "chief1", early, "procedure", map[string]any{"procedure": "ordinary", "on": "2025-10-09", "reason": "案情复杂"}))
	if d, _ := lawGet(t, a, early).deadline("copy"); d.DueOn != "2025-10-16" || !strings.Contains(d.Basis, "复议法第48条") {
		t.Fatalf("an open duty moves to 第48条: %+v", d)
	}
}

// Departure 4 (复议法第31条第2款): the 补正 period waits for the service date (待送达) and runs from it.
func TestLegalCorrectionCountsFromService(t *testing.T) {
	a := testapp.New(t, today)
	id := a.Register("window1", "2025-09-26")
	if r := post(a, "chief1", id, "review", map[string]any{"outcome": "accept", "on": "2025-09-29", "procedure": "ordinary", "served_on": "2025-09-29"}); r.Status != 422 {
		t.Fatalf("served_on with acceptance: %d %s", r.Status, r.Body)
	}
	mustOK(t, post(a, "chief1", id, "review", map[string]any{"outcome": "correction", "on": "2025-09-29", "items": []string{"身份证复印件"}}))
	d, _ := lawGet(t, a, id).deadline("correction")
	if d.Status != "unserved" || d.StatusLabel != "待送达" || d.DueOn != "" {
		t.Fatalf("before service: %+v", d)
	}
	b := a.NewBrowserAs("window1")
	page := string(b.Get(fmt.Sprintf("/cases/%d", id)).Body)
	if !strings.Contains(page, "待送达") || !strings.Contains(page, "登记补正通知送达日期") {
		t.Fatal("the case page shows neither 待送达 nor the service form")
	}
	if r := b.Post(fmt.Sprintf("/cases/%d/correction-served", id), url.Values{"served_on": {"2025-09-28"}}); r.Status != 422 || !strings.Contains(string(r.Body), "送达日期不能早于补正通知日期") {
		t.Fatalf("page form with a date before the notice: %d", r.Status)
	}
	wantField(t, post(a, "window1", id, "correction-served", map[string]any{"served_on": "2025-09-28"}), "served_on")
	wantField(t, post(a, "window1", id, "correction-served", map[string]any{"served_on": "2026-12-01"}), "served_on")
	mustOK(t, post(a, "window1", id, "correction-served", map[string]any{"served_on": "2025-10-09"}))
	// from 10-09: 10-10 (1), Sat 10-11 调休 (2), 10-13 … 10-17 (3–7), 10-20 (8), 10-21 (9), 10-22 (10)
	v := lawGet(t, a, id)
	d, _ = v.deadline("correction")
	if d.DueOn != "2025-10-22" || d.Status != "overdue" || !strings.Contains(d.Basis, "自2025-10-09收到补正通知起10个工作日") || v.Correction.ServedOn != "2025-10-09" {
		t.Fatalf("after service: %+v %+v", d, v.Correction)
	}
	if r := post(a, "window1", id, "correction-served", map[string]any{"served_on": "2025-10-10"}); r.Status != 409 {
		t.Fatalf("second service: %d %s", r.Status, r.Body)
	}
	mustOK(t, post(a, "window1", id, "correction-received", map[string]any{"on": "2025-10-15"}))
	if d, _ := lawGet(t, a, id).deadline("correction"); d.Status != "met" || d.DueOn != "2025-10-22" {
		t.Fatalf("materials received: %+v", d)
	}
	var stored string
	a.DB.Get(&stored, `SELECT served_on::text FROM corrections WHERE case_id = $1`, id)
	if stored != "2025-10-09" {
		t.Fatalf("stored served_on %q", stored)
	}
}

// Departure 5 (复议法第62条第1款 with 民事诉讼法第85条 via 复议法第88条第1款): an extension recorded through the
// service runs from the end of the original period, moved off 国庆.
func TestLegalExtensionRunsFromMovedEnd(t *testing.T) {
	a := testapp.New(t, today)
	id := a.Register("window1", "2024-07-29")
	mustOK(t, a.Accept(id, "2024-08-02", "ordinary"))
	if d, _ := lawGet(t, a, id).deadline("decision"); d.DueOn != "2024-10-08" {
		t.Fatalf("original period: %+v", d)
	}
	mustOK(t, post(a, "chief1", id, "extension", map[string]any{"on": "2024-09-20", "days": 30, "reason": "案情复杂"}))
	d, _ := lawGet(t, a, id).deadline("decision")
	if d.DueOn != "2024-11-07" || !strings.Contains(d.Basis, "经行政复议机构负责人批准并书面告知当事人，自原期限届满之日（2024-10-08）起延长30日") {
		t.Fatalf("extended: %+v", d)
	}
}

// Departure 6 (民事诉讼法第85条第4款 via 复议法第88条第1款): the postmark of an application by post is stored,
// validated, and decides the 第20条 period; a 答复 posted in time meets its deadline.
func TestLegalPostmarkDecidesTimeliness(t *testing.T) {
	a := testapp.New(t, today)
	app := func(channel, received, posted string) map[string]any {
		body := testapp.Application(received)
		body["channel"] = channel
		body["act"].(map[string]any)["known_on"] = "2025-08-05" // last day 2025-10-09 (10-04 in 国庆)
		body["act"].(map[string]any)["made_on"] = "2025-08-01"
		if posted != "" {
			body["postmarked_on"] = posted
		}
		return body
	}
	create := func(body map[string]any) *testapp.Response {
		return a.Do("POST", "/api/v1/cases", a.Login("window1"), body)
	}
	r := create(app("mail", "2025-10-11", "2025-10-09"))
	mustOK(t, r)
	var v lawView
	r.JSON(t, &v)
	if v.LateFiling != nil || v.PostmarkedOn != "2025-10-09" {
		t.Fatalf("posted on the last day is in time: %s", r.Body)
	}
	r = create(app("mail", "2025-10-11", ""))
	r.JSON(t, &v)
	if v.LateFiling == nil || v.LateFiling.LastDay != "2025-10-09" {
		t.Fatalf("without a postmark the receipt counts: %s", r.Body)
	}
	wantField(t, create(app("mail", "2025-10-11", "2025-10-12")), "postmarked_on")   // after receipt
	wantField(t, create(app("window", "2025-10-11", "2025-10-09")), "postmarked_on") // not by post
	wantField(t, create(app("mail", "2025-10-11", "2027-01-01")), "postmarked_on")   // future
	wantField(t, create(app("mail", "2025-10-11", "2025-08-01")), "postmarked_on")   // before knowing the act
	wantField(t, create(app("mail", "2025-10-11", "2025-1009")), "postmarked_on")    // malformed

	id := acceptedCase(t, a, "ordinary") // 受理 2025-09-30
	mustOK(t, post(a, "officer1", id, "reply", map[string]any{"copy_sent_on": "2025-10-09"}))
	wantField(t, post(a, "officer1", id, "reply", map[string]any{"reply_received_on": "2025-10-24", "reply_postmarked_on": "2025-10-25"}), "reply_postmarked_on")
	wantField(t, post(a, "officer1", id, "reply", map[string]any{"reply_received_on": "2025-10-24", "reply_postmarked_on": "2025-10-08"}), "reply_postmarked_on")
	mustOK(t, post(a, "officer1", id, "reply", map[string]any{"reply_received_on": "2025-10-24", "reply_postmarked_on": "2025-10-21"}))
	d, _ := lawGet(t, a, id).deadline("reply") // due 2025-10-22
	if d.DueOn != "2025-10-22" || d.Status != "met" || d.MetOn != "2025-10-21" || !strings.Contains(d.Basis, "期满前交邮的不算过期") {
		t.Fatalf("reply by post: %+v", d)
	}
}

// Departure 7: concluding keeps an unmet copy duty visible as 逾期未履行 — on the API, on the case page and in
// the monthly statistics.
func TestLegalConcludedCaseKeepsBreach(t *testing.T) {
	a := testapp.New(t, today)
	id := acceptedCase(t, a, "ordinary") // copy due 2025-10-16, never sent
	mustOK(t, propose(a, "officer1", id, "settlement", map[string]any{"ground": "41-1", "sections": map[string]string{"ruling": "终止本案审理。"}}))
	mustOK(t, post(a, "chief1", id, "decision/approval", map[string]any{"approve": true}))
	v := lawGet(t, a, id)
	d, _ := v.deadline("copy")
	if v.Status != "terminated" || d.DueOn != "2025-10-16" || d.Status != "overdue" || d.StatusLabel != "逾期未履行" {
		t.Fatalf("breach after conclusion: %s %+v", v.Status, d)
	}
	var stored string
	a.DB.Get(&stored, `SELECT status FROM deadlines WHERE case_id = $1 AND kind = 'copy'`, id)
	if stored != "breached" {
		t.Fatalf("stored status %q", stored)
	}
	page := a.NewBrowserAs("chief1").Get(fmt.Sprintf("/cases/%d", id))
	if !strings.Contains(string(page.Body), "逾期未履行") {
		t.Fatal("the case page does not show 逾期未履行")
	}
	p, _ := reports.ParsePeriod("2025-10")
	rep, err := reports.Compute(context.Background(), a.DB, p, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rates.UnmetDuties != 1 {
		t.Fatalf("statistics count %d unmet copy/reply duties, want 1", rep.Rates.UnmetDuties)
	}
}

// Wording (复议法第30条第3款): a deemed acceptance says 视为受理 in the decision deadline's basis.
func TestLegalDeemedAcceptanceBasis(t *testing.T) {
	a := testapp.New(t, today)
	id := a.Register("window1", "2025-09-26")
	mustOK(t, a.Accept(id, "2025-10-20", "ordinary")) // review lapsed 2025-10-10
	d, _ := lawGet(t, a, id).deadline("decision")
	if d.DueOn != "2025-12-09" || !strings.Contains(d.Basis, "自2025-10-10视为受理起60日（复议法第30条第3款、第62条第1款）") {
		t.Fatalf("deemed acceptance: %+v", d)
	}
}

// Departure 2 (行政诉讼法第7条、第85条; 行诉法解释第101条): the appeal deadline is stored only where an appeal lies,
// and an appeal decision is refused where none does.
func TestLegalAppealFollowsInstanceAndOutcome(t *testing.T) {
	a := testapp.New(t, today)
	tok := a.Login("bureau1")
	judge := func(id int64, outcome string, judged, served string) lawsuitView {
		t.Helper()
		r := a.Do("POST", fmt.Sprintf("/api/v1/lawsuits/%d/judgment", id), tok, map[string]any{"outcome": outcome, "judged_on": judged, "served_on": served})
		mustOK(t, r)
		var v lawsuitView
		r.JSON(t, &v)
		return v
	}
	appealable := func(id int64) bool {
		var n int
		a.DB.Get(&n, `SELECT count(*) FROM deadlines WHERE lawsuit_id = $1 AND kind = 'appeal' AND status <> 'cancelled'`, id)
		return n > 0
	}
	withdrawn := registerLawsuit(t, a, lawsuit("（2025）苏0113行初31号", "first", 1, false, "2025-09-20"))
	if v := judge(withdrawn.ID, "withdrawn", "2025-11-28", "2025-12-01"); v.AppealDueOn != "" || appealable(withdrawn.ID) {
		t.Fatalf("准予撤诉 got an appeal deadline: %+v", v)
	}
	r := a.Do("POST", fmt.Sprintf("/api/v1/lawsuits/%d/appeal-decision", withdrawn.ID), tok, map[string]any{"decision": "no_appeal", "on": "2025-12-02"})
	if r.Status != 409 || r.ErrorCode(t) != "lawsuit.not_appealable" || !strings.Contains(string(r.Body), "解释第101条") {
		t.Fatalf("appeal decision on 准予撤诉: %d %s", r.Status, r.Body)
	}
	dismissed := registerLawsuit(t, a, lawsuit("（2025）苏0113行初32号", "first", 1, false, "2025-09-20"))
	if v := judge(dismissed.ID, "dismiss_suit", "2025-11-28", "2025-12-01"); v.AppealDueOn != "2025-12-11" {
		t.Fatalf("驳回起诉: %+v", v)
	}
	mustOK(t, a.Do("POST", fmt.Sprintf("/api/v1/lawsuits/%d/appeal-decision", dismissed.ID), tok, map[string]any{"decision": "appeal", "on": "2025-12-05"}))
	second := lawsuit("（2026）苏01行终32号", "second", 1, false, "2025-12-20")
	second["previous_lawsuit_id"] = dismissed.ID
	l2 := registerLawsuit(t, a, second)
	if v := judge(l2.ID, "revoke", "2026-01-05", "2026-01-06"); v.AppealDueOn != "" || appealable(l2.ID) {
		t.Fatalf("second-instance judgment is final: %+v", v)
	}
	page := a.NewBrowserAs("bureau1").Get(fmt.Sprintf("/lawsuits/%d", l2.ID))
	if strings.Contains(string(page.Body), "/actions/appeal") {
		t.Fatal("the page offers an appeal decision on a final judgment")
	}
}

// Migration 0010 corrects deadlines stored under the old rules: a 建议书's report deadline and an appeal
// deadline where none lies are cancelled, a copy duty cancelled at the conclusion becomes a breach.
func TestLegalMigrationCorrectsStoredDeadlines(t *testing.T) {
	a := testapp.New(t, today)
	id := acceptedCase(t, a, "ordinary")
	mustOK(t, post(a, "chief1", id, "opinion-letters", map[string]any{"kind": "suggestion", "issued_on": "2025-10-15", "content": "建议"}))
	mustOK(t, propose(a, "officer1", id, "settlement", map[string]any{"ground": "41-1", "sections": map[string]string{"ruling": "终止本案审理。"}}))
	mustOK(t, post(a, "chief1", id, "decision/approval", map[string]any{"approve": true}))
	l := registerLawsuit(t, a, lawsuit("（2026）苏01行终40号", "second", 1, false, "2025-12-20"))
	mustOK(t, a.Do("POST", fmt.Sprintf("/api/v1/lawsuits/%d/judgment", l.ID), a.Login("bureau1"), map[string]any{"outcome": "revoke", "judged_on": "2026-01-05", "served_on": "2026-01-06"}))
	// the old state: the copy duty cancelled at the conclusion, a report deadline for the 建议书, an appeal
	// deadline after the second instance
	a.DB.MustExec(`UPDATE deadlines SET status = 'cancelled' WHERE case_id = $1 AND kind = 'copy'`, id)
	a.DB.MustExec(`INSERT INTO deadlines (case_id, kind, ref, due_on, basis, status)
		SELECT $1, 'opinion_report', id::text, date '2025-12-15', 'old', 'open' FROM opinion_letters WHERE case_id = $1`, id)
	a.DB.MustExec(`INSERT INTO deadlines (lawsuit_id, kind, ref, due_on, basis, status) VALUES ($1, 'appeal', '', date '2026-01-21', 'old', 'open')`, l.ID)

	b, err := os.ReadFile("../migrations/0010_legal_fidelity.sql")
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(b), "-- Stored deadlines that the rules above")
	if i < 0 {
		t.Fatal("migration 0010 lost its data-fix section")
	}
	a.DB.MustExec(string(b)[i:])
	status := func(q string, arg int64) string {
		var s string
		a.DB.Get(&s, q, arg)
		return s
	}
	if s := status(`SELECT status FROM deadlines WHERE case_id = $1 AND kind = 'copy'`, id); s != "breached" {
		t.Errorf("copy: %s", s)
	}
	if s := status(`SELECT status FROM deadlines WHERE case_id = $1 AND kind = 'opinion_report'`, id); s != "cancelled" {
		t.Errorf("建议书 report: %s", s)
	}
	if s := status(`SELECT status FROM deadlines WHERE lawsuit_id = $1 AND kind = 'appeal'`, l.ID); s != "cancelled" {
		t.Errorf("second-instance appeal: %s", s)
	}
}
