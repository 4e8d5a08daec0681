package server_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"fuyi/internal/apidoc"
	"fuyi/internal/date"
	"fuyi/internal/testapp"
)

var fiberMethod = map[string]string{"GET": "fiber.MethodGet", "POST": "fiber.MethodPost", "PUT": "fiber.MethodPut",
	"PATCH": "fiber.MethodPatch", "DELETE": "fiber.MethodDelete"}

// TestOpenAPIMatchesRouteTable: every route of the API (and /livez, /readyz, /metrics) is an operation of the
// document served at /api/v1/openapi.json, and every operation of the document is a route. A new route
// fails here with the line to add to the API list in the openapi.go of the package that registers it.
func TestOpenAPIMatchesRouteTable(t *testing.T) {
	a := testapp.New(t, date.MustParse("2026-11-22"))
	doc, err := a.Server.API.Document()
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for path, methods := range doc["paths"].(map[string]map[string]any) {
		for m := range methods {
			documented[strings.ToUpper(m)+" "+path] = true
		}
	}
	routes := map[string]string{} // "METHOD /api/v1/cases/{id}" → the pattern as registered
	for _, r := range a.Server.Router.Routes {
		if apidoc.Documented(r) {
			routes[r.Method+" "+apidoc.OpenAPIPath(r.Path)] = r.Path
		}
	}
	var missing, extra []string
	for k, pattern := range routes {
		if !documented[k] {
			m, _, _ := strings.Cut(k, " ")
			missing = append(missing, fmt.Sprintf("%s %s — add to the API list in the openapi.go of the package that registers it:\n"+
				"\t{Method: %s, Path: %q, Summary: \"（中文说明）\", Body: <the Go type the handler binds>{}, Example: map[string]any{…},\n"+
				"\t\tStatus: <201 when it creates>, Answer: <the Go type it answers with>{}},", m, pattern, fiberMethod[m], pattern))
		}
	}
	for k := range documented {
		if _, ok := routes[k]; !ok {
			extra = append(extra, k+" — documented but the server has no such route: remove it from its openapi.go (or fix its Method/Path)")
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	for _, m := range missing {
		t.Errorf("route missing from the OpenAPI document: %s", m)
	}
	for _, e := range extra {
		t.Errorf("%s", e)
	}
	if len(routes) < 90 {
		t.Errorf("only %d API routes found: the route table is not what this test expects", len(routes))
	}

	// every operation says who may call it, what it answers, and has a unique id
	ids := map[string]string{}
	for path, methods := range doc["paths"].(map[string]map[string]any) {
		for m, o := range methods {
			op := o.(map[string]any)
			k := strings.ToUpper(m) + " " + path
			if s, _ := op["summary"].(string); s == "" {
				t.Errorf("%s: no summary", k)
			}
			if _, ok := op["security"]; !ok {
				t.Errorf("%s: no security", k)
			}
			id := op["operationId"].(string)
			if prev, dup := ids[id]; dup {
				t.Errorf("%s and %s share operationId %s", prev, k, id)
			}
			ids[id] = k
			var success bool
			for status := range op["responses"].(map[string]any) {
				success = success || strings.HasPrefix(status, "2")
			}
			if !success {
				t.Errorf("%s: no success answer", k)
			}
		}
	}

	// served as JSON, the same document; readable at /api/docs with every operation and nothing from elsewhere
	r := a.Do("GET", "/api/v1/openapi.json", "", nil)
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("openapi.json: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	var served map[string]any
	if err := json.Unmarshal(r.Body, &served); err != nil {
		t.Fatal(err)
	}
	if served["openapi"] != "3.1.0" || len(served["paths"].(map[string]any)) != len(doc["paths"].(map[string]map[string]any)) {
		t.Errorf("served document differs: openapi %v, %d paths", served["openapi"], len(served["paths"].(map[string]any)))
	}
	r = a.Do("GET", "/api/docs", "", nil)
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("/api/docs: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	page := string(r.Body)
	for k := range documented {
		m, p, _ := strings.Cut(k, " ")
		if !strings.Contains(page, "<code>"+m+" "+p+"</code>") {
			t.Errorf("/api/docs does not show %s", k)
		}
	}
	for _, want := range []string{"POST /api/v1/sessions", "39-1", "中止情形", "维持"} {
		if !strings.Contains(page, want) {
			t.Errorf("/api/docs lacks %q", want)
		}
	}
	if ext := regexp.MustCompile(`(?i)(src|href)="(https?:)?//`).FindString(page); ext != "" {
		t.Errorf("/api/docs loads something from elsewhere: %s", ext)
	}
}
