// Package organweb is the supervising role's page and API: the statistics and 应诉 figures of the organs
// under its organ, side by side and summed (never a case file).
package organweb

import (
	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"

	"fuyi/internal/apidoc"
	"fuyi/internal/auth"
	"fuyi/internal/date"
	"fuyi/internal/web"
	"fuyi/organs"
	"fuyi/reports"
)

// Handler serves /oversight.
type Handler struct {
	DB    *sqlx.DB
	Today func() date.Date
}

// Routes registers the supervisor's routes.
func (h *Handler) Routes(r *web.Router) {
	r.Staff(fiber.MethodGet, "/api/v1/oversight/:period", h.api, auth.RoleSupervisor)
	r.Staff(fiber.MethodGet, web.SupervisorHome, h.page, auth.RoleSupervisor)
}

// API documents the routes (TestOpenAPIMatchesRouteTable).
var API = []apidoc.Op{
	{Method: fiber.MethodGet, Path: "/api/v1/oversight/:period", Summary: "上级统计：所辖复议机关的统计与应诉（出庭、败诉）数字，逐机关并列并合计（不含案卷）",
		Description: "period 同统计报表：年（YYYY）、季度（YYYY-Q1）、月（YYYY-MM）或年初至某月（YYYY-01-MM）。每个机关的数字与该机关自己的报表相同。",
		Answer:      organs.Oversight{}},
}

func (h *Handler) compute(c *fiber.Ctx, code string) (*organs.Oversight, error) {
	p, err := reports.ParsePeriod(code)
	if err != nil {
		return nil, err
	}
	return organs.ComputeOversight(c.UserContext(), h.DB, web.CurrentUser(c).OrganID, p)
}

func (h *Handler) api(c *fiber.Ctx) error {
	o, err := h.compute(c, c.Params("period"))
	if err != nil {
		return err
	}
	return c.JSON(o)
}

// page shows a period (?period=, last month by default).
func (h *Handler) page(c *fiber.Ctx) error {
	code := c.Query("period")
	if code == "" {
		code = h.Today().AddMonths(-1).Time().Format("2006-01")
	}
	o, err := h.compute(c, code)
	if err != nil {
		return err
	}
	return web.Render(c, "oversight", fiber.Map{"Title": "所辖复议机关统计 " + o.Period.Label, "O": o, "Code": code})
}
