package cases

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"

	"fuyi/internal/apperr"
	"fuyi/internal/audit"
	"fuyi/internal/calendar"
	"fuyi/internal/database"
	"fuyi/internal/web"
)

// CalendarYear is the holiday and 调休 calendar of one year as the bureau edits it.
type CalendarYear struct {
	Year     int            `json:"year"`
	Complete bool           `json:"complete"`
	Source   string         `json:"source"`
	Days     []calendar.Day `json:"days"`
}

func calendarYearParam(c *fiber.Ctx) (int, error) {
	return web.ParamInt(c, "year", 2000, 2100, apperr.New(apperr.NotFound, "calendar.not_found", "年份应为2000—2100之间的四位数字"))
}

func (h *Handler) loadCalendarYear(ctx context.Context, y int) (*CalendarYear, error) {
	cy := &CalendarYear{Year: y, Days: []calendar.Day{}}
	h.Service.DB.GetContext(ctx, cy, `SELECT year, complete, source FROM calendar_years WHERE year = $1`, y)
	cy.Year = y
	err := h.Service.DB.SelectContext(ctx, &cy.Days, `SELECT day, kind, name FROM calendar_days WHERE extract(year FROM day) = $1 ORDER BY day`, y)
	return cy, err
}

func (h *Handler) apiCalendarGet(c *fiber.Ctx) error {
	y, err := calendarYearParam(c)
	if err != nil {
		return err
	}
	cy, err := h.loadCalendarYear(c.UserContext(), y)
	if err != nil {
		return err
	}
	return c.JSON(cy)
}

// SaveCalendarYear replaces the exceptions of a year (from the 国务院办公厅 notice), marks whether the year
// is complete, and recomputes every deadline that was waiting for it. Years already in use keep working:
// the recomputation updates due dates and the audit trail records the change on each case.
func (s *Service) SaveCalendarYear(ctx context.Context, actorID int64, y int, csv string, complete bool, source string) (int, error) {
	days, err := calendar.ParseCSV(strings.NewReader(csv))
	if err != nil {
		return 0, &apperr.Error{Kind: apperr.Invalid, Code: "calendar.csv", Message: "节假日安排格式有误：" + err.Error(), Fields: map[string]string{"days": err.Error()}}
	}
	for _, d := range days {
		if d.Date.Year() != y {
			return 0, &apperr.Error{Kind: apperr.Invalid, Code: "calendar.year", Message: fmt.Sprintf("%s不属于%d年", d.Date, y), Fields: map[string]string{"days": "日期须在本年度内"}}
		}
	}
	if complete && len(days) == 0 {
		return 0, &apperr.Error{Kind: apperr.Invalid, Code: "calendar.empty", Message: "尚未录入任何放假或调休日期，不能标记为已完成", Fields: map[string]string{"days": "请录入节假日安排"}}
	}
	err = database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM calendar_days WHERE extract(year FROM day) = $1`, y); err != nil {
			return err
		}
		for _, d := range days {
			if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_days (day, kind, name) VALUES ($1, $2, $3)`, d.Date, d.Kind, d.Name); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO calendar_years (year, complete, source, updated_at) VALUES ($1, $2, $3, now())
			ON CONFLICT (year) DO UPDATE SET complete = EXCLUDED.complete, source = EXCLUDED.source, updated_at = now()`, y, complete, strings.TrimSpace(source))
		return err
	})
	if err != nil {
		return 0, err
	}
	s.Calendar.Invalidate()
	return s.RecomputeWaiting(ctx, actorID)
}

// RecomputeWaiting recomputes the cases and lawsuits that have a deadline waiting for a calendar, or any
// open deadline in a year whose calendar changed; it returns how many were recomputed.
func (s *Service) RecomputeWaiting(ctx context.Context, actorID int64) (int, error) {
	cal, err := s.Calendar.Get(ctx)
	if err != nil {
		return 0, err
	}
	var caseIDs, lawsuitIDs []int64
	if err := s.DB.SelectContext(ctx, &caseIDs, `SELECT DISTINCT case_id FROM deadlines WHERE case_id IS NOT NULL AND (status = 'pending' OR (status = 'open' AND due_on >= current_date - 30))`); err != nil {
		return 0, err
	}
	if err := s.DB.SelectContext(ctx, &lawsuitIDs, `SELECT DISTINCT lawsuit_id FROM deadlines WHERE lawsuit_id IS NOT NULL AND (status = 'pending' OR (status = 'open' AND due_on >= current_date - 30))`); err != nil {
		return 0, err
	}
	n := 0
	for _, id := range caseIDs {
		err := database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
			before, err := NewStore(tx).Deadlines(ctx, id)
			if err != nil {
				return err
			}
			after, err := s.recompute(ctx, tx, cal, id)
			if err != nil {
				return err
			}
			if fmt.Sprint(dueMap(before)) != fmt.Sprint(after) {
				return audit.Record(ctx, tx, id, actorID, "calendar.recomputed", "节假日安排更新，期限重新计算", map[string]any{"deadlines": dueMap(before)}, map[string]any{"deadlines": after})
			}
			return nil
		})
		if err != nil {
			return n, err
		}
		n++
	}
	for _, id := range lawsuitIDs {
		if err := database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error { _, err := s.recomputeLawsuit(ctx, tx, cal, id); return err }); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func (h *Handler) apiCalendarPut(c *fiber.Ctx) error {
	y, err := calendarYearParam(c)
	if err != nil {
		return err
	}
	var in struct {
		CSV      string         `json:"csv"`
		Days     []calendar.Day `json:"days"`
		Complete bool           `json:"complete"`
		Source   string         `json:"source"`
	}
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	csv := in.CSV
	for _, d := range in.Days {
		csv += fmt.Sprintf("\n%s,%s,%s", d.Date, d.Kind, d.Name)
	}
	n, err := h.Service.SaveCalendarYear(c.UserContext(), web.CurrentUser(c).ID, y, csv, in.Complete, in.Source)
	if err != nil {
		return err
	}
	cy, err := h.loadCalendarYear(c.UserContext(), y)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"calendar": cy, "recomputed": n})
}

func (h *Handler) pageCalendar(c *fiber.Ctx) error {
	y, err := web.QueryInt(c, "year", 2000, 2100)
	if err != nil {
		return err
	}
	if y == 0 {
		y = h.Service.Today().Year() + 1
	}
	cy, err := h.loadCalendarYear(c.UserContext(), y)
	if err != nil {
		return err
	}
	var lines []string
	for _, d := range cy.Days {
		lines = append(lines, fmt.Sprintf("%s,%s,%s", d.Date, d.Kind, d.Name))
	}
	var pending int
	h.Service.DB.GetContext(c.UserContext(), &pending, `SELECT count(*) FROM deadlines WHERE status = 'pending'`)
	var years []int
	h.Service.DB.SelectContext(c.UserContext(), &years, `SELECT year FROM calendar_years WHERE complete ORDER BY year`)
	return web.Render(c, "admin_calendar", fiber.Map{"Title": "节假日日历", "Y": cy, "CSV": strings.Join(lines, "\n"), "Pending": pending, "Years": years})
}

func (h *Handler) pageCalendarSave(c *fiber.Ctx) error {
	y, err := strconv.Atoi(c.FormValue("year"))
	if err != nil || y < 2000 || y > 2100 {
		return apperr.New(apperr.BadRequest, "calendar.year", "年份无效：year 应为2000—2100之间的四位数字")
	}
	n, err := h.Service.SaveCalendarYear(c.UserContext(), web.CurrentUser(c).ID, y, c.FormValue("csv"), c.FormValue("complete") == "on", c.FormValue("source"))
	if err != nil {
		if e, ok := apperr.As(err); ok && e.Kind == apperr.Invalid {
			web.Flash(c, e.Message)
			return c.Redirect(fmt.Sprintf("/admin/calendar?year=%d", y), fiber.StatusSeeOther)
		}
		return err
	}
	web.Flash(c, fmt.Sprintf("%d年节假日安排已保存，%d件案件或应诉案件的期限已重新计算", y, n))
	return c.Redirect(fmt.Sprintf("/admin/calendar?year=%d", y), fiber.StatusSeeOther)
}
