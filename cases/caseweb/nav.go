package caseweb

import (
	"github.com/gofiber/fiber/v2"

	"fuyi/internal/auth"
	"fuyi/internal/web"
)

// soonWorkdays: a deadline due within this many working days counts as 临期 in the navigation (the alerts'
// default, notices.Config.ApproachingWorkdays).
const soonWorkdays = 3

// NavCounts adds the counts of the staff navigation to a page's data (.Nav): the window's registrations
// of today and applications waiting for 补正, the chief's review queue and drafts awaiting approval, the
// officer's cases overdue and due soon, the bureau's decisions to publish. The caller decides what to do
// when they cannot be read (the page is drawn without them).
func (h *Handler) NavCounts(c *fiber.Ctx, data fiber.Map) error {
	u := web.CurrentUser(c)
	if u == nil {
		return nil
	}
	today := h.Service.Today()
	soon := today.AddDays(7) // when the calendar cannot tell the working days
	if u.Role == auth.RoleOfficer {
		if cal, err := h.Service.Calendar.Get(c.UserContext()); err == nil {
			if r, err := cal.AddWorkdays(today, soonWorkdays); err == nil {
				soon = r.Date
			}
		}
	}
	n, err := h.store().NavCounts(c.UserContext(), u, today, soon)
	if err != nil {
		return err
	}
	data["Nav"] = n
	return nil
}
