package calendarweb

import (
	"github.com/gofiber/fiber/v2"

	"fuyi/internal/apidoc"
	"fuyi/internal/apperr"
	"fuyi/internal/calendar"
)

type (
	// calendarInput replaces a whole year's holidays and working weekend days.
	calendarInput struct {
		CSV      string         `json:"csv"`
		Days     []calendar.Day `json:"days"`
		Complete bool           `json:"complete"`
		Source   string         `json:"source"`
		// ConfirmRemoval must be true when the new list drops entered days or makes a complete year incomplete
		ConfirmRemoval bool `json:"confirm_removal"`
	}
	calendarAnswer struct {
		Calendar   *calendar.Year `json:"calendar"`
		Recomputed int            `json:"recomputed"`
	}
)

// dayKinds are the kinds of a day of the calendar.
var dayKinds = apperr.NewEnum("日子类别", string(calendar.Holiday), "法定休假日（放假）", string(calendar.Workday), "调休上班日")

// API documents the routes of this package (TestOpenAPIMatchesRouteTable keeps it complete).
var API = []apidoc.Op{
	{Method: fiber.MethodGet, Path: "/api/v1/calendar/:year", Summary: "某年的法定节假日与调休上班日", Answer: calendar.Year{}},
	{Method: fiber.MethodPut, Path: "/api/v1/calendar/:year", Summary: "替换某年的节假日（受影响的期限重新计算）",
		Description: "以 days（或 csv：每行 日期,holiday|workday,名称）替换整年。会删除已录入的日子或使已完整的年份变为不完整时答 409 并列出，" +
			"须带 confirm_removal: true 重发。recomputed 为重新计算的期限数。",
		Body: calendarInput{}, Enums: map[string]apperr.Enum{"days[].kind": dayKinds},
		Example: map[string]any{"days": []any{map[string]any{"date": "2027-01-01", "kind": "holiday", "name": "元旦"}}, "complete": false,
			"source": "国务院办公厅通知"},
		Answer: calendarAnswer{}},
}
