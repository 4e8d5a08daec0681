package testapp

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
)

// Browser is a cookie-keeping client of the staff UI through app.Test.
type Browser struct {
	a       *App
	cookies map[string]string
	CSRF    string
}

// NewBrowser starts a browser without a session.
func (a *App) NewBrowser() *Browser { return &Browser{a: a, cookies: map[string]string{}} }

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// Request sends a request with the browser's cookies, form-encoded when form is given.
func (b *Browser) Request(method, path string, form url.Values) *Response {
	b.a.T.Helper()
	return b.RequestWith(method, path, form)
}

// RequestWith is Request with extra headers (name, value pairs), as scripts of the pages send them.
func (b *Browser) RequestWith(method, path string, form url.Values, headers ...string) *Response {
	b.a.T.Helper()
	if form != nil {
		return b.Send(method, path, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded", headers...)
	}
	return b.Send(method, path, nil, "", headers...)
}

// Send sends a body of the given type (a multipart upload form, say) with the browser's cookies (and extra
// headers, name, value pairs).
func (b *Browser) Send(method, path string, body io.Reader, contentType string, headers ...string) *Response {
	b.a.T.Helper()
	req := httptest.NewRequest(method, path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "text/html")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := b.a.Server.App.Test(req, -1)
	if err != nil {
		b.a.T.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() {
		if err := resp.Body.Close(); err != nil {
			b.a.T.Error(err)
		}
	}()
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	out, _ := io.ReadAll(resp.Body)
	if m := csrfRe.FindSubmatch(out); m != nil {
		b.CSRF = string(m[1])
	}
	return &Response{Status: resp.StatusCode, Body: out, Header: resp.Header}
}

// Get fetches a page.
func (b *Browser) Get(path string) *Response { return b.Request("GET", path, nil) }

// Post submits a form with the current CSRF token.
func (b *Browser) Post(path string, form url.Values) *Response {
	if form.Get("_csrf") == "" {
		form.Set("_csrf", b.CSRF)
	}
	return b.Request("POST", path, form)
}

// LoginAs logs in through the login form and loads the home page (to pick up the CSRF token).
func (b *Browser) LoginAs(username, password string) *Response {
	b.a.T.Helper()
	r := b.Request("POST", "/login", url.Values{"username": {username}, "password": {password}, "next": {"/cases"}})
	if r.Status != 303 {
		return r
	}
	return b.Get("/cases")
}

// NewBrowserAs returns a browser logged in as a demo user.
func (a *App) NewBrowserAs(username string) *Browser {
	b := a.NewBrowser()
	if r := b.LoginAs(username, "fuyi-demo-2025"); r.Status != 200 {
		a.T.Fatalf("login %s: %d", username, r.Status)
	}
	return b
}
