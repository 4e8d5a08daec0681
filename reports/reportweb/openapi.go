package reportweb

import (
	"github.com/gofiber/fiber/v2"

	"fuyi/internal/apidoc"
	"fuyi/reports"
)

type (
	publishInput struct {
		Reason string `json:"reason"`
	}
	publishAnswer struct {
		Period  string `json:"period"`
		Version int    `json:"version"`
		URL     string `json:"url"`
	}
)

var reportFiles = apidoc.File{"application/pdf", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv"}

// API documents the routes of this package (TestOpenAPIMatchesRouteTable keeps it complete).
var API = []apidoc.Op{
	{Method: fiber.MethodGet, Path: "/api/v1/reports/monthly/:period", Summary: "月度统计报表（DOMAIN.md §8 的全部数字与比率）",
		Description: "period 为 YYYY-MM；加 .pdf、.xlsx、.csv 得到文件。每个比率为 {numerator, denominator, value, basis}。",
		Answer:      reports.Report{}, Also: reportFiles},
	{Method: fiber.MethodGet, Path: "/api/v1/reports/:period", Summary: "任一期间的统计报表：年（YYYY）、季度（YYYY-Q1）、月（YYYY-MM）或年初至某月（YYYY-01-MM）",
		Answer: reports.Report{}, Also: reportFiles},
	{Method: fiber.MethodPost, Path: "/api/v1/reports/monthly/:period/publication", Summary: "在公开网站发布报表（再次发布为新版本，须说明理由）",
		Body: publishInput{}, Example: map[string]any{"reason": "更正数据"}, Status: fiber.StatusCreated, Answer: publishAnswer{}},
}
