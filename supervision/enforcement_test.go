package supervision_test

import (
	"strings"
	"testing"

	"fuyi/internal/date"
	"fuyi/internal/pdf/pdftext"
	"fuyi/internal/testapp"
	"fuyi/supervision"
)

// 复议法第77条: an unperformed decision (its 履行 deadline past, no performance recorded) is listed, opens a
// 责令限期履行 with its own deadline (a case deadline the daily alerts see), and then allows 约谈 and 通报批评;
// before the time limit passes there is nothing to order.
func TestUnperformedDecisionIsOrderedThenInterviewAndReprimand(t *testing.T) {
	a := testapp.New(t, date.MustParse("2026-01-10"))
	chief := a.Login("chief1")
	hr := agencyID(t, a, "南京市栖霞区人力资源和社会保障局")
	id := decided(t, a, hr, "revoke", "2025-11-20", "2025-11-25", map[string]any{"perform_due_on": "2025-12-31"})
	// performed in time: another case, nothing to order
	done := decided(t, a, hr, "revoke", "2025-11-20", "2025-11-25", map[string]any{"perform_due_on": "2025-12-31"})
	if r := a.Post("officer1", done, "performance", map[string]any{"performed_on": "2025-12-20"}); r.Status != 200 {
		t.Fatalf("performed: %d %s", r.Status, r.Body)
	}
	// not yet due: nothing to order
	later := decided(t, a, hr, "revoke", "2025-11-20", "2025-11-25", map[string]any{"perform_due_on": "2026-02-28"})

	r := a.Do("GET", "/api/v1/performance-orders/unperformed", chief, nil)
	var un struct {
		Items []supervision.Unperformed `json:"items"`
	}
	r.JSON(t, &un)
	if len(un.Items) != 1 || un.Items[0].CaseID != id || un.Items[0].DueOn.String() != "2025-12-31" || un.Items[0].Document != "decision" {
		t.Fatalf("unperformed: %s", r.Body)
	}
	order := func(caseID int64, due string) *testapp.Response {
		return a.Do("POST", "/api/v1/performance-orders", chief, map[string]any{"case_id": caseID, "document": "decision", "ordered_on": "2026-01-05", "due_on": due})
	}
	if r := order(later, "2026-01-20"); r.Status != 409 || r.ErrorCode(t) != "performance_order.not_due" {
		t.Fatalf("order before the limit: %d %s", r.Status, r.Body)
	}
	if r := order(done, "2026-01-20"); r.Status != 409 {
		t.Fatalf("order after performance: %d %s", r.Status, r.Body)
	}
	if r := order(id, "2026-01-04"); r.Status != 422 {
		t.Fatalf("limit before the order: %d %s", r.Status, r.Body)
	}
	if r := a.Do("POST", "/api/v1/performance-orders/1/interviews", chief, map[string]any{"held_on": "2026-01-06", "officials": "某副局长", "minutes": "记录"}); r.Status != 404 {
		t.Fatalf("interview without an order: %d %s", r.Status, r.Body)
	}
	r = order(id, "2026-01-09")
	if r.Status != 201 {
		t.Fatalf("order: %d %s", r.Status, r.Body)
	}
	var o supervision.Order
	r.JSON(t, &o)
	if o.DocNo != "栖政复责〔2026〕1号" || o.DueOn.String() != "2026-01-09" || o.MissedDueOn.String() != "2025-12-31" || !o.Overdue {
		t.Fatalf("order: %s", r.Body)
	}
	if r := order(id, "2026-01-20"); r.Status != 409 {
		t.Fatalf("second order: %d %s", r.Status, r.Body)
	}
	// its deadline is a case deadline, overdue today, and the daily alerts pick it up
	if due, st := a.Case(t, "chief1", id).Deadline("performance_order"); due != "2026-01-09" || st != "overdue" {
		t.Fatalf("order deadline: %s %s", due, st)
	}
	if _, err := a.Server.Alerts.RunOn(t.Context(), a.Today); err != nil {
		t.Fatal(err)
	}
	var alerts int
	if err := a.DB.Get(&alerts, `SELECT count(*) FROM notices WHERE deadline_kind = 'performance_order' AND level = 'overdue' AND case_id = $1`, id); err != nil || alerts == 0 {
		t.Fatalf("no overdue alert of the order: %d %v", alerts, err)
	}
	// a later change of the case keeps the order's deadline (cases leaves the supervision kinds alone)
	if r := a.Post("chief1", id, "opinion-letters", map[string]any{"kind": "suggestion", "issued_on": "2026-01-06", "content": "建议。"}); r.Status != 200 {
		t.Fatalf("letter: %d %s", r.Status, r.Body)
	}
	if due, st := a.Case(t, "chief1", id).Deadline("performance_order"); due != "2026-01-09" || st != "overdue" {
		t.Fatalf("order deadline after a case change: %s %s", due, st)
	}
	text := strings.Join(strings.Fields(pdftext.Extract(t, a.Do("GET", o.URL, chief, nil).Body)), "")
	for _, want := range []string{"责令限期履行通知书", "栖政复责〔2026〕1号", "南京市栖霞区人力资源和社会保障局：", "第七十七条", "2026年1月9日前履行", "栖政复决〔2025〕"} {
		if !strings.Contains(text, want) {
			t.Errorf("order lacks %q: %s", want, text)
		}
	}

	// 约谈, then 通报批评
	oid := path("/api/v1/performance-orders/%d/", o.ID)
	if r := a.Do("POST", oid+"interviews", chief, map[string]any{"held_on": "2026-01-04", "officials": "某副局长", "minutes": "记录"}); r.Status != 422 {
		t.Fatalf("interview before the order: %d %s", r.Status, r.Body)
	}
	if r := a.Do("POST", oid+"interviews", chief, map[string]any{"held_on": "2026-01-06", "officials": "", "minutes": "记录"}); r.Status != 422 || r.Fields(t)["officials"] == "" {
		t.Fatalf("interview without officials: %d %s", r.Status, r.Body)
	}
	if r := a.Do("POST", oid+"interviews", chief, map[string]any{"held_on": "2026-01-06", "officials": "分管副局长", "minutes": "说明未履行原因",
		"commitments": "一月底前履行"}); r.Status != 201 {
		t.Fatalf("interview: %d %s", r.Status, r.Body)
	}
	r = a.Do("POST", oid+"reprimands", chief, map[string]any{"issued_on": "2026-01-10", "recipients": "区政府各部门", "content": "望各单位引以为戒。"})
	if r.Status != 201 {
		t.Fatalf("reprimand: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &o)
	if len(o.Interviews) != 1 || len(o.Reprimands) != 1 || o.Reprimands[0].DocNo != "栖政复通〔2026〕1号" {
		t.Fatalf("follow-ups: %s", r.Body)
	}
	text = strings.Join(strings.Fields(pdftext.Extract(t, a.Do("GET", o.Reprimands[0].URL, chief, nil).Body)), "")
	for _, want := range []string{"通报批评", "区政府各部门：", "栖政复责〔2026〕1号", "望各单位引以为戒"} {
		if !strings.Contains(text, want) {
			t.Errorf("reprimand lacks %q: %s", want, text)
		}
	}
	// every step is in the case's audit trail
	seen := map[string]bool{}
	for _, e := range a.Case(t, "chief1", id).Events {
		seen[e.Action] = true
	}
	for _, act := range []string{"performance.ordered", "performance.interview", "performance.reprimand"} {
		if !seen[act] {
			t.Errorf("no %s event", act)
		}
	}
	// performed after all: the order's deadline is met
	if r := a.Do("POST", oid+"performed", chief, map[string]any{"performed_on": "2026-01-10"}); r.Status != 200 {
		t.Fatalf("performed: %d %s", r.Status, r.Body)
	}
	if _, st := a.Case(t, "chief1", id).Deadline("performance_order"); st != "met" {
		t.Fatalf("order deadline after performance: %s", st)
	}
	if r := a.Do("GET", "/supervision", chief, nil); r.Status != 200 || !strings.Contains(string(r.Body), "栖政复通〔2026〕1号") {
		t.Fatalf("page: %d", r.Status)
	}
}
