package hearingweb

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"fuyi/hearings"
	"fuyi/internal/auth"
	"fuyi/internal/date"
	"fuyi/internal/web"
)

func (h *Handler) ics(c *fiber.Ctx) error {
	u := web.CurrentUser(c)
	if u == nil {
		tok := c.Query("token")
		if len(tok) < 20 {
			return auth.ErrNotLoggedIn
		}
		id, err := h.store().TokenUser(c.UserContext(), tok)
		if err != nil {
			return err
		}
		if u, err = auth.NewStore(h.Service.DB).ByID(c.UserContext(), id); err != nil {
			return err
		}
	}
	from := h.Service.Today().AddDays(-30)
	hs, err := h.store().Mine(c.UserContext(), u, from.In(date.Shanghai))
	if err != nil {
		return err
	}
	ds, err := h.store().MyDeadlines(c.UserContext(), u.ID, from)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `inline; filename="fuyi.ics"`)
	return c.SendString(hearings.Feed(hs, ds, h.Label, time.Now()))
}

// feedAnswer is the new address of the caller's calendar feed.
type feedAnswer struct {
	URL string `json:"url"`
}

// apiRotateFeed replaces the caller's feed token: the old link stops working at once.
func (h *Handler) apiRotateFeed(c *fiber.Ctx) error {
	tok, err := h.store().RotateCalendarToken(c.UserContext(), web.CurrentUser(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(feedAnswer{URL: c.BaseURL() + "/api/v1/hearings.ics?token=" + tok})
}

func (h *Handler) pageRotateFeed(c *fiber.Ctx) error {
	if _, err := h.store().RotateCalendarToken(c.UserContext(), web.CurrentUser(c).ID); err != nil {
		return err
	}
	web.Flash(c, "已更换日历订阅地址，原地址已失效；请在日历应用中改用新地址")
	return c.Redirect("/hearings#feed", fiber.StatusSeeOther)
}
