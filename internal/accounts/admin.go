package accounts

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"fuyi/internal/apperr"
	"fuyi/internal/auth"
	"fuyi/internal/database"
	"fuyi/internal/web"
)

// Categories and levels of the agency directory (DOMAIN.md §8).
var (
	Categories = []string{"公安", "自然资源", "市场监管", "人社", "住建", "生态环境", "交通运输", "农业农村", "卫生健康", "教育",
		"民政", "税务", "财政", "应急管理", "城管/综合执法", "乡镇(街道)", "其他"}
	Levels = []string{"乡镇", "县级部门", "县级政府", "市级部门", "市级政府", "省级部门", "其他"}
)

func oneOf(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// AdminRoutes lists the bureau's administration URLs.
func (h *Handler) AdminRoutes(r *web.Router) {
	B := auth.RoleBureau
	r.Staff(fiber.MethodGet, "/api/v1/users", h.apiUsers, B)
	r.Staff(fiber.MethodPost, "/api/v1/users", h.apiAddUser, B)
	r.Staff(fiber.MethodPut, "/api/v1/users/:id/active", h.apiUserActive, B)
	r.Staff(fiber.MethodPost, "/api/v1/agencies", h.apiAddAgency, B)
	r.Staff(fiber.MethodGet, "/admin/users", h.pageUsers, B)
	r.Staff(fiber.MethodPost, "/admin/users", h.pageAddUser, B)
	r.Staff(fiber.MethodGet, "/admin/agencies", h.pageAgencies, B)
	r.Staff(fiber.MethodPost, "/admin/agencies", h.pageAddAgency, B)
}

type userInput struct {
	Username   string `json:"username"`
	Name       string `json:"name"`
	Role       string `json:"role"`
	WindowCode string `json:"window_code"`
	Qualified  bool   `json:"qualified"`
	Password   string `json:"password"`
}

func (h *Handler) addUser(c *fiber.Ctx, in userInput) (int64, error) {
	var exists bool
	h.DB.GetContext(c.UserContext(), &exists, `SELECT EXISTS (SELECT 1 FROM users WHERE username = $1)`, strings.TrimSpace(in.Username))
	if exists {
		return 0, apperr.State("user.exists", "用户名%s已存在", in.Username)
	}
	return auth.NewStore(h.DB).Upsert(c.UserContext(), auth.NewUser{Username: strings.TrimSpace(in.Username), Name: strings.TrimSpace(in.Name),
		Role: auth.Role(in.Role), WindowCode: strings.TrimSpace(in.WindowCode), Qualified: in.Qualified, Password: in.Password})
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
	return c.Status(fiber.StatusCreated).JSON(u)
}

// apiUserActive enables or disables a user; disabling ends the user's sessions at once.
func (h *Handler) apiUserActive(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", auth.ErrUserNotFound)
	if err != nil {
		return err
	}
	var in struct {
		Active bool `json:"active"`
	}
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	if id == web.CurrentUser(c).ID && !in.Active {
		return apperr.State("user.self", "不能停用自己的账号")
	}
	res, err := h.DB.ExecContext(c.UserContext(), `UPDATE users SET active = $2 WHERE id = $1`, id, in.Active)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return auth.ErrUserNotFound
	}
	if !in.Active {
		h.DB.ExecContext(c.UserContext(), `DELETE FROM sessions WHERE user_id = $1`, id)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type agencyInput struct {
	Name     string `json:"name"`
	Category string `json:"category"`
	Level    string `json:"level"`
	LegalRep string `json:"legal_rep"`
	RepTitle string `json:"legal_rep_title"` // 职务
	Address  string `json:"address"`
}

func (h *Handler) addAgency(c *fiber.Ctx, in agencyInput) (int, error) {
	f := apperr.Fields{}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 100 {
		f.Add("name", "机关名称不能为空，且不超过100字")
	}
	if !oneOf(Categories, in.Category) {
		f.Add("category", "行政管理类别须为：%s", strings.Join(Categories, "、"))
	}
	if !oneOf(Levels, in.Level) {
		f.Add("level", "层级须为：%s", strings.Join(Levels, "、"))
	}
	if utf8.RuneCountInString(in.RepTitle) > 50 {
		f.Add("legal_rep_title", "法定代表人职务不超过50字")
	}
	if utf8.RuneCountInString(in.LegalRep) > 50 || utf8.RuneCountInString(in.Address) > 200 {
		f.Add("address", "法定代表人不超过50字，住所不超过200字")
	}
	if err := f.Err(); err != nil {
		return 0, err
	}
	var id int
	err := h.DB.GetContext(c.UserContext(), &id, `INSERT INTO agencies (name, category, level, legal_rep, address, legal_rep_title) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		in.Name, in.Category, in.Level, strings.TrimSpace(in.LegalRep), strings.TrimSpace(in.Address), strings.TrimSpace(in.RepTitle))
	if name, _ := database.Constraint(err); name == "agencies_name_key" {
		return 0, apperr.State("agency.exists", "机关“%s”已在目录中", in.Name)
	}
	return id, err
}

func (h *Handler) apiAddAgency(c *fiber.Ctx) error {
	var in agencyInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	id, err := h.addAgency(c, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(Agency{ID: id, Name: strings.TrimSpace(in.Name), Category: in.Category, Level: in.Level, LegalRep: in.LegalRep, Address: in.Address})
}

func (h *Handler) pageUsers(c *fiber.Ctx) error {
	us, err := auth.NewStore(h.DB).All(c.UserContext())
	if err != nil {
		return err
	}
	return web.Render(c, "admin_users", fiber.Map{"Title": "用户管理", "Users": us})
}

func (h *Handler) pageAddUser(c *fiber.Ctx) error {
	_, err := h.addUser(c, userInput{Username: c.FormValue("username"), Name: c.FormValue("name"), Role: c.FormValue("role"),
		WindowCode: c.FormValue("window_code"), Qualified: c.FormValue("qualified") == "on", Password: c.FormValue("password")})
	msg := "用户已创建"
	if e, ok := apperr.As(err); ok {
		msg = e.Message
		for _, v := range e.Fields {
			msg += "；" + v
		}
	} else if err != nil {
		return err
	}
	web.Flash(c, msg)
	return c.Redirect("/admin/users", fiber.StatusSeeOther)
}

func (h *Handler) pageAgencies(c *fiber.Ctx) error {
	var as []Agency
	if err := h.DB.SelectContext(c.UserContext(), &as, `SELECT id, name, category, level, legal_rep, address FROM agencies ORDER BY category, id`); err != nil {
		return err
	}
	return web.Render(c, "admin_agencies", fiber.Map{"Title": "行政机关目录", "Agencies": as, "Categories": Categories, "Levels": Levels})
}

func (h *Handler) pageAddAgency(c *fiber.Ctx) error {
	_, err := h.addAgency(c, agencyInput{Name: c.FormValue("name"), Category: c.FormValue("category"), Level: c.FormValue("level"),
		LegalRep: c.FormValue("legal_rep"), RepTitle: c.FormValue("legal_rep_title"), Address: c.FormValue("address")})
	msg := "已加入行政机关目录"
	if e, ok := apperr.As(err); ok {
		msg = e.Message
	} else if err != nil {
		return err
	}
	web.Flash(c, fmt.Sprint(msg))
	return c.Redirect("/admin/agencies", fiber.StatusSeeOther)
}
