package reports_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"fuyi/internal/database"
	"fuyi/internal/date"
	"fuyi/internal/demo"
	"fuyi/internal/testapp"
	"fuyi/internal/testdb"
	"fuyi/reports"
)

// The report's counts stay index-only scans under row-level security (issue 8: the cost follows the
// period). Every SELECT that reports.Compute sends (recorded with its arguments on the report's first run, so
// the trend's month counts are among them) is planned again with EXPLAIN, as the application's role (a role
// that row-level security binds: a superuser bypasses it and would get plans the application never gets),
// bound to the organ as the pages and the scheduler run it, and unbound. Each scan of cases and deadlines must be an
// index-only scan with an index condition; a lookup of one case by its id (the 意见书 join) and a search of the
// interval index (a period more than a year back) are the exceptions.
// This breaks when a covering index lacks a column a query or the organ policy reads (the scan visits the
// heap), or when a condition cannot be an index condition under row-level security (a function that is not
// LEAKPROOF, such as a date compared with a timestamptz parameter).
//
// The data are small, so the planner is told to avoid sequential and bitmap scans (enable_seqscan,
// enable_bitmapscan off: still chosen when nothing else can answer) and the tables are vacuumed (the
// visibility map, as autovacuum leaves it): what is tested is that the index-only scan is possible, not the
// planner's costing. No timing is asserted. The report's concurrent statements are bounded as well: its
// fresh pool never opens more than reports.MaxParallel connections.
func TestReportCountsAreIndexOnlyScans(t *testing.T) {
	now := date.Today() // the report picks the "open on day X" form by the real clock
	a := testapp.NewRowSecurity(t, now)
	ctx := context.Background()
	if err := demo.SyntheticSpan(ctx, a.DB, 3000, now, 800, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := a.DB.Exec(`VACUUM ANALYZE cases, lawsuits, court_sessions, suggestions, opinion_letters, deadlines, agencies, windows`); err != nil {
		t.Fatal(err)
	}
	var organ int
	if err := a.DB.Get(&organ, `SELECT id FROM organ WHERE code = $1`, demo.FirstOrgan); err != nil {
		t.Fatal(err)
	}
	bound := database.WithOrgan(ctx, organ)
	db, counter := testdb.OpenCounted(t, a.DB)
	p, err := reports.ParsePeriod(now.AddMonths(-1).Time().Format("2006-01"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := reports.Compute(bound, db, p, true)
	if err != nil {
		t.Fatal(err)
	}
	if open := db.Stats().OpenConnections; open > reports.MaxParallel {
		t.Errorf("one report opened %d connections at once, want at most %d", open, reports.MaxParallel)
	}
	calls := counter.Calls()
	// the first run counted the 12 months of the trend and cached the closed ones; the second reads them
	var cached int
	if err := a.DB.GetContext(bound, &cached, `SELECT count(*) FROM month_counts`); err != nil {
		t.Fatal(err)
	}
	closed := 12
	if now.Day() == 1 { // last month is not closed before its next day is over
		closed = 11
	}
	if cached != closed {
		t.Errorf("%d months cached after the first run, want the %d closed months of the trend", cached, closed)
	}
	again, err := reports.Compute(bound, db, p, true)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(again.Trend) != fmt.Sprint(r.Trend) || len(r.Trend) != 12 || r.Trend[11].Received == 0 {
		t.Errorf("trend counted %v, from the cache %v", r.Trend, again.Trend)
	}
	// a period more than reports.RecentDays back counts its open cases through the interval index
	old, err := reports.ParsePeriod(now.AddMonths(-18).Time().Format("2006-01"))
	if err != nil {
		t.Fatal(err)
	}
	counter.Reset()
	if _, err := reports.Compute(bound, db, old, true); err != nil {
		t.Fatal(err)
	}
	calls = append(calls, counter.Calls()...)
	interval := 0
	for _, c := range calls {
		if strings.Contains(c.Query, "daterange(") {
			interval++
		}
	}
	if interval == 0 {
		t.Error("the report of a period 18 months back did not count its open cases through the interval index")
	}

	checked := 0
	for _, c := range calls {
		q := strings.TrimSpace(c.Query)
		if !strings.HasPrefix(strings.ToUpper(q), "SELECT") || strings.Contains(q, "set_config(") {
			continue
		}
		for _, run := range []struct {
			name string
			ctx  context.Context
		}{{"bound", bound}, {"unbound", ctx}} {
			scans, err := casesScans(run.ctx, a, q, c.Args)
			if err != nil {
				t.Fatalf("%s: EXPLAIN %s: %v", run.name, q, err)
			}
			for _, s := range scans {
				checked++
				if !s.indexOnly() {
					t.Errorf("%s: a %s on %s (index %q, index condition %q, filter %q), want an index-only scan with an index condition:\n%s",
						run.name, s.NodeType, s.Relation, s.IndexName, s.IndexCond, s.Filter, q)
				}
			}
		}
	}
	t.Logf("%d scans of cases and deadlines checked", checked)
	if checked < 30 {
		t.Fatalf("only %d scans checked: the report's statements were not recorded", checked)
	}
}

// planNode is a node of EXPLAIN (FORMAT JSON).
type planNode struct {
	NodeType  string     `json:"Node Type"`
	Relation  string     `json:"Relation Name"`
	IndexName string     `json:"Index Name"`
	IndexCond string     `json:"Index Cond"`
	Filter    string     `json:"Filter"`
	Plans     []planNode `json:"Plans"`
}

// indexOnly: an index-only scan driven by an index condition, the lookup of one case by its key, or a search
// of the interval index (GiST on an expression: no index-only scan, but its cost is the cases open on the day;
// its condition is an index condition only with the LEAKPROOF marks of internal/database/leakproof.sql, which
// the clusters of scripts/pg.sh have).
func (n planNode) indexOnly() bool {
	switch {
	case n.NodeType == "Index Only Scan" && n.IndexCond != "":
		return true
	case n.NodeType == "Index Scan" && n.IndexName == "cases_pkey":
		return strings.HasPrefix(n.IndexCond, "(id = ")
	case n.NodeType == "Index Scan" && n.IndexName == "cases_open_interval":
		return strings.Contains(n.IndexCond, "@>")
	}
	return false
}

// casesScans plans q with args in a transaction of its own (the planner settings are local to it) and
// returns the scans of the tables cases and deadlines.
func casesScans(ctx context.Context, a *testapp.App, q string, args []any) ([]planNode, error) {
	tx, err := a.DB.BeginTxx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.Exec(`SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off`); err != nil {
		return nil, err
	}
	var out []byte
	if err := tx.Get(&out, `EXPLAIN (FORMAT JSON) `+q, args...); err != nil {
		return nil, err
	}
	var plans []struct {
		Plan planNode `json:"Plan"`
	}
	if err := json.Unmarshal(out, &plans); err != nil || len(plans) != 1 {
		return nil, fmt.Errorf("plan %s: %v", out, err)
	}
	var scans []planNode
	var walk func(n planNode)
	walk = func(n planNode) {
		if n.Relation == "cases" || n.Relation == "deadlines" {
			scans = append(scans, n)
		}
		for _, c := range n.Plans {
			walk(c)
		}
	}
	walk(plans[0].Plan)
	return scans, nil
}
