package apidoc

import (
	"encoding"
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"time"

	"fuyi/internal/date"
)

// Schema is one JSON Schema (draft 2020-12, as OpenAPI 3.1 uses it).
type Schema = map[string]any

var (
	dateType      = reflect.TypeFor[date.Date]()
	timeType      = reflect.TypeFor[time.Time]()
	rawType       = reflect.TypeFor[json.RawMessage]()
	numberType    = reflect.TypeFor[json.Number]()
	marshalerType = reflect.TypeFor[json.Marshaler]()
	textType      = reflect.TypeFor[encoding.TextMarshaler]()
)

// reflector turns Go types into schemas the way encoding/json writes and reads them. Named struct types
// become components (shared by reference); anonymous and generic ones are written in place. Answers
// (out) list every field without omitempty as required; requests (in) require none — the handler's
// checks answer 422 naming what is missing. Both refuse unknown properties, as the server does.
type reflector struct {
	components map[string]Schema
	names      map[reflect.Type]string // type → component name, per direction
	in         bool
}

type enumRef struct {
	codes  []any
	labels map[string]string
	name   string
}

func newReflector(components map[string]Schema, in bool) *reflector {
	return &reflector{components: components, names: map[reflect.Type]string{}, in: in}
}

// componentName: "cases.View"; a request type that is also an answer gets "Input" added.
func componentName(t reflect.Type, in bool) string {
	pkg := t.PkgPath()
	if i := strings.LastIndex(pkg, "/"); i >= 0 {
		pkg = pkg[i+1:]
	}
	name := pkg + "." + t.Name()
	if in {
		name += ".in"
	}
	return name
}

func nullable(s Schema) Schema {
	if ref, ok := s["$ref"]; ok {
		return Schema{"anyOf": []any{Schema{"$ref": ref}, Schema{"type": "null"}}}
	}
	switch t := s["type"].(type) {
	case string:
		s["type"] = []any{t, "null"}
	case nil:
		// any value, null included
	}
	return s
}

func (r *reflector) schema(t reflect.Type) Schema {
	if t == nil {
		return Schema{}
	}
	if t.Kind() == reflect.Pointer {
		if t.Elem() == dateType {
			return r.schema(t.Elem())
		}
		return nullable(r.schema(t.Elem()))
	}
	switch t {
	case dateType:
		return Schema{"type": []any{"string", "null"}, "format": "date"}
	case timeType:
		return Schema{"type": "string", "format": "date-time"}
	case rawType:
		return Schema{}
	case numberType:
		return Schema{"type": "number"}
	}
	if t.Implements(marshalerType) || reflect.PointerTo(t).Implements(marshalerType) {
		return Schema{}
	}
	if t.Kind() != reflect.String && (t.Implements(textType) || reflect.PointerTo(t).Implements(textType)) {
		return Schema{"type": "string"}
	}
	switch t.Kind() {
	case reflect.Bool:
		return Schema{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		s := Schema{"type": "integer"}
		if t.Kind() == reflect.Int64 {
			s["format"] = "int64"
		}
		return s
	case reflect.Float32, reflect.Float64:
		return Schema{"type": "number"}
	case reflect.String:
		return Schema{"type": "string"}
	case reflect.Interface:
		return Schema{}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return Schema{"type": []any{"string", "null"}, "contentEncoding": "base64"}
		}
		return Schema{"type": []any{"array", "null"}, "items": r.schema(t.Elem())}
	case reflect.Array:
		return Schema{"type": "array", "items": r.schema(t.Elem()), "minItems": t.Len(), "maxItems": t.Len()}
	case reflect.Map:
		return Schema{"type": []any{"object", "null"}, "additionalProperties": r.schema(t.Elem())}
	case reflect.Struct:
		if t.Name() == "" || strings.Contains(t.Name(), "[") {
			return r.object(t)
		}
		name, ok := r.names[t]
		if !ok {
			name = componentName(t, r.in)
			r.names[t] = name
			r.components[name] = Schema{} // placeholder against recursion
			r.components[name] = r.object(t)
		}
		return Schema{"$ref": "#/components/schemas/" + name}
	}
	return Schema{}
}

// object is a struct's schema: its JSON fields, embedded structs promoted as encoding/json does.
func (r *reflector) object(t reflect.Type) Schema {
	props := Schema{}
	var required []string
	var add func(t reflect.Type)
	add = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := f.Type
			if f.Anonymous && name == "" {
				for ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					add(ft)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if _, dup := props[name]; dup {
				continue
			}
			var s Schema
			if strings.Contains(opts, "string") && isScalar(ft) {
				s = Schema{"type": "string"}
			} else {
				s = r.schema(ft)
			}
			props[name] = s
			if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") {
				required = append(required, name)
			}
		}
	}
	add(t)
	s := Schema{"type": "object", "properties": props, "additionalProperties": false}
	if !r.in && len(required) > 0 {
		sort.Strings(required)
		s["required"] = required
	}
	return s
}

func isScalar(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Float32, reflect.Float64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.String:
		return true
	}
	return false
}

// withEnum restricts a string (or the strings of an array) to the codes of an enumeration and gives
// their Chinese labels (x-enumDescriptions, shown by the documentation page and by Redoc).
func withEnum(s Schema, e enumRef) Schema {
	if items, ok := s["items"].(Schema); ok {
		s["items"] = withEnum(items, e)
		return s
	}
	codes := e.codes
	if ts, ok := s["type"].([]any); ok && len(ts) == 2 && ts[1] == "null" {
		codes = append(append([]any{}, codes...), nil)
	}
	s["enum"] = codes
	s["x-enumDescriptions"] = e.labels
	var b strings.Builder
	b.WriteString(e.name)
	b.WriteString("：")
	for i, c := range e.codes {
		if i > 0 {
			b.WriteString("；")
		}
		b.WriteString(c.(string) + " " + e.labels[c.(string)])
	}
	s["description"] = b.String()
	return s
}
