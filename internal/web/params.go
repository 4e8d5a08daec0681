package web

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fuyi/internal/apperr"
	"fuyi/internal/date"
)

// Typed readers of path parameters, query strings and form fields. Every refusal is a 4xx naming the
// field; none lets a value reach the database that it cannot hold (ids of integer columns overflow at
// 2^31, of bigint columns at 2^63).

// MaxInt32 is the largest value of a PostgreSQL integer column.
const MaxInt32 = math.MaxInt32

// Paging of list endpoints.
type Paging struct {
	Page, PerPage int
}

func (p Paging) Offset() int { return (p.Page - 1) * p.PerPage }

// PageParams reads ?page=&per_page= (defaults 1 and 20, at most 200).
func PageParams(c *fiber.Ctx) (Paging, error) {
	p := Paging{Page: 1, PerPage: 20}
	if s := c.Query("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1000000 {
			return p, badQuery("page", "页码须为1–1000000之间的整数")
		}
		p.Page = n
	}
	if s := c.Query("per_page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 200 {
			return p, badQuery("per_page", "每页条数须为1–200之间的整数")
		}
		p.PerPage = n
	}
	return p, nil
}

func badQuery(field, msg string) error {
	e := apperr.New(apperr.BadRequest, "request.query", fmt.Sprintf("查询参数 %s 无效：%s", field, msg))
	e.Fields = map[string]string{field: msg}
	return e
}

// ParamID reads a positive integer path parameter; anything else (not a number, zero, negative, beyond
// bigint) is notFound: no record has such an id.
func ParamID(c *fiber.Ctx, name string, notFound error) (int64, error) {
	n, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, notFound
	}
	return n, nil
}

// ParamInt reads an integer path parameter within [min, max]; anything else is notFound.
func ParamInt(c *fiber.Ctx, name string, min, max int, notFound error) (int, error) {
	n, err := strconv.Atoi(c.Params(name))
	if err != nil || n < min || n > max {
		return 0, notFound
	}
	return n, nil
}

// QueryInt reads ?key= as an integer within [min, max] (0 and no error when absent or empty).
func QueryInt(c *fiber.Ctx, key string, min, max int) (int, error) {
	s := strings.TrimSpace(c.Query(key))
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > max {
		return 0, badQuery(key, fmt.Sprintf("须为%d–%d之间的整数", min, max))
	}
	return n, nil
}

// QueryID reads ?key= as the id of an integer-keyed record (0 when absent).
func QueryID(c *fiber.Ctx, key string) (int, error) { return QueryInt(c, key, 1, MaxInt32) }

// QueryDate reads ?key= as YYYY-MM-DD (def when absent); an impossible date such as 2025-02-30 is 422
// naming the parameter.
func QueryDate(c *fiber.Ctx, key string, def date.Date) (date.Date, error) {
	s := strings.TrimSpace(c.Query(key))
	if s == "" {
		return def, nil
	}
	d, err := date.Parse(s)
	if err != nil {
		return d, dateError("查询参数 "+key, key, s)
	}
	return d, nil
}

// QueryEnum reads ?key= as one of the codes of e ("" when absent); another value is 422 listing the codes.
func QueryEnum(c *fiber.Ctx, key string, e apperr.Enum) (string, error) {
	s := strings.TrimSpace(c.Query(key))
	if s == "" {
		return "", nil
	}
	if err := e.Check(key, s); err != nil {
		return "", err
	}
	return s, nil
}

func dateError(what, field, s string) error {
	msg := "不是有效的日期（应为 YYYY-MM-DD 格式的真实日期，如 2025-02-28）"
	e := apperr.Newf(apperr.Invalid, "request.date", "%s %s", what, msg)
	e.Fields = map[string]string{field: msg}
	return e
}

// Form reads the fields of a posted form, collecting a message for each field it cannot read:
//
//	f := web.Form(c)
//	in.Version, in.Days = f.Int("version"), f.Int("days")
//	if err := f.Err(); err != nil { … }
type FormReader struct {
	c      *fiber.Ctx
	fields apperr.Fields
}

// Form starts reading the form of c.
func Form(c *fiber.Ctx) *FormReader { return &FormReader{c: c, fields: apperr.Fields{}} }

// Int reads an integer field that fits a PostgreSQL integer column (0 when empty).
func (f *FormReader) Int(key string) int {
	s := strings.TrimSpace(f.c.FormValue(key))
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < math.MinInt32 || n > MaxInt32 {
		f.fields.Add(key, "%s 须为整数（绝对值不超过%d）", key, MaxInt32)
		return 0
	}
	return n
}

// ID reads the id of a record (positive; 0 when empty); int32 ids are checked against MaxInt32 by Int32ID.
func (f *FormReader) ID(key string) int64 {
	s := strings.TrimSpace(f.c.FormValue(key))
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		f.fields.Add(key, "%s 须为正整数编号", key)
		return 0
	}
	return n
}

// Int32ID reads the id of a record of an integer-keyed table (windows, agencies, rooms; 0 when empty).
func (f *FormReader) Int32ID(key string) int {
	s := strings.TrimSpace(f.c.FormValue(key))
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 || n > MaxInt32 {
		f.fields.Add(key, "%s 须为正整数编号", key)
		return 0
	}
	return n
}

// IDs reads every value of a repeated id field (e.g. checkboxes officer_ids).
func (f *FormReader) IDs(key string) []int64 {
	var out []int64
	for _, v := range f.c.Request().PostArgs().PeekMulti(key) {
		n, err := strconv.ParseInt(strings.TrimSpace(string(v)), 10, 64)
		if err != nil || n <= 0 {
			f.fields.Add(key, "%s 须为正整数编号", key)
			continue
		}
		out = append(out, n)
	}
	return out
}

// Err is nil when every field read so far was readable, else a 422 naming them.
func (f *FormReader) Err() error { return f.fields.Err() }

// List is the JSON shape of a paged list.
type List[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}
