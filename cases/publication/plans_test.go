package publication_test

import (
	"context"
	"strings"
	"testing"

	"fuyi/cases/publication"
	"fuyi/internal/database"
	"fuyi/internal/date"
	"fuyi/internal/testapp"
	"fuyi/internal/testdb"
)

// Under row-level security (as the application role, never a superuser) PostgreSQL searches an index only
// by a condition whose functions are all LEAKPROOF: the public search's tsvector @@ tsquery is, once
// database.LeakproofSQL has marked it (scripts/pg.sh does so in template1, whence the tests' databases).
// Without it every public search reads every publication, and a few hundred abusive searches starve the
// server.
func TestPublicSearchSearchesItsIndex(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-11-25"))
	a.RequireRowSecurity()
	ctx := context.Background()
	if missing, err := database.LeakproofMissing(ctx, a.DB); err != nil || len(missing) > 0 {
		t.Fatalf("the test database lacks the LEAKPROOF marks %v (%v): scripts/pg.sh puts them into template1; on another server run `fuyi db-leakproof`", missing, err)
	}
	// 2,000 publications of one decision, so that the planner weighs the indexes of a table with rows (on an
	// empty one, walking any index of the published rows costs as little as searching one)
	id := a.AcceptedCase(t, "ordinary")
	if r := a.Propose("officer1", id, "maintain", nil); r.Status != 200 && r.Status != 201 {
		t.Fatalf("propose: %d %s", r.Status, r.Body)
	}
	if r := a.Post("chief1", id, "decision/approval", map[string]any{"approve": true}); r.Status != 200 {
		t.Fatalf("approve: %d %s", r.Status, r.Body)
	}
	if _, err := a.DB.ExecContext(ctx, `DROP INDEX publications_one_live`); err != nil {
		t.Fatal(err)
	}
	if _, err := a.DB.ExecContext(ctx, `INSERT INTO publications (case_id, decision_id, version, status, title, doc_no,
			agency_id, agency_name, decision_type, decided_on, year, body, pdf, redactions, search, published_by, organ_id)
		SELECT d.case_id, d.id, g, 'published', '行政复议决定书', '某政复决〔2025〕' || g || '号', c.respondent_agency_id, 'agency',
			'maintain', date '2025-01-01' + g % 300, 2025, '', '\x25'::bytea, '[]',
			CASE WHEN g % 100 = 0 THEN search_tokens('行政处罚决定') ELSE search_tokens('信息公开答复' || g) END, c.registered_by, c.organ_id
		FROM decisions d JOIN cases c ON c.id = d.case_id, generate_series(1, 2000) g WHERE d.case_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	// statistics, and the GIN index's pending entries merged (until then the planner counts them against it)
	if _, err := a.DB.ExecContext(ctx, `VACUUM ANALYZE publications`); err != nil {
		t.Fatal(err)
	}
	bound := database.WithOrgan(ctx, a.OrganID("qixia"))
	for _, f := range []publication.Filter{{Q: "行政处罚"}, {Q: "罚"}} {
		q, args, ok := publication.CountSearchedStatement(f)
		if !ok {
			t.Fatalf("%+v: no condition", f)
		}
		found := false
		scans := testdb.IndexScans(t, bound, a.DB, q, args...)
		for _, s := range scans {
			found = found || s.Index == "publications_search" && strings.Contains(s.Cond, "search @@")
		}
		if !found {
			t.Errorf("%q: the public search does not search publications_search by its condition: %+v", f.Q, scans)
		}
	}
}
