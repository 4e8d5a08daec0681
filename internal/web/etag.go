package web

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fuyi/internal/apperr"
)

// Records carry a version (cases, lawsuits, hearings, …): every change adds one. Over HTTP the version is
// the record's entity tag:
//
//   - an answer of the API that is a versioned record (a JSON object with a top-level "version") carries
//     ETag: "<version>"; a GET whose If-None-Match names it answers 304 Not Modified;
//   - If-Match: "<version>" on a request whose body has a "version" field is that field: the action runs only
//     on that version of the record and otherwise answers 412 Precondition Failed (a "version" in the body
//     answers 409 stale_version, as before). Neither is required: without both, nothing is checked.
//   - If-Match on a request whose body has no version (nothing to compare) answers 400; If-Match: * is
//     always true.

// ErrPreconditionFailed answers an If-Match that names another version than the record's.
var ErrPreconditionFailed = apperr.New(apperr.Precondition, "precondition_failed",
	"该记录已被他人修改（If-Match 与当前版本不符），请重新读取后再操作")

const ifMatchKey = "if_match"

// ETag sets the entity tag of versioned records in 2xx JSON answers of the API and answers 304 to a GET
// whose If-None-Match names the current one.
func ETag(c *fiber.Ctx) error {
	if err := c.Next(); err != nil || !IsAPI(c) {
		return err
	}
	status := c.Response().StatusCode()
	if status < 200 || status > 299 || !bytes.HasPrefix(c.Response().Header.ContentType(), []byte(fiber.MIMEApplicationJSON)) {
		return nil
	}
	body := c.Response().Body()
	if len(body) == 0 || body[0] != '{' {
		return nil
	}
	var rec struct {
		Version *int64 `json:"version"`
	}
	if json.Unmarshal(body, &rec) != nil || rec.Version == nil {
		return nil
	}
	tag := `"` + strconv.FormatInt(*rec.Version, 10) + `"`
	c.Set(fiber.HeaderETag, tag)
	if (c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead) && etagListed(c.Get(fiber.HeaderIfNoneMatch), tag) {
		c.Status(fiber.StatusNotModified)
		c.Response().ResetBody()
	}
	return nil
}

// etagListed reports whether a If-None-Match list names tag (weak comparison; * names any).
func etagListed(list, tag string) bool {
	for _, t := range strings.Split(list, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == tag || t == "*" {
			return true
		}
	}
	return false
}

// ifMatch puts the version named by If-Match into the "version" field of a bound body.
func ifMatch(c *fiber.Ctx, v any) error {
	h := strings.TrimSpace(c.Get(fiber.HeaderIfMatch))
	if h == "" || h == "*" {
		return nil
	}
	bad := func(msg string) error {
		e := apperr.New(apperr.BadRequest, "request.if_match", msg)
		e.Fields = map[string]string{"If-Match": msg}
		return e
	}
	n, err := strconv.ParseInt(strings.Trim(strings.TrimPrefix(h, "W/"), `"`), 10, 32)
	if err != nil || n <= 0 || strings.Contains(h, ",") {
		return bad(`If-Match 应为记录的一个 ETag，如 "7"（读取记录时应答头中的 ETag）`)
	}
	f := versionField(v)
	if !f.IsValid() {
		return bad("此操作的记录没有版本，不能使用 If-Match")
	}
	if f.Int() != 0 && f.Int() != n {
		return bad("If-Match 与请求体中的 version 不一致")
	}
	f.SetInt(n)
	c.Locals(ifMatchKey, n)
	return nil
}

// versionField is the settable integer field of v tagged json:"version" (invalid when it has none).
func versionField(v any) reflect.Value {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return reflect.Value{}
	}
	rv = rv.Elem()
	for i := 0; i < rv.NumField(); i++ {
		f := rv.Type().Field(i)
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name == "version" && f.IsExported() {
			switch f.Type.Kind() {
			case reflect.Int, reflect.Int32, reflect.Int64:
				return rv.Field(i)
			}
		}
	}
	return reflect.Value{}
}
