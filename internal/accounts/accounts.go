// Package accounts serves over HTTP login and logout (API sessions and the staff UI), the reference lists
// (windows, agencies, officers) that forms and clients need, and the bureau's administration of users and
// agencies. Its SQL lives in internal/auth and internal/directory.
package accounts

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"

	"fuyi/internal/apperr"
	"fuyi/internal/auth"
	"fuyi/internal/directory"
	"fuyi/internal/web"
)

// Handler serves the account endpoints.
type Handler struct {
	DB           *sqlx.DB
	Sessions     *auth.Sessions
	CookieSecure bool
}

// RuleOwnPassword: every staff member changes their own password (page and API); RuleLogout ends one's
// session.
var (
	RuleOwnPassword = web.NewRule("account.password")
	RuleLogout      = web.NewRule("session.end")
)

// Routes lists the URLs of this feature.
func (h *Handler) Routes(r *web.Router) {
	const api = "/api/v1"
	r.Public(fiber.MethodPost, api+"/sessions", h.apiLogin)
	r.Action(fiber.MethodDelete, api+"/sessions/current", h.apiLogout, RuleLogout)
	r.Staff(fiber.MethodGet, api+"/me", h.apiMe)
	r.Staff(fiber.MethodGet, api+"/windows", h.apiWindows)
	r.Staff(fiber.MethodGet, api+"/agencies", h.apiAgencies)
	r.Staff(fiber.MethodGet, api+"/officers", h.apiOfficers)
	r.Public(fiber.MethodGet, "/login", h.pageLogin)
	r.Public(fiber.MethodPost, "/login", h.pageLoginSubmit)
	r.Action(fiber.MethodPost, "/logout", h.pageLogout, RuleLogout)
	r.Action(fiber.MethodPut, api+"/me/password", h.apiOwnPassword, RuleOwnPassword)
	r.Staff(fiber.MethodGet, "/account/password", h.pageOwnPassword)
	r.Action(fiber.MethodPost, "/account/password", h.pageOwnPasswordSubmit, RuleOwnPassword)
}

func (h *Handler) apiLogin(c *fiber.Ctx) error {
	var in loginInput
	if err := sameOrigin(c); err != nil {
		return err
	}
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	s, err := h.Sessions.Login(c.UserContext(), strings.TrimSpace(in.Username), in.Password, web.ClientIP(c), "api")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, "/api/v1/sessions/current")
	return c.Status(fiber.StatusCreated).JSON(loginAnswer{Token: s.Token, User: s.User})
}

func (h *Handler) apiLogout(c *fiber.Ctx) error {
	if err := h.Sessions.Logout(c.UserContext(), web.CurrentSession(c).Token); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handler) apiMe(c *fiber.Ctx) error { return c.JSON(web.CurrentUser(c)) }

func (h *Handler) apiWindows(c *fiber.Ctx) error {
	ws, err := directory.NewStore(h.DB).Windows(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(web.List[directory.Window]{Items: ws, Total: len(ws)})
}

func (h *Handler) apiAgencies(c *fiber.Ctx) error {
	as, err := directory.NewStore(h.DB).Agencies(c.UserContext(), true)
	if err != nil {
		return err
	}
	return c.JSON(web.List[directory.Agency]{Items: as, Total: len(as)})
}

func (h *Handler) apiOfficers(c *fiber.Ctx) error {
	us, err := auth.NewStore(h.DB).ByRole(c.UserContext(), auth.RoleOfficer)
	if err != nil {
		return err
	}
	out := make([]officer, 0, len(us))
	for _, u := range us {
		out = append(out, officer{u.ID, u.Username, u.Name, u.Qualified})
	}
	return c.JSON(web.List[officer]{Items: out, Total: len(out)})
}

// SafeNext keeps post-login redirects on this site: only a path of this origin ("/cases?x=1") is kept,
// anything a browser could read as another site is "/" — absolute URLs, scheme-relative "//evil", and
// "/\evil" (browsers treat a backslash as a slash), control characters and whitespace included.
func SafeNext(next string) string {
	if len(next) < 1 || next[0] != '/' || len(next) > 2000 {
		return "/"
	}
	if len(next) > 1 && (next[1] == '/' || next[1] == '\\') {
		return "/"
	}
	for _, r := range next {
		if r == '\\' || r <= 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.IsAbs() || u.Host != "" || u.Scheme != "" || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	return next
}

// ErrCrossSiteLogin refuses a login form posted from another site (login CSRF: a page elsewhere logging the
// browser in to an account of the attacker's choosing).
var ErrCrossSiteLogin = apperr.New(apperr.Forbidden, "login.cross_site", "登录请求来自其他网站，已拒绝；请在本系统的登录页面登录")

// sameOrigin is the login CSRF check: a browser says where a post comes from (Sec-Fetch-Site, Origin);
// a post from another site is refused. Clients that send neither (scripts, the API) are not browsers
// carrying someone's cookies and pass.
func sameOrigin(c *fiber.Ctx) error {
	switch c.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return ErrCrossSiteLogin
	}
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" {
		return nil
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || !strings.EqualFold(u.Host, c.Hostname()) {
		return ErrCrossSiteLogin
	}
	return nil
}

func (h *Handler) pageLogin(c *fiber.Ctx) error {
	if web.CurrentUser(c) != nil {
		return c.Redirect(SafeNext(c.Query("next")))
	}
	return web.Render(c, "login", fiber.Map{"Title": "登录", "Next": SafeNext(c.Query("next"))})
}

func (h *Handler) pageLoginSubmit(c *fiber.Ctx) error {
	if err := sameOrigin(c); err != nil {
		return err
	}
	username := strings.TrimSpace(c.FormValue("username"))
	s, err := h.Sessions.Login(c.UserContext(), username, c.FormValue("password"), web.ClientIP(c), "web")
	if err != nil {
		if e, status, ok := web.Classify(err); ok && (status == fiber.StatusUnauthorized || status == fiber.StatusTooManyRequests) {
			if status == fiber.StatusTooManyRequests {
				web.SetRetryAfter(c, e)
			}
			c.Status(status)
			return web.Render(c, "login", fiber.Map{"Title": "登录", "Error": e.Message, "Username": username, "Next": SafeNext(c.FormValue("next"))})
		}
		return err
	}
	web.SetSessionCookie(c, s.Token, h.Sessions.TTL, h.CookieSecure)
	return c.Redirect(SafeNext(c.FormValue("next")), fiber.StatusSeeOther)
}

func (h *Handler) pageLogout(c *fiber.Ctx) error {
	if s := web.CurrentSession(c); s != nil {
		if err := h.Sessions.Logout(c.UserContext(), s.Token); err != nil {
			return err
		}
	}
	web.ClearSessionCookie(c)
	return c.Redirect("/login", fiber.StatusSeeOther)
}

// apiOwnPassword changes the caller's password; their other sessions end, this token stays valid.
func (h *Handler) apiOwnPassword(c *fiber.Ctx) error {
	var in passwordInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	if err := h.Sessions.ChangeOwnPassword(c.UserContext(), web.CurrentSession(c), in.CurrentPassword, in.NewPassword, web.ClientIP(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handler) pageOwnPassword(c *fiber.Ctx) error {
	return web.Render(c, "account_password", fiber.Map{"Title": "修改密码"})
}

func (h *Handler) pageOwnPasswordSubmit(c *fiber.Ctx) error {
	err := h.Sessions.ChangeOwnPassword(c.UserContext(), web.CurrentSession(c), c.FormValue("current_password"), c.FormValue("new_password"), web.ClientIP(c))
	if err != nil {
		return web.FormError(c, err, func(_ map[string]string, msg string) error {
			return web.Render(c, "account_password", fiber.Map{"Title": "修改密码", "Error": msg})
		})
	}
	web.Flash(c, "密码已修改，您在其他地方的登录已全部失效")
	return c.Redirect("/", fiber.StatusSeeOther)
}
