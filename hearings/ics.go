package hearings

import (
	"fmt"
	"strings"
	"time"

	"fuyi/internal/date"
)

// icsEscape escapes TEXT values (RFC 5545 §3.3.11).
func icsEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`, "\r", "").Replace(s)
}

// fold splits content lines longer than 75 octets (RFC 5545 §3.1) without breaking a UTF-8 character.
func fold(line string) string {
	var b strings.Builder
	n := 0
	for _, r := range line {
		l := len(string(r))
		if n+l > 75 {
			b.WriteString("\r\n ")
			n = 1
		}
		b.WriteRune(r)
		n += l
	}
	b.WriteString("\r\n")
	return b.String()
}

// DeadlineEvent is a case deadline in the feed.
type DeadlineEvent struct {
	ID     int64     `db:"id"`
	Kind   string    `db:"kind"`
	DueOn  date.Date `db:"due_on"`
	CaseNo *string   `db:"case_no"`
	RegNo  string    `db:"registration_no"`
}

// Feed renders hearings and deadlines as an iCalendar document. Personal data of applicants is left out:
// only case numbers, places and deadlines appear.
func Feed(hs []Hearing, ds []DeadlineEvent, label func(string) string, now time.Time) string {
	var b strings.Builder
	w := func(s string) { b.WriteString(fold(s)) }
	w("BEGIN:VCALENDAR")
	w("VERSION:2.0")
	w("PRODID:-//fuyi//hearings//ZH")
	w("CALSCALE:GREGORIAN")
	w("X-WR-CALNAME:" + icsEscape("复议听证与期限"))
	stamp := now.UTC().Format("20060102T150405Z")
	for _, h := range hs {
		no := "案件"
		if h.CaseNo != nil {
			no = *h.CaseNo
		}
		w("BEGIN:VEVENT")
		w(fmt.Sprintf("UID:hearing-%d@fuyi", h.ID))
		w("DTSTAMP:" + stamp)
		w("DTSTART:" + h.StartsAt.UTC().Format("20060102T150405Z"))
		w("DTEND:" + h.EndsAt.UTC().Format("20060102T150405Z"))
		w("SUMMARY:" + icsEscape("听证："+no))
		w("LOCATION:" + icsEscape(h.Location))
		var names []string
		for _, m := range h.Panel {
			names = append(names, map[string]string{"host": "主持人", "member": "听证员", "clerk": "记录员"}[m.Role]+m.Name)
		}
		w("DESCRIPTION:" + icsEscape(strings.Join(names, "，")))
		w("END:VEVENT")
	}
	for _, d := range ds {
		no := d.RegNo
		if d.CaseNo != nil {
			no = *d.CaseNo
		}
		w("BEGIN:VEVENT")
		w(fmt.Sprintf("UID:deadline-%d-%s@fuyi", d.ID, d.DueOn.Time().Format("20060102")))
		w("DTSTAMP:" + stamp)
		w("DTSTART;VALUE=DATE:" + d.DueOn.Time().Format("20060102"))
		w("DTEND;VALUE=DATE:" + d.DueOn.AddDays(1).Time().Format("20060102"))
		w("SUMMARY:" + icsEscape("期限届满："+label(d.Kind)+"（"+no+"）"))
		w("END:VEVENT")
	}
	w("END:VCALENDAR")
	return b.String()
}
