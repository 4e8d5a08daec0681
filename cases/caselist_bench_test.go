package cases_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strconv"
	"testing"
	"time"

	"fuyi/internal/demo"
	"fuyi/internal/testapp"
)

// BenchmarkCaseList measures the staff case list (GET /api/v1/cases through Fiber) at 100,000 and
// 1,000,000 synthetic cases, with 60 cases assigned to officer1: the first page with its (capped) count, and
// the search by applicant name, 登记号, 案号 and respondent, as officer1 and as chief1 (who sees all), plus
// deep pages (by number near the cap, by the keyset cursor beyond). BENCH_CASES=1000000 runs one size only.
func BenchmarkCaseList(b *testing.B) {
	sizes := []int{100000, 1000000}
	if s := benchCases(); s > 0 {
		sizes = []int{s}
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("cases=%d", n), func(b *testing.B) {
			a := testapp.New(b, today)
			t0 := time.Now()
			if err := demo.Synthetic(context.Background(), a.DB, n, today, nil); err != nil {
				b.Fatal(err)
			}
			b.Logf("generated %d cases in %s", n, time.Since(t0).Round(time.Second))
			a.DB.MustExec(`SET session_replication_role = replica`)
			// triggers are off: the organ is given (the demo has two organs, so no default applies)
			a.DB.MustExec(`INSERT INTO case_assignments (case_id, user_id, lead, assigned_by, organ_id)
				SELECT c.id, u.id, true, u.id, c.organ_id FROM (SELECT id, organ_id FROM cases WHERE status = 'accepted' ORDER BY id DESC LIMIT 60) c, users u WHERE u.username = 'officer1'`)
			a.DB.MustExec(`SET session_replication_role = DEFAULT`)
			a.DB.MustExec(`ANALYZE`)
			// search terms taken from the data: an applicant, a registration number, a case number (of a case
			// on officer1's team, so both users find it) and a respondent
			var name, regNo, caseNo, agency string
			a.DB.QueryRow(`SELECT p.name, c.registration_no, c.case_no, ag.name FROM case_assignments x JOIN cases c ON c.id = x.case_id
				JOIN case_parties p ON p.case_id = c.id JOIN agencies ag ON ag.id = c.respondent_agency_id
				JOIN users u ON u.id = x.user_id WHERE u.username = 'officer1' ORDER BY c.id LIMIT 1`).Scan(&name, &regNo, &caseNo, &agency)
			queries := []string{name, regNo, caseNo, agency}
			for _, who := range []string{"officer1", "chief1"} {
				tok := a.Login(who)
				measure := func(metric string, paths func(i int) string) {
					var lat []time.Duration
					for i := 0; i < b.N; i++ {
						p := paths(i)
						t0 := time.Now()
						if r := a.Do("GET", p, tok, nil); r.Status != 200 {
							b.Fatalf("%s: %d %s", p, r.Status, r.Body)
						}
						lat = append(lat, time.Since(t0))
					}
					sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
					b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, who+"-"+metric+"-p50-ms")
					b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, who+"-"+metric+"-p95-ms")
				}
				measure("first", func(int) string { return "/api/v1/cases?per_page=20" })
				measure("search", func(i int) string { return "/api/v1/cases?per_page=20&q=" + url.QueryEscape(queries[i%len(queries)]) })
				if who == "chief1" {
					measure("page490", func(int) string { return "/api/v1/cases?per_page=20&page=490" })
					measure("cursor", func(i int) string { return fmt.Sprintf("/api/v1/cases?per_page=20&after=2022-%02d-15_%d", 1+i%12, n) })
				}
			}
		})
	}
}

// benchCases is BENCH_CASES (0 when unset).
func benchCases() int {
	n, _ := strconv.Atoi(os.Getenv("BENCH_CASES"))
	return n
}
