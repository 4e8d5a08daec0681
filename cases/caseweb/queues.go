package caseweb

import (
	"github.com/gofiber/fiber/v2"

	"fuyi/internal/web"
)

// queueLimit bounds the rows of a work queue page (the counts are exact).
const queueLimit = 500

// pageApprovals is the chief's 待审批 queue: every decision draft waiting for approval (复议法第61条), nearest
// decision deadline first, with the counts of those past or near their deadline.
func (h *Handler) pageApprovals(c *fiber.Ctx) error {
	ctx, st := c.UserContext(), h.store()
	today := h.Service.Today()
	drafts, err := st.AwaitingApproval(ctx, queueLimit)
	if err != nil {
		return err
	}
	n, err := st.CountAwaitingApproval(ctx)
	if err != nil {
		return err
	}
	overdue, soon := 0, 0
	for _, d := range drafts {
		switch {
		case d.DecisionDue.IsZero():
		case today.After(d.DecisionDue):
			overdue++
		case !d.DecisionDue.After(today.AddDays(7)):
			soon++
		}
	}
	return web.Render(c, "cases/approvals", fiber.Map{"Title": "待审批", "Today": today, "Drafts": drafts, "Count": n,
		"Overdue": overdue, "Soon": soon})
}

// pageToPublish is the bureau's 待公开 queue: served decisions neither published online nor marked not for
// publication (复议法第79条), oldest service first, with the count of those marked not for publication.
func (h *Handler) pageToPublish(c *fiber.Ctx) error {
	ctx, st := c.UserContext(), h.store()
	pub, n, err := st.ToPublish(ctx, queueLimit)
	if err != nil {
		return err
	}
	blocked, err := st.CountNotForPublication(ctx)
	if err != nil {
		return err
	}
	return web.Render(c, "cases/to_publish", fiber.Map{"Title": "待公开", "Today": h.Service.Today(), "Items": pub, "Count": n,
		"Blocked": blocked})
}
