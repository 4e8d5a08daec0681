package accounts_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"fuyi/internal/date"
	"fuyi/internal/demo"
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

// The bureau's administration works from the pages, and a refusal keeps what was typed with the message
// beside its field and in the error box: a user's contacts (a wrong e-mail kept in that user's row), a
// password reset (too short: refused; then done, the old password no longer logs in), deactivation (the
// user can no longer log in), an agency added (refused without a name, every field kept) and edited.
func TestAdminPagesWorkAndKeepInput(t *testing.T) {
	a := testapp.New(t, date.MustParse("2026-11-22"))
	b := a.NewBrowserAs("bureau1")
	id := a.UserID("officer5")
	row := fmt.Sprintf("/admin/users/%d", id)
	r := b.Post(row+"/contacts", url.Values{"email": {"not-an-email"}, "mobile": {"13800138000"}})
	page := string(r.Body)
	if r.Status != 422 || strings.Contains(page, `class="flash`) || !strings.Contains(page, `value="not-an-email"`) ||
		!regexp.MustCompile(`(?s)action="`+row+`/contacts" class="inline" data-failed>.*?class="field-error"`).MatchString(page) {
		t.Fatalf("a wrong e-mail: %d", r.Status)
	}
	if strings.Count(page, "电子邮箱格式") > 2 {
		t.Error("the e-mail message is repeated")
	}
	if r := b.Post(row+"/password", url.Values{"password": {"short"}}); r.Status != 422 ||
		!regexp.MustCompile(`(?s)action="`+row+`/password" class="inline" data-failed.*?class="field-error"`).MatchString(string(r.Body)) {
		t.Fatalf("a short password: %d", r.Status)
	}
	if r := b.Post(row+"/password", url.Values{"password": {"new-password-2026"}}); r.Status != 303 {
		t.Fatalf("password reset: %d %s", r.Status, r.Body)
	}
	if r := a.NewBrowser().LoginAs("officer5", demo.Password); r.Status == 200 && !strings.Contains(string(r.Body), "用户名或密码错误") {
		t.Fatal("the old password still logs in")
	}
	if r := a.NewBrowser().LoginAs("officer5", "new-password-2026"); r.Status != 200 {
		t.Fatalf("the new password: %d", r.Status)
	}
	if r := b.Post(row+"/active", url.Values{"active": {"false"}}); r.Status != 303 {
		t.Fatalf("deactivate: %d", r.Status)
	}
	if r := a.NewBrowser().LoginAs("officer5", "new-password-2026"); r.Status == 200 && !strings.Contains(string(r.Body), "错误") && !strings.Contains(string(r.Body), "停用") {
		t.Fatal("a deactivated user logs in")
	}
	// agencies: add refused without a name, every field kept; then added; then edited
	b.Get("/admin/agencies") // the last flash shown (a browser follows the redirect)
	add := url.Values{"name": {""}, "category": {"公安"}, "level": {"县级部门"}, "legal_rep": {"王五"}, "address": {"南京市栖霞区某路9号"}, "superior_id": {"0"}}
	r = b.Post("/admin/agencies", add)
	page = string(r.Body)
	if r.Status != 422 || strings.Contains(page, `class="flash`) || !strings.Contains(page, `<p class="error" role="alert">`) {
		t.Fatalf("an agency without a name: %d", r.Status)
	}
	for _, want := range []string{`value="王五"`, `value="南京市栖霞区某路9号"`, `<option selected>公安</option>`, `class="field-error"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the agency form lost %s", want)
		}
	}
	add.Set("name", "南京市栖霞区某新局")
	if r := b.Post("/admin/agencies", add); r.Status != 303 {
		t.Fatalf("add agency: %d %s", r.Status, r.Body)
	}
	var aid int
	if err := a.DB.Get(&aid, `SELECT id FROM agencies WHERE name = '南京市栖霞区某新局'`); err != nil {
		t.Fatal(err)
	}
	edit := url.Values{"name": {"南京市栖霞区某新局（更名）"}, "category": {"公安"}, "level": {"县级部门"}, "legal_rep": {"王五"}, "active": {"on"}}
	if r := b.Post(fmt.Sprintf("/admin/agencies/%d", aid), edit); r.Status != 303 {
		t.Fatalf("edit agency: %d %s", r.Status, r.Body)
	}
	var name string
	if err := a.DB.Get(&name, `SELECT name FROM agencies WHERE id = $1`, aid); err != nil || name != "南京市栖霞区某新局（更名）" {
		t.Fatalf("agency after the edit: %q %v", name, err)
	}
}
