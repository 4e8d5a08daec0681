package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"fuyi/internal/auth"
)

// Route is one entry of the route table; the table drives the authorization tests.
type Route struct {
	Method string
	Path   string
	Roles  []auth.Role // nil: any logged-in staff member of a case-handling organ
	Public bool
	// Rule is the authorization rule of the action the route does (Action); Rules those of a route whose
	// :action parameter names the action (Actions). A page route and an API route doing the same action
	// carry the same Rule, so they cannot drift apart.
	Rule  *Rule
	Rules map[string]Rule
	// Idempotent: the route takes an Idempotency-Key (every POST of the API; see idempotent)
	Idempotent bool
	// Section: a page of an organ's section of the public site (?organ=code)
	Section bool
}

// Rule is who may do one action, shared by every route that does it (the page form and the API).
type Rule struct {
	Name  string      // the action, e.g. "publication.block"
	Roles []auth.Role // the roles that may do it; nil: any logged-in staff member
}

// NewRule names an action and the roles that may do it.
func NewRule(name string, roles ...auth.Role) Rule { return Rule{Name: name, Roles: roles} }

// Action registers a staff route doing one action under its shared rule.
func (r *Router) Action(method, path string, h fiber.Handler, rule Rule) {
	r.Staff(method, path, h, rule.Roles...)
	r.Routes[len(r.Routes)-1].Rule = &rule
}

// Actions registers a staff route whose :action parameter names the action (the forms of a page posting
// to /cases/:id/actions/:action), each action under its shared rule: the route admits the roles of any of
// them, then the named action's rule decides (403), and an action not in rules is 404.
func (r *Router) Actions(method, path string, h fiber.Handler, rules map[string]Rule) {
	var union []auth.Role
	seen := map[auth.Role]bool{}
	anyone := false
	for _, ru := range rules {
		anyone = anyone || len(ru.Roles) == 0
		for _, x := range ru.Roles {
			if !seen[x] {
				seen[x] = true
				union = append(union, x)
			}
		}
	}
	r.Staff(method, path, func(c *fiber.Ctx) error {
		ru, ok := rules[c.Params("action")]
		if !ok {
			return fiber.ErrNotFound
		}
		if len(ru.Roles) > 0 && !CurrentUser(c).Is(ru.Roles...) {
			return ErrForbidden
		}
		return h(c)
	}, union...)
	if anyone {
		r.Routes[len(r.Routes)-1].Roles = nil
	}
	r.Routes[len(r.Routes)-1].Rules = rules
}

// Router registers routes on the app and keeps the table of contents.
type Router struct {
	App    *fiber.App
	Routes []Route
	Bodies *BodyLimits // the body allowances the app's Gate enforces
	DB     keysDB      // where the Idempotency-Keys of the POST routes are kept (nil: keys are ignored)
	// Section binds a public-site page to the organ of its section (organs.Section); nil: unbound.
	Section fiber.Handler
}

// NewRouter registers on app; bodies must be the BodyLimits given to New (nil: AllowBody panics).
func NewRouter(app *fiber.App, bodies *BodyLimits) *Router { return &Router{App: app, Bodies: bodies} }

// AllowBody lets the route method+path take request bodies up to limit bytes instead of the default
// FUYI_BODY_LIMIT_KB (file uploads). Declare it beside the route's registration; see BodyLimits.
func (r *Router) AllowBody(method, path string, limit int) {
	r.Bodies.Allow(method, path, limit)
}

// AllRoles is every staff role of an organ that handles cases.
var AllRoles = []auth.Role{auth.RoleWindow, auth.RoleOfficer, auth.RoleChief, auth.RoleBureau}

// SupervisorHome is where the supervising statistics role starts (it has no case pages).
const SupervisorHome = "/oversight"

// supervisorMay lists the routes without roles that the supervising role may use too: its own session and
// inbox. Every other route without roles is for the staff of an organ that handles cases (AllRoles).
var supervisorMay = map[string]bool{"/logout": true, "/api/v1/sessions/current": true, "/api/v1/me": true,
	"/notices": true, "/notices/read-all": true, "/notices/:id/read": true, "/api/v1/notices": true,
	"/api/v1/notices/read-all": true, "/api/v1/notices/:id/read": true}

// Staff registers a route for logged-in staff with one of roles (all staff of a case-handling organ when
// none given). Unsafe methods authenticated by cookie must carry the CSRF token.
func (r *Router) Staff(method, path string, h fiber.Handler, roles ...auth.Role) {
	// uploads (routes allowed larger bodies, declared before their registration) stream their body: no key
	idem := idempotentRoute(method, path) && (r.Bodies == nil || r.Bodies.For(method, path) <= r.Bodies.Default())
	r.Routes = append(r.Routes, Route{Method: method, Path: path, Roles: roles, Idempotent: idem || OwnIdempotency[path] && method == fiber.MethodPost})
	chain := []fiber.Handler{NoStore, RequireLogin}
	if len(roles) > 0 {
		chain = append(chain, Require(roles...))
	} else if path == "/" {
		chain = append(chain, supervisorHome)
	} else if !supervisorMay[path] {
		chain = append(chain, Require(AllRoles...))
	}
	if idem {
		h = r.idempotent(h)
	}
	chain = append(chain, CSRF, h)
	r.add(method, path, chain...)
}

// supervisorHome sends the supervising role from the staff home page to its own.
func supervisorHome(c *fiber.Ctx) error {
	if u := CurrentUser(c); u != nil && u.Role == auth.RoleSupervisor {
		return c.Redirect(SupervisorHome, fiber.StatusSeeOther)
	}
	return c.Next()
}

// add registers a handler; a GET route answers HEAD too (the same headers, no body).
func (r *Router) add(method, path string, chain ...fiber.Handler) {
	r.App.Add(method, path, chain...)
	if method == fiber.MethodGet {
		r.App.Add(fiber.MethodHead, path, chain...)
	}
}

// Allowed lists the methods the route table has for a request path (HEAD with GET), in a stable order;
// empty when no route's pattern matches the path.
func (r *Router) Allowed(path string) []string {
	seen := map[string]bool{}
	for _, rt := range r.Routes {
		if matchPattern(rt.Path, path) {
			seen[rt.Method] = true
			if rt.Method == fiber.MethodGet {
				seen[fiber.MethodHead] = true
			}
		}
	}
	var out []string
	for _, m := range []string{fiber.MethodGet, fiber.MethodHead, fiber.MethodPost, fiber.MethodPut, fiber.MethodPatch, fiber.MethodDelete} {
		if seen[m] {
			out = append(out, m)
		}
	}
	return out
}

// matchPattern matches a Fiber route pattern made of literal segments and ":param" segments (the only
// kinds the route table uses) against a path.
func matchPattern(pattern, path string) bool {
	ps := strings.Split(strings.Trim(pattern, "/"), "/")
	xs := strings.Split(strings.Trim(path, "/"), "/")
	if len(ps) != len(xs) {
		return false
	}
	for i, p := range ps {
		if strings.HasPrefix(p, ":") {
			if xs[i] == "" {
				return false
			}
			continue
		}
		if p != xs[i] {
			return false
		}
	}
	return true
}

// ErrMethodNotAllowed answers a known path asked with a method it does not have.
var ErrMethodNotAllowed = fiber.NewError(fiber.StatusMethodNotAllowed)

// NotFound is the last handler: 405 with Allow for a path the route table knows under other methods, else 404.
func (r *Router) NotFound(c *fiber.Ctx) error {
	c.Locals("unmatched", true)
	if allow := r.Allowed(c.Path()); len(allow) > 0 {
		c.Locals("allow", strings.Join(allow, ", "))
		return ErrMethodNotAllowed
	}
	return fiber.ErrNotFound
}

// Public registers a route anyone may call.
func (r *Router) Public(method, path string, h fiber.Handler) {
	r.Routes = append(r.Routes, Route{Method: method, Path: path, Public: true})
	r.add(method, path, CSRF, h)
}

// PublicSection registers a page of the public site that shows one organ's section: its lists, statistics
// and typical cases are the organ's named by ?organ=code (the first organ without it).
func (r *Router) PublicSection(method, path string, h fiber.Handler) {
	r.Routes = append(r.Routes, Route{Method: method, Path: path, Public: true, Section: true})
	if r.Section == nil {
		r.add(method, path, CSRF, h)
		return
	}
	r.add(method, path, CSRF, r.Section, h)
}

// Created answers 201 with the record and Location naming where it can be read.
func Created(c *fiber.Ctx, location string, v any) error {
	c.Set(fiber.HeaderLocation, location)
	return c.Status(fiber.StatusCreated).JSON(v)
}
