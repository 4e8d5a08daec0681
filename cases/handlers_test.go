package cases_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"fuyi/internal/date"
	"fuyi/internal/testapp"
)

var today = date.MustParse("2026-11-22")

type caseView struct {
	ID             int64   `json:"id"`
	RegistrationNo string  `json:"registration_no"`
	QueryCode      string  `json:"query_code"`
	Status         string  `json:"status"`
	CaseNo         *string `json:"case_no"`
	ReviewDueOn    string  `json:"review_due_on"`
	AcceptedOn     string  `json:"accepted_on"`
	DeemedAccepted bool    `json:"deemed_accepted"`
	Version        int     `json:"version"`
	LateFiling     *struct {
		LastDay string `json:"last_day"`
		Note    string `json:"note"`
	} `json:"late_filing"`
	Deadlines []struct {
		Kind   string `json:"kind"`
		DueOn  string `json:"due_on"`
		Basis  string `json:"basis"`
		Status string `json:"status"`
	} `json:"deadlines"`
	Events []struct {
		Action  string         `json:"action"`
		Summary string         `json:"summary"`
		Old     map[string]any `json:"old"`
		New     map[string]any `json:"new"`
		At      string         `json:"at"`
	} `json:"events"`
}

func (v caseView) deadline(kind string) (due, status string) {
	for _, d := range v.Deadlines {
		if d.Kind == kind {
			return d.DueOn, d.Status
		}
	}
	return "", ""
}

func get(t *testing.T, a *testapp.App, user string, id int64) caseView {
	t.Helper()
	r := a.Do("GET", fmt.Sprintf("/api/v1/cases/%d", id), a.Login(user), nil)
	if r.Status != 200 {
		t.Fatalf("get case: %d %s", r.Status, r.Body)
	}
	var v caseView
	r.JSON(t, &v)
	return v
}

// The walking skeleton: window intake → review period → acceptance with case number and deadlines.
func TestIntakeReviewAccept(t *testing.T) {
	a := testapp.New(t, today)
	r := a.Do("POST", "/api/v1/cases", a.Login("window1"), testapp.Application("2025-09-26"))
	if r.Status != 201 {
		t.Fatalf("register: %d %s", r.Status, r.Body)
	}
	var v caseView
	r.JSON(t, &v)
	if v.Status != "registered" || v.ReviewDueOn != "2025-10-10" || !strings.HasPrefix(v.RegistrationNo, "SFS01-2025-") || len(v.QueryCode) != 8 {
		t.Fatalf("registered case: %+v", v)
	}
	if v.CaseNo != nil {
		t.Fatal("a registered application has no case number yet")
	}
	r = a.Accept(v.ID, "2025-09-30", "ordinary")
	if r.Status != 200 {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &v)
	if v.Status != "accepted" || v.CaseNo == nil || *v.CaseNo != "栖政复〔2025〕1号" || v.AcceptedOn != "2025-09-30" {
		t.Fatalf("accepted: %+v", v)
	}
	if due, st := v.deadline("decision"); due != "2025-12-01" || st != "overdue" { // today is 2026-11-22
		t.Fatalf("decision deadline %s %s", due, st)
	}
	if due, st := v.deadline("copy"); due != "2025-10-16" || st != "overdue" {
		t.Fatalf("copy deadline %s %s (nothing sent yet, and today is after it)", due, st)
	}
	if _, st := v.deadline("review"); st != "met" {
		t.Fatalf("review deadline should be met, got %s", st)
	}
	last := v.Events[len(v.Events)-1]
	if last.Action != "case.accepted" || last.Old["status"] != "registered" || last.New["case_no"] != "栖政复〔2025〕1号" {
		t.Fatalf("audit event: %+v", last)
	}
	if old := last.Old["deadlines"].(map[string]any); old["review"] != "2025-10-10" {
		t.Fatalf("audit must keep the old due dates: %+v", last.Old)
	}
	if !strings.HasSuffix(last.At, "+08:00") {
		t.Fatalf("times must be RFC 3339 in +08:00: %s", last.At)
	}
	// the window that registered it still sees it
	if got := get(t, a, "window1", v.ID); got.CaseNo == nil {
		t.Fatal("window1 should see the accepted case")
	}
}

func TestValidationAnswers422WithFields(t *testing.T) {
	a := testapp.New(t, today)
	tok := a.Login("window1")
	cases := []struct {
		name  string
		edit  func(m map[string]any)
		field string
		msg   string
	}{
		{"ID checksum", func(m map[string]any) {
			m["applicants"].([]map[string]any)[0]["id_number"] = "110105194912310021"
		}, "applicants[0].id_number", "身份证号码校验位错误"},
		{"credit code", func(m map[string]any) {
			m["applicants"].([]map[string]any)[1]["credit_code"] = "91350100M000100Y4Z"
		}, "applicants[1].credit_code", "统一社会信用代码"},
		{"phone", func(m map[string]any) { m["applicants"].([]map[string]any)[0]["phone"] = "12345" }, "applicants[0].phone", "电话号码格式不正确"},
		{"future date", func(m map[string]any) { m["received_on"] = "2026-11-23" }, "received_on", "不能晚于今天"},
		{"bad date", func(m map[string]any) { m["received_on"] = "2025-02-30" }, "received_on", "格式应为YYYY-MM-DD"},
		{"known before made", func(m map[string]any) {
			m["act"].(map[string]any)["known_on"] = "2025-07-01"
			m["act"].(map[string]any)["made_on"] = "2025-08-01"
		}, "act.known_on", "不能早于行政行为作出日期"},
		{"no applicants", func(m map[string]any) { m["applicants"] = []map[string]any{} }, "applicants", "至少须有一名申请人"},
		{"unknown agency", func(m map[string]any) { m["respondent_agency_id"] = 9999 }, "respondent_agency_id", "不在行政机关目录中"},
		{"matter", func(m map[string]any) { m["act"].(map[string]any)["matter"] = "其它" }, "act.matter", "申请事项须为以下之一"},
		{"too long", func(m map[string]any) { m["requests"] = strings.Repeat("请", 5001) }, "requests", "不能超过5000字"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := testapp.Application("2025-09-26")
			tc.edit(body)
			r := a.Do("POST", "/api/v1/cases", tok, body)
			if r.Status != 422 {
				t.Fatalf("status %d %s", r.Status, r.Body)
			}
			if f := r.Fields(t); !strings.Contains(f[tc.field], tc.msg) {
				t.Fatalf("fields %v: want %s ~ %q", f, tc.field, tc.msg)
			}
		})
	}
	var n int
	a.DB.Get(&n, `SELECT count(*) FROM cases`)
	if n != 0 {
		t.Fatalf("refused applications must write nothing, found %d cases", n)
	}
}

func TestMalformedAndUnauthenticated(t *testing.T) {
	a := testapp.New(t, today)
	tok := a.Login("window1")
	if r := a.Do("POST", "/api/v1/cases", tok, "{"); r.Status != 400 || r.ErrorCode(t) != "request.malformed" {
		t.Fatalf("malformed: %d %s", r.Status, r.Body)
	}
	if r := a.Do("POST", "/api/v1/cases", tok, `{"received_on": 20250926}`); r.Status != 400 || !strings.Contains(string(r.Body), "received_on") {
		t.Fatalf("wrong type: %d %s", r.Status, r.Body)
	}
	if r := a.Do("GET", "/api/v1/cases", "", nil); r.Status != 401 {
		t.Fatalf("no token: %d", r.Status)
	}
	if r := a.Do("GET", "/api/v1/cases", "not-a-token", nil); r.Status != 401 {
		t.Fatalf("bad token: %d", r.Status)
	}
	// bodies are streamed: the 413 comes once the first kilobytes arrive, before the rest is read
	status, rest := a.LiveRaw("POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + tok +
		"\r\nContent-Type: application/json\r\nContent-Length: 3145728\r\nConnection: close\r\n\r\n{" + strings.Repeat(" ", 16<<10))
	if !strings.Contains(status, "413") || !strings.Contains(rest, "request.too_large") {
		t.Fatalf("too large: %s %s", status, rest)
	}
	if r := a.Do("GET", "/api/v1/cases/abc", tok, nil); r.Status != 404 {
		t.Fatalf("non-numeric id: %d", r.Status)
	}
	if r := a.Do("GET", "/api/v1/cases?page=0", tok, nil); r.Status != 400 {
		t.Fatalf("bad page: %d", r.Status)
	}
	// logout ends the token
	if r := a.Do("DELETE", "/api/v1/sessions/current", tok, nil); r.Status != 204 {
		t.Fatalf("logout: %d", r.Status)
	}
	if r := a.Do("GET", "/api/v1/cases", tok, nil); r.Status != 401 {
		t.Fatalf("after logout: %d", r.Status)
	}
}

func TestRolesAndVisibility(t *testing.T) {
	a := testapp.New(t, today)
	id := a.Register("window1", "2025-09-26")
	path := fmt.Sprintf("/api/v1/cases/%d", id)
	// 403: the role may never do this
	if r := a.Do("POST", path+"/review", a.Login("window1"), map[string]any{"outcome": "accept"}); r.Status != 403 {
		t.Fatalf("window review: %d", r.Status)
	}
	if r := a.Do("POST", "/api/v1/cases", a.Login("bureau1"), testapp.Application("2025-09-26")); r.Status != 403 {
		t.Fatalf("bureau register: %d", r.Status)
	}
	// 404: exists, but not visible to this caller
	for _, u := range []string{"window2", "officer1"} {
		if r := a.Do("GET", path, a.Login(u), nil); r.Status != 404 {
			t.Fatalf("%s sees another's case: %d", u, r.Status)
		}
		if r := a.Do("POST", path+"/correction-received", a.Login(u), map[string]any{"on": "2025-10-01"}); r.Status != 404 {
			t.Fatalf("%s acts on another's case: %d %s", u, r.Status, r.Body)
		}
	}
	for _, u := range []string{"window1", "chief1", "bureau1"} {
		if r := a.Do("GET", path, a.Login(u), nil); r.Status != 200 {
			t.Fatalf("%s: %d", u, r.Status)
		}
	}
	var list struct {
		Total int `json:"total"`
	}
	a.Do("GET", "/api/v1/cases", a.Login("window2"), nil).JSON(t, &list)
	if list.Total != 0 {
		t.Fatalf("window2 lists %d cases of window1", list.Total)
	}
	a.Do("GET", "/api/v1/cases", a.Login("window1"), nil).JSON(t, &list)
	if list.Total != 1 {
		t.Fatalf("window1 lists %d", list.Total)
	}
	// an officer sees a case once assigned
	a.Accept(id, "2025-09-30", "ordinary")
	a.Assign(id, "officer1", "officer2")
	if r := a.Do("GET", path, a.Login("officer1"), nil); r.Status != 200 {
		t.Fatalf("assigned officer: %d", r.Status)
	}
	if r := a.Do("GET", path, a.Login("officer3"), nil); r.Status != 404 {
		t.Fatalf("unassigned officer: %d", r.Status)
	}
}

func TestStateConflicts409(t *testing.T) {
	a := testapp.New(t, today)
	id := a.Register("window1", "2025-09-26")
	if r := a.Accept(id, "2025-09-30", "ordinary"); r.Status != 200 {
		t.Fatal(r.Status)
	}
	if r := a.Accept(id, "2025-09-30", "ordinary"); r.Status != 409 || r.ErrorCode(t) != "case.already_reviewed" {
		t.Fatalf("second accept: %d %s", r.Status, r.Body)
	}
	id2 := a.Register("window1", "2025-09-26")
	v := get(t, a, "chief1", id2)
	r := a.Do("POST", fmt.Sprintf("/api/v1/cases/%d/review", id2), a.Login("chief1"),
		map[string]any{"outcome": "accept", "on": "2025-09-29", "procedure": "ordinary", "version": v.Version + 5})
	if r.Status != 409 || r.ErrorCode(t) != "stale_version" {
		t.Fatalf("stale version: %d %s", r.Status, r.Body)
	}
}

// 复议法第31条: one correction notice listing every item; review waits for the materials, then restarts.
func TestCorrectionFlow(t *testing.T) {
	a := testapp.New(t, today)
	id := a.Register("window1", "2025-09-26")
	path := fmt.Sprintf("/api/v1/cases/%d", id)
	chief := a.Login("chief1")
	if r := a.Do("POST", path+"/review", chief, map[string]any{"outcome": "correction", "on": "2025-09-29", "items": []string{" "}}); r.Status != 422 {
		t.Fatalf("empty items: %d", r.Status)
	}
	r := a.Do("POST", path+"/review", chief, map[string]any{"outcome": "correction", "on": "2025-09-29", "served_on": "2025-09-29", "items": []string{"身份证复印件", "原行政行为文书"}})
	if r.Status != 200 {
		t.Fatalf("correction: %d %s", r.Status, r.Body)
	}
	var v caseView
	r.JSON(t, &v)
	if due, _ := v.deadline("correction"); v.Status != "correction" || due != "2025-10-20" {
		t.Fatalf("after notice: %s %s", v.Status, due)
	}
	if r := a.Accept(id, "2025-10-01", "ordinary"); r.Status != 409 || r.ErrorCode(t) != "case.awaiting_correction" {
		t.Fatalf("review before materials: %d %s", r.Status, r.Body)
	}
	if r := a.Do("POST", path+"/correction-received", a.Login("window1"), map[string]any{"on": "2025-09-28"}); r.Status != 422 {
		t.Fatalf("received before notice: %d %s", r.Status, r.Body)
	}
	r = a.Do("POST", path+"/correction-received", a.Login("window1"), map[string]any{"on": "2025-10-15"})
	if r.Status != 200 {
		t.Fatalf("received: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &v)
	if v.ReviewDueOn != "2025-10-22" {
		t.Fatalf("new review period: %s", v.ReviewDueOn)
	}
	if r := a.Do("POST", path+"/review", chief, map[string]any{"outcome": "correction", "on": "2025-10-16", "items": []string{"再补"}}); r.Status != 409 || r.ErrorCode(t) != "case.correction_once" {
		t.Fatalf("second correction: %d %s", r.Status, r.Body)
	}
	if r := a.Accept(id, "2025-10-17", "simplified"); r.Status != 200 {
		t.Fatalf("accept after correction: %d %s", r.Status, r.Body)
	}
}

// 复议法第30条第3款: a review that lapses counts as acceptance on the last day of the review period.
func TestLapsedReviewIsDeemedAcceptance(t *testing.T) {
	a := testapp.New(t, today)
	id := a.Register("window1", "2025-09-26")
	r := a.Do("POST", fmt.Sprintf("/api/v1/cases/%d/review", id), a.Login("chief1"), map[string]any{"outcome": "reject", "on": "2025-10-20", "reason": "不属于受理范围"})
	if r.Status != 422 || !strings.Contains(string(r.Body), "视为受理") {
		t.Fatalf("late reject: %d %s", r.Status, r.Body)
	}
	r = a.Accept(id, "2025-10-20", "ordinary")
	var v caseView
	r.JSON(t, &v)
	if r.Status != 200 || v.AcceptedOn != "2025-10-10" || !v.DeemedAccepted {
		t.Fatalf("deemed acceptance: %d %+v", r.Status, v)
	}
}

func TestLateApplicationIsFlaggedNotRefused(t *testing.T) {
	a := testapp.New(t, today)
	body := testapp.Application("2025-09-26")
	body["act"].(map[string]any)["known_on"] = "2025-06-01"
	body["act"].(map[string]any)["made_on"] = "2025-05-20"
	r := a.Do("POST", "/api/v1/cases", a.Login("window1"), body)
	var v caseView
	r.JSON(t, &v)
	if r.Status != 201 || v.LateFiling == nil || v.LateFiling.LastDay != "2025-07-31" || !strings.Contains(v.LateFiling.Note, "第20条") {
		t.Fatalf("late filing: %d %s", r.Status, r.Body)
	}
}

// A deadline that reaches 2027, whose calendar is not entered, is shown as pending, not guessed.
func TestDecisionPendingWithoutNextYearCalendar(t *testing.T) {
	a := testapp.New(t, today)
	id := a.Register("window1", "2026-11-20")
	r := a.Accept(id, "2026-11-20", "ordinary")
	var v caseView
	r.JSON(t, &v)
	if due, st := v.deadline("decision"); r.Status != 200 || due != "" || st != "pending" {
		t.Fatalf("decision: %d %q %q", r.Status, due, st)
	}
}

func TestIdempotencyKey(t *testing.T) {
	a := testapp.New(t, today)
	tok := a.Login("window1")
	body := testapp.Application("2025-09-26")
	r1 := a.Do("POST", "/api/v1/cases", tok, body, "Idempotency-Key", "abc-1")
	r2 := a.Do("POST", "/api/v1/cases", tok, body, "Idempotency-Key", "abc-1")
	if r1.Status != 201 || r2.Status != 201 || string(r1.Body) != string(r2.Body) {
		t.Fatalf("replay: %d %d", r1.Status, r2.Status)
	}
	body["requests"] = "另一请求"
	if r := a.Do("POST", "/api/v1/cases", tok, body, "Idempotency-Key", "abc-1"); r.Status != 409 {
		t.Fatalf("reused key with other body: %d", r.Status)
	}
	// concurrent retries of one submission create one case
	body = testapp.Application("2025-09-27")
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := a.Do("POST", "/api/v1/cases", tok, body, "Idempotency-Key", "abc-2"); r.Status != 201 {
				t.Errorf("concurrent: %d %s", r.Status, r.Body)
			}
		}()
	}
	wg.Wait()
	var n int
	a.DB.Get(&n, `SELECT count(*) FROM cases`)
	if n != 2 {
		t.Fatalf("want 2 cases, got %d", n)
	}
}

// 一案一号: concurrent acceptances get unique, gapless serials (row lock on the yearly counter plus the
// unique constraint on (case_year, case_serial)).
func TestConcurrentAcceptanceNumbers(t *testing.T) {
	a := testapp.New(t, today)
	const n = 16
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = a.Register("window1", "2025-09-26")
	}
	// two chiefs at once
	a.DB.MustExec(`INSERT INTO users (organ_id, username, name, role, qualified, password_hash) SELECT organ_id, 'chief1b', '副主任', 'chief', true, password_hash FROM users WHERE username = 'chief1'`)
	toks := []string{a.Login("chief1"), a.Login("chief1b")}
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func(i int, id int64) {
			defer wg.Done()
			r := a.Do("POST", fmt.Sprintf("/api/v1/cases/%d/review", id), toks[i%2], map[string]any{"outcome": "accept", "on": "2025-09-30", "procedure": "ordinary"})
			if r.Status != 200 {
				t.Errorf("accept %d: %d %s", id, r.Status, r.Body)
			}
		}(i, id)
	}
	wg.Wait()
	var serials []int
	a.DB.Select(&serials, `SELECT case_serial FROM cases WHERE case_year = 2025 ORDER BY case_serial`)
	for i, s := range serials {
		if s != i+1 {
			t.Fatalf("serials not gapless and unique: %v", serials)
		}
	}
	if len(serials) != n {
		t.Fatalf("got %d numbers", len(serials))
	}
	if _, err := a.DB.Exec(`UPDATE cases SET case_serial = 1, case_no = 'x' WHERE case_serial = 2`); err == nil {
		t.Fatal("the database must refuse a duplicate case number")
	}
}

func TestAuditTrailCannotBeAltered(t *testing.T) {
	a := testapp.New(t, today)
	a.Register("window1", "2025-09-26")
	if _, err := a.DB.Exec(`UPDATE events SET summary = 'x'`); err == nil {
		t.Fatal("UPDATE of events succeeded")
	}
	if _, err := a.DB.Exec(`DELETE FROM events`); err == nil {
		t.Fatal("DELETE of events succeeded")
	}
	if _, err := a.DB.Exec(`TRUNCATE events CASCADE`); err == nil {
		t.Fatal("TRUNCATE of events succeeded")
	}
}

func TestPublicStatusShowsNoPersonalData(t *testing.T) {
	a := testapp.New(t, today)
	id := a.Register("window1", "2025-09-26")
	v := get(t, a, "window1", id)
	r := a.Do("GET", "/api/v1/public/status?no="+v.RegistrationNo+"&code="+v.QueryCode, "", nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), `"review_due_on":"2025-10-10"`) {
		t.Fatalf("status: %d %s", r.Status, r.Body)
	}
	page := a.Do("GET", "/status?no="+v.RegistrationNo+"&code="+v.QueryCode, "", nil)
	for _, secret := range []string{"张三", "11010519491231002X", "13800138000", "某路1号"} {
		if strings.Contains(string(r.Body), secret) || strings.Contains(string(page.Body), secret) {
			t.Fatalf("status leaks %q", secret)
		}
	}
	if r := a.Do("GET", "/api/v1/public/status?no="+v.RegistrationNo+"&code=WRONGCOD", "", nil); r.Status != 404 {
		t.Fatalf("wrong code: %d", r.Status)
	}
}
