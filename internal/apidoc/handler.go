package apidoc

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"html/template"
	"sort"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"

	"fuyi/internal/web"
)

// Handler serves the document (GET /api/v1/openapi.json) and its reading page (GET /api/docs). The
// document is built on the first request, when every feature has registered its routes.
type Handler struct {
	Router *web.Router
	Sets   [][]Op

	once sync.Once
	doc  Document
	json []byte
	html []byte
	err  error
}

// Ops are the operations of the document itself.
var Ops = []Op{
	{Method: fiber.MethodGet, Path: "/api/v1/openapi.json", Summary: "本接口文档（OpenAPI 3.1）",
		Description: "可读版本见 /api/docs（无需联网）。", Answer: Document{}},
}

// Routes registers the two addresses.
func (h *Handler) Routes(r *web.Router) {
	r.Public(fiber.MethodGet, "/api/v1/openapi.json", h.document)
	r.Public(fiber.MethodGet, "/api/docs", h.page)
}

// Document builds (once) and returns the document.
func (h *Handler) Document() (Document, error) {
	h.once.Do(func() {
		h.doc, h.err = Build(h.Router.Routes, append([][]Op{Ops}, h.Sets...)...)
		if h.err != nil {
			return
		}
		if h.json, h.err = json.MarshalIndent(h.doc, "", "  "); h.err != nil {
			return
		}
		var b bytes.Buffer
		if h.err = pageTemplate.Execute(&b, pageData(h.doc)); h.err == nil {
			h.html = b.Bytes()
		}
	})
	return h.doc, h.err
}

func (h *Handler) document(c *fiber.Ctx) error {
	if _, err := h.Document(); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.Send(h.json)
}

func (h *Handler) page(c *fiber.Ctx) error {
	if _, err := h.Document(); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.Send(h.html)
}

//go:embed page.html
var pageSource string

var pageTemplate = template.Must(template.New("page").Parse(pageSource))

type pageOp struct {
	Method, Path, ID, Summary, Description string
	Params                                 []pageField
	Body                                   []pageField
	BodyType                               string
	Example                                string
	Responses                              []pageResponse
}

type pageField struct {
	Name, Type, Description string
	Required                bool
	Enum                    []pageEnum
	Depth                   int
}

type pageEnum struct{ Code, Label string }

type pageResponse struct{ Status, Description, Type string }

type pageTag struct {
	Name, Description string
	Ops               []pageOp
}

type pageComponent struct {
	Name   string
	Fields []pageField
}

type page struct {
	Title, Description string
	Tags               []pageTag
	Components         []pageComponent
}

var methodOrder = map[string]int{"get": 0, "post": 1, "put": 2, "patch": 3, "delete": 4}

// pageData arranges the document for the page: operations by tag, each body as a table of its fields.
func pageData(d Document) page {
	info := d["info"].(map[string]any)
	p := page{Title: info["title"].(string), Description: info["description"].(string)}
	byTag := map[string]*pageTag{}
	for _, t := range d["tags"].([]any) {
		tm := t.(map[string]any)
		p.Tags = append(p.Tags, pageTag{Name: tm["name"].(string), Description: tm["description"].(string)})
	}
	for i := range p.Tags {
		byTag[p.Tags[i].Name] = &p.Tags[i]
	}
	paths := d["paths"].(map[string]map[string]any)
	keys := make([]string, 0, len(paths))
	for k := range paths {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, path := range keys {
		methods := make([]string, 0, len(paths[path]))
		for m := range paths[path] {
			methods = append(methods, m)
		}
		sort.Slice(methods, func(i, j int) bool { return methodOrder[methods[i]] < methodOrder[methods[j]] })
		for _, m := range methods {
			o := paths[path][m].(map[string]any)
			po := pageOp{Method: strings.ToUpper(m), Path: path, ID: o["operationId"].(string), Summary: o["summary"].(string),
				Description: o["description"].(string)}
			if ps, ok := o["parameters"].([]any); ok {
				for _, x := range ps {
					pm := x.(map[string]any)
					f := field(pm["name"].(string)+"（"+pm["in"].(string)+"）", pm["schema"].(Schema), 0)
					f.Required, _ = pm["required"].(bool)
					if s, ok := pm["description"].(string); ok && f.Description == "" {
						f.Description = s
					}
					po.Params = append(po.Params, f)
				}
			}
			if rb, ok := o["requestBody"].(map[string]any); ok {
				for ct, media := range rb["content"].(map[string]any) {
					mm := media.(map[string]any)
					s := mm["schema"].(Schema)
					po.BodyType = ct + " " + typeName(s)
					po.Body = fields(s, 0)
					if ex, ok := mm["example"]; ok {
						b, _ := json.MarshalIndent(ex, "", "  ")
						po.Example = string(b)
					}
				}
			}
			rs := o["responses"].(map[string]any)
			codes := make([]string, 0, len(rs))
			for c := range rs {
				codes = append(codes, c)
			}
			sort.Strings(codes)
			for _, c := range codes {
				r := rs[c].(map[string]any)
				pr := pageResponse{Status: c}
				if ref, ok := r["$ref"].(string); ok {
					name := strings.TrimPrefix(ref, "#/components/responses/")
					pr.Description = errorDescriptions[statusOfName(name)]
					pr.Type = "Error"
				} else {
					pr.Description, _ = r["description"].(string)
					if content, ok := r["content"].(map[string]any); ok {
						var ts []string
						for ct, media := range content {
							ts = append(ts, ct+" "+typeName(media.(map[string]any)["schema"].(Schema)))
						}
						sort.Strings(ts)
						pr.Type = strings.Join(ts, "；")
					}
				}
				po.Responses = append(po.Responses, pr)
			}
			tag := o["tags"].([]string)[0]
			if t := byTag[tag]; t != nil {
				t.Ops = append(t.Ops, po)
			}
		}
	}
	schemas := d["components"].(map[string]any)["schemas"].(map[string]Schema)
	names := make([]string, 0, len(schemas))
	for n := range schemas {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p.Components = append(p.Components, pageComponent{Name: n, Fields: fields(schemas[n], 0)})
	}
	return p
}

func statusOfName(name string) int {
	for s, n := range errorNames {
		if n == name {
			return s
		}
	}
	return 0
}

// typeName is a short reading of a schema's type: "cases.View", "array of cases.ListItem", "string (date)".
func typeName(s Schema) string {
	if ref, ok := s["$ref"].(string); ok {
		return ref[strings.LastIndex(ref, "/")+1:]
	}
	if any, ok := s["anyOf"].([]any); ok {
		return typeName(any[0].(Schema)) + " 或 null"
	}
	var t string
	switch x := s["type"].(type) {
	case string:
		t = x
	case []any:
		parts := make([]string, len(x))
		for i, p := range x {
			parts[i], _ = p.(string)
		}
		t = strings.Join(parts, " 或 ")
	default:
		if ct, ok := s["contentMediaType"].(string); ok {
			return ct
		}
		return "任意 JSON"
	}
	if items, ok := s["items"].(Schema); ok {
		t = strings.Replace(t, "array", "array of "+typeName(items), 1)
	}
	if f, ok := s["format"].(string); ok {
		t += "（" + f + "）"
	}
	return t
}

// fields lists an object's properties (nested inline objects indented), with their enumerations.
func fields(s Schema, depth int) []pageField {
	props, ok := s["properties"].(Schema)
	if !ok {
		if items, ok := s["items"].(Schema); ok {
			return fields(items, depth)
		}
		return nil
	}
	req := map[string]bool{}
	if r, ok := s["required"].([]string); ok {
		for _, n := range r {
			req[n] = true
		}
	}
	names := make([]string, 0, len(props))
	for n := range props {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []pageField
	for _, n := range names {
		ps := props[n].(Schema)
		f := field(n, ps, depth)
		f.Required = req[n]
		out = append(out, f)
		if _, ok := ps["properties"]; ok && depth < 4 {
			out = append(out, fields(ps, depth+1)...)
		} else if items, ok := ps["items"].(Schema); ok && depth < 4 {
			if _, ok := items["properties"]; ok {
				out = append(out, fields(items, depth+1)...)
			}
		}
	}
	return out
}

func field(name string, s Schema, depth int) pageField {
	f := pageField{Name: name, Type: typeName(s), Depth: depth}
	es := s
	if items, ok := s["items"].(Schema); ok {
		es = items
	}
	if labels, ok := es["x-enumDescriptions"].(map[string]string); ok {
		for _, c := range es["enum"].([]any) {
			if code, ok := c.(string); ok {
				f.Enum = append(f.Enum, pageEnum{Code: code, Label: labels[code]})
			}
		}
		f.Description, _ = es["description"].(string)
		if i := strings.Index(f.Description, "："); i >= 0 {
			f.Description = f.Description[:i]
		}
	} else {
		f.Description, _ = s["description"].(string)
	}
	return f
}
