// Package server is the composition root: it assembles the features into one Fiber app, passing each the
// services, functions and labels it needs as constructor arguments (no package globals, no hook slices).
// `fuyi serve` and the HTTP tests both use it, so tests exercise exactly the routes, middleware and error
// mapping that production runs.
package server

import (
	"context"
	"crypto/rand"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/jmoiron/sqlx"

	"fuyi/cases"
	"fuyi/cases/casefile"
	"fuyi/cases/casefile/casefileweb"
	"fuyi/cases/caseweb"
	"fuyi/cases/lawsuits"
	"fuyi/cases/lawsuits/lawsuitweb"
	"fuyi/cases/publication"
	"fuyi/cases/publication/publicationweb"
	"fuyi/hearings"
	"fuyi/hearings/hearingweb"
	"fuyi/internal/accounts"
	"fuyi/internal/apidoc"
	"fuyi/internal/auth"
	"fuyi/internal/calendar"
	"fuyi/internal/calendar/calendarweb"
	"fuyi/internal/config"
	"fuyi/internal/database"
	"fuyi/internal/date"
	"fuyi/internal/ops"
	"fuyi/internal/ops/opsweb"
	"fuyi/internal/pdf"
	"fuyi/internal/web"
	"fuyi/migrations"
	"fuyi/notices"
	"fuyi/notices/noticeweb"
	"fuyi/organs"
	"fuyi/organs/organweb"
	"fuyi/reports"
	"fuyi/reports/reportweb"
	"fuyi/supervision"
	"fuyi/supervision/supervisionweb"
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
	Lawsuits *lawsuits.Service
	Alerts   *notices.Runner
	Outbox   *notices.Outbox
	Jobs     []notices.Job // further scheduled jobs (monthly report draft)
	Metrics  *ops.Metrics
	Ops      *opsweb.Handler
	API      *apidoc.Handler // GET /api/v1/openapi.json and /api/docs
	// Replica serves the reads that may lag (public site, statistics): DATABASE_REPLICA_URL, else the primary.
	Replica *database.Replica
}

// A public search waits at most PublicSearchWait for one of FUYI_PUBLIC_SEARCH_SLOTS (else 503 with
// Retry-After) and runs at most PublicSearchTimeout (else 503).
const (
	PublicSearchWait    = 500 * time.Millisecond
	PublicSearchTimeout = 2 * time.Second
)

// funcs are the template functions of the pages: labels owned by the features.
func funcs() template.FuncMap {
	return template.FuncMap{
		"dlLabel":     lawsuits.DeadlineLabel, // case and lawsuit deadline kinds
		"noticeLevel": notices.LevelLabel,
		"outcomeKeys": func() []string {
			keys := make([]string, len(reports.Outcomes))
			for i, o := range reports.Outcomes {
				keys[i] = o.Key
			}
			return keys
		},
		"instLabel":    lawsuits.InstanceLabel,
		"outcomeLabel": func(code string) string { o, _ := lawsuits.OutcomeOf(code); return o.Label },
		"headRank":     func(r string) string { return lawsuits.HeadRanks[r] },
		"absence":      func(r string) string { return lawsuits.AbsenceReasons[r] },
		"channelLabel": cases.ChannelLabel,
		"procLabel":    func(p string) string { return cases.Procedure(p).Label() },
		"formKey":      rand.Text, // the idempotency key of a form (against double submission)
	}
}

// New wires every feature. today overrides the clock (tests); nil means the real date in China.
func New(db *sqlx.DB, cfg config.Config, log *slog.Logger, today func() date.Date) (*Server, error) {
	if today == nil {
		today = date.Today
	}
	views := web.NewViews(templates.Pages, funcs())
	if err := views.Load(); err != nil {
		return nil, err
	}
	bodies := web.NewBodyLimits(cfg.BodyLimit)
	metrics := ops.NewMetrics()
	proxies, err := web.ParseProxies(cfg.TrustedProxies)
	if err != nil {
		return nil, fmt.Errorf("FUYI_TRUSTED_PROXIES: %w", err)
	}
	app := web.New(web.Options{Logger: log, Views: views, Bodies: bodies, BodyLimit: cfg.BodyLimit, CookieSecure: cfg.CookieSecure,
		TrustedProxies: proxies,
		RequestTimeout: cfg.RequestTimeout, Observe: func(c *fiber.Ctx, took time.Duration) {
			route := c.Route().Path
			if unmatched, _ := c.Locals("unmatched").(bool); unmatched {
				route = "unmatched"
			}
			metrics.Request(c.Method(), route, c.Response().StatusCode(), took)
		}})
	static, err := fs.Sub(templates.Static, "static")
	if err != nil {
		return nil, err
	}
	// the security headers go on every answer, static files included
	app.Use(web.SecurityHeaders(cfg.CookieSecure))
	app.Use("/static", filesystem.New(filesystem.Config{Root: http.FS(static), MaxAge: 3600}))

	s := &Server{App: app, Router: web.NewRouter(app, bodies), DB: db, Metrics: metrics}
	s.Router.DB = db                      // the Idempotency-Keys of the POST routes
	s.Router.Section = organs.Section(db) // the public site: one section per organ
	// reads that may lag go to the replica with the same statement limit as the primary's pool
	if s.Replica, err = database.OpenReplica(db, cfg.ReplicaURL, database.Options{MaxConns: cfg.DBMaxConns,
		StatementTimeout: cfg.ExportTimeout}, cfg.ReplicaMaxLag); err != nil {
		return nil, err
	}
	s.Sessions = auth.NewSessions(db, cfg.SessionTTL)
	s.Sessions.Log = log
	s.Calendar = calendar.NewProvider(db)
	app.Use(web.Authenticate(s.Sessions))
	app.Use(web.ETag) // ETag from the version of a record answered; If-None-Match

	// the services: each owns its transactions
	s.Cases = cases.NewService(db, s.Calendar, today, hearings.Lister{}, pdf.NewTemplates(templates.Docs))
	s.Lawsuits = lawsuits.NewService(db, s.Calendar, today)
	hs := &hearings.Service{DB: db, Calendar: s.Calendar, Today: today, Issue: s.Cases.IssueProduced,
		Render: s.Cases.RenderLater}
	pub := publication.NewService(s.Cases)
	calAdmin := calendar.NewAdmin(db, s.Calendar, s.Cases, s.Lawsuits)
	s.Outbox = &notices.Outbox{DB: db, Log: log, Label: lawsuits.DeadlineLabel,
		SMTP: notices.SMTPConfig{Addr: cfg.SMTPAddr, From: cfg.SMTPFrom, Username: cfg.SMTPUser, Password: cfg.SMTPPassword,
			TLS: cfg.SMTPTLS},
		Webhook: notices.WebhookConfig{URL: cfg.WebhookURL, Secret: cfg.WebhookSecret, Format: cfg.WebhookFormat}}
	s.Cases.Assigned = s.Outbox.Assigned(today) // the inbox notice (and message) to officers put on a case
	s.Alerts = &notices.Runner{DB: db, Calendar: s.Calendar, Config: notices.Config{ApproachingWorkdays: cfg.AlertWorkdays},
		Outbox: s.Outbox, Log: log, Today: today}
	sup := supervision.NewService(db, today)
	s.Cases.Effective = sup.DocumentEffective // the 抄告 of 复议法第79条第2款
	sup.Anonymise = pub.Anonymise             // 典型案例 summaries: the decisions' redaction rules
	rs := &reports.Service{DB: db, Today: today}
	s.Jobs = append(s.Jobs, rs.Job())

	// the HTTP side of each feature, with what it needs from the others
	nh := noticeweb.New(db, lawsuits.DeadlineLabel, log)
	ch := caseweb.New(s.Cases, hs.FormData)
	app.Use(web.LayoutData(func(c *fiber.Ctx, data fiber.Map) {
		nh.UnreadCount(c, data)
		// the counts beside the navigation's links; a page is still drawn without them
		if err := ch.NavCounts(c, data); err != nil && c.UserContext().Err() == nil {
			log.Warn("navigation counts", "request_id", c.Locals("request_id"), "error", err.Error())
		}
	}))
	ah := &accounts.Handler{DB: db, Sessions: s.Sessions, CookieSecure: cfg.CookieSecure}
	ah.Routes(s.Router)
	ah.AdminRoutes(s.Router)
	ch.MyHearings = hs.MyHearings
	ch.StatsToPublish = func(ctx context.Context) (string, string, string, error) {
		last := today().AddMonths(-1)
		code := fmt.Sprintf("%04d-%02d", last.Year(), int(last.Month()))
		ps, err := rs.PublishedPeriods(ctx)
		if err != nil {
			return "", "", "", err
		}
		for _, p := range ps {
			if p.Period == code {
				return "", "", "", nil
			}
		}
		return fmt.Sprintf("%d年%d月", last.Year(), int(last.Month())), strconv.Itoa(last.Year()), strconv.Itoa(int(last.Month())), nil
	}
	ch.Routes(s.Router)
	lawsuitweb.New(s.Lawsuits).Routes(s.Router)
	calendarweb.New(calAdmin, today).Routes(s.Router)
	ph := publicationweb.New(pub, s.Replica, cfg.PublicURL)
	ph.Searches = web.NewSlots(cfg.PublicSearchSlots, PublicSearchWait, PublicSearchTimeout)
	ph.Routes(s.Router)
	fh := casefileweb.New(casefile.NewService(db, cfg.UploadLimit), cfg.ExportTimeout, ch.RenderCaseError)
	fh.Today = today
	// the upload routes' body allowance, through the router's per-route limits once it has them
	if r, ok := any(s.Router).(interface {
		AllowBody(method, path string, limit int)
	}); ok {
		fh.AllowBody = r.AllowBody
	}
	fh.Routes(s.Router)
	ch.CaseFiles = fh.PageData
	hearingweb.New(hs, ch.RenderCaseError, lawsuits.DeadlineLabel).Routes(s.Router)
	nh.Routes(s.Router)
	reportweb.New(rs, cfg.ExportTimeout, s.Replica).Routes(s.Router)
	supervisionweb.New(sup).Routes(s.Router)
	(&organweb.Handler{DB: db, Today: today, Reads: s.Replica}).Routes(s.Router) // the supervising role's statistics

	s.Ops = &opsweb.Handler{DB: db, Migrations: migrations.FS, Metrics: metrics, Today: today, Token: cfg.MetricsToken}
	s.Ops.Routes(s.Router)

	// the OpenAPI document of every route above: each feature declares its operations beside its handlers
	s.API = &apidoc.Handler{Router: s.Router, Sets: [][]apidoc.Op{accounts.API, caseweb.API, casefileweb.API, publicationweb.API,
		lawsuitweb.API, hearingweb.API, calendarweb.API, noticeweb.API, reportweb.API, supervisionweb.API, opsweb.API, organweb.API}}
	s.API.Routes(s.Router)

	app.Use(s.Router.NotFound)
	return s, nil
}
