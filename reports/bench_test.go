package reports_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"fuyi/internal/demo"
	"fuyi/internal/testapp"
	"fuyi/reports"
)

// BenchmarkMonthlyReport computes last month's full report (with year-on-year and the 12-month trend) over
// 100,000 and 1,000,000 synthetic cases with the same monthly volume (~16,700 a month: 6 months vs 60 months
// of history), issue 8: under 200 ms and roughly the same at both sizes — the cost follows the month.
func BenchmarkMonthlyReport(b *testing.B) {
	for _, size := range []struct{ n, span int }{{100000, 182}, {1000000, 1825}} {
		n := size.n
		b.Run(fmt.Sprintf("cases=%d", n), func(b *testing.B) {
			a := testapp.New(b, today)
			t0 := time.Now()
			if err := demo.SyntheticSpan(context.Background(), a.DB, n, today, size.span, nil); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(time.Since(t0).Seconds(), "seed-s")
			p, _ := reports.ParsePeriod("2026-10")
			var lat []time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				s := time.Now()
				if _, err := reports.Compute(context.Background(), a.DB, p, true); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(s))
			}
			b.StopTimer()
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
		})
	}
}
