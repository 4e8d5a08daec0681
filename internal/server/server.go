// Package server assembles the features into one Fiber app. `fuyi serve` and the HTTP tests both use it,
// so tests exercise exactly the routes, middleware and error mapping that production runs.
package server

import (
	"crypto/rand"
	"encoding/hex"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/jmoiron/sqlx"

	"fuyi/cases"
	"fuyi/hearings"
	"fuyi/internal/accounts"
	"fuyi/internal/auth"
	"fuyi/internal/calendar"
	"fuyi/internal/config"
	"fuyi/internal/date"
	"fuyi/internal/pdf"
	"fuyi/internal/web"
	"fuyi/notices"
	"fuyi/reports"
	"fuyi/templates"
)

// Server is the assembled application.
type Server struct {
	App      *fiber.App
	Router   *web.Router
	DB       *sqlx.DB
	Sessions *auth.Sessions
	Calendar *calendar.Provider
	Cases    *cases.Service
	Alerts   *notices.Runner
	Outbox   *notices.Outbox
	Jobs     []notices.Job // further scheduled jobs (monthly report draft)
}

// New wires every feature. today overrides the clock (tests); nil means the real date in China.
func New(db *sqlx.DB, cfg config.Config, log *slog.Logger, today func() date.Date) (*Server, error) {
	if today == nil {
		today = date.Today
	}
	cases.MinOfficers, cases.MinOfficersComplex = cfg.MinOfficers, cfg.MinOfficersComplex
	// the database guard of the staffing rule uses the same minimums
	if _, err := db.Exec(`UPDATE organ SET min_officers = $1, min_officers_complex = $2 WHERE id = 1
		AND (min_officers, min_officers_complex) IS DISTINCT FROM ($1, $2)`, cfg.MinOfficers, cfg.MinOfficersComplex); err != nil {
		return nil, err
	}
	cases.Docs = pdf.NewTemplates(templates.Docs)

	views := web.NewViews(templates.Pages, template.FuncMap{
		"dlLabel":     cases.DeadlineLabel,
		"noticeLevel": notices.LevelLabel,
		"outcomeKeys": func() []string {
			keys := make([]string, len(reports.Outcomes))
			for i, o := range reports.Outcomes {
				keys[i] = o.Key
			}
			return keys
		},
		"instLabel":    cases.InstanceLabel,
		"outcomeLabel": func(code string) string { o, _ := cases.OutcomeOf(code); return o.Label },
		"headRank":     func(r string) string { return hearings.HeadRanks[r] },
		"absence":      func(r string) string { return hearings.AbsenceReasons[r] },
		"channelLabel": cases.ChannelLabel,
		"procLabel":    func(p string) string { return cases.Procedure(p).Label() },
		"formKey": func() string {
			b := make([]byte, 12)
			rand.Read(b)
			return hex.EncodeToString(b)
		},
	})
	if err := views.Load(); err != nil {
		return nil, err
	}
	app := web.New(web.Options{Logger: log, Views: views, BodyLimit: cfg.BodyLimit, CookieSecure: cfg.CookieSecure})
	static, _ := fs.Sub(templates.Static, "static")
	app.Use("/static", filesystem.New(filesystem.Config{Root: http.FS(static), MaxAge: 3600}))
	app.Use(web.SecurityHeaders)

	s := &Server{App: app, Router: web.NewRouter(app), DB: db}
	s.Sessions = auth.NewSessions(db, cfg.SessionTTL)
	s.Calendar = calendar.NewProvider(db)
	app.Use(web.Authenticate(s.Sessions))

	s.Cases = cases.NewService(db, s.Calendar)
	s.Cases.Today = today

	ah := &accounts.Handler{DB: db, Sessions: s.Sessions, CookieSecure: cfg.CookieSecure}
	ah.Routes(s.Router)
	ah.AdminRoutes(s.Router)
	ch := &cases.Handler{Service: s.Cases}
	hh := &hearings.Handler{Service: &hearings.Service{DB: db, Calendar: s.Calendar, Today: today, Cases: s.Cases}}
	hh.Attach(ch)
	hearings.DeadlineLabel = cases.DeadlineLabel
	cases.AbsenceLabel = func(r string) string { return hearings.AbsenceReasons[r] }
	ch.Routes(s.Router)
	hh.Routes(s.Router)

	s.Outbox = &notices.Outbox{DB: db, Log: log, Label: cases.DeadlineLabel,
		SMTP:    notices.SMTPConfig{Addr: cfg.SMTPAddr, From: cfg.SMTPFrom, Username: cfg.SMTPUser, Password: cfg.SMTPPassword},
		Webhook: notices.WebhookConfig{URL: cfg.WebhookURL, Secret: cfg.WebhookSecret}}
	s.Alerts = &notices.Runner{DB: db, Calendar: s.Calendar, Config: notices.Config{ApproachingWorkdays: cfg.AlertWorkdays},
		Outbox: s.Outbox, Log: log, Today: today}
	nh := &notices.Handler{DB: db, Runner: s.Alerts, Label: cases.DeadlineLabel}
	nh.Routes(s.Router)
	rh := &reports.Handler{DB: db, Today: today}
	rh.Routes(s.Router)
	s.Jobs = append(s.Jobs, rh.Job())
	web.RenderHooks = []func(*fiber.Ctx, fiber.Map){nh.UnreadCount}

	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	return s, nil
}
