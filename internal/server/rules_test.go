package server_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"fuyi/internal/auth"
	"fuyi/internal/date"
	"fuyi/internal/testapp"
	"fuyi/internal/web"
)

// TestPageAndAPIRoutesShareOneRule walks the route table, page routes included: a rule name means one set of
// roles wherever it is used; every rule of a page form is also the rule of an API route (the page cannot
// allow what the API refuses); every unsafe page route of the case and publication pages carries its
// rule. Then the finding itself: the chief cannot withdraw a live publication (mark it not for
// publication) through the page form, which the API reserves for the bureau.
func TestPageAndAPIRoutesShareOneRule(t *testing.T) {
	a := testapp.New(t, date.MustParse("2026-11-22"))
	roles := map[string][]auth.Role{}
	apiRules, pageRules := map[string]bool{}, map[string]string{}
	note := func(rt web.Route, ru web.Rule) {
		if prev, ok := roles[ru.Name]; ok && !slices.Equal(prev, ru.Roles) {
			t.Errorf("rule %s has roles %v at %s %s, %v elsewhere", ru.Name, ru.Roles, rt.Method, rt.Path, prev)
		}
		roles[ru.Name] = ru.Roles
		if strings.HasPrefix(rt.Path, "/api/") {
			apiRules[ru.Name] = true
		} else {
			pageRules[ru.Name] = rt.Method + " " + rt.Path
		}
	}
	for _, rt := range a.Server.Router.Routes {
		if rt.Rule != nil {
			note(rt, *rt.Rule)
		}
		for _, ru := range rt.Rules {
			note(rt, ru)
		}
		// every page form of every feature (cases, publication, case file, hearings, lawsuits, supervision,
		// administration, calendar, reports, notices, accounts) does its action under a shared rule
		page := !strings.HasPrefix(rt.Path, "/api/") && !rt.Public && rt.Method != "GET"
		if page && rt.Rule == nil && len(rt.Rules) == 0 {
			t.Errorf("page route %s %s has no shared rule", rt.Method, rt.Path)
		}
	}
	for name, where := range pageRules {
		if !apiRules[name] {
			t.Errorf("page rule %s (%s) is the rule of no API route", name, where)
		}
	}
	if len(pageRules) < 45 {
		t.Fatalf("only %d page rules: %v", len(pageRules), pageRules)
	}

	// the chief on the forms: refused as by the API, before anything changes
	id := a.AcceptedCase(t, "ordinary")
	chief := a.NewBrowserAs("chief1")
	for _, p := range []struct {
		path string
		form url.Values
		api  string
	}{
		{"publication/block", url.Values{"reason": {"privacy"}, "note": {"负责人撤下"}}, "publication/block"},
		{"publication/publish", url.Values{}, "publication"},
		{"actions/decision", url.Values{"type": {"maintain"}, "decided_on": {"2025-11-20"}, "articles": {"第六十八条"}, "sections.ruling": {"维持。"}}, "decision"},
	} {
		if r := chief.Post(fmt.Sprintf("/cases/%d/%s", id, p.path), p.form); r.Status != 403 {
			t.Errorf("chief posts the %s form: %d", p.path, r.Status)
		}
		if r := a.Do("POST", fmt.Sprintf("/api/v1/cases/%d/%s", id, p.api), a.Login("chief1"), map[string]any{"reason": "privacy"}); r.Status != 403 {
			t.Errorf("chief posts %s to the API: %d", p.api, r.Status)
		}
	}
	var reason string
	if err := a.DB.Get(&reason, `SELECT publish_block_reason FROM cases WHERE id = $1`, id); err != nil || reason != "" {
		t.Errorf("the chief's form marked the case not for publication: %q %v", reason, err)
	}
	if r := chief.Post(fmt.Sprintf("/cases/%d/publication/nonsense", id), url.Values{}); r.Status != 404 {
		t.Errorf("unknown publication action: %d", r.Status)
	}
	// the officer on the lawsuit page: the appeal decision is the chief's or the bureau's, as in the API (the page
	// let an officer record it)
	r := a.Do("POST", "/api/v1/lawsuits", a.Login("officer1"), testapp.Lawsuit("（2026）苏0113行初41号", "first", 1, false, "2026-11-02"))
	if r.Status != 201 {
		t.Fatalf("lawsuit: %d %s", r.Status, r.Body)
	}
	var l testapp.LawsuitView
	r.JSON(t, &l)
	officer := a.NewBrowserAs("officer1")
	if r := officer.Post(fmt.Sprintf("/lawsuits/%d/actions/appeal", l.ID), url.Values{"decision": {"no_appeal"}, "on": {"2026-11-20"}}); r.Status != 403 {
		t.Errorf("officer posts the appeal-decision form: %d", r.Status)
	}
	if r := a.Do("POST", fmt.Sprintf("/api/v1/lawsuits/%d/appeal-decision", l.ID), a.Login("officer1"), map[string]any{"decision": "no_appeal", "on": "2026-11-20"}); r.Status != 403 {
		t.Errorf("officer posts the appeal decision to the API: %d", r.Status)
	}
	// the bureau's form still works
	if r := a.NewBrowserAs("bureau1").Post(fmt.Sprintf("/cases/%d/publication/block", id), url.Values{"reason": {"privacy"}, "note": {"涉及个人隐私"}}); r.Status != 303 {
		t.Errorf("bureau posts the block form: %d", r.Status)
	}
}
