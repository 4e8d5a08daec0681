package accounts

import (
	"github.com/gofiber/fiber/v2"

	"fuyi/internal/apidoc"
	"fuyi/internal/apperr"
	"fuyi/internal/auth"
	"fuyi/internal/directory"
	"fuyi/internal/web"
)

// loginInput is the body of POST /api/v1/sessions.
type loginInput struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// loginAnswer is its answer: the bearer token and who it belongs to.
type loginAnswer struct {
	Token string     `json:"token"`
	User  *auth.User `json:"user"`
}

// passwordInput is the body of PUT /api/v1/me/password.
type passwordInput struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// resetInput is the body of PUT /api/v1/users/{id}/password.
type resetInput struct {
	Password string `json:"password"`
}

type activeInput struct {
	Active bool `json:"active"`
}

type officer struct {
	ID        int64  `json:"id"`
	Username  string `json:"username"`
	Name      string `json:"name"`
	Qualified bool   `json:"qualified"`
}

func listEnum(name string, list []string) apperr.Enum {
	e := apperr.Enum{Name: name}
	for _, v := range list {
		e.Choices = append(e.Choices, apperr.Choice{Code: v, Label: v})
	}
	return e
}

var agencyEnums = map[string]apperr.Enum{"category": listEnum("行政管理类别", directory.Categories), "level": listEnum("层级", directory.Levels)}

// API documents the routes of this package (TestOpenAPIMatchesRouteTable keeps it complete).
var API = []apidoc.Op{
	{Method: fiber.MethodPost, Path: "/api/v1/sessions", Summary: "登录，取得 Bearer 令牌",
		Description: "用户名与密码正确时答 201，token 用于其余接口的 Authorization: Bearer。同一用户名自同一地址连续失败3次后，每次尝试须等待递增的时间（1秒、2秒、4秒……至多15分钟），期间答 429 与 Retry-After（账号不会被锁定，其他地址不受影响）；同一地址15分钟内失败30次亦答 429。",
		Body:        loginInput{}, Example: map[string]any{"username": "officer1", "password": "fuyi-demo-2025"},
		Status: fiber.StatusCreated, Answer: loginAnswer{}, Errors: []int{fiber.StatusUnauthorized, fiber.StatusTooManyRequests}},
	{Method: fiber.MethodDelete, Path: "/api/v1/sessions/current", Summary: "退出登录（令牌作废）", Status: fiber.StatusNoContent},
	{Method: fiber.MethodGet, Path: "/api/v1/me", Summary: "当前用户", Answer: auth.User{}},
	{Method: fiber.MethodPut, Path: "/api/v1/me/password", Summary: "修改本人密码",
		Description: "须给出当前密码（错误答 422，连续错误按登录的延迟答 429）；成功后本人的其他登录全部失效，本令牌保留。",
		Body:        passwordInput{}, Example: map[string]any{"current_password": "fuyi-demo-2025", "new_password": "a-new-long-password"},
		Status: fiber.StatusNoContent, Errors: []int{fiber.StatusTooManyRequests}},
	{Method: fiber.MethodGet, Path: "/api/v1/windows", Summary: "司法所窗口", Answer: web.List[directory.Window]{}},
	{Method: fiber.MethodGet, Path: "/api/v1/agencies", Summary: "被申请人（行政机关），仅在用的", Answer: web.List[directory.Agency]{}},
	{Method: fiber.MethodGet, Path: "/api/v1/officers", Summary: "复议人员（角色 officer 的全部用户）",
		Description: "qualified 为 true 的人员可担任主持人、听证员、办案人员；否则只能担任记录员。", Answer: web.List[officer]{}},
	{Method: fiber.MethodGet, Path: "/api/v1/users", Summary: "全部用户", Answer: web.List[auth.User]{}},
	{Method: fiber.MethodPost, Path: "/api/v1/users", Summary: "新建用户", Body: userInput{},
		Enums:   map[string]apperr.Enum{"role": auth.RoleEnum},
		Example: map[string]any{"username": "officer9", "name": "王九", "role": "officer", "qualified": true, "password": "a-long-password-9", "email": "wang9@example.gov.cn", "mobile": "13800138009"},
		Status:  fiber.StatusCreated, Answer: auth.User{}},
	{Method: fiber.MethodPut, Path: "/api/v1/users/:id/active", Summary: "停用或恢复用户",
		Description: "停用后该用户的全部登录立即失效；不能停用自己。", Body: activeInput{}, Example: map[string]any{"active": false},
		Status: fiber.StatusNoContent},
	{Method: fiber.MethodPut, Path: "/api/v1/users/:id/role", Summary: "更改用户的角色、所属司法所与法律职业资格",
		Description: "该用户的全部登录立即失效。仍在未办结案件办案组中的办案人员、唯一在用的复议机构负责人、本人：409。",
		Body:        auth.RoleChange{}, Enums: map[string]apperr.Enum{"role": auth.RoleEnum},
		Example: map[string]any{"role": "window", "window_code": "SFS02", "qualified": false}, Answer: auth.User{}},
	{Method: fiber.MethodPut, Path: "/api/v1/users/:id/password", Summary: "重置用户密码",
		Description: "该用户的全部登录立即失效（重置本人密码时保留本次登录）。", Body: resetInput{},
		Example: map[string]any{"password": "a-reset-long-password"}, Status: fiber.StatusNoContent},
	{Method: fiber.MethodPut, Path: "/api/v1/users/:id/contacts", Summary: "设置用户的电子邮箱与手机号（提醒发往此处）",
		Description: "未给出的字段不变，空字符串删除该项。", Body: auth.Contacts{},
		Example: map[string]any{"email": "officer1@example.gov.cn", "mobile": "13800138001"}, Answer: auth.User{}},
	{Method: fiber.MethodPost, Path: "/api/v1/agencies", Summary: "新增被申请人（行政机关）", Body: directory.AgencyInput{}, Enums: agencyEnums,
		Example: map[string]any{"name": "区教育局", "category": "教育", "level": "县级部门", "legal_rep": "赵某", "legal_rep_title": "局长", "address": "某路2号"},
		Status:  fiber.StatusCreated, Answer: directory.Agency{}},
	{Method: fiber.MethodGet, Path: "/api/v1/agencies/:id", Summary: "被申请人详情", Answer: directory.Agency{}},
	{Method: fiber.MethodPut, Path: "/api/v1/agencies/:id", Summary: "修改被申请人（全部字段，含上一级主管部门 superior_id，0 为无）",
		Body: directory.AgencyInput{}, Enums: agencyEnums, Example: map[string]any{"name": "区教育局", "category": "教育", "level": "县级部门", "legal_rep": "赵某", "legal_rep_title": "局长", "address": "某路2号", "superior_id": 0},
		Answer: directory.Agency{}},
}
