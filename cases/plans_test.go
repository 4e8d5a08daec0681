package cases

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"fuyi/internal/auth"
	"fuyi/internal/database"
	"fuyi/internal/testdb"
	"fuyi/migrations"
)

// indexCond is the condition by which the plan searches index ix ("" and false when it does not read it).
func indexCond(scans []testdb.IndexScan, ix string) (string, bool) {
	for _, s := range scans {
		if s.Index == ix {
			return s.Cond, true
		}
	}
	return "", false
}

// Under row-level security (as the application role, never a superuser) PostgreSQL searches an index only
// by a condition whose functions are all LEAKPROOF. The staff search's tsvector @@ tsquery is, once
// database.LeakproofSQL has marked it (scripts/pg.sh does so in template1, whence the tests' databases).
func TestStaffSearchSearchesItsIndex(t *testing.T) {
	db := testdb.New(t, "", nil)
	testdb.RequireRowSecurity(t, db)
	ctx := database.WithOrgan(context.Background(), 1)
	if missing, err := database.LeakproofMissing(ctx, db); err != nil || len(missing) > 0 {
		t.Fatalf("the test database lacks the LEAKPROOF marks %v (%v): scripts/pg.sh puts them into template1; on another server run `fuyi db-leakproof`", missing, err)
	}
	// a chief sees every case of the organ: the count of a search reads cases_search, or else the whole table
	w, args := Filter{Query: "张三 宁政罚"}.where(&auth.User{Role: auth.RoleChief})
	scans := testdb.IndexScans(t, ctx, db, fmt.Sprintf(countPage, w, CountCap+1), args...)
	if cond, ok := indexCond(scans, "cases_search"); !ok || !strings.Contains(cond, "search @@") {
		t.Errorf("the staff search does not search cases_search by its condition: %+v", scans)
	}
}

// The 系列案 query searches cases_act_series by act_key (text equality is leakproof): it holds on a database
// without any LEAKPROOF mark, as on a server where no superuser ran `fuyi db-leakproof`.
func TestSeriesSearchesItsIndexWithoutLeakproofMarks(t *testing.T) {
	db := testdb.FromTemplate0(t)
	testdb.RequireRowSecurity(t, db)
	ctx := database.WithOrgan(context.Background(), 1)
	if _, err := database.Migrate(ctx, db, migrations.FS); err != nil {
		t.Fatal(err)
	}
	missing, err := database.LeakproofMissing(ctx, db)
	if err != nil || len(missing) != len(database.Leakproof()) {
		t.Fatalf("a database cloned from template0 should lack every mark; missing %v (%v)", missing, err)
	}
	scans := testdb.IndexScans(t, ctx, db, querySeries, 1, SameActKey("宁政罚[2026]7号"))
	if cond, ok := indexCond(scans, "cases_act_series"); !ok || !strings.Contains(cond, "act_key =") {
		t.Errorf("the series query does not search cases_act_series by act_key: %+v", scans)
	}
	scans = testdb.IndexScans(t, ctx, db, querySnapshot, 1)
	if cond, ok := indexCond(scans, "cases_act_series"); !ok || !strings.Contains(cond, "act_key =") {
		t.Errorf("the snapshot's series does not search cases_act_series by act_key: %+v", scans)
	}
}

// SameActKey and the stored column cases.act_key are one rule: the column's own generation expression,
// evaluated on each 文号, gives SameActKey's key.
func TestSameActKeyIsTheColumnsRule(t *testing.T) {
	db := testdb.New(t, "", nil)
	var expr string
	if err := db.Get(&expr, `SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d
		JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
		WHERE d.adrelid = 'cases'::regclass AND a.attname = 'act_key' AND a.attgenerated = 's'`); err != nil {
		t.Fatalf("cases.act_key is not a stored generated column: %v", err)
	}
	for _, no := range []string{"宁政罚[2026]7号", "宁政罚(2026)7号", "宁政罚（2026）7号", "宁政罚［2026］7号",
		"宁政罚〔2026〕7号", "宁政罚 〔2026〕 7号", "宁政罚　［2026］　7号", "A(1)b [2] c", "没有括号", ""} {
		var got string
		if err := db.Get(&got, `SELECT `+expr+` FROM (SELECT $1::text AS act_doc_no) x`, no); err != nil {
			t.Fatal(err)
		}
		if want := SameActKey(no); got != want {
			t.Errorf("%q: cases.act_key %q, SameActKey %q", no, got, want)
		}
	}
}

// An officer's search selects the few cases of the officer first and checks the term on them only: neither
// the count nor the page of the list searches the term's postings in cases_search (as many as the cases of
// the organ that match it, a third of them for a respondent's name) to filter them by the team afterwards.
// (It holds with row-level security and without: no RequireRowSecurity.)
func TestOfficerSearchReadsTheVisibleCasesFirst(t *testing.T) {
	db := testdb.New(t, "", nil)
	ctx := database.WithOrgan(context.Background(), 1)
	officer := &auth.User{ID: 1, Role: auth.RoleOfficer}
	f := Filter{Query: "南京市公安局栖霞分局", After: "2026-01-05_7"}
	w, args := f.where(officer)
	if !strings.Contains(w, "c.id = ANY(ARRAY(SELECT") {
		t.Errorf("the officer's search does not select the officer's cases first: %s", w)
	}
	pageArgs := append([]any{}, args...)
	order, after, err := f.order(&pageArgs)
	if err != nil {
		t.Fatal(err)
	}
	for name, q := range map[string]struct {
		sql  string
		args []any
	}{
		"count": {fmt.Sprintf(countPage, w, CountCap+1), args},
		"page":  {fmt.Sprintf(listColumns+` WHERE %s AND %s ORDER BY %s LIMIT 21 OFFSET 0`, w, after, order), pageArgs},
	} {
		scans := testdb.IndexScans(t, ctx, db, q.sql, q.args...)
		if _, ok := indexCond(scans, "cases_search"); ok {
			t.Errorf("the officer's search (%s) searches cases_search for the term: %+v", name, scans)
		}
		byID := false
		for _, s := range scans {
			byID = byID || strings.HasPrefix(s.Index, "cases_") && strings.Contains(s.Cond, "id = ANY (")
		}
		if !byID {
			t.Errorf("the officer's search (%s) does not read the officer's cases by id: %+v", name, scans)
		}
	}
}

// A whole 登记号, 案号 or 文号 is found by text equality (LEAKPROOF) on the btree indexes of registration_no,
// case_no and act_key, never through cases_search, whose posting lists of its words ('sfs01', '2026', the
// Han pairs of 栖政复) hold nearly every case: neither the count nor the page of the list reads cases_search.
func TestStaffSearchOfAWholeNumberSearchesItsColumns(t *testing.T) {
	db := testdb.New(t, "", nil)
	testdb.RequireRowSecurity(t, db)
	ctx := database.WithOrgan(context.Background(), 1)
	chief := &auth.User{Role: auth.RoleChief}
	for q, want := range map[string]string{
		"SFS01-2026-000123": "SFS01-2026-000123", " sfs01-2026-000123 ": "SFS01-2026-000123",
		"栖政复〔2025〕12号": "栖政复〔2025〕12号", "栖政复[2025]12号": "栖政复〔2025〕12号", "栖政复（2025）12号": "栖政复〔2025〕12号",
		"宁公栖行罚决字(2025)7号": "宁公栖行罚决字〔2025〕7号",
	} {
		f := Filter{Query: q}
		w, args := f.where(chief)
		if !strings.Contains(w, "c.registration_no = ") || args[len(args)-1] != want {
			t.Errorf("%q: not searched as the number %q: %s %v", q, want, w, args)
			continue
		}
		pageArgs := append([]any{}, args...)
		order, _, err := f.order(&pageArgs)
		if err != nil {
			t.Fatal(err)
		}
		for name, sql := range map[string]string{
			"count": fmt.Sprintf(countPage, w, CountCap+1),
			"page":  fmt.Sprintf(listColumns+` WHERE %s ORDER BY %s LIMIT 21 OFFSET 0`, w, order),
		} {
			scans := testdb.IndexScans(t, ctx, db, sql, pageArgs...)
			if _, ok := indexCond(scans, "cases_search"); ok {
				t.Errorf("%q (%s) searches cases_search: %+v", q, name, scans)
			}
			for _, col := range []string{"registration_no =", "case_no =", "act_key ="} {
				found := false
				for _, s := range scans {
					found = found || strings.Contains(s.Cond, col)
				}
				if !found {
					t.Errorf("%q (%s) does not search the index of %s: %+v", q, name, col, scans)
				}
			}
		}
	}
	// partial numbers and other texts stay word searches
	for _, q := range []string{"SFS01-2026", "SFS01-2026-0001", "栖政复〔2025〕", "栖政复", "南京市公安局栖霞分局", "000123"} {
		if w, _ := (Filter{Query: q}).where(chief); !strings.Contains(w, "search @@") {
			t.Errorf("%q is searched as a number: %s", q, w)
		}
	}
}

// The due sort (sort=due, the review queue, the home page's lists) walks cases_due_key in its order: the
// first page, a page after a keyset cursor (due_id, or none_id past the cases with an open deadline) and a
// page by offset read the index, not every visible case's deadlines followed by a sort of them all (issue 13).
// A statement that orders by anything but the index's key, or a cursor condition that is not its range,
// breaks this. Planned as the application role (row-level security applies) bound to an organ.
func TestDueSortWalksItsIndex(t *testing.T) {
	db := testdb.New(t, "", nil)
	testdb.RequireRowSecurity(t, db)
	ctx := database.WithOrgan(context.Background(), 1)
	chief := &auth.User{Role: auth.RoleChief}
	for _, f := range []Filter{{Sort: SortDue}, {ByDue: true}, {Sort: SortDue, Offset: CountCap - 20},
		{Sort: SortDue, After: "2026-12-01_5"}, {Sort: SortDue, After: "none_5"}} {
		w, args := f.where(chief)
		q, args, _, err := f.statement(w, args)
		if err != nil {
			t.Fatal(err)
		}
		cond, ok := indexCond(testdb.IndexScans(t, ctx, db, q, args...), "cases_due_key")
		if !ok {
			t.Errorf("%+v: the due sort does not walk cases_due_key:\n%s", f, q)
		} else if f.After != "" && !strings.Contains(cond, "due_key") {
			t.Errorf("%+v: the cursor is not the range of cases_due_key (index condition %q)", f, cond)
		}
	}
	if _, _, _, err := (Filter{Sort: SortDue, After: "2026-12-01"}).statement("true", nil); err != ErrBadCursor {
		t.Errorf("a due cursor without an id: %v, want ErrBadCursor", err)
	}
}
