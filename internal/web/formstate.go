package web

import (
	"fmt"
	"html"
	"html/template"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// FormState is a refused form as it was posted: the path it was posted to, every value as submitted and
// the message of each wrong field. FormError keeps it for the request and Render hands it to the page as
// .Form; the template funcs below (form, fval, fon, ferr) let each form of the page take back its own
// values and messages, so nothing typed is lost and nothing is shown that was not chosen.
type FormState struct {
	Action string
	Values url.Values
	Errors map[string]string
}

const formStateKey = "form_state"

// KeepForm records the posted form of this request (with fields' messages) for the page rendered next.
func KeepForm(c *fiber.Ctx, fields map[string]string) *FormState {
	f := &FormState{Action: c.Path(), Values: PostedValues(c), Errors: fields}
	c.Locals(formStateKey, f)
	return f
}

// KeepValues records values as the posted form of this request, for a handler that read the body itself
// (a streamed multipart upload, whose body cannot be read twice); FormError then adds the messages.
func KeepValues(c *fiber.Ctx, values url.Values) *FormState {
	f := &FormState{Action: c.Path(), Values: values}
	c.Locals(formStateKey, f)
	return f
}

// PostedValues reads every posted field (url-encoded or multipart), without the CSRF token.
func PostedValues(c *fiber.Ctx) url.Values {
	v := url.Values{}
	if strings.HasPrefix(string(c.Request().Header.ContentType()), fiber.MIMEMultipartForm) {
		if mf, err := c.MultipartForm(); err == nil && mf != nil {
			for k, xs := range mf.Value {
				v[k] = append(v[k], xs...)
			}
		}
	} else {
		c.Request().PostArgs().VisitAll(func(k, x []byte) { v.Add(string(k), string(x)) })
	}
	v.Del("_csrf")
	return v
}

// KeptForm is the state kept by KeepForm in this request, if any.
func KeptForm(c *fiber.Ctx) *FormState {
	f, _ := c.Locals(formStateKey).(*FormState)
	return f
}

// formFuncs are the template funcs of refilled forms. Each takes the page's .Form (nil when nothing was
// refused), so a page renders the same with and without an error.
func formFuncs() template.FuncMap {
	return template.FuncMap{
		// form gives the kept state when it belongs to the form posting to action (and, for forms repeated
		// on a page, whose fields match the name/value pairs given), else nil.
		"form": func(f *FormState, action string, match ...any) *FormState {
			if f == nil || f.Action != action {
				return nil
			}
			for i := 0; i+1 < len(match); i += 2 {
				if f.Values.Get(fmt.Sprint(match[i])) != fmt.Sprint(match[i+1]) {
					return nil
				}
			}
			return f
		},
		// fval is the submitted value of a field (even if emptied), or def when the form was not refused.
		"fval": func(f *FormState, name string, def any) string {
			if f == nil {
				if def == nil {
					return ""
				}
				return fmt.Sprint(def)
			}
			return f.Values.Get(name)
		},
		// fon tells whether value was chosen for name (radio, checkbox, option), or def when not refused.
		"fon": func(f *FormState, name string, value any, def bool) bool {
			if f == nil {
				return def
			}
			s := fmt.Sprint(value)
			for _, x := range f.Values[name] {
				if x == s {
					return true
				}
			}
			return false
		},
		// ferr is the message beside a field of a refused form.
		"ferr": func(f *FormState, name string) template.HTML {
			if f == nil || f.Errors[name] == "" {
				return ""
			}
			return template.HTML(`<span class="field-error" role="alert">` + html.EscapeString(f.Errors[name]) + `</span>`)
		},
	}
}
