package auth_test

import (
	"fmt"
	"testing"

	"fuyi/internal/date"
	"fuyi/internal/testapp"
)

// TestSessionCacheForgetsChanges: a session found by its token is reused for a second without a query
// (issue 13), but every change this process makes to users or sessions takes effect on the next request:
// contacts, deactivation, logout.
func TestSessionCacheForgetsChanges(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-10-09"))
	officer, bureau := a.Login("officer1"), a.Login("bureau1")
	me := func(want int) map[string]any {
		t.Helper()
		r := a.Do("GET", "/api/v1/me", officer, nil)
		if r.Status != want {
			t.Fatalf("GET /api/v1/me: %d %s, want %d", r.Status, r.Body, want)
		}
		if want != 200 {
			return nil
		}
		return r.Map(t)
	}
	u := me(200) // found, now cached
	id := int64(u["id"].(float64))
	if r := a.Do("PUT", fmt.Sprintf("/api/v1/users/%d/contacts", id), bureau, map[string]any{"email": "o1@example.gov.cn"}); r.Status/100 != 2 {
		t.Fatalf("contacts: %d %s", r.Status, r.Body)
	}
	if got := me(200)["email"]; got != "o1@example.gov.cn" {
		t.Errorf("e-mail right after the change: %v", got)
	}
	if r := a.Do("PUT", fmt.Sprintf("/api/v1/users/%d/active", id), bureau, map[string]any{"active": false}); r.Status/100 != 2 {
		t.Fatalf("deactivate: %d %s", r.Status, r.Body)
	}
	me(401)
	// logout of a cached session
	chief := a.Login("chief1")
	if r := a.Do("GET", "/api/v1/me", chief, nil); r.Status != 200 {
		t.Fatalf("chief: %d", r.Status)
	}
	if r := a.Do("DELETE", "/api/v1/sessions/current", chief, nil); r.Status != 204 {
		t.Fatalf("logout: %d %s", r.Status, r.Body)
	}
	if r := a.Do("GET", "/api/v1/me", chief, nil); r.Status != 401 {
		t.Errorf("after logout: %d, want 401", r.Status)
	}
}
