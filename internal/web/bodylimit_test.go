package web

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// A body over its route's allowance answers 413 in Chinese, declared or chunked; a route with its own
// allowance (an upload) takes more; a compressed body is refused.
func TestBodyLimits(t *testing.T) {
	bodies := NewBodyLimits(1 << 10)
	app := New(Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Bodies: bodies})
	r := NewRouter(app, bodies)
	echo := func(c *fiber.Ctx) error { return c.SendString(strconv.Itoa(len(c.Body()))) }
	app.Post("/x", echo)
	r.AllowBody(fiber.MethodPost, "/up/:id/files", 8<<10)
	app.Post("/up/:id/files", echo)
	for _, tc := range []struct {
		name, path string
		size       int
		chunked    bool
		encoding   string
		want       int
	}{
		{"within the default", "/x", 1 << 10, false, "", 200},
		{"over the default", "/x", 1<<10 + 1, false, "", 413},
		{"chunked over the default", "/x", 2 << 10, true, "", 413},
		{"chunked within the default", "/x", 900, true, "", 200},
		{"upload within its allowance", "/up/7/files", 8 << 10, false, "", 200},
		{"upload over its allowance", "/up/7/files", 8<<10 + 1, false, "", 413},
		{"allowance of another route", "/up/7/other", 2 << 10, false, "", 413},
		{"compressed", "/x", 10, false, "gzip", 400},
	} {
		req := httptest.NewRequest("POST", tc.path, strings.NewReader(strings.Repeat("a", tc.size)))
		req.Header.Set("Content-Type", "text/plain; charset=utf-8")
		req.Header.Set("Accept", "application/json")
		if tc.chunked {
			req.ContentLength = -1
			req.TransferEncoding = []string{"chunked"}
		}
		if tc.encoding != "" {
			req.Header.Set("Content-Encoding", tc.encoding)
		}
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != tc.want {
			t.Errorf("%s: %d %s, want %d", tc.name, resp.StatusCode, b, tc.want)
		}
		if tc.want == 413 && !strings.Contains(string(b), "提交的内容过大") {
			t.Errorf("%s: %s", tc.name, b)
		}
	}
}
