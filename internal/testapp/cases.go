package testapp

import (
	"fmt"
	"testing"
)

// CaseView is the part of a case answer the tests of several features read.
type CaseView struct {
	ID        int64  `json:"id"`
	Status    string `json:"status"`
	Version   int    `json:"version"`
	Deadlines []struct {
		Kind   string `json:"kind"`
		DueOn  string `json:"due_on"`
		Basis  string `json:"basis"`
		Status string `json:"status"`
	} `json:"deadlines"`
	Events []struct {
		Action  string         `json:"action"`
		Summary string         `json:"summary"`
		Old     map[string]any `json:"old"`
		New     map[string]any `json:"new"`
	} `json:"events"`
}

// Deadline returns the due date and state of the case's deadline of a kind ("" when it has none).
func (v CaseView) Deadline(kind string) (due, status string) {
	for _, d := range v.Deadlines {
		if d.Kind == kind {
			return d.DueOn, d.Status
		}
	}
	return "", ""
}

// Case reads a case as user.
func (a *App) Case(t testing.TB, user string, id int64) CaseView {
	t.Helper()
	r := a.Do("GET", fmt.Sprintf("/api/v1/cases/%d", id), a.Login(user), nil)
	if r.Status != 200 {
		t.Fatalf("get case: %d %s", r.Status, r.Body)
	}
	var v CaseView
	r.JSON(t, &v)
	return v
}

// AcceptedCase registers and accepts a case (受理 2025-09-30) and assigns officer1 (lead) and officer2.
func (a *App) AcceptedCase(t testing.TB, procedure string) int64 {
	t.Helper()
	id := a.Register("window1", "2025-09-26")
	if r := a.Accept(id, "2025-09-30", procedure); r.Status != 200 {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
	a.Assign(id, "officer1", "officer2")
	return id
}

// Post sends an action on a case as user (POST /api/v1/cases/{id}/{action}).
func (a *App) Post(user string, id int64, action string, body any) *Response {
	return a.Do("POST", fmt.Sprintf("/api/v1/cases/%d/%s", id, action), a.Login(user), body)
}

// Propose posts a decision draft of type typ (extra overrides fields of the default body).
func (a *App) Propose(user string, id int64, typ string, extra map[string]any) *Response {
	body := map[string]any{"type": typ, "decided_on": "2025-11-20", "articles": []string{"第六十八条"},
		"sections": map[string]string{"facts": "经审理查明……", "reasoning": "本机关认为……", "ruling": "维持被申请人作出的行政处罚决定。"}}
	for k, v := range extra {
		body[k] = v
	}
	return a.Post(user, id, "decision", body)
}
