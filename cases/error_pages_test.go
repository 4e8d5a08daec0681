package cases_test

import (
	"regexp"
	"strings"
	"testing"

	"fuyi/internal/testapp"
)

var (
	tagRe     = regexp.MustCompile(`(?s)<[^>]*>`)
	rawCodeRe = regexp.MustCompile(`[a-z]+(\.[a-z_]+)+|not_found|[a-z]+_[a-z]+`)
)

// visibleText is the text of the page's <main> without tags (what a reader sees).
func visibleText(page string) string {
	if i := strings.Index(page, "<main>"); i >= 0 {
		page = page[i:]
	}
	return tagRe.ReplaceAllString(page, " ")
}

// Error pages speak Chinese only: the code of the error (case.not_found, report.period, …) is kept in an
// attribute for support, never shown.
func TestErrorPagesShowNoRawCodes(t *testing.T) {
	a := testapp.New(t, today)
	chief, bureau, anon := a.NewBrowserAs("chief1"), a.NewBrowserAs("bureau1"), a.NewBrowser()
	for _, tc := range []struct {
		b      *testapp.Browser
		path   string
		status int
		code   string
	}{
		{chief, "/cases/999999", 404, "case.not_found"},
		{chief, "/no/such/page", 404, "not_found"},
		{chief, "/reports?period=2025-13", 400, "report.period"},
		{anon, "/statistics/2031-01", 404, "statistics.not_found"},
		{bureau, "/review", 403, ""},
	} {
		r := tc.b.Get(tc.path)
		page := string(r.Body)
		if r.Status != tc.status {
			t.Errorf("%s: status %d, want %d", tc.path, r.Status, tc.status)
			continue
		}
		text := visibleText(page)
		if m := rawCodeRe.FindString(text); m != "" {
			t.Errorf("%s shows the raw code %q: %s", tc.path, m, strings.Join(strings.Fields(text), " "))
		}
		if tc.code != "" && !strings.Contains(page, `data-code="`+tc.code+`"`) {
			t.Errorf("%s: the code %s is not kept for support", tc.path, tc.code)
		}
		if strings.Count(text, "不存在")+strings.Count(text, "无权")+strings.Count(text, "格式")+strings.Count(text, "尚未") == 0 {
			t.Errorf("%s: no Chinese message: %s", tc.path, strings.Join(strings.Fields(text), " "))
		}
	}
}
