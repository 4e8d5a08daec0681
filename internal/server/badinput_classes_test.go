package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"fuyi/internal/testapp"
)

// answerOf reads an answer of the fuzz environment's send.
type answerOf struct {
	status int
	body   []byte
}

func (e *fuzzEnv) call(t *testing.T, method, target, role, ctype string, body []byte, header ...string) answerOf {
	t.Helper()
	c := e.nobody
	for _, x := range e.callers {
		if string(x.role) == role {
			c = x
		}
	}
	p := probe{method: method, target: target, ctype: ctype, body: body}
	for i := 0; i+1 < len(header); i += 2 {
		p.header = append(p.header, [2]string{header[i], header[i+1]})
	}
	if ctype == "application/x-www-form-urlencoded" {
		p.body = append([]byte("_csrf="+url.QueryEscape(c.csrf)+"&"), body...)
	}
	status, b, err := e.send(p, c)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	return answerOf{status, b}
}

// refused checks a 4xx with a Chinese message that names field: in error.fields for JSON (the message names
// it by its Chinese label or by the key), on the page for HTML.
func refused(t *testing.T, what string, a answerOf, status int, field string) {
	t.Helper()
	if a.status != status {
		t.Errorf("%s: %d %s, want %d", what, a.status, clip(a.body), status)
		return
	}
	var e struct {
		Error struct {
			Code    string            `json:"code"`
			Message string            `json:"message"`
			Fields  map[string]string `json:"fields"`
		} `json:"error"`
	}
	if json.Unmarshal(a.body, &e) != nil {
		// an HTML page: the message is shown on it
		if !han.Match(a.body) || field != "" && !bytes.Contains(a.body, []byte(field)) {
			t.Errorf("%s: page does not name %s: %s", what, field, clip(a.body))
		}
		return
	}
	if !han.MatchString(e.Error.Message) {
		t.Errorf("%s: message not Chinese: %s", what, a.body)
	}
	if field != "" {
		if msg, ok := e.Error.Fields[field]; !ok || !han.MatchString(msg) {
			t.Errorf("%s: %s not named: %s", what, field, a.body)
		}
	}
}

func jsonBody(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBadInputClasses shows each class of bad input the issue measured answering 500, on a real route,
// answered with a 4xx whose Chinese message names the field.
func TestBadInputClasses(t *testing.T) {
	e := newFuzzEnv(t)
	const js, form = "application/json", "application/x-www-form-urlencoded"
	caseID := e.params("/api/v1/cases/:id")[":id"]
	app := func(mut func(m map[string]any)) []byte {
		m := testapp.Application("2026-11-20")
		mut(m)
		return jsonBody(t, m)
	}
	party := func(m map[string]any) map[string]any { return m["applicants"].([]map[string]any)[0] }

	// JSON bodies
	refused(t, "NUL in a name", e.call(t, "POST", "/api/v1/cases", "window", js, app(func(m map[string]any) { party(m)["name"] = "张\x00三" })), 422, "applicants[0].name")
	refused(t, "bidi override in a name", e.call(t, "POST", "/api/v1/cases", "window", js, app(func(m map[string]any) { party(m)["name"] = "张\u202e三" })), 422, "applicants[0].name")
	refused(t, "zero-width space in a name", e.call(t, "POST", "/api/v1/cases", "window", js, app(func(m map[string]any) { party(m)["name"] = "张\u200b三" })), 422, "applicants[0].name")
	refused(t, "control character in a title", e.call(t, "POST", "/api/v1/cases", "window", js, app(func(m map[string]any) {
		m["act"].(map[string]any)["title"] = "决定\n@title 伪造标题"
	})), 422, "act.title")
	refused(t, "invalid UTF-8", e.call(t, "POST", "/api/v1/cases", "window", js, bytes.Replace(app(func(map[string]any) {}), []byte("张三"), []byte("\xd5\xc5\xc8\xfd"), 1)), 400, "")
	refused(t, "integer beyond int32", e.call(t, "POST", "/api/v1/cases", "window", js, app(func(m map[string]any) { m["respondent_agency_id"] = 2147483648 })), 422, "respondent_agency_id")
	refused(t, "integer beyond int64", e.call(t, "POST", "/api/v1/cases", "window", js, bytes.Replace(app(func(m map[string]any) {}),
		[]byte(`"respondent_agency_id":1`), []byte(`"respondent_agency_id":99999999999999999999`), 1)), 422, "respondent_agency_id")
	refused(t, "impossible date", e.call(t, "POST", "/api/v1/cases", "window", js, app(func(m map[string]any) { m["received_on"] = "2025-02-30" })), 422, "received_on")
	refused(t, "negative id", e.call(t, "PUT", "/api/v1/cases/"+caseID+"/assignment", "chief", js, []byte(`{"officer_ids":[-1],"lead_officer_id":-1}`)), 422, "officer_ids[0]")
	refused(t, "wrong type", e.call(t, "POST", "/api/v1/lawsuits", "officer", js, []byte(`{"defendant_agency_id":"1"}`)), 400, "defendant_agency_id")
	refused(t, "deep nesting", e.call(t, "POST", "/api/v1/rooms", "chief", js, []byte(`{"name":`+strings.Repeat("[", 10000)+strings.Repeat("]", 10000)+`}`)), 400, "name")
	refused(t, "NUL in a login name", e.call(t, "POST", "/api/v1/sessions", "", js, []byte(`{"username":"a\u0000","password":"x"}`)), 422, "username")

	// path ids, query strings, headers
	for _, id := range []string{"2147483648", "9223372036854775807", "99999999999999999999", "-1", "0", "abc"} {
		refused(t, "path id "+id, e.call(t, "GET", "/api/v1/cases/"+id, "chief", "", nil), 404, "")
		refused(t, "hearing path id "+id, e.call(t, "GET", "/api/v1/hearings/"+id, "chief", "", nil), 404, "")
	}
	refused(t, "NUL in a path", e.call(t, "GET", "/api/v1/cases/1%00", "chief", "", nil), 400, "")
	refused(t, "NUL in a query", e.call(t, "GET", "/api/v1/cases?q=%00", "chief", "", nil), 400, "q")
	refused(t, "%FF in a query", e.call(t, "GET", "/api/v1/cases?q=%FF", "chief", "", nil), 400, "q")
	refused(t, "%FF in a public query, anonymous", e.call(t, "GET", "/api/v1/public/decisions?q=%FF", "", "", nil), 400, "q")
	refused(t, "NUL in the public status query, anonymous", e.call(t, "GET", "/status?no=%00&code=x", "", "", nil), 400, "no")
	refused(t, "filter beyond int32, anonymous", e.call(t, "GET", "/api/v1/public/decisions?agency=2147483648", "", "", nil), 400, "agency")
	refused(t, "filter beyond int32", e.call(t, "GET", "/api/v1/lawsuits/stats?agency_id=2147483648", "bureau", "", nil), 400, "agency_id")
	refused(t, "impossible date in a query", e.call(t, "GET", "/api/v1/lawsuits/stats?from=2025-02-30", "bureau", "", nil), 422, "from")
	refused(t, "page beyond int64", e.call(t, "GET", "/api/v1/cases?page=99999999999999999999", "chief", "", nil), 400, "page")
	refused(t, "enumeration in a query", e.call(t, "GET", "/api/v1/public/decisions?type=x", "", "", nil), 422, "type")
	refused(t, "NUL in Idempotency-Key", e.call(t, "POST", "/api/v1/cases", "window", js, app(func(map[string]any) {}), "Idempotency-Key", "k\x00"), 400, "Idempotency-Key")
	refused(t, "invalid UTF-8 in Idempotency-Key", e.call(t, "POST", "/api/v1/cases", "window", js, app(func(map[string]any) {}), "Idempotency-Key", "\xff"), 400, "Idempotency-Key")
	big := probe{method: "GET", target: "/api/v1/me", header: [][2]string{{"X-Padding", strings.Repeat("a", 20<<10)}}, live: true}
	status, body, err := e.send(big, e.callers["chief"])
	if err != nil || status != http.StatusRequestHeaderFieldsTooLarge || !han.Match(body) {
		t.Errorf("20 KB of headers: %d %v %s, want 431 with a Chinese message", status, err, clip(body))
	}

	// form posts (with the session's CSRF token, so the handler is reached)
	refused(t, "form NUL", e.call(t, "POST", "/admin/agencies", "bureau", form, []byte("name=%E6%9F%90%00%E5%B1%80&category=%E5%85%AC%E5%AE%89&level=x")), 422, "name")
	refused(t, "form invalid UTF-8", e.call(t, "POST", "/hearings/rooms", "chief", form, []byte("name=%FF%FE")), 400, "name")
	refused(t, "form bidi in a name", e.call(t, "POST", "/admin/users", "bureau", form, []byte("username=u9&name=%E2%80%AE%E7%8E%8B&role=officer&password=long-enough-pw")), 422, "name")
	refused(t, "form id beyond int32", e.call(t, "POST", "/lawsuits/new", "officer", form, []byte("court=x&defendant_agency_id=2147483648")), 422, "defendant_agency_id")
	refused(t, "form version beyond int32", e.call(t, "POST", "/cases/"+caseID+"/actions/complexity", "chief", form, []byte("complex=true&reason=x&version=2147483648")), 422, "version")

	// passwords over bcrypt's 72 bytes: refused where set, a plain wrong password at login
	long := strings.Repeat("长", 25)
	refused(t, "password over 72 bytes (API)", e.call(t, "POST", "/api/v1/users", "bureau", js, jsonBody(t, map[string]any{"username": "longpw", "name": "长密码",
		"role": "officer", "password": long})), 422, "password")
	// the admin page shows a refusal on the page itself (error box, the form as typed)
	b := e.a.NewBrowserAs("bureau1")
	b.Get("/admin/users")
	if r := b.Post("/admin/users", url.Values{"username": {"longpw2"}, "name": {"长密码"}, "role": {"officer"}, "password": {long}}); r.Status != 422 {
		t.Errorf("password over 72 bytes (form): %d", r.Status)
	} else if !strings.Contains(string(r.Body), "密码过长") {
		t.Errorf("password over 72 bytes (form): no message on the page")
	}
	refused(t, "login with a password over 72 bytes", e.call(t, "POST", "/api/v1/sessions", "", js, jsonBody(t, map[string]string{"username": "officer5", "password": long})), 401, "")
}

// TestUnknownJSONFieldsRefused: every JSON endpoint that reads a body answers 400 naming a key it does
// not know, before doing anything — a misspelt key is never silently ignored. PUT /calendar/{year} with
// "holidays" (for "days") used to answer 200 and wipe the year.
func TestUnknownJSONFieldsRefused(t *testing.T) {
	e := newFuzzEnv(t)
	count := func() (days, pending int) {
		e.a.DB.Get(&days, `SELECT count(*) FROM calendar_days WHERE extract(year FROM day) = 2026`)
		e.a.DB.Get(&pending, `SELECT count(*) FROM deadlines WHERE status = 'pending'`)
		return
	}
	days, pending := count()
	r := e.call(t, "PUT", "/api/v1/calendar/2026", "bureau", "application/json", []byte(`{"holidays":[{"date":"2026-01-01","kind":"holiday","name":"元旦"}],"complete":true}`))
	refused(t, "misspelt calendar key", r, 400, "holidays")
	if d, p := count(); d != days || p != pending || days == 0 {
		t.Fatalf("calendar changed by a refused request: days %d→%d, pending deadlines %d→%d", days, d, pending, p)
	}
	// routes that read no body
	noBody := map[string]bool{"DELETE /api/v1/sessions/current": true, "POST /api/v1/notices/read-all": true,
		"POST /api/v1/notices/:id/read": true, "POST /api/v1/lawsuits/appearance-bulletins": true,
		"POST /api/v1/cases/:id/publication": true, "POST /api/v1/me/calendar-token": true, "POST /api/v1/rooms/:rid/retire": true,
		// multipart uploads: no JSON body (their form is checked by the casefile tests)
		"POST /api/v1/cases/:id/files": true, "POST /api/v1/lawsuits/:id/files": true}
	for _, rt := range e.a.Server.Router.Routes {
		key := rt.Method + " " + rt.Path
		if rt.Method == "GET" || !strings.HasPrefix(rt.Path, "/api/") || noBody[key] {
			continue
		}
		exs := examples[key]
		if len(exs) == 0 || exs[0].json == nil {
			t.Errorf("%s: no example body in badinput_examples_test.go (or list it as reading no body)", key)
			continue
		}
		target := fillPath(rt.Path, e.params(rt.Path))
		role := ""
		if roles := allowed(rt); len(roles) > 0 {
			role = string(roles[0])
		}
		// the example itself binds: the fuzz's mutations of it reach the handler's own checks
		if r := e.call(t, rt.Method, target, role, "application/json", jsonBody(t, exs[0].json)); r.status == 400 {
			t.Errorf("%s: the example body is refused: %s", key, clip(r.body))
		}
		body := map[string]any{"zz_unknwon": 1}
		for k, v := range exs[0].json {
			body[k] = v
		}
		refused(t, key, e.call(t, rt.Method, target, role, "application/json", jsonBody(t, body)), 400, "zz_unknwon")
	}
}
