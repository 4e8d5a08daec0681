package reports

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"

	"fuyi/cases"
	"fuyi/internal/apperr"
	"fuyi/internal/auth"
	"fuyi/internal/date"
	"fuyi/internal/web"
	"fuyi/notices"
)

// Handler serves the statistics.
type Handler struct {
	DB    *sqlx.DB
	Today func() date.Date
}

func (h *Handler) organ(ctx context.Context) string {
	o, err := cases.NewStore(h.DB).Organ(ctx)
	if err != nil {
		return ""
	}
	return o.Name
}

// splitFormat reads "2025-10.pdf" into the period and the format.
func splitFormat(s string) (string, string) {
	for _, f := range []string{".pdf", ".xlsx", ".csv", ".json"} {
		if strings.HasSuffix(s, f) {
			return strings.TrimSuffix(s, f), f[1:]
		}
	}
	return s, "json"
}

func (h *Handler) send(c *fiber.Ctx, r *Report, format string) error {
	name := url.PathEscape("行政复议统计-" + r.Period.Code)
	switch format {
	case "pdf":
		b, err := r.PDF(h.organ(c.UserContext()))
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, "application/pdf")
		c.Set(fiber.HeaderContentDisposition, "inline; filename*=UTF-8''"+name+".pdf")
		return c.Send(b)
	case "xlsx":
		b, err := r.XLSX(h.organ(c.UserContext()))
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		c.Set(fiber.HeaderContentDisposition, "attachment; filename*=UTF-8''"+name+".xlsx")
		return c.Send(b)
	case "csv":
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
		c.Set(fiber.HeaderContentDisposition, "attachment; filename*=UTF-8''"+name+".csv")
		return c.Send(r.CSV())
	}
	return c.JSON(r)
}

func (h *Handler) apiReport(c *fiber.Ctx) error {
	code, format := splitFormat(c.Params("period"))
	p, err := ParsePeriod(code)
	if err != nil {
		return err
	}
	r, err := Compute(c.UserContext(), h.DB, p, true)
	if err != nil {
		return err
	}
	return h.send(c, r, format)
}

func (h *Handler) pageReport(c *fiber.Ctx) error {
	today := h.Today()
	code := c.Query("period")
	if code == "" {
		code = today.AddMonths(-1).Time().Format("2006-01")
	}
	p, err := ParsePeriod(code)
	if err != nil {
		return err
	}
	r, err := Compute(c.UserContext(), h.DB, p, true)
	if err != nil {
		return err
	}
	var versions []Version
	h.DB.SelectContext(c.UserContext(), &versions, queryVersions, p.Code)
	return web.Render(c, "reports/report", fiber.Map{"Title": "统计报表 " + p.Label, "R": r, "Charts": r.Charts(), "Outcomes": Outcomes,
		"Header": MainHeader(), "Rates": r.RateTable(), "Versions": versions, "Code": p.Code})
}

// Version is a published version of a period's statistics.
type Version struct {
	Version int    `db:"version" json:"version"`
	Reason  string `db:"reason" json:"reason"`
	By      string `db:"by" json:"published_by"`
	At      string `db:"at" json:"published_at"`
}

const queryVersions = `SELECT p.version, p.reason, u.name AS by, to_char(p.published_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') AS at
FROM report_publications p JOIN users u ON u.id = p.published_by WHERE p.period = $1 ORDER BY p.version DESC`

// Publish freezes the figures of a period as a new version (a republication needs a reason).
func (h *Handler) Publish(ctx context.Context, u *auth.User, code, reason string) (int, error) {
	p, err := ParsePeriod(code)
	if err != nil {
		return 0, err
	}
	if !p.To.Before(h.Today()) {
		return 0, apperr.State("report.period_open", "统计期间%s尚未结束，结束后才能发布", p.Label)
	}
	r, err := Compute(ctx, h.DB, p, true)
	if err != nil {
		return 0, err
	}
	snap, err := json.Marshal(r)
	if err != nil {
		return 0, err
	}
	var version int
	err = h.DB.GetContext(ctx, &version, `INSERT INTO report_publications (period, version, snapshot, reason, published_by)
		VALUES ($1, (SELECT coalesce(max(version), 0) + 1 FROM report_publications WHERE period = $1), $2, $3, $4) RETURNING version`,
		p.Code, snap, strings.TrimSpace(reason), u.ID)
	if err != nil && strings.Contains(err.Error(), "report_publications_check") {
		return 0, &apperr.Error{Kind: apperr.Invalid, Code: "report.reason", Message: "重新发布须说明理由（原版本仍可查看）", Fields: map[string]string{"reason": "重新发布须说明理由"}}
	}
	return version, err
}

func (h *Handler) apiPublish(c *fiber.Ctx) error {
	var in struct {
		Reason string `json:"reason"`
	}
	if len(c.Body()) > 0 {
		if err := web.BindJSON(c, &in); err != nil {
			return err
		}
	}
	v, err := h.Publish(c.UserContext(), web.CurrentUser(c), c.Params("period"), in.Reason)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"period": c.Params("period"), "version": v, "url": "/statistics/" + c.Params("period")})
}

func (h *Handler) pagePublish(c *fiber.Ctx) error {
	code := c.FormValue("period")
	if _, err := h.Publish(c.UserContext(), web.CurrentUser(c), code, c.FormValue("reason")); err != nil {
		if e, ok := apperr.As(err); ok && (e.Kind == apperr.Invalid || e.Kind == apperr.Conflict) {
			web.Flash(c, e.Message)
			return c.Redirect("/reports?period="+url.QueryEscape(code), fiber.StatusSeeOther)
		}
		return err
	}
	web.Flash(c, "统计数据已发布，公开页面显示本次冻结的数据")
	return c.Redirect("/statistics/"+url.PathEscape(code), fiber.StatusSeeOther)
}

var errNoStatistics = apperr.New(apperr.NotFound, "statistics.not_found", "该期统计数据尚未发布")

// pagePublic shows the frozen snapshot of a published period (?v= for an earlier version).
func (h *Handler) pagePublic(c *fiber.Ctx) error {
	code := c.Params("period")
	if _, err := ParsePeriod(code); err != nil {
		return errNoStatistics
	}
	v, err := web.QueryInt(c, "v", 1, web.MaxInt32)
	if err != nil {
		return err
	}
	var snap []byte
	err = h.DB.GetContext(c.UserContext(), &snap, `SELECT snapshot FROM report_publications WHERE period = $1 AND ($2 = 0 OR version = $2)
		ORDER BY version DESC LIMIT 1`, code, v)
	if err != nil {
		return errNoStatistics
	}
	var r Report
	if err := json.Unmarshal(snap, &r); err != nil {
		return err
	}
	var versions []Version
	h.DB.SelectContext(c.UserContext(), &versions, queryVersions, code)
	shown := versions[0].Version
	if v > 0 {
		shown = v
	}
	return web.Render(c, "public/statistics", fiber.Map{"Title": "行政复议统计 " + r.Period.Label, "R": &r, "Charts": r.Charts(), "Header": MainHeader(),
		"Rates": r.RateTable(), "Versions": versions, "Shown": shown, "Code": code})
}

// DraftLastMonth computes last month's report on the 1st, stores it as a draft and tells the bureau.
func (h *Handler) DraftLastMonth(ctx context.Context) error {
	today := h.Today()
	code := today.AddMonths(-1).Time().Format("2006-01")
	p, _ := ParsePeriod(code)
	r, err := Compute(ctx, h.DB, p, true)
	if err != nil {
		return err
	}
	snap, _ := json.Marshal(r)
	if _, err := h.DB.ExecContext(ctx, `INSERT INTO report_drafts (period, snapshot) VALUES ($1, $2)
		ON CONFLICT (period) DO UPDATE SET snapshot = EXCLUDED.snapshot, created_at = now()`, code, snap); err != nil {
		return err
	}
	_, err = h.DB.ExecContext(ctx, `INSERT INTO notices (user_id, kind, dedupe_key, title)
		SELECT id, 'report_draft', 'report:' || $1, $2 FROM users WHERE role = 'bureau' AND active
		ON CONFLICT (user_id, dedupe_key) DO NOTHING`, code, fmt.Sprintf("%s统计报表草稿已生成，请审核后发布", p.Label))
	return err
}

// Job is the scheduled monthly draft (06:30 on the 1st, China time).
func (h *Handler) Job() notices.Job {
	return notices.Job{Spec: "30 6 1 * *", Name: "monthly report draft", Run: h.DraftLastMonth}
}

// Routes lists the URLs of the statistics feature.
func (h *Handler) Routes(r *web.Router) {
	C, B := auth.RoleChief, auth.RoleBureau
	r.Staff(fiber.MethodGet, "/api/v1/reports/monthly/:period", h.apiReport, C, B)
	r.Staff(fiber.MethodGet, "/api/v1/reports/:period", h.apiReport, C, B)
	r.Staff(fiber.MethodPost, "/api/v1/reports/monthly/:period/publication", h.apiPublish, B)
	r.Staff(fiber.MethodGet, "/reports", h.pageReport, C, B)
	r.Staff(fiber.MethodPost, "/reports/publish", h.pagePublish, B)
	r.Public(fiber.MethodGet, "/statistics/:period", h.pagePublic)
}
