package notices_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/date"
	"fuyi/internal/testapp"
	"fuyi/notices"
)

// seedDeadlines adds n cases, each with a team of two and one open decision deadline spread over two years
// around 2025-07-01, plus history met (closed) deadlines, all of the first organ. Triggers are off while seeding
// (bulk load), so organ_id is given.
func seedDeadlines(b *testing.B, db *sqlx.DB, open, history int) {
	b.Helper()
	ctx := context.Background()
	conn, err := db.Connx(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	steps := []string{
		`SET session_replication_role = replica`,
		fmt.Sprintf(`INSERT INTO cases (registration_no, query_code, registered_by, channel, received_on, respondent_agency_id,
			act_title, act_known_on, matter, requests, status, review_from, procedure, case_year, case_serial, case_no, accepted_on, organ_id)
		SELECT 'B-' || g, 'ABCDEFGH', 1, 'window', '2024-06-01', 1 + g %% 8, '行政处罚决定书', '2024-05-20', '行政处罚', '撤销',
			'accepted', '2024-06-01', 'ordinary', 3000 + g / 1000000, g, 'B〔' || g || '〕', '2024-06-03', 1
		FROM generate_series(1, %d) g`, open+history/4),
		fmt.Sprintf(`INSERT INTO case_assignments (case_id, user_id, lead, assigned_by, organ_id)
		SELECT c.id, u.id, u.username = 'officer1', u.id, 1 FROM cases c, users u WHERE u.username IN ('officer1', 'officer2') AND c.registration_no LIKE 'B-%%' AND c.id <= (SELECT min(id) FROM cases WHERE registration_no LIKE 'B-%%') + %d`, open),
		fmt.Sprintf(`INSERT INTO deadlines (case_id, kind, due_on, basis, status, organ_id)
		SELECT c.id, 'decision', date '2025-06-01' + (row_number() OVER (ORDER BY c.id) %% 120)::int, 'bench', 'open', 1
		FROM cases c WHERE c.registration_no LIKE 'B-%%' ORDER BY c.id LIMIT %d`, open),
		fmt.Sprintf(`INSERT INTO deadlines (case_id, kind, ref, due_on, basis, status, met_on, organ_id)
		SELECT c.id, 'copy', g::text, date '2024-07-01', 'history', 'met', date '2024-06-20', 1
		FROM (SELECT id FROM cases WHERE registration_no LIKE 'B-%%' ORDER BY id LIMIT %d) c, generate_series(1, 4) g`, history/4),
		`SET session_replication_role = DEFAULT`,
		`ANALYZE`,
	}
	for _, s := range steps {
		t0 := time.Now()
		if _, err := conn.ExecContext(ctx, s); err != nil {
			b.Fatalf("%s: %v", s[:40], err)
		}
		if d := time.Since(t0); d > time.Second {
			b.Logf("seeding: %.50s… %s", strings.Join(strings.Fields(s), " "), d.Round(time.Millisecond))
		}
	}
}

// BenchmarkAlertRun measures the daily alert run over `open` open deadlines whose due dates spread from a
// month ago to three months ahead (issue: 100,000 in under 2 s, cost following the alert window and not the
// history). Setup runs the previous day, as production would have; each iteration of next-day is the next
// day's run (one more day each, across go test's passes). Queries run as the database role of
// TEST_DATABASE_URL, which must be the application role (row-level security paid).
//
// Where the time of the 1M-history size goes (2-core machine at a load average of 4, per setup): seeding
// 28–31 s (350,000 cases 9–12 s, 1,000,000 met deadlines 7–13 s, the teams 2–3 s, ANALYZE 1 s), the cold
// first run 6–10 s (85,065 notices), the five timed runs 3.5 s. go test calls a benchmark function once with
// N=1 and again with N=-benchtime, so the setup used to be paid twice per size; it is now paid once, by the
// size's level (a benchmark with sub-benchmarks is called once), and only the timed next-day runs repeat. The
// 823 s that make bench once took is consistent with that doubled setup slowed by other suites on the shared
// machine (at a load of 4, the three sizes and one more of 10,000/100,000 took 136 s in all; not re-measured
// at make bench's load). What is timed is unchanged: a day's run after the previous day's, on the same data.
func BenchmarkAlertRun(b *testing.B) {
	for _, size := range []struct{ open, history int }{{10000, 0}, {100000, 0}, {100000, 1000000}} {
		b.Run(fmt.Sprintf("open=%d/history=%d", size.open, size.history), func(b *testing.B) {
			a := testapp.New(b, date.MustParse("2025-07-01"))
			a.RequireAppRole()
			t0 := time.Now()
			seedDeadlines(b, a.DB, size.open, size.history)
			seeded := time.Since(t0)
			cal, _ := a.Server.Calendar.Get(context.Background())
			ctx := context.Background()
			day := date.MustParse("2025-07-01")
			t0 = time.Now()
			cold, err := notices.Run(ctx, a.DB, cal, day, notices.Config{}, nil)
			if err != nil {
				b.Fatal(err)
			}
			coldTime := time.Since(t0)
			a.DB.MustExec(`VACUUM ANALYZE deadlines`)
			b.Logf("seeded in %s, cold first run %s (%d notices)", seeded.Round(time.Millisecond), coldTime.Round(time.Millisecond), cold.Created)
			b.Run("next-day", func(b *testing.B) {
				created := 0
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					day = day.AddDays(1)
					res, err := notices.Run(ctx, a.DB, cal, day, notices.Config{}, nil)
					if err != nil {
						b.Fatal(err)
					}
					created += res.Created
				}
				b.StopTimer()
				b.ReportMetric(float64(created)/float64(b.N), "notices/run")
				b.ReportMetric(float64(coldTime.Milliseconds()), "cold-first-run-ms")
				b.ReportMetric(float64(cold.Created), "cold-notices")
			})
		})
	}
}
