package accounts_test

import (
	"fmt"
	"net/url"
	"testing"

	"fuyi/internal/date"
	"fuyi/internal/demo"
	"fuyi/internal/testapp"
)

// TestPasswordChangeEndsOtherSessions (issue 17): changing one's password ends one's other sessions (API
// tokens and browsers) and keeps the current one; a reset by the bureau ends all of the user's sessions.
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	a := testapp.New(t, date.MustParse("2026-11-22"))
	me := func(tok string) int { return a.Do("GET", "/api/v1/me", tok, nil).Status }
	login := func(user, pw string) string {
		r := a.Do("POST", "/api/v1/sessions", "", map[string]string{"username": user, "password": pw})
		if r.Status != 201 {
			t.Fatalf("login %s: %d %s", user, r.Status, r.Body)
		}
		return r.Map(t)["token"].(string)
	}
	current, other := a.FreshLogin("officer1"), a.FreshLogin("officer1")
	browser := a.NewBrowserAs("officer1")
	const pw1, pw2 = "first-new-password", "second-new-password"

	r := a.Do("PUT", "/api/v1/me/password", current, map[string]any{"current_password": "wrong-one", "new_password": pw1})
	if r.Status != 422 || r.Fields(t)["current_password"] == "" {
		t.Fatalf("wrong current password: %d %s", r.Status, r.Body)
	}
	if r := a.Do("PUT", "/api/v1/me/password", current, map[string]any{"current_password": demo.Password, "new_password": pw1}); r.Status != 204 {
		t.Fatalf("change: %d %s", r.Status, r.Body)
	}
	if me(current) != 200 || me(other) != 401 || browser.Get("/cases").Status != 302 {
		t.Fatalf("after the change: current %d, other %d (want 200, 401), browser must be logged out", me(current), me(other))
	}
	if r := a.Do("POST", "/api/v1/sessions", "", map[string]string{"username": "officer1", "password": demo.Password}); r.Status != 401 {
		t.Fatalf("the old password: %d", r.Status)
	}

	// the page: the browser stays logged in, the API token ends
	tok := login("officer1", pw1)
	b := a.NewBrowser()
	if r := b.LoginAs("officer1", pw1); r.Status != 200 {
		t.Fatalf("browser login: %d", r.Status)
	}
	if r := b.Get("/account/password"); r.Status != 200 {
		t.Fatalf("password page: %d", r.Status)
	}
	if r := b.Post("/account/password", url.Values{"current_password": {pw1}, "new_password": {"short"}}); r.Status != 422 {
		t.Fatalf("short new password: %d", r.Status)
	}
	if r := b.Post("/account/password", url.Values{"current_password": {pw1}, "new_password": {pw2}}); r.Status != 303 {
		t.Fatalf("page change: %d %s", r.Status, r.Body)
	}
	if b.Get("/cases").Status != 200 || me(tok) != 401 {
		t.Fatalf("after the page's change: browser %d, other token %d", b.Get("/cases").Status, me(tok))
	}

	// the bureau resets a password: every session of the user ends
	chief, chiefBrowser := a.FreshLogin("chief1"), a.NewBrowserAs("chief1")
	id := a.UserID("chief1")
	if r := a.Do("PUT", fmt.Sprintf("/api/v1/users/%d/password", id), a.Login("chief1"), map[string]any{"password": "reset-by-bureau"}); r.Status != 403 {
		t.Fatalf("a chief resets passwords: %d", r.Status)
	}
	if r := a.Do("PUT", fmt.Sprintf("/api/v1/users/%d/password", id), a.Login("bureau1"), map[string]any{"password": "reset-by-bureau"}); r.Status != 204 {
		t.Fatalf("reset: %d %s", r.Status, r.Body)
	}
	if me(chief) != 401 || chiefBrowser.Get("/cases").Status != 302 {
		t.Fatal("a reset must end the user's sessions")
	}
	chief = login("chief1", "reset-by-bureau")
	if r := a.NewBrowserAs("bureau1").Post(fmt.Sprintf("/admin/users/%d/password", id), url.Values{"password": {"reset-on-the-page"}}); r.Status != 303 {
		t.Fatalf("reset on the page: %d", r.Status)
	}
	if me(chief) != 401 {
		t.Fatal("a reset on the page must end the user's sessions")
	}
	login("chief1", "reset-on-the-page")
}
