package web

import (
	"github.com/gofiber/fiber/v2"

	"fuyi/internal/auth"
)

// Route is one entry of the route table; the table drives the authorization tests.
type Route struct {
	Method string
	Path   string
	Roles  []auth.Role // nil: any logged-in staff member
	Public bool
}

// Router registers routes on the app and keeps the table of contents.
type Router struct {
	App    *fiber.App
	Routes []Route
	Bodies *BodyLimits // the body allowances the app's Gate enforces
}

// NewRouter registers on app; bodies must be the BodyLimits given to New (nil: AllowBody panics).
func NewRouter(app *fiber.App, bodies *BodyLimits) *Router { return &Router{App: app, Bodies: bodies} }

// AllowBody lets the route method+path take request bodies up to limit bytes instead of the default
// FUYI_BODY_LIMIT_KB (file uploads). Declare it beside the route's registration; see BodyLimits.
func (r *Router) AllowBody(method, path string, limit int) {
	r.Bodies.Allow(method, path, limit)
}

// AllRoles is every staff role.
var AllRoles = []auth.Role{auth.RoleWindow, auth.RoleOfficer, auth.RoleChief, auth.RoleBureau}

// Staff registers a route for logged-in staff with one of roles (all staff when none given). Unsafe
// methods authenticated by cookie must carry the CSRF token.
func (r *Router) Staff(method, path string, h fiber.Handler, roles ...auth.Role) {
	r.Routes = append(r.Routes, Route{Method: method, Path: path, Roles: roles})
	chain := []fiber.Handler{RequireLogin}
	if len(roles) > 0 {
		chain = append(chain, Require(roles...))
	}
	chain = append(chain, CSRF, h)
	r.App.Add(method, path, chain...)
}

// Public registers a route anyone may call.
func (r *Router) Public(method, path string, h fiber.Handler) {
	r.Routes = append(r.Routes, Route{Method: method, Path: path, Public: true})
	r.App.Add(method, path, CSRF, h)
}
