package caseweb

import (
	"github.com/gofiber/fiber/v2"

	"fuyi/cases"
	"fuyi/internal/apidoc"
	"fuyi/internal/apperr"
	"fuyi/internal/web"
)

// The bodies of the actions that have no type in package cases.
type (
	correctionReceivedInput struct {
		On      string `json:"on"`
		Version int    `json:"version"`
	}
	correctionServedInput struct {
		ServedOn string `json:"served_on"`
		Version  int    `json:"version"`
	}
	complexityInput struct {
		Complex bool   `json:"complex"`
		Reason  string `json:"reason"`
		Version int    `json:"version"`
	}
	procedureInput struct {
		Procedure string `json:"procedure"`
		On        string `json:"on"`
		Reason    string `json:"reason"`
		Version   int    `json:"version"`
	}
	committeeInput struct {
		On      string `json:"on"`
		Opinion string `json:"opinion"`
		Version int    `json:"version"`
	}
	serviceInput struct {
		ServedOn string `json:"served_on"`
		Version  int    `json:"version"`
	}
	performanceInput struct {
		PerformedOn string `json:"performed_on"`
		Note        string `json:"note"`
		Version     int    `json:"version"`
	}
	opinionReportInput struct {
		ReportedOn string `json:"reported_on"`
		Content    string `json:"content"`
		Version    int    `json:"version"`
	}
)

func statusEnum() apperr.Enum {
	e := apperr.Enum{Name: "案件状态"}
	for s, l := range cases.StatusLabels() {
		e.Choices = append(e.Choices, apperr.Choice{Code: string(s), Label: l})
	}
	return apperr.EnumOf(e.Name, toMap(e))
}

func toMap(e apperr.Enum) map[string]string {
	m := map[string]string{}
	for _, c := range e.Choices {
		m[c.Code] = c.Label
	}
	return m
}

func docTypeEnum() apperr.Enum {
	e := apperr.Enum{Name: "文书类型（可加 .pdf 或 .txt）"}
	for _, d := range cases.DocTypes {
		e.Choices = append(e.Choices, apperr.Choice{Code: d.Code, Label: d.Title})
	}
	return e
}

var (
	partyEnums = map[string]apperr.Enum{
		"kind":       cases.PartyKinds,
		"id_type":    cases.IDTypes,
		"agent_kind": cases.AgentKinds,
	}
	procedureEnum = apperr.NewEnum("审理程序", string(cases.Ordinary), cases.Ordinary.Label(), string(cases.Simplified), cases.Simplified.Label())
)

func applicationEnums(prefix string) map[string]apperr.Enum {
	m := map[string]apperr.Enum{}
	for _, list := range []string{"applicants", "agents", "third_parties"} {
		for k, e := range partyEnums {
			m[prefix+list+"[]."+k] = e
		}
	}
	m[prefix+"act.matter"] = apperr.NewEnum("申请事项（统计口径）", matterPairs()...)
	return m
}

func matterPairs() []string {
	var out []string
	for _, m := range cases.Matters {
		out = append(out, m, m)
	}
	return out
}

func with(m map[string]apperr.Enum, k string, e apperr.Enum) map[string]apperr.Enum {
	m[k] = e
	return m
}

// exampleApplication is a complete registration (the demo organisation has respondent agency 1).
var exampleApplication = map[string]any{"received_on": "2026-09-01", "channel": "window",
	"applicants":           []any{map[string]any{"kind": "person", "name": "张三", "id_number": "11010519491231002X", "phone": "13800138000", "address": "南京市栖霞区某路1号"}},
	"respondent_agency_id": 1,
	"act":                  map[string]any{"title": "行政处罚决定书", "doc_no": "栖市监罚〔2026〕345号", "made_on": "2026-08-10", "known_on": "2026-08-15", "matter": "行政处罚"},
	"requests":             "请求撤销被申请人作出的行政处罚决定", "facts": "申请人认为处罚事实不清"}

// API documents the routes of this package (TestOpenAPIMatchesRouteTable keeps it complete).
var API = []apidoc.Op{
	{Method: fiber.MethodPost, Path: "/api/v1/cases", Summary: "登记行政复议申请",
		Description: "答 201 与案件（与 GET /api/v1/cases/{id} 相同），含登记号、查询码与审查期限。",
		Body:        cases.Application{}, Enums: with(applicationEnums(""), "channel", cases.Channels),
		Example: exampleApplication, Status: fiber.StatusCreated, Answer: cases.View{}, Idempotent: true},
	{Method: fiber.MethodGet, Path: "/api/v1/cases", Summary: "调用者可见的案件",
		Description: "检索经索引：登记号、案号、被申请行政行为文号与名称、被申请人、当事人姓名（名称）及证件号码、统一社会信用代码；完整的登记号、案号或文号只查出该号的案件。" +
			"总数最多计到10000件；常见检索词（最近的案件已足一页）不计总数；total_is_lower_bound 为 true 时 total 是下限（至少 total 件）。按页码可翻到第 total 件，next 为下一页游标（after=），各种排序均可翻到最后。" +
			"format=csv 或 xlsx 导出筛选结果（最多50000行）。",
		Params: []apidoc.Param{{Name: "q", Description: "登记号、案号、文号、当事人姓名或证件号码、被申请人"},
			{Name: "status", Description: "状态，可用逗号分隔多个", Enum: ptr(statusEnum())},
			{Name: "received_from", Type: "date", Description: "收到日期（起）"}, {Name: "received_to", Type: "date", Description: "收到日期（止）"},
			{Name: "respondent", Type: "integer", Description: "被申请人（行政机关编号）"},
			{Name: "window", Type: "integer", Description: "受理窗口（司法所编号）"},
			{Name: "officer", Type: "integer", Description: "办案人员（用户编号）"},
			{Name: "overdue", Description: "1：只看已逾期", Enum: ptr(apperr.NewEnum("逾期", "1", "只看已逾期"))},
			{Name: "sort", Description: "排序", Enum: ptr(apperr.NewEnum("排序", cases.SortReceived, "收到日期，新在前",
				cases.SortReceivedAsc, "收到日期，旧在前", cases.SortDue, "期限最近在前"))},
			{Name: "queue", Description: "review：待审查", Enum: ptr(apperr.NewEnum("队列", "review", "待受理审查"))},
			{Name: "after", Description: "下一页游标（上一页答复中的 next）：按收到日期排序为“日期_编号”，按期限排序为“期限届满日_编号”（无进行中期限的案件为“none_编号”）"},
			{Name: "format", Description: "导出格式", Enum: ptr(apperr.NewEnum("导出格式", "csv", "CSV", "xlsx", "Excel"))},
			{Name: "page", Type: "integer"}, {Name: "per_page", Type: "integer"}},
		Answer: cases.Page{}, Also: apidoc.File{"text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}},
	{Method: fiber.MethodGet, Path: "/api/v1/cases/:id", Summary: "案件详情（期限、办案人员、听证、事件）", Answer: cases.View{}},
	{Method: fiber.MethodPatch, Path: "/api/v1/cases/:id", Summary: "更正登记信息（须说明理由）",
		Description: "只给出要更正的字段；受理前登记的窗口可更正，受理后仅负责人或主办人。旧值与新值记入事件，期限重算，相关文书重新出具。",
		Body:        cases.CorrectionInput{}, Enums: applicationEnums(""),
		Example: map[string]any{"facts": "申请人认为处罚事实不清、程序违法", "reason": "申请人补充事实"}, Answer: cases.View{}},
	{Method: fiber.MethodGet, Path: "/api/v1/cases/:id/receipt.pdf", Summary: "申请材料接收凭证（PDF）", Answer: apidoc.File{"application/pdf"}},
	{Method: fiber.MethodGet, Path: "/api/v1/cases/:id/documents", Summary: "已出具的文书（文号、日期、SHA-256、送达记录）", Answer: web.List[cases.IssuedDoc]{}},
	{Method: fiber.MethodGet, Path: "/api/v1/cases/:id/documents/:type", Summary: "文书文件：出具时的 PDF（.pdf）或文本（.txt）",
		Description: "type 为文书类型代码，加 .pdf 或 .txt。" + enumText(docTypeEnum()),
		Params: []apidoc.Param{{Name: "ref", Description: "听证、中止或意见书的编号（同类文书有多份时）"},
			{Name: "doc", Type: "integer", Description: "某一版本（含已被取代的）"}},
		Answer: apidoc.File{"application/pdf", "text/plain"}},
	{Method: fiber.MethodPost, Path: "/api/v1/cases/:id/documents/:did/service", Summary: "记录文书送达",
		Body: cases.ServiceInput{}, Enums: map[string]apperr.Enum{"method": cases.ServiceMethodEnum},
		Example: map[string]any{"method": "direct", "recipient": "张三", "served_on": "2026-09-03"}, Answer: cases.View{}},
	{Method: fiber.MethodPost, Path: "/api/v1/cases/:id/review", Summary: "受理审查：受理、通知补正或不予受理（复议法第30–31条）",
		Body: cases.ReviewInput{}, Enums: map[string]apperr.Enum{
			"outcome":            cases.ReviewOutcomes,
			"procedure":          procedureEnum,
			"simplified_grounds": apperr.EnumOf("简易程序适用情形（复议法第53条）", cases.SimplifiedGrounds)},
		Example: map[string]any{"outcome": "accept", "on": "2026-09-02", "procedure": "ordinary"}, Answer: cases.View{}},
	{Method: fiber.MethodPost, Path: "/api/v1/cases/:id/transfer", Summary: "转送：不属于本机关管辖的申请转送本系统内有管辖权的行政复议机关",
		Description: "复议机构负责人在受理审查期限内办理（复议法第30条第1款第6项、实施条例第3条第1项）。to 为接收机关代码；被申请人须在接收机关的名录中（含共用条目）。" +
			"本机关保留已关闭的登记记录（状态 transferred，transfer 载明接收机关与其登记号），并制发转送告知书；接收机关以转送日期为收到日期登记新案件（含当事人与材料），审查期限自该日起算。" +
			"统计：本机关计入“转送”栏，接收机关计入“本期收到”。",
		Body: cases.TransferInput{}, Example: map[string]any{"to": "nanjing", "on": "2026-11-20", "reason": "被申请人为南京市人民政府工作部门，依复议法第24条第1款第1项由南京市人民政府管辖"},
		Answer: cases.View{}},
	{Method: fiber.MethodPost, Path: "/api/v1/cases/:id/correction-received", Summary: "收到补正材料（重新计算审查期限）",
		Body: correctionReceivedInput{}, Example: map[string]any{"on": "2026-11-25"}, Answer: cases.View{}},
	{Method: fiber.MethodPost, Path: "/api/v1/cases/:id/correction-served", Summary: "补正通知书送达", Body: correctionServedInput{},
		Example: map[string]any{"served_on": "2026-11-21"}, Answer: cases.View{}},
	{Method: fiber.MethodPost, Path: "/api/v1/cases/:id/complexity", Summary: "认定或取消重大复杂案件", Body: complexityInput{},
		Example: map[string]any{"complex": true, "reason": "案情重大复杂"}, Answer: cases.View{}},
	{Method: fiber.MethodPut, Path: "/api/v1/cases/:id/assignment", Summary: "指派办案人员与主办人",
		Description: "一般案件至少2名、重大复杂案件至少3名具备资格的办案人员。", Body: cases.AssignmentInput{},
		Example: map[string]any{"officer_ids": []any{3, 4}, "lead_officer_id": 3}, Answer: cases.View{}},
	{Method: fiber.MethodGet, Path: "/api/v1/workloads", Summary: "办案人员的在办案件数", Answer: web.List[cases.Workload]{}},
	{Method: fiber.MethodPost, Path: "/api/v1/cases/:id/reply", Summary: "发送申请书副本与收到答复（复议法第48条）", Body: cases.ReplyInput{},
		Example: map[string]any{"copy_sent_on": "2026-09-03"}, Answer: cases.View{}},
	{Method: fiber.MethodPost, Path: "/api/v1/cases/:id/suspension", Summary: "中止审理（复议法第39条）", Body: datedInput{},
		Enums:   map[string]apperr.Enum{"ground": cases.GroundEnum("中止情形（复议法第39条第1款）", cases.SuspensionGrounds)},
		Example: map[string]any{"on": "2026-09-21", "ground": "39-1", "note": "申请人死亡，须等待其近亲属表明是否参加"}, Answer: cases.View{}},
	{Method: fiber.MethodPost, Path: "/api/v1/cases/:id/resumption", Summary: "恢复审理", Body: datedInput{},
		Example: map[string]any{"on": "2026-09-25"}, Answer: cases.View{}},
	{Method: fiber.MethodPost, Path: "/api/v1/cases/:id/extension", Summary: "延长审理期限（复议法第62条，至多30日，一次）", Body: cases.ExtensionInput{},
		Example: map[string]any{"on": "2026-10-20", "days": 30, "reason": "案情复杂"}, Answer: cases.View{}},
	{Method: fiber.MethodPost, Path: "/api/v1/cases/:id/procedure", Summary: "简易程序转为普通程序（复议法第55条）", Body: procedureInput{},
		Enums:   map[string]apperr.Enum{"procedure": apperr.NewEnum("审理程序（只能转为普通程序）", string(cases.Ordinary), cases.Ordinary.Label())},
		Example: map[string]any{"procedure": "ordinary", "on": "2026-11-24", "reason": "案情复杂"}, Answer: cases.View{}},
	{Method: fiber.MethodPost, Path: "/api/v1/cases/:id/committee-opinion", Summary: "行政复议委员会咨询意见（复议法第52条）", Body: committeeInput{},
		Example: map[string]any{"on": "2026-10-25", "opinion": "建议责令履行"}, Answer: cases.View{}},
	{Method: fiber.MethodPost, Path: "/api/v1/cases/:id/decision", Summary: "主办人提出决定（草稿）", Body: cases.DecisionInput{},
		Enums: map[string]apperr.Enum{"type": cases.DecisionTypeEnum(),
			"ground": cases.GroundEnum("终止情形（复议法第41条，仅终止时）", cases.TerminationGrounds)},
		Example: map[string]any{"type": "order_perform", "decided_on": "2026-11-10", "articles": []any{"第六十六条"},
			"sections":       map[string]any{"facts": "经审理查明……", "reasoning": "本机关认为……", "ruling": "责令被申请人在三十日内履行法定职责。"},
			"perform_due_on": "2026-11-25"},
		Answer: cases.View{}},
	{Method: fiber.MethodPost, Path: "/api/v1/cases/:id/decision/approval", Summary: "批准或退回决定（复议法第61条）", Body: cases.ApprovalInput{},
		Enums:   map[string]apperr.Enum{"mode": apperr.NewEnum("批准方式", "chief", "负责人批准", "collective", "集体讨论")},
		Example: map[string]any{"approve": true, "mode": "chief"}, Answer: cases.View{}},
	{Method: fiber.MethodPost, Path: "/api/v1/cases/:id/decision/service", Summary: "决定书送达（起算15日起诉期限）", Body: serviceInput{},
		Example: map[string]any{"served_on": "2026-11-12"}, Answer: cases.View{}},
	{Method: fiber.MethodPost, Path: "/api/v1/cases/:id/performance", Summary: "被申请人履行决定", Body: performanceInput{},
		Example: map[string]any{"performed_on": "2026-11-30", "note": "已履行"}, Answer: cases.View{}},
	{Method: fiber.MethodPost, Path: "/api/v1/cases/:id/opinion-letters", Summary: "制发行政复议意见书或建议书（复议法第76条）", Body: cases.OpinionLetterInput{},
		Enums:   map[string]apperr.Enum{"kind": cases.LetterKinds},
		Example: map[string]any{"kind": "opinion", "issued_on": "2026-11-27", "content": "请纠正……"}, Answer: cases.View{}},
	{Method: fiber.MethodPost, Path: "/api/v1/cases/:id/opinion-letters/:lid/report", Summary: "收到意见书的纠正情况报告", Body: opinionReportInput{},
		Example: map[string]any{"reported_on": "2026-11-28", "content": "已纠正"}, Answer: cases.View{}},
	{Method: fiber.MethodGet, Path: "/api/v1/public/status", Summary: "申请人凭登记号与查询码查询案件进度",
		Params: []apidoc.Param{{Name: "no", Description: "登记号", Required: true}, {Name: "code", Description: "查询码", Required: true}},
		Answer: cases.StatusInfo{}, Errors: []int{fiber.StatusTooManyRequests}},
}

func ptr[T any](v T) *T { return &v }

func enumText(e apperr.Enum) string {
	s := e.Name + "："
	for i, c := range e.Choices {
		if i > 0 {
			s += "；"
		}
		s += c.Code + " " + c.Label
	}
	return s
}
