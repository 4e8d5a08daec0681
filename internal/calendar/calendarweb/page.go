package calendarweb

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fuyi/internal/apperr"
	"fuyi/internal/calendar"
	"fuyi/internal/date"
	"fuyi/internal/web"
)

// The bureau's calendar editor: a year as twelve month grids where a click marks a day 休 (放假) or 班
// (调休上班) — the page keeps the list of days in its text box, which also works without JavaScript —, the
// State Council's notice pasted and read into days shown for checking before anything is saved, and a
// preview of what a 5-working-day and a 60-day period from a date become with the year as edited.

func (h *Handler) pageCalendar(c *fiber.Ctx) error {
	y, err := web.QueryInt(c, "year", 2000, 2100)
	if err != nil {
		return err
	}
	if y == 0 {
		y = h.Today().Year() + 1
	}
	return h.renderCalendar(c, y, nil)
}

// calendarView is what the page shows besides the year as saved.
type calendarView struct {
	Error, Info string
	Preview     []previewRow
	Effect      *calendar.Effect // what saving would change among the deadlines of open cases
	PreviewFrom string
}

// renderCalendar draws the editor of year y. The days shown (grid and text) are the ones typed or clicked
// when the page comes back from a post (.Form), else the year as saved.
func (h *Handler) renderCalendar(c *fiber.Ctx, y int, v *calendarView) error {
	if v == nil {
		v = &calendarView{}
	}
	cy, err := h.Admin.Year(c.UserContext(), y)
	if err != nil {
		return err
	}
	var lines []string
	for _, d := range cy.Days {
		lines = append(lines, fmt.Sprintf("%s,%s,%s", d.Date, d.Kind.Mark(), d.Name))
	}
	saved := strings.Join(lines, "\n")
	shown := saved
	if f := web.KeptForm(c); f != nil {
		shown = f.Values.Get("csv")
	}
	pending, years, err := h.Admin.Overview(c.UserContext())
	if err != nil {
		return err
	}
	if v.PreviewFrom == "" {
		v.PreviewFrom = h.Today().String()
	}
	return web.Render(c, "admin_calendar", fiber.Map{"Title": "节假日日历", "Y": cy, "CSV": saved, "Pending": pending, "Years": years,
		"Months": monthGrid(y, readDays(shown)), "Error": v.Error, "Info": v.Info, "Preview": v.Preview, "Effect": v.Effect, "PreviewFrom": v.PreviewFrom})
}

// readDays reads the lines that can be read (the grid shows them; the save names the others).
func readDays(csv string) map[date.Date]calendar.Day {
	out := map[date.Date]calendar.Day{}
	for _, line := range strings.Split(csv, "\n") {
		if ds, err := calendar.ParseCSV(strings.NewReader(line)); err == nil {
			for _, d := range ds {
				out[d.Date] = d
			}
		}
	}
	return out
}

// gridDay is a cell of a month grid (Day 0: a blank before the first or after the last day).
type gridDay struct {
	Day           int
	Date          string
	Mark, Name    string
	Weekend, Rest bool // Rest: not a working day (a weekend not made a working day, or a holiday)
}

type gridMonth struct {
	Month int
	Weeks [][]gridDay
}

// monthGrid lays out year y as twelve months of weeks starting on Monday.
func monthGrid(y int, days map[date.Date]calendar.Day) []gridMonth {
	var out []gridMonth
	for m := 1; m <= 12; m++ {
		gm := gridMonth{Month: m}
		first := date.MustParse(fmt.Sprintf("%04d-%02d-01", y, m))
		week := make([]gridDay, (int(first.Weekday())+6)%7)
		for d := first; d.Month() == first.Month(); d = d.AddDays(1) {
			g := gridDay{Day: d.Day(), Date: d.String(), Weekend: d.IsWeekend()}
			g.Rest = g.Weekend
			if x, ok := days[d]; ok {
				g.Mark, g.Name, g.Rest = x.Kind.Mark(), x.Name, x.Kind == calendar.Holiday
			}
			week = append(week, g)
			if len(week) == 7 {
				gm.Weeks = append(gm.Weeks, week)
				week = nil
			}
		}
		if len(week) > 0 {
			for len(week) < 7 {
				week = append(week, gridDay{})
			}
			gm.Weeks = append(gm.Weeks, week)
		}
		out = append(out, gm)
	}
	return out
}

// previewRow is one period computed from the preview date, with the calendar as saved and as edited.
type previewRow struct {
	Label         string
	Saved, Edited string
}

// preview computes the periods from the date typed with the saved calendar and with year y replaced by the
// days typed (counted as complete, so that the effect shows before the year is marked complete).
func (h *Handler) preview(c *fiber.Ctx, y int, from date.Date, typed []calendar.Day) ([]previewRow, *calendar.Effect, error) {
	cal, err := h.Admin.Provider.Get(c.UserContext())
	if err != nil {
		return nil, nil, err
	}
	edited := cal.WithYear(y, typed, true)
	show := func(r calendar.Result, err error) string {
		if err != nil {
			if e, ok := apperr.As(err); ok && e.Code == "calendar.year_missing" {
				return "期限跨入日历尚未录入完整的年份，不计算"
			} else if ok {
				return e.Message
			}
			return "无法计算"
		}
		s := r.Date.String() + "（" + weekdays[r.Date.Weekday()] + "）"
		if len(r.Skipped) > 0 {
			s += "，遇" + strings.Join(r.Skipped, "、") + "顺延"
		}
		return s
	}
	effect, err := h.Admin.PreviewEffect(c.UserContext(), edited, previewCases)
	if err != nil {
		return nil, nil, err
	}
	return []previewRow{
		{Label: "5个工作日（受理审查，复议法第30条、第88条）", Saved: show(cal.AddWorkdays(from, 5)), Edited: show(edited.AddWorkdays(from, 5))},
		{Label: "10个工作日（被申请人答复，第48条）", Saved: show(cal.AddWorkdays(from, 10)), Edited: show(edited.AddWorkdays(from, 10))},
		{Label: "60日（作出决定，第62条；期满日遇休息日顺延）", Saved: show(cal.AddNaturalDays(from, 60)), Edited: show(edited.AddNaturalDays(from, 60))},
	}, &effect, nil
}

// previewCases bounds the cases the preview reads (the save itself recomputes them all).
const previewCases = 500

var weekdays = []string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// pageCalendarSave answers the editor's three buttons: 识别通知 (step=import: the notice read into days,
// shown for checking, nothing saved), 预览期限 (step=preview: nothing saved) and 保存.
func (h *Handler) pageCalendarSave(c *fiber.Ctx) error {
	y, err := strconv.Atoi(c.FormValue("year"))
	if err != nil || y < 2000 || y > 2100 {
		return apperr.New(apperr.BadRequest, "calendar.year", "年份无效：year 应为2000—2100之间的四位数字")
	}
	refused := func(field, msg string) error {
		c.Status(fiber.StatusUnprocessableEntity)
		web.KeepForm(c, map[string]string{field: msg})
		return h.renderCalendar(c, y, &calendarView{Error: msg, PreviewFrom: c.FormValue("preview_from")})
	}
	switch c.FormValue("step") {
	case "import":
		if ny := calendar.NoticeYear(c.FormValue("notice_content"), y); ny != y {
			return refused("notice_content", fmt.Sprintf("这是%d年的通知，本页正在编辑%d年；请先打开%d年的日历再识别", ny, y, ny))
		}
		_, days, err := calendar.ParseNotice(c.FormValue("notice_content"), y)
		if err != nil {
			return refused("notice_content", "未能识别通知："+err.Error())
		}
		var lines []string
		holidays, workdays := 0, 0
		for _, d := range days {
			lines = append(lines, fmt.Sprintf("%s,%s,%s", d.Date, d.Kind.Mark(), d.Name))
			if d.Kind == calendar.Holiday {
				holidays++
			} else {
				workdays++
			}
		}
		vals := web.PostedValues(c)
		vals.Set("csv", strings.Join(lines, "\n"))
		if strings.TrimSpace(vals.Get("source")) == "" {
			vals.Set("source", fmt.Sprintf("国务院办公厅关于%d年部分节假日安排的通知", y))
		}
		web.KeepValues(c, vals)
		return h.renderCalendar(c, y, &calendarView{PreviewFrom: c.FormValue("preview_from"),
			Info: fmt.Sprintf("已从通知中识别出%d个放假日、%d个调休上班日，已填入下面的日历（尚未保存）。请逐月核对，无误后勾选“已完整录入”并点击“保存”。", holidays, workdays)})
	case "preview":
		from, err := date.Parse(strings.TrimSpace(c.FormValue("preview_from")))
		if err != nil {
			return refused("preview_from", "预览的起算日期格式应为YYYY-MM-DD，如2027-01-04")
		}
		typed, err := calendar.ParseCSV(strings.NewReader(c.FormValue("csv")))
		if err != nil {
			return refused("days", "节假日安排格式有误："+err.Error())
		}
		rows, effect, err := h.preview(c, y, from, typed)
		if err != nil {
			return err
		}
		web.KeepValues(c, web.PostedValues(c))
		return h.renderCalendar(c, y, &calendarView{Preview: rows, Effect: effect, PreviewFrom: from.String()})
	}
	n, err := h.Admin.SaveYear(c.UserContext(), web.CurrentUser(c).ID, y, c.FormValue("csv"), c.FormValue("complete") == "on", c.FormValue("source"))
	if err != nil {
		return web.FormError(c, err, func(_ map[string]string, msg string) error {
			return h.renderCalendar(c, y, &calendarView{Error: msg, PreviewFrom: c.FormValue("preview_from")})
		})
	}
	web.Flash(c, fmt.Sprintf("%d年节假日安排已保存，%d件案件或应诉案件的期限已重新计算", y, n))
	return c.Redirect(fmt.Sprintf("/admin/calendar?year=%d", y), fiber.StatusSeeOther)
}
