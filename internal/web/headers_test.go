package web

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"

	"fuyi/internal/auth"
)

// 429 carries Retry-After, 401 WWW-Authenticate, 503 Retry-After.
func TestErrorHeaders(t *testing.T) {
	app := New(Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	app.Get("/api/v1/many", func(*fiber.Ctx) error { return auth.ErrTooMany })
	app.Get("/api/v1/who", func(*fiber.Ctx) error { return auth.ErrNotLoggedIn })
	app.Get("/api/v1/busy", func(*fiber.Ctx) error { return ErrBusy })
	for path, want := range map[string][2]string{
		"/api/v1/many": {"Retry-After", RetryAfterTooMany},
		"/api/v1/who":  {"WWW-Authenticate", `Bearer realm="fuyi"`},
		"/api/v1/busy": {"Retry-After", RetryAfterSeconds},
	} {
		resp, err := app.Test(httptest.NewRequest("GET", path, nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		if got := resp.Header.Get(want[0]); got != want[1] {
			t.Errorf("%s: %s = %q, want %q (status %d)", path, want[0], got, want[1], resp.StatusCode)
		}
	}
}
