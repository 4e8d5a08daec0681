package web

import (
	"crypto/subtle"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"fuyi/internal/apperr"
	"fuyi/internal/auth"
	"fuyi/internal/database"
)

// SessionCookie is the staff UI session cookie.
const SessionCookie = "fuyi_session"

// Authenticate loads the session from a Bearer token (API) or the session cookie (UI). It never fails the
// request itself; RequireLogin does.
func Authenticate(sessions *auth.Sessions) fiber.Handler {
	return func(c *fiber.Ctx) error {
		token, viaCookie := "", false
		if h := c.Get(fiber.HeaderAuthorization); strings.HasPrefix(h, "Bearer ") {
			token = strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
		} else if ck := c.Cookies(SessionCookie); ck != "" {
			token, viaCookie = ck, true
		}
		if token == "" {
			return c.Next()
		}
		s, err := sessions.Find(c.UserContext(), token)
		if err != nil {
			if e, ok := apperr.As(err); ok && e.Kind == apperr.Unauthorized {
				return c.Next()
			}
			return err
		}
		c.Locals("session", s)
		c.Locals("via_cookie", viaCookie)
		// from here on every statement of the request sees only the user's organ (row-level security)
		c.SetUserContext(database.WithOrgan(c.UserContext(), s.User.OrganID))
		return c.Next()
	}
}

// RequireLogin answers 401 (API) or redirects to the login page (UI) when nobody is logged in.
func RequireLogin(c *fiber.Ctx) error {
	if CurrentUser(c) == nil {
		return auth.ErrNotLoggedIn
	}
	return c.Next()
}

// ErrForbidden is the answer when the role may not do an action.
var ErrForbidden = apperr.New(apperr.Forbidden, "forbidden", "您的角色无权进行此操作")

// Require allows only the given roles (after RequireLogin).
func Require(roles ...auth.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u := CurrentUser(c)
		if u == nil {
			return auth.ErrNotLoggedIn
		}
		if !u.Is(roles...) {
			return ErrForbidden
		}
		return c.Next()
	}
}

// ErrCSRF is the answer to a form post without the right token.
var ErrCSRF = apperr.New(apperr.Forbidden, "csrf.invalid", "页面已过期或来源不明，请刷新页面后重新提交")

// CSRF checks the token of unsafe requests authenticated by the session cookie. Bearer-token API calls
// carry no ambient credentials and need no token.
func CSRF(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	viaCookie, _ := c.Locals("via_cookie").(bool)
	s := CurrentSession(c)
	if s == nil || !viaCookie {
		return c.Next()
	}
	sent := c.FormValue("_csrf")
	if sent == "" {
		sent = c.Get("X-CSRF-Token")
	}
	if subtle.ConstantTimeCompare([]byte(sent), []byte(s.CSRF)) != 1 {
		return ErrCSRF
	}
	return c.Next()
}

// SetSessionCookie stores the UI session token.
func SetSessionCookie(c *fiber.Ctx, token string, ttl time.Duration, secure bool) {
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: token, Path: "/", HTTPOnly: true, Secure: secure,
		SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Now().Add(ttl)})
}

// ClearSessionCookie removes it.
func ClearSessionCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: "", Path: "/", HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Unix(1, 0), MaxAge: -1})
}

// HSTS is the Strict-Transport-Security of a site served over HTTPS only (FUYI_COOKIE_SECURE=true).
const HSTS = "max-age=31536000; includeSubDomains"

// SecurityHeaders sets conservative headers on every response, static files included; secure (the site is
// served over HTTPS only, FUYI_COOKIE_SECURE) adds Strict-Transport-Security.
func SecurityHeaders(secure bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Set("X-Content-Type-Options", "nosniff")
		c.Set("X-Frame-Options", "DENY")
		c.Set("Referrer-Policy", "same-origin")
		c.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'")
		if secure {
			c.Set(fiber.HeaderStrictTransportSecurity, HSTS)
		}
		return c.Next()
	}
}

// NoStore keeps answers to logged-in staff out of every cache (browser history, shared proxies): they carry
// personal data. Handlers that allow caching set their own Cache-Control after it.
func NoStore(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Next()
}
