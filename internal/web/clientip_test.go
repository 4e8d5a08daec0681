package web

import (
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// TestClientAddrBelievesOnlyTrustedProxies: X-Forwarded-For is believed only from FUYI_TRUSTED_PROXIES, and
// only its right-most untrusted hop (what the proxy itself saw); a client-written left part never counts.
func TestClientAddrBelievesOnlyTrustedProxies(t *testing.T) {
	p, err := ParseProxies("127.0.0.1, 10.0.0.0/8 ,::1")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		peer string
		xff  []string
		want string
	}{
		{"direct client, header ignored", "203.0.113.9", []string{"198.51.100.1"}, "203.0.113.9"},
		{"through the proxy", "127.0.0.1", []string{"198.51.100.7"}, "198.51.100.7"},
		{"spoofed left part ignored", "127.0.0.1", []string{"1.2.3.4, 198.51.100.7"}, "198.51.100.7"},
		{"two trusted hops", "10.1.2.3", []string{"198.51.100.7, 10.9.9.9"}, "198.51.100.7"},
		{"several header lines", "10.1.2.3", []string{"1.2.3.4", "198.51.100.7"}, "198.51.100.7"},
		{"proxy without header", "127.0.0.1", nil, "127.0.0.1"},
		{"garbage hop stops", "127.0.0.1", []string{"198.51.100.7, not-an-ip"}, "127.0.0.1"},
		{"ipv6 proxy", "::1", []string{"2001:db8::5"}, "2001:db8::5"},
	} {
		if got := p.ClientAddr(net.ParseIP(tc.peer), tc.xff); got != tc.want {
			t.Errorf("%s: client %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := Proxies(nil).ClientAddr(net.ParseIP("127.0.0.1"), []string{"198.51.100.7"}); got != "127.0.0.1" {
		t.Errorf("no trusted proxies: client %q, want the peer", got)
	}
	for _, bad := range []string{"10.0.0.0/33", "example.org", "1.2.3"} {
		if _, err := ParseProxies(bad); err == nil {
			t.Errorf("ParseProxies(%q) accepted", bad)
		}
	}
}

// TestClientIPThroughTheApp: the middleware of New sets the address ClientIP answers (app.Test's peer is
// 0.0.0.0).
func TestClientIPThroughTheApp(t *testing.T) {
	for _, tc := range []struct {
		trusted string
		want    string
	}{{"", "0.0.0.0"}, {"0.0.0.0/32", "198.51.100.7"}} {
		p, err := ParseProxies(tc.trusted)
		if err != nil {
			t.Fatal(err)
		}
		app := New(Options{TrustedProxies: p, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		app.Get("/ip", func(c *fiber.Ctx) error { return c.SendString(ClientIP(c)) })
		req := httptest.NewRequest("GET", "/ip", nil)
		req.Header.Set("X-Forwarded-For", "1.2.3.4, 198.51.100.7")
		resp, err := app.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		if string(b) != tc.want {
			t.Errorf("trusted %q: ClientIP %q, want %q", tc.trusted, b, tc.want)
		}
	}
}
