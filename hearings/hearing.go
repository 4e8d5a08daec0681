// Package hearings schedules and records 听证 (复议法第50–51条): the legal panel, the notice period, rooms,
// no double booking (guaranteed by exclusion constraints), records and the staff calendar.
package hearings

import (
	"fmt"
	"time"

	"fuyi/internal/apperr"
	"fuyi/internal/calendar"
	"fuyi/internal/date"
)

// Status of a hearing.
const (
	Scheduled   = "scheduled"
	Held        = "held"
	NotHeld     = "not_held"
	Cancelled   = "cancelled"
	Rescheduled = "rescheduled"
)

var statusLabels = map[string]string{Scheduled: "已排期", Held: "已举行", NotHeld: "未举行", Cancelled: "已取消", Rescheduled: "已改期"}

// StatusLabel names a hearing status in Chinese.
func StatusLabel(s string) string { return statusLabels[s] }

// NoticeWorkdays is the notice period of 复议法第51条 (五日, a working-day period under 第88条).
const NoticeWorkdays = 5

// EarliestDate is the first day a hearing may be held after written notice on notified: [H] the 5th working
// day after the notice date (复议法第51条: 听证 notice at least 5 days before; 第88条: working days).
func EarliestDate(cal *calendar.Calendar, notified date.Date) (date.Date, error) {
	r, err := cal.AddWorkdays(notified, NoticeWorkdays)
	return r.Date, err
}

// CheckNotice refuses a hearing held too soon after its notice, naming the earliest allowed date.
func CheckNotice(cal *calendar.Calendar, notified date.Date, starts time.Time) error {
	earliest, err := EarliestDate(cal, notified)
	if err != nil {
		return err
	}
	day := date.Of(starts.In(date.Shanghai))
	if day.Before(earliest) {
		e := apperr.Rule("hearing.notice_too_short", "听证应当在举行5个工作日前书面通知当事人（复议法第51条、第88条）：%s通知的，听证最早可于%s举行", notified, earliest)
		e.Fields = map[string]string{"starts_at": fmt.Sprintf("最早可于%s举行", earliest)}
		return e
	}
	return nil
}

// Person is a staff member considered for the panel.
type Person struct {
	ID        int64  `db:"id"`
	Name      string `db:"name"`
	Role      string `db:"role"`
	Qualified bool   `db:"qualified"`
	Active    bool   `db:"active"`
}

// CheckPanel enforces the composition of 复议法第51条 practice: 1 主持人 and at least 2 听证员, all
// 行政复议人员 (qualified), plus 1 记录员; all different people.
func CheckPanel(people map[int64]Person, hostID int64, panelIDs []int64, clerkID int64) error {
	f := apperr.Fields{}
	seen := map[int64]string{}
	use := func(field, role string, id int64, mustQualify bool) {
		p, ok := people[id]
		switch {
		case id == 0:
			f.Add(field, "请指定%s", role)
		case !ok || !p.Active || (p.Role != "officer" && p.Role != "chief"):
			f.Add(field, "%s（编号%d）不是在职的行政复议工作人员", role, id)
		case mustQualify && !p.Qualified:
			f.Add(field, "%s未取得法律职业资格，不能担任%s（复议法第6条）", p.Name, role)
		case seen[id] != "":
			f.Add(field, "%s已担任%s，主持人、听证员和记录员须为不同人员", p.Name, seen[id])
		}
		if id != 0 && seen[id] == "" {
			seen[id] = role
		}
	}
	use("host_id", "主持人", hostID, true)
	for i, id := range panelIDs {
		use(fmt.Sprintf("panel_ids[%d]", i), "听证员", id, true)
	}
	if len(panelIDs) < 2 {
		f.Add("panel_ids", "听证须有2名以上听证员（另设1名主持人）")
	}
	use("clerk_id", "记录员", clerkID, false)
	if err := f.Err(); err != nil {
		e, _ := apperr.As(err)
		e.Code = "hearing.panel_invalid"
		return e
	}
	return nil
}
