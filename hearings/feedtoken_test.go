package hearings_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"fuyi/internal/testapp"
)

// feedToken reads the feed token from the calendar page of a browser.
func feedToken(t *testing.T, b *testapp.Browser) string {
	t.Helper()
	page := string(b.Get("/hearings").Body)
	i := strings.Index(page, "token=")
	if i < 0 {
		t.Fatal("the calendar page shows no feed address")
	}
	return page[i+6 : i+6+48]
}

// TestCalendarFeedTokenRotation (issue 17): the owner replaces the secret feed link on the page and through
// the API, the old link dies at once; deactivation followed by reactivation leaves the old link dead.
func TestCalendarFeedTokenRotation(t *testing.T) {
	a := testapp.New(t, today)
	feed := func(tok string) int { return a.Do("GET", "/api/v1/hearings.ics?token="+tok, "", nil).Status }
	b := a.NewBrowserAs("officer1")
	old := feedToken(t, b)
	if s := feed(old); s != 200 {
		t.Fatalf("feed: %d", s)
	}
	// the page form
	if r := b.Post("/hearings/feed-token", url.Values{}); r.Status != 303 {
		t.Fatalf("rotate on the page: %d %s", r.Status, r.Body)
	}
	tok := feedToken(t, b)
	if tok == old || feed(old) != 401 || feed(tok) != 200 {
		t.Fatalf("after the page's rotation: old %d, new %d", feed(old), feed(tok))
	}
	// the API
	r := a.Do("POST", "/api/v1/me/calendar-token", a.Login("officer1"), nil)
	var out struct {
		URL string `json:"url"`
	}
	r.JSON(t, &out)
	i := strings.Index(out.URL, "token=")
	if r.Status != 200 || i < 0 {
		t.Fatalf("rotate by the API: %d %s", r.Status, r.Body)
	}
	api := out.URL[i+6:]
	if feed(tok) != 401 || feed(api) != 200 || feedToken(t, b) != api {
		t.Fatalf("after the API's rotation: old %d, new %d", feed(tok), feed(api))
	}
	if r := a.Do("POST", "/api/v1/me/calendar-token", a.Login("window1"), nil); r.Status != 403 {
		t.Fatalf("window staff have no feed: %d", r.Status)
	}
	// deactivate → reactivate: the old link stays dead, a new one is made
	id := a.UserID("officer1")
	for _, active := range []bool{false, true} {
		if r := a.Do("PUT", fmt.Sprintf("/api/v1/users/%d/active", id), a.Login("bureau1"), map[string]any{"active": active}); r.Status != 204 {
			t.Fatalf("active=%v: %d", active, r.Status)
		}
	}
	if s := feed(api); s != 401 {
		t.Fatalf("the link of before the deactivation works again: %d", s)
	}
	if tok := feedToken(t, a.NewBrowserAs("officer1")); tok == api || feed(tok) != 200 {
		t.Fatalf("after reactivation: a new link that works, got %d", feed(tok))
	}
}
