package hearings_test

import (
	"strconv"
	"strings"
	"testing"

	"fuyi/internal/testapp"
)

// TestConflictNamesNoForeignCase (issue 17): a booking conflict with another team's hearing names the person
// or room and the time, never that case's number; the chief, who sees every case, gets the number.
func TestConflictNamesNoForeignCase(t *testing.T) {
	a := testapp.New(t, today)
	c1 := setup(t, a) // officer1 (lead), officer2
	c2 := a.Register("window1", "2025-09-26")
	a.Accept(c2, "2025-09-30", "ordinary")
	a.Assign(c2, "officer4", "officer5")
	var no1 string
	if err := a.DB.Get(&no1, `SELECT case_no FROM cases WHERE id = $1`, c1); err != nil || no1 == "" {
		t.Fatalf("case number: %q %v", no1, err)
	}
	if r := schedule(a, "chief1", c1, body(a, "2025-11-10T09:00:00+08:00", "2025-11-10T11:00:00+08:00", "2025-11-01", "officer1",
		[]string{"officer2", "officer3"}, "clerk1", 1)); r.Status != 201 {
		t.Fatalf("first booking: %d %s", r.Status, r.Body)
	}
	// officer4 leads c2 and cannot see c1: the room and officer3 are taken
	b := body(a, "2025-11-10T10:00:00+08:00", "2025-11-10T12:00:00+08:00", "2025-11-01", "officer4", []string{"officer5", "chief1"}, "officer3", 1)
	r := schedule(a, "officer4", c2, b)
	msg := string(r.Body)
	if r.Status != 409 || strings.Contains(msg, no1) || !strings.Contains(msg, "另一案件") || !strings.Contains(msg, "第一听证室") ||
		!strings.Contains(msg, "孙强") || !strings.Contains(msg, "2025-11-10") {
		t.Fatalf("officer4's conflict must name the room, the person and the time but not %s: %d %s", no1, r.Status, msg)
	}
	if r := schedule(a, "chief1", c2, b); r.Status != 409 || !strings.Contains(string(r.Body), no1) {
		t.Fatalf("the chief sees every case: %d %s", r.Status, r.Body)
	}
}

// TestInvisibleHearingIs404First (issue 17): an officer who may not see a hearing gets 404 on every action,
// whatever the body — never a 422 that would judge input about a record he cannot see.
func TestInvisibleHearingIs404First(t *testing.T) {
	a := testapp.New(t, today)
	id := setup(t, a)
	r := schedule(a, "chief1", id, body(a, "2025-11-10T09:00:00+08:00", "2025-11-10T11:00:00+08:00", "2025-11-01", "officer1",
		[]string{"officer2", "officer3"}, "clerk1", 1))
	var h struct{ ID int64 }
	r.JSON(t, &h)
	for _, action := range []string{"record", "reschedule", "cancel"} {
		if r := a.Do("POST", "/api/v1/hearings/"+strconv.FormatInt(h.ID, 10)+"/"+action, a.Login("officer4"), map[string]any{}); r.Status != 404 {
			t.Errorf("%s of an invisible hearing with an empty body: %d %s", action, r.Status, r.Body)
		}
	}
}
