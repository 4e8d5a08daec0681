package notices_test

import (
	"fmt"
	"strings"
	"testing"

	"fuyi/internal/date"
	"fuyi/internal/testapp"
	"fuyi/notices"
)

// An officer is told when assigned: the chief's assignment writes, in its own transaction, an inbox notice
// (kind assignment, linked to the case) to each officer put on the case and to a newly made lead — never
// again to one who stays as they were — and queues the webhook message when a webhook is configured; the
// officer's inbox (API and page) shows it.
func TestAssignmentNotifiesOfficers(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-10-10"))
	a.Server.Outbox.Webhook = notices.WebhookConfig{URL: "http://127.0.0.1:9/hook", Secret: "s"}
	id := a.AcceptedCase(t, "ordinary") // officer1 (lead), officer2
	inbox := func(user string) []string {
		t.Helper()
		var ts []string
		if err := a.DB.Select(&ts, `SELECT title FROM notices WHERE user_id = $1 AND kind = 'assignment' AND case_id = $2 ORDER BY id`,
			a.UserID(user), id); err != nil {
			t.Fatal(err)
		}
		return ts
	}
	o1, o2 := inbox("officer1"), inbox("officer2")
	if len(o1) != 1 || !strings.Contains(o1[0], "担任主办人") || len(o2) != 1 || !strings.Contains(o2[0], "参与办理") {
		t.Fatalf("after the first assignment: officer1 %q, officer2 %q", o1, o2)
	}
	if !strings.Contains(o1[0], "栖政复〔2025〕1号") {
		t.Fatalf("the notice does not name the case number: %q", o1[0])
	}
	// officer2 becomes the lead, officer3 joins, officer1 stays: two new notices
	r := a.Do("PUT", fmt.Sprintf("/api/v1/cases/%d/assignment", id), a.Login("chief1"), map[string]any{
		"officer_ids": []int64{a.UserID("officer1"), a.UserID("officer2"), a.UserID("officer3")}, "lead_officer_id": a.UserID("officer2")})
	if r.Status != 200 {
		t.Fatalf("reassign: %d %s", r.Status, r.Body)
	}
	if o1, o2, o3 := inbox("officer1"), inbox("officer2"), inbox("officer3"); len(o1) != 1 || len(o2) != 2 || !strings.Contains(o2[1], "担任主办人") ||
		len(o3) != 1 || !strings.Contains(o3[0], "参与办理") {
		t.Fatalf("after the reassignment: officer1 %q, officer2 %q, officer3 %q", o1, o2, o3)
	}
	var queued int
	if err := a.DB.Get(&queued, `SELECT count(*) FROM outbox o JOIN notices n ON n.id = o.notice_id
		WHERE n.kind = 'assignment' AND n.case_id = $1 AND o.channel = 'webhook'`, id); err != nil || queued != 4 {
		t.Fatalf("%d webhook messages queued (%v), want 4 (two per assignment)", queued, err)
	}
	api := a.Do("GET", "/api/v1/notices", a.Login("officer3"), nil)
	if api.Status != 200 || !strings.Contains(string(api.Body), `"kind":"assignment"`) || !strings.Contains(string(api.Body), fmt.Sprintf(`"case_id":%d`, id)) {
		t.Fatalf("officer3's inbox: %d %s", api.Status, api.Body)
	}
	page := a.NewBrowserAs("officer3").Get("/notices")
	if !strings.Contains(string(page.Body), fmt.Sprintf(`<a href="/cases/%d">`, id)) || !strings.Contains(string(page.Body), "指派您参与办理案件") {
		t.Fatalf("inbox page:\n%s", page.Body)
	}
}
