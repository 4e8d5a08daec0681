package hearings

import (
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"fuyi/internal/apperr"
	"fuyi/internal/auth"
	"fuyi/internal/date"
	"fuyi/internal/web"
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

const queryMyDeadlines = `SELECT d.id, d.kind, d.due_on, c.case_no, c.registration_no FROM deadlines d JOIN cases c ON c.id = d.case_id
JOIN case_assignments x ON x.case_id = c.id AND x.removed_at IS NULL AND x.user_id = $1
WHERE d.status = 'open' AND d.due_on >= $2 ORDER BY d.due_on`

func (h *Handler) ics(c *fiber.Ctx) error {
	u := web.CurrentUser(c)
	if u == nil {
		tok := c.Query("token")
		if len(tok) < 20 {
			return auth.ErrNotLoggedIn
		}
		var id int64
		if err := h.Service.DB.GetContext(c.UserContext(), &id, `SELECT id FROM users WHERE calendar_token = $1 AND active`, tok); err != nil {
			return apperr.New(apperr.Unauthorized, "calendar.token", "日历订阅链接无效，请在“听证日历”页面重新获取")
		}
		var err error
		if u, err = auth.NewStore(h.Service.DB).ByID(c.UserContext(), id); err != nil {
			return err
		}
	}
	from := h.Service.Today().AddDays(-30)
	hs, err := h.store().Mine(c.UserContext(), u, from.In(date.Shanghai))
	if err != nil {
		return err
	}
	var ds []DeadlineEvent
	if err := h.Service.DB.SelectContext(c.UserContext(), &ds, queryMyDeadlines, u.ID, from); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `inline; filename="fuyi.ics"`)
	return c.SendString(Feed(hs, ds, DeadlineLabel, time.Now()))
}

// DeadlineLabel names deadline kinds; set by the wiring to cases.DeadlineLabel.
var DeadlineLabel = func(k string) string { return k }
