package web

import (
	"bytes"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"fuyi/internal/apperr"
)

// CheckInput refuses, before routing and before anyone is looked up, a request whose path, query string,
// headers or body is not acceptable text (see TextProblem): invalid UTF-8 answers 400, control and
// direction characters answer 422, each naming the field. JSON strings are checked by BindJSON, which
// knows the field paths; every other body must at least be valid UTF-8.
func CheckInput(c *fiber.Ctx) error {
	if err := checkPath(c); err != nil {
		return err
	}
	if err := checkArgs("查询参数", c.Request().URI().QueryArgs().VisitAll, false); err != nil {
		return err
	}
	if err := checkHeaders(c); err != nil {
		return err
	}
	if err := checkBody(c); err != nil {
		return err
	}
	return c.Next()
}

// checkPath decodes the path's percent escapes: a bad escape, invalid UTF-8 or a control character is 400.
func checkPath(c *fiber.Ctx) error {
	raw := string(c.Request().URI().PathOriginal())
	if i := strings.IndexByte(raw, '?'); i >= 0 {
		raw = raw[:i]
	}
	p, err := url.PathUnescape(raw)
	if err == nil {
		if msg := textProblem(p, false, false); msg != "" {
			err = fmt.Errorf("web: path: %s", msg)
		}
	}
	if err != nil {
		e := apperr.New(apperr.BadRequest, "request.path", "请求地址（路径）含有无效字符")
		e.Fields = map[string]string{"path": "含有无效字符"}
		return e
	}
	return nil
}

// checkArgs checks key=value pairs (query string or form body) and names every bad field.
func checkArgs(what string, visit func(func(k, v []byte)), body bool) error {
	var badUTF8 bool
	fields := map[string]string{}
	visit(func(k, v []byte) {
		key := string(k)
		if !utf8.Valid(k) {
			key = strings.ToValidUTF8(key, "�")
			fields[key] = "字段名不是有效的 UTF-8 文字"
			badUTF8 = true
			return
		}
		if msg := textProblem(key, false, false); msg != "" {
			fields[strings.Map(printable, key)] = "字段名" + msg
			return
		}
		if !utf8.Valid(v) {
			badUTF8 = true
		}
		multiline := body && isMultiline(key)
		if msg := textProblem(string(v), multiline, body && isName(key)); msg != "" {
			fields[key] = msg
		}
	})
	if len(fields) == 0 {
		return nil
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	msg := fmt.Sprintf("%s %s %s", what, keys[0], fields[keys[0]])
	if len(keys) > 1 {
		msg += fmt.Sprintf("（另有%d处）", len(keys)-1)
	}
	kind, code := apperr.Invalid, "request.characters"
	if badUTF8 || !body {
		// a query string is part of the address: a bad one is a malformed request
		kind, code = apperr.BadRequest, "request.encoding"
	}
	return &apperr.Error{Kind: kind, Code: code, Message: msg, Fields: fields}
}

// printable replaces control characters in a field name before it is shown back.
func printable(r rune) rune {
	if r < 0x20 || r == 0x7f {
		return '?'
	}
	return r
}

// checkHeaders: header values are text without control characters (a tab is allowed, as HTTP allows it).
func checkHeaders(c *fiber.Ctx) error {
	var bad string
	c.Request().Header.VisitAll(func(k, v []byte) {
		if bad != "" {
			return
		}
		if msg := textProblem(string(bytes.ReplaceAll(v, []byte{'\t'}, []byte{' '})), false, false); msg != "" {
			bad = strings.Map(printable, strings.ToValidUTF8(string(k), "?"))
		}
	})
	if bad == "" {
		return nil
	}
	e := apperr.Newf(apperr.BadRequest, "request.header", "请求头 %s 含有无效字符", bad)
	e.Fields = map[string]string{bad: "含有无效字符"}
	return e
}

// checkBody checks form fields by name; any other body must be valid UTF-8.
func checkBody(c *fiber.Ctx) error {
	ct := strings.ToLower(string(c.Request().Header.ContentType()))
	switch {
	case strings.HasPrefix(ct, fiber.MIMEApplicationForm):
		return checkArgs("字段", c.Request().PostArgs().VisitAll, true)
	case strings.HasPrefix(ct, fiber.MIMEMultipartForm) && strings.HasSuffix(c.Path(), "/files"):
		// the upload routes of the case file stream the form and check its text fields themselves
		// (casefile.Service.Upload): parsing it here would hold the whole file in memory first
		return nil
	case strings.HasPrefix(ct, fiber.MIMEMultipartForm):
		form, err := c.MultipartForm()
		if err != nil {
			return apperr.New(apperr.BadRequest, "request.malformed", "请求格式错误：表单内容无法解析")
		}
		return checkArgs("字段", func(f func(k, v []byte)) {
			for k, vs := range form.Value {
				for _, v := range vs {
					f([]byte(k), []byte(v))
				}
			}
		}, true)
	}
	if b := c.Body(); len(b) > 0 && !utf8.Valid(b) {
		return apperr.New(apperr.BadRequest, "request.encoding", "请求内容不是有效的 UTF-8 文字，请以 UTF-8 编码提交")
	}
	return nil
}
