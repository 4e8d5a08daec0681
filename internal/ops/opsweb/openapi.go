package opsweb

import (
	"github.com/gofiber/fiber/v2"

	"fuyi/internal/apidoc"
	"fuyi/internal/ops"
)

type (
	liveAnswer struct {
		Status string `json:"status"`
	}
	readyAnswer struct {
		Status string      `json:"status"`
		Checks []ops.Check `json:"checks"`
		// Warnings: what an operator should fix although the server is ready (ops.Warnings)
		Warnings []ops.Check `json:"warnings,omitempty"`
	}
)

// API documents the routes of this package (TestOpenAPIMatchesRouteTable keeps it complete).
var API = []apidoc.Op{
	{Method: fiber.MethodGet, Path: "/livez", Summary: "存活检查（进程在运行）", Answer: liveAnswer{}},
	{Method: fiber.MethodGet, Path: "/readyz", Summary: "就绪检查：数据库可连接、迁移已全部执行、本年节假日完整",
		Description: "任一项不满足时答 503（Retry-After）并列出各项结果。就绪时 warnings 列出不影响就绪、但应由运维处理的事项（如数据库缺少 LEAKPROOF 标记，检索无法使用索引）。", Answer: readyAnswer{},
		Other: map[int]any{fiber.StatusServiceUnavailable: readyAnswer{}}},
	{Method: fiber.MethodGet, Path: "/metrics", Summary: "Prometheus 指标",
		Description: "须带 Authorization: Bearer <FUYI_METRICS_TOKEN>，否则答 404；或在 FUYI_METRICS_ADDR 的单独地址上无需令牌。",
		Answer:      apidoc.File{"text/plain"}, Other: map[int]any{fiber.StatusNotFound: apidoc.File{"text/html"}}},
}
