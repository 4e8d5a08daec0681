package server_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"fuyi/internal/auth"
	"fuyi/internal/date"
	"fuyi/internal/demo"
	"fuyi/internal/testapp"
	"fuyi/internal/web"
)

// TestForeignOrganMatrix: the authorization matrix's organ dimension. Organ A (栖霞) has a case, accepted
// and assigned, and a lawsuit; every route × every role of organ B (南京市) that names one of them answers
// exactly as for a record that does not exist (404; or the same 422 when the route checks its body before it
// looks the record up), whatever the role may do in its own organ — and no answer of
// any staff route to organ B's users shows anything of organ A (its 代字, registration number or court case
// number). The supervising role of organ B gets 403 on every route but its own and its session's.
func TestForeignOrganMatrix(t *testing.T) {
	a := testapp.New(t, date.MustParse("2026-11-22"))
	a.RequireRowSecurity()
	own := a.RegisterAt("window1", "2025-09-26", a.AgencyIn(demo.FirstOrgan))
	if r := a.Accept(own, "2025-09-30", "ordinary"); r.Status != 200 {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
	a.Assign(own, "officer1", "officer2")
	r := a.Do("POST", "/api/v1/lawsuits", a.Login("officer1"), map[string]any{"court": "某法院", "court_case_no": "（2025）苏0113行初77号", "instance": "first",
		"defendant_agency_id": a.AgencyIn(demo.FirstOrgan), "reconsideration_organ_defendant": false, "case_id": own, "plaintiff": "甲", "cause": "乙",
		"complaint_received_on": "2025-09-01"})
	if r.Status != 201 {
		t.Fatalf("lawsuit: %d %s", r.Status, r.Body)
	}
	var l struct {
		ID int64 `json:"id"`
	}
	r.JSON(t, &l)
	var regNo, caseNo string
	if err := a.DB.QueryRow(`SELECT registration_no, case_no FROM cases WHERE id = $1`, own).Scan(&regNo, &caseNo); err != nil {
		t.Fatal(err)
	}
	// organ B has records of its own too: its lists are not empty by accident
	b := a.RegisterAt("window3", "2025-09-26", a.AgencyIn(demo.SecondOrgan))
	if r := a.AcceptAs("chief2", b, "2025-09-30"); r.Status != 200 {
		t.Fatalf("accept in organ B: %d %s", r.Status, r.Body)
	}
	ids := map[string]string{":id": fmt.Sprint(own), ":lid": "1", ":action": "reply", ":type": "acceptance.pdf", ":period": "2025-10",
		"lawsuit": fmt.Sprint(l.ID), "hearing": "999", "notice": "999", "decision": "999", "bulletin": "999", "user": "999999"}
	missing := map[string]string{}
	for k, v := range ids {
		missing[k] = v
	}
	missing[":id"], missing["lawsuit"] = "999999999", "999999999"
	users := map[auth.Role]string{auth.RoleWindow: "window3", auth.RoleOfficer: "officer11", auth.RoleChief: "chief2", auth.RoleBureau: "bureau2"}
	leaks := []string{caseNo, regNo, "苏0113行初77号", "栖政复"}
	checked := 0
	for _, rt := range a.Server.Router.Routes {
		if rt.Public {
			continue
		}
		path := fill(rt.Path, ids)
		names := strings.Contains(rt.Path, "/cases/:id") || strings.Contains(rt.Path, "/lawsuits/:id")
		for role, user := range users {
			allowed := len(rt.Roles) == 0
			for _, x := range rt.Roles {
				allowed = allowed || x == role
			}
			tok := a.Login(user)
			if strings.HasSuffix(rt.Path, "/sessions/current") || rt.Path == "/logout" {
				tok = a.FreshLogin(user)
			}
			r := a.Do(rt.Method, path, tok, "{}")
			switch {
			case r.Status >= 500:
				t.Errorf("%s %s (%s of organ B): %d %s", rt.Method, rt.Path, role, r.Status, r.Body)
			case names && allowed && r.Status != 404:
				// a route that validates its body first answers 422 for any id: then organ A's record must get
				// the very same answer as a record that does not exist
				m := a.Do(rt.Method, fill(rt.Path, missing), tok, "{}")
				if r.Status != 422 || m.Status != 422 || !bytes.Equal(r.Body, m.Body) {
					t.Errorf("%s %s (%s of organ B, organ A's record): %d, want 404 (a missing record: %d)", rt.Method, rt.Path, role, r.Status, m.Status)
				}
			}
			if names && allowed {
				checked++
			}
			for _, s := range leaks {
				if strings.Contains(string(r.Body), s) {
					t.Errorf("%s %s (%s of organ B): the answer shows organ A's %q", rt.Method, rt.Path, role, s)
				}
			}
		}
		// the supervising role: its own pages and session only
		if !rt.Public {
			allowed := false
			for _, x := range rt.Roles {
				allowed = allowed || x == auth.RoleSupervisor
			}
			tok := a.Login("city1")
			if strings.HasSuffix(rt.Path, "/sessions/current") || rt.Path == "/logout" {
				tok = a.FreshLogin("city1")
			}
			r := a.Do(rt.Method, path, tok, "{}")
			mayPersonal := rt.Path == "/" || strings.Contains(rt.Path, "notices") || strings.Contains(rt.Path, "sessions/current") ||
				rt.Path == "/logout" || rt.Path == "/api/v1/me"
			switch {
			case r.Status >= 500:
				t.Errorf("%s %s (supervisor): %d %s", rt.Method, rt.Path, r.Status, r.Body)
			case !allowed && !mayPersonal && r.Status != 403:
				t.Errorf("%s %s (supervisor): %d, want 403", rt.Method, rt.Path, r.Status)
			}
			for _, s := range leaks[:3] {
				if strings.Contains(string(r.Body), s) {
					t.Errorf("%s %s (supervisor): the answer shows organ A's case file (%q)", rt.Method, rt.Path, s)
				}
			}
		}
	}
	if checked < 60 {
		t.Errorf("only %d route × role pairs named organ A's records", checked)
	}
	t.Logf("%d route × role pairs of organ B named organ A's records: all 404", checked)
	// the supervisor's home is its statistics page
	if r := a.Do("GET", "/", a.Login("city1"), nil); r.Status != 303 || r.Header.Get("Location") != web.SupervisorHome {
		t.Errorf("supervisor home: %d %s", r.Status, r.Header.Get("Location"))
	}
}
