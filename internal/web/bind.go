package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"fuyi/internal/apperr"
)

// BindJSON decodes the body into v. Malformed JSON and wrong types are 400 with a message naming the field.
func BindJSON(c *fiber.Ctx, v any) error {
	body := c.Body()
	if len(bytes.TrimSpace(body)) == 0 {
		return apperr.New(apperr.BadRequest, "request.empty", "请求内容为空，应为 JSON 对象")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			e := apperr.Newf(apperr.BadRequest, "request.type", "字段 %s 的类型不正确（应为%s）", te.Field, jsonType(te.Type.Kind().String()))
			e.Fields = map[string]string{te.Field: "类型不正确"}
			return e
		}
		return apperr.New(apperr.BadRequest, "request.malformed", "请求格式错误：不是有效的 JSON")
	}
	if dec.More() {
		return apperr.New(apperr.BadRequest, "request.malformed", "请求格式错误：JSON 之后有多余内容")
	}
	return nil
}

func jsonType(kind string) string {
	switch kind {
	case "string":
		return "字符串"
	case "bool":
		return "true 或 false"
	case "slice", "array":
		return "数组"
	case "struct", "map":
		return "对象"
	}
	return "数字"
}

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
			return p, badQuery("page", "页码须为正整数")
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

// ParamID reads a positive integer path parameter; anything else is a 404 (no such record).
func ParamID(c *fiber.Ctx, name string, notFound error) (int64, error) {
	n, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, notFound
	}
	return n, nil
}

// List is the JSON shape of a paged list.
type List[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}
