//go:build e2e

package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"fuyi/internal/date"
	"fuyi/internal/demo"
	"fuyi/internal/testapp"
)

// A 5,000-case list is paged to its end (part of make e2e: the "page 120 of a 5,000-case list"): page 120 opens from the pager, shows its 20 rows, and its “下一页”
// (the keyset cursor) gives exactly page 121; the search finds a case by its applicant's name among them; the
// list fits a 390 px phone (its table scrolls inside itself).
func TestCaseListPage120WalkThrough(t *testing.T) {
	today := date.MustParse("2026-11-20")
	a := testapp.New(t, today)
	if err := demo.SyntheticSpan(context.Background(), a.DB, 5000, today, 365, nil); err != nil {
		t.Fatal(err)
	}
	b, cancel := newBrowser(t, a, 1366, 900)
	defer cancel()
	c, done := b.as("chief1")
	defer done()
	firstRow := func(path string) (string, int) {
		var first string
		var rows int
		must(t, chromedp.Run(c, chromedp.Navigate(b.base+path), chromedp.WaitVisible(`table.grid`),
			chromedp.Text(`table.grid tbody tr:first-child td:first-child`, &first),
			chromedp.Evaluate(`document.querySelectorAll('table.grid tbody tr').length`, &rows)), path)
		return strings.TrimSpace(first), rows
	}
	var total int
	if err := a.DB.Get(&total, `SELECT count(*) FROM cases`); err != nil || total < 5000 {
		t.Fatalf("%d cases seeded: %v", total, err)
	}
	firstRow("/cases")
	if got := eval[string](t, c, `document.querySelector('h1 small').textContent`); !strings.Contains(got, "共"+itoa(total)+"件") {
		t.Errorf("the list counts %q, want %d cases", got, total)
	}
	// walk the pager: the last page, then back to 120 through the numbered links
	must(t, chromedp.Run(c, chromedp.Click(`nav.pager a:nth-last-of-type(2)`), chromedp.WaitVisible(`nav.pager a.current`)), "last page")
	last := (total + 19) / 20
	if cur := eval[string](t, c, `document.querySelector('nav.pager a.current').textContent`); cur != itoa(last) {
		t.Fatalf("the pager's last page is %q, want %d", cur, last)
	}
	for cur := last; cur > 120; {
		want := cur - 3
		if want < 120 {
			want = 120
		}
		sel := `nav.pager a[href^="?page=` + itoa(want) + `"]`
		must(t, chromedp.Run(c, chromedp.Click(sel), chromedp.WaitVisible(`nav.pager a.current`)), "page "+itoa(want))
		cur = want
	}
	var first120 string
	var rows int
	must(t, chromedp.Run(c, chromedp.Text(`table.grid tbody tr:first-child td:first-child`, &first120),
		chromedp.Evaluate(`document.querySelectorAll('table.grid tbody tr').length`, &rows)), "page 120")
	if cur := eval[string](t, c, `document.querySelector('nav.pager a.current').textContent`); cur != "120" || rows != 20 {
		t.Fatalf("page %q with %d rows, want page 120 with 20", cur, rows)
	}
	b.shot(c, "list-page-120")
	must(t, chromedp.Run(c, chromedp.Click(`nav.pager a.next`), chromedp.WaitVisible(`table.grid`)), "next after 120")
	var viaCursor string
	must(t, chromedp.Run(c, chromedp.Text(`table.grid tbody tr:first-child td:first-child`, &viaCursor)), "page after 120")
	want121, _ := firstRow("/cases?page=121")
	if strings.TrimSpace(viaCursor) != want121 || strings.TrimSpace(first120) == want121 {
		t.Errorf("下一页 after page 120 starts with %q, page 121 with %q", viaCursor, want121)
	}
	// the search through the index: the applicant of a synthetic case
	var name string
	if err := a.DB.Get(&name, `SELECT p.name FROM case_parties p JOIN cases c ON c.id = p.case_id WHERE p.role = 'applicant' ORDER BY c.id DESC LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	_, n := firstRow("/cases?q=" + name)
	if n == 0 || !strings.Contains(eval[string](t, c, `document.querySelector('table.grid tbody').textContent`), name) {
		t.Errorf("searching %q found no case", name)
	}
	// phone width: nothing wider than the screen
	phone, cancel2 := newBrowser(t, a, 390, 844)
	defer cancel2()
	p, done2 := phone.as("chief1")
	defer done2()
	must(t, chromedp.Run(p, chromedp.Navigate(phone.base+"/cases?page=120"), chromedp.WaitVisible(`table.grid`)), "phone list")
	if w := eval[[]string](t, p, widthProbe); w[0] != "0" {
		t.Errorf("/cases at 390 px is %s px wider than the screen (widest: %s)", w[0], w[1])
	}
	phone.shot(p, "list-page-120-390")
}

func itoa(n int) string { return strconv.Itoa(n) }
