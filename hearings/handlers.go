package hearings

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"fuyi/cases"
	"fuyi/internal/apperr"
	"fuyi/internal/auth"
	"fuyi/internal/date"
	"fuyi/internal/web"
)

// Handler serves hearings.
type Handler struct {
	Service *Service
	Cases   *cases.Handler
}

func (h *Handler) store() *Store { return NewStore(h.Service.DB) }

func (h *Handler) hearingID(c *fiber.Ctx) (int64, error) { return web.ParamID(c, "id", ErrNotFound) }

func (h *Handler) answer(c *fiber.Ctx, status, id int64) error {
	hr, err := h.store().GetVisible(c.UserContext(), id, web.CurrentUser(c))
	if err != nil {
		return err
	}
	return c.Status(int(status)).JSON(hr)
}

func (h *Handler) apiSchedule(c *fiber.Ctx) error {
	caseID, err := web.ParamID(c, "id", cases.ErrNotFound)
	if err != nil {
		return err
	}
	if err := h.Cases.CaseVisible(c, caseID); err != nil {
		return err
	}
	var in ScheduleInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	id, err := h.Service.Schedule(c.UserContext(), web.CurrentUser(c), caseID, in)
	if err != nil {
		return err
	}
	return h.answer(c, fiber.StatusCreated, id)
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
	return c.JSON(web.List[Hearing]{Items: hs, Total: len(hs)})
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
	return c.JSON(web.List[Hearing]{Items: hs, Total: len(hs)})
}

func (h *Handler) apiRecord(c *fiber.Ctx) error {
	id, err := h.hearingID(c)
	if err != nil {
		return err
	}
	var in RecordInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	if err := h.Service.Record(c.UserContext(), web.CurrentUser(c), id, in); err != nil {
		return err
	}
	return h.answer(c, fiber.StatusOK, id)
}

func (h *Handler) apiReschedule(c *fiber.Ctx) error {
	id, err := h.hearingID(c)
	if err != nil {
		return err
	}
	var in struct {
		ScheduleInput
		Reason string `json:"reason"`
	}
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	newID, err := h.Service.Reschedule(c.UserContext(), web.CurrentUser(c), id, in.ScheduleInput, in.Reason)
	if err != nil {
		return err
	}
	return h.answer(c, fiber.StatusCreated, newID)
}

func (h *Handler) apiCancel(c *fiber.Ctx) error {
	id, err := h.hearingID(c)
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	if err := h.Service.Cancel(c.UserContext(), web.CurrentUser(c), id, in.Reason); err != nil {
		return err
	}
	return h.answer(c, fiber.StatusOK, id)
}

func (h *Handler) apiRooms(c *fiber.Ctx) error {
	rs, err := h.store().Rooms(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(web.List[Room]{Items: rs, Total: len(rs)})
}

func (h *Handler) apiAddRoom(c *fiber.Ctx) error {
	var in RoomInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	id, err := h.Service.AddRoom(c.UserContext(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(Room{ID: id, Name: strings.TrimSpace(in.Name), Location: strings.TrimSpace(in.Location)})
}

func (h *Handler) pageRooms(c *fiber.Ctx) error {
	rs, err := h.store().Rooms(c.UserContext())
	if err != nil {
		return err
	}
	return web.Render(c, "hearings/rooms", fiber.Map{"Title": "听证室", "Rooms": rs})
}

func (h *Handler) pageAddRoom(c *fiber.Ctx) error {
	_, err := h.Service.AddRoom(c.UserContext(), RoomInput{Name: c.FormValue("name"), Location: c.FormValue("location")})
	if e, ok := apperr.As(err); ok {
		web.Flash(c, e.Message)
	} else if err != nil {
		return err
	} else {
		web.Flash(c, "听证室已加入，排期时即可选择")
	}
	return c.Redirect("/hearings/rooms", fiber.StatusSeeOther)
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
	var tok *string
	if err := h.Service.DB.GetContext(c.UserContext(), &tok, `SELECT calendar_token FROM users WHERE id = $1`, u.ID); err != nil {
		return "", err
	}
	if tok != nil {
		return *tok, nil
	}
	b := make([]byte, 24)
	rand.Read(b)
	t := hex.EncodeToString(b)
	_, err := h.Service.DB.ExecContext(c.UserContext(), `UPDATE users SET calendar_token = $2 WHERE id = $1 AND calendar_token IS NULL`, u.ID, t)
	if err != nil {
		return "", err
	}
	return h.calendarToken(c, u)
}
