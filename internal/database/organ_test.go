package database_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"fuyi/internal/database"
	"fuyi/internal/testdb"
)

// Tables that belong to no organ, each with the reason. Every other table carries organ_id under a forced
// row-level-security policy: a new table of any package must too (see migrations/0022_organs.sql).
var organFree = map[string]string{
	"organ":             "the organs themselves (id is the organ key)",
	"calendar_days":     "the national holiday calendar (国务院办公厅), the same for every organ",
	"calendar_years":    "the national holiday calendar, per year",
	"calendar_state":    "the version of the national calendar",
	"login_attempts":    "the login rate limit runs before anyone's organ is known (keyed by username and address)",
	"job_runs":          "the installation's scheduler: one run of a job serves every organ",
	"schema_migrations": "the migration runner's own record",
}

// Every table carries organ_id, a foreign key to organ, row-level security that is enabled and forced (so
// that the owner the application connects as is bound too) and a policy.
func TestEveryTableIsOrganScoped(t *testing.T) {
	db := testdb.New(t, "", nil)
	var rows []struct {
		Name    string `db:"relname"`
		RLS     bool   `db:"relrowsecurity"`
		Force   bool   `db:"relforcerowsecurity"`
		Column  bool   `db:"has_column"`
		NotNull bool   `db:"not_null"`
		FK      bool   `db:"has_fk"`
		Policy  bool   `db:"has_policy"`
	}
	err := db.Select(&rows, `
SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
	a.attname IS NOT NULL AS has_column, coalesce(a.attnotnull, false) AS not_null,
	EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'f'
		AND k.confrelid = 'organ'::regclass AND k.conkey = ARRAY[a.attnum]) AS has_fk,
	EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid) AS has_policy
FROM pg_class c
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'organ_id' AND NOT a.attisdropped
WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
ORDER BY c.relname`)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	scoped := 0
	for _, r := range rows {
		seen[r.Name] = true
		if _, free := organFree[r.Name]; free {
			continue
		}
		scoped++
		var missing []string
		if !r.Column {
			missing = append(missing, "column organ_id")
		}
		if !r.NotNull && r.Name != "agencies" { // agencies: NULL is an entry shared by every organ
			missing = append(missing, "organ_id NOT NULL")
		}
		if !r.FK {
			missing = append(missing, "foreign key organ_id → organ")
		}
		if !r.RLS || !r.Force {
			missing = append(missing, "ENABLE + FORCE ROW LEVEL SECURITY")
		}
		if !r.Policy {
			missing = append(missing, "a policy on fuyi_organ()")
		}
		if len(missing) > 0 {
			t.Errorf("table %s is not organ-scoped: lacks %s (add them in its migration, as 0022_organs.sql does)",
				r.Name, strings.Join(missing, ", "))
		}
	}
	for name := range organFree {
		if !seen[name] {
			t.Errorf("organFree names %s, which does not exist any more", name)
		}
	}
	if scoped < 40 {
		t.Errorf("only %d organ-scoped tables", scoped)
	}
	t.Logf("%d tables organ-scoped, %d organ-free", scoped, len(organFree))
}

// The application's role is no superuser and owns the tables (as in the private cluster of make run): the
// forced policies bind it. A statement whose context names an organ sees, changes and creates only that
// organ's rows, whatever its WHERE says; children take their parent's organ and cannot be linked to another
// organ's parent; one pooled connection follows the organ of each statement's context.
func TestRowLevelSecurityBindsTheApplicationRole(t *testing.T) {
	ctx := context.Background()
	adminDB := testdb.New(t, "", nil)
	app := applicationRole(t, adminDB)

	var super bool
	var owner string
	if err := app.QueryRowContext(ctx, `SELECT rolsuper, (SELECT tableowner FROM pg_tables WHERE tablename = 'cases')
		FROM pg_roles WHERE rolname = current_user`).Scan(&super, &owner); err != nil {
		t.Fatal(err)
	}
	var me string
	if err := app.GetContext(ctx, &me, `SELECT current_user`); err != nil {
		t.Fatal(err)
	}
	if super || owner != me {
		t.Fatalf("application role %s: superuser %v, tables owned by %s", me, super, owner)
	}

	// unbound (the system context): the fixtures of two organs
	for _, q := range []string{
		`INSERT INTO organ (id, code, name, office_name, doc_prefix, court_name) VALUES (2, 'yi', '乙市人民政府', '乙市司法局', '乙政复', '乙市中级人民法院')`,
		`INSERT INTO windows (organ_id, code, name) VALUES (1, 'WA1', '甲窗口'), (2, 'WB1', '乙窗口')`,
		`INSERT INTO users (organ_id, username, name, role, password_hash) VALUES (1, 'usera', '甲', 'bureau', 'x'), (2, 'userb', '乙', 'bureau', 'x')`,
		`INSERT INTO agencies (organ_id, name, category, level) VALUES (NULL, '共用机关', '公安', '市级部门'), (1, '甲机关', '公安', '县级部门'), (2, '乙机关', '公安', '县级部门')`,
	} {
		if _, err := app.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// one connection for everything below: the binding must follow each statement's context
	app.SetMaxOpenConns(1)
	orgA, orgB := database.WithOrgan(ctx, 1), database.WithOrgan(ctx, 2)

	codes := func(c context.Context, q string) string {
		t.Helper()
		var s []string
		if err := app.SelectContext(c, &s, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		sort.Strings(s)
		return strings.Join(s, ",")
	}
	for i := 0; i < 2; i++ { // twice: switching back and forth on the same session
		if got := codes(orgA, `SELECT code FROM windows`); got != "WA1" {
			t.Errorf("organ 1 sees windows %q", got)
		}
		if got := codes(orgB, `SELECT code FROM windows`); got != "WB1" {
			t.Errorf("organ 2 sees windows %q", got)
		}
		if got := codes(ctx, `SELECT code FROM windows`); got != "WA1,WB1" {
			t.Errorf("the system context sees windows %q", got)
		}
	}
	if got := codes(orgB, `SELECT username FROM users WHERE username IN ('usera', 'userb')`); got != "userb" {
		t.Errorf("organ 2 sees users %q", got)
	}
	if got := codes(orgB, `SELECT name FROM agencies`); got != "乙机关,共用机关" {
		t.Errorf("organ 2 sees agencies %q (its own and the shared ones)", got)
	}

	// another organ's rows cannot be changed or removed, whatever the WHERE says
	for _, q := range []string{`UPDATE windows SET name = '改' WHERE code = 'WA1'`, `DELETE FROM windows WHERE code = 'WA1'`,
		`UPDATE users SET active = false WHERE username = 'usera'`} {
		res, err := app.ExecContext(orgB, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if n, _ := res.RowsAffected(); n != 0 {
			t.Errorf("organ 2: %s changed %d rows of organ 1", q, n)
		}
	}
	// nor created in another organ, nor moved there
	insufficient := func(what string, err error) {
		t.Helper()
		var pe *pq.Error
		if !errors.As(err, &pe) || pe.Code != "42501" {
			t.Errorf("%s: want insufficient_privilege (42501), got %v", what, err)
		}
	}
	_, err := app.ExecContext(orgB, `INSERT INTO windows (organ_id, code, name) VALUES (1, 'WA2', '冒名')`)
	insufficient("organ 2 creates a window of organ 1", err)
	_, err = app.ExecContext(orgB, `UPDATE windows SET organ_id = 1 WHERE code = 'WB1'`)
	insufficient("organ 2 moves its window to organ 1", err)
	_, err = app.ExecContext(orgB, `INSERT INTO agencies (organ_id, name, category, level) VALUES (NULL, '新共用', '公安', '市级部门')`)
	insufficient("a bound organ creates a shared agency", err)
	// a child of another organ's parent
	_, err = app.ExecContext(orgB, `INSERT INTO sessions (token_hash, user_id, kind, csrf_token, expires_at)
		SELECT '\x01', id, 'api', 'c', now() + interval '1 hour' FROM users WHERE username = 'usera'`)
	if err != nil { // organ 2 cannot even name organ 1's user: nothing inserted
		t.Fatal(err)
	}
	var usera int64
	if err := app.GetContext(ctx, &usera, `SELECT id FROM users WHERE username = 'usera'`); err != nil {
		t.Fatal(err)
	}
	_, err = app.ExecContext(orgB, `INSERT INTO sessions (token_hash, user_id, kind, csrf_token, expires_at)
		VALUES ('\x02', $1, 'api', 'c', now() + interval '1 hour')`, usera)
	var pe *pq.Error
	if !errors.As(err, &pe) || pe.Code != "23503" || pe.Constraint != "sessions_user_id_fkey" {
		t.Errorf("organ 2 opens a session of organ 1's user: want the foreign key's violation (as for a missing user), got %v", err)
	}

	// new rows take the bound organ; children their parent's organ, also unbound
	if _, err := app.ExecContext(orgB, `INSERT INTO windows (code, name) VALUES ('WB2', '乙二')`); err != nil {
		t.Fatal(err)
	}
	if _, err := app.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, kind, csrf_token, expires_at)
		VALUES ('\x03', $1, 'api', 'c', now() + interval '1 hour')`, usera); err != nil {
		t.Fatal(err)
	}
	var o1, o2 int
	if err := app.GetContext(ctx, &o1, `SELECT organ_id FROM windows WHERE code = 'WB2'`); err != nil {
		t.Fatal(err)
	}
	if err := app.GetContext(ctx, &o2, `SELECT organ_id FROM sessions WHERE token_hash = '\x03'`); err != nil {
		t.Fatal(err)
	}
	if o1 != 2 || o2 != 1 {
		t.Errorf("window created bound to organ 2 is in organ %d; session of organ 1's user created unbound is in organ %d", o1, o2)
	}
	// with two organs an unbound writer of a row without parent must say which
	_, err = app.ExecContext(ctx, `INSERT INTO windows (code, name) VALUES ('WX1', '无主')`)
	if !errors.As(err, &pe) || pe.Code != "23502" {
		t.Errorf("unbound window without organ: want not_null_violation, got %v", err)
	}

	// a transaction bound to one organ; a statement inside it bound to another; rolled back: the session's
	// binding is known again afterwards
	err = database.Tx(orgA, app, func(tx *sqlx.Tx) error {
		var s []string
		if err := tx.SelectContext(orgB, &s, `SELECT code FROM windows`); err != nil {
			return err
		}
		if strings.Join(s, ",") != "WB1,WB2" && strings.Join(s, ",") != "WB2,WB1" {
			t.Errorf("inside the transaction, organ 2 sees %v", s)
		}
		return errors.New("roll back")
	})
	if err == nil || err.Error() != "roll back" {
		t.Fatal(err)
	}
	if got := codes(orgB, `SELECT code FROM windows`); got != "WB1,WB2" {
		t.Errorf("after the rolled-back transaction organ 2 sees windows %q", got)
	}
	if got := codes(orgA, `SELECT code FROM windows`); got != "WA1" {
		t.Errorf("after the rolled-back transaction organ 1 sees windows %q", got)
	}
	// prepared statements are bound per execution too
	st, err := app.PreparexContext(ctx, `SELECT count(*) FROM windows`)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, c := range []struct {
		ctx  context.Context
		want int
	}{{orgA, 1}, {orgB, 2}, {ctx, 3}, {orgA, 1}} {
		var n int
		if err := st.GetContext(c.ctx, &n); err != nil {
			t.Fatal(err)
		}
		if n != c.want {
			o, _ := database.OrganOf(c.ctx)
			t.Errorf("prepared count bound to organ %d: %d windows, want %d", o, n, c.want)
		}
	}
}

// applicationRole returns a pool on db's database as a role that is no superuser and owns every table, like
// the application role of the private cluster. When the tests already connect as such a role (make test),
// it is that one; under a superuser a throwaway login role is made the owner (dropped after the test).
func applicationRole(t *testing.T, db *sqlx.DB) *sqlx.DB {
	t.Helper()
	ctx := context.Background()
	var super bool
	if err := db.GetContext(ctx, &super, `SELECT rolsuper FROM pg_roles WHERE rolname = current_user`); err != nil {
		t.Fatal(err)
	}
	if !super {
		return db
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error
	role, pass := "fuyi_app_"+hex.EncodeToString(b), hex.EncodeToString(b)+"x"
	if _, err := db.ExecContext(ctx, fmt.Sprintf(`CREATE ROLE %s LOGIN PASSWORD '%s'`, role, pass)); err != nil {
		t.Fatal(err)
	}
	var dbname string
	if err := db.GetContext(ctx, &dbname, `SELECT current_database()`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { // runs after the pools below are closed; the database is dropped later
		for _, q := range []string{`REASSIGN OWNED BY ` + role + ` TO current_user`, `DROP OWNED BY ` + role, `DROP ROLE ` + role} {
			if _, err := db.ExecContext(ctx, q); err != nil {
				t.Errorf("%s: %v", q, err)
			}
		}
	})
	if _, err := db.ExecContext(ctx, fmt.Sprintf(`
DO $$
DECLARE r record;
BEGIN
	FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP
		EXECUTE format('ALTER TABLE %%I OWNER TO %s', r.tablename);
	END LOOP;
END $$;
GRANT USAGE ON SCHEMA public TO %s`, role, role)); err != nil {
		t.Fatal(err)
	}
	dsn := testdb.DSN(t, db)
	if u, err := url.Parse(dsn); err == nil && strings.HasPrefix(dsn, "postgres") {
		u.User = url.UserPassword(role, pass)
		dsn = u.String()
	} else {
		dsn += " user=" + role + " password=" + pass
	}
	app, err := database.Open(ctx, dsn, 4)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Close() })
	return app
}
