//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fuyi/internal/date"
	"fuyi/internal/testapp"
)

// visit opens path in ctx with its own time limit (a page that never finishes loading fails the test
// instead of hanging it) and returns how far the page is wider than the viewport, with the widest element.
func visit(t *testing.T, ctx context.Context, base, path, wait string) []string {
	t.Helper()
	nctx, cancel := context.WithTimeout(ctx, 45*time.Second)
	defer cancel()
	var res []string
	if err := chromedp.Run(nctx, chromedp.Navigate(base+path), chromedp.WaitVisible(wait), chromedp.Evaluate(widthProbe, &res)); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return res
}

// The public site fits a 390 px phone: the guide, the decisions list and a published decision, the typical
// cases, the statistics, the progress query (empty, answered, refused), the login page and an error page;
// none is wider than the viewport, and the refused query and the missing page show no raw code. Each
// navigation has its own time limit.
func TestPublicPagesWalkThrough(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-10-13"))
	// a decision served and published, and a case to look up
	id := a.AcceptedCase(t, "ordinary")
	if r := a.Propose("officer1", id, "maintain", map[string]any{"decided_on": "2025-10-10"}); r.Status != 200 {
		t.Fatalf("propose: %d %s", r.Status, r.Body)
	}
	if r := a.Post("chief1", id, "decision/approval", map[string]any{"approve": true}); r.Status != 200 {
		t.Fatalf("approve: %d %s", r.Status, r.Body)
	}
	if r := a.Post("officer1", id, "decision/service", map[string]any{"served_on": "2025-10-11"}); r.Status != 200 {
		t.Fatalf("serve: %d %s", r.Status, r.Body)
	}
	if r := a.Do("POST", fmt.Sprintf("/api/v1/cases/%d/publication", id), a.Login("bureau1"), nil); r.Status != 201 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	var pubID int64
	must(t, a.DB.Get(&pubID, `SELECT id FROM publications WHERE status = 'published'`), "publication")
	var no, code string
	must(t, a.DB.QueryRow(`SELECT registration_no, query_code FROM cases WHERE id = $1`, a.Register("window1", "2025-10-13")).Scan(&no, &code), "lookup")
	lookup := "/status?no=" + url.QueryEscape(no) + "&code=" + url.QueryEscape(code)

	b, cancel := newBrowser(t, a, 1366, 1000)
	defer cancel()
	ctx, done := chromedp.NewContext(b.actx, quiet)
	defer done()
	ctx, done2 := context.WithTimeout(ctx, 10*time.Minute)
	defer done2()
	must(t, chromedp.Run(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(1))), "390 px")
	pages := []struct{ path, wait string }{
		{"/guide", "main h1"}, {"/decisions", "main h1"}, {fmt.Sprintf("/decisions/%d", pubID), "article.paper"},
		{"/decisions?q=" + url.QueryEscape("行政处罚"), "main h1"}, {"/typical-cases", "main h1"}, {"/statistics", "main h1"},
		{"/status", "main h1"}, {lookup, "main h1"}, {"/status?no=X2025-1&code=WRONGCOD", "main h1"},
		{"/login", "main"}, {"/decisions/999999", "main"}, {"/nowhere", "main"},
	}
	var wide []string
	for _, p := range pages {
		res := visit(t, ctx, b.base, p.path, p.wait)
		if res[0] != "0" {
			wide = append(wide, fmt.Sprintf("%s: %s px wider (%s)", p.path, res[0], res[1]))
		}
		switch p.path {
		case "/guide":
			b.shot(ctx, "public-guide-390")
		case fmt.Sprintf("/decisions/%d", pubID):
			b.shot(ctx, "public-decision-390")
		case lookup:
			b.shot(ctx, "public-status-390")
		}
	}
	if len(wide) > 0 {
		t.Fatalf("public pages wider than a 390 px screen:\n%s", strings.Join(wide, "\n"))
	}
	// the public navigation reaches every public section, statistics included
	visit(t, ctx, b.base, "/guide", "main h1")
	links := eval[[]string](t, ctx, `[...document.querySelectorAll('header a')].map(a => a.getAttribute('href'))`)
	for _, want := range []string{"/decisions", "/guide", "/status", "/statistics"} {
		found := false
		for _, l := range links {
			found = found || l == want
		}
		if !found {
			t.Errorf("the public navigation lacks %s: %v", want, links)
		}
	}
	// no raw code on a refused query or a missing page
	for _, p := range []string{"/status?no=X2025-1&code=WRONGCOD", "/decisions/999999", "/nowhere", "/statistics/2025-13"} {
		visit(t, ctx, b.base, p, "main")
		txt := eval[string](t, ctx, `document.querySelector('main').innerText`)
		for _, code := range []string{"not_found", "status.", "publication.", "statistics.", "request.", "report."} {
			if strings.Contains(txt, code) {
				t.Errorf("public page %s shows the raw code %q: %s", p, code, txt)
			}
		}
	}
}
