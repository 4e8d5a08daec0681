// Package noticeweb serves the inbox over HTTP and the unread badge of the staff layout.
package noticeweb

import (
	"log/slog"

	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"

	"fuyi/internal/web"
	"fuyi/notices"
)

// Handler serves the inbox.
type Handler struct {
	DB    *sqlx.DB
	Label func(string) string // deadline kinds in Chinese
	Log   *slog.Logger
}

// New builds the handler.
func New(db *sqlx.DB, label func(string) string, log *slog.Logger) *Handler {
	return &Handler{DB: db, Label: label, Log: log}
}

func (h *Handler) inbox() *notices.Inbox { return notices.NewInbox(h.DB) }

func (h *Handler) list(c *fiber.Ctx) ([]notices.Notice, int, int, error) {
	p, err := web.PageParams(c)
	if err != nil {
		return nil, 0, 0, err
	}
	return h.inbox().List(c.UserContext(), web.CurrentUser(c).ID, c.Query("unread") == "true", p.PerPage, p.Offset())
}

func (h *Handler) apiList(c *fiber.Ctx) error {
	ns, total, _, err := h.list(c)
	if err != nil {
		return err
	}
	return c.JSON(web.List[notices.Notice]{Items: ns, Total: total})
}

func (h *Handler) markRead(c *fiber.Ctx) error {
	u := web.CurrentUser(c)
	if c.Params("id") == "" {
		return h.inbox().MarkAllRead(c.UserContext(), u.ID)
	}
	id, err := web.ParamID(c, "id", notices.ErrNotFound)
	if err != nil {
		return err
	}
	return h.inbox().MarkRead(c.UserContext(), u.ID, id)
}

func (h *Handler) apiRead(c *fiber.Ctx) error {
	if err := h.markRead(c); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handler) pageInbox(c *fiber.Ctx) error {
	ns, total, unread, err := h.list(c)
	if err != nil {
		return err
	}
	return web.Render(c, "notices", fiber.Map{"Title": "提醒", "Items": ns, "Total": total, "Unread": unread})
}

func (h *Handler) pageRead(c *fiber.Ctx) error {
	if err := h.markRead(c); err != nil {
		return err
	}
	return c.Redirect("/notices", fiber.StatusSeeOther)
}

// UnreadCount feeds the badge in the staff layout. A page is still shown when the count cannot be read
// (the badge is left out and the failure logged): the error page itself renders through here.
func (h *Handler) UnreadCount(c *fiber.Ctx, data fiber.Map) {
	u := web.CurrentUser(c)
	if u == nil {
		return
	}
	n, err := h.inbox().Unread(c.UserContext(), u.ID)
	if err != nil {
		if c.UserContext().Err() == nil { // a request out of time goes without the badge, as expected
			h.Log.Warn("unread notices", "request_id", c.Locals("request_id"), "error", err.Error())
		}
		return
	}
	data["UnreadNotices"] = n
}

// RuleRead: everyone marks their own notices read (page and API).
var RuleRead = web.NewRule("notice.read")

// Routes lists the URLs of the notices feature.
func (h *Handler) Routes(r *web.Router) {
	r.Staff(fiber.MethodGet, "/api/v1/notices", h.apiList)
	r.Action(fiber.MethodPost, "/api/v1/notices/read-all", h.apiRead, RuleRead)
	r.Action(fiber.MethodPost, "/api/v1/notices/:id/read", h.apiRead, RuleRead)
	r.Staff(fiber.MethodGet, "/notices", h.pageInbox)
	r.Action(fiber.MethodPost, "/notices/read-all", h.pageRead, RuleRead)
	r.Action(fiber.MethodPost, "/notices/:id/read", h.pageRead, RuleRead)
}
