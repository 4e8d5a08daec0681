// Command fuyi is the case manager for 行政复议 and 行政应诉: web server, migrations, demo data and
// administrative commands in one binary.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // Asia/Shanghai without system zoneinfo

	"github.com/jmoiron/sqlx"
	"golang.org/x/term"

	"fuyi/cases"
	"fuyi/hearings"
	"fuyi/internal/apperr"
	"fuyi/internal/auth"
	"fuyi/internal/calendar"
	"fuyi/internal/config"
	"fuyi/internal/database"
	"fuyi/internal/date"
	"fuyi/internal/demo"
	"fuyi/internal/pdf"
	"fuyi/internal/server"
	"fuyi/migrations"
	"fuyi/notices"
	"fuyi/organs"
	"fuyi/templates"
)

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

// version is set at build time (make build: -ldflags "-X main.version=…"); otherwise the module's version.
var version = ""

func versionString() string {
	v := version
	if v == "" {
		v = "devel"
		if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
	}
	ms, _ := database.ReadMigrations(migrations.FS)
	last := 0
	if len(ms) > 0 {
		last = ms[len(ms)-1].Version
	}
	return fmt.Sprintf("fuyi %s (%s, schema %04d)", v, runtime.Version(), last)
}

// stdio are the streams of a command; tests give their own.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// command is one entry of the command table: its help text and what it does.
type command struct {
	name string // "user add"
	help string // printed by --help/-h; the first line is the usage line
	run  func(ctx context.Context, cfg config.Config, sio stdio, args []string) error
	// noConfig: runs without reading the configuration (version)
	noConfig bool
}

func commands() []command {
	return []command{
		{name: "serve", run: serve, help: `fuyi serve
    Run the web server on FUYI_ADDR (and /metrics on FUYI_METRICS_ADDR when set). Refuses to start while
    migrations are pending or an applied migration was edited. Stops gracefully on SIGTERM or Ctrl-C.`},
		{name: "migrate", run: migrateCmd, help: `fuyi migrate
    Apply the embedded migrations that are not yet applied, each in its own transaction, under an advisory
    lock (several processes may run it at once). Refuses when an applied migration's file was edited.`},
		{name: "migrate status", run: migrateStatusCmd, help: `fuyi migrate status
    List every migration: applied (with the time) or pending, and any applied migration whose file changed.
    Exits 1 when migrations are pending or changed.`},
		{name: "db-leakproof", run: leakproofCmd, help: `fuyi db-leakproof [--admin-url URL] [--check]
    Mark LEAKPROOF the built-in functions of internal/database/leakproof.sql (text search match, ranges), so
    that PostgreSQL uses the search indexes under row-level security; without the marks every search reads
    its whole table. Needs a superuser's connection to the database of DATABASE_URL: FUYI_ADMIN_DATABASE_URL
    (or --admin-url URL, which other users may see in the process list). Run once per database, and again
    after a restore into a new cluster (pg_dump does not carry the marks); scripts/pg.sh does it for its own
    clusters. --check only reports, as the application role (DATABASE_URL), and exits 1 when marks are missing.`},
		{name: "seed-demo", run: seedCmd, help: `fuyi seed-demo [--cases N]
    Create the demo organisation of the README (idempotent; existing users keep their passwords).
    --cases N also generates N synthetic cases of history (0 to 5,000,000).`},
		{name: "alerts run", run: alertsCmd, help: `fuyi alerts run [--date YYYY-MM-DD]
    Run the deadline-alert job once as of DATE (default today in China) and print how many notices it made.`},
		{name: "user add", run: userAddCmd, help: `fuyi user add --username U --name N --role R [--organ CODE] [--window CODE] [--qualified] [--email E] [--mobile M]
    Create a user, or update the one with that username. R is window (司法所窗口), officer (办案人员),
    chief (复议机构负责人), bureau (司法局) or supervisor (上级统计: the statistics of the organs under the
    user's organ). --organ is the code of the user's 复议机关 (default: the first organ). The password is
    asked for twice without echo on a terminal; otherwise the first line of standard input is the password.`},
		{name: "user passwd", run: userPasswdCmd, help: `fuyi user passwd --username U
    Set a new password (asked twice without echo on a terminal, else the first line of standard input);
    every session of the user ends.`},
		{name: "user email", run: userEmailCmd, help: `fuyi user email --username U --email E
    Set the e-mail address the alerts go to; --email "" removes it.`},
		{name: "user mobile", run: userMobileCmd, help: `fuyi user mobile --username U --mobile M
    Set the mobile number (11 digits); --mobile "" removes it.`},
		{name: "user deactivate", run: userActiveCmd(false), help: `fuyi user deactivate --username U
    Deactivate a user: the user can no longer log in and the user's sessions end at once.`},
		{name: "user activate", run: userActiveCmd(true), help: `fuyi user activate --username U
    Re-activate a deactivated user.`},
		{name: "user list", run: userListCmd, help: `fuyi user list
    List the users with role, state and whether an e-mail and a mobile number are set.`},
		{name: "organ staffing", run: organCmd, help: `fuyi organ staffing [--min N --complex M]
    Show or set the minimum number of 办案人员 per case (ordinary / 重大复杂疑难).`},
		{name: "documents issue-pending", run: documentsIssueCmd, help: `fuyi documents issue-pending
    Issue, with their own dates and 文号, the documents that cases registered before documents were stored
    have produced but never issued (reading a document never issues it). Safe to run again: it issues only
    what is missing, one case per transaction, and prints how many documents it issued.`},
		{name: "openapi", run: openapiCmd, noConfig: true, help: `fuyi openapi
    Print the OpenAPI 3.1 document of the JSON API (the one served at /api/v1/openapi.json), without a
    database: for client generators and the linter of make test (scripts/openapi-lint.sh).`},
		{name: "version", run: versionCmd, noConfig: true, help: `fuyi version    (also fuyi --version)
    Print the version, the Go version and the newest schema migration this binary carries.`},
	}
}

func usage() string {
	var b strings.Builder
	b.WriteString("fuyi — 行政复议与行政应诉案件管理\n\nusage:\n")
	for _, c := range commands() {
		first, _, _ := strings.Cut(c.help, "\n")
		b.WriteString("  " + first + "\n")
	}
	b.WriteString("\n`fuyi COMMAND --help` describes a command. Configuration comes from the environment: DATABASE_URL,\nFUYI_ADDR, … (see README.md)\n")
	return b.String()
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr})
	stop()
	if err != nil {
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

func isHelp(a string) bool { return isHelpFlag(a) || a == "help" }

// isHelpFlag is a help flag anywhere after the command's words.
func isHelpFlag(a string) bool { return a == "-h" || a == "--help" || a == "-help" }

// find picks the command named by the first one or two words of args and returns the rest.
func find(args []string) (*command, []string) {
	cmds := commands()
	if len(args) >= 2 {
		for i := range cmds {
			if cmds[i].name == args[0]+" "+args[1] {
				return &cmds[i], args[2:]
			}
		}
	}
	for i := range cmds {
		if cmds[i].name == args[0] {
			return &cmds[i], args[1:]
		}
	}
	return nil, nil
}

// run dispatches a command line. Help (-h, --help, help anywhere on the line) is answered before anything
// else happens: no configuration is read, no database opened, nothing is done.
func run(ctx context.Context, args []string, sio stdio) error {
	if len(args) == 0 || isHelp(args[0]) && len(args) == 1 {
		_, _ = fmt.Fprint(sio.out, usage())
		return nil
	}
	if args[0] == "--version" || args[0] == "-version" || args[0] == "-v" {
		args = []string{"version"}
	}
	if isHelp(args[0]) { // fuyi help user add
		args = append(args[1:], "--help")
	}
	cmd, rest := find(args)
	if cmd == nil {
		// a group name alone or with an unknown word (fuyi user, fuyi user foo --help): list its commands
		var group []string
		for _, c := range commands() {
			if w, _, _ := strings.Cut(c.name, " "); w == args[0] {
				group = append(group, c.help)
			}
		}
		if len(group) > 0 && (len(args) == 1 || slices.ContainsFunc(args, isHelpFlag)) {
			_, _ = fmt.Fprintln(sio.out, strings.Join(group, "\n\n"))
			return nil
		}
		if len(group) > 0 {
			return fmt.Errorf("unknown command %q\n\n%s", strings.Join(args[:2], " "), strings.Join(group, "\n\n"))
		}
		return fmt.Errorf("unknown command %q\n\n%s", args[0], usage())
	}
	if slices.ContainsFunc(rest, isHelpFlag) {
		_, _ = fmt.Fprintln(sio.out, cmd.help)
		return nil
	}
	var cfg config.Config
	if !cmd.noConfig {
		var err error
		if cfg, err = config.Load(); err != nil {
			return err
		}
	}
	return cmd.run(ctx, cfg, sio, rest)
}

func versionCmd(_ context.Context, _ config.Config, sio stdio, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("version takes no arguments")
	}
	_, _ = fmt.Fprintln(sio.out, versionString())
	return nil
}

// openapiCmd prints the document of the routes that `fuyi serve` registers. The server is assembled on a
// database handle that is never connected: building the routes and the document reads nothing.
func openapiCmd(_ context.Context, _ config.Config, sio stdio, args []string) error {
	if err := flags("openapi", args, func(*flag.FlagSet) {}); err != nil {
		return err
	}
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	db, err := sqlx.Open("postgres", "host=/nonexistent")
	if err != nil {
		return err
	}
	defer func() { _ = db.Close() }()
	srv, err := server.New(db, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		return err
	}
	doc, err := srv.API.Document()
	if err != nil {
		return err
	}
	enc := json.NewEncoder(sio.out)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// flags parses a command's flags; a stray argument is refused (nothing is done with a mistyped line).
func flags(name string, args []string, define func(fs *flag.FlagSet)) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	define(fs)
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %q", name, fs.Arg(0))
	}
	return nil
}

// migrated opens the database and refuses pending or edited migrations.
func migrated(ctx context.Context, cfg config.Config) (*sqlx.DB, error) {
	db, err := open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := requireMigrated(ctx, db); err != nil {
		return nil, errors.Join(err, db.Close())
	}
	return db, nil
}

func migrateStatusCmd(ctx context.Context, cfg config.Config, sio stdio, args []string) (err error) {
	if err := flags("migrate status", args, func(*flag.FlagSet) {}); err != nil {
		return err
	}
	db, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	sts, err := database.Status(ctx, db, migrations.FS)
	if err != nil {
		return err
	}
	pending, changed := 0, 0
	for _, st := range sts {
		switch {
		case st.Changed:
			changed++
			_, _ = fmt.Fprintf(sio.out, "CHANGED  %s  applied %s, file edited since\n", st.Name, st.AppliedAt.Format(time.RFC3339))
		case st.Applied:
			_, _ = fmt.Fprintf(sio.out, "applied  %s  %s\n", st.Name, st.AppliedAt.Format(time.RFC3339))
		default:
			pending++
			_, _ = fmt.Fprintf(sio.out, "pending  %s\n", st.Name)
		}
	}
	_, _ = fmt.Fprintf(sio.out, "%d migrations: %d applied, %d pending, %d changed\n", len(sts), len(sts)-pending, pending, changed)
	if pending > 0 || changed > 0 {
		return fmt.Errorf("the schema is not current: %d pending, %d changed", pending, changed)
	}
	return nil
}

func migrateCmd(ctx context.Context, cfg config.Config, sio stdio, args []string) (err error) {
	if err := flags("migrate", args, func(*flag.FlagSet) {}); err != nil {
		return err
	}
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
		_, _ = fmt.Fprintln(sio.out, "migrations: up to date")
	}
	for _, n := range names {
		_, _ = fmt.Fprintln(sio.out, "migrations: applied", n)
	}
	if missing := leakproofMissing(ctx, db); len(missing) > 0 {
		_, _ = fmt.Fprintln(sio.err, "warning:", database.LeakproofWarning(missing))
	}
	return nil
}

// leakproofMissing names the functions of database.LeakproofSQL not marked in the database; the check only
// warns and never stops a command (nil when it cannot be read).
func leakproofMissing(ctx context.Context, db *sqlx.DB) []string {
	missing, _ := database.LeakproofMissing(ctx, db)
	return missing
}

// leakproofCmd marks the functions of database.LeakproofSQL LEAKPROOF through a superuser's connection, then
// checks through the application's that its database has them (the two URLs must name the same database:
// the marks live in each database's catalog).
func leakproofCmd(ctx context.Context, cfg config.Config, sio stdio, args []string) (err error) {
	var adminURL *string
	var check *bool
	if err := flags("db-leakproof", args, func(fs *flag.FlagSet) {
		adminURL = fs.String("admin-url", "", "a superuser's URL of Fuyi's database (default FUYI_ADMIN_DATABASE_URL)")
		check = fs.Bool("check", false, "only report, as the application role")
	}); err != nil {
		return err
	}
	report := func(db *sqlx.DB, who string) error {
		missing, err := database.LeakproofMissing(ctx, db)
		if err != nil {
			return err
		}
		var name string
		if err := db.GetContext(database.System(ctx), &name, `SELECT current_database()`); err != nil {
			return err
		}
		if len(missing) > 0 {
			return fmt.Errorf("database %s (%s): %s", name, who, database.LeakproofWarning(missing))
		}
		_, _ = fmt.Fprintf(sio.out, "database %s (%s): the %d functions of the list are LEAKPROOF: %s\n", name, who,
			len(database.Leakproof()), strings.Join(database.Leakproof(), ", "))
		return nil
	}
	if *check {
		db, err := open(ctx, cfg)
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, db.Close()) }()
		return report(db, "DATABASE_URL")
	}
	u := *adminURL
	if u == "" {
		u = os.Getenv("FUYI_ADMIN_DATABASE_URL")
	}
	if u == "" {
		return errors.New("db-leakproof: a superuser's URL of Fuyi's database is needed: set FUYI_ADMIN_DATABASE_URL (or give --admin-url)")
	}
	adm, err := database.Open(ctx, u, 2)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, adm.Close()) }()
	if err := database.MarkLeakproof(ctx, adm); err != nil {
		return err
	}
	if err := report(adm, "administrator's URL"); err != nil {
		return err
	}
	if cfg.DatabaseURL == "" {
		return nil
	}
	db, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	if err := report(db, "DATABASE_URL"); err != nil {
		return fmt.Errorf("%w\n(the administrator's URL names another database than DATABASE_URL?)", err)
	}
	return nil
}

func seedCmd(ctx context.Context, cfg config.Config, sio stdio, args []string) (err error) {
	var n *int
	if err := flags("seed-demo", args, func(fs *flag.FlagSet) {
		n = fs.Int("cases", 0, "also generate N synthetic cases of history (realistic volumes and shares)")
	}); err != nil {
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
	_, _ = fmt.Fprintln(sio.out, "demo organisation ready; every demo user's password is", demo.Password)
	if *n > 0 {
		if err := demo.Synthetic(ctx, db, *n, date.Today(), sio.err); err != nil {
			return err
		}
		_, _ = fmt.Fprintf(sio.out, "%d synthetic cases added\n", *n)
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

// readPassword asks for a password without echo on a terminal (twice, when confirm), else reads the first
// line of standard input.
func readPassword(sio stdio, confirm bool) (string, error) {
	if f, ok := sio.in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		_, _ = fmt.Fprint(sio.err, "密码（不回显）: ")
		pw, err := term.ReadPassword(int(f.Fd()))
		_, _ = fmt.Fprintln(sio.err)
		if err != nil {
			return "", err
		}
		if confirm {
			_, _ = fmt.Fprint(sio.err, "再次输入密码: ")
			again, err := term.ReadPassword(int(f.Fd()))
			_, _ = fmt.Fprintln(sio.err)
			if err != nil {
				return "", err
			}
			if string(again) != string(pw) {
				return "", errors.New("两次输入的密码不一致，未保存")
			}
		}
		return string(pw), nil
	}
	line, err := bufio.NewReader(stdLimit(sio.in)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func stdLimit(r io.Reader) io.Reader { return io.LimitReader(r, 1024) }

func userAddCmd(ctx context.Context, cfg config.Config, sio stdio, args []string) (err error) {
	var n auth.NewUser
	var role, email, mobile, organ string
	if err := flags("user add", args, func(fs *flag.FlagSet) {
		fs.StringVar(&n.Username, "username", "", "login name")
		fs.StringVar(&n.Name, "name", "", "full name")
		fs.StringVar(&role, "role", "", "window, officer, chief, bureau or supervisor")
		fs.StringVar(&organ, "organ", "", "code of the user's 复议机关 (default: the first organ)")
		fs.StringVar(&n.WindowCode, "window", "", "司法所 code (window staff only)")
		fs.BoolVar(&n.Qualified, "qualified", false, "holds the 法律职业资格 (may act as 办案人员)")
		fs.StringVar(&email, "email", "", "e-mail address for the alerts")
		fs.StringVar(&mobile, "mobile", "", "mobile number")
	}); err != nil {
		return err
	}
	n.Role = auth.Role(role)
	if n.Password, err = readPassword(sio, true); err != nil {
		return err
	}
	db, err := migrated(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	all, err := organs.List(ctx, db)
	if err != nil {
		return err
	}
	if len(all) == 0 {
		return errors.New("no organ: run fuyi migrate")
	}
	o := all[0]
	if organ != "" {
		if o, err = organs.ByCode(ctx, db, organ); err != nil {
			return fmt.Errorf("no organ with the code %q", organ)
		}
	}
	ctx = database.WithOrgan(ctx, o.ID) // the user, the window looked up, everything: in that organ
	var id int64
	err = database.Tx(ctx, db, func(tx *sqlx.Tx) error {
		st := auth.NewStore(tx)
		var err error
		if id, err = st.Upsert(ctx, n); err != nil {
			return err
		}
		return st.SetContacts(ctx, id, auth.Contacts{Email: &email, Mobile: &mobile})
	})
	if err != nil {
		return err
	}
	_, _ = fmt.Fprintf(sio.out, "user %s saved (id %d, role %s, organ %s)\n", n.Username, id, n.Role, o.Code)
	return nil
}

// userByName parses --username (and whatever else define adds) and finds the user.
func userByName(ctx context.Context, cfg config.Config, name string, args []string, define func(fs *flag.FlagSet)) (*sqlx.DB, *auth.User, error) {
	var username string
	if err := flags(name, args, func(fs *flag.FlagSet) {
		fs.StringVar(&username, "username", "", "login name")
		define(fs)
	}); err != nil {
		return nil, nil, err
	}
	if username == "" {
		return nil, nil, fmt.Errorf("%s: --username is required", name)
	}
	db, err := migrated(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	u, err := auth.NewStore(db).ByUsername(ctx, username)
	if err != nil {
		return nil, nil, errors.Join(err, db.Close())
	}
	return db, u, nil
}

func userPasswdCmd(ctx context.Context, cfg config.Config, sio stdio, args []string) (err error) {
	db, u, err := userByName(ctx, cfg, "user passwd", args, func(*flag.FlagSet) {})
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	pw, err := readPassword(sio, true)
	if err != nil {
		return err
	}
	if err := auth.NewStore(db).SetPassword(ctx, u.ID, pw); err != nil {
		return err
	}
	_, _ = fmt.Fprintf(sio.out, "password of %s changed\n", u.Username)
	return nil
}

func userEmailCmd(ctx context.Context, cfg config.Config, sio stdio, args []string) (err error) {
	email := "\x00"
	db, u, err := userByName(ctx, cfg, "user email", args, func(fs *flag.FlagSet) { fs.StringVar(&email, "email", "\x00", "e-mail address") })
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	if email == "\x00" {
		return errors.New("user email: --email is required (\"\" removes the address)")
	}
	if err := auth.NewStore(db).SetContacts(ctx, u.ID, auth.Contacts{Email: &email}); err != nil {
		return err
	}
	_, _ = fmt.Fprintf(sio.out, "e-mail of %s set\n", u.Username)
	return nil
}

func userMobileCmd(ctx context.Context, cfg config.Config, sio stdio, args []string) (err error) {
	mobile := "\x00"
	db, u, err := userByName(ctx, cfg, "user mobile", args, func(fs *flag.FlagSet) { fs.StringVar(&mobile, "mobile", "\x00", "mobile number") })
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	if mobile == "\x00" {
		return errors.New("user mobile: --mobile is required (\"\" removes the number)")
	}
	if err := auth.NewStore(db).SetContacts(ctx, u.ID, auth.Contacts{Mobile: &mobile}); err != nil {
		return err
	}
	_, _ = fmt.Fprintf(sio.out, "mobile number of %s set\n", u.Username)
	return nil
}

func userActiveCmd(active bool) func(ctx context.Context, cfg config.Config, sio stdio, args []string) error {
	name := "user deactivate"
	if active {
		name = "user activate"
	}
	return func(ctx context.Context, cfg config.Config, sio stdio, args []string) (err error) {
		db, u, err := userByName(ctx, cfg, name, args, func(*flag.FlagSet) {})
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, db.Close()) }()
		if err := auth.SetActive(ctx, db, u.ID, active); err != nil {
			return err
		}
		state := "deactivated (sessions ended)"
		if active {
			state = "activated"
		}
		_, _ = fmt.Fprintf(sio.out, "user %s %s\n", u.Username, state)
		return nil
	}
}

func userListCmd(ctx context.Context, cfg config.Config, sio stdio, args []string) (err error) {
	if err := flags("user list", args, func(*flag.FlagSet) {}); err != nil {
		return err
	}
	db, err := migrated(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	us, err := auth.NewStore(db).All(ctx)
	if err != nil {
		return err
	}
	yes := func(b bool) string {
		if b {
			return "yes"
		}
		return "-"
	}
	_, _ = fmt.Fprintf(sio.out, "%-6s %-20s %-8s %-8s %-6s %-6s\n", "id", "username", "role", "active", "email", "mobile")
	for _, u := range us {
		_, _ = fmt.Fprintf(sio.out, "%-6d %-20s %-8s %-8s %-6s %-6s\n", u.ID, u.Username, u.Role, yes(u.Active), yes(u.Email != ""), yes(u.Mobile != ""))
	}
	return nil
}

// organCmd shows or sets the staffing minimums, kept in the organ settings where both the Go rule and the
// database trigger check_team read them.
func organCmd(ctx context.Context, cfg config.Config, sio stdio, args []string) (err error) {
	var minimum, complexMin *int
	if err := flags("organ staffing", args, func(fs *flag.FlagSet) {
		minimum = fs.Int("min", 0, "minimum 办案人员 per case (条例第32条: at least 2)")
		complexMin = fs.Int("complex", 0, "minimum for 重大、复杂、疑难 cases")
	}); err != nil {
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
	_, _ = fmt.Fprintf(sio.out, "staffing: at least %d officers per case, %d for 重大、复杂、疑难 cases\n", cur.Min, cur.MinComplex)
	return nil
}

func documentsIssueCmd(ctx context.Context, cfg config.Config, sio stdio, args []string) (err error) {
	if err := flags("documents issue-pending", args, func(*flag.FlagSet) {}); err != nil {
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
	svc := cases.NewService(db, calendar.NewProvider(db), date.Today, hearings.Lister{}, pdf.NewTemplates(templates.Docs))
	st := cases.NewStore(db)
	var after int64
	total, touched := 0, 0
	for {
		ids, err := st.CaseIDs(ctx, after, 500)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			break
		}
		for _, id := range ids {
			issued, err := svc.IssueMissing(ctx, nil, id)
			if err != nil {
				return fmt.Errorf("case %d: %w", id, err)
			}
			if len(issued) > 0 {
				total, touched = total+len(issued), touched+1
			}
		}
		after = ids[len(ids)-1]
	}
	_, _ = fmt.Fprintf(sio.out, "%d documents issued for %d cases\n", total, touched)
	return nil
}

func serve(ctx context.Context, cfg config.Config, sio stdio, args []string) (err error) {
	if err := flags("serve", args, func(*flag.FlagSet) {}); err != nil {
		return err
	}
	log := newLogger(cfg, sio.out)
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
	if missing := leakproofMissing(ctx, db); len(missing) > 0 {
		log.Warn(database.LeakproofWarning(missing))
	}
	srv, err := server.New(db, cfg, log, nil)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, srv.Replica.Close()) }()
	if cfg.Scheduler {
		sched, err := notices.Schedule(ctx, srv.Alerts, srv.Outbox, log, srv.Metrics.Job, srv.Jobs...)
		if err != nil {
			return err
		}
		defer sched.Stop()
	}
	errc := make(chan error, 2)
	go func() { errc <- srv.App.Listen(cfg.Addr) }()
	if cfg.MetricsAddr != "" {
		ms := &http.Server{Addr: cfg.MetricsAddr, Handler: srv.Ops.HTTPHandler(), ReadHeaderTimeout: 10 * time.Second}
		go func() { errc <- fmt.Errorf("metrics listener: %w", ms.ListenAndServe()) }()
		defer func() { err = errors.Join(err, ms.Close()) }()
		log.Info("metrics listening", "addr", cfg.MetricsAddr)
	}
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

func alertsCmd(ctx context.Context, cfg config.Config, sio stdio, args []string) (err error) {
	var on *string
	if err := flags("alerts run", args, func(fs *flag.FlagSet) {
		on = fs.String("date", "", "run as if today were this date (default: today in China)")
	}); err != nil {
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
	_, _ = fmt.Fprintf(sio.out, "alerts %s: %d notices created (%d deadline alerts, %d lapsed reviews, %d calendar warnings, %d digests)\n",
		d, res.Total(), res.Created, res.Lapsed, res.Calendar, res.Digests)
	return nil
}
