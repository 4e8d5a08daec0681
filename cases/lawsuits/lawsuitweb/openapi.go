package lawsuitweb

import (
	"github.com/gofiber/fiber/v2"

	"fuyi/cases/lawsuits"
	"fuyi/internal/apidoc"
	"fuyi/internal/apperr"
	"fuyi/internal/web"
)

type (
	answerInput struct {
		FiledOn string `json:"filed_on"`
		Version int    `json:"version"`
	}
	appealInput struct {
		Decision string `json:"decision"`
		On       string `json:"on"`
		Version  int    `json:"version"`
	}
	// bulletinAnswer names a published 出庭应诉情况通报 (its page and its PDF).
	bulletinAnswer struct {
		ID  int64  `json:"id"`
		URL string `json:"url"`
		PDF string `json:"pdf"`
	}
)

var statsParams = []apidoc.Param{{Name: "from", Type: "date", Description: "起（默认今年1月1日）"},
	{Name: "to", Type: "date", Description: "止（默认今天）"}, {Name: "agency_id", Type: "integer", Description: "被告行政机关"}}

// API documents the routes of this package (TestOpenAPIMatchesRouteTable keeps it complete).
var API = []apidoc.Op{
	{Method: fiber.MethodPost, Path: "/api/v1/lawsuits", Summary: "登记行政诉讼（应诉）案件",
		Description: "答 201 与案件，含答辩期限 answer_due_on。", Body: lawsuits.LawsuitInput{},
		Enums: map[string]apperr.Enum{"instance": apperr.NewEnum("审级", "first", "一审", "second", "二审", "retrial", "再审"),
			"head_required_reason": apperr.EnumOf("负责人应当出庭的情形（出庭规定第4条）", lawsuits.HeadRequiredReasons)},
		Example: map[string]any{"court": "南京市栖霞区人民法院", "court_case_no": "（2026）苏0113行初9号", "instance": "first",
			"defendant_agency_id": 1, "reconsideration_organ_defendant": false, "plaintiff": "张三", "cause": "行政处罚",
			"complaint_received_on": "2026-11-20", "head_required": false},
		Status: fiber.StatusCreated, Answer: lawsuits.Lawsuit{}},
	{Method: fiber.MethodGet, Path: "/api/v1/lawsuits", Summary: "调用者可见的应诉案件",
		Params: []apidoc.Param{{Name: "q", Description: "案号、原告、法院"}, {Name: "page", Type: "integer"}, {Name: "per_page", Type: "integer"}},
		Answer: web.List[lawsuits.LawsuitListItem]{}},
	{Method: fiber.MethodGet, Path: "/api/v1/lawsuits/stats", Summary: "应诉统计：收案、结案、败诉、败诉率、负责人出庭率、办复率",
		Description: "每个比率为 {numerator, denominator, value, basis}，basis 为统计口径。", Params: statsParams, Answer: lawsuits.Stats{}},
	{Method: fiber.MethodPost, Path: "/api/v1/lawsuits/appearance-bulletins", Summary: "发布出庭应诉情况通报（按 from、to、agency_id 期间）",
		Params: statsParams, Status: fiber.StatusCreated, Answer: bulletinAnswer{}},
	{Method: fiber.MethodGet, Path: "/api/v1/lawsuits/:id", Summary: "应诉案件详情", Answer: lawsuits.Lawsuit{}},
	{Method: fiber.MethodPost, Path: "/api/v1/lawsuits/:id/answer", Summary: "提交答辩状", Body: answerInput{},
		Example: map[string]any{"filed_on": "2026-11-25"}, Answer: lawsuits.Lawsuit{}},
	{Method: fiber.MethodPost, Path: "/api/v1/lawsuits/:id/judgment", Summary: "记录裁判结果（败诉与上诉期限随之确定）", Body: lawsuits.JudgmentInput{},
		Enums:   map[string]apperr.Enum{"outcome": lawsuits.OutcomeEnum(), "kind": lawsuits.JudgmentKinds},
		Example: map[string]any{"outcome": "dismiss_claims", "judged_on": "2026-11-26", "served_on": "2026-11-27", "kind": "judgment"},
		Answer:  lawsuits.Lawsuit{}},
	{Method: fiber.MethodPost, Path: "/api/v1/lawsuits/:id/appeal-decision", Summary: "是否上诉", Body: appealInput{},
		Enums:   map[string]apperr.Enum{"decision": apperr.NewEnum("是否上诉", "appeal", "上诉", "no_appeal", "不上诉")},
		Example: map[string]any{"decision": "no_appeal", "on": "2026-11-28"}, Answer: lawsuits.Lawsuit{}},
	{Method: fiber.MethodPost, Path: "/api/v1/lawsuits/:id/suggestions", Summary: "司法建议、检察建议及其回复（办复率）", Body: lawsuits.SuggestionInput{},
		Enums:   map[string]apperr.Enum{"kind": apperr.NewEnum("建议类别", "judicial", "司法建议", "procuratorial", "检察建议")},
		Example: map[string]any{"kind": "judicial", "received_on": "2026-11-26", "content": "建议规范执法程序"}, Answer: lawsuits.Lawsuit{}},
	{Method: fiber.MethodPost, Path: "/api/v1/lawsuits/:id/sessions", Summary: "记录开庭与负责人出庭情况", Body: lawsuits.SessionInput{},
		Enums: map[string]apperr.Enum{"head_rank": apperr.EnumOf("出庭负责人（出庭规定第2条）", lawsuits.HeadRanks),
			"absence_reason": apperr.EnumOf("负责人未出庭的理由（出庭规定第8条）", lawsuits.AbsenceReasons)},
		Example: map[string]any{"held_on": "2026-11-26", "head_appeared": true, "head_name": "李局长", "head_title": "局长", "head_rank": "principal"},
		Answer:  lawsuits.Lawsuit{}},
}
