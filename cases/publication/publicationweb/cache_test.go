package publicationweb_test

import (
	"fmt"
	"strings"
	"testing"

	"fuyi/internal/testapp"
)

// TestPublicPDFRevalidatedAfterWithdrawal: a published decision's PDF may be kept by caches only if they ask
// again every time (no-cache with an ETag; unchanged answers 304), so a withdrawal is effective at once —
// not five minutes later — and the revalidation of a withdrawn file answers 404.
func TestPublicPDFRevalidatedAfterWithdrawal(t *testing.T) {
	a := testapp.New(t, today)
	id := decidedAndServed(t, a)
	post(a, "officer1", id, "decision/service", map[string]any{"served_on": "2025-11-25"})
	bureau := a.Login("bureau1")
	path := fmt.Sprintf("/api/v1/cases/%d/publication", id)
	r := a.Do("POST", path, bureau, nil)
	if r.Status != 201 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	var pub struct {
		PDFURL string `json:"pdf_url"`
	}
	r.JSON(t, &pub)
	first := a.Do("GET", pub.PDFURL, "", nil)
	cc, etag := first.Header.Get("Cache-Control"), first.Header.Get("ETag")
	if first.Status != 200 || !strings.Contains(cc, "no-cache") && !strings.Contains(cc, "no-store") || strings.Contains(cc, "max-age=300") || etag == "" {
		t.Fatalf("published PDF: %d Cache-Control %q ETag %q", first.Status, cc, etag)
	}
	if again := a.Do("GET", pub.PDFURL, "", nil, "If-None-Match", etag); again.Status != 304 || len(again.Body) != 0 {
		t.Fatalf("revalidation of an unchanged file: %d (%d bytes)", again.Status, len(again.Body))
	}
	if r := a.Do("DELETE", path, bureau, map[string]any{"reason": "当事人申请更正"}); r.Status != 204 {
		t.Fatalf("withdraw: %d", r.Status)
	}
	if gone := a.Do("GET", pub.PDFURL, "", nil, "If-None-Match", etag); gone.Status != 404 {
		t.Fatalf("revalidation after withdrawal: %d", gone.Status)
	}
}
