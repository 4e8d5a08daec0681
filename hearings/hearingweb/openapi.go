package hearingweb

import (
	"github.com/gofiber/fiber/v2"

	"fuyi/hearings"
	"fuyi/internal/apidoc"
	"fuyi/internal/web"
)

type (
	rescheduleInput struct {
		hearings.ScheduleInput
		Reason string `json:"reason"`
	}
	cancelInput struct {
		Reason string `json:"reason"`
	}
)

var rangeQuery = []apidoc.Param{{Name: "from", Type: "date", Description: "起（默认本周一）"}, {Name: "to", Type: "date", Description: "止（默认起日后第6日，区间至多1年）"}}

var exampleSchedule = map[string]any{"starts_at": "2026-09-20T09:00:00+08:00", "ends_at": "2026-09-20T11:00:00+08:00",
	"notified_on": "2026-09-10", "location": "第二听证室", "host_id": 9, "panel_ids": []any{3, 4}, "clerk_id": 8}

// API documents the routes of this package (TestOpenAPIMatchesRouteTable keeps it complete).
var API = []apidoc.Op{
	{Method: fiber.MethodPost, Path: "/api/v1/cases/:id/hearings", Summary: "安排听证（主持人、听证员、记录员、听证室）",
		Description: "主持人与听证员须具备资格；与同一人员或听证室的其他安排冲突时答 409。", Body: hearings.ScheduleInput{},
		Example: exampleSchedule, Status: fiber.StatusCreated, Answer: hearings.Hearing{}},
	{Method: fiber.MethodGet, Path: "/api/v1/cases/:id/hearings", Summary: "案件的听证", Answer: web.List[hearings.Hearing]{}},
	{Method: fiber.MethodGet, Path: "/api/v1/hearings.ics", Summary: "听证日历（iCalendar，供日历软件订阅）",
		Description: "以 Bearer 令牌，或以个人日历链接中的 token 参数调用。",
		Params:      []apidoc.Param{{Name: "token", Description: "个人日历令牌（见网页“听证”页）"}},
		Answer:      apidoc.File{"text/calendar"}, Login: true},
	{Method: fiber.MethodPost, Path: "/api/v1/me/calendar-token", Summary: "更换本人的日历订阅地址（原地址立即失效）",
		Description: "地址泄露时使用；答新的订阅地址。窗口人员无日历订阅。", Answer: feedAnswer{}},
	{Method: fiber.MethodGet, Path: "/api/v1/hearings/rate", Summary: "听证率（期间内审结案件中举行听证的比例）",
		Params: []apidoc.Param{{Name: "from", Type: "date", Description: "起（默认今年1月1日）"}, {Name: "to", Type: "date", Description: "止（默认今天）"}},
		Answer: hearings.Rate{}},
	{Method: fiber.MethodGet, Path: "/api/v1/hearings", Summary: "听证日程（调用者可见的）", Params: rangeQuery, Answer: web.List[hearings.Hearing]{}},
	{Method: fiber.MethodGet, Path: "/api/v1/hearings/:id", Summary: "听证详情", Answer: hearings.Hearing{}},
	{Method: fiber.MethodPost, Path: "/api/v1/hearings/:id/record", Summary: "记录听证（是否举行、被申请人负责人是否参加、笔录）",
		Body:    hearings.RecordInput{},
		Example: map[string]any{"held": true, "respondent_head_attended": true, "head_name": "李局长", "head_title": "局长", "minutes": "听证笔录全文……"},
		Answer:  hearings.Hearing{}},
	{Method: fiber.MethodPost, Path: "/api/v1/hearings/:id/reschedule", Summary: "改期（原听证取消，答 201 与新的听证）", Body: rescheduleInput{},
		Example: withReason(exampleSchedule, "申请人请求改期"), Status: fiber.StatusCreated, Answer: hearings.Hearing{}},
	{Method: fiber.MethodPost, Path: "/api/v1/hearings/:id/cancel", Summary: "取消听证", Body: cancelInput{},
		Example: map[string]any{"reason": "申请人撤回申请"}, Answer: hearings.Hearing{}},
	{Method: fiber.MethodGet, Path: "/api/v1/rooms", Summary: "听证室", Answer: web.List[hearings.Room]{}},
	{Method: fiber.MethodPost, Path: "/api/v1/rooms", Summary: "新增听证室", Body: hearings.RoomInput{},
		Example: map[string]any{"name": "第三听证室", "location": "三楼"}, Status: fiber.StatusCreated, Answer: hearings.Room{}},
	{Method: fiber.MethodPut, Path: "/api/v1/rooms/:rid", Summary: "修改听证室名称与位置", Body: hearings.RoomInput{},
		Example: map[string]any{"name": "第三听证室", "location": "三楼东侧"}, Answer: hearings.Room{}},
	{Method: fiber.MethodPost, Path: "/api/v1/rooms/:rid/retire", Summary: "停用听证室（不再供排期选择）",
		Description: "今后仍有排定的听证时答 409；已举行的听证记录不变。", Status: fiber.StatusNoContent},
}

func withReason(m map[string]any, reason string) map[string]any {
	out := map[string]any{"reason": reason}
	for k, v := range m {
		out[k] = v
	}
	return out
}
