package accounts

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fuyi/internal/apperr"
	"fuyi/internal/auth"
	"fuyi/internal/directory"
	"fuyi/internal/web"
)

// The rules of the bureau's administration, each shared by the API route and the page form.
var (
	RuleResetPassword = web.NewRule("user.password_reset", auth.RoleBureau)
	RuleCreateUser    = web.NewRule("user.create", auth.RoleBureau)
	RuleUserActive    = web.NewRule("user.active", auth.RoleBureau)
	RuleUserContacts  = web.NewRule("user.contacts", auth.RoleBureau)
	RuleUserRole      = web.NewRule("user.role", auth.RoleBureau)
	RuleCreateAgency  = web.NewRule("agency.create", auth.RoleBureau)
	RuleUpdateAgency  = web.NewRule("agency.update", auth.RoleBureau)
)

// AdminRoutes lists the bureau's administration URLs.
func (h *Handler) AdminRoutes(r *web.Router) {
	B := auth.RoleBureau
	r.Staff(fiber.MethodGet, "/api/v1/users", h.apiUsers, B)
	r.Action(fiber.MethodPost, "/api/v1/users", h.apiAddUser, RuleCreateUser)
	r.Action(fiber.MethodPut, "/api/v1/users/:id/active", h.apiUserActive, RuleUserActive)
	r.Action(fiber.MethodPut, "/api/v1/users/:id/contacts", h.apiUserContacts, RuleUserContacts)
	r.Action(fiber.MethodPost, "/admin/users/:id/contacts", h.pageUserContacts, RuleUserContacts)
	r.Action(fiber.MethodPost, "/admin/users/:id/active", h.pageUserActive, RuleUserActive)
	r.Action(fiber.MethodPut, "/api/v1/users/:id/role", h.apiUserRole, RuleUserRole)
	r.Action(fiber.MethodPost, "/admin/users/:id/role", h.pageUserRole, RuleUserRole)
	r.Action(fiber.MethodPut, "/api/v1/users/:id/password", h.apiUserPassword, RuleResetPassword)
	r.Action(fiber.MethodPost, "/admin/users/:id/password", h.pageUserPassword, RuleResetPassword)
	r.Action(fiber.MethodPost, "/api/v1/agencies", h.apiAddAgency, RuleCreateAgency)
	r.Staff(fiber.MethodGet, "/admin/users", h.pageUsers, B)
	r.Action(fiber.MethodPost, "/admin/users", h.pageAddUser, RuleCreateUser)
	r.Staff(fiber.MethodGet, "/admin/agencies", h.pageAgencies, B)
	r.Action(fiber.MethodPost, "/admin/agencies", h.pageAddAgency, RuleCreateAgency)
	r.Staff(fiber.MethodGet, "/api/v1/agencies/:id", h.apiAgency, B)
	r.Action(fiber.MethodPut, "/api/v1/agencies/:id", h.apiUpdateAgency, RuleUpdateAgency)
	r.Staff(fiber.MethodGet, "/admin/agencies/:id", h.pageAgency, B)
	r.Action(fiber.MethodPost, "/admin/agencies/:id", h.pageUpdateAgency, RuleUpdateAgency)
}

type userInput struct {
	Username   string `json:"username"`
	Name       string `json:"name"`
	Role       string `json:"role"`
	WindowCode string `json:"window_code"`
	Qualified  bool   `json:"qualified"`
	Password   string `json:"password"`
	Email      string `json:"email"`
	Mobile     string `json:"mobile"`
}

func (h *Handler) addUser(c *fiber.Ctx, in userInput) (int64, error) {
	exists, err := auth.NewStore(h.DB).UsernameTaken(c.UserContext(), strings.TrimSpace(in.Username))
	if err != nil {
		return 0, err
	}
	if exists {
		return 0, auth.ErrUserExists(strings.TrimSpace(in.Username))
	}
	// the contacts are checked first, so a refused address creates no user
	f := apperr.Fields{}
	if msg := auth.CheckEmail(strings.TrimSpace(in.Email)); msg != "" {
		f.Add("email", "%s", msg)
	}
	if msg := auth.CheckMobile(strings.TrimSpace(in.Mobile)); msg != "" {
		f.Add("mobile", "%s", msg)
	}
	if err := f.Err(); err != nil {
		return 0, err
	}
	st := auth.NewStore(h.DB)
	id, err := st.Create(c.UserContext(), auth.NewUser{Username: strings.TrimSpace(in.Username), Name: strings.TrimSpace(in.Name),
		Role: auth.Role(in.Role), WindowCode: strings.TrimSpace(in.WindowCode), Qualified: in.Qualified, Password: in.Password})
	if err != nil {
		return 0, err
	}
	return id, st.SetContacts(c.UserContext(), id, auth.Contacts{Email: &in.Email, Mobile: &in.Mobile})
}

// apiUserContacts sets a user's e-mail (where the alerts go) and mobile number; a field left out is unchanged,
// "" removes it.
func (h *Handler) apiUserContacts(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", auth.ErrUserNotFound)
	if err != nil {
		return err
	}
	var in auth.Contacts
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	st := auth.NewStore(h.DB)
	if err := st.SetContacts(c.UserContext(), id, in); err != nil {
		return err
	}
	u, err := st.ByID(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(u)
}

// rowResult answers a form of a user's row: a refusal on the page itself (422, the error box naming the
// fields), success as a flash after the redirect.
func (h *Handler) rowResult(c *fiber.Ctx, err error, ok string) error {
	if err != nil {
		// the message in the error box; each field's own message beside it in the row's form, as typed
		return web.FormError(c, err, func(_ map[string]string, msg string) error { return h.renderUsers(c, msg) })
	}
	web.Flash(c, ok)
	return c.Redirect("/admin/users", fiber.StatusSeeOther)
}

func (h *Handler) pageUserContacts(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", auth.ErrUserNotFound)
	if err != nil {
		return err
	}
	email, mobile := c.FormValue("email"), c.FormValue("mobile")
	err = auth.NewStore(h.DB).SetContacts(c.UserContext(), id, auth.Contacts{Email: &email, Mobile: &mobile})
	return h.rowResult(c, err, "联系方式已保存")
}

// pageUserActive deactivates (ending the user's sessions at once) or re-activates a user.
func (h *Handler) pageUserActive(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", auth.ErrUserNotFound)
	if err != nil {
		return err
	}
	active := c.FormValue("active") == "true"
	if id == web.CurrentUser(c).ID && !active {
		return h.rowResult(c, apperr.State("user.self", "不能停用自己的账号"), "")
	}
	msg := "已停用，该用户的登录已全部失效"
	if active {
		msg = "已恢复启用"
	}
	return h.rowResult(c, auth.SetActive(c.UserContext(), h.DB, id, active), msg)
}

// changeRole gives a user another role, window and qualification (never the bureau's own: it would lock
// itself out of this page); the user's sessions end.
func (h *Handler) changeRole(c *fiber.Ctx, id int64, ch auth.RoleChange) error {
	if id == web.CurrentUser(c).ID {
		return &apperr.Error{Kind: apperr.Conflict, Code: "user.self", Message: "不能更改自己的角色", Fields: map[string]string{"role": "不能更改自己的角色"}}
	}
	return auth.ChangeRole(c.UserContext(), h.DB, id, ch)
}

func (h *Handler) apiUserRole(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", auth.ErrUserNotFound)
	if err != nil {
		return err
	}
	var in auth.RoleChange
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	if err := h.changeRole(c, id, in); err != nil {
		return err
	}
	u, err := auth.NewStore(h.DB).ByID(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(u)
}

func (h *Handler) pageUserRole(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", auth.ErrUserNotFound)
	if err != nil {
		return err
	}
	ch := auth.RoleChange{Role: auth.Role(c.FormValue("role")), WindowCode: c.FormValue("window_code"), Qualified: c.FormValue("qualified") == "on"}
	return h.rowResult(c, h.changeRole(c, id, ch), "角色已更改，该用户须重新登录")
}

// resetPassword sets a user's password: every session of the user ends (the bureau's own current one
// stays when it resets its own).
func (h *Handler) resetPassword(c *fiber.Ctx, id int64, pw string) error {
	keep := ""
	if s := web.CurrentSession(c); s != nil && s.User.ID == id {
		keep = s.Token
	}
	return auth.NewStore(h.DB).SetPasswordExcept(c.UserContext(), id, pw, keep)
}

func (h *Handler) apiUserPassword(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", auth.ErrUserNotFound)
	if err != nil {
		return err
	}
	var in resetInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	if err := h.resetPassword(c, id, in.Password); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handler) pageUserPassword(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", auth.ErrUserNotFound)
	if err != nil {
		return err
	}
	return h.rowResult(c, h.resetPassword(c, id, c.FormValue("password")), "密码已重置，该用户的登录已全部失效")
}

func (h *Handler) apiUsers(c *fiber.Ctx) error {
	us, err := auth.NewStore(h.DB).All(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(web.List[auth.User]{Items: us, Total: len(us)})
}

func (h *Handler) apiAddUser(c *fiber.Ctx) error {
	var in userInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	id, err := h.addUser(c, in)
	if err != nil {
		return err
	}
	u, err := auth.NewStore(h.DB).ByID(c.UserContext(), id)
	if err != nil {
		return err
	}
	return web.Created(c, "/api/v1/users", u)
}

// apiUserActive enables or disables a user; disabling ends the user's sessions at once.
func (h *Handler) apiUserActive(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", auth.ErrUserNotFound)
	if err != nil {
		return err
	}
	var in activeInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	if id == web.CurrentUser(c).ID && !in.Active {
		return apperr.State("user.self", "不能停用自己的账号")
	}
	if err := auth.SetActive(c.UserContext(), h.DB, id, in.Active); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handler) apiAddAgency(c *fiber.Ctx) error {
	var in directory.AgencyInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	a, err := directory.NewStore(h.DB).AddAgency(c.UserContext(), in)
	if err != nil {
		return err
	}
	return web.Created(c, "/api/v1/agencies", a)
}

func (h *Handler) pageUsers(c *fiber.Ctx) error {
	return h.renderUsers(c, "")
}

func (h *Handler) renderUsers(c *fiber.Ctx, msg string) error {
	us, err := auth.NewStore(h.DB).All(c.UserContext())
	if err != nil {
		return err
	}
	return web.Render(c, "admin_users", fiber.Map{"Title": "用户管理", "Users": us, "Error": msg})
}

// pageAddUser creates a user; a refusal comes back on the page in the error box, once, with the form as
// typed and each message beside its field.
func (h *Handler) pageAddUser(c *fiber.Ctx) error {
	_, err := h.addUser(c, userInput{Username: c.FormValue("username"), Name: c.FormValue("name"), Role: c.FormValue("role"),
		WindowCode: c.FormValue("window_code"), Qualified: c.FormValue("qualified") == "on", Password: c.FormValue("password"),
		Email: c.FormValue("email"), Mobile: c.FormValue("mobile")})
	if err != nil {
		return web.FormError(c, err, func(_ map[string]string, msg string) error { return h.renderUsers(c, msg) })
	}
	web.Flash(c, "用户已创建")
	return c.Redirect("/admin/users", fiber.StatusSeeOther)
}

func agencyID(c *fiber.Ctx) (int, error) {
	return web.ParamInt(c, "id", 1, web.MaxInt32, directory.ErrAgencyNotFound)
}

func (h *Handler) apiAgency(c *fiber.Ctx) error {
	id, err := agencyID(c)
	if err != nil {
		return err
	}
	a, err := directory.NewStore(h.DB).Agency(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(a)
}

// apiUpdateAgency saves every field of an agency, its 上一级主管部门 (superior_id, 0: none) included.
func (h *Handler) apiUpdateAgency(c *fiber.Ctx) error {
	id, err := agencyID(c)
	if err != nil {
		return err
	}
	var in directory.AgencyInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	a, err := directory.NewStore(h.DB).UpdateAgency(c.UserContext(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(a)
}

func (h *Handler) renderAgency(c *fiber.Ctx, a directory.Agency, fields map[string]string, msg string) error {
	as, err := directory.NewStore(h.DB).Agencies(c.UserContext(), false)
	if err != nil {
		return err
	}
	others := make([]directory.Agency, 0, len(as))
	for _, x := range as {
		if x.ID != a.ID {
			others = append(others, x)
		}
	}
	sup := 0
	if a.SuperiorID != nil {
		sup = *a.SuperiorID
	}
	return web.Render(c, "admin_agency", fiber.Map{"Title": "编辑行政机关：" + a.Name, "A": a, "Sup": sup, "Others": others, "Fields": fields, "Error": msg,
		"Categories": directory.Categories, "Levels": directory.Levels})
}

func (h *Handler) pageAgency(c *fiber.Ctx) error {
	id, err := agencyID(c)
	if err != nil {
		return err
	}
	a, err := directory.NewStore(h.DB).Agency(c.UserContext(), id)
	if err != nil {
		return err
	}
	return h.renderAgency(c, a, nil, "")
}

// pageUpdateAgency saves the edit form; after an error the form shows what was typed.
func (h *Handler) pageUpdateAgency(c *fiber.Ctx) error {
	id, err := agencyID(c)
	if err != nil {
		return err
	}
	st := directory.NewStore(h.DB)
	cur, err := st.Agency(c.UserContext(), id)
	if err != nil {
		return err
	}
	in := directory.AgencyInput{Name: c.FormValue("name"), Category: c.FormValue("category"), Level: c.FormValue("level"),
		LegalRep: c.FormValue("legal_rep"), RepTitle: c.FormValue("legal_rep_title"), Address: c.FormValue("address")}
	active := c.FormValue("active") == "on"
	in.Active = &active
	typed := directory.Agency{ID: id, Name: in.Name, Category: in.Category, Level: in.Level, LegalRep: in.LegalRep, RepTitle: in.RepTitle,
		Address: in.Address, Active: active}
	if in.SuperiorID = formInt(c.FormValue("superior_id")); in.SuperiorID > 0 {
		typed.SuperiorID = &in.SuperiorID
	}
	if _, err := st.UpdateAgency(c.UserContext(), id, in); err != nil {
		return web.FormError(c, err, func(f map[string]string, m string) error { return h.renderAgency(c, typed, f, m) })
	}
	web.Flash(c, "已保存“"+cur.Name+"”")
	return c.Redirect("/admin/agencies", fiber.StatusSeeOther)
}

func (h *Handler) pageAgencies(c *fiber.Ctx) error {
	return h.renderAgencies(c, "")
}

func (h *Handler) renderAgencies(c *fiber.Ctx, msg string) error {
	as, err := directory.NewStore(h.DB).Agencies(c.UserContext(), false)
	if err != nil {
		return err
	}
	return web.Render(c, "admin_agencies", fiber.Map{"Title": "行政机关目录", "Agencies": as, "Categories": directory.Categories,
		"Levels": directory.Levels, "Error": msg})
}

// pageAddAgency adds an agency; a refusal comes back on the page in the error box, the form as typed and
// each message beside its field (never in the success box).
func (h *Handler) pageAddAgency(c *fiber.Ctx) error {
	_, err := directory.NewStore(h.DB).AddAgency(c.UserContext(), directory.AgencyInput{Name: c.FormValue("name"), Category: c.FormValue("category"),
		Level: c.FormValue("level"), LegalRep: c.FormValue("legal_rep"), RepTitle: c.FormValue("legal_rep_title"), Address: c.FormValue("address"),
		SuperiorID: formInt(c.FormValue("superior_id"))})
	if err != nil {
		return web.FormError(c, err, func(_ map[string]string, msg string) error { return h.renderAgencies(c, msg) })
	}
	web.Flash(c, "“"+strings.TrimSpace(c.FormValue("name"))+"”已加入行政机关目录")
	return c.Redirect("/admin/agencies", fiber.StatusSeeOther)
}

// formInt reads an optional id of a form (anything not a positive number: none, i.e. -1 which the rules refuse).
func formInt(v string) int {
	if v == "" || v == "0" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return -1
	}
	return n
}
