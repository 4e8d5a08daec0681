package apidoc

import "net/http"

// errorSchema is the one shape of every error answer (API.md).
func errorSchema() Schema {
	return Schema{
		"type": "object", "required": []string{"error"}, "additionalProperties": false,
		"properties": Schema{"error": Schema{
			"type": "object", "required": []string{"code", "message"}, "additionalProperties": false,
			"properties": Schema{
				"code":    Schema{"type": "string", "description": "稳定的错误代码，供程序判断（如 request.unknown_field、stale_version、assignment.too_few_officers）"},
				"message": Schema{"type": "string", "description": "给人看的中文说明"},
				"fields": Schema{"type": "object", "additionalProperties": Schema{"type": "string"},
					"description": "出错的字段（按请求中的路径，如 applicants[0].id_number）及其说明"},
			},
		}},
	}
}

var errorNames = map[int]string{
	http.StatusBadRequest:            "BadRequest",
	http.StatusUnauthorized:          "Unauthorized",
	http.StatusForbidden:             "Forbidden",
	http.StatusNotFound:              "NotFound",
	http.StatusConflict:              "Conflict",
	http.StatusPreconditionFailed:    "PreconditionFailed",
	http.StatusRequestEntityTooLarge: "TooLarge",
	http.StatusUnprocessableEntity:   "Invalid",
	http.StatusPreconditionRequired:  "PreconditionRequired",
	http.StatusTooManyRequests:       "TooMany",
	http.StatusServiceUnavailable:    "Unavailable",
}

var errorDescriptions = map[int]string{
	http.StatusBadRequest:            "请求格式错误：不是有效的 JSON、字段类型不对，或有未知字段（fields 指明字段名）",
	http.StatusUnauthorized:          "未登录或令牌已失效",
	http.StatusForbidden:             "当前角色无权进行此操作（或以 Cookie 登录时缺少 X-CSRF-Token）",
	http.StatusNotFound:              "记录不存在，或调用者无权查看（同样答 404）",
	http.StatusConflict:              "当前状态不允许此操作、版本已过期（他人已修改）或时间冲突",
	http.StatusPreconditionFailed:    "If-Match 与记录当前的 ETag 不符（他人已修改）",
	http.StatusRequestEntityTooLarge: "提交的内容过大",
	http.StatusUnprocessableEntity:   "字段或法律规则不符；fields 逐项说明，枚举字段列出全部可用代码及其中文含义",
	http.StatusPreconditionRequired:  "须带 If-Match 或请求体中的 version",
	http.StatusTooManyRequests:       "尝试过多，请按 Retry-After 稍后再试",
	http.StatusServiceUnavailable:    "暂时不可用（数据库繁忙或无法连接），内容未保存；按 Retry-After 重试",
}

func errorResponses(used map[int]bool) map[string]any {
	out := map[string]any{}
	for status, name := range errorNames {
		if !used[status] {
			continue
		}
		r := map[string]any{"description": errorDescriptions[status],
			"content": map[string]any{"application/json": map[string]any{"schema": Schema{"$ref": "#/components/schemas/Error"}}}}
		switch status {
		case http.StatusUnauthorized:
			r["headers"] = map[string]any{"WWW-Authenticate": map[string]any{"description": `Bearer realm="fuyi"`, "schema": Schema{"type": "string"}}}
		case http.StatusTooManyRequests, http.StatusServiceUnavailable:
			r["headers"] = map[string]any{"Retry-After": map[string]any{"description": "多少秒后再试", "schema": Schema{"type": "integer"}}}
		}
		out[name] = r
	}
	return out
}

func securitySchemes() map[string]any {
	return map[string]any{
		"bearer": map[string]any{"type": "http", "scheme": "bearer",
			"description": "POST /api/v1/sessions 返回的 token，放在 Authorization: Bearer <token>"},
		"session": map[string]any{"type": "apiKey", "in": "cookie", "name": "fuyi_session",
			"description": "网页登录的会话 Cookie；以它调用 POST/PUT/PATCH/DELETE 时须带 X-CSRF-Token（网页上的 _csrf 值）"},
	}
}
