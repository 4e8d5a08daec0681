package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"fuyi/internal/date"
	"fuyi/internal/testapp"
)

// lifecycle is the order in which TestOpenAPIExamples calls the operations, so that each finds the records
// the earlier ones made (the case it registers is accepted, heard, decided, served, published …). Operations
// not listed run afterwards in path order.
var lifecycle = []string{
	"POST /api/v1/sessions", "GET /api/v1/me", "GET /api/v1/windows", "GET /api/v1/agencies", "GET /api/v1/officers",
	"POST /api/v1/users", "GET /api/v1/users", "PUT /api/v1/users/{id}/contacts", "PUT /api/v1/users/{id}/active",
	"POST /api/v1/agencies", "GET /api/v1/agencies/{id}", "PUT /api/v1/agencies/{id}",
	"POST /api/v1/cases", "GET /api/v1/cases", "GET /api/v1/cases/{id}", "PATCH /api/v1/cases/{id}",
	"GET /api/v1/cases/{id}/receipt.pdf", "GET /api/v1/public/status",
	"POST /api/v1/cases/{id}/files", "GET /api/v1/cases/{id}/files", "GET /api/v1/cases/{id}/files/{fid}",
	"POST /api/v1/cases/{id}/inspections", "GET /api/v1/cases/{id}/inspections",
	"POST /api/v1/cases/{id}/files/{fid}/withdrawal",
	"POST /api/v1/cases/{id}/review", "GET /api/v1/cases/{id}/documents", "GET /api/v1/cases/{id}/documents/{type}",
	"POST /api/v1/cases/{id}/documents/{did}/service",
	"POST /api/v1/cases/{id}/correction-served", "POST /api/v1/cases/{id}/correction-received", "POST /api/v1/cases/{id}/complexity",
	"POST /api/v1/cases/{id}/procedure", "PUT /api/v1/calendar/{year}", "GET /api/v1/calendar/{year}",
	"PUT /api/v1/cases/{id}/assignment", "GET /api/v1/workloads", "POST /api/v1/cases/{id}/reply",
	"POST /api/v1/cases/{id}/hearings", "GET /api/v1/cases/{id}/hearings", "GET /api/v1/hearings", "GET /api/v1/hearings/{id}",
	"POST /api/v1/hearings/{id}/reschedule", "POST /api/v1/hearings/{id}/record", "POST /api/v1/hearings/{id}/cancel",
	"POST /api/v1/cases/{id}/suspension", "POST /api/v1/cases/{id}/resumption", "POST /api/v1/cases/{id}/extension",
	"POST /api/v1/cases/{id}/committee-opinion",
	"POST /api/v1/cases/{id}/decision", "POST /api/v1/cases/{id}/decision/approval", "POST /api/v1/cases/{id}/decision/service",
	"POST /api/v1/performance-orders", "GET /api/v1/performance-orders", "GET /api/v1/performance-orders/unperformed",
	"POST /api/v1/performance-orders/{id}/interviews", "POST /api/v1/performance-orders/{id}/reprimands",
	"POST /api/v1/performance-orders/{id}/performed", "POST /api/v1/cases/{id}/performance",
	"POST /api/v1/cases/{id}/opinion-letters", "POST /api/v1/cases/{id}/opinion-letters/{lid}/report",
	"POST /api/v1/cases/{id}/publication/terms", "POST /api/v1/cases/{id}/publication/candidates",
	"GET /api/v1/cases/{id}/publication/preview.pdf", "POST /api/v1/cases/{id}/publication", "GET /api/v1/public/decisions",
	"DELETE /api/v1/cases/{id}/publication", "POST /api/v1/cases/{id}/publication/block",
	"GET /api/v1/copy-reports", "POST /api/v1/copy-reports/{id}/sent", "POST /api/v1/copy-reports/{id}/served",
	"POST /api/v1/typical-cases", "GET /api/v1/typical-cases", "GET /api/v1/public/typical-cases", "DELETE /api/v1/typical-cases/{id}",
	"POST /api/v1/cases/{id}/archive", "GET /api/v1/cases/{id}/archive.pdf", "GET /api/v1/cases/{id}/archive.zip",
	"POST /api/v1/lawsuits", "GET /api/v1/lawsuits", "GET /api/v1/lawsuits/{id}", "POST /api/v1/lawsuits/{id}/answer",
	"POST /api/v1/lawsuits/{id}/sessions", "POST /api/v1/lawsuits/{id}/judgment", "POST /api/v1/lawsuits/{id}/appeal-decision",
	"POST /api/v1/lawsuits/{id}/suggestions", "GET /api/v1/lawsuits/stats", "POST /api/v1/lawsuits/appearance-bulletins",
	"POST /api/v1/lawsuits/{id}/files", "GET /api/v1/lawsuits/{id}/files", "GET /api/v1/lawsuits/{id}/files/{fid}",
	"POST /api/v1/lawsuits/{id}/files/{fid}/withdrawal",
	"POST /api/v1/observations", "GET /api/v1/observations", "GET /api/v1/observations/counts",
	"GET /api/v1/reviews/weights", "PUT /api/v1/reviews/weights", "GET /api/v1/reviews/{year}", "POST /api/v1/reviews/{year}/publication",
	"GET /api/v1/notices", "POST /api/v1/notices/{id}/read", "POST /api/v1/notices/read-all",
	"POST /api/v1/rooms", "PUT /api/v1/rooms/{rid}", "POST /api/v1/rooms/{rid}/retire",
}

// onCase names the operations that need a case in another state than the one the walk carries along:
// one asked for 补正 (its 补正 is served and answered, then it is found complex), and one accepted in the
// simplified procedure (converted to the ordinary one).
var onCase = map[string]string{
	"POST /api/v1/cases/{id}/correction-served":   "case_correction",
	"POST /api/v1/cases/{id}/correction-received": "case_correction",
	"POST /api/v1/cases/{id}/complexity":          "case_correction",
	"POST /api/v1/cases/{id}/procedure":           "case_simplified",
	"POST /api/v1/cases/{id}/transfer":            "case_transfer", // against an agency of both organs' directories
}

// refusedExamples are the operations whose example is answered with a documented refusal in this walk, and
// why. Every other operation must succeed (2xx).
var refusedExamples = map[string]string{}

// roleUser is who calls an operation for each role it allows (the first of chief, officer, bureau, window).
var roleUser = []struct{ role, user string }{{"chief", "chief1"}, {"officer", "officer1"}, {"bureau", "bureau1"}, {"window", "window1"}, {"supervisor", "city1"}}

type docOp struct {
	method, path string // OpenAPI path
	op           map[string]any
}

func (o docOp) key() string { return o.method + " " + o.path }

// TestOpenAPIExamples is a client generated from the document: it calls every operation with the example
// the document gives (its parameters filled with the records made by the calls before it), as a user of a
// role the operation allows, and checks that the answer's status is one the document lists and that its
// body validates against the documented schema (JSON Schema 2020-12, formats asserted). Example requests
// validate against their request schema too.
func TestOpenAPIExamples(t *testing.T) {
	// the examples are dated in the second half of November 2026
	a := testapp.New(t, date.MustParse("2026-12-01"))
	a.Server.Ops.Token = "metrics-token"
	doc, err := a.Server.API.Document()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	const base = "file:///openapi.json"
	comp := jsonschema.NewCompiler()
	comp.DefaultDraft(jsonschema.Draft2020)
	comp.AssertFormat()
	if err := comp.AddResource(base, parsed); err != nil {
		t.Fatal(err)
	}
	schemaAt := func(ptr ...string) *jsonschema.Schema {
		for i, p := range ptr {
			ptr[i] = strings.ReplaceAll(strings.ReplaceAll(p, "~", "~0"), "/", "~1")
		}
		s, err := comp.Compile(base + "#/" + strings.Join(ptr, "/"))
		if err != nil {
			t.Fatalf("schema %v: %v", ptr, err)
		}
		return s
	}

	var ops []docOp
	for path, methods := range doc["paths"].(map[string]map[string]any) {
		for m, o := range methods {
			ops = append(ops, docOp{strings.ToUpper(m), path, o.(map[string]any)})
		}
	}
	rank := map[string]int{}
	for i, k := range lifecycle {
		rank[k] = i + 1
	}
	sort.Slice(ops, func(i, j int) bool {
		ri, rj := rank[ops[i].key()], rank[ops[j].key()]
		switch {
		case ri != rj && ri != 0 && rj != 0:
			return ri < rj
		case ri != rj:
			return ri != 0 // listed ones first
		}
		return ops[i].key() < ops[j].key()
	})
	for _, k := range lifecycle {
		if rank[k] > 0 && !hasOp(ops, k) {
			t.Errorf("lifecycle names %s, which the document does not have", k)
		}
	}

	ids := map[string]string{"year": "2026", "calendar_year": "2027", "period": "2026-10", "type": "acceptance.pdf"}
	corr := a.Register("window1", "2026-11-20")
	if r := a.Do("POST", fmt.Sprintf("/api/v1/cases/%d/review", corr), a.Login("chief1"),
		map[string]any{"outcome": "correction", "on": "2026-11-20", "items": []string{"补充身份证明"}}); r.Status != 200 {
		t.Fatalf("correction: %d %s", r.Status, r.Body)
	}
	simple := a.Register("window1", "2026-11-20")
	if r := a.Accept(simple, "2026-11-20", "simplified"); r.Status != 200 {
		t.Fatalf("simplified: %d %s", r.Status, r.Body)
	}
	ids["case_correction"], ids["case_simplified"] = fmt.Sprint(corr), fmt.Sprint(simple)
	var shared int
	if err := a.DB.Get(&shared, `SELECT id FROM agencies WHERE organ_id IS NULL AND active ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	ids["case_transfer"] = fmt.Sprint(a.RegisterAt("window1", "2026-11-20", shared))
	var created struct {
		RegistrationNo string `json:"registration_no"`
		QueryCode      string `json:"query_code"`
	}
	succeeded, refused, retried := 0, 0, 0
	for _, o := range ops {
		k := o.key()
		user := ""
		if sec, _ := o.op["security"].([]any); len(sec) > 0 {
			user = "chief1"
			if roles, ok := o.op["x-roles"].([]string); ok {
				user = pickUser(roles)
			}
		}
		lookupIDs(t, a, k, ids)
		path := fillDocPath(o.path, ids)
		if c, ok := onCase[k]; ok {
			path = strings.Replace(path, "/cases/"+ids["case"]+"/", "/cases/"+ids[c]+"/", 1)
		}
		if o.path == "/api/v1/public/status" {
			path += "?no=" + created.RegistrationNo + "&code=" + created.QueryCode
		}
		var body any
		var headers []string
		if rb, ok := o.op["requestBody"].(map[string]any); ok {
			content := rb["content"].(map[string]any)
			if _, ok := content["multipart/form-data"]; ok {
				b, ct := upload(t)
				body, headers = b, []string{"Content-Type", ct}
			} else {
				ex, ok := content["application/json"].(map[string]any)["example"]
				if !ok {
					t.Errorf("%s: the document gives no example request", k)
					continue
				}
				ex = withIDs(ex, ids)
				if err := schemaAt("paths", o.path, strings.ToLower(o.method), "requestBody", "content", "application/json", "schema").Validate(roundTrip(t, ex)); err != nil {
					t.Errorf("%s: the example request does not validate against its own schema: %v", k, err)
				}
				body = ex
			}
		}
		if o.path == "/metrics" {
			headers = append(headers, "Authorization", "Bearer metrics-token")
		}
		if body != nil && user != "" {
			checkEnums(t, a, o, path, a.Login(user), body, doc, headers)
		}
		if o.op["operationId"] == "deleteSessionsCurrent" {
			headers = append(headers, "Authorization", "Bearer "+a.FreshLogin("chief1")) // not the token the walk goes on with
			user = ""
		}
		token := ""
		if user != "" {
			token = a.Login(user)
		}
		idempotent := hasParam(o.op, "Idempotency-Key")
		if idempotent {
			headers = append(headers, "Idempotency-Key", "walk-"+o.op["operationId"].(string))
		}
		r := a.Do(o.method, path, token, body, headers...)
		if idempotent && r.Status >= 200 && r.Status < 300 {
			// the client retries (its connection broke): the same answer, nothing done twice
			again := a.Do(o.method, path, token, body, headers...)
			if again.Status != r.Status || !bytes.Equal(again.Body, r.Body) {
				t.Errorf("%s: retried with the same Idempotency-Key: %d %s, first %d %s", k, again.Status, snippet(again.Body), r.Status, snippet(r.Body))
			}
			retried++
		}
		status := fmt.Sprint(r.Status)
		responses := o.op["responses"].(map[string]any)
		resp, ok := responses[status].(map[string]any)
		if !ok {
			t.Errorf("%s as %q: answered %d, which the document does not list: %s", k, user, r.Status, snippet(r.Body))
			continue
		}
		if r.Status < 300 {
			succeeded++
		} else if why, ok := refusedExamples[k]; ok {
			refused++
			t.Logf("%s: refused as expected (%s): %d %s", k, why, r.Status, snippet(r.Body))
		} else {
			t.Errorf("%s as %q: the example was refused: %d %s", k, user, r.Status, snippet(r.Body))
		}
		if r.Status >= 200 && r.Status < 300 {
			if k == "POST /api/v1/cases" {
				if err := json.Unmarshal(r.Body, &created); err != nil {
					t.Fatal(err)
				}
			}
			remember(t, k, r, ids)
		}
		// the body: JSON validated against the schema; bytes of a documented content type
		var ptr []string
		if _, ok := resp["$ref"].(string); ok {
			ptr = []string{"components", "schemas", "Error"}
		} else if content, ok := resp["content"].(map[string]any); ok {
			ct := r.Header.Get("Content-Type")
			if _, json := content["application/json"]; json && strings.HasPrefix(ct, "application/json") {
				ptr = []string{"paths", o.path, strings.ToLower(o.method), "responses", status, "content", "application/json", "schema"}
			} else if !contentListed(content, ct) {
				t.Errorf("%s: answered Content-Type %q, the document lists %v", k, ct, keys(content))
			}
		} else if len(r.Body) > 0 && r.Status != http.StatusNoContent {
			t.Errorf("%s: answered a body where the document lists none: %s", k, snippet(r.Body))
		}
		if ptr != nil {
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(r.Body))
			if err != nil {
				t.Errorf("%s: %d answer is not JSON: %s", k, r.Status, snippet(r.Body))
				continue
			}
			if err := schemaAt(ptr...).Validate(inst); err != nil {
				t.Errorf("%s: the %d answer does not validate against the document: %v\n%s", k, r.Status, err, snippet(r.Body))
			}
		}
	}
	t.Logf("%d operations called: %d succeeded, %d refused as expected; %d retried with their Idempotency-Key", len(ops), succeeded, refused, retried)
}

func hasParam(op map[string]any, name string) bool {
	ps, _ := op["parameters"].([]any)
	for _, p := range ps {
		if p.(map[string]any)["name"] == name {
			return true
		}
	}
	return false
}

func hasOp(ops []docOp, k string) bool {
	for _, o := range ops {
		if o.key() == k {
			return true
		}
	}
	return false
}

func pickUser(roles []string) string {
	for _, ru := range roleUser {
		for _, r := range roles {
			if r == ru.role {
				return ru.user
			}
		}
	}
	return "chief1"
}

func snippet(b []byte) string {
	if len(b) > 400 {
		return string(b[:400]) + "…"
	}
	return string(b)
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func contentListed(content map[string]any, ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	_, ok := content[strings.TrimSpace(mt)]
	return ok
}

func roundTrip(t *testing.T, v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// upload is a multipart body with a small PDF.
func upload(t *testing.T) ([]byte, string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range map[string]string{"category": "application", "title": "申请书"} {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	f, err := w.CreateFormFile("file", "申请书.pdf")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), w.FormDataContentType()
}

// owner is the kind of record a path's {id} names.
func docOwner(path string) string {
	seg := strings.Split(strings.TrimPrefix(path, "/api/v1/"), "/")[0]
	return map[string]string{"cases": "case", "lawsuits": "lawsuit", "hearings": "hearing", "users": "user", "agencies": "agency",
		"notices": "notice", "copy-reports": "copy_report", "performance-orders": "order", "typical-cases": "case"}[seg]
}

func fillDocPath(path string, ids map[string]string) string {
	path = strings.ReplaceAll(path, "{id}", ids[docOwner(path)])
	if strings.HasPrefix(path, "/api/v1/calendar/") {
		path = strings.ReplaceAll(path, "{year}", ids["calendar_year"])
	}
	fileKey := "file"
	if strings.HasPrefix(path, "/api/v1/lawsuits/") {
		fileKey = "lawsuit_file"
	}
	for name, key := range map[string]string{"fid": fileKey, "did": "document", "lid": "letter", "year": "year", "period": "period", "type": "type", "rid": "room"} {
		path = strings.ReplaceAll(path, "{"+name+"}", ids[key])
	}
	return path
}

// remember keeps the id of what a call created.
func remember(t *testing.T, k string, r *testapp.Response, ids map[string]string) {
	var v struct {
		ID json.Number `json:"id"`
	}
	if r.Status != http.StatusCreated || json.Unmarshal(r.Body, &v) != nil || v.ID == "" {
		return
	}
	_, path, _ := strings.Cut(k, " ")
	switch {
	case strings.HasSuffix(path, "/files"):
		if strings.HasPrefix(path, "/api/v1/lawsuits/") {
			ids["lawsuit_file"] = v.ID.String()
		} else {
			ids["file"] = v.ID.String()
		}
	case path == "/api/v1/performance-orders":
		ids["order"] = v.ID.String()
	case path == "/api/v1/rooms":
		ids["room"] = v.ID.String()
	case strings.HasSuffix(path, "/hearings"), strings.HasSuffix(path, "/reschedule"):
		ids["hearing"] = v.ID.String()
	case path == "/api/v1/cases", path == "/api/v1/lawsuits", path == "/api/v1/users", path == "/api/v1/agencies":
		ids[docOwner(path)] = v.ID.String()
	}
}

// lookupIDs finds the records that calls made inside others (documents, letters, notices, copy reports).
func lookupIDs(t *testing.T, a *testapp.App, k string, ids map[string]string) {
	q := map[string]string{
		"{did}":         `SELECT coalesce(min(id), 0) FROM issued_documents WHERE case_id = $1`,
		"{lid}":         `SELECT coalesce(min(id), 0) FROM opinion_letters WHERE case_id = $1`,
		"copy-reports/": `SELECT coalesce(min(id), 0) FROM copy_reports WHERE case_id = $1`,
	}
	key := map[string]string{"{did}": "document", "{lid}": "letter", "copy-reports/": "copy_report"}
	for frag, sql := range q {
		if strings.Contains(k, frag) {
			var id int64
			if err := a.DB.Get(&id, sql, ids["case"]); err != nil {
				t.Fatal(err)
			}
			ids[key[frag]] = fmt.Sprint(id)
		}
	}
	if strings.HasSuffix(k, "hearings/{id}/cancel") {
		// a hearing of its own to cancel (the one of the walk has been held): the schedule example a week later
		ex := map[string]any{"starts_at": "2026-12-15T09:00:00+08:00", "ends_at": "2026-12-15T11:00:00+08:00", "notified_on": "2026-12-01",
			"location": "第二听证室", "host_id": a.UserID("chief1"), "panel_ids": []int64{a.UserID("officer1"), a.UserID("officer2")},
			"clerk_id": a.UserID("clerk1")}
		r := a.Do("POST", "/api/v1/cases/"+ids["case"]+"/hearings", a.Login("chief1"), ex)
		var h struct {
			ID int64 `json:"id"`
		}
		if r.Status != http.StatusCreated || json.Unmarshal(r.Body, &h) != nil {
			t.Fatalf("hearing to cancel: %d %s", r.Status, r.Body)
		}
		ids["hearing"] = fmt.Sprint(h.ID)
	}
	if strings.Contains(k, "notices/{id}") {
		if _, err := a.Server.Alerts.RunOn(context.Background(), a.Today); err != nil {
			t.Fatal(err)
		}
		var id int64
		if err := a.DB.Get(&id, `SELECT coalesce(min(id), 0) FROM notices WHERE user_id = $1`, a.UserID("chief1")); err != nil {
			t.Fatal(err)
		}
		ids["notice"] = fmt.Sprint(id)
	}
}

// withIDs puts the ids of this server's records into an example (the document's examples use the demo's).
func withIDs(ex any, ids map[string]string) any {
	m, ok := ex.(map[string]any)
	if !ok {
		return ex
	}
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
		switch k {
		case "case_id":
			out[k] = json.Number(ids["case"])
		case "lawsuit_id":
			out[k] = json.Number(ids["lawsuit"])
		}
	}
	return out
}

// enumField is a body field restricted to codes: its path from the body ("applicants", "[0]", "kind").
type enumField struct {
	path   []string
	codes  []string
	labels map[string]string
}

// enumFields lists the enumerated fields of a request schema (following references; the first element of
// arrays of objects).
func enumFields(s map[string]any, schemas map[string]map[string]any, prefix []string) []enumField {
	if ref, ok := s["$ref"].(string); ok {
		s = schemas[strings.TrimPrefix(ref, "#/components/schemas/")]
	}
	var out []enumField
	props, _ := s["properties"].(map[string]any)
	for name, p := range props {
		ps := p.(map[string]any)
		path := append(append([]string{}, prefix...), name)
		if labels, ok := ps["x-enumDescriptions"].(map[string]string); ok {
			var codes []string
			for _, c := range ps["enum"].([]any) {
				if c, ok := c.(string); ok {
					codes = append(codes, c)
				}
			}
			out = append(out, enumField{path, codes, labels})
			continue
		}
		if items, ok := ps["items"].(map[string]any); ok {
			if labels, ok := items["x-enumDescriptions"].(map[string]string); ok {
				var codes []string
				for _, c := range items["enum"].([]any) {
					codes = append(codes, c.(string))
				}
				out = append(out, enumField{append(path, "[0]"), codes, labels})
				continue
			}
			out = append(out, enumFields(items, schemas, append(path, "[0]"))...)
			continue
		}
		if _, ok := ps["properties"]; ok || ps["$ref"] != nil {
			out = append(out, enumFields(ps, schemas, path)...)
		}
	}
	return out
}

// withValue copies a JSON body with the value at path replaced (false when the example lacks the field).
func withValue(v any, path []string, x any) (any, bool) {
	if len(path) == 0 {
		return x, true
	}
	switch t := v.(type) {
	case map[string]any:
		cur, ok := t[path[0]]
		if !ok {
			return nil, false // only fields the example sends: others may not apply to it
		}
		nv, ok := withValue(cur, path[1:], x)
		if !ok {
			return nil, false
		}
		out := map[string]any{}
		for k, e := range t {
			out[k] = e
		}
		out[path[0]] = nv
		return out, true
	case []any:
		if path[0] != "[0]" || len(t) == 0 {
			return nil, false
		}
		nv, ok := withValue(t[0], path[1:], x)
		if !ok {
			return nil, false
		}
		return append([]any{nv}, t[1:]...), true
	}
	return nil, false
}

// checkEnums sends the example with each enumerated field set to a code that does not exist: the answer
// must be 422 naming the field and listing every valid code with its label.
func checkEnums(t *testing.T, a *testapp.App, o docOp, path, token string, body any, doc map[string]any, headers []string) {
	t.Helper()
	rb := o.op["requestBody"].(map[string]any)["content"].(map[string]any)
	media, ok := rb["application/json"].(map[string]any)
	if !ok {
		return
	}
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]map[string]any)
	for _, f := range enumFields(media["schema"].(map[string]any), schemas, nil) {
		b, ok := withValue(roundTripAny(t, body), f.path, "zz_no_such_code")
		if !ok {
			continue
		}
		r := a.Do(o.method, path, token, b, headers...)
		field := strings.ReplaceAll(strings.Join(f.path, "."), ".[", "[")
		if r.Status != 422 {
			t.Errorf("%s with %s = zz_no_such_code: %d (want 422) %s", o.key(), field, r.Status, snippet(r.Body))
			continue
		}
		msg := string(r.Body)
		var missing []string
		for _, c := range f.codes {
			if !strings.Contains(msg, c) || !strings.Contains(msg, jsonEscapedSubstring(f.labels[c])) {
				missing = append(missing, c+" "+f.labels[c])
			}
		}
		if len(missing) > 0 || !strings.Contains(msg, `"`+field+`"`) {
			t.Errorf("%s with %s = zz_no_such_code: the 422 must name the field and list every code with its label; lacks %v: %s",
				o.key(), field, missing, snippet(r.Body))
		}
	}
}

// jsonEscapedSubstring is a label as it appears in a JSON answer (the first 8 characters: labels may be
// shortened in messages, never changed).
func jsonEscapedSubstring(label string) string {
	r := []rune(label)
	if len(r) > 8 {
		r = r[:8]
	}
	return string(r)
}

func roundTripAny(t *testing.T, v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}
