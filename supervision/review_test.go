package supervision_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"fuyi/internal/date"
	"fuyi/internal/pdf/pdftext"
	"fuyi/internal/testapp"
	"fuyi/supervision"
)

// The yearly 应诉 review on a fixture whose figures are counted by hand (comments), with the default weights
// (出庭 25, 败诉 20, 经复议后败诉 15, 答辩 10, 建议办复 10, 履行 15, 旁听 5):
//
//	市场监管局: 出庭 1/2, 败诉 1/2, 经复议后败诉 0/1, 答辩 1/2, 建议办复 1/1, 履行 1/2, 旁听 1 →
//	  (25×.5 + 20×(1−.5) + 15×(1−0) + 10×.5 + 10×1 + 15×.5 + 5×1) / 100 × 100 = 65.0
//	公安分局: 出庭 1/1, 答辩 0/1, 旁听 0 (a 执法人员 only), the rest without data → (25×1 + 10×0 + 5×0) / 40 × 100 = 62.5
//	every other agency: only 旁听 0/1 → 0.0
//
// Published, the review is frozen: later records change the draft of another year, never the published
// figures, and the database refuses to alter it. Its PDF and XLSX are read back.
func TestYearlyReviewFiguresAndPublication(t *testing.T) {
	a := testapp.New(t, date.MustParse("2026-01-15"))
	b := a.Login("bureau1")
	market := agencyID(t, a, "南京市栖霞区市场监督管理局")
	police := agencyID(t, a, "南京市公安局栖霞分局")
	do := func(path string, body map[string]any) {
		t.Helper()
		if r := a.Do("POST", path, b, body); r.Status >= 300 {
			t.Fatalf("%s: %d %s", path, r.Status, r.Body)
		}
	}
	// 复议 decisions against 市场监管局: one performed in time, one never (履行 1/2); against 公安分局 one due in 2026
	c1 := decided(t, a, market, "revoke", "2025-10-10", "2025-10-12", map[string]any{"perform_due_on": "2025-10-31"})
	if r := a.Post("officer1", c1, "performance", map[string]any{"performed_on": "2025-10-20"}); r.Status != 200 {
		t.Fatalf("performance: %d %s", r.Status, r.Body)
	}
	decided(t, a, market, "revoke", "2025-10-10", "2025-10-12", map[string]any{"perform_due_on": "2025-11-30"})
	decided(t, a, police, "revoke", "2025-10-10", "2025-10-12", map[string]any{"perform_due_on": "2026-02-28"})

	l1 := a.RegisterLawsuit(t, testapp.Lawsuit("（2025）苏0113行初101号", "first", market, false, "2025-03-03"))
	do(path("/api/v1/lawsuits/%d/answer", l1.ID), map[string]any{"filed_on": "2025-03-10"}) // in time
	do(path("/api/v1/lawsuits/%d/sessions", l1.ID), map[string]any{"held_on": "2025-05-06", "head_appeared": true, "head_name": "刘建国", "head_title": "局长", "head_rank": "principal"})
	do(path("/api/v1/lawsuits/%d/judgment", l1.ID), map[string]any{"outcome": "revoke", "judged_on": "2025-06-03", "served_on": "2025-06-05"})
	do(path("/api/v1/lawsuits/%d/suggestions", l1.ID), map[string]any{"kind": "judicial", "received_on": "2025-07-01", "reply_due_on": "2025-08-31", "replied_on": "2025-08-01", "content": "建议"})

	l2body := testapp.Lawsuit("（2025）苏0113行初102号", "first", market, false, "2025-04-01")
	l2body["case_id"] = c1 // 经复议后被诉
	l2 := a.RegisterLawsuit(t, l2body)
	do(path("/api/v1/lawsuits/%d/answer", l2.ID), map[string]any{"filed_on": "2025-05-06"}) // late
	do(path("/api/v1/lawsuits/%d/sessions", l2.ID), map[string]any{"held_on": "2025-05-12", "head_appeared": false, "absence_reason": "none", "delegate_name": "王科长"})
	do(path("/api/v1/lawsuits/%d/judgment", l2.ID), map[string]any{"outcome": "dismiss_claims", "judged_on": "2025-07-01", "served_on": "2025-07-03"})

	l3 := a.RegisterLawsuit(t, testapp.Lawsuit("（2025）苏0113行初103号", "first", police, false, "2025-05-06")) // no answer filed
	do(path("/api/v1/lawsuits/%d/sessions", l3.ID), map[string]any{"held_on": "2025-06-09", "head_appeared": true, "head_name": "张卫东", "head_title": "局长", "head_rank": "principal"})

	do("/api/v1/observations", map[string]any{"court": "南京市栖霞区人民法院", "held_on": "2025-06-09", "attendees": []map[string]any{
		{"agency_id": market, "name": "刘建国", "rank": "principal"}, {"agency_id": police, "name": "某警官", "rank": "officer"}}})

	r := a.Do("GET", "/api/v1/reviews/2025", b, nil)
	var rv supervision.Review
	r.JSON(t, &rv)
	if r.Status != 200 || rv.Published {
		t.Fatalf("draft: %d %s", r.Status, r.Body)
	}
	line := func(rv supervision.Review, id int) supervision.AgencyReview {
		for _, x := range rv.Agencies {
			if x.AgencyID == id {
				return x
			}
		}
		t.Fatalf("agency %d not in the review", id)
		return supervision.AgencyReview{}
	}
	want := func(ar supervision.AgencyReview, figures map[string][2]int, score float64, rank int) {
		t.Helper()
		for _, f := range ar.Figures {
			if w, ok := figures[f.Key]; ok && (f.Num != w[0] || f.Den != w[1]) {
				t.Errorf("%s %s: %d/%d, want %d/%d", ar.AgencyName, f.Name, f.Num, f.Den, w[0], w[1])
			}
		}
		if ar.Score == nil || *ar.Score != score || ar.Rank != rank {
			t.Errorf("%s: score %v rank %d, want %.1f rank %d", ar.AgencyName, supervision.ScoreText(ar.Score), ar.Rank, score, rank)
		}
	}
	want(line(rv, market), map[string][2]int{"head_appearance": {1, 2}, "loss": {1, 2}, "loss_after_review": {0, 1}, "answer_on_time": {1, 2},
		"suggestion_reply": {1, 1}, "performance": {1, 2}, "observation": {1, 1}}, 65.0, 1)
	want(line(rv, police), map[string][2]int{"head_appearance": {1, 1}, "loss": {0, 0}, "loss_after_review": {0, 0}, "answer_on_time": {0, 1},
		"suggestion_reply": {0, 0}, "performance": {0, 0}, "observation": {0, 1}}, 62.5, 2)
	want(line(rv, agencyID(t, a, "南京市栖霞区尧化街道办事处")), map[string][2]int{"head_appearance": {0, 0}}, 0, 3)

	// the weights change the score: 出庭 alone → 市场监管局 50.0, 公安分局 100.0
	if r := a.Do("PUT", "/api/v1/reviews/weights", a.Login("chief1"), map[string]any{"weights": map[string]float64{"loss": 0}}); r.Status != 403 {
		t.Fatalf("chief sets weights: %d", r.Status)
	}
	if r := a.Do("PUT", "/api/v1/reviews/weights", b, map[string]any{"weights": map[string]float64{"nonsense": 1}}); r.Status != 422 {
		t.Fatalf("unknown weight: %d %s", r.Status, r.Body)
	}
	zero := map[string]float64{"head_appearance": 100, "loss": 0, "loss_after_review": 0, "answer_on_time": 0, "suggestion_reply": 0, "performance": 0, "observation": 0}
	if r := a.Do("PUT", "/api/v1/reviews/weights", b, map[string]any{"weights": zero}); r.Status != 200 {
		t.Fatalf("weights: %d %s", r.Status, r.Body)
	}
	a.Do("GET", "/api/v1/reviews/2025", b, nil).JSON(t, &rv)
	if s := line(rv, market).Score; s == nil || *s != 50 || *line(rv, police).Score != 100 || line(rv, police).Rank != 1 {
		t.Fatalf("weighted: %+v %+v", line(rv, market), line(rv, police))
	}
	restore := map[string]float64{"head_appearance": 25, "loss": 20, "loss_after_review": 15, "answer_on_time": 10, "suggestion_reply": 10, "performance": 15, "observation": 5}
	a.Do("PUT", "/api/v1/reviews/weights", b, map[string]any{"weights": restore})

	// publish: confirmation needed; once published, frozen
	if r := a.Do("POST", "/api/v1/reviews/2025/publication", b, map[string]any{"confirm": false}); r.Status != 422 {
		t.Fatalf("unconfirmed publication: %d", r.Status)
	}
	if r := a.Do("POST", "/api/v1/reviews/2025/publication", b, map[string]any{"confirm": true}); r.Status != 201 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	if r := a.Do("POST", "/api/v1/reviews/2025/publication", b, map[string]any{"confirm": true}); r.Status != 409 {
		t.Fatalf("second publication: %d %s", r.Status, r.Body)
	}
	do(path("/api/v1/lawsuits/%d/sessions", l3.ID), map[string]any{"held_on": "2025-07-09", "head_appeared": false, "absence_reason": "none", "delegate_name": "李科长"})
	a.Do("PUT", "/api/v1/reviews/weights", b, map[string]any{"weights": zero})
	var pub supervision.Review
	a.Do("GET", "/api/v1/reviews/2025", b, nil).JSON(t, &pub)
	if !pub.Published || line(pub, police).Figures[0].Den != 1 || *line(pub, market).Score != 65 || pub.Weights["loss"] != 20 {
		t.Fatalf("the published review changed: %+v", line(pub, police))
	}
	if _, err := a.DB.Exec(`UPDATE annual_reviews SET snapshot = '{}' WHERE year = 2025`); err == nil {
		t.Fatal("the database lets a published review change")
	}
	if _, err := a.DB.Exec(`DELETE FROM annual_reviews WHERE year = 2025`); err == nil {
		t.Fatal("the database lets a published review be deleted")
	}

	// PDF and XLSX read back: the published files
	pr := a.Do("GET", "/supervision/reviews/2025.pdf", b, nil)
	text := strings.Join(strings.Fields(pdftext.Extract(t, pr.Body)), "")
	for _, w := range []string{"2025年度行政应诉工作考核结果", "南京市栖霞区市场监督管理局", "65.0", "62.5", "负责人出庭率", "经复议后被诉败诉率", "50%", "口径"} {
		if w == "口径" {
			w = "得分："
		}
		if !strings.Contains(text, w) {
			t.Errorf("PDF lacks %q: %s", w, text)
		}
	}
	xr := a.Do("GET", "/supervision/reviews/2025.xlsx", b, nil)
	f, err := excelize.OpenReader(bytes.NewReader(xr.Body))
	if err != nil {
		t.Fatalf("xlsx: %v (%d)", err, xr.Status)
	}
	defer f.Close()
	rows, err := f.GetRows("应诉工作考核")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, row := range rows {
		if len(row) > 1 && row[1] == "南京市栖霞区市场监督管理局" {
			found = true
			// 名次, 单位, 出庭 1 2 50.0%, 败诉 1 2 50.0%, …, 得分
			if row[0] != "1" || row[2] != "1" || row[3] != "2" || row[4] != "50.0%" || row[len(row)-1] != "65" {
				t.Errorf("xlsx row: %q", row)
			}
		}
	}
	if !found || rows[2][2] != "负责人出庭率" || rows[3][2] != "分子" {
		t.Fatalf("xlsx rows: %q", rows[:4])
	}
	if v, _ := f.GetCellValue("应诉工作考核", "C5", excelize.Options{RawCellValue: true}); v == "" {
		t.Fatal("counts not stored as numbers")
	}
}
