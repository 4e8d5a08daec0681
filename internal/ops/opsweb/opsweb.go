// Package opsweb serves the operator's endpoints: /livez, /readyz and /metrics.
package opsweb

import (
	"crypto/subtle"
	"io/fs"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"

	"fuyi/internal/date"
	"fuyi/internal/ops"
	"fuyi/internal/web"
)

// Handler serves the operator's endpoints.
type Handler struct {
	DB         *sqlx.DB
	Migrations fs.FS
	Metrics    *ops.Metrics
	Today      func() date.Date
	// Token guards /metrics on the main address (Authorization: Bearer TOKEN); empty: /metrics answers 404
	// there and is served only on FUYI_METRICS_ADDR.
	Token string
}

func (h *Handler) Routes(r *web.Router) {
	r.Public(fiber.MethodGet, "/livez", h.livez)
	r.Public(fiber.MethodGet, "/readyz", h.readyz)
	r.Public(fiber.MethodGet, "/metrics", h.metrics)
}

// livez answers 200 while the process serves requests; it touches nothing else.
func (h *Handler) livez(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(liveAnswer{Status: "ok"})
}

// readyz answers 200 when the database answers, the schema is current and this year's calendar is complete,
// else 503 with Retry-After and the failed checks. A ready server also lists its warnings (ops.Warnings).
func (h *Handler) readyz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	checks := ops.Ready(c.UserContext(), h.DB, h.Migrations, h.Today())
	status := "ok"
	for _, ch := range checks {
		if !ch.OK {
			status = "unavailable"
		}
	}
	if status != "ok" {
		c.Set(fiber.HeaderRetryAfter, web.RetryAfterSeconds)
		c.Status(fiber.StatusServiceUnavailable)
	}
	ans := readyAnswer{Status: status, Checks: checks}
	if status == "ok" {
		ans.Warnings = ops.Warnings(c.UserContext(), h.DB)
	}
	return c.JSON(ans)
}

func (h *Handler) metrics(c *fiber.Ctx) error {
	sent := strings.TrimPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if h.Token == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(h.Token)) != 1 {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, "text/plain; version=0.0.4; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.Metrics.Write(c.UserContext(), c, h.DB)
}

// HTTPHandler serves /metrics on its own address (FUYI_METRICS_ADDR), without a token: that address is
// meant to be reachable only by the monitoring system.
func (h *Handler) HTTPHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		if err := h.Metrics.Write(r.Context(), w, h.DB); err != nil {
			http.Error(w, "metrics unavailable", http.StatusServiceUnavailable)
		}
	})
	return mux
}
