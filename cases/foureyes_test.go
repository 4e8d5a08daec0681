package cases_test

import (
	"fmt"
	"strings"
	"testing"

	"fuyi/cases"
	"fuyi/internal/database"
	"fuyi/internal/testapp"
)

// TestFourEyesChiefCannotApproveOwnDecision: the chief who makes himself lead officer, drafts and approves is
// refused (403 approval.four_eyes) and the case stays undecided; a draft of officer1 whose case the chief
// then leads cannot be approved by him either; the database refuses the same approval written directly.
func TestFourEyesChiefCannotApproveOwnDecision(t *testing.T) {
	a := testapp.New(t, today)
	id := a.Register("window1", "2025-09-26")
	if r := a.Accept(id, "2025-09-30", "ordinary"); r.Status != 200 {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
	a.Assign(id, "chief1", "officer1")
	// the chief's draft (as the page route let him write one)
	if _, err := a.DB.Exec(`INSERT INTO decisions (case_id, version, type, decided_on, articles, sections, status, proposed_by)
		VALUES ($1, 1, 'maintain', '2025-11-20', '{第六十八条}', '{"ruling": "维持。"}', 'proposed', $2)`, id, a.UserID("chief1")); err != nil {
		t.Fatal(err)
	}
	r := a.Post("chief1", id, "decision/approval", map[string]any{"approve": true})
	if r.Status != 403 || r.ErrorCode(t) != "approval.four_eyes" {
		t.Fatalf("the chief approves his own draft: %d %s", r.Status, r.Body)
	}
	if r := a.Post("chief1", id, "decision/approval", map[string]any{"approve": true, "mode": "collective"}); r.Status != 403 {
		t.Fatalf("collective mode recorded by the drafter: %d %s", r.Status, r.Body)
	}
	if v := a.Case(t, "chief1", id); v.Status != "accepted" {
		t.Fatalf("status after refused approvals: %s", v.Status)
	}
	// returning his own draft is not an approval: allowed
	if r := a.Post("chief1", id, "decision/approval", map[string]any{"approve": false, "reason": "重写"}); r.Status != 200 {
		t.Fatalf("return: %d %s", r.Status, r.Body)
	}

	// officer1 drafts as lead, then the chief makes himself lead: still no approval by the lead
	other := a.AcceptedCase(t, "ordinary")
	if r := a.Propose("officer1", other, "maintain", nil); r.Status != 200 {
		t.Fatalf("propose: %d %s", r.Status, r.Body)
	}
	a.Assign(other, "chief1", "officer1", "officer2")
	if r := a.Post("chief1", other, "decision/approval", map[string]any{"approve": true}); r.Status != 403 {
		t.Fatalf("the lead approves: %d %s", r.Status, r.Body)
	}

	// the database holds the rule for every writer
	_, err := a.DB.Exec(`UPDATE decisions SET status = 'approved', approved_by = proposed_by, approved_at = now(), approval_mode = 'chief'
		WHERE case_id = $1 AND status = 'proposed'`, other)
	if name, _ := database.Constraint(err); name != "decision_four_eyes" {
		t.Fatalf("direct approval by the drafter: %v", err)
	}
	_, err = a.DB.Exec(`UPDATE decisions SET status = 'approved', approved_by = $2, approved_at = now(), approval_mode = 'chief'
		WHERE case_id = $1 AND status = 'proposed'`, other, a.UserID("chief1"))
	if name, _ := database.Constraint(err); name != "decision_four_eyes" {
		t.Fatalf("direct approval by the lead: %v", err)
	}
}

// TestFourEyesWayOutForASingleChief (复议法第61条): the only chief, who leads the case, is refused with a
// message saying how to go on — hand the lead to another officer, or have another 负责人 approve (and that
// there is none) — and each way works: after handing the lead over he approves the officer's draft; a draft
// of his own is approved by a second chief once the bureau has added one.
func TestFourEyesWayOutForASingleChief(t *testing.T) {
	a := testapp.New(t, today)
	id := a.AcceptedCase(t, "ordinary")
	if r := a.Propose("officer1", id, "maintain", nil); r.Status != 200 {
		t.Fatalf("propose: %d %s", r.Status, r.Body)
	}
	a.Assign(id, "chief1", "officer1", "officer2") // the chief makes himself lead
	r := a.Post("chief1", id, "decision/approval", map[string]any{"approve": true})
	msg := string(r.Body)
	if r.Status != 403 || r.ErrorCode(t) != "approval.four_eyes" || !strings.Contains(msg, "您是本案主办人") ||
		!strings.Contains(msg, "将主办人改为本案其他办案人员") || !strings.Contains(msg, "只有您一名复议机构负责人") || !strings.Contains(msg, "第61条") {
		t.Fatalf("the lead chief's refusal must say how to proceed: %d %s", r.Status, msg)
	}
	// the way out: the lead goes to officer1 (the chief stays on the team), then the chief approves
	a.Assign(id, "officer1", "chief1", "officer2")
	if r := a.Post("chief1", id, "decision/approval", map[string]any{"approve": true}); r.Status != 200 {
		t.Fatalf("approval after handing the lead over: %d %s", r.Status, r.Body)
	}
	if v := a.Case(t, "chief1", id); v.Status != "decided" {
		t.Fatalf("status: %s", v.Status)
	}

	// the chief's own draft: refused, the message names the second chief once there is one, who approves
	own := a.AcceptedCase(t, "ordinary")
	a.Assign(own, "chief1", "officer1")
	if _, err := a.DB.Exec(`INSERT INTO decisions (case_id, version, type, decided_on, articles, sections, status, proposed_by)
		VALUES ($1, 1, 'maintain', '2025-11-20', '{第六十八条}', '{"ruling": "维持。"}', 'proposed', $2)`, own, a.UserID("chief1")); err != nil {
		t.Fatal(err)
	}
	if r := a.Do("POST", "/api/v1/users", a.Login("bureau1"), map[string]any{"username": "deputy1", "name": "副主任", "role": "chief",
		"qualified": true, "password": "deputy-password-1"}); r.Status != 201 {
		t.Fatalf("add a deputy: %d %s", r.Status, r.Body)
	}
	r = a.Post("chief1", own, "decision/approval", map[string]any{"approve": true})
	if msg := string(r.Body); r.Status != 403 || !strings.Contains(msg, "由您起草") || !strings.Contains(msg, "其他复议机构负责人批准（本机构另有1名）") {
		t.Fatalf("the drafter's refusal: %d %s", r.Status, msg)
	}
	r = a.Do("POST", "/api/v1/sessions", "", map[string]string{"username": "deputy1", "password": "deputy-password-1"})
	tok, _ := r.Map(t)["token"].(string)
	v := a.Case(t, "chief1", own)
	if r := a.Do("POST", fmt.Sprintf("/api/v1/cases/%d/decision/approval", own), tok, map[string]any{"approve": true, "version": v.Version}); r.Status != 200 {
		t.Fatalf("the second chief approves: %d %s", r.Status, r.Body)
	}
}

// TestFourEyesRefusalWording: each situation names its own way out.
func TestFourEyesRefusalWording(t *testing.T) {
	for _, tc := range []struct {
		drafted, leads bool
		others         int
		want           []string
	}{
		{true, true, 0, []string{"由您起草，且您是本案主办人", "重新起草", "只有您一名"}},
		{true, false, 2, []string{"本决定草案由您起草", "由本案主办人重新起草", "本机构另有2名"}},
		{false, true, 1, []string{"您是本案主办人", "然后即可批准本稿", "本机构另有1名"}},
	} {
		e := cases.FourEyesRefusal(tc.drafted, tc.leads, tc.others)
		for _, w := range tc.want {
			if !strings.Contains(e.Message, w) {
				t.Errorf("%+v: %q lacks %q", tc, e.Message, w)
			}
		}
		if e.Code != cases.ErrFourEyes.Code {
			t.Errorf("code %s", e.Code)
		}
	}
}
