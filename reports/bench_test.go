package reports_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"fuyi/internal/database"
	"fuyi/internal/demo"
	"fuyi/internal/testapp"
	"fuyi/reports"
)

// BenchmarkMonthlyReport computes last month's full report (with year-on-year and the 12-month trend) over
// 100,000 and 1,000,000 synthetic cases with the same monthly volume (~16,700 a month: 6 months vs 60 months
// of history), issue 8: under 200 ms and roughly the same at both sizes — the cost follows the month.
//
// The report runs as the product runs it: bound to the organ (the pages bind the user's organ, the scheduler
// each organ in turn), so that row-level security and the per-organ trend cache are paid as in production.
// TEST_DATABASE_URL must be the application role of scripts/pg.sh (not a superuser, which bypasses
// row-level security and measures a plan the application never gets): the benchmark refuses a role that
// bypasses it (or lacks the LEAKPROOF marks: testapp.RequireAppRole). first-ms is the first run, with the
// trend cache of the 12 months still empty. Sub-benchmarks cases=n/compute: each size is generated once per
// process (go test calls a benchmark function with N=1 and again with N=-benchtime; only the leaf repeats).
//
// BENCH_REPORT_CASES=30000 (a comma-separated list) measures other sizes instead, over 6 months of history.
func BenchmarkMonthlyReport(b *testing.B) {
	sizes := []struct{ n, span int }{{100000, 182}, {1000000, 1825}}
	if env := os.Getenv("BENCH_REPORT_CASES"); env != "" {
		sizes = nil
		for _, f := range strings.Split(env, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 {
				b.Fatalf("BENCH_REPORT_CASES: %q", f)
			}
			sizes = append(sizes, struct{ n, span int }{n, 182})
		}
	}
	for _, size := range sizes {
		n := size.n
		b.Run(fmt.Sprintf("cases=%d", n), func(b *testing.B) {
			// the data is generated once: this level has a sub-benchmark, so go test calls it once, whereas it
			// calls the leaf twice (N=1, then N=-benchtime)
			a := testapp.New(b, today)
			a.RequireAppRole()
			t0 := time.Now()
			if err := demo.SyntheticSpan(context.Background(), a.DB, n, today, size.span, nil); err != nil {
				b.Fatal(err)
			}
			seed := time.Since(t0)
			// the planner's statistics and the visibility map as autovacuum leaves them after a bulk load (its
			// own run would start at a random moment of the measurement)
			if _, err := a.DB.Exec(`VACUUM ANALYZE cases, lawsuits, court_sessions, suggestions, opinion_letters, deadlines`); err != nil {
				b.Fatal(err)
			}
			p, _ := reports.ParsePeriod("2026-10")
			ctx := database.WithOrgan(context.Background(), 1)
			var first time.Duration // the first run on the new data (the leaf's N=1 pass)
			b.Run("compute", func(b *testing.B) {
				var lat []time.Duration
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					s := time.Now()
					if _, err := reports.Compute(ctx, a.DB, p, true); err != nil {
						b.Fatal(err)
					}
					lat = append(lat, time.Since(s))
				}
				b.StopTimer()
				if first == 0 {
					first = lat[0]
				}
				b.ReportMetric(float64(first.Microseconds())/1000, "first-ms")
				b.ReportMetric(seed.Seconds(), "seed-s")
				sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
			})
		})
	}
}
