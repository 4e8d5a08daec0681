// Package ops is what an operator watches: the readiness checks (database reachable, migrations applied and
// unchanged, the working-day calendar of the current year present), the warnings that do not make the server
// unready (the database's LEAKPROOF marks), and the Prometheus metrics (requests by route and status, latency
// histograms, the connection pool, the outbox backlog, job runs and failures, the missing marks).
// Metric labels are route patterns, methods, status codes and job names — never a path with an id, a name,
// a number or anything else a person typed.
package ops

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/database"
	"fuyi/internal/date"
)

// Check is one readiness check's result.
type Check struct {
	Name    string `json:"name"`
	OK      bool   `json:"ok"`
	Message string `json:"message,omitempty"`
}

// Ready runs the readiness checks: the database answers, every migration of fsys is applied and unchanged,
// and the calendar of today's year is complete (deadlines cannot be computed without it).
func Ready(ctx context.Context, db *sqlx.DB, migrations fs.FS, today date.Date) []Check {
	checks := []Check{{Name: "database", OK: true}, {Name: "migrations", OK: true}, {Name: "calendar", OK: true}}
	if err := db.PingContext(ctx); err != nil {
		checks[0] = Check{Name: "database", Message: "数据库无法连接"}
		checks[1].OK, checks[1].Message = false, "无法检查（数据库无法连接）"
		checks[2].OK, checks[2].Message = false, "无法检查（数据库无法连接）"
		return checks
	}
	pending, err := database.Pending(ctx, db, migrations)
	switch {
	case err != nil:
		checks[1] = Check{Name: "migrations", Message: "迁移状态异常：" + err.Error()}
	case len(pending) > 0:
		checks[1] = Check{Name: "migrations", Message: fmt.Sprintf("有%d个数据库迁移尚未执行（fuyi migrate）", len(pending))}
	}
	var complete bool
	if err := db.GetContext(ctx, &complete, queryCalendarYear, today.Year()); err != nil {
		checks[2] = Check{Name: "calendar", Message: "无法读取工作日历"}
	} else if !complete {
		checks[2] = Check{Name: "calendar", Message: fmt.Sprintf("%d年的工作日历尚未录入完整（/admin/calendar）", today.Year())}
	}
	return checks
}

// Warnings are what an operator should fix although the server is ready: the database lacks the LEAKPROOF
// marks of database.LeakproofSQL (every search still answers correctly, but reads its whole table). They
// never make /readyz answer 503. A warning that cannot be checked is not reported (the database check of
// Ready says why).
func Warnings(ctx context.Context, db *sqlx.DB) []Check {
	missing, err := database.LeakproofMissing(ctx, db)
	if err != nil || len(missing) == 0 {
		return nil
	}
	return []Check{{Name: "leakproof", Message: fmt.Sprintf("数据库缺少%d个函数的 LEAKPROOF 标记，检索无法使用索引（结果正确但随案件增多而变慢）：请数据库管理员以超级用户连接运行一次 fuyi db-leakproof", len(missing))}}
}

const queryCalendarYear = `SELECT EXISTS (SELECT 1 FROM calendar_years WHERE year = $1 AND complete)`

const queryOutboxBacklog = `SELECT channel, count(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL GROUP BY channel`

const queryOutboxFailed = `SELECT count(*) FROM outbox WHERE failed_at IS NOT NULL`

// Statements lists the SQL of this package (checked against the schema by the statement test).
func Statements() []string { return []string{queryCalendarYear, queryOutboxBacklog, queryOutboxFailed} }

// Buckets of the latency histograms, in seconds.
var Buckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

type reqKey struct{ method, route, status string }
type latKey struct{ method, route string }

type histogram struct {
	counts []uint64 // per bucket (not cumulative), then +Inf
	sum    float64
	n      uint64
}

// Metrics collects what the process counts itself; the pool and the outbox are read when scraped.
type Metrics struct {
	mu       sync.Mutex
	requests map[reqKey]uint64
	latency  map[latKey]*histogram
	jobRuns  map[string]uint64
	jobFails map[string]uint64
	start    time.Time
}

func NewMetrics() *Metrics {
	return &Metrics{requests: map[reqKey]uint64{}, latency: map[latKey]*histogram{}, jobRuns: map[string]uint64{},
		jobFails: map[string]uint64{}, start: time.Now()}
}

// Request records one answered request under its route pattern.
func (m *Metrics) Request(method, route string, status int, took time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	method, route = strings.Clone(method), strings.Clone(route) // fasthttp reuses the bytes behind c.Method()
	m.requests[reqKey{method, route, strconv.Itoa(status)}]++
	h := m.latency[latKey{method, route}]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(Buckets)+1)}
		m.latency[latKey{method, route}] = h
	}
	s := took.Seconds()
	i := sort.SearchFloat64s(Buckets, s)
	h.counts[i]++
	h.sum += s
	h.n++
}

// Job records one run of a scheduled job and whether it failed.
func (m *Metrics) Job(name string, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.jobRuns[name]++
	if err != nil {
		m.jobFails[name]++
	} else if _, ok := m.jobFails[name]; !ok {
		m.jobFails[name] = 0
	}
}

func esc(v string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(v)
}

func fnum(f float64) string {
	if math.IsInf(f, 1) {
		return "+Inf"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// Write writes the metrics in the Prometheus text exposition format (version 0.0.4). db may be nil.
func (m *Metrics) Write(ctx context.Context, w io.Writer, db *sqlx.DB) error {
	var b strings.Builder
	m.mu.Lock()
	b.WriteString("# HELP fuyi_http_requests_total HTTP requests answered, by method, route pattern and status.\n# TYPE fuyi_http_requests_total counter\n")
	keys := make([]reqKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, c := keys[i], keys[j]
		return a.route+a.method+a.status < c.route+c.method+c.status
	})
	for _, k := range keys {
		fmt.Fprintf(&b, "fuyi_http_requests_total{method=\"%s\",route=\"%s\",status=\"%s\"} %d\n", k.method, esc(k.route), k.status, m.requests[k])
	}
	b.WriteString("# HELP fuyi_http_request_duration_seconds Time to answer a request, by method and route pattern.\n# TYPE fuyi_http_request_duration_seconds histogram\n")
	lks := make([]latKey, 0, len(m.latency))
	for k := range m.latency {
		lks = append(lks, k)
	}
	sort.Slice(lks, func(i, j int) bool { return lks[i].route+lks[i].method < lks[j].route+lks[j].method })
	for _, k := range lks {
		h := m.latency[k]
		var cum uint64
		labels := fmt.Sprintf("method=\"%s\",route=\"%s\"", k.method, esc(k.route))
		for i, le := range append(append([]float64{}, Buckets...), math.Inf(1)) {
			cum += h.counts[i]
			fmt.Fprintf(&b, "fuyi_http_request_duration_seconds_bucket{%s,le=\"%s\"} %d\n", labels, fnum(le), cum)
		}
		fmt.Fprintf(&b, "fuyi_http_request_duration_seconds_sum{%s} %s\n", labels, fnum(h.sum))
		fmt.Fprintf(&b, "fuyi_http_request_duration_seconds_count{%s} %d\n", labels, h.n)
	}
	jobs := make([]string, 0, len(m.jobRuns))
	for j := range m.jobRuns {
		jobs = append(jobs, j)
	}
	sort.Strings(jobs)
	b.WriteString("# HELP fuyi_job_runs_total Runs of the scheduled jobs in this process.\n# TYPE fuyi_job_runs_total counter\n")
	for _, j := range jobs {
		fmt.Fprintf(&b, "fuyi_job_runs_total{job=\"%s\"} %d\n", esc(j), m.jobRuns[j])
	}
	b.WriteString("# HELP fuyi_job_failures_total Failed runs of the scheduled jobs in this process.\n# TYPE fuyi_job_failures_total counter\n")
	for _, j := range jobs {
		fmt.Fprintf(&b, "fuyi_job_failures_total{job=\"%s\"} %d\n", esc(j), m.jobFails[j])
	}
	fmt.Fprintf(&b, "# HELP fuyi_process_start_time_seconds Start of this process (Unix time).\n# TYPE fuyi_process_start_time_seconds gauge\nfuyi_process_start_time_seconds %d\n", m.start.Unix())
	m.mu.Unlock()

	if db != nil {
		st := db.Stats()
		fmt.Fprintf(&b, "# HELP fuyi_db_pool_max_open Maximum open connections of the pool.\n# TYPE fuyi_db_pool_max_open gauge\nfuyi_db_pool_max_open %d\n", st.MaxOpenConnections)
		fmt.Fprintf(&b, "# HELP fuyi_db_pool_open Open connections.\n# TYPE fuyi_db_pool_open gauge\nfuyi_db_pool_open %d\n", st.OpenConnections)
		fmt.Fprintf(&b, "# HELP fuyi_db_pool_in_use Connections in use.\n# TYPE fuyi_db_pool_in_use gauge\nfuyi_db_pool_in_use %d\n", st.InUse)
		fmt.Fprintf(&b, "# HELP fuyi_db_pool_idle Idle connections.\n# TYPE fuyi_db_pool_idle gauge\nfuyi_db_pool_idle %d\n", st.Idle)
		fmt.Fprintf(&b, "# HELP fuyi_db_pool_wait_total Requests for a connection that had to wait.\n# TYPE fuyi_db_pool_wait_total counter\nfuyi_db_pool_wait_total %d\n", st.WaitCount)
		fmt.Fprintf(&b, "# HELP fuyi_db_pool_wait_seconds_total Time spent waiting for a connection.\n# TYPE fuyi_db_pool_wait_seconds_total counter\nfuyi_db_pool_wait_seconds_total %s\n", fnum(st.WaitDuration.Seconds()))
		var rows []struct {
			Channel string `db:"channel"`
			N       int    `db:"count"`
		}
		backlog := map[string]int{"email": 0, "webhook": 0}
		scrapeOK := 1
		if err := db.SelectContext(ctx, &rows, queryOutboxBacklog); err != nil {
			scrapeOK = 0
		}
		for _, r := range rows {
			backlog[r.Channel] = r.N
		}
		var failed int
		if err := db.GetContext(ctx, &failed, queryOutboxFailed); err != nil {
			scrapeOK = 0
		}
		b.WriteString("# HELP fuyi_outbox_pending Messages waiting to be sent, by channel.\n# TYPE fuyi_outbox_pending gauge\n")
		for _, ch := range []string{"email", "webhook"} {
			fmt.Fprintf(&b, "fuyi_outbox_pending{channel=\"%s\"} %d\n", ch, backlog[ch])
		}
		fmt.Fprintf(&b, "# HELP fuyi_outbox_failed Messages given up after their retries.\n# TYPE fuyi_outbox_failed gauge\nfuyi_outbox_failed %d\n", failed)
		if missing, err := database.LeakproofMissing(ctx, db); err == nil {
			fmt.Fprintf(&b, "# HELP fuyi_db_leakproof_missing Built-in functions the indexed searches need marked LEAKPROOF that are not (fuyi db-leakproof).\n# TYPE fuyi_db_leakproof_missing gauge\nfuyi_db_leakproof_missing %d\n", len(missing))
		}
		fmt.Fprintf(&b, "# HELP fuyi_database_up Whether the database answered this scrape.\n# TYPE fuyi_database_up gauge\nfuyi_database_up %d\n", scrapeOK)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
