// Package apidoc is the OpenAPI 3.1 document of the JSON API. Each feature declares its operations
// beside its handlers (an openapi.go in the feature's web package: a []apidoc.Op naming the Go types its
// handlers read and write); Build joins them with the route table (who may call what) and turns the Go
// types into JSON Schemas. TestOpenAPIMatchesRouteTable (internal/server) fails for a route of the API
// without an Op, or an Op without a route, and says what to add.
package apidoc

import (
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strings"

	"fuyi/internal/apperr"
	"fuyi/internal/web"
)

// Op documents one operation of the API.
type Op struct {
	Method string // fiber.MethodGet, …
	Path   string // exactly as registered with the router: /api/v1/cases/:id
	// Summary is one line in Chinese; Description may say more (rules, articles).
	Summary, Description string
	Tag                  string  // the section of /api/docs; by default from the path's first segment
	Params               []Param // query and header parameters; path parameters come from Path
	// Body is a value of the type the handler binds (nil: no body); Form for a multipart upload.
	Body any
	// Enums restricts body fields to their codes, by path from the body: "type", "applicants[].kind".
	Enums map[string]apperr.Enum
	// Example is a request body a client could send (JSON-encodable); the example test sends it.
	Example any
	Status  int // the success status; 200 when 0
	// Answer is a value of the type the handler answers with (JSON); a File for bytes; nil: no content.
	Answer any
	Also   File        // further content types of the same answer (a report as PDF, XLSX or CSV)
	Other  map[int]any // answers of other statuses with their own shape (readiness: 503 with the checks)
	Errors []int       // statuses beyond the ones every operation of its kind answers (see responses)
	// Login: the route is public in the route table because it checks its own credentials (a feed token)
	// but takes the bearer token too: documented with both.
	Login bool
	// Idempotent: the operation accepts an Idempotency-Key header (a retried request gets the first answer).
	Idempotent bool
}

// Param is a query (or header) parameter.
type Param struct {
	Name        string
	In          string // "query" (default) or "header"
	Description string
	Type        string // "string" (default), "integer", "date", "boolean"
	Enum        *apperr.Enum
	Required    bool
}

// File is an answer of bytes in one of the content types.
type File []string

// Form is a multipart/form-data body: its text fields and its file fields, each with a description.
type Form struct {
	Fields map[string]string
	Files  map[string]string
}

// Documented reports whether a route belongs in the document: the JSON API and the operations endpoints.
func Documented(r web.Route) bool {
	switch r.Path {
	case "/livez", "/readyz", "/metrics":
		return true
	}
	return strings.HasPrefix(r.Path, "/api/v1/")
}

// OpenAPIPath turns a router pattern into an OpenAPI path: /api/v1/cases/:id → /api/v1/cases/{id}.
func OpenAPIPath(pattern string) string {
	segs := strings.Split(pattern, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, ":") {
			name, rest := s[1:], ""
			if j := strings.IndexAny(name, ".-"); j >= 0 {
				name, rest = name[:j], name[j:]
			}
			segs[i] = "{" + name + "}" + rest
		}
	}
	return strings.Join(segs, "/")
}

func pathParams(pattern string) []string {
	var out []string
	for _, s := range strings.Split(pattern, "/") {
		if strings.HasPrefix(s, ":") {
			name := s[1:]
			if j := strings.IndexAny(name, ".-"); j >= 0 {
				name = name[:j]
			}
			out = append(out, name)
		}
	}
	return out
}

// Key is "METHOD pattern", how the route table and the document are compared.
func Key(method, pattern string) string { return method + " " + pattern }

// tags name the sections, by the path's first segment after /api/v1.
var tags = []struct{ segment, name, description string }{
	{"sessions", "登录", "登录与退出：取得 Bearer 令牌"},
	{"me", "登录", ""},
	{"windows", "基础数据", "司法所窗口、被申请人（行政机关）、复议人员、用户、节假日"},
	{"agencies", "基础数据", ""},
	{"officers", "基础数据", ""},
	{"users", "基础数据", ""},
	{"calendar", "基础数据", ""},
	{"cases", "行政复议案件", "登记、审查受理、补正、审理、决定、送达、卷宗"},
	{"workloads", "行政复议案件", ""},
	{"hearings", "听证", "听证安排、记录与日历"},
	{"hearings.ics", "听证", ""},
	{"rooms", "听证", ""},
	{"lawsuits", "行政应诉", "行政诉讼案件、出庭、裁判、司法建议与统计"},
	{"copy-reports", "监督", "抄告、责令履行、典型案例、旁听、年度考评"},
	{"performance-orders", "监督", ""},
	{"typical-cases", "监督", ""},
	{"observations", "监督", ""},
	{"reviews", "监督", ""},
	{"reports", "统计", "月度统计报表"},
	{"notices", "提醒", "期限提醒"},
	{"public", "公开", "无需登录：公开的复议决定、典型案例、案件查询"},
	{"openapi.json", "接口文档", "本文档"},
	{"", "运行", "存活、就绪与监控指标"},
}

func tagOf(path string) string {
	seg := ""
	if rest, ok := strings.CutPrefix(path, "/api/v1/"); ok {
		seg, _, _ = strings.Cut(rest, "/")
	}
	for _, t := range tags {
		if t.segment == seg {
			return t.name
		}
	}
	return seg
}

// Document is the OpenAPI document as JSON-encodable maps.
type Document = map[string]any

// Build writes the document of ops, with the roles of each from routes. It refuses an operation declared
// twice and an enumeration path that names no body field.
func Build(routes []web.Route, sets ...[]Op) (Document, error) {
	byKey := map[string]web.Route{}
	for _, r := range routes {
		byKey[Key(r.Method, r.Path)] = r
	}
	schemas := map[string]Schema{"Error": errorSchema()}
	out := newReflector(schemas, false)
	in := newReflector(schemas, true)
	paths := map[string]map[string]any{}
	seen := map[string]bool{}
	usedTags := map[string]bool{}
	for _, ops := range sets {
		for _, op := range ops {
			k := Key(op.Method, op.Path)
			if seen[k] {
				return nil, fmt.Errorf("apidoc: %s declared twice", k)
			}
			seen[k] = true
			o, err := operation(op, byKey[k], in, out)
			if err != nil {
				return nil, fmt.Errorf("apidoc: %s: %w", k, err)
			}
			usedTags[o["tags"].([]string)[0]] = true
			p := OpenAPIPath(op.Path)
			if paths[p] == nil {
				paths[p] = map[string]any{}
			}
			paths[p][strings.ToLower(op.Method)] = o
		}
	}
	var tagList []any
	for _, t := range tags {
		if usedTags[t.name] && t.description != "" {
			tagList = append(tagList, map[string]any{"name": t.name, "description": t.description})
			delete(usedTags, t.name)
		}
	}
	rest := make([]string, 0, len(usedTags))
	for t := range usedTags {
		rest = append(rest, t)
	}
	sort.Strings(rest)
	for _, t := range rest {
		tagList = append(tagList, map[string]any{"name": t, "description": t})
	}
	return Document{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "复议（Fuyi）行政复议与行政应诉案件管理 API",
			"version": "1",
			"summary": "司法所窗口、复议机构与司法局使用的 JSON 接口",
			"description": "JSON 输入输出，UTF-8。日期为 YYYY-MM-DD，时间为带 +08:00 的 RFC 3339。" +
				"先以 POST /api/v1/sessions 登录取得令牌，其余接口带 Authorization: Bearer <令牌>。" +
				"错误统一为 {\"error\":{\"code\",\"message\",\"fields\"}}：400 请求格式错误（含未知字段，会指明字段名）；" +
				"401 未登录；403 角色无权；404 记录不存在或无权查看；409 状态不符、版本过期或时间冲突；413 内容过大；" +
				"422 字段或法律规则不符（枚举字段会列出全部可用代码及其中文含义）；429 尝试过多；503 暂时不可用（带 Retry-After）。" +
				"列表分页参数 page、per_page，返回 {\"items\":[…],\"total\":N}。每个应答带 X-Request-ID。",
			"license": map[string]any{"name": "Proprietary", "identifier": "LicenseRef-Proprietary"},
		},
		"servers": []any{map[string]any{"url": "http://127.0.0.1:8080", "description": "默认监听地址（FUYI_ADDR）；部署后为本单位的地址"}},
		"tags":    tagList,
		"paths":   paths,
		"components": map[string]any{
			"schemas":         schemas,
			"responses":       errorResponses(usedErrors(paths)),
			"securitySchemes": securitySchemes(),
		},
	}, nil
}

// usedErrors are the error statuses some operation answers (the document declares only those).
func usedErrors(paths map[string]map[string]any) map[int]bool {
	used := map[int]bool{}
	for _, methods := range paths {
		for _, o := range methods {
			for _, r := range o.(map[string]any)["responses"].(map[string]any) {
				if ref, ok := r.(map[string]any)["$ref"].(string); ok {
					used[statusOfName(strings.TrimPrefix(ref, "#/components/responses/"))] = true
				}
			}
		}
	}
	return used
}

func operationID(method, pattern string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, s := range strings.Split(strings.TrimPrefix(pattern, "/api/v1"), "/") {
		if s == "" {
			continue
		}
		if strings.HasPrefix(s, ":") {
			b.WriteString("By")
			s = s[1:]
		}
		for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '.' || r == '_' }) {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

func operation(op Op, route web.Route, in, out *reflector) (map[string]any, error) {
	o := map[string]any{
		"operationId": operationID(op.Method, op.Path),
		"summary":     op.Summary,
	}
	tag := op.Tag
	if tag == "" {
		tag = tagOf(op.Path)
	}
	o["tags"] = []string{tag}
	desc := op.Description
	staff := !route.Public || op.Login
	if staff {
		who := "已登录的工作人员"
		if len(route.Roles) > 0 {
			names := make([]string, len(route.Roles))
			roles := make([]string, len(route.Roles))
			for i, r := range route.Roles {
				names[i] = r.Label() + "（" + string(r) + "）"
				roles[i] = string(r)
			}
			who = strings.Join(names, "、")
			o["x-roles"] = roles
		}
		desc = strings.TrimSpace("可调用：" + who + "。" + desc)
		o["security"] = []any{map[string]any{"bearer": []any{}}, map[string]any{"session": []any{}}}
	} else {
		desc = strings.TrimSpace("无需登录。" + desc)
		o["security"] = []any{}
	}
	o["description"] = desc

	var params []any
	for _, name := range pathParams(op.Path) {
		params = append(params, map[string]any{"name": name, "in": "path", "required": true,
			"description": pathParamDescription(name), "schema": pathParamSchema(name)})
	}
	for _, p := range op.Params {
		params = append(params, param(p))
	}
	if op.Idempotent || route.Idempotent {
		params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header", "required": false,
			"description": "同一用户以同一键重发同一请求（如网络中断后重试）时得到第一次的应答（Idempotent-Replayed: true），不会重复办理；" +
				"同一键用于内容不同的请求答 409。被拒绝或失败的请求不占用该键。",
			"schema": Schema{"type": "string", "minLength": 1, "maxLength": 200}})
	}
	versioned := op.Body != nil && hasVersion(reflect.TypeOf(op.Body))
	if versioned {
		params = append(params, map[string]any{"name": "If-Match", "in": "header", "required": false,
			"description": "记录的 ETag（读取时应答头中的值，如 \"7\"），等同请求体中的 version：记录已被他人修改时答 412，不办理。不带则不检查。",
			"schema":      Schema{"type": "string"}})
	}
	if len(params) > 0 {
		o["parameters"] = params
	}

	hasBody := op.Body != nil
	if hasBody {
		rb, err := requestBody(op, in)
		if err != nil {
			return nil, err
		}
		o["requestBody"] = rb
	}

	status := op.Status
	if status == 0 {
		status = http.StatusOK
	}
	resp := map[string]any{}
	ok := map[string]any{"description": http.StatusText(status)}
	if op.Answer != nil {
		ok["content"] = content(op.Answer, op.Also, out)
	}
	headers := map[string]any{}
	if status == http.StatusCreated {
		headers["Location"] = map[string]any{"description": "新记录的地址", "schema": Schema{"type": "string"}}
	}
	if op.Answer != nil && hasVersion(reflect.TypeOf(op.Answer)) {
		headers["ETag"] = map[string]any{"description": "记录的版本（version），供 If-Match 与 If-None-Match 使用", "schema": Schema{"type": "string"}}
	}
	if len(headers) > 0 {
		ok["headers"] = headers
	}
	resp[fmt.Sprint(status)] = ok
	errs := map[int]bool{http.StatusServiceUnavailable: true}
	if hasBody || len(op.Params) > 0 || len(pathParams(op.Path)) > 0 {
		errs[http.StatusBadRequest] = true
		errs[http.StatusUnprocessableEntity] = true
	}
	if hasBody {
		errs[http.StatusRequestEntityTooLarge] = true
	}
	if staff {
		errs[http.StatusUnauthorized] = true
		if len(route.Roles) > 0 || op.Method != http.MethodGet {
			errs[http.StatusForbidden] = true
		}
	}
	if len(pathParams(op.Path)) > 0 {
		errs[http.StatusNotFound] = true
	}
	if op.Method != http.MethodGet {
		errs[http.StatusConflict] = true
	}
	if versioned {
		errs[http.StatusPreconditionFailed] = true
	}
	for _, s := range op.Errors {
		errs[s] = true
	}
	for s := range errs {
		resp[fmt.Sprint(s)] = map[string]any{"$ref": "#/components/responses/" + errorNames[s]}
	}
	for s, a := range op.Other {
		resp[fmt.Sprint(s)] = map[string]any{"description": http.StatusText(s), "content": content(a, nil, out)}
	}
	o["responses"] = resp
	return o, nil
}

// content is the content of an answer: JSON of a Go type (and further file types), or a File.
func content(a any, also File, out *reflector) map[string]any {
	c := map[string]any{}
	f, isFile := a.(File)
	if !isFile {
		c["application/json"] = map[string]any{"schema": out.schema(reflect.TypeOf(a))}
		f = also
	}
	for _, ct := range f {
		c[ct] = map[string]any{"schema": Schema{"type": "string", "contentMediaType": ct}}
	}
	return c
}

// hasVersion reports whether a struct type (or pointer to one) has a top-level JSON field "version".
func hasVersion(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return false
	}
	for i := 0; i < t.NumField(); i++ {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name == "version" {
			return true
		}
	}
	return false
}

func pathParamDescription(name string) string {
	switch name {
	case "id":
		return "记录编号"
	case "year":
		return "年份"
	case "period":
		return "统计期间 YYYY-MM（可带 .pdf、.xlsx、.csv 取得文件）"
	}
	return name
}

func pathParamSchema(name string) Schema {
	switch {
	case name == "year":
		return Schema{"type": "integer", "minimum": 2000, "maximum": 2100}
	case name == "period" || name == "type":
		return Schema{"type": "string"}
	case strings.HasSuffix(name, "id"):
		return Schema{"type": "integer", "format": "int64", "minimum": 1}
	}
	return Schema{"type": "string"}
}

func param(p Param) map[string]any {
	in := p.In
	if in == "" {
		in = "query"
	}
	var s Schema
	switch p.Type {
	case "integer":
		s = Schema{"type": "integer"}
	case "date":
		s = Schema{"type": "string", "format": "date"}
	case "boolean":
		s = Schema{"type": "boolean"}
	default:
		s = Schema{"type": "string"}
	}
	if p.Enum != nil {
		s = withEnum(s, enumOf(*p.Enum))
	}
	m := map[string]any{"name": p.Name, "in": in, "required": p.Required, "schema": s}
	if p.Description != "" {
		m["description"] = p.Description
	}
	return m
}

func enumOf(e apperr.Enum) enumRef {
	r := enumRef{labels: map[string]string{}, name: e.Name}
	for _, c := range e.Choices {
		r.codes = append(r.codes, c.Code)
		r.labels[c.Code] = c.Label
	}
	return r
}

func requestBody(op Op, in *reflector) (map[string]any, error) {
	if f, ok := op.Body.(Form); ok {
		props := Schema{}
		for k, d := range f.Fields {
			props[k] = Schema{"type": "string", "description": d}
		}
		var req []string
		for k, d := range f.Files {
			props[k] = Schema{"type": "string", "contentMediaType": "application/octet-stream", "description": d}
			req = append(req, k)
		}
		sort.Strings(req)
		return map[string]any{"required": true, "content": map[string]any{"multipart/form-data": map[string]any{
			"schema": Schema{"type": "object", "properties": props, "required": req}}}}, nil
	}
	s := in.schema(reflect.TypeOf(op.Body))
	for path, e := range op.Enums {
		if err := applyEnum(in.components, s, path, enumOf(e)); err != nil {
			return nil, err
		}
	}
	media := map[string]any{"schema": s}
	if op.Example != nil {
		media["example"] = op.Example
	}
	return map[string]any{"required": true, "content": map[string]any{"application/json": media}}, nil
}

// applyEnum finds the property at path ("applicants[].kind") in s, following references into components.
func applyEnum(components map[string]Schema, s Schema, path string, e enumRef) error {
	resolve := func(s Schema) Schema {
		for {
			ref, ok := s["$ref"].(string)
			if !ok {
				if any, ok := s["anyOf"].([]any); ok {
					s = any[0].(Schema)
					continue
				}
				return s
			}
			s = components[strings.TrimPrefix(ref, "#/components/schemas/")]
		}
	}
	parts := strings.Split(path, ".")
	cur := resolve(s)
	for i, p := range parts {
		name, arr := strings.CutSuffix(p, "[]")
		props, _ := cur["properties"].(Schema)
		f, ok := props[name].(Schema)
		if !ok {
			return fmt.Errorf("enumeration of %q: the body has no field %q", path, name)
		}
		if i == len(parts)-1 {
			props[name] = withEnum(f, e) // an array field: its items
			return nil
		}
		if arr {
			f, _ = f["items"].(Schema)
		}
		cur = resolve(f)
	}
	return nil
}
