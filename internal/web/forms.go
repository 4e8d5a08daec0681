package web

import (
	"github.com/gofiber/fiber/v2"

	"fuyi/internal/apperr"
)

// FormError re-renders a form with the messages next to the fields (422, or 409 for a conflict); any other
// error goes to the error handler. The posted values are kept for the page (.Form, see FormState), so
// every form refills itself with what was submitted.
func FormError(c *fiber.Ctx, err error, render func(fields map[string]string, msg string) error) error {
	e, ok := apperr.As(err)
	if !ok || (e.Kind != apperr.Invalid && e.Kind != apperr.Conflict) {
		return err
	}
	if e.Kind == apperr.Conflict {
		c.Status(fiber.StatusConflict)
	} else {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	if f := KeptForm(c); f != nil {
		f.Errors = e.Fields
	} else {
		KeepForm(c, e.Fields)
	}
	return render(e.Fields, e.Message)
}

// PageNumbers lists the page numbers of a paged list (at most 50) for the pager of a page.
// PageWindow numbers the pages of a list of total items around the current one: the first, the last and
// three on each side of the current page, 0 standing for the pages left out (every page stays reachable).
func PageWindow(total int, p Paging) []int {
	n := (total + p.PerPage - 1) / p.PerPage
	if n <= 1 {
		return nil
	}
	var out []int
	for i := 1; i <= n; i++ {
		switch {
		case i == 1 || i == n || (i >= p.Page-3 && i <= p.Page+3):
			out = append(out, i)
		case len(out) > 0 && out[len(out)-1] != 0:
			out = append(out, 0)
		}
	}
	return out
}

func PageNumbers(total int, p Paging) []int {
	n := (total + p.PerPage - 1) / p.PerPage
	var out []int
	for i := 1; i <= n && i <= 50; i++ {
		out = append(out, i)
	}
	return out
}
