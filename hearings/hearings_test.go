package hearings_test

import (
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"fuyi/hearings"
	"fuyi/internal/calendar"
	"fuyi/internal/date"
	"fuyi/internal/testapp"
)

var today = date.MustParse("2026-11-22")

func cal(t *testing.T) *calendar.Calendar {
	f, err := os.Open("../data/cn_holidays.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	days, _ := calendar.ParseCSV(f)
	return calendar.New(days, []int{2024, 2025, 2026})
}

// 复议法第51条 + 第88条 [H]: the hearing is at the earliest on the 5th working day after the notice.
func TestEarliestDateAroundHolidays(t *testing.T) {
	c := cal(t)
	cases := map[string]string{
		"2025-09-29": "2025-10-13", // 09-30, 10-09, 10-10, Sat 10-11 (调休), 10-13
		"2025-09-26": "2025-10-10", // Sun 09-28 (调休), 09-29, 09-30, 10-09, 10-10
		"2026-02-12": "2026-02-26", // 02-13, Sat 02-14 (调休), 春节 02-15..23, 02-24, 02-25, 02-26
		"2025-11-14": "2025-11-21",
	}
	for notified, want := range cases {
		got, err := hearings.EarliestDate(c, date.MustParse(notified))
		if err != nil {
			t.Fatal(err)
		}
		if got.String() != want {
			t.Errorf("notice %s: earliest %s, want %s", notified, got, want)
		}
	}
}

func TestPanelComposition(t *testing.T) {
	people := map[int64]hearings.Person{
		1: {ID: 1, Name: "甲", Role: "officer", Qualified: true, Active: true},
		2: {ID: 2, Name: "乙", Role: "officer", Qualified: true, Active: true},
		3: {ID: 3, Name: "丙", Role: "officer", Qualified: true, Active: true},
		4: {ID: 4, Name: "书记员", Role: "officer", Qualified: false, Active: true},
		5: {ID: 5, Name: "窗口", Role: "window", Active: true},
	}
	ok := func(host int64, panel []int64, clerk int64) error {
		return hearings.CheckPanel(people, host, panel, clerk)
	}
	if err := ok(1, []int64{2, 3}, 4); err != nil {
		t.Fatalf("valid panel refused: %v", err)
	}
	bad := []struct {
		name  string
		host  int64
		panel []int64
		clerk int64
	}{
		{"unqualified host", 4, []int64{2, 3}, 1},
		{"one 听证员", 1, []int64{2}, 4},
		{"host also 听证员", 1, []int64{1, 2}, 4},
		{"clerk also 听证员", 1, []int64{2, 3}, 3},
		{"unqualified 听证员", 1, []int64{2, 4}, 3},
		{"window staff as clerk", 1, []int64{2, 3}, 5},
		{"no clerk", 1, []int64{2, 3}, 0},
	}
	for _, b := range bad {
		if err := ok(b.host, b.panel, b.clerk); err == nil {
			t.Errorf("%s accepted", b.name)
		}
	}
}

// setup: an accepted, staffed case (受理 2025-09-30) ready for hearings.
func setup(t *testing.T, a *testapp.App) int64 {
	t.Helper()
	id := a.Register("window1", "2025-09-26")
	a.Accept(id, "2025-09-30", "ordinary")
	a.Assign(id, "officer1", "officer2")
	return id
}

func body(a *testapp.App, starts, ends, notified string, host string, panel []string, clerk string, room int) map[string]any {
	ids := []int64{}
	for _, p := range panel {
		ids = append(ids, a.UserID(p))
	}
	b := map[string]any{"starts_at": starts, "ends_at": ends, "notified_on": notified, "host_id": a.UserID(host), "panel_ids": ids, "clerk_id": a.UserID(clerk)}
	if room > 0 {
		b["room_id"] = room
	} else {
		b["online_link"] = "https://meeting.example/abc"
	}
	return b
}

func schedule(a *testapp.App, user string, caseID int64, b map[string]any) *testapp.Response {
	return a.Do("POST", fmt.Sprintf("/api/v1/cases/%d/hearings", caseID), a.Login(user), b)
}

func TestScheduleNoticeRuleAroundNationalDay(t *testing.T) {
	a := testapp.New(t, today)
	id := setup(t, a)
	b := body(a, "2025-10-10T09:00:00+08:00", "2025-10-10T11:00:00+08:00", "2025-09-29", "officer1", []string{"officer2", "officer3"}, "clerk1", 1)
	r := schedule(a, "chief1", id, b)
	if r.Status != 422 || r.ErrorCode(t) != "hearing.notice_too_short" || !strings.Contains(string(r.Body), "2025-10-13") {
		t.Fatalf("notice before 国庆: %d %s", r.Status, r.Body)
	}
	b["starts_at"], b["ends_at"] = "2025-10-13T09:00:00+08:00", "2025-10-13T11:00:00+08:00"
	r = schedule(a, "chief1", id, b)
	if r.Status != 201 {
		t.Fatalf("schedule on the earliest day: %d %s", r.Status, r.Body)
	}
	var h hearings.Hearing
	r.JSON(t, &h)
	if h.Status != "scheduled" || h.HostID != a.UserID("officer1") || len(h.PanelIDs) != 2 || !strings.HasSuffix(h.StartsAt.Format(time.RFC3339), "+08:00") {
		t.Fatalf("hearing: %+v", h)
	}
	// only the chief or the lead officer schedules
	if r := schedule(a, "officer2", id, b); r.Status != 403 {
		t.Fatalf("non-lead officer: %d", r.Status)
	}
	if r := schedule(a, "window1", id, b); r.Status != 403 {
		t.Fatalf("window: %d", r.Status)
	}
	// the case view carries its hearings
	var v struct {
		Hearings []hearings.Hearing `json:"hearings"`
	}
	a.Do("GET", fmt.Sprintf("/api/v1/cases/%d", id), a.Login("officer1"), nil).JSON(t, &v)
	if len(v.Hearings) != 1 {
		t.Fatalf("case view hearings: %d", len(v.Hearings))
	}
}

// No person and no room in two overlapping hearings, even when two chiefs book at the same instant: the
// exclusion constraint decides and the loser gets 409 naming the conflict.
func TestConcurrentConflictingBookings(t *testing.T) {
	a := testapp.New(t, today)
	c1, c2 := setup(t, a), setup(t, a)
	a.DB.MustExec(`INSERT INTO users (organ_id, username, name, role, qualified, password_hash) SELECT organ_id, 'chief1b', '副主任', 'chief', true, password_hash FROM users WHERE username = 'chief1'`)
	b1 := body(a, "2025-11-10T09:00:00+08:00", "2025-11-10T11:00:00+08:00", "2025-11-01", "officer3", []string{"officer1", "officer2"}, "clerk1", 0)
	b2 := body(a, "2025-11-10T10:00:00+08:00", "2025-11-10T12:00:00+08:00", "2025-11-01", "officer3", []string{"officer4", "officer5"}, "chief1", 0)
	for round := 0; round < 5; round++ {
		res := make([]*testapp.Response, 2)
		var wg sync.WaitGroup
		for i, x := range []struct {
			user string
			id   int64
			b    map[string]any
		}{{"chief1", c1, b1}, {"chief1b", c2, b2}} {
			wg.Add(1)
			go func(i int, user string, id int64, b map[string]any) {
				defer wg.Done()
				res[i] = schedule(a, user, id, b)
			}(i, x.user, x.id, x.b)
		}
		wg.Wait()
		ok, conflict := 0, 0
		for _, r := range res {
			switch r.Status {
			case 201:
				ok++
			case 409:
				conflict++
				if !strings.Contains(string(r.Body), "孙强") || !strings.Contains(string(r.Body), "2025-11-10") {
					t.Fatalf("409 must name the person and time: %s", r.Body)
				}
			default:
				t.Fatalf("unexpected %d %s", r.Status, r.Body)
			}
		}
		if ok != 1 || conflict != 1 {
			t.Fatalf("round %d: %d booked, %d refused", round, ok, conflict)
		}
		a.DB.MustExec(`UPDATE hearing_panel SET active = false`)
		a.DB.MustExec(`UPDATE hearings SET status = 'cancelled'`)
	}
	// the database refuses a double booking made behind the application's back
	var h1, h2 int64
	a.DB.Get(&h1, `INSERT INTO hearings (case_id, starts_at, ends_at, online_link, notified_on, created_by) VALUES ($1, '2026-01-05 09:00+08', '2026-01-05 10:00+08', 'https://x', '2025-12-01', 1) RETURNING id`, c1)
	a.DB.Get(&h2, `INSERT INTO hearings (case_id, starts_at, ends_at, online_link, notified_on, created_by) VALUES ($1, '2026-01-05 09:30+08', '2026-01-05 10:30+08', 'https://x', '2025-12-01', 1) RETURNING id`, c2)
	_, err := a.DB.Exec(`INSERT INTO hearing_panel (hearing_id, user_id, role, during) VALUES
		($2, $1, 'member', tstzrange('2026-01-05 09:00+08', '2026-01-05 10:00+08')),
		($3, $1, 'member', tstzrange('2026-01-05 09:30+08', '2026-01-05 10:30+08'))`, a.UserID("officer5"), h1, h2)
	if err == nil || !strings.Contains(err.Error(), "hearing_panel_person_free") {
		t.Fatalf("database allowed a double booking: %v", err)
	}
}

func TestRoomConflictAndReschedule(t *testing.T) {
	a := testapp.New(t, today)
	c1, c2 := setup(t, a), setup(t, a)
	r := schedule(a, "chief1", c1, body(a, "2025-11-10T09:00:00+08:00", "2025-11-10T11:00:00+08:00", "2025-11-01", "officer1", []string{"officer2", "officer3"}, "clerk1", 1))
	var h hearings.Hearing
	r.JSON(t, &h)
	r = schedule(a, "chief1", c2, body(a, "2025-11-10T10:30:00+08:00", "2025-11-10T12:00:00+08:00", "2025-11-01", "officer4", []string{"officer5", "chief1"}, "officer2", 1))
	if r.Status != 409 || !strings.Contains(string(r.Body), "第一听证室") {
		t.Fatalf("room conflict: %d %s", r.Status, r.Body)
	}
	// back to back is fine
	if r := schedule(a, "chief1", c2, body(a, "2025-11-10T11:00:00+08:00", "2025-11-10T12:00:00+08:00", "2025-11-01", "officer4", []string{"officer5", "chief1"}, "clerk1", 1)); r.Status != 201 {
		t.Fatalf("adjacent slot: %d %s", r.Status, r.Body)
	}
	// reschedule needs a new notice respecting 5 working days
	rs := body(a, "2025-11-20T09:00:00+08:00", "2025-11-20T11:00:00+08:00", "2025-11-17", "officer1", []string{"officer2", "officer3"}, "officer4", 2)
	rs["reason"] = "申请人请求延期"
	if r := a.Do("POST", fmt.Sprintf("/api/v1/hearings/%d/reschedule", h.ID), a.Login("chief1"), rs); r.Status != 422 || !strings.Contains(string(r.Body), "2025-11-24") {
		t.Fatalf("reschedule with short notice: %d %s", r.Status, r.Body)
	}
	rs["notified_on"] = "2025-11-13"
	r = a.Do("POST", fmt.Sprintf("/api/v1/hearings/%d/reschedule", h.ID), a.Login("chief1"), rs)
	if r.Status != 201 {
		t.Fatalf("reschedule: %d %s", r.Status, r.Body)
	}
	var nh hearings.Hearing
	r.JSON(t, &nh)
	if nh.RescheduledFrom == nil || *nh.RescheduledFrom != h.ID {
		t.Fatalf("new hearing must point to the old: %+v", nh)
	}
	var old string
	a.DB.Get(&old, `SELECT status FROM hearings WHERE id = $1`, h.ID)
	if old != "rescheduled" {
		t.Fatalf("old hearing: %s", old)
	}
	// the freed slot and room can be booked again
	if r := schedule(a, "chief1", c2, body(a, "2025-11-10T09:00:00+08:00", "2025-11-10T10:30:00+08:00", "2025-11-01", "officer1", []string{"officer2", "officer3"}, "clerk1", 1)); r.Status != 201 {
		t.Fatalf("freed slot: %d %s", r.Status, r.Body)
	}
	if r := a.Do("POST", fmt.Sprintf("/api/v1/hearings/%d/cancel", nh.ID), a.Login("chief1"), map[string]any{"reason": ""}); r.Status != 422 {
		t.Fatalf("cancel without reason: %d", r.Status)
	}
	if r := a.Do("POST", fmt.Sprintf("/api/v1/hearings/%d/cancel", nh.ID), a.Login("chief1"), map[string]any{"reason": "申请人撤回申请"}); r.Status != 200 {
		t.Fatalf("cancel: %d", r.Status)
	}
}

func TestRecordAndRate(t *testing.T) {
	a := testapp.New(t, today)
	id := setup(t, a)
	r := schedule(a, "officer1", id, body(a, "2025-11-10T09:00:00+08:00", "2025-11-10T11:00:00+08:00", "2025-11-01", "officer1", []string{"officer2", "officer3"}, "clerk1", 1))
	if r.Status != 201 {
		t.Fatalf("lead schedules: %d %s", r.Status, r.Body)
	}
	var h hearings.Hearing
	r.JSON(t, &h)
	path := fmt.Sprintf("/api/v1/hearings/%d/record", h.ID)
	if r := a.Do("POST", path, a.Login("officer1"), map[string]any{"held": true, "respondent_head_attended": true, "head_name": "刘建国", "head_title": "局长"}); r.Status != 422 || r.Fields(t)["minutes"] == "" {
		t.Fatalf("held without minutes: %d %s", r.Status, r.Body)
	}
	if r := a.Do("POST", path, a.Login("officer1"), map[string]any{"held": true, "respondent_head_attended": false, "minutes": "笔录"}); r.Status != 422 || r.Fields(t)["delegate_name"] == "" {
		t.Fatalf("absent head without delegate: %d %s", r.Status, r.Body)
	}
	if r := a.Do("GET", fmt.Sprintf("/api/v1/hearings/%d", h.ID), a.Login("officer4"), nil); r.Status != 404 {
		t.Fatalf("officer outside case and panel: %d", r.Status)
	}
	r = a.Do("POST", path, a.Login("officer1"), map[string]any{"held": true, "respondent_head_attended": false, "absence_reason": "参加市政府紧急会议", "delegate_name": "王法制科长", "minutes": "听证笔录全文……"})
	r.JSON(t, &h)
	if r.Status != 200 || h.Status != "held" {
		t.Fatalf("record: %d %s", r.Status, r.Body)
	}
	if r := a.Do("POST", path, a.Login("officer1"), map[string]any{"held": false, "reason": "x"}); r.Status != 409 {
		t.Fatalf("record twice: %d", r.Status)
	}
	// 听证率: one concluded case with a held hearing, one without
	other := setup(t, a)
	for _, cid := range []int64{id, other} {
		a.Do("POST", fmt.Sprintf("/api/v1/cases/%d/decision", cid), a.Login("officer1"), map[string]any{"type": "maintain", "decided_on": "2025-11-20",
			"articles": []string{"第六十八条"}, "sections": map[string]string{"ruling": "维持。"}})
		a.Do("POST", fmt.Sprintf("/api/v1/cases/%d/decision/approval", cid), a.Login("chief1"), map[string]any{"approve": true})
	}
	var rate hearings.Rate
	r = a.Do("GET", "/api/v1/hearings/rate?from=2025-11-01&to=2025-11-30", a.Login("chief1"), nil)
	r.JSON(t, &rate)
	if rate.Numerator != 1 || rate.Denominator != 2 || rate.Value != 0.5 || !strings.Contains(rate.Basis, "听证率") {
		t.Fatalf("rate: %s", r.Body)
	}
}

func TestICSFeed(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-11-01"))
	id := setup(t, a)
	schedule(a, "chief1", id, body(a, "2025-11-10T09:00:00+08:00", "2025-11-10T11:00:00+08:00", "2025-11-01", "officer3", []string{"officer1", "officer2"}, "clerk1", 1))
	r := a.Do("GET", "/api/v1/hearings.ics", a.Login("officer3"), nil)
	s := string(r.Body)
	if r.Status != 200 || !strings.Contains(s, "BEGIN:VCALENDAR") || !strings.Contains(s, "DTSTART:20251110T010000Z") || !strings.Contains(s, "栖政复") {
		t.Fatalf("ics: %d %s", r.Status, s)
	}
	for _, line := range strings.Split(s, "\r\n") {
		if len(line) > 75 {
			t.Fatalf("line longer than 75 octets: %q", line)
		}
	}
	// officer1 (on the team) also gets the case deadlines
	if s := string(a.Do("GET", "/api/v1/hearings.ics", a.Login("officer1"), nil).Body); !strings.Contains(s, "期限届满") {
		t.Fatal("feed lacks the case deadlines")
	}
	if s := string(a.Do("GET", "/api/v1/hearings.ics", "", nil).Body); !strings.Contains(s, "auth.required") {
		t.Fatal("anonymous feed must be refused")
	}
	if r := a.Do("GET", "/api/v1/hearings.ics?token=0000000000000000000000000000", "", nil); r.Status != 401 {
		t.Fatalf("bad token: %d", r.Status)
	}
	b := a.NewBrowserAs("officer3")
	page := string(b.Get("/hearings?week=2025-11-10").Body)
	if !strings.Contains(page, "第一听证室") || !strings.Contains(page, "09:00") {
		t.Fatal("calendar page lacks the hearing")
	}
	i := strings.Index(page, "token=")
	tok := page[i+6 : i+6+48]
	if r := a.Do("GET", "/api/v1/hearings.ics?token="+tok, "", nil); r.Status != 200 || !strings.Contains(string(r.Body), "VEVENT") {
		t.Fatalf("feed by token: %d", r.Status)
	}
}

// 复议法第51条: an applicant absent without good reason waives the hearing; the panel is freed.
func TestApplicantWaiver(t *testing.T) {
	a := testapp.New(t, today)
	id := setup(t, a)
	r := schedule(a, "chief1", id, body(a, "2025-11-10T09:00:00+08:00", "2025-11-10T11:00:00+08:00", "2025-11-01", "officer1", []string{"officer2", "officer3"}, "clerk1", 1))
	var h hearings.Hearing
	r.JSON(t, &h)
	r = a.Do("POST", fmt.Sprintf("/api/v1/hearings/%d/record", h.ID), a.Login("officer2"), map[string]any{"held": false, "applicant_waived": true})
	r.JSON(t, &h)
	if r.Status != 200 || h.Status != "not_held" || !h.ApplicantWaived || !strings.Contains(h.StatusReason, "视为放弃") {
		t.Fatalf("waiver: %d %s", r.Status, r.Body)
	}
	var active int
	a.DB.Get(&active, `SELECT count(*) FROM hearing_panel WHERE hearing_id = $1 AND active`, h.ID)
	if active != 0 {
		t.Fatalf("panel of a hearing that did not take place must be freed, %d active", active)
	}
}

// The chief or the bureau keeps the managed list of rooms on a page; duplicates and empty names are refused with
// a message, officers may not change it, and a new room can be chosen when scheduling.
func TestRoomsPage(t *testing.T) {
	a := testapp.New(t, today)
	b := a.NewBrowserAs("bureau1")
	if r := b.Get("/hearings/rooms"); r.Status != 200 || !strings.Contains(string(r.Body), "第一听证室") {
		t.Fatalf("rooms page: %d", r.Status)
	}
	if r := b.Post("/hearings/rooms", url.Values{"name": {"第三听证室"}, "location": {"司法局三楼<script>"}}); r.Status != 303 {
		t.Fatalf("add room: %d %s", r.Status, r.Body)
	}
	page := string(b.Get("/hearings/rooms").Body)
	if !strings.Contains(page, "听证室已加入") || !strings.Contains(page, "第三听证室") || !strings.Contains(page, "司法局三楼&lt;script&gt;") {
		t.Fatalf("room not listed (escaped): %s", page)
	}
	for _, tc := range []struct{ name, location, want string }{
		{"第三听证室", "", "已存在"},
		{"  ", "", "名称不能为空"},
		{"第四听证室", strings.Repeat("楼", 101), "位置不超过100字"},
	} {
		// the refusal comes back on the page itself (error box, what was typed kept)
		r := b.Post("/hearings/rooms", url.Values{"name": {tc.name}, "location": {tc.location}})
		if page := string(r.Body); r.Status < 400 || !strings.Contains(page, tc.want) || !strings.Contains(page, `<p class="error"`) {
			t.Errorf("%q: %d, page lacks %q", tc.name, r.Status, tc.want)
		}
	}
	var n int
	a.DB.Get(&n, `SELECT count(*) FROM rooms WHERE name IN ('第三听证室', '第四听证室')`)
	if n != 1 {
		t.Fatalf("rooms stored: %d, want 1", n)
	}
	if r := a.Do("POST", "/api/v1/rooms", a.Login("chief1"), map[string]any{"name": "第五听证室", "location": strings.Repeat("楼", 101)}); r.Status != 422 || r.Fields(t)["location"] == "" {
		t.Fatalf("API long location: %d %s", r.Status, r.Body)
	}
	if r := a.NewBrowserAs("officer1").Get("/hearings/rooms"); r.Status != 403 {
		t.Fatalf("officer rooms page: %d", r.Status)
	}
	c := setup(t, a)
	var room int
	a.DB.Get(&room, `SELECT id FROM rooms WHERE name = '第三听证室'`)
	if r := schedule(a, "chief1", c, body(a, "2025-11-10T09:00:00+08:00", "2025-11-10T11:00:00+08:00", "2025-11-01", "officer1", []string{"officer2", "officer3"}, "clerk1", room)); r.Status != 201 || !strings.Contains(string(r.Body), "第三听证室") {
		t.Fatalf("schedule in the new room: %d %s", r.Status, r.Body)
	}
}

// TestOnlineLinkOnlyWeb: the online hearing link is an http(s) address with a host; javascript:, data:,
// scheme-relative and broken links are refused naming the field.
func TestOnlineLinkOnlyWeb(t *testing.T) {
	for link, ok := range map[string]bool{
		"https://meeting.example/abc?id=1": true, "http://10.0.0.5:8080/room": true,
		"javascript:alert(1)": false, "JAVASCRIPT:alert(1)": false, "data:text/html,<script>": false, "//evil.example": false,
		"https://": false, "https:///x": false, "https://a b": false, "http:\\\\evil": false, "ftp://x.example": false,
		"https://x.example/\"onmouseover=": false,
	} {
		if got := hearings.WebLink(link); got != ok {
			t.Errorf("WebLink(%q) = %v, want %v", link, got, ok)
		}
	}
	a := testapp.New(t, today)
	id := setup(t, a)
	b := body(a, "2025-10-13T09:00:00+08:00", "2025-10-13T11:00:00+08:00", "2025-09-29", "officer1", []string{"officer2", "officer3"}, "clerk1", 0)
	b["online_link"] = "javascript:alert(document.cookie)"
	if r := schedule(a, "chief1", id, b); r.Status != 422 || r.Fields(t)["online_link"] == "" {
		t.Fatalf("javascript: link: %d %s", r.Status, r.Body)
	}
}
