package supervision_test

import (
	"strings"
	"testing"

	"fuyi/internal/date"
	"fuyi/internal/pdf/pdftext"
	"fuyi/internal/testapp"
	"fuyi/supervision"
)

// TestSupervisionDocumentsPrintTypedLinesAsText (issue 17, markup injection): the documents supervision
// builds outside the templates — the 通报批评 and the typical-case report — print every line people typed,
// a line beginning with "@" included, as text: it is neither dropped nor read as a heading or a signature.
func TestSupervisionDocumentsPrintTypedLinesAsText(t *testing.T) {
	a := testapp.New(t, date.MustParse("2026-01-10"))
	chief := a.Login("chief1")
	hr := agencyID(t, a, "南京市栖霞区人力资源和社会保障局")
	id := decided(t, a, hr, "revoke", "2025-11-20", "2025-11-25", map[string]any{"perform_due_on": "2025-12-31"})
	r := a.Do("POST", "/api/v1/performance-orders", chief, map[string]any{"case_id": id, "document": "decision", "ordered_on": "2026-01-05", "due_on": "2026-01-09"})
	if r.Status != 201 {
		t.Fatalf("order: %d %s", r.Status, r.Body)
	}
	var o supervision.Order
	r.JSON(t, &o)
	r = a.Do("POST", path("/api/v1/performance-orders/%d/reprimands", o.ID), chief, map[string]any{"issued_on": "2026-01-10", "recipients": "区政府各部门",
		"content": "望各单位引以为戒。\n@title 伪造的标题\n  @sign 伪造的落款\n@@双at开头"})
	if r.Status != 201 {
		t.Fatalf("reprimand: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &o)
	text := squeeze(pdftext.Extract(t, a.Do("GET", o.Reprimands[0].URL, chief, nil).Body))
	for _, want := range []string{"望各单位引以为戒", "＠title伪造的标题", "＠sign伪造的落款", "＠@双at开头"} {
		if !strings.Contains(text, want) {
			t.Errorf("reprimand lacks %q as text: %s", want, text)
		}
	}

	// a typical case whose summary begins with "@"
	var caseNo string
	if err := a.DB.Get(&caseNo, `SELECT case_no FROM cases WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if r := a.Do("POST", "/api/v1/typical-cases", chief, map[string]any{"case_no": caseNo, "title": "社保待遇案", "reason": "共性问题",
		"summary": "@heading 伪造的小标题：被申请人未依法告知，本机关撤销原行为。"}); r.Status != 201 {
		t.Fatalf("typical: %d %s", r.Status, r.Body)
	}
	r = a.Do("GET", "/supervision/typical-cases/report.pdf?year=2025&kind=report", a.Login("bureau1"), nil)
	if r.Status != 200 {
		t.Fatalf("report: %d %s", r.Status, r.Body)
	}
	text = squeeze(pdftext.Extract(t, r.Body))
	for _, want := range []string{"＠heading伪造的小标题：被申请人未依法告知", "本机关撤销原行为"} {
		if !strings.Contains(text, want) {
			t.Errorf("typical-case report lacks %q as text: %s", want, text)
		}
	}
}

func squeeze(s string) string { return strings.Join(strings.Fields(s), "") }
