package database_test

import (
	"context"
	"io/fs"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"fuyi/internal/database"
	"fuyi/internal/testdb"
	"fuyi/migrations"
)

// An installation of one organ, as it was before organs (migrations up to 0021), migrates to several organs
// without losing a row: every row keeps its values and becomes the existing organ's (id 1, code organ1); the
// yearly case-number counter goes on from where it was in that organ; bound to organ 1 the application role
// sees everything it saw, bound to a new organ nothing.
func TestSingleOrganInstallationMigratesWithoutLoss(t *testing.T) {
	ctx := context.Background()
	db := testdb.Empty(t)
	before := fstest.MapFS{}
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if v, _ := strconv.Atoi(strings.SplitN(n, "_", 2)[0]); v <= 21 {
			b, err := fs.ReadFile(migrations.FS, n)
			if err != nil {
				t.Fatal(err)
			}
			before[n] = &fstest.MapFile{Data: b}
		}
	}
	if _, err := database.Migrate(ctx, db, before); err != nil {
		t.Fatalf("migrations up to 0021: %v", err)
	}
	// the rows of a single-organ installation, in that schema
	for _, q := range []string{
		`UPDATE organ SET name = '南京市栖霞区人民政府', office_name = '南京市栖霞区司法局', doc_prefix = '栖政复', court_name = '南京市栖霞区人民法院'`,
		`INSERT INTO windows (id, code, name) VALUES (1, 'SFS01', '尧化街道司法所')`,
		`INSERT INTO agencies (id, name, category, level) VALUES (1, '南京市栖霞区市场监督管理局', '市场监管', '县级部门')`,
		`INSERT INTO users (id, username, name, role, window_id, password_hash) VALUES (1, 'window1', '窗口', 'window', 1, 'x')`,
		`INSERT INTO users (id, username, name, role, qualified, password_hash) VALUES (2, 'chief1', '主任', 'chief', true, 'x')`,
		`INSERT INTO case_serials (year, last) VALUES (2025, 7)`,
		`INSERT INTO cases (id, registration_no, query_code, window_id, registered_by, channel, received_on, respondent_agency_id,
			act_title, act_known_on, matter, requests, review_from, status, procedure, case_year, case_serial, case_no, accepted_on)
			VALUES (1, 'SFS01-2025-000001', 'ABCD2345', 1, 1, 'window', '2025-09-01', 1, '行政处罚决定书', '2025-08-20', '行政处罚',
			'请求撤销', '2025-09-01', 'accepted', 'ordinary', 2025, 7, '栖政复〔2025〕7号', '2025-09-03')`,
		`INSERT INTO case_parties (case_id, role, position, kind, name) VALUES (1, 'applicant', 0, 'person', '张三')`,
		`INSERT INTO deadlines (case_id, kind, due_on, basis, status) VALUES (1, 'decision', '2025-11-02', '审理期限', 'open')`,
		`INSERT INTO events (case_id, actor_id, action, summary) VALUES (1, 2, 'case.accepted', '受理')`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	tables := []string{"windows", "agencies", "users", "case_serials", "cases", "case_parties", "deadlines", "events"}
	counts := func() map[string]int {
		out := map[string]int{}
		for _, tb := range tables {
			var n int
			if err := db.GetContext(ctx, &n, `SELECT count(*) FROM `+tb); err != nil {
				t.Fatal(err)
			}
			out[tb] = n
		}
		return out
	}
	was := counts()

	applied, err := database.Migrate(ctx, db, migrations.FS)
	if err != nil {
		t.Fatalf("the organ migrations: %v", err)
	}
	if len(applied) != len(names)-len(before) {
		t.Fatalf("applied %d migrations, want %d", len(applied), len(names)-len(before))
	}
	sys := database.System(ctx)
	now := counts()
	for _, tb := range tables {
		if now[tb] != was[tb] {
			t.Errorf("%s: %d rows after the migrations, %d before", tb, now[tb], was[tb])
		}
		var foreign int
		if err := db.GetContext(sys, &foreign, `SELECT count(*) FROM `+tb+` WHERE organ_id IS DISTINCT FROM 1`); err != nil {
			t.Fatal(err)
		}
		if foreign != 0 && tb != "agencies" {
			t.Errorf("%s: %d rows not of organ 1", tb, foreign)
		}
	}
	var row struct {
		Code, Prefix, CaseNo, Party string
		Last                        int
	}
	if err := db.GetContext(sys, &row, `SELECT o.code, o.doc_prefix AS prefix, c.case_no AS caseno, p.name AS party, s.last
		FROM organ o, cases c, case_parties p, case_serials s WHERE o.id = 1 AND c.id = 1 AND p.case_id = 1 AND s.organ_id = 1 AND s.year = 2025`); err != nil {
		t.Fatal(err)
	}
	if row.Code != "organ1" || row.Prefix != "栖政复" || row.CaseNo != "栖政复〔2025〕7号" || row.Party != "张三" || row.Last != 7 {
		t.Errorf("after the migrations: %+v", row)
	}
	// the next acceptance of the year in organ 1 is number 8
	var next int
	if err := db.GetContext(database.WithOrgan(ctx, 1), &next, `INSERT INTO case_serials (organ_id, year, last) VALUES (1, 2025, 1)
		ON CONFLICT (organ_id, year) DO UPDATE SET last = case_serials.last + 1 RETURNING last`); err != nil || next != 8 {
		t.Errorf("next case number of organ 1: %d %v", next, err)
	}
	// bound to its organ the application role sees its case; bound to a new organ, nothing
	app := applicationRole(t, db)
	if _, err := app.ExecContext(sys, `INSERT INTO organ (id, code, name, office_name, doc_prefix, court_name) VALUES (2, 'nanjing', '南京市人民政府', '南京市司法局', '宁政复', '南京市中级人民法院')`); err != nil {
		t.Fatal(err)
	}
	for organ, want := range map[int]int{1: 1, 2: 0} {
		var n int
		if err := app.GetContext(database.WithOrgan(ctx, organ), &n, `SELECT count(*) FROM cases c JOIN case_parties p ON p.case_id = c.id`); err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Errorf("bound to organ %d: %d cases with parties, want %d", organ, n, want)
		}
	}
}
