package supervision_test

import (
	"fmt"
	"testing"

	"fuyi/internal/testapp"
)

// agencyID finds an agency of the demo directory by name.
func agencyID(t testing.TB, a *testapp.App, name string) int {
	t.Helper()
	var id int
	if err := a.DB.Get(&id, `SELECT id FROM agencies WHERE name = $1`, name); err != nil {
		t.Fatalf("agency %s: %v", name, err)
	}
	return id
}

// register posts an application against agency with the contested act docNo ("" keeps the default) and
// returns the case id.
func register(t testing.TB, a *testapp.App, agency int, received, docNo string) int64 {
	t.Helper()
	body := testapp.Application(received)
	body["respondent_agency_id"] = agency
	if docNo != "" {
		body["act"].(map[string]any)["doc_no"] = docNo
	}
	r := a.Do("POST", "/api/v1/cases", a.Login("window1"), body)
	if r.Status != 201 {
		t.Fatalf("register: %d %s", r.Status, r.Body)
	}
	var v struct {
		ID int64 `json:"id"`
	}
	r.JSON(t, &v)
	return v.ID
}

// decided registers, accepts and decides a case against agency (decision typ decided on decidedOn, extra
// fields of the draft), approves it and, when servedOn is set, serves it.
func decided(t testing.TB, a *testapp.App, agency int, typ, decidedOn, servedOn string, extra map[string]any) int64 {
	t.Helper()
	id := register(t, a, agency, "2025-09-26", "")
	if r := a.Accept(id, "2025-09-30", "ordinary"); r.Status != 200 {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
	a.Assign(id, "officer1", "officer2")
	if extra == nil {
		extra = map[string]any{}
	}
	extra["decided_on"] = decidedOn
	if r := a.Propose("officer1", id, typ, extra); r.Status != 200 {
		t.Fatalf("propose: %d %s", r.Status, r.Body)
	}
	if r := a.Post("chief1", id, "decision/approval", map[string]any{"approve": true}); r.Status != 200 {
		t.Fatalf("approve: %d %s", r.Status, r.Body)
	}
	if servedOn != "" {
		if r := a.Post("officer1", id, "decision/service", map[string]any{"served_on": servedOn}); r.Status != 200 {
			t.Fatalf("serve: %d %s", r.Status, r.Body)
		}
	}
	return id
}

func path(format string, args ...any) string { return fmt.Sprintf(format, args...) }
