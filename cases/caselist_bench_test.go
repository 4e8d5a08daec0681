package cases_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"fuyi/internal/demo"
	"fuyi/internal/testapp"
)

// BenchmarkCaseList measures the officer's case list (GET /api/v1/cases, first page) at 100,000 and
// 1,000,000 cases, with 60 cases assigned to the officer; the chief's list over everything beside it.
func BenchmarkCaseList(b *testing.B) {
	for _, n := range []int{100000, 1000000} {
		b.Run(fmt.Sprintf("cases=%d", n), func(b *testing.B) {
			a := testapp.New(b, today)
			if err := demo.Synthetic(context.Background(), a.DB, n, today, nil); err != nil {
				b.Fatal(err)
			}
			a.DB.MustExec(`SET session_replication_role = replica`)
			a.DB.MustExec(`INSERT INTO case_assignments (case_id, user_id, lead, assigned_by)
				SELECT c.id, u.id, true, u.id FROM (SELECT id FROM cases WHERE status = 'accepted' ORDER BY id DESC LIMIT 60) c, users u WHERE u.username = 'officer1'`)
			a.DB.MustExec(`SET session_replication_role = DEFAULT`)
			a.DB.MustExec(`ANALYZE`)
			for _, who := range []string{"officer1", "chief1"} {
				tok := a.Login(who)
				var lat []time.Duration
				for i := 0; i < b.N; i++ {
					t0 := time.Now()
					if r := a.Do("GET", "/api/v1/cases?per_page=20", tok, nil); r.Status != 200 {
						b.Fatalf("%d %s", r.Status, r.Body)
					}
					lat = append(lat, time.Since(t0))
				}
				sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, who+"-p50-ms")
				b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, who+"-p95-ms")
			}
		})
	}
}
