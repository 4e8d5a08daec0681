package opsweb_test

import (
	"regexp"
	"strings"
	"testing"

	"fuyi/internal/date"
	"fuyi/internal/testapp"
)

const token = "metrics-token-0123456789"

// /livez, /readyz, X-Request-ID on every answer, HEAD like GET, 405 with Allow, WWW-Authenticate on 401.
func TestOperationsEndpoints(t *testing.T) {
	t.Setenv("FUYI_METRICS_TOKEN", token)
	a := testapp.New(t, date.MustParse("2026-03-02"))
	r := a.Do("GET", "/livez", "", nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), `"ok"`) {
		t.Fatalf("livez: %d %s", r.Status, r.Body)
	}
	if !regexp.MustCompile(`^[0-9a-f]{12}$`).MatchString(r.Header.Get("X-Request-ID")) {
		t.Fatalf("X-Request-ID %q", r.Header.Get("X-Request-ID"))
	}
	if r := a.Do("GET", "/livez", "", nil, "X-Request-ID", "client-req.42_A"); r.Header.Get("X-Request-ID") != "client-req.42_A" {
		t.Fatalf("a sane incoming id is kept, got %q", r.Header.Get("X-Request-ID"))
	}
	if r := a.Do("GET", "/livez", "", nil, "X-Request-ID", "bad id;"+strings.Repeat("x", 70)); strings.Contains(r.Header.Get("X-Request-ID"), "bad") || r.Header.Get("X-Request-ID") == "" {
		t.Fatalf("an insane incoming id is replaced, got %q", r.Header.Get("X-Request-ID"))
	}
	// every answer carries one: an error, a page, a 404
	for _, p := range []string{"/api/v1/me", "/decisions", "/no-such-page"} {
		if r := a.Do("GET", p, "", nil); r.Header.Get("X-Request-ID") == "" {
			t.Errorf("%s: no X-Request-ID", p)
		}
	}

	r = a.Do("GET", "/readyz", "", nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), `"status":"ok"`) {
		t.Fatalf("readyz: %d %s", r.Status, r.Body)
	}

	// HEAD answers like GET without a body
	g, h := a.Do("GET", "/decisions", "", nil), a.Do("HEAD", "/decisions", "", nil)
	if h.Status != 200 || len(h.Body) != 0 || h.Header.Get("Content-Type") != g.Header.Get("Content-Type") {
		t.Fatalf("HEAD /decisions: %d %q %q", h.Status, h.Body, h.Header.Get("Content-Type"))
	}
	if h := a.Do("HEAD", "/api/v1/cases", a.Login("officer1"), nil); h.Status != 200 || len(h.Body) != 0 {
		t.Fatalf("HEAD /api/v1/cases: %d", h.Status)
	}

	// 401 names the scheme
	if r := a.Do("GET", "/api/v1/me", "", nil); r.Status != 401 || r.Header.Get("WWW-Authenticate") != `Bearer realm="fuyi"` {
		t.Fatalf("401: %d %q", r.Status, r.Header.Get("WWW-Authenticate"))
	}

	// 405 with Allow for a known path, 404 for an unknown one
	for path, want := range map[string]string{
		"DELETE /livez":           "GET, HEAD",
		"PUT /api/v1/cases":       "GET, HEAD, POST",
		"DELETE /api/v1/cases/17": "GET, HEAD, PATCH",
		"GET /api/v1/sessions":    "POST",
		"POST /api/v1/calendar/1": "GET, HEAD, PUT",
	} {
		m, p, _ := strings.Cut(path, " ")
		r := a.Do(m, p, a.Login("bureau1"), nil)
		if r.Status != 405 || r.Header.Get("Allow") != want || strings.HasPrefix(p, "/api/") && r.ErrorCode(t) != "method_not_allowed" {
			t.Errorf("%s: %d Allow %q, want 405 %q (%s)", path, r.Status, r.Header.Get("Allow"), want, r.Body)
		}
	}
	if r := a.Do("DELETE", "/api/v1/no-such-thing", "", nil); r.Status != 404 {
		t.Errorf("unknown path: %d", r.Status)
	}
}

// /readyz answers 503 with Retry-After and the failed check when this year's calendar is missing.
func TestReadyzWithoutCalendar(t *testing.T) {
	a := testapp.New(t, date.MustParse("2031-05-06"))
	r := a.Do("GET", "/readyz", "", nil)
	if r.Status != 503 || r.Header.Get("Retry-After") == "" || !strings.Contains(string(r.Body), "2031年的工作日历") {
		t.Fatalf("readyz without the 2031 calendar: %d %q %s", r.Status, r.Header.Get("Retry-After"), r.Body)
	}
}

// /metrics: Prometheus text, only with the token on the main address; labels are route patterns, so no id,
// number or name a request carried appears.
func TestMetrics(t *testing.T) {
	t.Setenv("FUYI_METRICS_TOKEN", token)
	a := testapp.New(t, date.MustParse("2026-03-02"))
	tok := a.Login("officer1")
	a.Do("GET", "/api/v1/cases/987654", tok, nil)
	a.Do("GET", "/status?no=栖政复〔2026〕77号&code=13912345678", "", nil)
	a.Do("GET", "/livez", "", nil)
	if r := a.Do("GET", "/metrics", "", nil); r.Status != 404 {
		t.Fatalf("metrics without the token: %d", r.Status)
	}
	if r := a.Do("GET", "/metrics", "wrong-token-0123456789", nil); r.Status != 404 {
		t.Fatalf("metrics with a wrong token: %d", r.Status)
	}
	r := a.Do("GET", "/metrics", token, nil)
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("metrics: %d %q", r.Status, r.Header.Get("Content-Type"))
	}
	body := string(r.Body)
	for _, want := range []string{
		`fuyi_http_requests_total{method="GET",route="/livez",status="200"} 1`,
		`fuyi_http_requests_total{method="GET",route="/api/v1/cases/:id",status="404"} 1`,
		`fuyi_http_request_duration_seconds_bucket{method="GET",route="/livez",le="+Inf"} 1`,
		`# TYPE fuyi_http_request_duration_seconds histogram`,
		`fuyi_db_pool_max_open `, `fuyi_db_pool_in_use `, `fuyi_outbox_pending{channel="email"} `, `fuyi_database_up 1`,
		`# TYPE fuyi_job_runs_total counter`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	for _, never := range []string{"987654", "13912345678", "栖政复", "officer1"} {
		if strings.Contains(body, never) {
			t.Errorf("metrics contain %q", never)
		}
	}
	// every line is a comment or `name{labels} value`
	line := regexp.MustCompile(`^[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? [0-9.e+-]+$`)
	for _, l := range strings.Split(strings.TrimSpace(body), "\n") {
		if !strings.HasPrefix(l, "# ") && !line.MatchString(l) {
			t.Errorf("not exposition format: %q", l)
		}
	}
}

// A 201 names the created record in Location (a replayed Idempotency-Key answer too), and the Location can be read.
func TestCreatedHasLocation(t *testing.T) {
	a := testapp.New(t, date.MustParse("2026-11-22"))
	w, b := a.Login("window1"), a.Login("bureau1")
	for _, c := range []struct {
		path, token string
		body        any
		prefix      string
	}{
		{"/api/v1/cases", w, testapp.Application("2026-11-20"), "/api/v1/cases/"},
		{"/api/v1/lawsuits", b, testapp.Lawsuit("（2026）苏0113行初1号", "first", 1, false, "2026-11-20"), "/api/v1/lawsuits/"},
		{"/api/v1/sessions", "", map[string]string{"username": "officer2", "password": "fuyi-demo-2025"}, "/api/v1/sessions/current"},
	} {
		r := a.Do("POST", c.path, c.token, c.body, "Idempotency-Key", "loc-1")
		loc := r.Header.Get("Location")
		if r.Status != 201 || !strings.HasPrefix(loc, c.prefix) {
			t.Fatalf("POST %s: %d Location %q %s", c.path, r.Status, loc, r.Body)
		}
		if c.path == "/api/v1/sessions" {
			continue
		}
		if g := a.Do("GET", loc, c.token, nil); g.Status != 200 {
			t.Fatalf("GET %s: %d", loc, g.Status)
		}
		if c.path == "/api/v1/cases" {
			if again := a.Do("POST", c.path, c.token, c.body, "Idempotency-Key", "loc-1"); again.Header.Get("Location") != loc {
				t.Fatalf("replayed answer: Location %q, want %q", again.Header.Get("Location"), loc)
			}
		}
	}
}
