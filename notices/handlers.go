package notices

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"

	"fuyi/internal/apperr"
	"fuyi/internal/date"
	"fuyi/internal/web"
)

// Notice is an inbox entry (API.md GET /notices).
type Notice struct {
	ID           int64      `db:"id" json:"id"`
	Kind         string     `db:"kind" json:"kind"`
	CaseID       *int64     `db:"case_id" json:"case_id,omitempty"`
	LawsuitID    *int64     `db:"lawsuit_id" json:"lawsuit_id,omitempty"`
	DeadlineKind string     `db:"deadline_kind" json:"deadline_kind,omitempty"`
	DueOn        date.Date  `db:"due_on" json:"due_on"`
	Level        *string    `db:"level" json:"level"`
	Title        string     `db:"title" json:"title"`
	CreatedAt    time.Time  `db:"created_at" json:"created_at"`
	ReadAt       *time.Time `db:"read_at" json:"read_at"`
}

// Handler serves the inbox.
type Handler struct {
	DB     *sqlx.DB
	Runner *Runner
	Label  func(string) string
}

var errNotFound = apperr.New(apperr.NotFound, "notice.not_found", "提醒不存在")

func (h *Handler) list(c *fiber.Ctx) ([]Notice, int, int, error) {
	p, err := web.PageParams(c)
	if err != nil {
		return nil, 0, 0, err
	}
	u := web.CurrentUser(c)
	unread := c.Query("unread") == "true"
	var total, unreadCount int
	if err := h.DB.GetContext(c.UserContext(), &total, `SELECT count(*) FROM notices WHERE user_id = $1 AND (NOT $2 OR read_at IS NULL)`, u.ID, unread); err != nil {
		return nil, 0, 0, err
	}
	h.DB.GetContext(c.UserContext(), &unreadCount, `SELECT count(*) FROM notices WHERE user_id = $1 AND read_at IS NULL`, u.ID)
	ns := []Notice{}
	err = h.DB.SelectContext(c.UserContext(), &ns, `SELECT id, kind, case_id, lawsuit_id, deadline_kind, due_on, level, title, created_at, read_at
		FROM notices WHERE user_id = $1 AND (NOT $2 OR read_at IS NULL) ORDER BY id DESC LIMIT $3 OFFSET $4`, u.ID, unread, p.PerPage, p.Offset())
	return ns, total, unreadCount, err
}

func (h *Handler) apiList(c *fiber.Ctx) error {
	ns, total, _, err := h.list(c)
	if err != nil {
		return err
	}
	return c.JSON(web.List[Notice]{Items: ns, Total: total})
}

func (h *Handler) markRead(c *fiber.Ctx) error {
	u := web.CurrentUser(c)
	if c.Params("id") == "" {
		_, err := h.DB.ExecContext(c.UserContext(), `UPDATE notices SET read_at = now() WHERE user_id = $1 AND read_at IS NULL`, u.ID)
		return err
	}
	id, err := web.ParamID(c, "id", errNotFound)
	if err != nil {
		return err
	}
	res, err := h.DB.ExecContext(c.UserContext(), `UPDATE notices SET read_at = coalesce(read_at, now()) WHERE id = $1 AND user_id = $2`, id, u.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errNotFound
	}
	return nil
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

// UnreadCount feeds the badge in the staff layout.
func (h *Handler) UnreadCount(c *fiber.Ctx, data fiber.Map) {
	u := web.CurrentUser(c)
	if u == nil {
		return
	}
	var n int
	if err := h.DB.GetContext(c.UserContext(), &n, `SELECT count(*) FROM notices WHERE user_id = $1 AND read_at IS NULL`, u.ID); err == nil {
		data["UnreadNotices"] = n
	}
}

// Routes lists the URLs of the notices feature.
func (h *Handler) Routes(r *web.Router) {
	r.Staff(fiber.MethodGet, "/api/v1/notices", h.apiList)
	r.Staff(fiber.MethodPost, "/api/v1/notices/read-all", h.apiRead)
	r.Staff(fiber.MethodPost, "/api/v1/notices/:id/read", h.apiRead)
	r.Staff(fiber.MethodGet, "/notices", h.pageInbox)
	r.Staff(fiber.MethodPost, "/notices/read-all", h.pageRead)
	r.Staff(fiber.MethodPost, "/notices/:id/read", h.pageRead)
}
