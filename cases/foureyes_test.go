package cases_test

import (
	"testing"

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
