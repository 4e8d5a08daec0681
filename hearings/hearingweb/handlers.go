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

// Handler serves hearings.
type Handler struct {
	Service *hearings.Service
	// CasePageError re-renders the case page with a refused form's messages (the cases feature's page).
	CasePageError func(c *fiber.Ctx, caseID int64, err error) error
	// Label names deadline kinds in the calendar feed.
	Label func(kind string) string
}

// New builds the handler.
func New(s *hearings.Service, casePageError func(c *fiber.Ctx, caseID int64, err error) error, label func(string) string) *Handler {
	return &Handler{Service: s, CasePageError: casePageError, Label: label}
}

func (h *Handler) store() *hearings.Store { return hearings.NewStore(h.Service.DB) }

func (h *Handler) hearingID(c *fiber.Ctx) (int64, error) {
	return web.ParamID(c, "id", hearings.ErrNotFound)
}

func (h *Handler) answer(c *fiber.Ctx, status int, id int64) error {
	hr, err := h.store().GetVisible(c.UserContext(), id, web.CurrentUser(c))
	if err != nil {
		return err
	}
	return c.Status(status).JSON(hr)
}

func (h *Handler) apiSchedule(c *fiber.Ctx) error {
	caseID, err := web.ParamID(c, "id", cases.ErrNotFound)
	if err != nil {
		return err
	}
	if _, err := cases.NewStore(h.Service.DB).GetVisible(c.UserContext(), caseID, web.CurrentUser(c)); err != nil {
		return err
	}
	var in hearings.ScheduleInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	hr, err := h.Service.Schedule(c.UserContext(), web.CurrentUser(c), caseID, in)
	if err != nil {
		return err
	}
	return web.Created(c, fmt.Sprintf("/api/v1/hearings/%d", hr.ID), hr)
}

func (h *Handler) apiCaseHearings(c *fiber.Ctx) error {
	caseID, err := web.ParamID(c, "id", cases.ErrNotFound)
	if err != nil {
		return err
	}
	if _, err := cases.NewStore(h.Service.DB).GetVisible(c.UserContext(), caseID, web.CurrentUser(c)); err != nil {
		return err
	}
	hs, err := h.store().ForCase(c.UserContext(), caseID)
	if err != nil {
		return err
	}
	return c.JSON(web.List[hearings.Hearing]{Items: hs, Total: len(hs)})
}

func (h *Handler) apiGet(c *fiber.Ctx) error {
	id, err := h.hearingID(c)
	if err != nil {
		return err
	}
	return h.answer(c, fiber.StatusOK, id)
}

func rangeParams(c *fiber.Ctx, today date.Date) (time.Time, time.Time, error) {
	from, err := web.QueryDate(c, "from", today.AddDays(-int(today.Weekday()+6)%7))
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	to, err := web.QueryDate(c, "to", from.AddDays(6))
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	to = to.AddDays(1)
	if !to.After(from) || to.DaysSince(from) > 366 {
		return time.Time{}, time.Time{}, apperr.New(apperr.BadRequest, "request.query", "查询区间须在1日至1年之间")
	}
	return from.In(date.Shanghai), to.In(date.Shanghai), nil
}

func (h *Handler) apiList(c *fiber.Ctx) error {
	from, to, err := rangeParams(c, h.Service.Today())
	if err != nil {
		return err
	}
	hs, err := h.store().Between(c.UserContext(), web.CurrentUser(c), from, to)
	if err != nil {
		return err
	}
	return c.JSON(web.List[hearings.Hearing]{Items: hs, Total: len(hs)})
}

func (h *Handler) apiRecord(c *fiber.Ctx) error {
	id, err := h.hearingID(c)
	if err != nil {
		return err
	}
	var in hearings.RecordInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	hr, err := h.Service.Record(c.UserContext(), web.CurrentUser(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(hr)
}

func (h *Handler) apiReschedule(c *fiber.Ctx) error {
	id, err := h.hearingID(c)
	if err != nil {
		return err
	}
	var in rescheduleInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	hr, err := h.Service.Reschedule(c.UserContext(), web.CurrentUser(c), id, in.ScheduleInput, in.Reason)
	if err != nil {
		return err
	}
	return web.Created(c, fmt.Sprintf("/api/v1/hearings/%d", hr.ID), hr)
}

func (h *Handler) apiCancel(c *fiber.Ctx) error {
	id, err := h.hearingID(c)
	if err != nil {
		return err
	}
	var in cancelInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	hr, err := h.Service.Cancel(c.UserContext(), web.CurrentUser(c), id, in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(hr)
}

func (h *Handler) apiRooms(c *fiber.Ctx) error {
	rs, err := h.store().Rooms(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(web.List[hearings.Room]{Items: rs, Total: len(rs)})
}

func (h *Handler) apiAddRoom(c *fiber.Ctx) error {
	var in hearings.RoomInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	id, err := h.Service.AddRoom(c.UserContext(), in)
	if err != nil {
		return err
	}
	return web.Created(c, "/api/v1/rooms", hearings.Room{ID: id, Name: strings.TrimSpace(in.Name), Location: strings.TrimSpace(in.Location)})
}

func (h *Handler) pageRooms(c *fiber.Ctx) error {
	return h.renderRooms(c, "")
}

func (h *Handler) renderRooms(c *fiber.Ctx, msg string) error {
	rs, err := h.store().Rooms(c.UserContext())
	if err != nil {
		return err
	}
	return web.Render(c, "hearings/rooms", fiber.Map{"Title": "听证室", "Rooms": rs, "Error": msg})
}

// roomDone answers a rooms form: back to the page with the message, or the refusal on the page itself.
func (h *Handler) roomDone(c *fiber.Ctx, err error, done string) error {
	if err != nil {
		return web.FormError(c, err, func(_ map[string]string, msg string) error { return h.renderRooms(c, msg) })
	}
	web.Flash(c, done)
	return c.Redirect("/hearings/rooms", fiber.StatusSeeOther)
}

func (h *Handler) pageAddRoom(c *fiber.Ctx) error {
	_, err := h.Service.AddRoom(c.UserContext(), hearings.RoomInput{Name: c.FormValue("name"), Location: c.FormValue("location")})
	return h.roomDone(c, err, "听证室已加入，排期时即可选择")
}

func (h *Handler) roomID(c *fiber.Ctx) (int, error) {
	n, err := web.ParamID(c, "rid", apperr.New(apperr.NotFound, "room.not_found", "听证室不存在或已停用"))
	if err != nil || n > web.MaxInt32 {
		return 0, apperr.New(apperr.NotFound, "room.not_found", "听证室不存在或已停用")
	}
	return int(n), nil
}

func (h *Handler) pageRenameRoom(c *fiber.Ctx) error {
	id, err := h.roomID(c)
	if err != nil {
		return err
	}
	err = h.Service.RenameRoom(c.UserContext(), id, hearings.RoomInput{Name: c.FormValue("name"), Location: c.FormValue("location")})
	return h.roomDone(c, err, "听证室信息已修改")
}

// apiEditRoom changes a room's name and location.
func (h *Handler) apiEditRoom(c *fiber.Ctx) error {
	id, err := h.roomID(c)
	if err != nil {
		return err
	}
	var in hearings.RoomInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	if err := h.Service.RenameRoom(c.UserContext(), id, in); err != nil {
		return err
	}
	return c.JSON(hearings.Room{ID: id, Name: strings.TrimSpace(in.Name), Location: strings.TrimSpace(in.Location)})
}

// apiRetireRoom takes a room out of scheduling (refused while hearings are booked in it).
func (h *Handler) apiRetireRoom(c *fiber.Ctx) error {
	id, err := h.roomID(c)
	if err != nil {
		return err
	}
	if err := h.Service.RetireRoom(c.UserContext(), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handler) pageRetireRoom(c *fiber.Ctx) error {
	id, err := h.roomID(c)
	if err != nil {
		return err
	}
	return h.roomDone(c, h.Service.RetireRoom(c.UserContext(), id), "听证室已停用，不再供排期选择；已举行的听证记录不变")
}

func (h *Handler) apiRate(c *fiber.Ctx) error {
	today := h.Service.Today()
	from, err := web.QueryDate(c, "from", date.New(today.Year(), 1, 1))
	if err != nil {
		return err
	}
	to, err := web.QueryDate(c, "to", today)
	if err != nil {
		return err
	}
	r, err := h.Service.HearingRate(c.UserContext(), from, to)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

// calendarToken returns (creating if needed) the user's secret for the iCalendar feed.
func (h *Handler) calendarToken(c *fiber.Ctx, u *auth.User) (string, error) {
	return h.store().CalendarToken(c.UserContext(), u.ID)
}
