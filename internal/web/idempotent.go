package web

import (
	"bytes"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"

	"fuyi/internal/idempotency"
)

// OwnIdempotency lists the POST routes that keep their Idempotency-Key inside their own transaction
// (registration of a case: the answer is stored with the case it created).
var OwnIdempotency = map[string]bool{"/api/v1/cases": true}

// idempotentRoute reports whether a POST route of the API takes Idempotency-Key through the router.
func idempotentRoute(method, path string) bool {
	return method == fiber.MethodPost && strings.HasPrefix(path, "/api/v1/") && !OwnIdempotency[path]
}

// idempotent makes a POST of the API safe to retry: a request with an Idempotency-Key claims the key (per
// user) before the handler runs and stores the 2xx answer after it; a retry with the same key and body gets
// that answer again (Idempotent-Replayed: true) instead of doing the work twice, the same key with another
// body answers 409, and a retry while the first is still running answers 409 idempotency.in_progress. A
// refused or failed request releases its claim (it changed nothing), so a retry runs again. Should the
// process die between the handler's commit and the stored answer, the key stays claimed: a retry answers
// 409 rather than creating a duplicate. Uploads (multipart bodies) are not covered.
func (r *Router) idempotent(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		key := strings.TrimSpace(c.Get("Idempotency-Key"))
		u := CurrentUser(c)
		if key == "" || u == nil || r.DB == nil || bytes.HasPrefix(c.Request().Header.ContentType(), []byte(fiber.MIMEMultipartForm)) {
			return h(c)
		}
		k := idempotency.Key{UserID: u.ID, Key: key, Body: c.Body()}
		replay, err := idempotency.Claim(c.UserContext(), r.DB, k)
		if err != nil {
			return err
		}
		if replay != nil {
			c.Set("Idempotent-Replayed", "true")
			if len(replay.Body) > 0 {
				c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
			}
			return c.Status(replay.Status).Send(replay.Body)
		}
		err = h(c)
		status := c.Response().StatusCode()
		if err != nil || status < 200 || status > 299 {
			if rerr := idempotency.Release(c.UserContext(), r.DB, k); rerr != nil && err == nil {
				return rerr
			}
			return err
		}
		return idempotency.Store(c.UserContext(), r.DB, k, status, append([]byte(nil), c.Response().Body()...))
	}
}

// keysDB is where the router keeps the Idempotency-Keys of its routes.
type keysDB = sqlx.ExtContext
