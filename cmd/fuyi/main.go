// Command fuyi is the case manager for 行政复议 and 行政应诉: web server, migrations, demo data and
// administrative commands in one binary.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // Asia/Shanghai without system zoneinfo

	"github.com/jmoiron/sqlx"

	"fuyi/cases"
	"fuyi/internal/apperr"
	"fuyi/internal/auth"
	"fuyi/internal/config"
	"fuyi/internal/database"
	"fuyi/internal/date"
	"fuyi/internal/demo"
	"fuyi/internal/server"
	"fuyi/migrations"
	"fuyi/notices"
)

const usage = `fuyi — 行政复议与行政应诉案件管理

usage:
  fuyi serve                 run the web server (refuses to start while migrations are pending)
  fuyi migrate               apply the embedded migrations
  fuyi seed-demo [--cases N] create the demo organisation (idempotent); --cases adds N synthetic cases of history
  fuyi alerts run [--date YYYY-MM-DD]
                             run the deadline-alert job once as of DATE; prints how many notices it made
  fuyi user add --username U --name N --role R [--window CODE] [--qualified]
                             create or update a user; the password is read from stdin
  fuyi organ staffing [--min N --complex M]
                             show or set the minimum number of 办案人员 per case (ordinary / 重大复杂疑难)

configuration comes from the environment: DATABASE_URL, FUYI_ADDR, … (see README.md)
`

func main() {
	if err := run(os.Args[1:]); err != nil {
		if e, ok := apperr.As(err); ok {
			fmt.Fprintln(os.Stderr, "fuyi:", e.Message)
			for k, v := range e.Fields {
				fmt.Fprintf(os.Stderr, "  %s: %s\n", k, v)
			}
		} else {
			fmt.Fprintln(os.Stderr, "fuyi:", err)
		}
		os.Exit(1)
	}
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, nil))
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}

func open(ctx context.Context, cfg config.Config) (*sqlx.DB, error) {
	if cfg.DatabaseURL == "" {
		return nil, errors.New("DATABASE_URL is not set (use `make run` for a private database, or see README.md)")
	}
	return database.Open(ctx, cfg.DatabaseURL, cfg.DBMaxConns)
}

func run(args []string) error {
	if len(args) == 0 {
		fmt.Print(usage)
		return nil
	}
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch args[0] {
	case "serve":
		return serve(ctx, cfg)
	case "migrate":
		return migrateCmd(ctx, cfg)
	case "seed-demo":
		return seedCmd(ctx, cfg, args[1:])
	case "user":
		return userCmd(ctx, cfg, args[1:])
	case "alerts":
		return alertsCmd(ctx, cfg, args[1:])
	case "organ":
		return organCmd(ctx, cfg, args[1:])
	case "help", "-h", "--help":
		fmt.Print(usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n\n%s", args[0], usage)
}

func migrateCmd(ctx context.Context, cfg config.Config) (err error) {
	db, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	names, err := database.Migrate(ctx, db, migrations.FS)
	if err != nil {
		return err
	}
	if len(names) == 0 {
		fmt.Println("migrations: up to date")
	}
	for _, n := range names {
		fmt.Println("migrations: applied", n)
	}
	return nil
}

func seedCmd(ctx context.Context, cfg config.Config, args []string) (err error) {
	fs := flag.NewFlagSet("seed-demo", flag.ContinueOnError)
	n := fs.Int("cases", 0, "also generate N synthetic cases of history (realistic volumes and shares)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 0 || *n > 5000000 {
		return errors.New("--cases must be between 0 and 5,000,000")
	}
	db, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	if err := requireMigrated(ctx, db); err != nil {
		return err
	}
	if err := demo.Seed(ctx, db); err != nil {
		return err
	}
	fmt.Println("demo organisation ready; every demo user's password is", demo.Password)
	if *n > 0 {
		if err := demo.Synthetic(ctx, db, *n, date.Today(), os.Stderr); err != nil {
			return err
		}
		fmt.Printf("%d synthetic cases added\n", *n)
	}
	return nil
}

func requireMigrated(ctx context.Context, db *sqlx.DB) error {
	pending, err := database.Pending(ctx, db, migrations.FS)
	if err != nil {
		return err
	}
	if len(pending) > 0 {
		names := make([]string, len(pending))
		for i, m := range pending {
			names[i] = m.Name
		}
		return fmt.Errorf("%d migrations are pending (%s): run `fuyi migrate` first", len(pending), strings.Join(names, ", "))
	}
	return nil
}

func userCmd(ctx context.Context, cfg config.Config, args []string) (err error) {
	if len(args) == 0 || args[0] != "add" {
		return errors.New("usage: fuyi user add --username U --name N --role R [--window CODE] [--qualified]")
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	var n auth.NewUser
	var role string
	fs.StringVar(&n.Username, "username", "", "login name")
	fs.StringVar(&n.Name, "name", "", "full name")
	fs.StringVar(&role, "role", "", "window, officer, chief or bureau")
	fs.StringVar(&n.WindowCode, "window", "", "司法所 code (window staff only)")
	fs.BoolVar(&n.Qualified, "qualified", false, "holds the 法律职业资格 (may act as 办案人员)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	n.Role = auth.Role(role)
	pw, err := io.ReadAll(io.LimitReader(os.Stdin, 1024))
	if err != nil {
		return err
	}
	n.Password = strings.TrimRight(string(pw), "\r\n")
	db, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	if err := requireMigrated(ctx, db); err != nil {
		return err
	}
	id, err := auth.NewStore(db).Upsert(ctx, n)
	if err != nil {
		return err
	}
	fmt.Printf("user %s saved (id %d, role %s)\n", n.Username, id, n.Role)
	return nil
}

// organCmd shows or sets the staffing minimums, kept in the organ settings where both the Go rule and the
// database trigger check_team read them.
func organCmd(ctx context.Context, cfg config.Config, args []string) (err error) {
	if len(args) == 0 || args[0] != "staffing" {
		return errors.New("usage: fuyi organ staffing [--min N --complex M]")
	}
	fs := flag.NewFlagSet("organ staffing", flag.ContinueOnError)
	minimum := fs.Int("min", 0, "minimum 办案人员 per case (条例第32条: at least 2)")
	complexMin := fs.Int("complex", 0, "minimum for 重大、复杂、疑难 cases")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	db, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	if err := requireMigrated(ctx, db); err != nil {
		return err
	}
	st := cases.NewStore(db)
	if *minimum != 0 || *complexMin != 0 {
		cur, err := st.Staffing(ctx)
		if err != nil {
			return err
		}
		if *minimum != 0 {
			cur.Min = *minimum
		}
		if *complexMin != 0 {
			cur.MinComplex = *complexMin
		}
		if err := st.SetStaffing(ctx, cur); err != nil {
			return err
		}
	}
	cur, err := st.Staffing(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("staffing: at least %d officers per case, %d for 重大、复杂、疑难 cases\n", cur.Min, cur.MinComplex)
	return nil
}

func serve(ctx context.Context, cfg config.Config) (err error) {
	log := newLogger(cfg, os.Stdout)
	if cfg.DatabaseURL == "" {
		return errors.New("DATABASE_URL is not set (use `make run` for a private database, or see README.md)")
	}
	// second guard behind the request deadlines: PostgreSQL itself ends statements that run longer than the
	// longest request may, and sessions left idle inside a transaction
	db, err := database.OpenWith(ctx, cfg.DatabaseURL, database.Options{MaxConns: cfg.DBMaxConns,
		StatementTimeout: cfg.ExportTimeout, IdleInTransactionTimeout: max(2*cfg.RequestTimeout, 10*time.Second)})
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	if err := requireMigrated(ctx, db); err != nil {
		return err
	}
	srv, err := server.New(db, cfg, log, nil)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, srv.Replica.Close()) }()
	if cfg.Scheduler {
		sched, err := notices.Schedule(ctx, srv.Alerts, srv.Outbox, log, srv.Jobs...)
		if err != nil {
			return err
		}
		defer sched.Stop()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.App.Listen(cfg.Addr) }()
	log.Info("listening", "addr", cfg.Addr)
	purge := time.NewTicker(time.Hour)
	defer purge.Stop()
	for {
		select {
		case err := <-errc:
			return err
		case <-purge.C:
			if err := srv.Sessions.Purge(ctx); err != nil {
				log.Warn("purge sessions", "error", err.Error())
			}
		case <-ctx.Done():
			log.Info("shutting down")
			sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			return srv.App.ShutdownWithContext(sctx)
		}
	}
}

func alertsCmd(ctx context.Context, cfg config.Config, args []string) (err error) {
	if len(args) == 0 || args[0] != "run" {
		return errors.New("usage: fuyi alerts run [--date YYYY-MM-DD]")
	}
	fs := flag.NewFlagSet("alerts run", flag.ContinueOnError)
	on := fs.String("date", "", "run as if today were this date (default: today in China)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	d := date.Today()
	if *on != "" {
		var err error
		if d, err = date.Parse(*on); err != nil {
			return fmt.Errorf("--date must be YYYY-MM-DD")
		}
	}
	db, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	if err := requireMigrated(ctx, db); err != nil {
		return err
	}
	srv, err := server.New(db, cfg, newLogger(cfg, io.Discard), func() date.Date { return d })
	if err != nil {
		return err
	}
	res, err := srv.Alerts.RunOn(ctx, d)
	if err != nil {
		return err
	}
	fmt.Printf("alerts %s: %d notices created (%d deadline alerts, %d lapsed reviews, %d calendar warnings, %d digests)\n",
		d, res.Total(), res.Created, res.Lapsed, res.Calendar, res.Digests)
	return nil
}
