package server_test

import (
	"fmt"
	"strings"
	"testing"

	"fuyi/internal/auth"
	"fuyi/internal/date"
	"fuyi/internal/testapp"
	"fuyi/internal/web"
)

// fill replaces the route parameters with real ids.
func fill(path string, ids map[string]string) string {
	for _, p := range []string{":id", ":lid", ":action", ":type", ":period"} {
		if strings.Contains(path, p) {
			key := p
			switch {
			case p == ":id" && strings.HasPrefix(path, "/api/v1/lawsuits") || p == ":id" && strings.HasPrefix(path, "/lawsuits/:id"):
				key = "lawsuit"
			case p == ":id" && strings.Contains(path, "bulletins"):
				key = "bulletin"
			case p == ":id" && strings.Contains(path, "hearings/:id"):
				key = "hearing"
			case p == ":id" && strings.Contains(path, "notices"):
				key = "notice"
			case p == ":id" && strings.HasPrefix(path, "/decisions"):
				key = "decision"
			case p == ":id" && strings.Contains(path, "/users/"):
				key = "user" // a user that does not exist: the matrix must not deactivate its own callers
			}
			path = strings.ReplaceAll(path, p, ids[key])
		}
	}
	return path
}

// TestAuthorizationMatrix walks the route table: every route × every role (and nobody) must answer as its
// declared roles say — 401 (or the login redirect) for nobody, 403 for a role that may never use it,
// 404 (not 403) for a record the caller may not see, and never 500.
func TestAuthorizationMatrix(t *testing.T) {
	a := testapp.New(t, date.MustParse("2026-11-22"))
	own := a.Register("window1", "2025-09-26")
	a.Accept(own, "2025-09-30", "ordinary")
	a.Assign(own, "officer1", "officer2")
	other := a.Register("window2", "2025-09-26")
	a.Accept(other, "2025-09-30", "ordinary")
	a.Assign(other, "officer3", "officer4")
	r := a.Do("POST", "/api/v1/lawsuits", a.Login("officer3"), map[string]any{"court": "某法院", "court_case_no": "（2025）苏0113行初5号", "instance": "first",
		"defendant_agency_id": 1, "reconsideration_organ_defendant": false, "plaintiff": "甲", "cause": "乙", "complaint_received_on": "2025-09-01"})
	if r.Status != 201 {
		t.Fatalf("lawsuit: %d %s", r.Status, r.Body)
	}
	var l struct {
		ID int64 `json:"id"`
	}
	r.JSON(t, &l)
	ids := map[string]string{":id": fmt.Sprint(own), ":lid": "1", ":action": "reply", ":type": "receipt.pdf", ":period": "2025-10",
		"lawsuit": fmt.Sprint(l.ID), "hearing": "999", "notice": "999", "decision": "999", "bulletin": "999", "user": "999999"}
	otherIDs := map[string]string{}
	for k, v := range ids {
		otherIDs[k] = v
	}
	otherIDs[":id"] = fmt.Sprint(other)

	users := map[auth.Role]string{auth.RoleWindow: "window1", auth.RoleOfficer: "officer1", auth.RoleChief: "chief1", auth.RoleBureau: "bureau1"}
	routes := a.Server.Router.Routes
	if len(routes) < 80 {
		t.Fatalf("only %d routes in the table", len(routes))
	}
	for _, rt := range routes {
		body := "{}"
		path := fill(rt.Path, ids)
		// nobody
		r := a.Do(rt.Method, path, "", body)
		switch {
		case r.Status >= 500:
			t.Errorf("%s %s (nobody): %d %s", rt.Method, rt.Path, r.Status, r.Body)
		case !rt.Public && strings.HasPrefix(rt.Path, "/api/") && !strings.HasSuffix(rt.Path, ".ics") && r.Status != 401:
			t.Errorf("%s %s (nobody): %d, want 401", rt.Method, rt.Path, r.Status)
		case !rt.Public && !strings.HasPrefix(rt.Path, "/api/") && r.Status != 302 && r.Status != 303:
			t.Errorf("%s %s (nobody): %d, want the login redirect", rt.Method, rt.Path, r.Status)
		}
		for role, user := range users {
			allowed := len(rt.Roles) == 0
			for _, x := range rt.Roles {
				allowed = allowed || x == role
			}
			tok := a.Login(user)
			if strings.HasSuffix(rt.Path, "/sessions/current") || rt.Path == "/logout" {
				tok = a.FreshLogin(user) // logging out must not end the sessions the matrix keeps using
			}
			r := a.Do(rt.Method, path, tok, body)
			switch {
			case r.Status >= 500:
				t.Errorf("%s %s (%s): %d %s", rt.Method, rt.Path, role, r.Status, r.Body)
			case rt.Public:
			case !allowed && r.Status != 403:
				t.Errorf("%s %s (%s): %d, want 403", rt.Method, rt.Path, role, r.Status)
			case allowed && (r.Status == 401 || r.Status == 403 && !roleRuleInHandler(rt.Path)):
				t.Errorf("%s %s (%s): %d, allowed role refused", rt.Method, rt.Path, role, r.Status)
			}
			// another 司法所's or another team's case: invisible → 404, never 403 or 200
			if allowed && strings.Contains(rt.Path, "/cases/:id") && (role == auth.RoleWindow || role == auth.RoleOfficer) {
				r := a.Do(rt.Method, fill(rt.Path, otherIDs), a.Login(user), body)
				if r.Status != 404 {
					t.Errorf("%s %s (%s, other case): %d, want 404", rt.Method, rt.Path, role, r.Status)
				}
			}
			// an officer who neither registered nor handles the lawsuit does not see it
			if allowed && strings.Contains(rt.Path, "lawsuits/:id") && !strings.Contains(rt.Path, "bulletins") && role == auth.RoleOfficer {
				if r := a.Do(rt.Method, path, a.Login("officer1"), body); r.Status != 404 {
					t.Errorf("%s %s (officer1, another's lawsuit): %d, want 404", rt.Method, rt.Path, r.Status)
				}
			}
		}
	}
}

// roleRuleInHandler lists routes where the handler refines the role with a rule of the case (e.g. only the
// lead officer proposes a decision): a 403 there is the rule, not the route table.
func roleRuleInHandler(path string) bool {
	for _, p := range []string{"/decision", "/hearings", "/actions/", "/publication/", "/corrections"} {
		if strings.Contains(path, p) {
			return true
		}
	}
	return false
}

var _ = web.AllRoles
