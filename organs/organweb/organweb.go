// Package organweb is the supervising role's page and API: the statistics and 应诉 figures of the organs
// under its organ, side by side and summed (never a case file).
package organweb

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"

	"fuyi/cases"
	"fuyi/internal/apidoc"
	"fuyi/internal/auth"
	"fuyi/internal/database"
	"fuyi/internal/date"
	"fuyi/internal/web"
	"fuyi/organs"
	"fuyi/reports"
)

// Handler serves /oversight.
type Handler struct {
	DB    *sqlx.DB
	Today func() date.Date
	// Reads is where the figures are read: statistics may lag, so a replica when one is configured (the
	// page then says how fresh they are); nil: the primary.
	Reads *database.Replica
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

// compute computes a period's figures and says how fresh they are ("" when read from the primary).
func (h *Handler) compute(c *fiber.Ctx, code string) (*organs.Oversight, string, error) {
	p, err := reports.ParsePeriod(code)
	if err != nil {
		return nil, "", err
	}
	read := func(db *sqlx.DB) (o *organs.Oversight, err error) {
		return organs.ComputeOversight(c.UserContext(), db, web.CurrentUser(c).OrganID, p)
	}
	if h.Reads == nil {
		o, err := read(h.DB)
		return o, "", err
	}
	var o *organs.Oversight
	f, err := h.Reads.Read(c.UserContext(), func(db *sqlx.DB) (err error) {
		o, err = read(db)
		return err
	})
	return o, f.Text(), err
}

func (h *Handler) api(c *fiber.Ctx) error {
	o, _, err := h.compute(c, c.Params("period"))
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
	o, fresh, err := h.compute(c, code)
	if err != nil {
		return err
	}
	return web.Render(c, "oversight", fiber.Map{"Title": "所辖复议机关统计 " + o.Period.Label, "O": o, "Code": code, "Freshness": fresh,
		"Rows": Table(o)})
}

// Row is one figure of the page's table across the organs and their sum.
type Row struct {
	Label string
	Cells []string
}

// Table lays the figures out with the organs side by side as columns and the figures as rows (a phone
// shows a few organs without scrolling; many organs scroll inside the table).
func Table(o *organs.Oversight) []Row {
	all := append(append([]organs.Figures{}, o.Organs...), o.Sum)
	row := func(label string, cell func(f organs.Figures) string) Row {
		r := Row{Label: label}
		for _, f := range all {
			r.Cells = append(r.Cells, cell(f))
		}
		return r
	}
	n := func(get func(f organs.Figures) int) func(f organs.Figures) string {
		return func(f organs.Figures) string { return strconv.Itoa(get(f)) }
	}
	rate := func(get func(f organs.Figures) cases.RateValue) func(f organs.Figures) string {
		return func(f organs.Figures) string {
			r := get(f)
			if r.Denominator == 0 {
				return "—"
			}
			return fmt.Sprintf("%s（%d/%d）", r.Percent(), r.Numerator, r.Denominator)
		}
	}
	return []Row{
		row("上期结转", n(func(f organs.Figures) int { return f.Reconsideration.Carried })),
		row("本期收到", n(func(f organs.Figures) int { return f.Reconsideration.Received })),
		row("受理", n(func(f organs.Figures) int { return f.Reconsideration.Accepted })),
		row("不予受理", n(func(f organs.Figures) int { return f.Reconsideration.Rejected })),
		row("告知", n(func(f organs.Figures) int { return f.Reconsideration.Informed })),
		row("转送", n(func(f organs.Figures) int { return f.Reconsideration.Transferred })),
		row("审结", n(func(f organs.Figures) int { return f.Reconsideration.Concluded })),
		row("纠错", n(func(f organs.Figures) int { return f.Reconsideration.Corrective })),
		row("纠错率", rate(func(f organs.Figures) cases.RateValue { return f.Reconsideration.CorrectionRate })),
		row("未审结", n(func(f organs.Figures) int { return f.Reconsideration.Open })),
		row("应诉收案", n(func(f organs.Figures) int { return f.Litigation.Received })),
		row("应诉结案", n(func(f organs.Figures) int { return f.Litigation.Concluded })),
		row("败诉", n(func(f organs.Figures) int { return f.Litigation.Lost })),
		row("败诉率", rate(func(f organs.Figures) cases.RateValue { return f.Litigation.LossRate })),
		row("负责人出庭率", rate(func(f organs.Figures) cases.RateValue { return f.Litigation.AppearanceRate })),
	}
}
