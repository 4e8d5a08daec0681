// Package testapp builds the real server on a fresh test database (migrated, demo organisation loaded) and
// offers helpers to call it through Fiber's app.Test: real HTTP handling, real PostgreSQL.
package testapp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"golang.org/x/crypto/bcrypt"

	"fuyi/internal/auth"
	"fuyi/internal/config"
	"fuyi/internal/date"
	"fuyi/internal/demo"
	"fuyi/internal/server"
	"fuyi/internal/testdb"
)

// App is a server under test.
type App struct {
	T      testing.TB
	DB     *sqlx.DB
	Server *server.Server
	Today  date.Date
	tokens map[string]string

	liveOnce sync.Once
	liveAddr string
}

// Seed is the template seeder: migrations plus the demo organisation (bcrypt at minimum cost for speed).
func Seed(ctx context.Context, db *sqlx.DB) error {
	old := auth.BcryptCost
	auth.BcryptCost = bcrypt.MinCost
	defer func() { auth.BcryptCost = old }()
	return demo.Seed(ctx, db)
}

// New starts the app on a new database. today fixes the server's clock.
func New(t testing.TB, today date.Date) *App {
	t.Helper()
	return onDB(t, today, testdb.New(t, "demo-v1", Seed))
}

// NewRowSecurity is New on a server whose role row-level security binds (testdb.RowSecurityURL: a private
// cluster of its own when TEST_DATABASE_URL's role bypasses it). The test must not run in parallel.
func NewRowSecurity(t testing.TB, today date.Date) *App {
	t.Helper()
	t.Setenv("TEST_DATABASE_URL", testdb.RowSecurityURL(t))
	return New(t, today)
}

// Kept starts the app on a database kept between runs (testdb.Kept): the demo organisation and what seed
// adds, built once per migration set and tag, then reused as it is. The test must not change its data.
func Kept(t testing.TB, today date.Date, tag string, seed testdb.Seeder) *App {
	t.Helper()
	return onDB(t, today, testdb.Kept(t, "demo-v1+"+tag, func(ctx context.Context, db *sqlx.DB) error {
		if err := Seed(ctx, db); err != nil {
			return err
		}
		return seed(ctx, db)
	}))
}

// NewCounted is New on a pool whose statements the returned counter counts.
func NewCounted(t testing.TB, today date.Date) (*App, *testdb.Counter) {
	t.Helper()
	db, c := testdb.NewCounted(t, "demo-v1", Seed)
	return onDB(t, today, db), c
}

func onDB(t testing.TB, today date.Date, db *sqlx.DB) *App {
	t.Helper()
	cfg, err := config.Load()
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("FUYI_REQUEST_TIMEOUT") == "" {
		// the tests run under the race detector on a shared 2-core machine: bcrypt alone may take seconds
		cfg.RequestTimeout = time.Minute
	}
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := server.New(db, cfg, log, func() date.Date { return today })
	if err != nil {
		t.Fatal(err)
	}
	return &App{T: t, DB: db, Server: srv, Today: today, tokens: map[string]string{}}
}

// For is the app for another test or benchmark, e.g. the sub-benchmarks of a dataset that their parent built
// once: their failures end t. The database, the server and the logged-in tokens are shared.
func (a *App) For(t testing.TB) *App {
	return &App{T: t, DB: a.DB, Server: a.Server, Today: a.Today, tokens: a.tokens}
}

// Response is a finished request.
type Response struct {
	Status int
	Body   []byte
	Header http.Header
}

// JSON decodes the body into v.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Map decodes the body as a JSON object.
func (r *Response) Map(t testing.TB) map[string]any {
	var m map[string]any
	r.JSON(t, &m)
	return m
}

// ErrorCode returns error.code of an error answer.
func (r *Response) ErrorCode(t testing.TB) string {
	var e struct {
		Error struct {
			Code    string            `json:"code"`
			Message string            `json:"message"`
			Fields  map[string]string `json:"fields"`
		} `json:"error"`
	}
	r.JSON(t, &e)
	return e.Error.Code
}

// Fields returns error.fields of an error answer.
func (r *Response) Fields(t testing.TB) map[string]string {
	var e struct {
		Error struct {
			Fields map[string]string `json:"fields"`
		} `json:"error"`
	}
	r.JSON(t, &e)
	return e.Error.Fields
}

// Do sends a request; body may be nil, a string (sent as is) or any value (sent as JSON).
func (a *App) Do(method, path, token string, body any, headers ...string) *Response {
	a.T.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			a.T.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := a.Server.App.Test(req, -1)
	if err != nil {
		a.T.Fatalf("%s %s: %v", method, path, err)
	}
	b, err := io.ReadAll(resp.Body)
	if cerr := resp.Body.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		a.T.Fatalf("%s %s: read answer: %v", method, path, err)
	}
	return &Response{Status: resp.StatusCode, Body: b, Header: resp.Header}
}

// Login returns an API token for a demo user (cached per test).
func (a *App) Login(username string) string {
	a.T.Helper()
	if t, ok := a.tokens[username]; ok {
		return t
	}
	r := a.Do("POST", "/api/v1/sessions", "", map[string]string{"username": username, "password": demo.Password})
	if r.Status != 201 {
		a.T.Fatalf("login %s: %d %s", username, r.Status, r.Body)
	}
	var out struct {
		Token string `json:"token"`
	}
	r.JSON(a.T, &out)
	a.tokens[username] = out.Token
	return out.Token
}

// Application returns a valid POST /cases body received on the given date (known 10 days earlier).
func Application(received string) map[string]any {
	d := date.MustParse(received)
	return map[string]any{
		"received_on": received, "channel": "window",
		"applicants": []map[string]any{
			{"kind": "person", "name": "张三", "id_number": "11010519491231002X", "phone": "13800138000", "address": "南京市栖霞区某路1号"},
			{"kind": "org", "name": "南京某某贸易有限公司", "credit_code": "91350100M000100Y43", "legal_rep": "李四", "address": "南京市栖霞区某路2号"},
		},
		"respondent_agency_id": 1,
		"act": map[string]any{"title": "行政处罚决定书", "doc_no": "栖市监罚〔2025〕345号", "made_on": d.AddDays(-15).String(),
			"known_on": d.AddDays(-10).String(), "matter": "行政处罚"},
		"requests": "请求撤销被申请人作出的行政处罚决定。", "facts": "申请人认为处罚认定事实不清。",
	}
}

// Register posts an application as user and returns the new case id.
func (a *App) Register(user, received string) int64 {
	a.T.Helper()
	r := a.Do("POST", "/api/v1/cases", a.Login(user), Application(received))
	if r.Status != 201 {
		a.T.Fatalf("register: %d %s", r.Status, r.Body)
	}
	var v struct {
		ID int64 `json:"id"`
	}
	r.JSON(a.T, &v)
	return v.ID
}

// Accept reviews a case as chief1 with the given outcome date and procedure.
func (a *App) Accept(id int64, on, procedure string) *Response {
	a.T.Helper()
	body := map[string]any{"outcome": "accept", "on": on, "procedure": procedure}
	if procedure == "simplified" {
		body["simplified_grounds"] = []string{"warning"}
	}
	return a.Do("POST", fmt.Sprintf("/api/v1/cases/%d/review", id), a.Login("chief1"), body)
}

// LiveRaw writes a raw HTTP/1.1 request to the app served on a loopback listener and returns the status
// line and the rest of the answer. It shows what app.Test cannot, such as the body limit that the server
// enforces from Content-Length before reading the body.
func (a *App) LiveRaw(request string) (string, string) {
	a.T.Helper()
	a.serveLive()
	conn, err := net.DialTimeout("tcp", a.liveAddr, 5*time.Second)
	if err != nil {
		a.T.Fatal(err)
	}
	defer func() {
		if err := conn.Close(); err != nil {
			a.T.Error(err)
		}
	}()
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		a.T.Fatal(err)
	}
	if _, err := conn.Write([]byte(request)); err != nil {
		a.T.Fatal(err)
	}
	b, err := io.ReadAll(conn)
	if err != nil {
		a.T.Fatal(err)
	}
	status, rest, _ := strings.Cut(string(b), "\r\n")
	return status, rest
}

// testWriter sends warnings and errors of the server to the test log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// UserID returns the id of a user by username.
func (a *App) UserID(username string) int64 {
	a.T.Helper()
	var id int64
	if err := a.DB.Get(&id, `SELECT id FROM users WHERE username = $1`, username); err != nil {
		a.T.Fatal(err)
	}
	return id
}

// Assign sets the team as chief1; the first officer is the lead.
func (a *App) Assign(id int64, officers ...string) *Response {
	a.T.Helper()
	ids := make([]int64, len(officers))
	for i, o := range officers {
		ids[i] = a.UserID(o)
	}
	r := a.Do("PUT", fmt.Sprintf("/api/v1/cases/%d/assignment", id), a.Login("chief1"), map[string]any{"officer_ids": ids, "lead_officer_id": ids[0]})
	if r.Status != 200 {
		a.T.Fatalf("assign: %d %s", r.Status, r.Body)
	}
	return r
}

// FreshLogin opens a new session (not cached).
func (a *App) FreshLogin(username string) string {
	a.T.Helper()
	r := a.Do("POST", "/api/v1/sessions", "", map[string]string{"username": username, "password": demo.Password})
	var out struct {
		Token string `json:"token"`
	}
	r.JSON(a.T, &out)
	return out.Token
}

// BaseURL serves the app on a loopback listener and returns its address (for browsers and other clients).
func (a *App) BaseURL() string {
	a.T.Helper()
	a.serveLive()
	return "http://" + a.liveAddr
}

// serveLive serves the app on a loopback listener once per test, shut down when the test ends.
func (a *App) serveLive() {
	a.liveOnce.Do(func() {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			a.T.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- a.Server.App.Listener(ln) }()
		a.T.Cleanup(func() {
			if err := a.Server.App.Shutdown(); err != nil {
				a.T.Error(err)
			}
			if err := <-done; err != nil {
				a.T.Error(err)
			}
		})
		a.liveAddr = ln.Addr().String()
	})
}

// Later starts a second server on the same database whose clock says today (a later day: what is fetched
// then must be what was issued before).
func (a *App) Later(today date.Date) *App {
	a.T.Helper()
	cfg, err := config.Load()
	if err != nil {
		a.T.Fatal(err)
	}
	cfg.RequestTimeout = time.Minute
	log := slog.New(slog.NewTextHandler(testWriter{a.T}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := server.New(a.DB, cfg, log, func() date.Date { return today })
	if err != nil {
		a.T.Fatal(err)
	}
	return &App{T: a.T, DB: a.DB, Server: srv, Today: today, tokens: map[string]string{}}
}
