package calendarweb_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"fuyi/internal/date"
	"fuyi/internal/testapp"
)

// A deadline reaching 2027 waits for the 2027 calendar; when the bureau enters it, the deadline is computed.
func TestNextYearCalendarComputesWaitingDeadlines(t *testing.T) {
	a := testapp.New(t, today)
	id := a.Register("window1", "2026-11-20")
	a.Accept(id, "2026-11-20", "ordinary")
	if due, st := get(t, a, "chief1", id).Deadline("decision"); due != "" || st != "pending" {
		t.Fatalf("before: %q %q", due, st)
	}
	body := map[string]any{"complete": true, "source": "国务院办公厅通知（测试数据）",
		"csv": "2027-01-01,holiday,元旦\n2027-01-18,holiday,测试假日\n2027-01-19,holiday,测试假日\n2027-01-16,workday,测试假日"}
	if r := a.Do("PUT", "/api/v1/calendar/2027", a.Login("chief1"), body); r.Status != 403 {
		t.Fatalf("chief edits the calendar: %d", r.Status)
	}
	if r := a.Do("PUT", "/api/v1/calendar/2027", a.Login("bureau1"), map[string]any{"csv": "2027-01-05,workday,x"}); r.Status != 422 || !strings.Contains(string(r.Body), "不是周末") {
		t.Fatalf("a 调休 day on a weekday: %d %s", r.Status, r.Body)
	}
	if r := a.Do("PUT", "/api/v1/calendar/2027", a.Login("bureau1"), map[string]any{"csv": "2026-12-31,holiday,x"}); r.Status != 422 {
		t.Fatalf("a date of another year: %d", r.Status)
	}
	r := a.Do("PUT", "/api/v1/calendar/2027", a.Login("bureau1"), body)
	if r.Status != 200 || !strings.Contains(string(r.Body), `"recomputed":1`) {
		t.Fatalf("save: %d %s", r.Status, r.Body)
	}
	// 2026-11-20 + 60 = 2027-01-19, a holiday in this test calendar → 2027-01-20
	v := get(t, a, "chief1", id)
	if due, st := v.Deadline("decision"); due != "2027-01-20" || st != "open" {
		t.Fatalf("after: %q %q", due, st)
	}
	if e := v.Events[len(v.Events)-1]; e.Action != "calendar.recomputed" {
		t.Fatalf("recomputation not audited: %+v", e)
	}
	page := string(a.NewBrowserAs("bureau1").Get("/admin/calendar?year=2027").Body)
	if !strings.Contains(page, "2027-01-18,休,测试假日") || !strings.Contains(page, "2027-01-16,班,测试假日") {
		t.Fatal("calendar page lacks the saved days (written 休/班)")
	}
	var cal struct {
		Complete bool `json:"complete"`
		Days     []any
	}
	a.Do("GET", "/api/v1/calendar/2027", a.Login("window1"), nil).JSON(t, &cal)
	if !cal.Complete || len(cal.Days) != 4 {
		t.Fatalf("calendar API: %+v", cal)
	}
	_ = fmt.Sprint
}

// A refused calendar comes back with everything typed, the message in the error box (not the success box);
// 休/班 and a full-width comma are read.
func TestCalendarEditorKeepsInputAfterError(t *testing.T) {
	a := testapp.New(t, today)
	b := a.NewBrowserAs("bureau1")
	typed := "2027-01-01，休，元旦\n2027-01-05,班,调休\n2027-02-10,休,春节"
	r := b.Post("/admin/calendar", url.Values{"year": {"2027"}, "csv": {typed}, "source": {"国办发明电〔2026〕1号"}, "complete": {"on"}})
	page := string(r.Body)
	if r.Status != 422 || !strings.Contains(page, "不是周末") {
		t.Fatalf("a 调休 day on a weekday: %d", r.Status)
	}
	if strings.Contains(page, `class="flash`) || !strings.Contains(page, `<p class="error" role="alert">`) {
		t.Fatal("the refusal must be in the error box")
	}
	for _, want := range []string{"2027-01-01，休，元旦", "2027-02-10,休,春节", `value="国办发明电〔2026〕1号"`, `name="complete" checked`} {
		if !strings.Contains(page, want) {
			t.Errorf("calendar editor lost %s", want)
		}
	}
	r = b.Post("/admin/calendar", url.Values{"year": {"2027"}, "csv": {"2027-01-01，休，元旦\n2027-01-16,班,调休"}, "source": {"x"}})
	if r.Status != 303 {
		t.Fatalf("休/班 with full-width commas: %d %s", r.Status, r.Body)
	}
}

// A PUT that would drop entered days, or make a complete year incomplete, changes nothing and says what it
// would delete until it is confirmed with "confirm_removal": true.
func TestCalendarPutConfirmsRemoval(t *testing.T) {
	a := testapp.New(t, date.MustParse("2026-03-02"))
	b := a.Login("bureau1")
	var days, pending int
	count := func() (int, int) {
		var d, p int
		a.DB.Get(&d, `SELECT count(*) FROM calendar_days WHERE extract(year FROM day) = 2026`)
		a.DB.Get(&p, `SELECT count(*) FROM deadlines WHERE status = 'pending'`)
		return d, p
	}
	days, pending = count()
	body := map[string]any{"days": []any{map[string]any{"date": "2026-01-01", "kind": "holiday", "name": "元旦"}}, "complete": false}
	r := a.Do("PUT", "/api/v1/calendar/2026", b, body)
	if r.Status != 409 || r.ErrorCode(t) != "calendar.confirm_removal" || !strings.Contains(string(r.Body), "个放假或调休日") ||
		!strings.Contains(string(r.Body), "未完成") || r.Fields(t)["confirm_removal"] == "" {
		t.Fatalf("unconfirmed removal: %d %s", r.Status, r.Body)
	}
	if d, p := count(); d != days || p != pending || days < 2 {
		t.Fatalf("an unconfirmed PUT changed the calendar: days %d→%d, pending %d→%d", days, d, pending, p)
	}
	// the same list again (nothing lost) needs no confirmation
	cur := a.Do("GET", "/api/v1/calendar/2026", b, nil).Map(t)
	same := map[string]any{"days": cur["days"], "complete": true, "source": cur["source"]}
	if r := a.Do("PUT", "/api/v1/calendar/2026", b, same); r.Status != 200 {
		t.Fatalf("re-saving the same year: %d %s", r.Status, r.Body)
	}
	body["confirm_removal"] = true
	if r := a.Do("PUT", "/api/v1/calendar/2026", b, body); r.Status != 200 {
		t.Fatalf("confirmed removal: %d %s", r.Status, r.Body)
	}
	if d, _ := count(); d != 1 {
		t.Fatalf("confirmed: %d days left, want 1", d)
	}
}
