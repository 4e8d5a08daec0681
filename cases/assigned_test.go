package cases_test

import (
	"fmt"
	"testing"

	"fuyi/internal/testapp"
)

// TestOnlyAssignedOfficersActOnACase: the officer who registered a case (clerk1, not qualified) sees it until
// a team is assigned; once officer1 and officer2 are assigned he can neither read nor act on it (404, as for
// any case that is not his), while the team can.
func TestOnlyAssignedOfficersActOnACase(t *testing.T) {
	a := testapp.New(t, today)
	r := a.Do("POST", "/api/v1/cases", a.Login("clerk1"), testapp.Application("2025-09-26"))
	if r.Status != 201 {
		t.Fatalf("clerk1 registers: %d %s", r.Status, r.Body)
	}
	var c struct {
		ID int64 `json:"id"`
	}
	r.JSON(t, &c)
	path := fmt.Sprintf("/api/v1/cases/%d", c.ID)
	if r := a.Do("GET", path, a.Login("clerk1"), nil); r.Status != 200 {
		t.Fatalf("the registering officer before assignment: %d", r.Status)
	}
	if r := a.Accept(c.ID, "2025-09-30", "ordinary"); r.Status != 200 {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
	a.Assign(c.ID, "officer1", "officer2")
	clerk := a.Login("clerk1")
	if r := a.Do("GET", path, clerk, nil); r.Status != 404 {
		t.Errorf("the registering officer reads after assignment: %d", r.Status)
	}
	for _, act := range []struct {
		action string
		body   map[string]any
	}{
		{"reply", map[string]any{"copy_sent_on": "2025-10-08", "copy_received_on": "2025-10-09"}},
		{"committee-opinion", map[string]any{"on": "2025-10-20", "opinion": "意见"}},
		{"decision", map[string]any{"type": "maintain", "decided_on": "2025-11-20", "articles": []string{"第六十八条"}, "sections": map[string]string{"ruling": "维持。"}}},
	} {
		if r := a.Do("POST", path+"/"+act.action, clerk, act.body); r.Status != 404 {
			t.Errorf("the registering officer posts %s after assignment: %d %s", act.action, r.Status, r.Body)
		}
	}
	if r := a.NewBrowserAs("clerk1").Get(fmt.Sprintf("/cases/%d", c.ID)); r.Status != 404 {
		t.Errorf("the registering officer's case page after assignment: %d", r.Status)
	}
	if r := a.Do("GET", path, a.Login("officer2"), nil); r.Status != 200 {
		t.Errorf("an assigned officer: %d", r.Status)
	}
}
