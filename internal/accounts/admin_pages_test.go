package accounts_test

import (
	"net/url"
	"strings"
	"testing"

	"fuyi/internal/date"
	"fuyi/internal/testapp"
)

// A refused user comes back on its page in the error box (not the success box), with the form as
// typed and the message beside its field.
func TestAdminPagesErrorsInErrorBoxWithInputKept(t *testing.T) {
	a := testapp.New(t, date.MustParse("2026-11-22"))
	b := a.NewBrowserAs("bureau1")
	r := b.Post("/admin/users", url.Values{"username": {"officer9"}, "name": {"新办案员"}, "role": {"officer"}, "window_code": {""},
		"qualified": {"on"}, "password": {"short"}})
	page := string(r.Body)
	if r.Status != 422 {
		t.Fatalf("short password: %d", r.Status)
	}
	if strings.Contains(page, `class="flash`) || !strings.Contains(page, `<p class="error" role="alert">`) {
		t.Fatal("the refusal must show in the error box, not the success box")
	}
	for _, want := range []string{`value="officer9"`, `value="新办案员"`, `<option value="officer" selected>`, `name="qualified" checked`, `class="field-error"`} {
		if !strings.Contains(page, want) {
			t.Errorf("user form lost %s", want)
		}
	}
}
