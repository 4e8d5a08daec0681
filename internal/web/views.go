package web

import (
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/url"
	"path"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"

	"fuyi/internal/date"
)

// Views renders html/template pages embedded in the binary. Shared files (layouts and partials, named
// _*.html) are parsed into every page; each other file is one page named by its path without ".html".
type Views struct {
	fsys  fs.FS
	funcs template.FuncMap
	mu    sync.RWMutex
	pages map[string]*template.Template
}

// NewViews prepares the engine; extra funcs are added to the defaults.
func NewViews(fsys fs.FS, extra template.FuncMap) *Views {
	funcs := template.FuncMap{
		"cnDate":  func(d date.Date) string { return d.Chinese() },
		"isoDate": func(d date.Date) string { return d.String() },
		"join":    strings.Join,
		"add":     func(a, b int) int { return a + b },
		"query":   url.QueryEscape,
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
		"list":   func(v ...any) []any { return v },
		"deref2": func(p *bool) bool { return p != nil && *p },
		"deref": func(p *string) string {
			if p == nil {
				return ""
			}
			return *p
		},
		"contains": func(list []string, s string) bool {
			for _, x := range list {
				if x == s {
					return true
				}
			}
			return false
		},
	}
	for k, v := range formFuncs() {
		funcs[k] = v
	}
	for k, v := range extra {
		funcs[k] = v
	}
	return &Views{fsys: fsys, funcs: funcs}
}

// Load parses every template; a broken template fails at start-up.
func (v *Views) Load() error {
	shared := template.New("").Funcs(v.funcs)
	var pages []string
	err := fs.WalkDir(v.fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		if strings.HasPrefix(path.Base(p), "_") {
			b, err := fs.ReadFile(v.fsys, p)
			if err != nil {
				return err
			}
			if _, err := shared.New(p).Parse(string(b)); err != nil {
				return fmt.Errorf("views: %s: %w", p, err)
			}
			return nil
		}
		pages = append(pages, p)
		return nil
	})
	if err != nil {
		return err
	}
	out := map[string]*template.Template{}
	for _, p := range pages {
		b, err := fs.ReadFile(v.fsys, p)
		if err != nil {
			return err
		}
		t, err := shared.Clone()
		if err != nil {
			return err
		}
		name := strings.TrimSuffix(p, ".html")
		if _, err := t.New(name).Parse(string(b)); err != nil {
			return fmt.Errorf("views: %s: %w", p, err)
		}
		out[name] = t
	}
	v.mu.Lock()
	v.pages = out
	v.mu.Unlock()
	return nil
}

// Render executes page name with data.
func (v *Views) Render(w io.Writer, name string, data any, _ ...string) error {
	v.mu.RLock()
	t, ok := v.pages[name]
	v.mu.RUnlock()
	if !ok {
		return fmt.Errorf("views: no page %q", name)
	}
	return t.ExecuteTemplate(w, name, data)
}

const layoutDataKey = "layout_data"

// LayoutData installs fn for every page rendered in the request: it adds what the layout of every staff
// page shows (the unread-notice badge). The composition root passes the notices feature's.
func LayoutData(fn func(c *fiber.Ctx, data fiber.Map)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Locals(layoutDataKey, fn)
		return c.Next()
	}
}

// Render renders a page with the common data every layout needs.
func Render(c *fiber.Ctx, name string, data fiber.Map) error {
	if data == nil {
		data = fiber.Map{}
	}
	if s := CurrentSession(c); s != nil {
		data["User"] = s.User
		data["CSRF"] = s.CSRF
	}
	if _, ok := data["Flash"]; !ok {
		data["Flash"] = TakeFlash(c)
	}
	data["Path"] = c.Path()
	if _, ok := data["Form"]; !ok {
		if f := KeptForm(c); f != nil {
			data["Form"] = f
		}
	}
	if fn, ok := c.Locals(layoutDataKey).(func(*fiber.Ctx, fiber.Map)); ok {
		fn(c, data)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Render(name, data)
}

const flashCookie = "fuyi_flash"

// Flash stores a one-time message shown on the next page (post/redirect/get).
func Flash(c *fiber.Ctx, msg string) {
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: url.QueryEscape(msg), Path: "/", HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode})
}

// TakeFlash reads and clears the flash message.
func TakeFlash(c *fiber.Ctx) string {
	v := c.Cookies(flashCookie)
	if v == "" {
		return ""
	}
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1})
	s, err := url.QueryUnescape(v)
	if err != nil {
		return ""
	}
	return s
}
