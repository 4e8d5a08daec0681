package server_test

import (
	"encoding/json"
	"fmt"
	"net/url"

	"fuyi/internal/testapp"
)

// examples are valid bodies of the routes that take one ("METHOD path"): each bad input replaces one of
// their values, so the rest of the request is right and the handler goes as deep as it can. No version is
// sent (0: no version check), so the handlers reach the database. Filled by setExamples.
var examples map[string][]example

func n(i int64) json.Number { return json.Number(fmt.Sprint(i)) }

// setExamples builds the examples with the ids of the demo users of a.
func setExamples(a *testapp.App) {
	o1, o2, o3, c1 := n(a.UserID("officer1")), n(a.UserID("officer2")), n(a.UserID("officer3")), n(a.UserID("chief1"))
	day := "2026-11-20"
	app := testapp.Application(day)
	form := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Add(kv[i], kv[i+1])
		}
		return v
	}
	j := func(b map[string]any) []example { return []example{{json: b}} }
	act := func(action string, kv ...string) example { return example{action: action, form: form(kv...)} }
	schedule := map[string]any{"starts_at": "2026-12-10T09:00:00+08:00", "ends_at": "2026-12-10T11:00:00+08:00", "notified_on": day,
		"location": "第二听证室", "room_id": json.Number("1"), "online_link": "https://meeting.example/1", "host_id": c1,
		"panel_ids": []any{o1, o2}, "clerk_id": o3}
	examples = map[string][]example{
		"POST /api/v1/sessions": j(map[string]any{"username": "officer5", "password": "fuyi-demo-2025"}),
		"POST /api/v1/cases":    j(app),
		"POST /api/v1/cases/:id/review": j(map[string]any{"outcome": "accept", "on": day, "procedure": "simplified",
			"simplified_grounds": []any{"warning"}, "reason": "理由", "items": []any{"补正事项"}}),
		"POST /api/v1/cases/:id/transfer":            j(map[string]any{"to": "nanjing", "on": day, "reason": "不属于本机关管辖"}),
		"POST /api/v1/cases/:id/correction-received": j(map[string]any{"on": day}),
		"POST /api/v1/cases/:id/correction-served":   j(map[string]any{"served_on": day}),
		"POST /api/v1/cases/:id/complexity":          j(map[string]any{"complex": true, "reason": "案情复杂"}),
		"PUT /api/v1/cases/:id/assignment":           j(map[string]any{"officer_ids": []any{o1, o2}, "lead_officer_id": o1}),
		"POST /api/v1/cases/:id/reply": j(map[string]any{"copy_sent_on": "2026-10-29", "copy_received_on": "2026-10-30",
			"reply_received_on": "2026-11-09", "reply_postmarked_on": ""}),
		"POST /api/v1/cases/:id/suspension":        j(map[string]any{"on": day, "ground": "39-1", "note": "说明"}),
		"POST /api/v1/cases/:id/resumption":        j(map[string]any{"on": day}),
		"POST /api/v1/cases/:id/extension":         j(map[string]any{"on": day, "days": json.Number("30"), "reason": "案情复杂"}),
		"POST /api/v1/cases/:id/procedure":         j(map[string]any{"procedure": "ordinary", "on": day, "reason": "理由"}),
		"POST /api/v1/cases/:id/committee-opinion": j(map[string]any{"on": day, "opinion": "意见"}),
		"POST /api/v1/cases/:id/decision": j(map[string]any{"type": "maintain", "decided_on": day, "articles": []any{"第六十八条"},
			"sections": map[string]any{"facts": "经审理查明……", "reasoning": "本机关认为……"}, "ground": "", "perform_due_on": ""}),
		"POST /api/v1/cases/:id/decision/approval":           j(map[string]any{"approve": true, "mode": "chief", "reason": ""}),
		"POST /api/v1/cases/:id/decision/service":            j(map[string]any{"served_on": day}),
		"POST /api/v1/cases/:id/performance":                 j(map[string]any{"performed_on": day, "note": "已履行"}),
		"POST /api/v1/cases/:id/opinion-letters":             j(map[string]any{"kind": "opinion", "issued_on": day, "received_on": day, "content": "意见"}),
		"POST /api/v1/cases/:id/opinion-letters/:lid/report": j(map[string]any{"reported_on": day, "content": "已纠正"}),
		"POST /api/v1/lawsuits": j(map[string]any{"court": "某法院", "court_case_no": "（2026）苏0113行初9号", "instance": "first",
			"previous_lawsuit_id": json.Number("0"), "defendant_agency_id": json.Number("1"), "reconsideration_organ_defendant": false,
			"case_id": json.Number("0"), "plaintiff": "甲", "cause": "乙", "complaint_received_on": day, "head_required": true,
			"head_required_reason": "major_public_interest", "handler_id": o1}),
		"POST /api/v1/lawsuits/:id/answer":          j(map[string]any{"filed_on": day}),
		"POST /api/v1/lawsuits/:id/judgment":        j(map[string]any{"outcome": "dismiss_claims", "judged_on": day, "served_on": day, "kind": "judgment"}),
		"POST /api/v1/lawsuits/:id/appeal-decision": j(map[string]any{"decision": "no_appeal", "on": day}),
		"POST /api/v1/lawsuits/:id/suggestions": j(map[string]any{"kind": "judicial", "received_on": day, "reply_due_on": "",
			"replied_on": "", "content": "建议", "id": json.Number("0")}),
		"PUT /api/v1/calendar/:year": j(map[string]any{"days": []any{map[string]any{"date": "2026-01-01", "kind": "holiday", "name": "元旦"}},
			"complete": false, "source": "国务院办公厅通知", "confirm_removal": true}),
		"POST /api/v1/cases/:id/publication":           j(map[string]any{"reason": "依法公开"}),
		"POST /api/v1/cases/:id/files/:fid/withdrawal": j(map[string]any{"reason": "重复上传"}),
		"PATCH /api/v1/cases/:id": j(map[string]any{"requests": "请求撤销被申请人作出的行政处罚决定并退还罚款。", "facts": "更正后的事实和理由。",
			"reason": "申请人书面更正请求", "version": json.Number("0")}),
		"POST /api/v1/cases/:id/documents/:did/service": j(map[string]any{"method": "post", "recipient": "南京市栖霞区市场监督管理局",
			"served_on": day, "consent": false, "receipt_file_id": json.Number("0"), "version": json.Number("0")}),
		"POST /api/v1/lawsuits/:id/files/:fid/withdrawal": j(map[string]any{"reason": "重复上传"}),
		"DELETE /api/v1/cases/:id/publication":            j(map[string]any{"reason": "撤回"}),
		"POST /api/v1/cases/:id/publication/terms":        j(map[string]any{"text": "张三", "kind": "person"}),
		"POST /api/v1/cases/:id/publication/block":        j(map[string]any{"reason": "privacy", "note": "说明"}),
		"POST /api/v1/cases/:id/publication/candidates":   j(map[string]any{"name": "王小明", "redact": true}),
		"POST /api/v1/cases/:id/hearings":                 j(schedule),
		"POST /api/v1/hearings/:id/record": j(map[string]any{"held": true, "applicant_waived": false, "reason": "", "respondent_head_attended": false,
			"head_name": "", "head_title": "", "absence_reason": "illness", "delegate_name": "王五", "minutes": "听证笔录"}),
		"POST /api/v1/hearings/:id/reschedule": j(withKey(schedule, "reason", "改期")),
		"POST /api/v1/hearings/:id/cancel":     j(map[string]any{"reason": "取消"}),
		"POST /api/v1/rooms":                   j(map[string]any{"name": "第三听证室", "location": "二楼"}),
		"POST /api/v1/lawsuits/:id/sessions": j(map[string]any{"held_on": day, "head_appeared": true, "head_name": "赵局长", "head_title": "局长",
			"head_rank": "principal", "absence_reason": "", "absence_note": "", "explanation_filed": false, "delegate_name": "",
			"delegate_is_lawyer": false, "lawyer_name": ""}),
		"POST /api/v1/users": j(map[string]any{"username": "newuser", "name": "新用户", "role": "window", "window_code": "SFS01",
			"qualified": false, "password": "long-enough-password"}),
		"PUT /api/v1/users/:id/active":   j(map[string]any{"active": true}),
		"PUT /api/v1/users/:id/password": j(map[string]any{"password": "a-reset-long-password"}),
		"PUT /api/v1/users/:id/role":     j(map[string]any{"role": "window", "window_code": "SFS01", "qualified": false}),
		// a wrong current password: the probes must not change the demo user's password
		"PUT /api/v1/me/password":                          j(map[string]any{"current_password": "not-the-password", "new_password": "a-new-long-password"}),
		"PUT /api/v1/users/:id/contacts":                   j(map[string]any{"email": "a@example.gov.cn", "mobile": "13912345678"}),
		"POST /api/v1/agencies":                            j(map[string]any{"name": "某局", "category": "公安", "level": "区级", "legal_rep": "某人", "address": "某路"}),
		"POST /api/v1/reports/monthly/:period/publication": j(map[string]any{"reason": "发布"}),
		"PUT /api/v1/agencies/:id": j(map[string]any{"name": "南京市栖霞区市场监督管理局", "category": "市场监管", "level": "县级部门", "legal_rep": "某人",
			"legal_rep_title": "局长", "address": "某路", "superior_id": json.Number("9"), "active": true}),
		"POST /api/v1/copy-reports/:id/sent":   j(map[string]any{"sent_on": day}),
		"POST /api/v1/copy-reports/:id/served": j(map[string]any{"served_on": day}),
		"POST /api/v1/performance-orders": j(map[string]any{"case_id": json.Number("1"), "document": "decision", "letter_id": json.Number("0"),
			"ordered_on": day, "due_on": "2026-12-20"}),
		"POST /api/v1/performance-orders/:id/interviews": j(map[string]any{"held_on": day, "officials": "副局长", "minutes": "记录", "commitments": "承诺"}),
		"POST /api/v1/performance-orders/:id/reprimands": j(map[string]any{"issued_on": day, "recipients": "各部门", "content": "通报"}),
		"POST /api/v1/performance-orders/:id/performed":  j(map[string]any{"performed_on": day}),
		"POST /api/v1/typical-cases": j(map[string]any{"case_id": json.Number("1"), "case_no": "", "title": "标题", "summary": "摘要",
			"reason": "理由"}),
		"DELETE /api/v1/typical-cases/:id": j(map[string]any{"reason": "理由"}),
		"PUT /api/v1/reviews/weights": j(map[string]any{"weights": map[string]any{"head_appearance": json.Number("25"), "loss": json.Number("20"),
			"loss_after_review": json.Number("15"), "answer_on_time": json.Number("10"), "suggestion_reply": json.Number("10"),
			"performance": json.Number("15"), "observation": json.Number("5")}}),
		"POST /api/v1/reviews/:year/publication": j(map[string]any{"confirm": false}),
		"POST /api/v1/observations": j(map[string]any{"court": "某法院", "lawsuit_id": json.Number("0"), "held_on": day, "cause": "案由", "notes": "点评",
			"attendees": []any{map[string]any{"agency_id": json.Number("1"), "name": "某人", "rank": "principal"}}}),

		"POST /login": {{form: form("username", "officer5", "password", "fuyi-demo-2025", "next", "/cases")}},
		"POST /cases/new": {{form: form("received_on", day, "channel", "window", "requests", "请求撤销", "facts", "事实",
			"respondent_agency_id", "1", "act.title", "行政处罚决定书", "act.doc_no", "栖市监罚〔2026〕1号", "act.made_on", "2026-11-01",
			"act.known_on", "2026-11-05", "act.matter", "行政处罚", "applicants[0].kind", "person", "applicants[0].name", "张三",
			"applicants[0].id_number", "11010519491231002X", "applicants[0].phone", "13800138000", "applicants[0].address", "某路1号",
			"agents[0].name", "李律师", "agents[0].agent_kind", "lawyer", "agents[0].firm", "某律所", "materials", "申请书\n身份证复印件",
			"form_key", "fuzz")}},
		"POST /cases/:id/review": {{form: form("outcome", "accept", "on", day, "procedure", "simplified", "simplified_grounds", "warning",
			"reason", "理由", "items", "补正事项", "version", "")}},
		"POST /cases/:id/transfer":              {{form: form("to", "nanjing", "on", day, "reason", "不属于本机关管辖", "version", "")}},
		"POST /cases/:id/correction-received":   {{form: form("on", day, "version", "")}},
		"POST /cases/:id/correction-served":     {{form: form("served_on", day, "version", "")}},
		"POST /cases/:id/files/:fid/withdrawal": {{form: form("reason", "重复上传", "confirm", "撤回")}},
		"POST /cases/:id/documents/:did/service": {{form: form("method", "post", "recipient", "南京市栖霞区市场监督管理局", "served_on", day,
			"consent", "on", "receipt_file_id", "", "version", "")}},
		"POST /api/v1/cases/:id/archive": j(map[string]any{"retention": "30y"}),
		"POST /cases/:id/archive":        {{form: form("retention", "30y", "confirm", "归档")}},
		"POST /api/v1/cases/:id/inspections": j(map[string]any{"reader": "applicant:0", "inspected_on": day, "kind": "read",
			"file_ids": []any{json.Number("1")}, "copy_pages": json.Number("0"), "withheld": "", "note": ""}),
		"POST /cases/:id/inspections": {{form: form("reader", "applicant:0", "inspected_on", day, "kind", "read", "file_ids", "1",
			"copy_pages", "", "withheld", "", "note", "")}},
		"POST /cases/:id/corrections": {{form: form("reason", "登记错误", "requests", "请求撤销", "facts", "事实", "respondent_agency_id", "1",
			"act.title", "行政处罚决定书", "act.doc_no", "栖市监罚〔2026〕1号", "act.made_on", "2026-11-01", "act.known_on", "2026-11-05",
			"act.matter", "行政处罚", "applicants[0].kind", "person", "applicants[0].name", "张叁", "applicants[0].id_number", "11010519491231002X",
			"third_parties[0].kind", "org", "third_parties[0].name", "某公司", "third_parties[0].credit_code", "91350100M000100Y43",
			"agents[0].name", "李律师", "agents[0].agent_kind", "lawyer", "agents[0].firm", "某律所", "version", "")}},
		"POST /cases/:id/actions/:action": {
			act("assignment", "officer_ids", string(o1), "officer_ids", string(o2), "lead_officer_id", string(o1), "version", ""),
			act("complexity", "complex", "true", "reason", "复杂", "version", ""),
			act("reply", "copy_sent_on", "2026-10-29", "copy_received_on", "2026-10-30", "reply_received_on", "2026-11-09", "version", ""),
			act("suspension", "on", day, "ground", "39-1", "note", "说明", "version", ""),
			act("resumption", "on", day, "version", ""),
			act("extension", "on", day, "days", "30", "reason", "复杂", "version", ""),
			act("procedure", "on", day, "reason", "理由", "version", ""),
			act("committee-opinion", "on", day, "opinion", "意见", "version", ""),
			act("decision", "type", "maintain", "decided_on", day, "articles", "第六十八条", "sections.facts", "事实", "ground", "",
				"perform_due_on", "", "version", ""),
			act("approval", "approve", "true", "mode", "chief", "reason", "", "version", ""),
			act("service", "served_on", day, "version", ""),
			act("performance", "performed_on", day, "note", "已履行", "version", ""),
			act("opinion-letter", "kind", "opinion", "issued_on", day, "received_on", day, "content", "意见", "version", ""),
			act("opinion-report", "letter_id", "1", "reported_on", day, "content", "已纠正", "version", ""),
		},
		"POST /lawsuits/new": {{form: form("court", "某法院", "court_case_no", "（2026）苏0113行初11号", "instance", "first",
			"defendant_agency_id", "1", "case_id", "", "previous_lawsuit_id", "", "organ", "no", "plaintiff", "甲", "cause", "乙",
			"complaint_received_on", day, "head_required", "on", "head_required_reason", "major_public_interest")}},
		"POST /lawsuits/stats/publish": {{form: form("from", "2026-01-01", "to", day, "agency_id", "1")}},
		"POST /lawsuits/:id/actions/:action": {
			act("answer", "filed_on", day, "version", ""),
			act("judgment", "outcome", "dismiss_claims", "judged_on", day, "served_on", day, "version", ""),
			act("appeal", "decision", "no_appeal", "on", day, "version", ""),
			act("suggestion", "id", "", "kind", "judicial", "received_on", day, "reply_due_on", "", "replied_on", "", "content", "建议", "version", ""),
		},
		"POST /admin/agencies/:id": {{form: form("name", "南京市栖霞区市场监督管理局", "category", "市场监管", "level", "县级部门", "legal_rep", "某人",
			"legal_rep_title", "局长", "address", "某路", "superior_id", "9", "active", "on")}},
		"POST /supervision/copy-reports/:id/:step":   {{form: form("on", day)}},
		"POST /supervision/typical-cases":            {{form: form("case_id", "1", "case_no", "", "title", "标题", "summary", "摘要", "reason", "理由")}},
		"POST /supervision/typical-cases/:id/unmark": {{form: form("reason", "理由")}},
		"POST /supervision/reviews/:year/publish":    {{form: form("confirm", "")}},
		"POST /supervision/review-weights": {{form: form("year", "2026", "weight.head_appearance", "25", "weight.loss", "20",
			"weight.loss_after_review", "15", "weight.answer_on_time", "10", "weight.suggestion_reply", "10", "weight.performance", "15",
			"weight.observation", "5")}},
		"POST /supervision/observations": {{form: form("court", "某法院", "held_on", day, "cause", "案由", "lawsuit_id", "", "notes", "点评",
			"attendees[0].agency_id", "1", "attendees[0].name", "某人", "attendees[0].rank", "principal")}},
		"POST /supervision/performance-orders": {{form: form("case_id", "1", "document", "decision", "letter_id", "0", "ordered_on", day, "due_on", "2026-12-20")}},
		"POST /supervision/performance-orders/:id/:action": {
			act("interview", "held_on", day, "officials", "副局长", "minutes", "记录", "commitments", "承诺"),
			act("reprimand", "issued_on", day, "recipients", "各部门", "content", "通报"),
			act("performed", "performed_on", day),
		},
		"POST /admin/calendar": {{form: form("year", "2027", "csv", "2027-01-01,holiday,元旦", "complete", "", "source", "通知")}},
		"POST /cases/:id/publication/:action": {
			act("publish", "reason", "公开"),
			act("withdraw", "reason", "撤回"),
			act("term", "term", "张三", "kind", "person"),
			act("block", "reason", "privacy", "note", "说明"),
			act("candidate", "name", "王小明", "decision", "redact"),
		},
		"POST /lawsuits/:id/sessions": {{form: form("held_on", day, "head_appeared", "true", "head_name", "赵局长", "head_title", "局长",
			"head_rank", "principal", "absence_reason", "", "absence_note", "", "delegate_name", "", "lawyer_name", "")}},
		"POST /hearings/rooms":   {{form: form("name", "第四听证室", "location", "三楼")}},
		"PUT /api/v1/rooms/:rid": j(map[string]any{"name": "第四听证室", "location": "三楼"}),
		"POST /cases/:id/hearings": {{form: form("starts_at", "2026-12-11T09:00", "ends_at", "11:00", "notified_on", day, "room_id", "1",
			"host_id", string(c1), "panel_ids", string(o1), "panel_ids", string(o2), "clerk_id", string(o3), "online_link", "")}},
		"POST /hearings/:id/record": {{form: form("held", "true", "reason", "", "respondent_head_attended", "false", "head_name", "",
			"head_title", "", "absence_reason", "illness", "delegate_name", "王五", "minutes", "笔录")}},
		"POST /hearings/:id/reschedule": {{form: form("starts_at", "2026-12-12T09:00", "ends_at", "11:00", "notified_on", day, "room_id", "1",
			"host_id", string(c1), "panel_ids", string(o1), "panel_ids", string(o2), "clerk_id", string(o3), "reason", "改期")}},
		"POST /hearings/:id/cancel": {{form: form("reason", "取消")}},
		"POST /reports/publish":     {{form: form("period", "2026-10", "reason", "发布")}},
		"POST /admin/users": {{form: form("username", "newuser2", "name", "新用户", "role", "officer", "window_code", "", "qualified", "on",
			"password", "long-enough-password")}},
		"POST /admin/users/:id/contacts": {{form: form("email", "a@example.gov.cn", "mobile", "13912345678")}},
		"POST /admin/users/:id/active":   {{form: form("active", "true")}},
		"POST /admin/users/:id/password": {{form: form("password", "a-reset-long-password")}},
		"POST /admin/users/:id/role":     {{form: form("role", "window", "window_code", "SFS01")}},
		"POST /account/password":         {{form: form("current_password", "not-the-password", "new_password", "a-new-long-password")}},
		"POST /admin/agencies":           {{form: form("name", "某局", "category", "公安", "level", "区级", "legal_rep", "某人", "address", "某路")}},
	}
}

func withKey(m map[string]any, k string, v any) map[string]any {
	out := map[string]any{k: v}
	for x, y := range m {
		out[x] = y
	}
	return out
}
