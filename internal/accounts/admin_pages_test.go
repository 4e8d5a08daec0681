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

// A user's role, window and qualification change from the page and the API: the user's sessions end; an
// officer still on an open case keeps the role (409, the message beside the role in that row), the last
// chief too, the bureau's own role too; a window role needs a known 司法所.
func TestUserRoleChange(t *testing.T) {
	a := testapp.New(t, date.MustParse("2026-11-22"))
	a.AcceptedCase(t, "ordinary") // officer1 and officer2 on an open case
	b := a.NewBrowserAs("bureau1")
	row := func(user string) string { return fmt.Sprintf("/admin/users/%d/role", a.UserID(user)) }
	r := b.Post(row("officer1"), url.Values{"role": {"window"}, "window_code": {"SFS02"}})
	page := string(r.Body)
	if r.Status != 409 || !strings.Contains(page, "未办结案件的办案人员") ||
		!regexp.MustCompile(`(?s)action="`+row("officer1")+`" class="inline role-form" data-failed.*?<option value="window" selected>.*?value="SFS02"`).MatchString(page) {
		t.Fatalf("an officer on an open case: %d", r.Status)
	}
	if r := b.Post(row("officer5"), url.Values{"role": {"window"}, "window_code": {"NOPE"}}); r.Status != 422 || !strings.Contains(string(r.Body), "没有这个司法所代码") {
		t.Fatalf("an unknown window: %d", r.Status)
	}
	if r := b.Post(row("chief1"), url.Values{"role": {"officer"}, "qualified": {"on"}}); r.Status != 409 || !strings.Contains(string(r.Body), "唯一在用的复议机构负责人") {
		t.Fatalf("the last chief: %d", r.Status)
	}
	if r := b.Post(row("bureau1"), url.Values{"role": {"window"}, "window_code": {"SFS01"}}); r.Status != 409 {
		t.Fatalf("the bureau's own role: %d", r.Status)
	}
	// officer5 (on no case) becomes window staff of SFS02: logged out, then a window user
	o5 := a.NewBrowserAs("officer5")
	if r := b.Post(row("officer5"), url.Values{"role": {"window"}, "window_code": {"SFS02"}}); r.Status != 303 {
		t.Fatalf("officer5 to the window: %d %s", r.Status, r.Body)
	}
	if r := o5.Get("/cases"); r.Status != 302 {
		t.Fatalf("officer5's session survived the change: %d", r.Status)
	}
	var role, window string
	if err := a.DB.QueryRow(`SELECT u.role, w.code FROM users u JOIN windows w ON w.id = u.window_id WHERE u.username = 'officer5'`).Scan(&role, &window); err != nil || role != "window" || window != "SFS02" {
		t.Fatalf("officer5 is %s at %s (%v)", role, window, err)
	}
	// back through the API, qualified
	res := a.Do("PUT", fmt.Sprintf("/api/v1/users/%d/role", a.UserID("officer5")), a.Login("bureau1"), map[string]any{"role": "officer", "qualified": true})
	if res.Status != 200 || !strings.Contains(string(res.Body), `"role":"officer"`) {
		t.Fatalf("API: %d %s", res.Status, res.Body)
	}
}
