package cases_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"fuyi/internal/testapp"
)

// acceptedCase registers and accepts a case (受理 2025-09-30) and assigns officer1 (lead) and officer2.
func acceptedCase(t testing.TB, a *testapp.App, procedure string) int64 {
	t.Helper()
	return a.AcceptedCase(t, procedure)
}

func post(a *testapp.App, user string, id int64, action string, body any) *testapp.Response {
	return a.Post(user, id, action, body)
}

// 条例第32条 and the local plans: ≥2 qualified officers, ≥3 for 重大、复杂、疑难 cases, one lead.
func TestAssignmentRules(t *testing.T) {
	a := testapp.New(t, today)
	id := a.Register("window1", "2025-09-26")
	a.Accept(id, "2025-09-30", "ordinary")
	put := func(lead string, officers ...string) *testapp.Response {
		ids := []int64{}
		for _, o := range officers {
			ids = append(ids, a.UserID(o))
		}
		return a.Do("PUT", fmt.Sprintf("/api/v1/cases/%d/assignment", id), a.Login("chief1"),
			map[string]any{"officer_ids": ids, "lead_officer_id": a.UserID(lead)})
	}
	if r := put("officer1", "officer1"); r.Status != 422 || r.ErrorCode(t) != "assignment.too_few_officers" {
		t.Fatalf("one officer: %d %s", r.Status, r.Body)
	}
	if r := put("officer1", "officer1", "clerk1"); r.Status != 422 || !strings.Contains(string(r.Body), "法律职业资格") {
		t.Fatalf("unqualified clerk: %d %s", r.Status, r.Body)
	}
	if r := put("officer3", "officer1", "officer2"); r.Status != 422 || !strings.Contains(string(r.Body), "主办人") {
		t.Fatalf("lead outside the team: %d %s", r.Status, r.Body)
	}
	if r := put("officer1", "officer1", "officer1"); r.Status != 422 {
		t.Fatalf("duplicate officer: %d", r.Status)
	}
	if r := a.Do("PUT", fmt.Sprintf("/api/v1/cases/%d/assignment", id), a.Login("officer1"), map[string]any{}); r.Status != 403 {
		t.Fatalf("officer assigns: %d", r.Status)
	}
	if r := put("officer1", "officer1", "officer2"); r.Status != 200 {
		t.Fatalf("valid team: %d %s", r.Status, r.Body)
	}
	r := post(a, "chief1", id, "complexity", map[string]any{"complex": true, "reason": "涉及群体利益"})
	var v struct {
		Assignment struct {
			Understaffed bool `json:"understaffed"`
			Required     int  `json:"required"`
		} `json:"assignment"`
	}
	r.JSON(t, &v)
	if !v.Assignment.Understaffed || v.Assignment.Required != 3 {
		t.Fatalf("complex case with 2 officers must be understaffed: %s", r.Body)
	}
	if r := put("officer1", "officer1", "officer2"); r.Status != 422 || !strings.Contains(string(r.Body), "重大、复杂、疑难案件须由3名以上") {
		t.Fatalf("complex with two: %d %s", r.Status, r.Body)
	}
	r = put("officer2", "officer1", "officer2", "officer3")
	r.JSON(t, &v)
	if r.Status != 200 || v.Assignment.Understaffed {
		t.Fatalf("three officers: %d %s", r.Status, r.Body)
	}
	// history: the first team (officer1 lead, officer2) is kept with removed_at; the new team has 3 rows
	var rows, active int
	a.DB.Get(&rows, `SELECT count(*) FROM case_assignments WHERE case_id = $1`, id)
	a.DB.Get(&active, `SELECT count(*) FROM case_assignments WHERE case_id = $1 AND removed_at IS NULL`, id)
	if rows != 5 || active != 3 {
		t.Fatalf("history not kept: %d rows, %d active", rows, active)
	}
}

// The staffing rule holds in the database too: a team cannot be cut below the minimum by SQL.
func TestTeamGuardInDatabase(t *testing.T) {
	a := testapp.New(t, today)
	id := acceptedCase(t, a, "ordinary")
	_, err := a.DB.Exec(`UPDATE case_assignments SET removed_at = now() WHERE case_id = $1 AND NOT lead`, id)
	if err == nil || !strings.Contains(err.Error(), "needs 2") {
		t.Fatalf("database accepted a one-person team: %v", err)
	}
	_, err = a.DB.Exec(`INSERT INTO case_assignments (case_id, user_id, assigned_by) SELECT $1, id, id FROM users WHERE username = 'clerk1'`, id)
	if err == nil || !strings.Contains(err.Error(), "unqualified") {
		t.Fatalf("database accepted an unqualified officer: %v", err)
	}
}

// Two chiefs editing the team from the same version: one wins, the other gets 409 and nothing is lost.
func TestConcurrentAssignment(t *testing.T) {
	a := testapp.New(t, today)
	id := acceptedCase(t, a, "ordinary")
	a.DB.MustExec(`INSERT INTO users (organ_id, username, name, role, qualified, password_hash) SELECT organ_id, 'chief1b', '副主任', 'chief', true, password_hash FROM users WHERE username = 'chief1'`)
	v := get(t, a, "chief1", id)
	teams := [][]string{{"officer3", "officer4"}, {"officer4", "officer5"}}
	toks := []string{a.Login("chief1"), a.Login("chief1b")}
	statuses := make([]int, 2)
	var wg sync.WaitGroup
	for i := range teams {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			ids := []int64{a.UserID(teams[i][0]), a.UserID(teams[i][1])}
			r := a.Do("PUT", fmt.Sprintf("/api/v1/cases/%d/assignment", id), toks[i], map[string]any{"officer_ids": ids, "lead_officer_id": ids[0], "version": v.Version})
			statuses[i] = r.Status
		}(i)
	}
	wg.Wait()
	if !(statuses[0] == 200 && statuses[1] == 409 || statuses[0] == 409 && statuses[1] == 200) {
		t.Fatalf("want one 200 and one 409, got %v", statuses)
	}
	winner := teams[0]
	if statuses[1] == 200 {
		winner = teams[1]
	}
	var names []string
	a.DB.Select(&names, `SELECT u.username FROM case_assignments x JOIN users u ON u.id = x.user_id WHERE x.case_id = $1 AND x.removed_at IS NULL ORDER BY u.username`, id)
	if strings.Join(names, ",") != strings.Join(winner, ",") {
		t.Fatalf("team %v, want the winner's %v", names, winner)
	}
}

func decisionDue(t *testing.T, a *testapp.App, id int64) (string, string) {
	t.Helper()
	return get(t, a, "chief1", id).deadline("decision")
}

// [H] DOMAIN.md §2: pauses are intervals and the decision due date is recomputed from them in one step;
// 复议法第62条: one extension of at most 30 days, ordinary procedure only, before the due date.
func TestSuspensionResumptionExtension(t *testing.T) {
	a := testapp.New(t, today)
	id := acceptedCase(t, a, "ordinary")
	if due, _ := decisionDue(t, a, id); due != "2025-12-01" {
		t.Fatalf("initial due %s", due)
	}
	if r := post(a, "chief1", id, "suspension", map[string]any{"on": "2025-10-20", "ground": "99"}); r.Status != 422 {
		t.Fatalf("unknown ground: %d", r.Status)
	}
	if r := post(a, "chief1", id, "suspension", map[string]any{"on": "2025-10-20", "ground": "39-5"}); r.Status != 200 {
		t.Fatalf("suspend: %d %s", r.Status, r.Body)
	}
	if due, st := decisionDue(t, a, id); due != "" || st != "suspended" {
		t.Fatalf("while suspended: %q %q", due, st)
	}
	if r := post(a, "chief1", id, "extension", map[string]any{"on": "2025-10-21", "days": 10, "reason": "x"}); r.Status != 409 {
		t.Fatalf("extension while suspended: %d", r.Status)
	}
	if r := post(a, "chief1", id, "resumption", map[string]any{"on": "2025-10-19"}); r.Status != 422 {
		t.Fatalf("resume before suspension: %d", r.Status)
	}
	if r := post(a, "chief1", id, "resumption", map[string]any{"on": "2025-11-03"}); r.Status != 200 {
		t.Fatalf("resume: %d %s", r.Status, r.Body)
	}
	if due, _ := decisionDue(t, a, id); due != "2025-12-15" {
		t.Fatalf("after 14 days of 中止: %s, want 2025-12-15", due)
	}
	for _, bad := range []map[string]any{
		{"on": "2025-12-10", "days": 31, "reason": "案情复杂"},
		{"on": "2025-12-10", "days": 0, "reason": "案情复杂"},
		{"on": "2025-12-10", "days": 30, "reason": ""},
	} {
		if r := post(a, "chief1", id, "extension", bad); r.Status != 422 {
			t.Fatalf("bad extension %v: %d", bad, r.Status)
		}
	}
	if r := post(a, "chief1", id, "extension", map[string]any{"on": "2025-12-16", "days": 30, "reason": "案情复杂"}); r.Status != 422 || r.ErrorCode(t) != "extension.too_late" {
		t.Fatalf("extension after due date: %d %s", r.Status, r.Body)
	}
	if r := post(a, "officer1", id, "extension", map[string]any{"on": "2025-12-10", "days": 30, "reason": "案情复杂"}); r.Status != 403 {
		t.Fatalf("officer extends: %d", r.Status)
	}
	if r := post(a, "chief1", id, "extension", map[string]any{"on": "2025-12-10", "days": 30, "reason": "案情复杂"}); r.Status != 200 {
		t.Fatalf("extend: %d %s", r.Status, r.Body)
	}
	due, _ := decisionDue(t, a, id)
	// 09-30 + 60 + 14 = 12-13 (Saturday) → 12-15; the extension runs from there: + 30 = 2026-01-14 (Wednesday)
	if due != "2026-01-14" {
		t.Fatalf("after extension: %s", due)
	}
	if r := post(a, "chief1", id, "extension", map[string]any{"on": "2025-12-11", "days": 5, "reason": "再延"}); r.Status != 409 || r.ErrorCode(t) != "extension.once" {
		t.Fatalf("second extension: %d %s", r.Status, r.Body)
	}
	// a second pause adds to the first
	post(a, "chief1", id, "suspension", map[string]any{"on": "2025-12-20", "ground": "39-8"})
	post(a, "chief1", id, "resumption", map[string]any{"on": "2025-12-30"})
	if due, _ := decisionDue(t, a, id); due != "2026-01-22" {
		t.Fatalf("two pauses: %s", due)
	}
	v := get(t, a, "chief1", id)
	found := false
	for _, e := range v.Events {
		if e.Action == "case.resumed" && e.Old["deadlines"] != nil {
			found = true
		}
	}
	if !found {
		t.Fatal("resumption must be audited with the old due dates")
	}
}

// 复议法第62条第2款 and 第55条: simplified cases have 30 days and no extension; converted cases get 60 from 受理.
func TestSimplifiedProcedure(t *testing.T) {
	a := testapp.New(t, today)
	id := acceptedCase(t, a, "simplified")
	if due, _ := decisionDue(t, a, id); due != "2025-10-30" {
		t.Fatalf("simplified due %s", due)
	}
	if r := post(a, "chief1", id, "extension", map[string]any{"on": "2025-10-20", "days": 10, "reason": "x"}); r.Status != 422 || r.ErrorCode(t) != "extension.simplified" {
		t.Fatalf("extension in simplified: %d %s", r.Status, r.Body)
	}
	if r := post(a, "chief1", id, "procedure", map[string]any{"procedure": "ordinary", "on": "2025-10-20", "reason": "案情复杂需转普通程序"}); r.Status != 200 {
		t.Fatalf("convert: %d %s", r.Status, r.Body)
	}
	if due, _ := decisionDue(t, a, id); due != "2025-12-01" {
		t.Fatalf("converted: %s, want 60 days from the original 受理", due)
	}
	if r := post(a, "chief1", id, "procedure", map[string]any{"procedure": "ordinary", "on": "2025-10-21", "reason": "x"}); r.Status != 409 {
		t.Fatalf("convert twice: %d", r.Status)
	}
}

func TestReplyDeadlines(t *testing.T) {
	a := testapp.New(t, today)
	id := acceptedCase(t, a, "ordinary")
	if r := post(a, "officer1", id, "reply", map[string]any{"reply_received_on": "2025-10-20"}); r.Status != 422 {
		t.Fatalf("reply before copy: %d %s", r.Status, r.Body)
	}
	if r := post(a, "officer1", id, "reply", map[string]any{"copy_sent_on": "2025-09-29"}); r.Status != 422 {
		t.Fatalf("copy before 受理: %d", r.Status)
	}
	if r := post(a, "officer3", id, "reply", map[string]any{"copy_sent_on": "2025-10-09"}); r.Status != 404 {
		t.Fatalf("officer not on the team: %d", r.Status)
	}
	post(a, "officer1", id, "reply", map[string]any{"copy_sent_on": "2025-10-09"})
	v := get(t, a, "officer1", id)
	if due, st := v.deadline("reply"); due != "2025-10-22" || st != "overdue" {
		t.Fatalf("reply deadline %s %s (overdue: nothing arrived and today is later)", due, st)
	}
	if _, st := v.deadline("copy"); st != "met" {
		t.Fatalf("copy %s", st)
	}
	post(a, "officer1", id, "reply", map[string]any{"reply_received_on": "2025-10-21"})
	if _, st := get(t, a, "officer1", id).deadline("reply"); st != "met" {
		t.Fatalf("reply %s", st)
	}
}

func propose(a *testapp.App, user string, id int64, typ string, extra map[string]any) *testapp.Response {
	return a.Propose(user, id, typ, extra)
}

// 复议法第61条: the lead proposes, the chief approves (or 集体讨论); approval fixes the text and concludes
// the case; 第75条: service makes it effective and starts the 15-day litigation window.
func TestDecisionLifecycle(t *testing.T) {
	a := testapp.New(t, today)
	id := acceptedCase(t, a, "ordinary")
	if r := propose(a, "officer2", id, "maintain", nil); r.Status != 403 || r.ErrorCode(t) != "decision.lead_only" {
		t.Fatalf("non-lead proposes: %d %s", r.Status, r.Body)
	}
	if r := propose(a, "officer1", id, "maintain", map[string]any{"sections": map[string]string{}}); r.Status != 422 {
		t.Fatalf("no ruling: %d", r.Status)
	}
	if r := propose(a, "officer1", id, "nonsense", nil); r.Status != 422 {
		t.Fatalf("bad type: %d", r.Status)
	}
	if r := propose(a, "officer1", id, "maintain", nil); r.Status != 200 {
		t.Fatalf("propose: %d %s", r.Status, r.Body)
	}
	if r := propose(a, "officer1", id, "maintain", nil); r.Status != 409 {
		t.Fatalf("second pending draft: %d", r.Status)
	}
	if r := post(a, "chief1", id, "decision/approval", map[string]any{"approve": false}); r.Status != 422 {
		t.Fatalf("return without reason: %d", r.Status)
	}
	if r := post(a, "chief1", id, "decision/approval", map[string]any{"approve": false, "reason": "事实部分需补充"}); r.Status != 200 {
		t.Fatalf("return: %d", r.Status)
	}
	propose(a, "officer1", id, "maintain", nil)
	if r := post(a, "officer1", id, "decision/approval", map[string]any{"approve": true}); r.Status != 403 {
		t.Fatalf("officer approves: %d", r.Status)
	}
	r := post(a, "chief1", id, "decision/approval", map[string]any{"approve": true, "mode": "collective"})
	var v caseView
	r.JSON(t, &v)
	if r.Status != 200 || v.Status != "decided" {
		t.Fatalf("approve: %d %s", r.Status, r.Body)
	}
	if _, st := v.deadline("decision"); st != "met" {
		t.Fatalf("decision deadline must be met: %s", st)
	}
	// an amendment before service needs a new approval and supersedes the earlier text
	if r := propose(a, "officer1", id, "maintain", map[string]any{"sections": map[string]string{"ruling": "维持（修改稿）。"}}); r.Status != 200 {
		t.Fatalf("amend: %d %s", r.Status, r.Body)
	}
	if r := post(a, "officer1", id, "decision/service", map[string]any{"served_on": "2025-11-25"}); r.Status != 409 {
		t.Fatalf("service with a pending amendment: %d", r.Status)
	}
	post(a, "chief1", id, "decision/approval", map[string]any{"approve": true})
	var statuses []string
	a.DB.Select(&statuses, `SELECT status FROM decisions WHERE case_id = $1 ORDER BY version`, id)
	if strings.Join(statuses, ",") != "returned,superseded,approved" {
		t.Fatalf("versions: %v", statuses)
	}
	if r := post(a, "officer1", id, "decision/service", map[string]any{"served_on": "2025-11-19"}); r.Status != 422 {
		t.Fatalf("served before decided: %d", r.Status)
	}
	r = post(a, "officer1", id, "decision/service", map[string]any{"served_on": "2025-11-25"})
	r.JSON(t, &v)
	if due, _ := v.deadline("litigation"); r.Status != 200 || due != "2025-12-10" {
		t.Fatalf("litigation window: %d %s", r.Status, due)
	}
	if r := propose(a, "officer1", id, "maintain", nil); r.Status != 409 || r.ErrorCode(t) != "decision.served" {
		t.Fatalf("amend after service: %d %s", r.Status, r.Body)
	}
	if r := post(a, "officer1", id, "performance", map[string]any{"performed_on": "2025-12-01"}); r.Status != 409 {
		t.Fatalf("维持 needs no performance: %d", r.Status)
	}
}

// Complex cases: a held hearing (复议法第50条) and the committee's opinion (第52条) before any decision.
func TestComplexCaseNeedsHearingAndCommittee(t *testing.T) {
	a := testapp.New(t, today)
	id := acceptedCase(t, a, "ordinary")
	post(a, "chief1", id, "complexity", map[string]any{"complex": true, "reason": "社会关注度高"})
	if r := propose(a, "officer1", id, "maintain", nil); r.Status != 422 || r.ErrorCode(t) != "decision.understaffed" {
		t.Fatalf("understaffed: %d %s", r.Status, r.Body)
	}
	a.Assign(id, "officer1", "officer2", "officer3")
	if r := propose(a, "officer1", id, "maintain", nil); r.Status != 422 || r.ErrorCode(t) != "decision.hearing_required" {
		t.Fatalf("no hearing: %d %s", r.Status, r.Body)
	}
	a.DB.MustExec(`INSERT INTO rooms (organ_id, name) VALUES (1, '听证室一')`)
	a.DB.MustExec(`INSERT INTO hearings (case_id, starts_at, ends_at, room_id, notified_on, status, created_by)
		VALUES ($1, '2025-11-10 09:00+08', '2025-11-10 11:00+08', 1, '2025-11-01', 'held', 1)`, id)
	if r := propose(a, "officer1", id, "maintain", nil); r.Status != 422 || r.ErrorCode(t) != "decision.committee_required" {
		t.Fatalf("no committee opinion: %d %s", r.Status, r.Body)
	}
	if r := post(a, "officer1", id, "committee-opinion", map[string]any{"on": "2025-11-12", "opinion": "建议维持"}); r.Status != 200 {
		t.Fatalf("committee: %d %s", r.Status, r.Body)
	}
	if r := propose(a, "officer1", id, "maintain", nil); r.Status != 200 {
		t.Fatalf("propose: %d %s", r.Status, r.Body)
	}
}

// 和解 → 撤回 → 终止 (复议法第74条, 第41条第1项); mediation (第73条) must be performed (第77条).
func TestSettlementAndMediation(t *testing.T) {
	a := testapp.New(t, today)
	id := acceptedCase(t, a, "ordinary")
	if r := propose(a, "officer1", id, "settlement", map[string]any{"ground": "41-2"}); r.Status != 422 {
		t.Fatalf("settlement with the wrong ground: %d", r.Status)
	}
	propose(a, "officer1", id, "settlement", map[string]any{"ground": "41-1", "sections": map[string]string{"ruling": "终止本案审理。"}})
	r := post(a, "chief1", id, "decision/approval", map[string]any{"approve": true})
	var v caseView
	r.JSON(t, &v)
	if v.Status != "terminated" {
		t.Fatalf("settlement: %s", v.Status)
	}
	// the copy was due 2025-10-16 and never sent; concluding on 2025-11-20 keeps the breach visible
	if due, st := v.deadline("copy"); due != "2025-10-16" || st != "overdue" {
		t.Fatalf("an unmet copy deadline of a concluded case must stay overdue, got %s %s", due, st)
	}

	id = acceptedCase(t, a, "ordinary")
	propose(a, "officer1", id, "mediation", map[string]any{"perform_due_on": "2025-12-31", "sections": map[string]string{"ruling": "双方自愿达成调解协议……"}})
	post(a, "chief1", id, "decision/approval", map[string]any{"approve": true})
	if r := post(a, "officer1", id, "performance", map[string]any{"performed_on": "2025-12-01"}); r.Status != 409 {
		t.Fatalf("performance before service: %d", r.Status)
	}
	post(a, "officer1", id, "decision/service", map[string]any{"served_on": "2025-11-21"})
	if due, st := get(t, a, "chief1", id).deadline("performance"); due != "2025-12-31" || st != "overdue" {
		t.Fatalf("performance deadline %s %s", due, st)
	}
	post(a, "officer1", id, "performance", map[string]any{"performed_on": "2025-12-20", "note": "已履行"})
	if _, st := get(t, a, "chief1", id).deadline("performance"); st != "met" {
		t.Fatalf("performed: %s", st)
	}
}

// 复议法第76条: 意见书 with a 60-day report back.
func TestOpinionLetter(t *testing.T) {
	a := testapp.New(t, today)
	id := acceptedCase(t, a, "ordinary")
	if r := post(a, "chief1", id, "opinion-letters", map[string]any{"issued_on": "2025-10-15", "content": ""}); r.Status != 422 {
		t.Fatalf("empty content: %d", r.Status)
	}
	r := post(a, "chief1", id, "opinion-letters", map[string]any{"issued_on": "2025-10-15", "received_on": "2025-10-16", "content": "建议规范执法程序"})
	var v caseView
	r.JSON(t, &v)
	due, st := v.deadline("opinion_report")
	if r.Status != 200 || due != "2025-12-15" || st != "overdue" { // 10-16 + 60 = 12-15 (Monday)
		t.Fatalf("opinion letter: %d %s %s", r.Status, due, st)
	}
	var lid int64
	a.DB.Get(&lid, `SELECT id FROM opinion_letters WHERE case_id = $1`, id)
	r = post(a, "officer1", id, fmt.Sprintf("opinion-letters/%d/report", lid), map[string]any{"reported_on": "2025-12-01", "content": "已整改"})
	r.JSON(t, &v)
	if _, st := v.deadline("opinion_report"); r.Status != 200 || st != "met" {
		t.Fatalf("report: %d %s", r.Status, st)
	}
}

// 复议法第41条第5项: a 中止 under 第39条第1款第1、2、4项 lasting 60 days must end in 终止.
func TestSuspensionLimit(t *testing.T) {
	a := testapp.New(t, today)
	id := acceptedCase(t, a, "ordinary")
	post(a, "chief1", id, "suspension", map[string]any{"on": "2025-10-20", "ground": "39-1"})
	if due, _ := get(t, a, "chief1", id).deadline("suspension_limit"); due != "2025-12-19" {
		t.Fatalf("suspension limit: %s", due)
	}
}
