package server_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"fuyi/internal/date"
	"fuyi/internal/demo"
	"fuyi/internal/testapp"
)

// TestLoginRedirectStaysOnSite: after login the browser goes only to a path of this site; every spelling a
// browser reads as another site (/\evil, //evil, absolute URLs, schemes) goes
// home instead. The redirect to the login page carries the asked path escaped.
func TestLoginRedirectStaysOnSite(t *testing.T) {
	a := testapp.New(t, date.MustParse("2026-11-22"))
	for next, want := range map[string]string{
		`/\evil.example/x`:          "/",
		`//evil.example/x`:          "/",
		`///evil.example`:           "/",
		`\\evil.example`:            "/",
		`/\/evil.example`:           "/",
		"https://evil.example/x":    "/",
		"HTTPS://evil.example":      "/",
		"javascript:alert(1)":       "/",
		"evil.example":              "/",
		"":                          "/",
		"/cases?status=open&page=2": "/cases?status=open&page=2",
		"/cases/12":                 "/cases/12",
	} {
		b := a.NewBrowser()
		r := b.Request("POST", "/login", url.Values{"username": {"officer1"}, "password": {demo.Password}, "next": {next}})
		if r.Status != 303 || r.Header.Get("Location") != want {
			t.Errorf("next=%q: %d Location %q, want %q", next, r.Status, r.Header.Get("Location"), want)
		}
		// a logged-in visit of the login page redirects the same way
		if r := b.Get("/login?next=" + url.QueryEscape(next)); r.Header.Get("Location") != want {
			t.Errorf("GET /login?next=%q: Location %q, want %q", next, r.Header.Get("Location"), want)
		}
	}
	r := a.NewBrowser().Get("/cases?q=a&status=open")
	if loc := r.Header.Get("Location"); loc != "/login?next="+url.QueryEscape("/cases?q=a&status=open") {
		t.Errorf("login redirect: %d %q", r.Status, loc)
	}
}

// TestLoginRefusesCrossSitePosts: a login form posted from another site (login CSRF) is refused and opens
// no session; the site's own form (same Origin, or a client that says nothing) logs in.
func TestLoginRefusesCrossSitePosts(t *testing.T) {
	a := testapp.New(t, date.MustParse("2026-11-22"))
	form := url.Values{"username": {"officer1"}, "password": {demo.Password}, "next": {"/cases"}}.Encode()
	formType := "application/x-www-form-urlencoded"
	for _, h := range [][]string{
		{"Origin", "https://evil.example"},
		{"Origin", "null"},
		{"Sec-Fetch-Site", "cross-site"},
		{"Sec-Fetch-Site", "same-site"},
	} {
		r := a.Do("POST", "/login", "", form, "Content-Type", formType, h[0], h[1], "Accept", "text/html")
		if r.Status != 403 || strings.Contains(r.Header.Get("Set-Cookie"), "fuyi_session") {
			t.Errorf("%s: %s: %d, session cookie %q", h[0], h[1], r.Status, r.Header.Get("Set-Cookie"))
		}
		if !strings.Contains(string(r.Body), "其他网站") {
			t.Errorf("%s: %s: no Chinese reason: %s", h[0], h[1], r.Body)
		}
		api := a.Do("POST", "/api/v1/sessions", "", map[string]string{"username": "officer1", "password": demo.Password}, h[0], h[1])
		if api.Status != 403 {
			t.Errorf("API login %s: %s: %d", h[0], h[1], api.Status)
		}
	}
	for _, h := range [][]string{{"Origin", "http://example.com"}, {"Sec-Fetch-Site", "same-origin"}, {"X-None", ""}} {
		r := a.Do("POST", "/login", "", form, "Content-Type", formType, h[0], h[1], "Accept", "text/html")
		if r.Status != 303 || !strings.Contains(r.Header.Get("Set-Cookie"), "fuyi_session") {
			t.Errorf("own form %s: %s: %d", h[0], h[1], r.Status)
		}
	}
}

// TestSecurityHeadersOnStaticAndHSTS: static files carry the security headers too, and a site served over
// HTTPS only (FUYI_COOKIE_SECURE=true) sends Strict-Transport-Security on every answer.
func TestSecurityHeadersOnStaticAndHSTS(t *testing.T) {
	a := testapp.New(t, date.MustParse("2026-11-22"))
	for _, p := range []string{"/static/app.css", "/static/app.js", "/login"} {
		r := a.Do("GET", p, "", nil)
		if r.Status != 200 || r.Header.Get("X-Content-Type-Options") != "nosniff" || r.Header.Get("Content-Security-Policy") == "" ||
			r.Header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: %d headers %v", p, r.Status, r.Header)
		}
		if r.Header.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s: HSTS without FUYI_COOKIE_SECURE", p)
		}
	}
	t.Setenv("FUYI_COOKIE_SECURE", "true")
	s := testapp.New(t, date.MustParse("2026-11-22"))
	for _, p := range []string{"/static/app.css", "/login", "/decisions"} {
		if r := s.Do("GET", p, "", nil); !strings.HasPrefix(r.Header.Get("Strict-Transport-Security"), "max-age=") {
			t.Errorf("%s: no HSTS with FUYI_COOKIE_SECURE=true: %v", p, r.Header)
		}
	}
}

// TestStaffAnswersNotStored: every answer to staff (JSON with personal data, pages, errors) says
// Cache-Control: no-store.
func TestStaffAnswersNotStored(t *testing.T) {
	a := testapp.New(t, date.MustParse("2026-11-22"))
	id := a.Register("window1", "2025-09-26")
	tok := a.Login("chief1")
	for _, p := range []string{"/api/v1/cases", fmt.Sprintf("/api/v1/cases/%d", id), "/api/v1/me", "/api/v1/officers", "/api/v1/cases/999999"} {
		if r := a.Do("GET", p, tok, nil); r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: %d Cache-Control %q", p, r.Status, r.Header.Get("Cache-Control"))
		}
	}
	b := a.NewBrowserAs("chief1")
	for _, p := range []string{"/cases", fmt.Sprintf("/cases/%d", id)} {
		if r := b.Get(p); r.Status != 200 || r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: %d Cache-Control %q", p, r.Status, r.Header.Get("Cache-Control"))
		}
	}
}
