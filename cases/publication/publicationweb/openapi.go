package publicationweb

import (
	"github.com/gofiber/fiber/v2"

	"fuyi/cases"
	"fuyi/cases/publication"
	"fuyi/internal/apidoc"
	"fuyi/internal/apperr"
	"fuyi/internal/redact"
)

type (
	withdrawInput struct {
		Reason string `json:"reason"`
	}
	blockInput struct {
		Reason string `json:"reason"`
		Note   string `json:"note"`
	}
	// publicDecisions is the answer of the public search: at most SearchCountCap counted (more: there are more).
	publicDecisions struct {
		Items []publication.PublicDecision `json:"items"`
		Total int                          `json:"total"`
		More  bool                         `json:"more"`
	}
)

// API documents the routes of this package (TestOpenAPIMatchesRouteTable keeps it complete).
var API = []apidoc.Op{
	{Method: fiber.MethodPost, Path: "/api/v1/cases/:id/publication", Summary: "公开复议决定书（去除个人信息后）",
		Status: fiber.StatusCreated, Answer: publication.Result{}},
	{Method: fiber.MethodDelete, Path: "/api/v1/cases/:id/publication", Summary: "撤回公开（须说明理由）",
		Body: withdrawInput{}, Example: map[string]any{"reason": "当事人提出正当理由"}, Status: fiber.StatusNoContent},
	{Method: fiber.MethodGet, Path: "/api/v1/cases/:id/publication/preview.pdf", Summary: "将要公开的文件（PDF）", Answer: apidoc.File{"application/pdf"},
		Errors: []int{fiber.StatusConflict}},
	{Method: fiber.MethodPost, Path: "/api/v1/cases/:id/publication/terms", Summary: "增加须遮蔽的词", Body: redact.Term{},
		Enums:   map[string]apperr.Enum{"kind": publication.TermKinds},
		Example: map[string]any{"text": "王小明", "kind": "person"}, Status: fiber.StatusNoContent},
	{Method: fiber.MethodPost, Path: "/api/v1/cases/:id/publication/candidates", Summary: "确认疑似人名是否遮蔽", Body: redact.Decision{},
		Example: map[string]any{"name": "王小明", "redact": true}, Status: fiber.StatusNoContent},
	{Method: fiber.MethodPost, Path: "/api/v1/cases/:id/publication/block", Summary: "标记不予公开及其理由", Body: blockInput{},
		Enums:   map[string]apperr.Enum{"reason": publication.BlockReasonEnum},
		Example: map[string]any{"reason": "privacy", "note": "以个人隐私为主要内容"}, Status: fiber.StatusNoContent},
	{Method: fiber.MethodGet, Path: "/api/v1/public/decisions", Summary: "检索已公开的复议决定",
		Description: "每页至多50条，只计前1000条（more 为 true 表示还有更多）；同时检索过多时答 503（Retry-After）。",
		Params: []apidoc.Param{{Name: "q", Description: "关键词"}, {Name: "type", Description: "决定类型", Enum: ptr(cases.DecisionTypeEnum())},
			{Name: "year", Type: "integer"}, {Name: "agency", Type: "integer", Description: "被申请人编号"},
			{Name: "page", Type: "integer"}, {Name: "per_page", Type: "integer"}},
		Answer: publicDecisions{}},
}

func ptr[T any](v T) *T { return &v }
