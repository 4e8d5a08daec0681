package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"fuyi/internal/web"
)

// The table of bad inputs. Each class is what the issue measured answering 500, or a neighbour of it.

// badPathValues replace one path parameter (escaped as a client would send them).
var badPathValues = []struct{ what, v string }{
	{"id ≥ 2^31", "2147483648"},
	{"id ≥ 2^63", "9223372036854775808"},
	{"id of 30 digits", "999999999999999999999999999999"},
	{"negative id", "-1"},
	{"zero id", "0"},
	{"not a number", "abc"},
	{"NUL", "1%00"},
	{"%FF", "%FF"},
	{"exponent", "1e3"},
	{"space", "%201"},
}

// queryKeys are the query parameters the handlers read, and one they do not (for the fuzz target).
var queryKeys = []string{"q", "page", "per_page", "status", "queue", "from", "to", "agency_id", "agency", "year", "type",
	"v", "ref", "week", "token", "unread", "no", "code", "next", "period", "zz_unknown"}

// filterKeys are the query parameters each GET route reads (lists add page and per_page); each receives
// every bad number in turn. Every other key (and a random one) receives the bad text classes.
var filterKeys = map[string][]string{
	"/api/v1/cases":                     {"q", "status", "queue", "page", "per_page"},
	"/cases":                            {"q", "status", "page", "per_page"},
	"/review":                           {"page", "per_page"},
	"/workbench":                        {"page", "per_page"},
	"/api/v1/lawsuits":                  {"q", "page", "per_page"},
	"/lawsuits":                         {"q", "page", "per_page"},
	"/api/v1/lawsuits/stats":            {"from", "to", "agency_id"},
	"/lawsuits/stats":                   {"from", "to", "agency_id"},
	"/api/v1/hearings":                  {"from", "to"},
	"/api/v1/hearings/rate":             {"from", "to"},
	"/hearings":                         {"week"},
	"/api/v1/hearings.ics":              {"token"},
	"/api/v1/public/decisions":          {"q", "type", "year", "agency", "page", "per_page"},
	"/decisions":                        {"q", "type", "year", "agency", "page", "per_page"},
	"/decisions.atom":                   {"page"},
	"/status":                           {"no", "code"},
	"/api/v1/public/status":             {"no", "code"},
	"/api/v1/cases/:id/documents/:type": {"ref"},
	"/cases/:id/documents/:type":        {"ref"},
	"/statistics/:period":               {"v"},
	"/reports":                          {"period"},
	"/oversight":                        {"period"},
	"/admin/calendar":                   {"year"},
	"/api/v1/notices":                   {"unread", "page", "per_page"},
	"/notices":                          {"unread", "page", "per_page"},
	"/login":                            {"next"},
}

// badQueryClasses go into every query key at once; badQueryNumbers into one key at a time.
var badQueryClasses = []struct{ what, v string }{
	{"NUL", "%00"},
	{"%FF", "%FF"},
	{"control character", "a%01b"},
	{"bidi override", "%E2%80%AE"},
	{"U+FFFD", "%EF%BF%BD"},
	{"overlong NUL", "%C0%80"},
	{"backslash (LIKE escape)", "%5C"},
}

var badQueryNumbers = []struct{ what, v string }{
	{"≥ 2^31", "2147483648"},
	{"≥ 2^63", "99999999999999999999"},
	{"negative", "-1"},
	{"zero", "0"},
	{"impossible date", "2025-02-30"},
	{"year zero", "0000-01-01"},
	{"text", "abc"},
}

// badJSONBodies replace the whole body (the rest of the classes are in internal/web's DecodeJSON tests).
var badJSONBodies = []struct{ what, body string }{
	{"unknown field", `{"zz_unknown":1}`},
	{"misspelt key", `{"holidays":[{"date":"2026-01-01"}]}`},
	{"array instead of object", `[]`},
	{"null", `null`},
	{"truncated", `{"a":`},
	{"trailing data", `{}{}`},
	{"invalid UTF-8", "{\"reason\":\"\xff\xfe\"}"},
	{"NUL escape", `{"reason":"\u0000"}`},
	{"version ≥ 2^31", `{"version":2147483648}`},
	{"deep nesting", strings.Repeat("[", 100000) + strings.Repeat("]", 100000)},
	{"empty", ``},
}

// badStrings, badNumbers and badTypes replace one value of a valid JSON body, by the value's type.
var badStrings = []struct {
	what string
	v    any
}{
	{"NUL", "a\x00b"},
	{"bidi override", "a\u202eb"},
	{"invalid UTF-8", rawBad},
	{"impossible date", "2025-02-30"},
	{"year zero", "0000-01-01"},
	{"long text", strings.Repeat("长", 5000)},
	{"zero-width space", "张\u200b三"},
}

var badNumbers = []struct {
	what string
	v    any
}{
	{"≥ 2^31", json.Number("2147483648")},
	{"≥ 2^63", json.Number("9223372036854775808")},
	{"negative", json.Number("-1")},
	{"fraction", json.Number("1.5")},
	{"huge exponent", json.Number("1e999")},
}

var badTypes = []struct {
	what string
	v    any
}{
	{"wrong type: object", map[string]any{"zz": 1}},
	{"wrong type: string", "2147483648"},
	{"null", nil},
}

// badFormText, badFormNumbers and badFormDates replace one field of a valid form, by the field's kind.
var badFormText = []struct{ what, v string }{
	{"NUL", "a\x00b"},
	{"invalid UTF-8", "\xff\xfe"},
	{"bidi override", "a\u202eb"},
	{"zero-width space", "张\u200b三"},
	{"long text", strings.Repeat("长", 5000)},
}

var badFormNumbers = []struct{ what, v string }{
	{"NUL", "1\x00"},
	{"≥ 2^31", "2147483648"},
	{"≥ 2^63", "99999999999999999999"},
	{"negative", "-1"},
	{"not a number", "abc"},
}

var badFormDates = []struct{ what, v string }{
	{"NUL", "\x00"},
	{"impossible date", "2025-02-30"},
	{"year zero", "0000-01-01"},
	{"year zero time", "0000-01-01T09:00"},
	{"impossible time", "2026-12-10T25:61"},
}

const rawBad = "\x01RAWBAD\x01"

type taggedProbe struct {
	probe
	everyone bool // also sent as every role
}

// example is a valid request body of a route (for :action routes, of one action).
type example struct {
	action string
	json   map[string]any
	form   url.Values
}

// probesFor builds the probes of a route from the table.
func probesFor(rt web.Route, params map[string]string) []taggedProbe {
	var out []taggedProbe
	api := strings.HasPrefix(rt.Path, "/api/")
	exs := examples[rt.Method+" "+rt.Path]
	if len(exs) == 0 {
		exs = []example{{action: params[":action"]}}
	}
	for _, ex := range exs {
		ps := map[string]string{}
		for k, v := range params {
			ps[k] = v
		}
		if ex.action != "" {
			ps[":action"] = ex.action
		}
		target := fillPath(rt.Path, ps)
		base := baseProbe(rt, target, ex)
		// path parameters
		for name := range ps {
			for _, b := range badPathValues {
				bad := map[string]string{}
				for k, v := range ps {
					bad[k] = v
				}
				bad[name] = b.v
				p := base
				p.what, p.target = fmt.Sprintf("path %s: %s", name, b.what), fillPath(rt.Path, bad)
				out = append(out, taggedProbe{p, b.v == "1%00" || b.v == "2147483648"})
			}
		}
		// query strings
		for _, b := range badQueryClasses {
			var q []string
			for _, k := range queryKeys {
				q = append(q, k+"="+b.v)
			}
			p := base
			p.what, p.target = "query (every key): "+b.what, target+"?"+strings.Join(q, "&")
			out = append(out, taggedProbe{p, b.v == "%00"})
			if b.v == "%00" || b.v == "%FF" {
				p.what, p.target = "query key: "+b.what, target+"?"+b.v+"=1"
				out = append(out, taggedProbe{p, false})
			}
		}
		if rt.Method == "GET" {
			for _, k := range filterKeys[rt.Path] {
				for _, b := range badQueryNumbers {
					p := base
					p.what, p.target = fmt.Sprintf("query %s: %s", k, b.what), target+"?"+k+"="+b.v
					out = append(out, taggedProbe{p, false})
				}
			}
		}
		// headers
		for _, h := range badHeaders {
			p := base
			p.what, p.header, p.live = "header: "+h.what, [][2]string{{h.k, h.v}}, len(h.v) > 8<<10
			out = append(out, taggedProbe{p, h.everyone})
		}
		if rt.Method == "GET" {
			continue
		}
		// bodies
		if api {
			for i, b := range badJSONBodies {
				p := base
				p.what, p.body = "JSON body: "+b.what, []byte(b.body)
				out = append(out, taggedProbe{p, i == 0 || strings.Contains(b.what, "UTF-8")})
			}
			for _, m := range jsonMutations(ex.json) {
				p := base
				p.what, p.body = "JSON "+m.what, m.body
				out = append(out, taggedProbe{p, false})
			}
			continue
		}
		for _, m := range formMutations(ex.form) {
			p := base
			p.what, p.body = "form "+m.what, m.body
			out = append(out, taggedProbe{p, false})
		}
	}
	return out
}

// badHeaders: an oversized header (431) and header values the app reads, broken.
var badHeaders = []struct {
	what, k, v string
	everyone   bool
}{
	{"20 KB header", "X-Padding", strings.Repeat("a", 20<<10), false},
	{"Idempotency-Key with NUL", "Idempotency-Key", "a\x00b", true},
	{"Idempotency-Key invalid UTF-8", "Idempotency-Key", "\xff\xfe", false},
	{"Idempotency-Key 4 KB", "Idempotency-Key", strings.Repeat("k", 4<<10), false},
	{"X-CSRF-Token invalid UTF-8", "X-Csrf-Token", "\xff", false},
}

// baseProbe is the valid request of a route: its example body (or an empty one).
func baseProbe(rt web.Route, target string, ex example) probe {
	p := probe{method: rt.Method, target: target}
	if rt.Method == "GET" {
		return p
	}
	if strings.HasPrefix(rt.Path, "/api/") {
		p.ctype = "application/json"
		p.body = []byte("{}")
		if ex.json != nil {
			p.body, _ = json.Marshal(ex.json)
		}
		return p
	}
	p.ctype = "application/x-www-form-urlencoded"
	p.body = []byte(formBody(ex.form, "", ""))
	return p
}

// formBody encodes a form with the CSRF placeholder, one key replaced by a raw (possibly invalid) value.
func formBody(f url.Values, key, raw string) string {
	parts := []string{"_csrf=@CSRF@"}
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range f[k] {
			if k == key {
				v = raw
			}
			parts = append(parts, url.QueryEscape(k)+"="+escapeRaw(v))
		}
	}
	return strings.Join(parts, "&")
}

// escapeRaw percent-encodes every byte outside the unreserved set, invalid UTF-8 included.
func escapeRaw(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

type mutation struct {
	what string
	body []byte
}

func formMutations(f url.Values) []mutation {
	var out []mutation
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		bad := badFormText
		switch formKind(k, f.Get(k)) {
		case "number":
			bad = badFormNumbers
		case "date":
			bad = badFormDates
		}
		for _, b := range bad {
			out = append(out, mutation{fmt.Sprintf("field %s: %s", k, b.what), []byte(formBody(f, k, b.v))})
		}
	}
	for _, b := range badFormText[:3] {
		out = append(out, mutation{"unknown field: " + b.what, []byte(formBody(f, "", "") + "&zz_unknown=" + escapeRaw(b.v))})
	}
	return out
}

var dateLike = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}`)

// formKind is number, date or text, from the example value or, when it is empty, the key.
func formKind(k, v string) string {
	switch {
	case k == "version" || k == "days" || k == "year" || k == "id" || strings.HasSuffix(k, "_id") || strings.HasSuffix(k, "_ids"):
		return "number"
	case dateLike.MatchString(v) || strings.HasSuffix(k, "_on") || strings.HasSuffix(k, "_at") || k == "on" || k == "from" || k == "to":
		return "date"
	}
	return "text"
}

// jsonMutations replaces each leaf of a valid body in turn with each bad leaf, and adds unknown keys.
func jsonMutations(example map[string]any) []mutation {
	if example == nil {
		return nil
	}
	body := deepCopy(example).(map[string]any) // examples are shared by the shards running in parallel
	var out []mutation
	var walk func(path string, set func(any), v any)
	marshal := func() []byte {
		b, _ := json.Marshal(body)
		return bytes.ReplaceAll(b, []byte(`"`+strings.ReplaceAll(rawBad, "\x01", `\u0001`)+`"`), []byte("\"\xff\xfe\""))
	}
	walk = func(path string, set func(any), v any) {
		switch x := v.(type) {
		case map[string]any:
			x["zz_unknown"] = 1
			out = append(out, mutation{"unknown field in " + path, marshal()})
			delete(x, "zz_unknown")
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(path+"."+k, func(nv any) { x[k] = nv }, x[k])
			}
		case []any:
			for i := range x {
				walk(fmt.Sprintf("%s[%d]", path, i), func(nv any) { x[i] = nv }, x[i])
			}
			if len(x) == 0 {
				for _, b := range append(badStrings[:3:3], badNumbers[:3]...) {
					set([]any{b.v})
					out = append(out, mutation{fmt.Sprintf("%s[0]: %s", path, b.what), marshal()})
				}
				set(x)
			}
		default:
			var bad []struct {
				what string
				v    any
			}
			switch v.(type) {
			case string:
				bad = append(bad, badStrings...)
			case json.Number:
				bad = append(bad, badNumbers...)
			}
			for _, b := range append(bad, badTypes...) {
				set(b.v)
				out = append(out, mutation{path + ": " + b.what, marshal()})
			}
			set(v)
		}
	}
	walk("", func(any) {}, body)
	return out
}

// deepCopy copies the maps and slices of a JSON value.
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, v := range x {
			m[k] = deepCopy(v)
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, v := range x {
			s[i] = deepCopy(v)
		}
		return s
	}
	return v
}

// placeInput puts one fuzzed input where the fuzzer says: 0 a path parameter, 1 a query value, 2 a
// JSON leaf (or the whole body), 3 a form field, 4 a header.
func placeInput(rt web.Route, params map[string]string, where uint8, input string) probe {
	ex := example{action: params[":action"]}
	if exs := examples[rt.Method+" "+rt.Path]; len(exs) > 0 {
		ex = exs[int(where)/5%len(exs)]
		if ex.action != "" {
			params[":action"] = ex.action
		}
	}
	target := fillPath(rt.Path, params)
	p := baseProbe(rt, target, ex)
	p.what = fmt.Sprintf("fuzz (%d) %q", where%5, input)
	switch where % 5 {
	case 0:
		keys := make([]string, 0, len(params))
		for k := range params {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if len(keys) > 0 {
			params[keys[len(input)%len(keys)]] = escapeRaw(input)
		}
		p.target = fillPath(rt.Path, params)
	case 1:
		k := queryKeys[len(input)%len(queryKeys)]
		p.target = target + "?" + k + "=" + escapeRaw(input)
	case 2:
		if rt.Method != "GET" && strings.HasPrefix(rt.Path, "/api/") {
			if ex.json == nil || json.Valid([]byte(input)) {
				p.body = []byte(input)
			} else {
				ms := jsonLeafSet(ex.json, input)
				p.body = ms
			}
		}
	case 3:
		if rt.Method != "GET" && !strings.HasPrefix(rt.Path, "/api/") {
			keys := make([]string, 0, len(ex.form))
			for k := range ex.form {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			if len(keys) > 0 {
				p.body = []byte(formBody(ex.form, keys[len(input)%len(keys)], input))
			}
		}
	case 4:
		p.header = [][2]string{{"Idempotency-Key", input}}
	}
	return p
}

// jsonLeafSet sets one top-level key of a copy of body to the string input (chosen by its length).
func jsonLeafSet(body map[string]any, input string) []byte {
	keys := make([]string, 0, len(body))
	for k := range body {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	cp := map[string]any{}
	for k, v := range body {
		cp[k] = v
	}
	if len(keys) > 0 {
		cp[keys[len(input)%len(keys)]] = rawBad
	}
	b, _ := json.Marshal(cp)
	return bytes.ReplaceAll(b, []byte(`"`+strings.ReplaceAll(rawBad, "\x01", `\u0001`)+`"`), jsonRawString(input))
}

// jsonRawString quotes s for JSON, escaping only what JSON requires, so invalid UTF-8 goes in as it is.
func jsonRawString(s string) []byte {
	b := []byte{'"'}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, fmt.Sprintf(`\u%04x`, c)...)
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// firstAction is the action used for path probes of an :action route without examples.
func firstAction(path string) string {
	switch {
	case strings.HasPrefix(path, "/cases/:id/publication"):
		return "term"
	case strings.HasPrefix(path, "/lawsuits/"):
		return "answer"
	}
	return "complexity"
}
