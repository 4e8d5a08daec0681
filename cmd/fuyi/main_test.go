package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"fuyi/internal/auth"
	"fuyi/internal/demo"
	"fuyi/internal/testdb"
)

// `fuyi serve` (and the other commands) refuse to run while migrations are pending.
func TestRefusesPendingMigrations(t *testing.T) {
	db := testdb.Empty(t)
	err := requireMigrated(context.Background(), db)
	if err == nil || !strings.Contains(err.Error(), "pending") || !strings.Contains(err.Error(), "fuyi migrate") {
		t.Fatalf("want a refusal naming `fuyi migrate`, got %v", err)
	}
}

func runCLI(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errw bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30e9)
	defer cancel()
	err := run(ctx, args, stdio{in: strings.NewReader(stdin), out: &out, err: &errw})
	return out.String() + errw.String(), err
}

// No command acts on --help or -h, wherever the flag stands: each prints its help and succeeds, on an empty
// database that every command would change or complain about (migrate would create its table; the others
// refuse pending migrations with an error; serve would listen; version would print the version).
func TestHelpActsOnNothing(t *testing.T) {
	db := testdb.Empty(t)
	t.Setenv("DATABASE_URL", testdb.DSN(t, db))
	t.Setenv("FUYI_ADDR", "127.0.0.1:1") // serve, if it started, would fail to listen here
	for _, c := range commands() {
		words := strings.Fields(c.name)
		lines := [][]string{
			append(append([]string{}, words...), "--help"),
			append(append([]string{}, words...), "-h"),
			append(append([]string{}, words...), "--username", "x", "--help"),
			append([]string{"help"}, words...),
		}
		for _, args := range lines {
			out, err := runCLI(t, "a-password-123\n", args...)
			if err != nil {
				t.Errorf("fuyi %s: %v", strings.Join(args, " "), err)
			}
			if strings.TrimSpace(out) != strings.TrimSpace(c.help) {
				t.Errorf("fuyi %s printed %q, want its help", strings.Join(args, " "), out)
			}
		}
	}
	var tables int
	db.Get(&tables, `SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()`)
	if tables != 0 {
		t.Fatalf("a command acted on --help: %d tables created", tables)
	}
	for _, args := range [][]string{{}, {"help"}, {"-h"}, {"--help"}} {
		if out, err := runCLI(t, "", args...); err != nil || !strings.Contains(out, "fuyi migrate status") {
			t.Errorf("fuyi %v: %v %q", args, err, out)
		}
	}
	// a group name lists its commands; an unknown word is an error
	if out, err := runCLI(t, "", "user"); err != nil || !strings.Contains(out, "user passwd") {
		t.Errorf("fuyi user: %v %q", err, out)
	}
	if _, err := runCLI(t, "", "user", "frobnicate"); err == nil {
		t.Error("fuyi user frobnicate must fail")
	}
	if _, err := runCLI(t, "", "migrate", "now"); err == nil {
		t.Error("a stray argument must be refused, not ignored")
	}
	for _, v := range []string{"version", "--version"} {
		if out, err := runCLI(t, "", v); err != nil || !strings.HasPrefix(out, "fuyi ") || !strings.Contains(out, "schema 00") {
			t.Errorf("fuyi %s: %v %q", v, err, out)
		}
	}
}

// migrate status lists pending migrations and fails until they are applied; then all are applied.
func TestMigrateStatus(t *testing.T) {
	db := testdb.Empty(t)
	t.Setenv("DATABASE_URL", testdb.DSN(t, db))
	out, err := runCLI(t, "", "migrate", "status")
	if err == nil || !strings.Contains(out, "pending  0001_core.sql") {
		t.Fatalf("fresh database: %v %q", err, out)
	}
	if _, err := runCLI(t, "", "migrate"); err != nil {
		t.Fatal(err)
	}
	out, err = runCLI(t, "", "migrate", "status")
	if err != nil || !strings.Contains(out, "applied  0001_core.sql") || !strings.Contains(out, " 0 pending, 0 changed") {
		t.Fatalf("after migrate: %v %q", err, out)
	}
}

// user add reads the password from standard input when it is not a terminal (never from the command line,
// never echoed); passwd, email, mobile, deactivate and activate change what they say.
func TestUserCommands(t *testing.T) {
	db := testdb.New(t, "demo", demo.Seed)
	t.Setenv("DATABASE_URL", testdb.DSN(t, db))
	ctx := context.Background()
	out, err := runCLI(t, "first-password-1\n", "user", "add", "--username", "li.si", "--name", "李四", "--role", "officer",
		"--qualified", "--email", "lisi@example.gov.cn")
	if err != nil || strings.Contains(out, "first-password-1") {
		t.Fatalf("user add: %v %q", err, out)
	}
	sessions := auth.NewSessions(db, 3600e9)
	if _, err := sessions.Login(ctx, "li.si", "first-password-1", "127.0.0.1", "api"); err != nil {
		t.Fatalf("login with the password given on stdin: %v", err)
	}
	if _, err := runCLI(t, "second-password-2\n", "user", "passwd", "--username", "li.si"); err != nil {
		t.Fatal(err)
	}
	if _, err := sessions.Login(ctx, "li.si", "second-password-2", "127.0.0.1", "api"); err != nil {
		t.Fatalf("login with the new password: %v", err)
	}
	if _, err := runCLI(t, "short\n", "user", "passwd", "--username", "li.si"); err == nil {
		t.Fatal("a too short password must be refused")
	}
	if _, err := runCLI(t, "", "user", "mobile", "--username", "li.si", "--mobile", "13912345678"); err != nil {
		t.Fatal(err)
	}
	if _, err := runCLI(t, "", "user", "email", "--username", "li.si", "--email", "not-an-address"); err == nil {
		t.Fatal("a bad e-mail must be refused")
	}
	if _, err := runCLI(t, "", "user", "email", "--username", "li.si", "--email", "li.si@example.gov.cn"); err != nil {
		t.Fatal(err)
	}
	u, err := auth.NewStore(db).ByUsername(ctx, "li.si")
	if err != nil || u.Email != "li.si@example.gov.cn" || u.Mobile != "13912345678" || !u.Qualified {
		t.Fatalf("user: %+v %v", u, err)
	}
	if _, err := runCLI(t, "", "user", "deactivate", "--username", "li.si"); err != nil {
		t.Fatal(err)
	}
	if _, err := sessions.Login(ctx, "li.si", "second-password-2", "127.0.0.1", "api"); err == nil {
		t.Fatal("a deactivated user logged in")
	}
	out, err = runCLI(t, "", "user", "list")
	if err != nil || !strings.Contains(out, "li.si") || strings.Contains(out, "13912345678") {
		t.Fatalf("user list (contacts shown only as set/unset): %v %q", err, out)
	}
}

// fuyi openapi prints the document without any database (what the linter of make test reads).
func TestOpenAPICommand(t *testing.T) {
	t.Setenv("DATABASE_URL", "host=/nonexistent")
	out, err := runCLI(t, "", "openapi")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if doc.OpenAPI != "3.1.0" || doc.Paths["/api/v1/sessions"] == nil || len(doc.Paths) < 80 {
		t.Errorf("openapi %q with %d paths", doc.OpenAPI, len(doc.Paths))
	}
}

// fuyi db-leakproof marks the functions through a superuser's URL (FUYI_ADMIN_DATABASE_URL or --admin-url)
// and checks them through DATABASE_URL; --check reports as the application role and fails while marks are
// missing; without a superuser PostgreSQL refuses the marks and the error says so.
func TestLeakproofCommand(t *testing.T) {
	db := testdb.FromTemplate0(t)
	dsn := testdb.DSN(t, db)
	t.Setenv("DATABASE_URL", dsn)
	t.Setenv("FUYI_ADMIN_DATABASE_URL", "")
	if out, err := runCLI(t, "", "db-leakproof", "--check"); err == nil || !strings.Contains(err.Error(), "fuyi db-leakproof") {
		t.Fatalf("--check on a database without the marks: %v\n%s", err, out)
	}
	if _, err := runCLI(t, "", "db-leakproof"); err == nil || !strings.Contains(err.Error(), "FUYI_ADMIN_DATABASE_URL") {
		t.Fatalf("without an administrator's URL: want a refusal naming FUYI_ADMIN_DATABASE_URL, got %v", err)
	}
	var super bool
	if err := db.Get(&super, `SELECT rolsuper FROM pg_roles WHERE rolname = current_user`); err != nil {
		t.Fatal(err)
	}
	out, err := runCLI(t, "", "db-leakproof", "--admin-url", dsn)
	if !super {
		if err == nil || !strings.Contains(err.Error(), "superuser") {
			t.Fatalf("as the application role: want a refusal naming the superuser, got %v\n%s", err, out)
		}
		return
	}
	if err != nil || !strings.Contains(out, "are LEAKPROOF") {
		t.Fatalf("db-leakproof: %v\n%s", err, out)
	}
	t.Setenv("FUYI_ADMIN_DATABASE_URL", dsn)
	if out, err := runCLI(t, "", "db-leakproof"); err != nil {
		t.Fatalf("a second run: %v\n%s", err, out)
	}
	if out, err := runCLI(t, "", "db-leakproof", "--check"); err != nil {
		t.Fatalf("--check after the marks: %v\n%s", err, out)
	}
}
