//go:build e2e

package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fuyi/internal/date"
	"fuyi/internal/testapp"
)

// The bureau's holiday calendar as a calendar: clicks on the month grid mark days 休 and 班 (in Chinese,
// the text box follows); the State Council's notice pasted is read into the grid before anything is saved;
// the deadline preview shows the effect; a refused save keeps every click and line, the message in the
// error box; the corrected year saves.
func TestCalendarWalkThrough(t *testing.T) {
	a := testapp.New(t, date.MustParse("2026-11-22"))
	b, cancel := newBrowser(t, a, 1366, 1000)
	defer cancel()
	w, done := b.as("bureau1")
	defer done()
	w, done2 := context.WithTimeout(w, 2*time.Minute)
	defer done2()
	day := func(d string) string { return `button.cal-day[data-date="` + d + `"]` }
	textBox := func() string { return eval[string](t, w, `document.querySelector('textarea[name=csv]').value`) }
	must(t, chromedp.Run(w,
		chromedp.Navigate(b.base+"/admin/calendar?year=2027"),
		chromedp.WaitVisible(day("2027-01-01")),
		chromedp.Click(day("2027-01-01")), // no name yet: nothing marked, the name box asks
	), "calendar page")
	if s := textBox(); s != "" || eval[string](t, w, `document.activeElement.name`) != "mark_name" {
		t.Fatalf("a day marked without a name: %q", s)
	}
	must(t, chromedp.Run(w,
		chromedp.SendKeys(`input[name=mark_name]`, "元旦"),
		chromedp.Click(day("2027-01-01")),                                    // Friday → 休
		chromedp.Click(day("2027-01-02")), chromedp.Click(day("2027-01-02")), // Saturday → 班 → 休
		chromedp.Click(day("2027-01-04")), chromedp.Click(day("2027-01-04")), // Monday → 休 → working day again
	), "clicks")
	if s := textBox(); s != "2027-01-01,休,元旦\n2027-01-02,休,元旦" {
		t.Fatalf("after the clicks the text box holds %q", s)
	}
	if !eval[bool](t, w, `document.querySelector('`+day("2027-01-02")+`').classList.contains('hol')`) {
		t.Fatal("the grid does not show the Saturday as 休")
	}
	// the notice pasted: read into the grid, not saved
	const notice = "国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n二、春节：2月5日（周五）至11日（周四）放假调休，共7天。2月14日（周日）上班。"
	must(t, chromedp.Run(w,
		chromedp.Click(`details.notice-import summary`),
		chromedp.SetValue(`textarea[name=notice_content]`, notice),
		chromedp.Click(`button[name=step][value=import]`),
		chromedp.WaitVisible(`#calendar-info`),
	), "import")
	if !eval[bool](t, w, `document.querySelector('`+day("2027-02-14")+`').classList.contains('work')`) || !strings.Contains(textBox(), "2027-02-11,休,春节") {
		t.Fatalf("the notice is not on the grid: %q", textBox())
	}
	b.shot(w, "calendar-imported")
	// the preview from 2027-02-01: 5 working days pass 春节 and end on the 调休 Sunday
	must(t, chromedp.Run(w,
		chromedp.SetValue(`input[name=preview_from]`, "2027-02-01"),
		chromedp.Click(`button[name=step][value=preview]:not(.default-submit)`),
		chromedp.WaitVisible(`#calendar-preview`),
	), "preview")
	if s := eval[string](t, w, `document.querySelector('#calendar-preview').innerText`); !strings.Contains(s, "2027-02-14（周日），遇春节顺延") {
		t.Fatalf("the preview: %s", s)
	}
	// a wrong line: refused in the error box; the grid and the text come back as they were
	must(t, chromedp.Run(w,
		chromedp.Click(day("2027-03-01")), // a name is taken from the box: 元旦 (typed above)
		chromedp.Evaluate(`document.querySelector('textarea[name=csv]').value += '\n2027-03-02,班,调休'`, nil),
		chromedp.Click(`input[name=complete]`),
		chromedp.Click(`button[name=step][value=save]`),
		chromedp.WaitVisible(`p.error`),
	), "refused save")
	if s := textBox(); !strings.Contains(s, "2027-03-02,班,调休") || !strings.Contains(s, "2027-03-01,休,元旦") || !strings.Contains(s, "2027-02-14,班,春节") {
		t.Fatalf("after the refusal the text box holds %q", s)
	}
	if n := eval[int](t, w, `document.querySelectorAll('p.flash').length`); n != 0 || !eval[bool](t, w, `document.querySelector('`+day("2027-03-01")+`').classList.contains('hol')`) {
		t.Fatal("the refusal is in the success box, or the grid lost a click")
	}
	b.shot(w, "calendar-refused")
	must(t, chromedp.Run(w,
		chromedp.Evaluate(`document.querySelector('textarea[name=csv]').value = document.querySelector('textarea[name=csv]').value.split('\n').filter(l => !l.startsWith('2027-03')).join('\n')`, nil),
		chromedp.Click(`button[name=step][value=save]`),
		chromedp.WaitVisible(`p.flash`),
	), "save")
	var n int
	must(t, a.DB.Get(&n, `SELECT count(*) FROM calendar_days WHERE extract(year FROM day) = 2027`), "saved days")
	if n != 11 {
		t.Fatalf("%d days saved, want 11", n)
	}
}
