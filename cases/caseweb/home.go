package caseweb

import (
	"github.com/gofiber/fiber/v2"

	"fuyi/cases"
	"fuyi/internal/auth"
	"fuyi/internal/web"
)

// openStatuses are the statuses of cases still being worked on (a deadline may be waiting).
var openStatuses = []cases.Status{cases.StatusRegistered, cases.StatusCorrection, cases.StatusAccepted, cases.StatusSuspended,
	cases.StatusDecided, cases.StatusTerminated}

// pageHome is each role's home page: what is waiting for this person, with counts and the nearest work
// first (window: today's registrations and 补正 returns; officer and 记录员: new assignments, my cases by
// nearest deadline, hearings of the coming week; chief: review queue, drafts awaiting approval,
// understaffed cases; bureau: decisions to publish, last month's statistics not yet published, calendar
// warning).
func (h *Handler) pageHome(c *fiber.Ctx) error {
	ctx, u, st := c.UserContext(), web.CurrentUser(c), h.store()
	today := h.Service.Today()
	data := fiber.Map{"Title": "我的工作台", "Today": today}
	switch u.Role {
	case auth.RoleWindow:
		recent, _, err := st.List(ctx, u, cases.Filter{Limit: 50})
		if err != nil {
			return err
		}
		var todays []cases.ListItem
		for _, it := range recent {
			if it.ReceivedOn == today {
				todays = append(todays, it)
			}
		}
		corr, ncorr, err := st.List(ctx, u, cases.Filter{Status: []cases.Status{cases.StatusCorrection}, ByDue: true, Limit: 20})
		if err != nil {
			return err
		}
		data["Todays"], data["Corrections"], data["CorrectionCount"] = todays, corr, ncorr
	case auth.RoleOfficer:
		mine, n, err := st.List(ctx, u, cases.Filter{Status: openStatuses, ByDue: true, OnlyDue: true, Limit: 10})
		if err != nil {
			return err
		}
		fresh, err := st.NewlyAssigned(ctx, u.ID)
		if err != nil {
			return err
		}
		data["Mine"], data["MineCount"], data["Assigned"] = mine, n, fresh
	case auth.RoleChief:
		queue, nq, err := st.List(ctx, u, cases.Filter{ReviewQueue: true, Limit: 10})
		if err != nil {
			return err
		}
		drafts, err := st.AwaitingApproval(ctx, 50)
		if err != nil {
			return err
		}
		_, nu, err := st.List(ctx, u, cases.Filter{Understaffed: true, Limit: 1})
		if err != nil {
			return err
		}
		data["Queue"], data["QueueCount"], data["Drafts"], data["UnderstaffedCount"] = queue, nq, drafts, nu
	case auth.RoleBureau:
		pub, np, err := st.ToPublish(ctx, 20)
		if err != nil {
			return err
		}
		cal, err := h.Service.Calendar.Get(ctx)
		if err != nil {
			return err
		}
		data["ToPublish"], data["ToPublishCount"] = pub, np
		if h.StatsToPublish != nil {
			label, y, m, err := h.StatsToPublish(ctx)
			if err != nil {
				return err
			}
			if label != "" {
				data["StatsMissing"] = fiber.Map{"Label": label, "Year": y, "Month": m}
			}
		}
		if next := today.Year() + 1; !cal.Covers(next) {
			data["CalendarMissing"] = next
		}
	}
	if h.MyHearings != nil && u.Role != auth.RoleWindow {
		hs, err := h.MyHearings(ctx, u)
		if err != nil {
			return err
		}
		data["Hearings"] = hs
	}
	return web.Render(c, "home", data)
}
