// Package reportweb serves the statistics over HTTP: the JSON API, the exports (PDF, XLSX, CSV), the staff
// page and the published periods.
package reportweb

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"

	"fuyi/internal/apperr"
	"fuyi/internal/auth"
	"fuyi/internal/database"
	"fuyi/internal/web"
	"fuyi/reports"
)

// Handler serves the statistics.
type Handler struct {
	Service       *reports.Service
	ExportTimeout time.Duration     // deadline of the report pages and exports (longer than a request's)
	Reads         *database.Replica // where the statistics are read (a replica when configured); nil: the primary
}

// New builds the handler; the statistics are read through reads.
func New(s *reports.Service, exportTimeout time.Duration, reads *database.Replica) *Handler {
	return &Handler{Service: s, ExportTimeout: exportTimeout, Reads: reads}
}

// read runs fn with the service reading the replica when one is usable (else the primary) and returns the
// sentence saying how fresh the figures are ("" when read from the primary).
func (h *Handler) read(c *fiber.Ctx, fn func(s *reports.Service) error) (string, error) {
	if h.Reads == nil {
		return "", fn(h.Service)
	}
	f, err := h.Reads.Read(c.UserContext(), func(db *sqlx.DB) error {
		s := *h.Service
		s.DB = db
		return fn(&s)
	})
	return f.Text(), err
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

func (h *Handler) send(c *fiber.Ctx, r *reports.Report, format string) error {
	name := url.PathEscape("行政复议统计-" + r.Period.Code)
	switch format {
	case "pdf":
		organ, err := h.Service.Organ(c.UserContext())
		if err != nil {
			return err
		}
		b, err := r.PDF(organ)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, "application/pdf")
		c.Set(fiber.HeaderContentDisposition, "inline; filename*=UTF-8''"+name+".pdf")
		return c.Send(b)
	case "xlsx":
		organ, err := h.Service.Organ(c.UserContext())
		if err != nil {
			return err
		}
		b, err := r.XLSX(organ)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		c.Set(fiber.HeaderContentDisposition, "attachment; filename*=UTF-8''"+name+".xlsx")
		return c.Send(b)
	case "csv":
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
		c.Set(fiber.HeaderContentDisposition, "attachment; filename*=UTF-8''"+name+".csv")
		b, err := r.CSV()
		if err != nil {
			return err
		}
		return c.Send(b)
	}
	return c.JSON(r)
}

func (h *Handler) apiReport(c *fiber.Ctx) error {
	code, format := splitFormat(c.Params("period"))
	p, err := reports.ParsePeriod(code)
	if err != nil {
		return err
	}
	var r *reports.Report
	if _, err := h.read(c, func(s *reports.Service) (err error) {
		r, err = reports.Compute(c.UserContext(), s.DB, p, true)
		return err
	}); err != nil {
		return err
	}
	return h.send(c, r, format)
}

func (h *Handler) pageReport(c *fiber.Ctx) error {
	today := h.Service.Today()
	code := c.Query("period")
	if y := c.Query("year"); y != "" {
		code = periodFromPicker(y, c.Query("kind"), c.Query("n"))
	}
	if code == "" {
		code = today.AddMonths(-1).Time().Format("2006-01")
	}
	p, err := reports.ParsePeriod(code)
	if err != nil {
		return err
	}
	var r *reports.Report
	var versions []reports.Version
	fresh, err := h.read(c, func(s *reports.Service) (err error) {
		if r, err = reports.Compute(c.UserContext(), s.DB, p, true); err != nil {
			return err
		}
		versions, err = s.Versions(c.UserContext(), p.Code)
		return err
	})
	if err != nil {
		return err
	}
	return web.Render(c, "reports/report", fiber.Map{"Title": "统计报表 " + p.Label, "R": r, "Charts": r.Charts(), "Outcomes": reports.Outcomes,
		"Header": reports.MainHeader(), "Rates": r.RateTable(), "Versions": versions, "Code": p.Code, "Freshness": fresh,
		"Pick": pickerOf(p.Code), "Years": pickerYears(today.Year())})
}

// picker is the period pickers' state for a period code.
type picker struct{ Kind, Year, N string }

func pickerOf(code string) picker {
	parts := strings.Split(code, "-")
	switch {
	case len(parts) == 1:
		return picker{"year", parts[0], ""}
	case len(parts) == 3:
		return picker{"ytd", parts[0], strings.TrimPrefix(parts[2], "0")}
	case strings.HasPrefix(strings.ToUpper(parts[1]), "Q"):
		return picker{"quarter", parts[0], parts[1][1:]}
	}
	return picker{"month", parts[0], strings.TrimPrefix(parts[1], "0")}
}

func pickerYears(this int) []string {
	var out []string
	for y := this; y >= this-6; y-- {
		out = append(out, strconv.Itoa(y))
	}
	return out
}

func (h *Handler) apiPublish(c *fiber.Ctx) error {
	var in publishInput
	if len(c.Body()) > 0 {
		if err := web.BindJSON(c, &in); err != nil {
			return err
		}
	}
	v, err := h.Service.Publish(c.UserContext(), web.CurrentUser(c), c.Params("period"), in.Reason)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, "/statistics/"+c.Params("period"))
	return c.Status(fiber.StatusCreated).JSON(publishAnswer{Period: c.Params("period"), Version: v, URL: "/statistics/" + c.Params("period")})
}

func (h *Handler) pagePublish(c *fiber.Ctx) error {
	code := c.FormValue("period")
	if _, err := h.Service.Publish(c.UserContext(), web.CurrentUser(c), code, c.FormValue("reason")); err != nil {
		if e, ok := apperr.As(err); ok && (e.Kind == apperr.Invalid || e.Kind == apperr.Conflict) {
			web.Flash(c, e.Message)
			return c.Redirect("/reports?period="+url.QueryEscape(code), fiber.StatusSeeOther)
		}
		return err
	}
	web.Flash(c, "统计数据已发布，公开页面显示本次冻结的数据")
	return c.Redirect("/statistics/"+url.PathEscape(code), fiber.StatusSeeOther)
}

// pagePublic shows the frozen snapshot of a published period (?v= for an earlier version).
// pagePublicIndex lists the published statistics (linked from the public navigation).
func (h *Handler) pagePublicIndex(c *fiber.Ctx) error {
	var ps []reports.PublishedPeriod
	fresh, err := h.read(c, func(s *reports.Service) (err error) {
		ps, err = s.PublishedPeriods(c.UserContext())
		return err
	})
	if err != nil {
		return err
	}
	return web.Render(c, "public/statistics_index", fiber.Map{"Title": "行政复议统计数据", "Periods": ps, "Freshness": fresh})
}

func (h *Handler) pagePublic(c *fiber.Ctx) error {
	code := c.Params("period")
	if _, err := reports.ParsePeriod(code); err != nil {
		return reports.ErrNoStatistics
	}
	v, err := web.QueryInt(c, "v", 1, web.MaxInt32)
	if err != nil {
		return err
	}
	var r *reports.Report
	var versions []reports.Version
	fresh, err := h.read(c, func(s *reports.Service) (err error) {
		if r, err = s.Published(c.UserContext(), code, v); err != nil {
			return err
		}
		versions, err = s.Versions(c.UserContext(), code)
		return err
	})
	if err != nil {
		return err
	}
	shown := v
	if shown == 0 && len(versions) > 0 {
		shown = versions[0].Version
	}
	return web.Render(c, "public/statistics", fiber.Map{"Title": "行政复议统计 " + r.Period.Label, "R": r, "Charts": r.Charts(), "Header": reports.MainHeader(),
		"Rates": r.RateTable(), "Versions": versions, "Shown": shown, "Code": code, "Freshness": fresh})
}

// RulePublish: the bureau publishes a period's statistics (page and API).
var RulePublish = web.NewRule("report.publish", auth.RoleBureau)

// Routes lists the URLs of the statistics feature.
func (h *Handler) Routes(r *web.Router) {
	C, B := auth.RoleChief, auth.RoleBureau
	long := func(f fiber.Handler) fiber.Handler { return web.Extended(h.ExportTimeout, f) }
	r.Staff(fiber.MethodGet, "/api/v1/reports/monthly/:period", long(h.apiReport), C, B)
	r.Staff(fiber.MethodGet, "/api/v1/reports/:period", long(h.apiReport), C, B)
	r.Action(fiber.MethodPost, "/api/v1/reports/monthly/:period/publication", long(h.apiPublish), RulePublish)
	r.Staff(fiber.MethodGet, "/reports", long(h.pageReport), C, B)
	r.Action(fiber.MethodPost, "/reports/publish", long(h.pagePublish), RulePublish)
	r.PublicSection(fiber.MethodGet, "/statistics", h.pagePublicIndex)
	r.PublicSection(fiber.MethodGet, "/statistics/:period", h.pagePublic)
}

// periodFromPicker builds the period code from the page's pickers: a year, a kind (月 month, 季 quarter,
// 年 year, 累 year to date) and a month or quarter number. An incomplete choice gives a code that
// ParsePeriod refuses with its Chinese message.
func periodFromPicker(year, kind, n string) string {
	if len(n) == 1 && kind != "quarter" {
		n = "0" + n
	}
	switch kind {
	case "year":
		return year
	case "quarter":
		return year + "-Q" + n
	case "ytd":
		return year + "-ytd-" + n
	}
	return year + "-" + n
}
