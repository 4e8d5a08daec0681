package accounts_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"fuyi/internal/date"
	"fuyi/internal/testapp"
)

func TestBureauManagesUsersAndAgencies(t *testing.T) {
	a := testapp.New(t, date.MustParse("2026-11-22"))
	b := a.Login("bureau1")
	if r := a.Do("POST", "/api/v1/users", a.Login("chief1"), map[string]any{}); r.Status != 403 {
		t.Fatalf("chief adds users: %d", r.Status)
	}
	if r := a.Do("POST", "/api/v1/users", b, map[string]any{"username": "x", "name": "", "role": "boss", "password": "short"}); r.Status != 422 || len(r.Fields(t)) < 3 {
		t.Fatalf("invalid user: %d %s", r.Status, r.Body)
	}
	r := a.Do("POST", "/api/v1/users", b, map[string]any{"username": "officer9", "name": "新办案员", "role": "officer", "qualified": true, "password": "a-long-password"})
	if r.Status != 201 {
		t.Fatalf("add user: %d %s", r.Status, r.Body)
	}
	if r := a.Do("POST", "/api/v1/users", b, map[string]any{"username": "officer9", "name": "重复", "role": "officer", "password": "a-long-password"}); r.Status != 409 {
		t.Fatalf("duplicate: %d", r.Status)
	}
	if r := a.Do("POST", "/api/v1/sessions", "", map[string]string{"username": "officer9", "password": "a-long-password"}); r.Status != 201 {
		t.Fatalf("new user login: %d", r.Status)
	}
	id := a.UserID("officer9")
	tok := a.FreshLogin("officer9")
	if r := a.Do("PUT", fmt.Sprintf("/api/v1/users/%d/active", id), b, map[string]any{"active": false}); r.Status != 204 {
		t.Fatalf("deactivate: %d", r.Status)
	}
	if r := a.Do("GET", "/api/v1/cases", tok, nil); r.Status != 401 {
		t.Fatalf("a deactivated user's session must end: %d", r.Status)
	}
	if r := a.Do("POST", "/api/v1/agencies", b, map[string]any{"name": "南京市栖霞区交通运输局", "category": "交通", "level": "县级部门"}); r.Status != 422 {
		t.Fatalf("bad category: %d", r.Status)
	}
	if r := a.Do("POST", "/api/v1/agencies", b, map[string]any{"name": "南京市栖霞区交通运输局", "category": "交通运输", "level": "县级部门"}); r.Status != 201 {
		t.Fatalf("add agency: %d %s", r.Status, r.Body)
	}
	if !strings.Contains(string(a.Do("GET", "/api/v1/agencies", a.Login("window1"), nil).Body), "交通运输局") {
		t.Fatal("the new agency is not offered at intake")
	}
}

// The bureau sets users' e-mail and mobile in the API and on the users page, and deactivates on the page;
// a bad address is refused naming the field and changes nothing.
func TestBureauSetsContacts(t *testing.T) {
	a := testapp.New(t, date.MustParse("2026-11-22"))
	b := a.Login("bureau1")
	r := a.Do("POST", "/api/v1/users", b, map[string]any{"username": "officer8", "name": "新办案员", "role": "officer", "password": "a-long-password",
		"email": "officer8@example.gov.cn", "mobile": "13912345678"})
	if r.Status != 201 || r.Map(t)["email"] != "officer8@example.gov.cn" || r.Map(t)["mobile"] != "13912345678" {
		t.Fatalf("add user with contacts: %d %s", r.Status, r.Body)
	}
	if r := a.Do("POST", "/api/v1/users", b, map[string]any{"username": "officer7", "name": "甲", "role": "officer", "password": "a-long-password",
		"email": "not an address"}); r.Status != 422 || r.Fields(t)["email"] == "" {
		t.Fatalf("bad e-mail at creation: %d %s", r.Status, r.Body)
	}
	id := a.UserID("officer1")
	path := fmt.Sprintf("/api/v1/users/%d/contacts", id)
	if r := a.Do("PUT", path, a.Login("chief1"), map[string]any{"email": "x@example.gov.cn"}); r.Status != 403 {
		t.Fatalf("chief sets contacts: %d", r.Status)
	}
	if r := a.Do("PUT", path, b, map[string]any{"mobile": "1234"}); r.Status != 422 || !strings.Contains(r.Fields(t)["mobile"], "11位") {
		t.Fatalf("bad mobile: %d %s", r.Status, r.Body)
	}
	if r := a.Do("PUT", path, b, map[string]any{"email": "zhao@example.gov.cn"}); r.Status != 200 || r.Map(t)["email"] != "zhao@example.gov.cn" {
		t.Fatalf("set e-mail: %d %s", r.Status, r.Body)
	}
	if r := a.Do("PUT", path, b, map[string]any{"mobile": "13800001111"}); r.Status != 200 || r.Map(t)["email"] != "zhao@example.gov.cn" {
		t.Fatalf("a field left out is unchanged: %d %s", r.Status, r.Body)
	}
	br := a.NewBrowserAs("bureau1")
	page := string(br.Get("/admin/users").Body)
	if !strings.Contains(page, `value="zhao@example.gov.cn"`) || !strings.Contains(page, fmt.Sprintf(`action="/admin/users/%d/contacts"`, id)) {
		t.Fatal("the users page shows no contacts form")
	}
	if r := br.Post(fmt.Sprintf("/admin/users/%d/contacts", id), url.Values{"email": {"zhao2@example.gov.cn"}, "mobile": {"13800002222"}}); r.Status != 303 {
		t.Fatalf("page contacts: %d", r.Status)
	}
	if !strings.Contains(string(br.Get("/admin/users").Body), "联系方式已保存") {
		t.Fatal("no confirmation")
	}
	var email, mobile string
	a.DB.QueryRow(`SELECT email, mobile FROM users WHERE id = $1`, id).Scan(&email, &mobile)
	if email != "zhao2@example.gov.cn" || mobile != "13800002222" {
		t.Fatalf("saved %q %q", email, mobile)
	}
	if r := br.Post(fmt.Sprintf("/admin/users/%d/contacts", id), url.Values{"email": {"bad"}, "mobile": {""}}); r.Status != 422 || !strings.Contains(string(r.Body), "电子邮箱格式不正确") {
		t.Fatalf("a refused address is shown on the page: %d", r.Status)
	}
	tok := a.FreshLogin("officer1")
	if r := br.Post(fmt.Sprintf("/admin/users/%d/active", id), url.Values{"active": {"false"}}); r.Status != 303 {
		t.Fatalf("page deactivate: %d", r.Status)
	}
	if r := a.Do("GET", "/api/v1/cases", tok, nil); r.Status != 401 {
		t.Fatalf("deactivated on the page, the session must end: %d", r.Status)
	}
}
