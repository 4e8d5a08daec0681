package supervisionweb

import (
	"github.com/gofiber/fiber/v2"

	"fuyi/internal/apidoc"
	"fuyi/internal/apperr"
	"fuyi/internal/web"
	"fuyi/supervision"
)

type (
	unmarkInput struct {
		Reason string `json:"reason"`
	}
	performedInput struct {
		PerformedOn string `json:"performed_on"`
	}
	weightsInput struct {
		Weights map[string]float64 `json:"weights"`
	}
	weightsAnswer struct {
		Weights map[string]float64 `json:"weights"`
	}
	confirmInput struct {
		Confirm bool `json:"confirm"`
	}
	sentInput struct {
		SentOn string `json:"sent_on"`
	}
	servedInput struct {
		ServedOn string `json:"served_on"`
	}
	observationCounts struct {
		Year  int                            `json:"year"`
		Items []supervision.ObservationCount `json:"items"`
		Total int                            `json:"total"`
	}
)

var (
	yearQuery   = []apidoc.Param{{Name: "year", Type: "integer", Description: "年度（默认今年）"}}
	caseIDQuery = []apidoc.Param{{Name: "case_id", Type: "integer", Description: "只看某一案件"}}
)

// API documents the routes of this package (TestOpenAPIMatchesRouteTable keeps it complete).
var API = []apidoc.Op{
	{Method: fiber.MethodGet, Path: "/api/v1/copy-reports", Summary: "抄告（复议法第79条第2款）", Params: caseIDQuery,
		Answer: web.List[supervision.CopyReport]{}},
	{Method: fiber.MethodPost, Path: "/api/v1/copy-reports/:id/sent", Summary: "抄告已发出", Body: sentInput{},
		Example: map[string]any{"sent_on": "2026-11-27"}, Answer: supervision.CopyReport{}},
	{Method: fiber.MethodPost, Path: "/api/v1/copy-reports/:id/served", Summary: "抄告已送达", Body: servedInput{},
		Example: map[string]any{"served_on": "2026-11-28"}, Answer: supervision.CopyReport{}},
	{Method: fiber.MethodGet, Path: "/api/v1/performance-orders", Summary: "责令履行通知", Params: caseIDQuery,
		Answer: web.List[supervision.Order]{}},
	{Method: fiber.MethodGet, Path: "/api/v1/performance-orders/unperformed", Summary: "逾期未履行的决定与意见书",
		Answer: web.List[supervision.Unperformed]{}},
	{Method: fiber.MethodPost, Path: "/api/v1/performance-orders", Summary: "责令被申请人限期履行（复议法第77条）", Body: supervision.OrderInput{},
		Enums:   map[string]apperr.Enum{"document": supervision.OrderDocuments},
		Example: map[string]any{"case_id": 1, "document": "decision", "ordered_on": "2026-11-27", "due_on": "2026-12-10"},
		Status:  fiber.StatusCreated, Answer: supervision.Order{}},
	{Method: fiber.MethodPost, Path: "/api/v1/performance-orders/:id/interviews", Summary: "约谈", Body: supervision.InterviewInput{},
		Example: map[string]any{"held_on": "2026-11-28", "officials": "某局长", "minutes": "约谈记录", "commitments": "十日内履行"},
		Status:  fiber.StatusCreated, Answer: supervision.Order{}},
	{Method: fiber.MethodPost, Path: "/api/v1/performance-orders/:id/reprimands", Summary: "通报批评", Body: supervision.ReprimandInput{},
		Example: map[string]any{"issued_on": "2026-11-28", "recipients": "全区各部门", "content": "通报内容"},
		Status:  fiber.StatusCreated, Answer: supervision.Order{}},
	{Method: fiber.MethodPost, Path: "/api/v1/performance-orders/:id/performed", Summary: "已履行", Body: performedInput{},
		Example: map[string]any{"performed_on": "2026-11-30"}, Answer: supervision.Order{}},
	{Method: fiber.MethodGet, Path: "/api/v1/typical-cases", Summary: "典型案例", Params: yearQuery, Answer: web.List[supervision.TypicalCase]{}},
	{Method: fiber.MethodPost, Path: "/api/v1/typical-cases", Summary: "选定典型案例", Body: supervision.TypicalInput{},
		Example: map[string]any{"case_id": 1, "title": "某行政处罚案", "summary": "案情摘要", "reason": "具有指导意义"},
		Status:  fiber.StatusCreated, Answer: supervision.TypicalCase{}},
	{Method: fiber.MethodDelete, Path: "/api/v1/typical-cases/:id", Summary: "取消典型案例", Body: unmarkInput{},
		Example: map[string]any{"reason": "选定有误"}, Status: fiber.StatusNoContent},
	{Method: fiber.MethodGet, Path: "/api/v1/public/typical-cases", Summary: "已公开的典型案例（匿名化）", Params: yearQuery,
		Answer: web.List[publicTypical]{}},
	{Method: fiber.MethodGet, Path: "/api/v1/observations", Summary: "旁听庭审记录", Params: yearQuery, Answer: web.List[supervision.Observation]{}},
	{Method: fiber.MethodPost, Path: "/api/v1/observations", Summary: "记录组织旁听庭审", Body: supervision.ObservationInput{},
		Enums: map[string]apperr.Enum{"attendees[].rank": supervision.AttendeeRanks},
		Example: map[string]any{"court": "南京市栖霞区人民法院", "held_on": "2026-11-20", "cause": "行政处罚",
			"attendees": []any{map[string]any{"agency_id": 1, "name": "李局长", "rank": "principal"}}},
		Status: fiber.StatusCreated, Answer: supervision.Observation{}},
	{Method: fiber.MethodGet, Path: "/api/v1/observations/counts", Summary: "各机关旁听人次", Params: yearQuery, Answer: observationCounts{}},
	{Method: fiber.MethodGet, Path: "/api/v1/reviews/weights", Summary: "年度考评的权重", Answer: weightsAnswer{}},
	{Method: fiber.MethodPut, Path: "/api/v1/reviews/weights", Summary: "设置年度考评的权重", Body: weightsInput{},
		Example: map[string]any{"weights": map[string]any{"head_appearance": 30, "loss": 20, "loss_after_review": 15, "answer_on_time": 10, "suggestion_reply": 10, "performance": 10, "observation": 5}}, Answer: weightsAnswer{}},
	{Method: fiber.MethodGet, Path: "/api/v1/reviews/:year", Summary: "年度考评（已发布的为冻结结果）", Answer: supervision.Review{}},
	{Method: fiber.MethodPost, Path: "/api/v1/reviews/:year/publication", Summary: "发布年度考评（冻结，须 confirm: true）", Body: confirmInput{},
		Example: map[string]any{"confirm": true}, Status: fiber.StatusCreated, Answer: supervision.Review{}},
}
