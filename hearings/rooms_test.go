package hearings_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"fuyi/internal/testapp"
)

// Rooms are renamed and retired from the rooms page; a room with hearings to come is not retired, a retired
// room is no longer offered.
func TestRoomsRenameAndRetire(t *testing.T) {
	a := testapp.New(t, today)
	b := a.NewBrowserAs("bureau1")
	var first, second int
	a.DB.Get(&first, `SELECT id FROM rooms WHERE name = '第一听证室'`)
	a.DB.Get(&second, `SELECT id FROM rooms WHERE id <> $1 ORDER BY id LIMIT 1`, first)
	if r := b.Post(fmt.Sprintf("/hearings/rooms/%d", second), url.Values{"name": {"第一听证室"}, "location": {"x"}}); r.Status != 409 ||
		!strings.Contains(string(r.Body), "已存在") || !strings.Contains(string(r.Body), `value="x"`) {
		t.Fatalf("rename to an existing name: %d", r.Status)
	}
	if r := b.Post(fmt.Sprintf("/hearings/rooms/%d", second), url.Values{"name": {"调解室"}, "location": {"司法局二楼"}}); r.Status != 303 {
		t.Fatalf("rename: %d %s", r.Status, r.Body)
	}
	if page := string(b.Get("/hearings/rooms").Body); !strings.Contains(page, `value="调解室"`) || !strings.Contains(page, "确认停用") {
		t.Fatal("renamed room not listed, or retiring asks no confirmation")
	}
	// a room with a hearing to come cannot be retired
	id := setup(t, a)
	if r := schedule(a, "chief1", id, body(a, "2026-12-10T09:00:00+08:00", "2026-12-10T11:00:00+08:00", "2026-11-20", "officer1", []string{"officer2", "officer3"}, "clerk1", first)); r.Status != 201 {
		t.Fatalf("schedule: %d %s", r.Status, r.Body)
	}
	if r := b.Post(fmt.Sprintf("/hearings/rooms/%d/retire", first), url.Values{}); r.Status != 409 || !strings.Contains(string(r.Body), "还有1场已排期的听证") {
		t.Fatalf("retire a booked room: %d", r.Status)
	}
	if r := b.Post(fmt.Sprintf("/hearings/rooms/%d/retire", second), url.Values{}); r.Status != 303 {
		t.Fatalf("retire: %d %s", r.Status, r.Body)
	}
	if page := string(b.Get("/hearings/rooms").Body); strings.Contains(page, "调解室") {
		t.Fatal("a retired room is still offered")
	}
	if r := schedule(a, "chief1", id, body(a, "2026-12-11T09:00:00+08:00", "2026-12-11T11:00:00+08:00", "2026-11-20", "officer1", []string{"officer2", "officer3"}, "clerk1", second)); r.Status < 400 {
		t.Fatalf("booking a retired room: %d", r.Status)
	}
	_ = testapp.Application
}
