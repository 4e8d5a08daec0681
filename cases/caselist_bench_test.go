package cases_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"slices"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/demo"
	"fuyi/internal/testapp"
)

// BenchmarkCaseList measures the staff case list, GET /api/v1/cases through Fiber on PostgreSQL as the
// application role (row-level security paid), at 100,000 and 1,000,000 synthetic cases (BENCH_CASES=n: that
// size only), 60 of the newest open ones assigned to officer1. Each sub-benchmark reports p50-ms and p95-ms:
//
//	{chief,officer}/first         first page (20, newest received first) with its count (capped at 10,000)
//	{chief,officer}/due           first page sorted by the nearest open deadline (sort=due)
//	{chief,officer}/search/name   q = an applicant's name
//	{chief,officer}/search/regno  q = a 登记号
//	{chief,officer}/search/caseno q = a 案号
//	{chief,officer}/search/docno  q = a 文号 of the contested act
//	{chief,officer}/search/respondent q = the respondent's name (matches a large share of all cases)
//	chief/page500                 page 500 by number (offset 9,980: the deepest the count cap allows; below
//	                              20,000 cases the middle page instead)
//	chief/keyset                  a deep page by the keyset cursor (after=date_id, spread over the five years)
//
// (and samples; ns/op is the mean latency). chief1 sees every case; officer1 the 60 of its team. The search
// terms are those of 20 cases spread over the data (the chief's) and of officer1's cases, used in turn; every
// answer is checked (not timed): a non-empty page, and a 登记号 or 案号 finds its case on it. The dataset is generated once per size and process: the parent sub-benchmark (cases=n) runs once,
// whereas go test calls a leaf twice (N=1, then N=-benchtime); BENCH_KEEP=1 keeps it on the server for the
// next run (caseListData).
func BenchmarkCaseList(b *testing.B) {
	sizes := []int{100000, 1000000}
	if s := benchCases(); s > 0 {
		sizes = []int{s}
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("cases=%d", n), func(b *testing.B) {
			a, terms := caseListData(b, n)
			for _, who := range []string{"chief", "officer"} {
				user := who + "1"
				base := "/api/v1/cases?per_page=20"
				caseList(b, a, who+"/first", user, nil, func(int) string { return base })
				caseList(b, a, who+"/due", user, nil, func(int) string { return base + "&sort=due" })
				ts := terms[user]
				for _, k := range []struct {
					name string
					term func(t searchTerm) string
				}{
					{"name", func(t searchTerm) string { return t.Name }},
					{"regno", func(t searchTerm) string { return t.RegNo }},
					{"caseno", func(t searchTerm) string { return t.CaseNo }},
					{"docno", func(t searchTerm) string { return t.DocNo }},
					{"respondent", func(t searchTerm) string { return t.Agency }},
				} {
					paths := make([]string, len(ts))
					for i, t := range ts {
						paths[i] = base + "&q=" + url.QueryEscape(k.term(t))
					}
					check := func(i int, ids []int64, total int) error {
						if total == 0 {
							return fmt.Errorf("nothing found")
						}
						// an identifier finds its case on the first page (a name or a respondent may be shared by more)
						if (k.name == "regno" || k.name == "caseno") && !slices.Contains(ids, ts[i%len(ts)].ID) {
							return fmt.Errorf("case %d not on the first page: %v", ts[i%len(ts)].ID, ids)
						}
						return nil
					}
					caseList(b, a, who+"/search/"+k.name, user, check, func(i int) string { return paths[i%len(paths)] })
				}
			}
			pg := min(500, n/40+1) // 500 from 10,000 cases on; a smaller dataset's middle page
			caseList(b, a, fmt.Sprintf("chief/page%d", pg), "chief1", nil, func(int) string { return fmt.Sprintf("/api/v1/cases?per_page=20&page=%d", pg) })
			var maxID int64
			if err := a.DB.Get(&maxID, `SELECT max(id) FROM cases`); err != nil {
				b.Fatal(err)
			}
			caseList(b, a, "chief/keyset", "chief1", nil, func(i int) string {
				day := today.AddDays(-(30 + i*53%1770))
				return fmt.Sprintf("/api/v1/cases?per_page=20&after=%s_%d", day, maxID+1)
			})
		})
	}
}

// searchTerm is what a case is searched by.
type searchTerm struct {
	ID     int64  `db:"id"`
	Name   string `db:"name"`
	RegNo  string `db:"registration_no"`
	CaseNo string `db:"case_no"`
	DocNo  string `db:"act_doc_no"`
	Agency string `db:"agency"`
}

// caseListVersion names the data caseListSeed adds to the generator's: change it with caseListSeed.
const caseListVersion = "v1"

// caseListSeed generates n synthetic cases and assigns 60 of the newest open ones to officer1.
func caseListSeed(n int) func(ctx context.Context, db *sqlx.DB) error {
	return func(ctx context.Context, db *sqlx.DB) error {
		if err := demo.Synthetic(ctx, db, n, today, nil); err != nil {
			return err
		}
		conn, err := db.Connx(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		// triggers off (the session setting needs one connection): the organ is given (the demo has two organs,
		// so no default applies)
		for _, q := range []string{`SET session_replication_role = replica`,
			`INSERT INTO case_assignments (case_id, user_id, lead, assigned_by, organ_id)
			SELECT c.id, u.id, true, u.id, c.organ_id FROM (SELECT id, organ_id FROM cases WHERE status = 'accepted' ORDER BY id DESC LIMIT 60) c, users u
			WHERE u.username = 'officer1'`,
			`SET session_replication_role = DEFAULT`, `ANALYZE`} {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("%.40s: %w", q, err)
			}
		}
		return nil
	}
}

// caseListData gives the app on n synthetic cases (as the application role) and the search terms of chief1
// and officer1. With BENCH_KEEP=1 the database is kept on the server and reused by the next run of the same
// size, generator, migrations and caseListVersion (testdb.Kept; ~3.5 GB at 1,000,000 cases, dropped by hand);
// otherwise it is generated anew and dropped at the end.
func caseListData(b *testing.B, n int) (*testapp.App, map[string][]searchTerm) {
	t0 := time.Now()
	a := testapp.New(b, today)
	b.Logf("database role %s (no superuser, no BYPASSRLS: row-level security applies)", a.RequireAppRole())
	if os.Getenv("BENCH_KEEP") == "1" {
		a = testapp.Kept(b, today, fmt.Sprintf("caselist-%d-%s-%s-%s", n, today, demo.SyntheticVersion(), caseListVersion), caseListSeed(n))
	} else if err := caseListSeed(n)(context.Background(), a.DB); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d cases ready in %s", n, time.Since(t0).Round(time.Second))
	const pick = `SELECT c.id, p.name, c.registration_no, c.case_no, c.act_doc_no, ag.name AS agency
		FROM cases c JOIN case_parties p ON p.case_id = c.id AND p.role = 'applicant' AND p.position = 0
		JOIN agencies ag ON ag.id = c.respondent_agency_id WHERE c.case_no IS NOT NULL AND c.act_doc_no <> '' AND %s ORDER BY c.id LIMIT 20`
	terms := map[string][]searchTerm{}
	var chief, officer []searchTerm
	if err := a.DB.Select(&chief, fmt.Sprintf(pick, `c.id % $1 = 0`), max(n/23, 1)); err != nil {
		b.Fatal(err)
	}
	if err := a.DB.Select(&officer, fmt.Sprintf(pick, `c.id IN (SELECT x.case_id FROM case_assignments x JOIN users u ON u.id = x.user_id
		WHERE u.username = $1 AND x.removed_at IS NULL)`), "officer1"); err != nil {
		b.Fatal(err)
	}
	if len(chief) == 0 || len(officer) == 0 {
		b.Fatalf("no search terms: %d for chief1, %d for officer1", len(chief), len(officer))
	}
	b.Logf("e.g. %+v", chief[0])
	terms["chief1"], terms["officer1"] = chief, officer
	return a, terms
}

// caseList runs the sub-benchmark name: b.N requests of GET path(i) as user, reporting p50-ms and p95-ms of
// the answers' latencies (the answer read, not yet decoded). Every answer must be a non-empty page that check,
// if given, accepts (decoding and checking are not timed).
//
// A leaf stops early once it has spent leafBudget (BENCH_LEAF_SECONDS, default 30 s) on at least 5 requests,
// so that a list that takes seconds per request (a missed target) cannot hold make bench for hours. Its ns/op
// is the mean latency of the requests made, samples how many were made (b.N unless the budget ended it).
func caseList(b *testing.B, parent *testapp.App, name, user string, check func(i int, ids []int64, total int) error, path func(i int) string) {
	b.Run(name, func(b *testing.B) {
		a := parent.For(b)
		tok := a.Login(user)
		budget := leafBudget()
		lat := make([]time.Duration, 0, b.N)
		var sum time.Duration
		b.ResetTimer()
		start := time.Now()
		for i := 0; i < b.N; i++ {
			if i >= 5 && time.Since(start) > budget {
				break
			}
			p := path(i)
			t0 := time.Now()
			r := a.Do("GET", p, tok, nil)
			d := time.Since(t0)
			lat, sum = append(lat, d), sum+d
			if r.Status != 200 {
				b.Fatalf("%s: %d %s", p, r.Status, r.Body)
			}
			var page struct {
				Items []struct {
					ID int64 `json:"id"`
				} `json:"items"`
				Total int `json:"total"`
			}
			r.JSON(b, &page)
			ids := make([]int64, len(page.Items))
			for j, it := range page.Items {
				ids[j] = it.ID
			}
			if len(ids) == 0 {
				b.Fatalf("%s as %s: empty page", p, user)
			}
			if check != nil {
				if err := check(i, ids, page.Total); err != nil {
					b.Fatalf("%s as %s: %v", p, user, err)
				}
			}
		}
		b.StopTimer()
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
		b.ReportMetric(float64(sum.Nanoseconds())/float64(len(lat)), "ns/op")
		b.ReportMetric(float64(len(lat)), "samples")
	})
}

// leafBudget is BENCH_LEAF_SECONDS (default 30 s): how long one case-list sub-benchmark may sample.
func leafBudget() time.Duration {
	if n, err := strconv.Atoi(os.Getenv("BENCH_LEAF_SECONDS")); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	return 30 * time.Second
}

// benchCases is BENCH_CASES (0 when unset).
func benchCases() int {
	n, _ := strconv.Atoi(os.Getenv("BENCH_CASES"))
	return n
}
