package noticeweb

import (
	"github.com/gofiber/fiber/v2"

	"fuyi/internal/apidoc"
	"fuyi/internal/web"
	"fuyi/notices"
)

// API documents the routes of this package (TestOpenAPIMatchesRouteTable keeps it complete).
var API = []apidoc.Op{
	{Method: fiber.MethodGet, Path: "/api/v1/notices", Summary: "调用者的期限提醒",
		Params: []apidoc.Param{{Name: "unread", Description: "true：只看未读", Type: "boolean"}, {Name: "page", Type: "integer"}, {Name: "per_page", Type: "integer"}},
		Answer: web.List[notices.Notice]{}},
	{Method: fiber.MethodPost, Path: "/api/v1/notices/read-all", Summary: "全部标为已读", Status: fiber.StatusNoContent},
	{Method: fiber.MethodPost, Path: "/api/v1/notices/:id/read", Summary: "标为已读", Status: fiber.StatusNoContent},
}
