package server_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"fuyi/internal/auth"
	"fuyi/internal/date"
	"fuyi/internal/demo"
	"fuyi/internal/testapp"
	"fuyi/internal/web"
)

// The bad-input fuzz: every route of the route table (web.Router.Routes) receives the inputs that used to
// answer 500 — path ids out of range or not numbers, query strings with NUL, %FF and huge numbers, JSON
// bodies with unknown fields, control characters, invalid UTF-8, numbers beyond int32/int64, wrong types
// and deep nesting, form posts with the same (with a valid CSRF token, so the handler is reached), and
// oversized or broken headers — as an allowed role, as every other role and anonymously. Any 5xx fails.

// caller is who sends a probe: a bearer token for the API, a session cookie and its CSRF token for pages.
type caller struct {
	name         string
	role         auth.Role // "" for nobody
	token        string
	cookie, csrf string
}

// probe is one request.
type probe struct {
	what   string // the bad input, for the failure message
	method string
	target string // path and query, escaped
	ctype  string
	body   []byte
	header [][2]string
	live   bool // sent over a real connection
}

// fuzzEnv is the server under test with the records the routes' ids point to.
type fuzzEnv struct {
	a       *testapp.App
	callers map[auth.Role]*caller
	nobody  *caller
	params  func(path string) map[string]string // valid values of a route's parameters
	mu      sync.Mutex
	fresh   map[string]*caller // second sessions for the routes that end theirs
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// newFuzzEnv builds the server on a fresh database with an accepted, assigned case, a lawsuit and a hearing.
func newFuzzEnv(t testing.TB) *fuzzEnv {
	a := testapp.New(t, date.MustParse("2026-11-22"))
	own := a.Register("window1", "2026-10-26")
	a.Accept(own, "2026-10-28", "ordinary")
	a.Assign(own, "officer1", "officer2")
	r := a.Do("POST", "/api/v1/lawsuits", a.Login("officer1"), map[string]any{"court": "某法院", "court_case_no": "（2026）苏0113行初5号",
		"instance": "first", "defendant_agency_id": 1, "reconsideration_organ_defendant": false, "plaintiff": "甲", "cause": "乙",
		"complaint_received_on": "2026-11-01"})
	if r.Status != 201 {
		t.Fatalf("lawsuit: %d %s", r.Status, r.Body)
	}
	var l struct {
		ID int64 `json:"id"`
	}
	r.JSON(t, &l)
	r = a.Do("POST", fmt.Sprintf("/api/v1/cases/%d/hearings", own), a.Login("chief1"), map[string]any{
		"starts_at": "2026-12-08T09:00:00+08:00", "ends_at": "2026-12-08T11:00:00+08:00", "notified_on": "2026-11-20",
		"location": "第一听证室", "host_id": a.UserID("chief1"), "panel_ids": []int64{a.UserID("officer1"), a.UserID("officer2")}, "clerk_id": a.UserID("officer3")})
	hearing := int64(999)
	if r.Status == 201 || r.Status == 200 {
		var h struct {
			ID int64 `json:"id"`
		}
		r.JSON(t, &h)
		hearing = h.ID
	}
	// users created by the probes are hashed at bcrypt's minimum cost, as the demo users are
	auth.BcryptCost = bcrypt.MinCost
	setExamples(a)
	e := &fuzzEnv{a: a, callers: map[auth.Role]*caller{}, nobody: &caller{name: "nobody"}, fresh: map[string]*caller{}}
	for role, user := range map[auth.Role]string{auth.RoleWindow: "window1", auth.RoleOfficer: "officer1", auth.RoleChief: "chief1", auth.RoleBureau: "bureau1",
		auth.RoleSupervisor: "city1"} {
		c := &caller{name: user, role: role, token: a.Login(user)}
		c.cookie, c.csrf = e.webSession(t, user)
		e.callers[role] = c
	}
	ids := map[string]string{
		"case": fmt.Sprint(own), "lawsuit": fmt.Sprint(l.ID), "hearing": fmt.Sprint(hearing), "notice": "999", "decision": "999",
		"bulletin": "999", "user": "999999", ":rid": "1", ":lid": "1", ":fid": "1", ":did": "1", ":type": "acceptance.pdf", ":period": "2026-10", ":year": "2026",
	}
	e.params = func(path string) map[string]string { return routeParams(path, ids) }
	return e
}

// routeParams gives valid values to the parameters of a route.
func routeParams(path string, ids map[string]string) map[string]string {
	out := map[string]string{}
	for _, seg := range strings.Split(path, "/") {
		if !strings.HasPrefix(seg, ":") {
			continue
		}
		switch {
		case seg == ":action":
			out[seg] = firstAction(path)
		case seg != ":id":
			out[seg] = ids[seg]
		case strings.Contains(path, "/users/"):
			out[seg] = ids["user"]
		case strings.Contains(path, "bulletins"):
			out[seg] = ids["bulletin"]
		case strings.Contains(path, "lawsuits/:id"):
			out[seg] = ids["lawsuit"]
		case strings.Contains(path, "hearings/:id"):
			out[seg] = ids["hearing"]
		case strings.Contains(path, "notices"):
			out[seg] = ids["notice"]
		case strings.HasPrefix(path, "/decisions"):
			out[seg] = ids["decision"]
		default:
			out[seg] = ids["case"]
		}
	}
	return out
}

// fillPath puts values (already escaped) into a route's parameters.
func fillPath(path string, vals map[string]string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if v, ok := vals[s]; ok {
			segs[i] = v
		}
	}
	return strings.Join(segs, "/")
}

// webSession logs in through the login form and reads the CSRF token from a page.
func (e *fuzzEnv) webSession(t testing.TB, user string) (cookie, csrf string) {
	form := url.Values{"username": {user}, "password": {demo.Password}}
	req := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := e.a.Server.App.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == web.SessionCookie {
			cookie = c.Value
		}
	}
	req = httptest.NewRequest("GET", "/notices", nil)
	req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: cookie})
	resp, err = e.a.Server.App.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(b)
	if cookie == "" || m == nil {
		t.Fatalf("web session of %s: no cookie or CSRF token (%d)", user, resp.StatusCode)
	}
	return cookie, string(m[1])
}

// send runs a probe as c and returns the status and body.
func (e *fuzzEnv) send(p probe, c *caller) (int, []byte, error) {
	req := httptest.NewRequest(p.method, "/", bytes.NewReader(p.body))
	u, err := url.ParseRequestURI(p.target)
	if err != nil {
		// a target url.Parse refuses (e.g. a raw control character) goes on the request line as it is
		u = &url.URL{Opaque: p.target}
	}
	req.URL, req.RequestURI = u, p.target
	req.ContentLength = int64(len(p.body))
	if p.ctype != "" {
		req.Header.Set("Content-Type", p.ctype)
	}
	switch {
	case c.cookie != "" && !strings.HasPrefix(p.target, "/api/"):
		req.Header.Set("Cookie", web.SessionCookie+"="+c.cookie)
		req.Header.Set("Accept", "text/html")
		req.Header.Set("X-CSRF-Token", c.csrf)
	case c.token != "":
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for _, h := range p.header {
		req.Header[h[0]] = []string{h[1]}
	}
	var resp *http.Response
	if p.live {
		resp, err = e.sendLive(req)
	} else {
		resp, err = e.a.Server.App.Test(req, 30000)
	}
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, nil
}

// sendLive sends a request the server cannot read (headers beyond its buffer) over a real connection: it
// is answered by fasthttp before Fiber's handlers, which app.Test does not show. The server answers and
// closes while the client may still be writing, so a failed write is not a failure; the answer is.
func (e *fuzzEnv) sendLive(req *http.Request) (*http.Response, error) {
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(e.a.BaseURL(), "http://"), 5*time.Second)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	raw, err := httputil.DumpRequest(req, true)
	if err != nil {
		return nil, err
	}
	conn.Write(raw) // the server may close before all is written
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		return nil, err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp, nil
}

// sessionEnding routes end the session they are called with: they get a fresh one each time.
func sessionEnding(rt web.Route) bool {
	return strings.HasSuffix(rt.Path, "/sessions/current") || rt.Path == "/logout"
}

// check sends p as c and reports a 5xx (or a request the test server could not answer).
func (e *fuzzEnv) check(t testing.TB, rt web.Route, p probe, c *caller) {
	if sessionEnding(rt) && c.role != "" {
		c = e.freshCaller(t, c)
	}
	if p.ctype == "application/x-www-form-urlencoded" && c.csrf != "" {
		p.body = bytes.ReplaceAll(p.body, []byte("@CSRF@"), []byte(url.QueryEscape(c.csrf)))
	}
	status, body, err := e.send(p, c)
	if sessionEnding(rt) && status < 400 {
		e.mu.Lock()
		delete(e.fresh, c.name) // the probe may have ended the session
		e.mu.Unlock()
	}
	if rt.Path == "/readyz" && status == 503 && bytes.Contains(body, []byte(`"status":"unavailable"`)) {
		// not ready is an answer, not a fault: earlier probes of PUT /api/v1/calendar/:year may have left
		// this year's calendar incomplete
		return
	}
	if problem := judge(status, body, err); problem != "" {
		if len(body) > 600 {
			body = body[:600]
		}
		t.Errorf("%s %s as %s — %s: %s\n  request: %s %s %q\n  answer: %d %v %s", rt.Method, rt.Path, c.name, p.what,
			problem, p.method, p.target, clip(p.body), status, err, body)
	}
}

var han = regexp.MustCompile(`\p{Han}`)

// judge says what is wrong with an answer: a 5xx; a refusal by the database's data checks (the second
// guard: the handler let through a value the database cannot hold); a JSON refusal without a Chinese message.
func judge(status int, body []byte, err error) string {
	switch {
	case err != nil:
		return "no answer"
	case status >= 500:
		return "5xx"
	case status < 400:
		return ""
	}
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) != nil {
		if !han.Match(body) {
			return "refusal without a Chinese message"
		}
		return ""
	}
	switch {
	case e.Error.Code == "request.data":
		return "refused by the database, not by the input check"
	case !han.MatchString(e.Error.Message):
		return "refusal without a Chinese message"
	}
	return ""
}

// freshCaller is a second session of c's user, for the routes that end the session they are called with.
func (e *fuzzEnv) freshCaller(t testing.TB, c *caller) *caller {
	e.mu.Lock()
	defer e.mu.Unlock()
	if f, ok := e.fresh[c.name]; ok {
		return f
	}
	f := *c
	f.token = e.a.FreshLogin(c.name)
	f.cookie, f.csrf = e.webSession(t, c.name)
	e.fresh[c.name] = &f
	return &f
}

func clip(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// allowed lists the roles that pass the route's role check.
func allowed(rt web.Route) []auth.Role {
	if rt.Public {
		return nil
	}
	if len(rt.Roles) == 0 {
		return web.AllRoles
	}
	return rt.Roles
}

// badInputShards run side by side, each on its own database (requests wait on the database most of the
// time); a route always falls to the same shard, and each shard takes its routes in the table's order.
const badInputShards = 4

// TestBadInputNever5xx drives every route of the route table with the table of bad inputs (probes): each
// probe as one of the route's allowed roles in turn (so the handler is reached; anonymously for a public
// route); the probes marked everyone (a few per class) also as every role and anonymously. It fails on
// any 5xx, on a refusal left to the database's data checks, and on a refusal without a Chinese message.
func TestBadInputNever5xx(t *testing.T) {
	envs := make([]*fuzzEnv, badInputShards)
	for i := range envs {
		envs[i] = newFuzzEnv(t)
	}
	routes := append([]web.Route(nil), envs[0].a.Server.Router.Routes...)
	if len(routes) < 80 {
		t.Fatalf("only %d routes in the table", len(routes))
	}
	// logins last: failed logins count towards the rate limit of the test's address
	sort.SliceStable(routes, func(i, j int) bool { return !isLogin(routes[i]) && isLogin(routes[j]) })
	var wg sync.WaitGroup
	totals := make([]int, len(envs))
	for s, e := range envs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, rt := range routes {
				if i%len(envs) == s {
					totals[s] += e.drive(t, rt)
				}
			}
		}()
	}
	wg.Wait()
	var total int
	for _, n := range totals {
		total += n
	}
	t.Logf("%d routes, %d requests", len(routes), total)
}

// drive sends a route's probes and returns how many requests it sent.
func (e *fuzzEnv) drive(t *testing.T, rt web.Route) int {
	var n int
	roles := allowed(rt)
	for i, p := range probesFor(rt, e.params(rt.Path)) {
		if len(roles) > 0 {
			e.check(t, rt, p.probe, e.callers[roles[i%len(roles)]])
			n++
		}
		if p.everyone {
			// every other allowed role, and one that is not (the role check refuses them all alike)
			others := 0
			for _, r := range web.AllRoles {
				ok := len(roles) == 0 || slices.Contains(roles, r)
				if ok && len(roles) > 0 && r == roles[i%len(roles)] || !ok && others > 0 {
					continue
				}
				if !ok {
					others++
				}
				e.check(t, rt, p.probe, e.callers[r])
				n++
			}
		}
		if rt.Public || p.everyone {
			e.check(t, rt, p.probe, e.nobody)
			n++
		}
	}
	return n
}

func isLogin(rt web.Route) bool {
	return rt.Method == "POST" && (rt.Path == "/login" || rt.Path == "/api/v1/sessions")
}

// FuzzRoutes is the coverage-guided form of the table: the fuzzer chooses the route, where the input goes
// (path parameter, query value, JSON leaf, form field, header) and the input itself.
func FuzzRoutes(f *testing.F) {
	e := newFuzzEnv(f)
	routes := e.a.Server.Router.Routes
	for i, s := range []string{"\x00", "%FF", "2147483648", "-1", "2025-02-30", "\u202e", "\xff\xfe", "9223372036854775808", "{\"zz\":1}"} {
		for where := 0; where < 5; where++ {
			f.Add(uint16(i*7), uint8(where), s)
		}
	}
	f.Fuzz(func(t *testing.T, ri uint16, where uint8, input string) {
		rt := routes[int(ri)%len(routes)]
		if isLogin(rt) || sessionEnding(rt) {
			return // the rate limit would lock the fuzzer's sessions out; a logout would end them
		}
		p := placeInput(rt, e.params(rt.Path), where, input)
		roles := allowed(rt)
		c := e.nobody
		if len(roles) > 0 {
			c = e.callers[roles[int(ri)/len(routes)%len(roles)]]
		}
		e.check(t, rt, p, c)
	})
}
