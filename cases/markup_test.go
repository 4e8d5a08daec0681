package cases_test

import (
	"fmt"
	"strings"
	"testing"

	"fuyi/internal/pdf/pdftext"
	"fuyi/internal/testapp"
)

// TestTypedTextNeverBecomesLayout: what people typed is printed as text in the documents, never read as
// layout. A contested act's title carrying a line break and "@title" (as stored data may, whatever the
// input path) stays inside its sentence of the decision instead of becoming a centred heading, and so does
// a rejection reason typed on several lines with "@heading".
func TestTypedTextNeverBecomesLayout(t *testing.T) {
	a := testapp.New(t, today)
	id := a.AcceptedCase(t, "ordinary")
	if _, err := a.DB.Exec(`UPDATE cases SET act_title = $2 WHERE id = $1`, id, "行政处罚决定书\n@title 伪造标题"); err != nil {
		t.Fatal(err)
	}
	if r := a.Propose("officer1", id, "maintain", nil); r.Status != 200 {
		t.Fatalf("propose: %d %s", r.Status, r.Body)
	}
	if r := a.Post("chief1", id, "decision/approval", map[string]any{"approve": true}); r.Status != 200 {
		t.Fatalf("approve: %d %s", r.Status, r.Body)
	}
	dec := a.Do("GET", fmt.Sprintf("/api/v1/cases/%d/documents/decision.pdf", id), a.Login("chief1"), nil)
	if dec.Status != 200 {
		t.Fatalf("decision: %d %s", dec.Status, dec.Body)
	}
	text := squash(pdftext.Extract(t, dec.Body))
	if !strings.Contains(text, "作出的《行政处罚决定书@title伪造标题》") {
		t.Errorf("the act's title left its sentence (read as markup):\n%s", text)
	}
	for _, l := range pdftext.Lines(t, dec.Body) {
		if strings.HasPrefix(squash(l.Text), "伪造标题") {
			t.Errorf("the typed title begins a line of its own: %q", l.Text)
		}
	}

	rej := a.Register("window1", "2025-09-26")
	reason := "申请人与被申请复议的行政行为没有利害关系\n@heading 一、伪造的标题\n@blank"
	if r := a.Post("chief1", rej, "review", map[string]any{"outcome": "reject", "on": "2025-09-29", "reason": reason}); r.Status != 200 {
		t.Fatalf("reject: %d %s", r.Status, r.Body)
	}
	doc := a.Do("GET", fmt.Sprintf("/api/v1/cases/%d/documents/rejection.pdf", rej), a.Login("chief1"), nil)
	if doc.Status != 200 {
		t.Fatalf("rejection: %d %s", doc.Status, doc.Body)
	}
	if text := squash(pdftext.Extract(t, doc.Body)); !strings.Contains(text, "没有利害关系@heading一、伪造的标题@blank，不符合") {
		t.Errorf("the typed reason was read as markup:\n%s", text)
	}
}
