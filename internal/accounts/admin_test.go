package accounts_test

import (
	"fmt"
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
