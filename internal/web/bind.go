package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"

	"fuyi/internal/apperr"
	"fuyi/internal/date"
)

// BindJSON decodes the body into v (a pointer to a struct). Before decoding, the body is walked against
// v's type so that every refusal names the field by its path (e.g. applicants[0].name):
//
//   - a key the type does not have (keys match exactly, as documented) is 400 request.unknown_field — a
//     misspelt key must never be silently ignored;
//   - a value of the wrong JSON type is 400 request.type;
//   - a string that is not acceptable text (control or direction characters, see TextProblem) is 422;
//   - a number outside the range of its field is 422: Go int fields hold PostgreSQL integer columns
//     (int32), int64 fields bigint; a negative id (a key named id or ending in _id/_ids) is 422;
//   - a value its type parses itself (date.Date) and refuses, such as 2025-02-30, is 422;
//   - nesting deeper than 32 levels, or anything after the JSON value, is 400.
func BindJSON(c *fiber.Ctx, v any) error {
	if err := DecodeJSON(c.Body(), v); err != nil {
		return err
	}
	return ifMatch(c, v)
}

// DecodeJSON is BindJSON on a body already read.
func DecodeJSON(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return apperr.New(apperr.BadRequest, "request.empty", "请求内容为空，应为 JSON 对象")
	}
	w := &walker{dec: json.NewDecoder(bytes.NewReader(body))}
	w.dec.UseNumber()
	if err := w.value(reflect.TypeOf(v), "", 0); err != nil {
		return err
	}
	if _, err := w.dec.Token(); err != io.EOF {
		return apperr.New(apperr.BadRequest, "request.malformed", "请求格式错误：JSON 之后有多余内容")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		// the walk above has named every field problem it can see; this is a last guard
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return typeError(te.Field, jsonType(te.Type.Kind()))
		}
		if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			name, _ = strconv.Unquote(name)
			return unknownField(name, nil)
		}
		return apperr.New(apperr.BadRequest, "request.malformed", "请求格式错误：不是有效的 JSON")
	}
	return nil
}

// maxDepth bounds the nesting of a body: no request of the API nests deeper than a few levels.
const maxDepth = 32

var (
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	dateType        = reflect.TypeFor[date.Date]()
	rawMessageType  = reflect.TypeFor[json.RawMessage]()
)

type walker struct{ dec *json.Decoder }

func malformed() error {
	return apperr.New(apperr.BadRequest, "request.malformed", "请求格式错误：不是有效的 JSON")
}

// value reads one JSON value at path and checks it against t (nil: anything is accepted).
func (w *walker) value(t reflect.Type, path string, depth int) error {
	if depth > maxDepth {
		return apperr.New(apperr.BadRequest, "request.too_deep", "请求格式错误：JSON 嵌套层次过深")
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil && t.Kind() == reflect.Interface {
		t = nil
	}
	if t != nil && t != rawMessageType && reflect.PointerTo(t).Implements(unmarshalerType) {
		return w.custom(t, path)
	}
	tok, err := w.dec.Token()
	if err != nil {
		return malformed()
	}
	switch x := tok.(type) {
	case json.Delim:
		switch x {
		case '{':
			return w.object(t, path, depth)
		case '[':
			return w.array(t, path, depth)
		}
		return malformed()
	case string:
		if t != nil && t != rawMessageType && t.Kind() != reflect.String {
			return typeError(path, jsonType(t.Kind()))
		}
		if msg := TextProblem(path, x); msg != "" {
			return fieldInvalid("request.characters", path, msg)
		}
	case json.Number:
		return number(t, path, x)
	case bool:
		if t != nil && t != rawMessageType && t.Kind() != reflect.Bool {
			return typeError(path, jsonType(t.Kind()))
		}
	case nil:
	}
	return nil
}

// custom hands the raw value to the type's own UnmarshalJSON (date.Date) and names the field it refuses.
func (w *walker) custom(t reflect.Type, path string) error {
	var raw json.RawMessage
	if err := w.dec.Decode(&raw); err != nil {
		return malformed()
	}
	if err := reflect.New(t).Interface().(json.Unmarshaler).UnmarshalJSON(raw); err != nil {
		if t == dateType {
			return fieldInvalid("request.date", path, "不是有效的日期（应为 YYYY-MM-DD 格式的真实日期，如 2025-02-28）")
		}
		return fieldInvalid("request.format", path, "格式不正确")
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if msg := TextProblem(path, s); msg != "" {
			return fieldInvalid("request.characters", path, msg)
		}
	}
	return nil
}

func (w *walker) object(t reflect.Type, path string, depth int) error {
	var fields map[string]reflect.Type
	var elem reflect.Type
	switch {
	case t == nil || t == rawMessageType:
		t = nil
	case t.Kind() == reflect.Struct:
		fields = jsonFields(t)
	case t.Kind() == reflect.Map && t.Key().Kind() == reflect.String:
		elem = t.Elem()
	default:
		return typeError(path, jsonType(t.Kind()))
	}
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return malformed()
		}
		key, ok := tok.(string)
		if !ok {
			return malformed()
		}
		sub := key
		if path != "" {
			sub = path + "." + key
		}
		if msg := textProblem(key, false, false); msg != "" {
			return apperr.New(apperr.BadRequest, "request.unknown_field", "请求中有无效的字段名")
		}
		ft := elem
		if fields != nil {
			var known bool
			if ft, known = fields[key]; !known {
				return unknownField(sub, fields)
			}
		}
		if err := w.value(ft, sub, depth+1); err != nil {
			return err
		}
	}
	if _, err := w.dec.Token(); err != nil {
		return malformed()
	}
	return nil
}

func (w *walker) array(t reflect.Type, path string, depth int) error {
	var elem reflect.Type
	if t != nil && t != rawMessageType {
		if t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
			return typeError(path, jsonType(t.Kind()))
		}
		elem = t.Elem()
	}
	for i := 0; w.dec.More(); i++ {
		if err := w.value(elem, fmt.Sprintf("%s[%d]", path, i), depth+1); err != nil {
			return err
		}
	}
	if _, err := w.dec.Token(); err != nil {
		return malformed()
	}
	return nil
}

// number checks a JSON number against the range of its field.
func number(t reflect.Type, path string, n json.Number) error {
	if t == nil || t == rawMessageType {
		return nil
	}
	var lo, hi int64
	switch t.Kind() {
	case reflect.Float32, reflect.Float64:
		if f, err := n.Float64(); err != nil || math.IsInf(f, 0) {
			return fieldInvalid("request.range", path, "数值超出范围")
		}
		return nil
	case reflect.Int, reflect.Int32:
		// int fields hold PostgreSQL integer columns (ids of windows, agencies, rooms; versions; days)
		lo, hi = math.MinInt32, math.MaxInt32
	case reflect.Int64:
		lo, hi = math.MinInt64, math.MaxInt64
	case reflect.Int16:
		lo, hi = math.MinInt16, math.MaxInt16
	case reflect.Int8:
		lo, hi = math.MinInt8, math.MaxInt8
	case reflect.Uint, reflect.Uint64, reflect.Uint32, reflect.Uint16, reflect.Uint8:
		lo, hi = 0, math.MaxInt32
	default:
		return typeError(path, jsonType(t.Kind()))
	}
	s := n.String()
	if strings.ContainsAny(s, ".eE") {
		return typeError(path, "整数")
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < lo || v > hi {
		return fieldInvalid("request.range", path, fmt.Sprintf("数值超出范围（应在 %d 到 %d 之间）", lo, hi))
	}
	if v < 0 && isIDKey(path) {
		return fieldInvalid("request.range", path, "编号不能为负数")
	}
	return nil
}

// isIDKey: "id", "case_id", "officer_ids[0]".
func isIDKey(key string) bool {
	last := lastSegment(key)
	return last == "id" || strings.HasSuffix(last, "_id") || strings.HasSuffix(last, "_ids")
}

var fieldCache sync.Map // reflect.Type → map[string]reflect.Type

// jsonFields lists the JSON keys of a struct (embedded structs' keys promoted, as encoding/json does).
func jsonFields(t reflect.Type) map[string]reflect.Type {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := map[string]reflect.Type{}
	var add func(t reflect.Type)
	add = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
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
			if _, dup := m[name]; !dup {
				m[name] = f.Type
			}
		}
	}
	add(t)
	fieldCache.Store(t, m)
	return m
}

func fieldInvalid(code, path, msg string) error {
	if path == "" {
		return apperr.Newf(apperr.Invalid, code, "请求内容%s", msg)
	}
	e := apperr.Newf(apperr.Invalid, code, "字段 %s %s", path, msg)
	e.Fields = map[string]string{path: msg}
	return e
}

func typeError(path, want string) error {
	if path == "" {
		return apperr.Newf(apperr.BadRequest, "request.type", "请求内容的类型不正确（应为%s）", want)
	}
	e := apperr.Newf(apperr.BadRequest, "request.type", "字段 %s 的类型不正确（应为%s）", path, want)
	e.Fields = map[string]string{path: "类型不正确"}
	return e
}

func unknownField(path string, known map[string]reflect.Type) error {
	msg := fmt.Sprintf("请求中有未知字段 %s，请检查拼写", path)
	if len(known) > 0 {
		names := make([]string, 0, len(known))
		for k := range known {
			names = append(names, k)
		}
		sort.Strings(names)
		msg += "；此处可用的字段：" + strings.Join(names, "、")
	}
	e := apperr.New(apperr.BadRequest, "request.unknown_field", msg)
	e.Fields = map[string]string{path: "未知字段"}
	return e
}

func jsonType(kind reflect.Kind) string {
	switch kind {
	case reflect.String:
		return "字符串"
	case reflect.Bool:
		return "true 或 false"
	case reflect.Slice, reflect.Array:
		return "数组"
	case reflect.Struct, reflect.Map:
		return "对象"
	}
	return "数字"
}
