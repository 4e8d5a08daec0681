package web

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"

	"fuyi/internal/apperr"
	"fuyi/internal/date"
)

// testApp is the shared app (error handler, input check) with routes that use the typed readers.
func testApp() *fiber.App {
	app := New(Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	app.Get("/api/echo", func(c *fiber.Ctx) error { return c.SendString(c.Query("q")) })
	app.Get("/api/items/:id", func(c *fiber.Ctx) error {
		id, err := ParamID(c, "id", apperr.New(apperr.NotFound, "not_found", "记录不存在"))
		if err != nil {
			return err
		}
		return c.SendString(fmt.Sprint(id))
	})
	app.Get("/api/list", func(c *fiber.Ctx) error {
		if _, err := PageParams(c); err != nil {
			return err
		}
		year, err := QueryInt(c, "year", 2000, 2100)
		if err != nil {
			return err
		}
		agency, err := QueryID(c, "agency_id")
		if err != nil {
			return err
		}
		from, err := QueryDate(c, "from", date.New(2026, 1, 1))
		if err != nil {
			return err
		}
		kind, err := QueryEnum(c, "kind", apperr.NewEnum("类型", "person", "自然人", "org", "法人或其他组织"))
		if err != nil {
			return err
		}
		return c.SendString(fmt.Sprint(year, agency, from, kind))
	})
	app.Post("/api/form", func(c *fiber.Ctx) error {
		f := Form(c)
		v, id, room, ids := f.Int("version"), f.ID("case_id"), f.Int32ID("room_id"), f.IDs("officer_ids")
		if err := f.Err(); err != nil {
			return err
		}
		return c.SendString(fmt.Sprint(v, id, room, ids, c.FormValue("facts")))
	})
	app.Post("/api/json", func(c *fiber.Ctx) error {
		var in struct {
			Title string `json:"title"`
		}
		if err := BindJSON(c, &in); err != nil {
			return err
		}
		return c.SendString(in.Title)
	})
	return app
}

type answer struct {
	status  int
	code    string
	message string
	fields  map[string]string
	body    string
}

func do(t *testing.T, app *fiber.App, method, target, ctype, body string, header ...string) answer {
	t.Helper()
	req := httptest.NewRequest(method, "/", strings.NewReader(body))
	req.URL.Opaque, req.RequestURI = target, target
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header[header[i]] = []string{header[i+1]}
	}
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, body: string(b)}
	var e struct {
		Error struct {
			Code    string            `json:"code"`
			Message string            `json:"message"`
			Fields  map[string]string `json:"fields"`
		} `json:"error"`
	}
	if json.Unmarshal(b, &e) == nil {
		a.code, a.message, a.fields = e.Error.Code, e.Error.Message, e.Error.Fields
	}
	return a
}

// TestInputClasses: each class of bad input on each input path is a 4xx with a Chinese message naming the
// field; good input passes.
func TestInputClasses(t *testing.T) {
	app := testApp()
	const form = "application/x-www-form-urlencoded"
	for _, tc := range []struct {
		name, method, target, ctype, body string
		header                            []string
		status                            int
		field                             string // named in fields and in the message; "" for none
	}{
		{"query NUL", "GET", "/api/echo?q=a%00b", "", "", nil, 400, "q"},
		{"query %FF", "GET", "/api/echo?q=%FF", "", "", nil, 400, "q"},
		{"query overlong NUL", "GET", "/api/echo?q=%C0%80", "", "", nil, 400, "q"},
		{"query control character", "GET", "/api/echo?q=a%1Bb", "", "", nil, 400, "q"},
		{"query bidi override", "GET", "/api/echo?q=%E2%80%AE", "", "", nil, 400, "q"},
		{"query newline", "GET", "/api/echo?q=a%0Ab", "", "", nil, 400, "q"},
		{"query key %FF", "GET", "/api/echo?%FF=1", "", "", nil, 400, ""},
		{"path NUL", "GET", "/api/items/1%00", "", "", nil, 400, "path"},
		{"path %FF", "GET", "/api/items/%FF", "", "", nil, 400, "path"},
		{"path bad escape", "GET", "/api/items/%zz", "", "", nil, 400, "path"},
		{"path id ≥ 2^63", "GET", "/api/items/9223372036854775808", "", "", nil, 404, ""},
		{"path id ≥ 2^31 is a bigint id", "GET", "/api/items/2147483648", "", "", nil, 200, ""},
		{"path id negative", "GET", "/api/items/-1", "", "", nil, 404, ""},
		{"path id zero", "GET", "/api/items/0", "", "", nil, 404, ""},
		{"query int ≥ 2^31", "GET", "/api/list?agency_id=2147483648", "", "", nil, 400, "agency_id"},
		{"query int out of its range", "GET", "/api/list?year=99999999999999999999", "", "", nil, 400, "year"},
		{"query id negative", "GET", "/api/list?agency_id=-1", "", "", nil, 400, "agency_id"},
		{"query page ≥ 2^63", "GET", "/api/list?page=99999999999999999999", "", "", nil, 400, "page"},
		{"query impossible date", "GET", "/api/list?from=2025-02-30", "", "", nil, 422, "from"},
		{"query year zero", "GET", "/api/list?from=0000-01-01", "", "", nil, 422, "from"},
		{"query enumeration", "GET", "/api/list?kind=robot", "", "", nil, 422, "kind"},
		{"query good", "GET", "/api/list?year=2026&agency_id=2147483647&from=2024-02-29&kind=org&page=2", "", "", nil, 200, ""},
		{"header NUL", "GET", "/api/echo", "", "", []string{"Idempotency-Key", "a\x00b"}, 400, ""},
		{"header invalid UTF-8", "GET", "/api/echo", "", "", []string{"Idempotency-Key", "\xff\xfe"}, 400, "Idempotency-Key"},
		{"header bidi", "GET", "/api/echo", "", "", []string{"X-Csrf-Token", "a\u202eb"}, 400, "X-Csrf-Token"},
		{"form NUL", "POST", "/api/form", form, "facts=a%00b", nil, 422, "facts"},
		{"form invalid UTF-8", "POST", "/api/form", form, "facts=%FF%FE", nil, 400, "facts"},
		{"form newline in a single-line field", "POST", "/api/form", form, "title=a%0Ab", nil, 422, "title"},
		{"form zero-width space in a name", "POST", "/api/form", form, "applicants%5B0%5D.name=%E5%BC%A0%E2%80%8B%E4%B8%89", nil, 422, "applicants[0].name"},
		{"form bidi in a name", "POST", "/api/form", form, "name=%E2%80%AEabc", nil, 422, "name"},
		{"form int ≥ 2^31", "POST", "/api/form", form, "version=2147483648", nil, 422, "version"},
		{"form id negative", "POST", "/api/form", form, "case_id=-5", nil, 422, "case_id"},
		{"form id ≥ 2^63", "POST", "/api/form", form, "case_id=9223372036854775808", nil, 422, "case_id"},
		{"form int32 id ≥ 2^31", "POST", "/api/form", form, "room_id=2147483648", nil, 422, "room_id"},
		{"form repeated id not a number", "POST", "/api/form", form, "officer_ids=3&officer_ids=x", nil, 422, "officer_ids"},
		{"form good", "POST", "/api/form", form, "version=3&case_id=2147483648&room_id=2&officer_ids=3&officer_ids=4&facts=a%0D%0Ab", nil, 200, ""},
		{"multipart NUL", "POST", "/api/form", "multipart/form-data; boundary=X",
			"--X\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\na\x00b\r\n--X--\r\n", nil, 422, "title"},
		{"JSON invalid UTF-8", "POST", "/api/json", "application/json", "{\"title\":\"\xff\"}", nil, 400, ""},
		{"JSON unknown field", "POST", "/api/json", "application/json", `{"titel":"x"}`, nil, 400, "titel"},
		{"JSON NUL", "POST", "/api/json", "application/json", `{"title":"\u0000"}`, nil, 422, "title"},
		{"JSON good", "POST", "/api/json", "application/json", `{"title":"标题"}`, nil, 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := do(t, app, tc.method, tc.target, tc.ctype, tc.body, tc.header...)
			if a.status != tc.status {
				t.Fatalf("%s %s: %d %s, want %d", tc.method, tc.target, a.status, a.body, tc.status)
			}
			if a.status < 400 {
				return
			}
			if !hanRe.MatchString(a.message) {
				t.Errorf("message not Chinese: %s", a.body)
			}
			if tc.field != "" {
				named := strings.Contains(a.message, tc.field) || tc.field == "path" && strings.Contains(a.message, "路径")
				if _, ok := a.fields[tc.field]; !ok || !named {
					t.Errorf("field %s not named: %s", tc.field, a.body)
				}
			}
		})
	}
}

// TestOversizedHeaders: a request whose headers exceed the read buffer is 431 with a Chinese message (it
// used to be 500); headers up to the buffer are read. fasthttp answers before any handler, so this needs
// a real connection.
func TestOversizedHeaders(t *testing.T) {
	app := testApp()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	defer app.Shutdown()
	send := func(padding int) (*http.Response, string) {
		conn, err := net.DialTimeout("tcp", ln.Addr().String(), 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		fmt.Fprintf(conn, "GET /api/echo?q=ok HTTP/1.1\r\nHost: x\r\nCookie: c=%s\r\nConnection: close\r\n\r\n", strings.Repeat("a", padding))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("padding %d: %v", padding, err)
		}
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	if resp, body := send(12 << 10); resp.StatusCode != 200 || body != "ok" {
		t.Fatalf("12 KB of headers: %d %s", resp.StatusCode, body)
	}
	for _, n := range []int{20 << 10, 100 << 10} {
		resp, body := send(n)
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge || !hanRe.MatchString(body) {
			t.Fatalf("%d bytes of headers: %d %s, want 431 with a Chinese message", n, resp.StatusCode, body)
		}
	}
}

// TestClassifyDataExceptions: the database's data exceptions (SQLSTATE class 22) caused by input are a
// 4xx — the second guard behind the input checks; the others stay faults of the server.
func TestClassifyDataExceptions(t *testing.T) {
	for code, want := range map[string]int{"22003": 422, "22008": 422, "22001": 422, "22021": 400, "22P02": 400, "22025": 400, "22012": 500, "22004": 500} {
		e, status, ok := Classify(fmt.Errorf("cases: save: %w", &pq.Error{Code: pqerror.Code(code)}))
		if status != want || ok != (want < 500) {
			t.Errorf("SQLSTATE %s: %d %v, want %d", code, status, ok, want)
		}
		if ok && !hanRe.MatchString(e.Message) {
			t.Errorf("SQLSTATE %s: message %q", code, e.Message)
		}
	}
	if _, status, _ := Classify(errors.New("boom")); status != 500 {
		t.Errorf("plain error: %d", status)
	}
}
