package hearingweb

import (
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"fuyi/cases"
	"fuyi/hearings"
	"fuyi/internal/apperr"
	"fuyi/internal/auth"
	"fuyi/internal/date"
	"fuyi/internal/web"
)

// scheduleFromForm reads the schedule form; the error names an id field that is not a valid id.
func scheduleFromForm(c *fiber.Ctx) (hearings.ScheduleInput, error) {
	form := web.Form(c)
	in := hearings.ScheduleInput{StartsAt: c.FormValue("starts_at"), EndsAt: c.FormValue("ends_at"), OnlineLink: c.FormValue("online_link"),
		NotifiedOn: c.FormValue("notified_on"), PanelIDs: form.IDs("panel_ids"),
		RoomID: form.Int32ID("room_id"), HostID: form.ID("host_id"), ClerkID: form.ID("clerk_id")}
	// ends_at may be given as a time of day on the start date
	if e := c.FormValue("ends_at"); len(e) == 5 && len(in.StartsAt) >= 10 {
		in.EndsAt = in.StartsAt[:10] + "T" + e
	}
	return in, form.Err()
}

func (h *Handler) back(c *fiber.Ctx, caseID int64, msg string, err error) error {
	if err != nil {
		if e, ok := apperr.As(err); ok && (e.Kind == apperr.Invalid || e.Kind == apperr.Conflict) {
			return h.CasePageError(c, caseID, err)
		}
		return err
	}
	web.Flash(c, msg)
	return c.Redirect(fmt.Sprintf("/cases/%d#hearings", caseID), fiber.StatusSeeOther)
}

func (h *Handler) pageSchedule(c *fiber.Ctx) error {
	caseID, err := web.ParamID(c, "id", cases.ErrNotFound)
	if err != nil {
		return err
	}
	in, err := scheduleFromForm(c)
	if err == nil {
		_, err = h.Service.Schedule(c.UserContext(), web.CurrentUser(c), caseID, in)
	}
	return h.back(c, caseID, "听证已排期", err)
}

func (h *Handler) caseOf(c *fiber.Ctx) (int64, int64, error) {
	id, err := h.hearingID(c)
	if err != nil {
		return 0, 0, err
	}
	hr, err := h.store().GetVisible(c.UserContext(), id, web.CurrentUser(c))
	if err != nil {
		return 0, 0, err
	}
	return id, hr.CaseID, nil
}

func (h *Handler) pageRecord(c *fiber.Ctx) error {
	id, caseID, err := h.caseOf(c)
	if err != nil {
		return err
	}
	in := hearings.RecordInput{Held: c.FormValue("held") == "true", ApplicantWaived: c.FormValue("applicant_waived") == "on",
		Reason: c.FormValue("reason"), HeadName: c.FormValue("head_name"), HeadTitle: c.FormValue("head_title"),
		AbsenceReason: c.FormValue("absence_reason"), DelegateName: c.FormValue("delegate_name"), Minutes: c.FormValue("minutes")}
	switch c.FormValue("respondent_head_attended") {
	case "true":
		t := true
		in.RespondentHeadAttended = &t
	case "false":
		f := false
		in.RespondentHeadAttended = &f
	}
	_, err = h.Service.Record(c.UserContext(), web.CurrentUser(c), id, in)
	return h.back(c, caseID, "听证记录已保存", err)
}

func (h *Handler) pageReschedule(c *fiber.Ctx) error {
	id, caseID, err := h.caseOf(c)
	if err != nil {
		return err
	}
	in, err := scheduleFromForm(c)
	if err == nil {
		_, err = h.Service.Reschedule(c.UserContext(), web.CurrentUser(c), id, in, c.FormValue("reason"))
	}
	return h.back(c, caseID, "听证已改期，请按新时间重新书面通知", err)
}

func (h *Handler) pageCancel(c *fiber.Ctx) error {
	id, caseID, err := h.caseOf(c)
	if err != nil {
		return err
	}
	_, err = h.Service.Cancel(c.UserContext(), web.CurrentUser(c), id, c.FormValue("reason"))
	return h.back(c, caseID, "听证已取消", err)
}

// Cell is one day of one row in the week view.
type Cell struct {
	Hearings []hearings.Hearing
}

// Row is a room or a person in the week view.
type Row struct {
	Label string
	Cells []Cell
}

func (h *Handler) pageCalendar(c *fiber.Ctx) error {
	today := h.Service.Today()
	d, err := web.QueryDate(c, "week", today)
	if err != nil {
		return err
	}
	start := d.AddDays(-int(d.Weekday()+6) % 7)
	u := web.CurrentUser(c)
	hs, err := h.store().Between(c.UserContext(), u, start.In(date.Shanghai), start.AddDays(7).In(date.Shanghai))
	if err != nil {
		return err
	}
	days := make([]date.Date, 7)
	for i := range days {
		days[i] = start.AddDays(i)
	}
	dayIndex := func(t time.Time) int { return date.Of(t.In(date.Shanghai)).DaysSince(start) }
	byRoom, byPerson := map[string]*Row{}, map[string]*Row{}
	var roomOrder, personOrder []string
	put := func(m map[string]*Row, order *[]string, key string, hr hearings.Hearing) {
		r, ok := m[key]
		if !ok {
			r = &Row{Label: key, Cells: make([]Cell, 7)}
			m[key] = r
			*order = append(*order, key)
		}
		if i := dayIndex(hr.StartsAt); i >= 0 && i < 7 {
			r.Cells[i].Hearings = append(r.Cells[i].Hearings, hr)
		}
	}
	for _, hr := range hs {
		room := hr.RoomName
		if room == "" {
			room = "网络听证"
		}
		put(byRoom, &roomOrder, room, hr)
		for _, m := range hr.Panel {
			put(byPerson, &personOrder, m.Name, hr)
		}
	}
	rows := func(m map[string]*Row, order []string) []Row {
		out := make([]Row, len(order))
		for i, k := range order {
			out[i] = *m[k]
		}
		return out
	}
	feed := ""
	if u.Role != auth.RoleWindow {
		tok, err := h.calendarToken(c, u)
		if err != nil {
			return err
		}
		feed = c.BaseURL() + "/api/v1/hearings.ics?token=" + tok
	}
	return web.Render(c, "hearings/calendar", fiber.Map{"Title": "听证日历", "Days": days, "ByRoom": rows(byRoom, roomOrder),
		"ByPerson": rows(byPerson, personOrder), "Prev": start.AddDays(-7), "Next": start.AddDays(7), "Feed": feed,
		"Weekdays": strings.Split("一 二 三 四 五 六 日", " "), "Total": len(hs)})
}

// pageHearing shows one hearing to anyone who may see it, the 记录员 and other panel members included (they
// are not on the case's team, so the case page is not theirs): time, place, panel, notice and record.
func (h *Handler) pageHearing(c *fiber.Ctx) error {
	id, err := h.hearingID(c)
	if err != nil {
		return err
	}
	hr, err := h.store().GetVisible(c.UserContext(), id, web.CurrentUser(c))
	if err != nil {
		return err
	}
	u := web.CurrentUser(c)
	onPanel := false
	for _, m := range hr.Panel {
		onPanel = onPanel || m.UserID == u.ID
	}
	// the link to the case page only for those who may open it
	_, cerr := cases.NewStore(h.Service.DB).GetVisible(c.UserContext(), hr.CaseID, u)
	if cerr != nil && cerr != cases.ErrNotFound {
		return cerr
	}
	return web.Render(c, "hearings/hearing", fiber.Map{"Title": "听证 " + hr.StartsAt.Format("2006-01-02 15:04"), "H": hr,
		"OnPanel": onPanel, "CanSeeCase": cerr == nil})
}
