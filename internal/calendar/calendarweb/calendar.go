// Package calendarweb serves the bureau's holiday and 调休 calendar editor (page and API).
package calendarweb

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fuyi/internal/apperr"
	"fuyi/internal/auth"
	"fuyi/internal/calendar"
	"fuyi/internal/date"
	"fuyi/internal/web"
)

// Handler serves the bureau's calendar editor and its API.
type Handler struct {
	Admin *calendar.Admin
	Today func() date.Date
}

// New builds the handler.
func New(a *calendar.Admin, today func() date.Date) *Handler { return &Handler{Admin: a, Today: today} }

// RuleSave: the bureau saves a year's working-day calendar (page and API).
var RuleSave = web.NewRule("calendar.save", auth.RoleBureau)

// Routes lists the URLs of the calendar administration: the bureau enters next year's calendar and the
// waiting deadlines are recomputed.
func (h *Handler) Routes(r *web.Router) {
	const api = "/api/v1"
	B, C := auth.RoleBureau, auth.RoleChief
	r.Staff(fiber.MethodGet, api+"/calendar/:year", h.apiCalendarGet)
	r.Action(fiber.MethodPut, api+"/calendar/:year", h.apiCalendarPut, RuleSave)
	r.Staff(fiber.MethodGet, "/admin/calendar", h.pageCalendar, B, C)
	r.Action(fiber.MethodPost, "/admin/calendar", h.pageCalendarSave, RuleSave)
}

func calendarYearParam(c *fiber.Ctx) (int, error) {
	return web.ParamInt(c, "year", 2000, 2100, apperr.New(apperr.NotFound, "calendar.not_found", "年份应为2000—2100之间的四位数字"))
}

func (h *Handler) apiCalendarGet(c *fiber.Ctx) error {
	y, err := calendarYearParam(c)
	if err != nil {
		return err
	}
	cy, err := h.Admin.Year(c.UserContext(), y)
	if err != nil {
		return err
	}
	return c.JSON(cy)
}

func (h *Handler) apiCalendarPut(c *fiber.Ctx) error {
	y, err := calendarYearParam(c)
	if err != nil {
		return err
	}
	var in calendarInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	f := apperr.Fields{}
	for i, d := range in.Days {
		dayKinds.Add(f, fmt.Sprintf("days[%d].kind", i), string(d.Kind))
	}
	if err := f.Err(); err != nil {
		return err
	}
	csv := in.CSV
	for _, d := range in.Days {
		csv += fmt.Sprintf("\n%s,%s,%s", d.Date, d.Kind, d.Name)
	}
	cur, err := h.Admin.Year(c.UserContext(), y)
	if err != nil {
		return err
	}
	if loss := calendar.LossOf(cur, csv, in.Complete); !loss.Empty() && !in.ConfirmRemoval {
		return lossError(y, loss)
	}
	n, err := h.Admin.SaveYear(c.UserContext(), web.CurrentUser(c).ID, y, csv, in.Complete, in.Source)
	if err != nil {
		return err
	}
	cy, err := h.Admin.Year(c.UserContext(), y)
	if err != nil {
		return err
	}
	return c.JSON(calendarAnswer{Calendar: cy, Recomputed: n})
}

// lossError says what a PUT would delete and how to confirm it: the PUT replaces the whole year.
func lossError(y int, l calendar.Loss) error {
	var parts []string
	if n := len(l.Removed); n > 0 {
		var names []string
		for i, d := range l.Removed {
			if i == 5 {
				names = append(names, "……")
				break
			}
			names = append(names, fmt.Sprintf("%s %s", d.Date, d.Name))
		}
		parts = append(parts, fmt.Sprintf("删除%d年已录入的%d个放假或调休日（%s）", y, n, strings.Join(names, "、")))
	}
	if l.Incomplete {
		parts = append(parts, fmt.Sprintf("将%d年标记为未完成，依赖该年的期限将变为“待定”", y))
	}
	msg := "保存将" + strings.Join(parts, "，并") + "。PUT 以请求中的日期替换全年安排；确认无误请在请求中加入 \"confirm_removal\": true，或先 GET 本年安排再提交完整列表"
	return &apperr.Error{Kind: apperr.Conflict, Code: "calendar.confirm_removal", Message: msg, Fields: map[string]string{"confirm_removal": msg}}
}
