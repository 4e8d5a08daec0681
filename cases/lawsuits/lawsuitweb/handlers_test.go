package lawsuitweb_test

import (
	"fmt"
	"strings"
	"testing"

	"fuyi/internal/pdf/pdftext"
	"fuyi/internal/testapp"
)

type lawsuitView = testapp.LawsuitView

func lawsuit(no, instance string, agency int, organ bool, received string) map[string]any {
	return testapp.Lawsuit(no, instance, agency, organ, received)
}

func registerLawsuit(t *testing.T, a *testapp.App, body map[string]any) lawsuitView {
	t.Helper()
	return a.RegisterLawsuit(t, body)
}

func TestRegisterLawsuit(t *testing.T) {
	a := testapp.New(t, today)
	l := registerLawsuit(t, a, lawsuit("(2025)苏0113行初123号", "first", 1, false, "2025-09-20"))
	if l.CourtCaseNo != "（2025）苏0113行初123号" || l.AnswerDueOn != "2025-10-09" {
		t.Fatalf("lawsuit: %+v", l)
	}
	tok := a.Login("bureau1")
	if r := a.Do("POST", "/api/v1/lawsuits", tok, lawsuit("（2025）苏0113行初123号", "first", 1, false, "2025-09-20")); r.Status != 409 {
		t.Fatalf("duplicate 案号: %d", r.Status)
	}
	if r := a.Do("POST", "/api/v1/lawsuits", tok, lawsuit("（2025）苏0113行初0123号", "first", 1, false, "2025-09-20")); r.Status != 422 || r.Fields(t)["court_case_no"] == "" {
		t.Fatalf("bad 案号: %d %s", r.Status, r.Body)
	}
	if r := a.Do("POST", "/api/v1/lawsuits", tok, lawsuit("（2025）苏01行终5号", "first", 1, false, "2025-09-20")); r.Status != 422 || r.Fields(t)["instance"] == "" {
		t.Fatalf("instance mismatch: %d %s", r.Status, r.Body)
	}
	if r := a.Do("POST", "/api/v1/lawsuits", a.Login("window1"), lawsuit("（2025）苏0113行初9号", "first", 1, false, "2025-09-20")); r.Status != 403 {
		t.Fatalf("window registers a lawsuit: %d", r.Status)
	}
	second := lawsuit("（2026）苏01行终5号", "second", 1, false, "2026-01-10")
	second["previous_lawsuit_id"] = l.ID
	if r := a.Do("POST", "/api/v1/lawsuits", tok, second); r.Status != 201 {
		t.Fatalf("second instance linked to the first: %d %s", r.Status, r.Body)
	}
	// co-defendant suggestion from the linked 复议 decision (维持 → agency and organ)
	id := acceptedCase(t, a, "ordinary")
	propose(a, "officer1", id, "maintain", nil)
	post(a, "chief1", id, "decision/approval", map[string]any{"approve": true})
	body := lawsuit("（2026）苏0113行初7号", "first", 0, false, "2026-01-05")
	delete(body, "defendant_agency_id")
	delete(body, "reconsideration_organ_defendant")
	body["case_id"] = id
	l = registerLawsuit(t, a, body)
	if !l.OrganDefendant || l.AgencyID == nil || *l.AgencyID != 1 {
		t.Fatalf("co-defendant suggestion: %+v", l)
	}
}

// 行诉法第3条第3款 and 出庭规定第2条: only 正职/副职/分管 负责人 count; absent → 相应的工作人员, never a lawyer alone.
func TestCourtSessionRules(t *testing.T) {
	a := testapp.New(t, today)
	l := registerLawsuit(t, a, lawsuit("（2025）苏0113行初1号", "first", 1, false, "2025-03-01"))
	path := fmt.Sprintf("/api/v1/lawsuits/%d/sessions", l.ID)
	tok := a.Login("bureau1")
	if r := a.Do("POST", path, a.Login("officer1"), map[string]any{"held_on": "2025-05-01"}); r.Status != 404 {
		t.Fatalf("an officer who neither registered nor handles the lawsuit: %d", r.Status)
	}
	if r := a.Do("POST", path, tok, map[string]any{"held_on": "2025-05-01", "head_appeared": true, "head_name": "张三", "head_title": "科长", "head_rank": "section_chief"}); r.Status != 422 || !strings.Contains(string(r.Body), "出庭规定第2条") {
		t.Fatalf("non-qualifying rank: %d %s", r.Status, r.Body)
	}
	if r := a.Do("POST", path, tok, map[string]any{"held_on": "2025-05-01", "head_appeared": false, "absence_reason": "official_duty", "delegate_name": "某律师", "delegate_is_lawyer": true}); r.Status != 422 || !strings.Contains(string(r.Body), "律师") {
		t.Fatalf("lawyer alone: %d %s", r.Status, r.Body)
	}
	if r := a.Do("POST", path, tok, map[string]any{"held_on": "2025-05-01", "head_appeared": false, "absence_reason": "because"}); r.Status != 422 {
		t.Fatalf("invalid reason: %d", r.Status)
	}
	r := a.Do("POST", path, a.Login("bureau1"), map[string]any{"held_on": "2025-05-01", "head_appeared": false, "absence_reason": "official_duty", "delegate_name": "王科长", "explanation_filed": true})
	var v lawsuitView
	r.JSON(t, &v)
	if r.Status != 200 || v.Appearance.Appeared || v.Appearance.Flag == "" {
		t.Fatalf("absent head: %d %s", r.Status, r.Body)
	}
	r = a.Do("POST", path, a.Login("bureau1"), map[string]any{"held_on": "2025-06-01", "head_appeared": true, "head_name": "刘建国", "head_title": "副局长", "head_rank": "deputy"})
	v = lawsuitView{}
	r.JSON(t, &v)
	if !v.Appearance.Appeared || v.Appearance.Flag != "" {
		t.Fatalf("one appearance per instance suffices: %s", r.Body)
	}
	// judgment → 败诉 and appeal deadline
	r = a.Do("POST", fmt.Sprintf("/api/v1/lawsuits/%d/judgment", l.ID), a.Login("bureau1"), map[string]any{"outcome": "revoke", "judged_on": "2025-07-01", "served_on": "2025-07-03", "kind": "ruling"})
	if r.Status != 422 {
		t.Fatalf("撤销 is a 判决, not a 裁定: %d %s", r.Status, r.Body)
	}
	r = a.Do("POST", fmt.Sprintf("/api/v1/lawsuits/%d/judgment", l.ID), a.Login("bureau1"), map[string]any{"outcome": "revoke", "judged_on": "2025-07-01", "served_on": "2025-07-03"})
	r.JSON(t, &v)
	if r.Status != 200 || v.Lost == nil || !*v.Lost || v.AppealDueOn != "2025-07-18" {
		t.Fatalf("judgment: %d %s", r.Status, r.Body)
	}
}

// A fixture with hand-counted figures for every rate of GET /lawsuits/stats (DOMAIN.md §8).
func TestLawsuitStats(t *testing.T) {
	a := testapp.New(t, today)
	bureau := a.Login("bureau1")
	do := func(path string, body map[string]any) {
		t.Helper()
		if r := a.Do("POST", path, bureau, body); r.Status != 200 {
			t.Fatalf("%s: %d %s", path, r.Status, r.Body)
		}
	}
	p := func(id int64, what string) string { return fmt.Sprintf("/api/v1/lawsuits/%d/%s", id, what) }
	l1 := registerLawsuit(t, a, lawsuit("（2025）苏0113行初1号", "first", 1, true, "2025-03-01"))
	do(p(l1.ID, "sessions"), map[string]any{"held_on": "2025-05-01", "head_appeared": true, "head_name": "刘建国", "head_title": "局长", "head_rank": "principal"})
	do(p(l1.ID, "judgment"), map[string]any{"outcome": "revoke", "judged_on": "2025-06-01", "served_on": "2025-06-03"})
	do(p(l1.ID, "suggestions"), map[string]any{"kind": "judicial", "received_on": "2025-07-01", "replied_on": "2025-08-01"})
	l2 := registerLawsuit(t, a, lawsuit("（2025）苏0113行初2号", "first", 1, false, "2025-03-10"))
	do(p(l2.ID, "sessions"), map[string]any{"held_on": "2025-05-10", "head_appeared": false, "absence_reason": "none", "delegate_name": "王科长"})
	do(p(l2.ID, "judgment"), map[string]any{"outcome": "dismiss_claims", "judged_on": "2025-07-01"})
	do(p(l2.ID, "suggestions"), map[string]any{"kind": "procuratorial", "received_on": "2025-07-05"})
	l3 := registerLawsuit(t, a, lawsuit("（2025）苏0113行初3号", "first", 2, true, "2025-04-01"))
	do(p(l3.ID, "judgment"), map[string]any{"outcome": "withdrawn", "judged_on": "2025-08-01"})
	l4b := lawsuit("（2025）苏0113行初4号", "first", 2, false, "2025-05-01")
	l4b["head_required"], l4b["head_required_reason"] = true, "social_concern"
	l4 := registerLawsuit(t, a, l4b)
	do(p(l4.ID, "sessions"), map[string]any{"held_on": "2025-06-01", "head_appeared": false, "absence_reason": "official_duty", "delegate_name": "赵科长", "explanation_filed": true})
	l5 := registerLawsuit(t, a, lawsuit("（2024）苏0113行初5号", "first", 1, true, "2024-12-01"))
	do(p(l5.ID, "judgment"), map[string]any{"outcome": "dismiss_claims", "judged_on": "2025-02-01"})

	type rate struct {
		Numerator   int      `json:"numerator"`
		Denominator int      `json:"denominator"`
		Value       *float64 `json:"value"`
		Basis       string   `json:"basis"`
		Flag        bool     `json:"flag"`
	}
	var s struct {
		Received, Concluded, Lost int
		LossRate                  rate `json:"loss_rate"`
		AppearanceRate            rate `json:"head_appearance_rate"`
		AfterRecon                rate `json:"after_reconsideration_loss_rate"`
		ReplyRate                 rate `json:"reply_rate"`
		NoReason                  int  `json:"absences_without_valid_reason"`
		NoExplanation             int  `json:"absences_without_explanation"`
		RequiredWithoutPrincipal  int  `json:"required_without_principal"`
		Agencies                  []struct {
			AgencyID                  int `json:"agency_id"`
			Received, Concluded, Lost int
			Instances                 int `json:"instances_with_sessions"`
			Appeared                  int `json:"instances_head_appeared"`
		} `json:"agencies"`
	}
	r := a.Do("GET", "/api/v1/lawsuits/stats?from=2025-01-01&to=2025-12-31", a.Login("chief1"), nil)
	r.JSON(t, &s)
	check := func(name string, got rate, num, den int, flag bool) {
		t.Helper()
		if got.Numerator != num || got.Denominator != den || got.Flag != flag || got.Basis == "" {
			t.Errorf("%s: %+v, want %d/%d flag=%v", name, got, num, den, flag)
		}
	}
	if s.Received != 4 || s.Concluded != 4 || s.Lost != 1 {
		t.Fatalf("counts: %s", r.Body)
	}
	check("败诉率", s.LossRate, 1, 4, false)
	check("经复议后被诉败诉率", s.AfterRecon, 1, 3, true) // 33% > 8%
	check("负责人出庭率", s.AppearanceRate, 1, 3, true)
	check("办复率", s.ReplyRate, 1, 2, true)
	if s.NoReason != 1 || s.NoExplanation != 1 || s.RequiredWithoutPrincipal != 1 {
		t.Fatalf("absences: %d %d %d", s.NoReason, s.NoExplanation, s.RequiredWithoutPrincipal)
	}
	if len(s.Agencies) != 2 || s.Agencies[0].Received != 2 || s.Agencies[0].Concluded != 3 || s.Agencies[0].Lost != 1 ||
		s.Agencies[0].Instances != 2 || s.Agencies[0].Appeared != 1 || s.Agencies[1].Concluded != 1 || s.Agencies[1].Appeared != 0 {
		t.Fatalf("per agency: %+v", s.Agencies)
	}
	a.Do("GET", "/api/v1/lawsuits/stats?from=2025-01-01&to=2025-12-31&agency_id=2", a.Login("bureau1"), nil).JSON(t, &s)
	if s.Received != 2 || s.Concluded != 1 || s.LossRate.Numerator != 0 || s.LossRate.Denominator != 1 {
		t.Fatalf("agency 2: %+v", s)
	}
	if r := a.Do("GET", "/api/v1/lawsuits/stats", a.Login("officer1"), nil); r.Status != 403 {
		t.Fatalf("officer stats: %d", r.Status)
	}
	// the 通报 page and its internal publication
	b := a.NewBrowserAs("bureau1")
	page := string(b.Get("/lawsuits/stats?from=2025-01-01&to=2025-12-31").Body)
	if !strings.Contains(page, "无正当理由") || !strings.Contains(page, "未达标") {
		t.Fatal("stats page lacks absences or red flags")
	}
	r = b.Post("/lawsuits/stats/publish?from=2025-01-01&to=2025-12-31", nil2())
	if r.Status != 303 {
		t.Fatalf("publish bulletin: %d %s", r.Status, r.Body)
	}
	// the frozen bulletin as a page and as a PDF with every session, absence reason and red flag
	loc := r.Header.Get("Location")
	if page := string(b.Get(loc).Body); !strings.Contains(page, loc+"/bulletin.pdf") {
		t.Fatalf("bulletin page lacks the PDF link: %s", page)
	}
	pr := b.Get(loc + "/bulletin.pdf")
	if pr.Status != 200 || pr.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("bulletin PDF: %d %s", pr.Status, pr.Header.Get("Content-Type"))
	}
	text := pdftext.Extract(t, pr.Body)
	for _, want := range []string{"出庭应诉情况通报", "2025-01-01至2025-12-31", "刘建国（局长）", "无正当理由，未提交情况说明",
		"经复议后被诉败诉率（未达标）", "33.3%", "王科长", "各机关情况"} {
		if !strings.Contains(text, want) {
			t.Errorf("bulletin PDF lacks %q: %s", want, text)
		}
	}
	if r := b.Get("/lawsuits/bulletins/999999/bulletin.pdf"); r.Status != 404 {
		t.Fatalf("unknown bulletin PDF: %d", r.Status)
	}
}
