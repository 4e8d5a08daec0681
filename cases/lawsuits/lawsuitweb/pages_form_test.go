package lawsuitweb_test

import (
	"net/url"
	"strings"
	"testing"

	"fuyi/internal/testapp"
)

// The lawsuit form links the 复议 case by its 案号 as the staff know it (any bracket style), not by an
// internal id; an unknown number is refused beside the field and what was typed stays.
func TestLawsuitFormLinksCaseByNumber(t *testing.T) {
	a := testapp.New(t, today)
	id := a.AcceptedCase(t, "ordinary")
	var caseNo string
	if err := a.DB.Get(&caseNo, `SELECT case_no FROM cases WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	chief := a.NewBrowserAs("chief1")
	form := func(no string) url.Values {
		return url.Values{"court": {"南京市栖霞区人民法院"}, "court_case_no": {"（2026）苏0113行初9号"}, "instance": {"first"},
			"plaintiff": {"张三"}, "cause": {"行政处罚"}, "complaint_received_on": {"2026-11-20"}, "defendant_agency_id": {"1"},
			"organ": {"no"}, "case_no": {no}}
	}
	r := chief.Post("/lawsuits/new", form("栖政复〔2026〕999号"))
	page := string(r.Body)
	if r.Status != 422 || !strings.Contains(page, "没有案号或登记号为“栖政复〔2026〕999号”的行政复议案件") || !strings.Contains(page, `value="栖政复〔2026〕999号"`) {
		t.Fatalf("unknown case number: %d", r.Status)
	}
	if strings.Contains(page, "系统内案件ID") {
		t.Fatal("the form still asks for an internal id")
	}
	typed := strings.NewReplacer("〔", "[", "〕", "]").Replace(caseNo)
	r = chief.Post("/lawsuits/new", form(typed))
	if r.Status != 303 {
		t.Fatalf("case number %q: %d %s", typed, r.Status, r.Body)
	}
	var linked int64
	if err := a.DB.Get(&linked, `SELECT case_id FROM lawsuits ORDER BY id DESC LIMIT 1`); err != nil || linked != id {
		t.Fatalf("linked case %d, want %d (%v)", linked, id, err)
	}
}
