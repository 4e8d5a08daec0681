//go:build e2e

package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"fuyi/internal/date"
	"fuyi/internal/testapp"
)

// tabStops counts the controls of the intake form a user can reach and the Tab presses that take the focus
// from the first field to the submit button (a date field takes one press per part in Chromium).
func tabStops(t *testing.T, ctx context.Context) (controls, presses int) {
	t.Helper()
	controls = eval[int](t, ctx, `[...document.querySelectorAll('form.intake input, form.intake select, form.intake textarea, form.intake button')]
		.filter(e => e.type !== 'hidden' && !e.disabled && e.tabIndex >= 0 && e.offsetParent !== null).length`)
	must(t, chromedp.Run(ctx, chromedp.Evaluate(`document.querySelector('form.intake [name=received_on]').focus()`, nil)), "focus first field")
	for presses = 0; presses < 200; presses++ {
		if eval[bool](t, ctx, `document.activeElement && document.activeElement.matches('form.intake button.big')`) {
			return controls, presses
		}
		must(t, chromedp.Run(ctx, chromedp.KeyEvent("\t")), "tab")
	}
	t.Fatal("the submit button was never reached by Tab")
	return
}

// The window's intake: the Tab stops from the first field to the submit button are counted (reported in
// the log), an application is registered through the form, and its receipt prints on one A4 page without
// the staff's flash message (Chromium's print to PDF, counted by pdfinfo).
func TestIntakeWalkThrough(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-10-13"))
	b, cancel := newBrowser(t, a, 1366, 1000)
	defer cancel()
	w, done := b.as("window1")
	defer done()
	must(t, chromedp.Run(w, chromedp.Navigate(b.base+"/cases/new"), chromedp.WaitVisible(`form.intake`)), "intake form")
	controls, presses := tabStops(t, w)
	t.Logf("intake form: %d controls, %d Tab presses from 收到申请日期 to the submit button", controls, presses)

	must(t, chromedp.Run(w,
		chromedp.SendKeys(`input[name="applicants[0].name"]`, "张三"),
		chromedp.SendKeys(`input[name="applicants[0].id_number"]`, "11010519491231002X"),
		chromedp.SendKeys(`input[name="applicants[0].phone"]`, "13800138000"),
		chromedp.SendKeys(`input[name="applicants[0].address"]`, "南京市栖霞区尧化街道某路1号"),
		chromedp.SetValue(`[name="respondent_agency_id"]`, "1"),
		chromedp.SendKeys(`input[name="act.title"]`, "行政处罚决定书"),
		chromedp.SendKeys(`input[name="act.doc_no"]`, "栖市监罚〔2025〕345号"),
		chromedp.SetValue(`input[name="act.made_on"]`, "2025-09-20"),
		chromedp.SetValue(`input[name="act.known_on"]`, "2025-09-25"),
		chromedp.SetValue(`select[name="act.matter"]`, "行政处罚"),
		chromedp.SendKeys(`textarea[name="requests"]`, "请求撤销被申请人作出的行政处罚决定。"),
		chromedp.SendKeys(`textarea[name="materials"]`, "行政复议申请书1份\n身份证复印件1份\n行政处罚决定书复印件1份"),
		chromedp.Click(`button.big`),
		chromedp.WaitVisible(`article.paper`),
	), "register")
	if s := eval[string](t, w, `document.querySelector('p.flash') ? document.querySelector('p.flash').textContent : ''`); !strings.Contains(s, "申请已登记") {
		t.Fatalf("the staff flash is not on the screen: %q", s)
	}
	b.shot(w, "intake-receipt")
	receiptPrintsOnOnePage(t, w, b.shots)
}

// receiptPrintsOnOnePage prints the open receipt page to PDF as Chromium's print dialog would (A4, the
// page's own @page rule) and checks it has one page, the receipt's text, and no staff message.
func receiptPrintsOnOnePage(t *testing.T, ctx context.Context, dir string) {
	t.Helper()
	var pdf []byte
	must(t, chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		var err error
		pdf, _, err = page.PrintToPDF().WithPaperWidth(8.27).WithPaperHeight(11.69).WithPreferCSSPageSize(true).Do(ctx)
		return err
	})), "print to PDF")
	file := filepath.Join(dir, "intake-receipt.pdf")
	must(t, os.WriteFile(file, pdf, 0o644), "save PDF")
	ictx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	info, err := exec.CommandContext(ictx, "pdfinfo", file).Output()
	if err != nil {
		t.Fatalf("pdfinfo (apt-get install poppler-utils): %v", err)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(info)
	size := regexp.MustCompile(`(?m)^Page size:.*$`).Find(info)
	if m == nil || string(m[1]) != "1" {
		t.Fatalf("the receipt does not print on one page:\n%s", info)
	}
	t.Logf("receipt PDF: pages %s, %s", m[1], size)
	txt, err := exec.CommandContext(ictx, "pdftotext", "-layout", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	s := strings.Join(strings.Fields(string(txt)), "")
	if !strings.Contains(s, "申请材料接收凭证") || !strings.Contains(s, "张三") {
		t.Fatalf("the printed receipt lacks its text: %s", s)
	}
	for _, staff := range []string{"申请已登记", "打印凭证", "上传申请材料", "退出"} {
		if strings.Contains(s, staff) {
			t.Fatalf("the printed receipt carries the staff text %q: %s", staff, s)
		}
	}
}
