package cases_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"fuyi/internal/testapp"
)

// Statement budgets of the two busiest writes (issue #13): counted through a wrapper around lib/pq's
// connections, from the request's authentication to its answer. BEGIN and COMMIT are not counted.
const (
	maxRegistrationStatements = 10
	maxAcceptanceStatements   = 15
)

func TestStatementsPerRegistrationAndAcceptance(t *testing.T) {
	a, count := testapp.NewCounted(t, today)
	window, chief := a.Login("window1"), a.Login("chief1")
	// the first request of a server loads the holiday calendar (later ones check its version once a second)
	a.Register("window1", "2026-11-19")

	count.Reset()
	r := a.Do("POST", "/api/v1/cases", window, testapp.Application("2026-11-20"), "Idempotency-Key", "count-1")
	if r.Status != 201 {
		t.Fatalf("register: %d %s", r.Status, r.Body)
	}
	reg := count.Statements()
	t.Logf("registration: %d statements in %d transaction(s):\n%s", len(reg), count.Transactions(), strings.Join(reg, "\n"))
	if len(reg) > maxRegistrationStatements {
		t.Errorf("registration sent %d statements, the budget is %d", len(reg), maxRegistrationStatements)
	}
	var created caseView
	r.JSON(t, &created)
	// the answer is built from what the transaction wrote: it must be what reading the case gives
	got := a.Do("GET", fmt.Sprintf("/api/v1/cases/%d", created.ID), window, nil)
	if !reflect.DeepEqual(r.Map(t), got.Map(t)) {
		t.Errorf("the registration's answer differs from the case read back:\n%s\n%s", r.Body, got.Body)
	}

	count.Reset()
	r = a.Do("POST", fmt.Sprintf("/api/v1/cases/%d/review", created.ID), chief,
		map[string]any{"outcome": "accept", "on": "2026-11-20", "procedure": "ordinary", "version": created.Version})
	if r.Status != 200 {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
	acc := count.Statements()
	t.Logf("acceptance: %d statements in %d transaction(s):\n%s", len(acc), count.Transactions(), strings.Join(acc, "\n"))
	if len(acc) > maxAcceptanceStatements {
		t.Errorf("acceptance sent %d statements, the budget is %d", len(acc), maxAcceptanceStatements)
	}
	// the answer of a change is built inside its transaction: it must be what reading the case gives
	got = a.Do("GET", fmt.Sprintf("/api/v1/cases/%d", created.ID), chief, nil)
	if !reflect.DeepEqual(r.Map(t), got.Map(t)) {
		t.Errorf("the acceptance's answer differs from the case read back:\n%s\n%s", r.Body, got.Body)
	}
}
