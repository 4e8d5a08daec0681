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

// The window's intake, keyboard first: the Tab stops from the first field to the submit button are counted
// (reported in the log; 36 controls and 44 Tab presses before the form had rows added on demand). Enter in
// an applicant's row adds the next applicant; the ID number shows the sex and birth date it carries or a
// wrong check digit; an organisation shows only organisation fields; agents and a third party are added;
// the respondent is typed from the directory. A refused form keeps every row and value, focuses the first
// wrong field in view; corrected, it registers every party, and the receipt prints on one A4 page without
// the staff's flash message (Chromium's print to PDF, counted by pdfinfo).
func TestIntakeWalkThrough(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-10-13"))
	b, cancel := newBrowser(t, a, 1366, 900)
	defer cancel()
	w, done := b.as("window1")
	defer done()
	w, done2 := context.WithTimeout(w, 2*time.Minute) // a step that never comes fails the test soon
	defer done2()
	must(t, chromedp.Run(w, chromedp.Navigate(b.base+"/cases/new"), chromedp.WaitVisible(`form.intake`)), "intake form")
	controls, presses := tabStops(t, w)
	t.Logf("intake form: %d controls, %d Tab presses from 收到申请日期 to the submit button", controls, presses)
	if presses > 30 {
		t.Errorf("%d Tab presses to submit an application", presses)
	}
	visible := func(sel string) bool {
		return eval[bool](t, w, `(() => { const e = document.querySelector('`+sel+`'); return !!e && e.offsetParent !== null; })()`)
	}
	value := func(sel string) string { return eval[string](t, w, `document.querySelector('`+sel+`').value`) }
	text := func(sel string) string { return eval[string](t, w, `document.querySelector('`+sel+`').textContent`) }

	// the first applicant typed; a wrong check digit is named at once, the right number tells sex and birth
	must(t, chromedp.Run(w,
		chromedp.Focus(`input[name="applicants[0].name"]`), chromedp.KeyEvent("张三"),
		chromedp.KeyEvent("\t"), chromedp.KeyEvent("110105194912310021"),
	), "first applicant")
	if s := text(`input[name="applicants[0].id_number"] + output`); !strings.Contains(s, "校验位错误") {
		t.Fatalf("a wrong check digit shows %q", s)
	}
	must(t, chromedp.Run(w, chromedp.Evaluate(`document.querySelector('input[name="applicants[0].id_number"]').value = ''`, nil),
		chromedp.SendKeys(`input[name="applicants[0].id_number"]`, "11010519491231002x"),
		chromedp.SendKeys(`input[name="applicants[0].phone"]`, "13800138000"),
		chromedp.SendKeys(`input[name="applicants[0].address"]`, "南京市栖霞区尧化街道某路1号"),
	), "ID number")
	if s := text(`input[name="applicants[0].id_number"] + output`); s != "性别：女　出生日期：1949年12月31日" {
		t.Fatalf("the ID number tells %q", s)
	}
	// Enter adds the second applicant, focused; an organisation shows its own fields only
	must(t, chromedp.Run(w, chromedp.KeyEvent("\r"), chromedp.WaitVisible(`input[name="applicants[1].name"]`)), "Enter adds an applicant")
	if f := eval[string](t, w, `document.activeElement.name`); f != "applicants[1].name" {
		t.Fatalf("after Enter the focus is on %q", f)
	}
	must(t, chromedp.Run(w,
		chromedp.SetValue(`select[name="applicants[1].kind"]`, "org"),
		chromedp.Evaluate(`document.querySelector('select[name="applicants[1].kind"]').dispatchEvent(new Event('change', {bubbles: true}))`, nil),
		chromedp.SendKeys(`input[name="applicants[1].name"]`, "南京某某贸易有限公司"),
		chromedp.SendKeys(`input[name="applicants[1].credit_code"]`, "91350100M000100Y43"),
		chromedp.SendKeys(`input[name="applicants[1].legal_rep"]`, "李四"),
	), "organisation")
	if visible(`input[name="applicants[1].id_number"]`) || !visible(`input[name="applicants[1].credit_code"]`) || visible(`input[name="applicants[0].credit_code"]`) {
		t.Fatal("person and organisation fields are not shown by kind")
	}
	if s := text(`section[data-group=applicants] fieldset[data-index="1"] legend`); !strings.Contains(s, "申请人（二）") {
		t.Fatalf("the second applicant's legend: %q", s)
	}
	// two agents (a button, then Enter) and a third party; the lawyer's firm left out
	must(t, chromedp.Run(w,
		chromedp.Click(`section[data-group=agents] button.add-row`),
		chromedp.WaitVisible(`input[name="agents[0].name"]`),
		chromedp.SendKeys(`input[name="agents[0].name"]`, "王律师"),
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(`input[name="agents[1].name"]`),
		chromedp.SendKeys(`input[name="agents[1].name"]`, "张小三"),
		chromedp.SetValue(`select[name="agents[1].agent_kind"]`, "relative"),
		chromedp.Click(`section[data-group=third_parties] button.add-row`),
		chromedp.WaitVisible(`input[name="third_parties[0].name"]`),
		chromedp.SendKeys(`input[name="third_parties[0].name"]`, "赵六"),
		chromedp.SendKeys(`input[name="third_parties[0].id_number"]`, "440524188001010014"),
		chromedp.SendKeys(`input[name="respondent"]`, "南京市栖霞区市场监督管理局"),
		chromedp.SendKeys(`input[name="act.title"]`, "行政处罚决定书"),
		chromedp.SendKeys(`input[name="act.doc_no"]`, "栖市监罚〔2025〕345号"),
		chromedp.SendKeys(`input[name="act.made_on"]`, "20250920"),
		chromedp.SendKeys(`input[name="act.known_on"]`, "2025.9.25"),
		chromedp.SendKeys(`textarea[name="requests"]`, "请求撤销被申请人作出的行政处罚决定。"),
		chromedp.SendKeys(`textarea[name="materials"]`, "行政复议申请书1份\n身份证复印件1份\n行政处罚决定书复印件1份"),
	), "agents, third party, act")
	// each agent names the party it represents, from the parties as now typed
	if s := eval[string](t, w, `[...document.querySelector('select[name="agents[0].represents"]').options].map(o => o.textContent).join('|')`); s != "申请人（一）张三|申请人（二）南京某某贸易有限公司|第三人（一）赵六" {
		t.Fatalf("an agent may represent %q", s)
	}
	must(t, chromedp.Run(w, chromedp.SetValue(`select[name="agents[0].represents"]`, "third_parties[0]")), "agent of the third party")
	if n := eval[int](t, w, `document.querySelectorAll('datalist#agency-list option').length`); n < 6 {
		t.Fatalf("the respondent list offers %d agencies", n)
	}
	// refused (no 申请事项, no firm for the lawyer): every row back, the first wrong field focused and in view
	must(t, chromedp.Run(w, chromedp.Click(`button.big`), chromedp.WaitVisible(`.field-error`)), "refused")
	b.shot(w, "intake-refused")
	for sel, want := range map[string]string{`input[name="applicants[1].name"]`: "南京某某贸易有限公司", `input[name="agents[1].name"]`: "张小三",
		`select[name="agents[1].agent_kind"]`: "relative", `select[name="agents[0].represents"]`: "third_parties[0]", `select[name="agents[1].represents"]`: "applicants[0]", `input[name="third_parties[0].name"]`: "赵六", `input[name="respondent"]`: "南京市栖霞区市场监督管理局",
		`input[name="act.made_on"]`: "2025-09-20", `input[name="act.known_on"]`: "2025-09-25", `select[name="applicants[1].kind"]`: "org"} {
		if v := value(sel); v != want {
			t.Errorf("after the error %s = %q, want %q", sel, v, want)
		}
	}
	if f := eval[string](t, w, `document.activeElement.name`); f != "agents[0].firm" {
		t.Fatalf("the first wrong field is not focused: %q", f)
	}
	if !eval[bool](t, w, `(() => { const r = document.activeElement.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()`) {
		t.Fatal("the first wrong field is not scrolled into view")
	}
	if s := eval[string](t, w, `document.querySelector('form.intake').innerText`); !strings.Contains(s, "请选择申请事项") || strings.Contains(s, "须为以下之一") {
		t.Fatalf("the 申请事项 message: %s", s)
	}
	if s := text(`input[name="third_parties[0].id_number"] + output`); !strings.Contains(s, "性别：男") {
		t.Fatalf("the third party's ID number after the error tells %q", s)
	}
	controls2, presses2 := tabStops(t, w)
	t.Logf("refused form with 2 applicants, 2 agents, 1 third party: %d controls, %d Tab presses", controls2, presses2)

	must(t, chromedp.Run(w,
		chromedp.SendKeys(`input[name="agents[0].firm"]`, "江苏某律师事务所"),
		chromedp.SetValue(`select[name="act.matter"]`, "行政处罚"),
		chromedp.Click(`button.big`),
		chromedp.WaitVisible(`article.paper`),
	), "register")
	var parties string
	must(t, a.DB.Get(&parties, `SELECT string_agg(role || ':' || name || coalesce(nullif(':' || represents, ':'), ''), ',' ORDER BY role, position) FROM case_parties WHERE case_id = (SELECT max(id) FROM cases)`), "parties")
	if parties != "agent:王律师:third_parties[0],agent:张小三:applicants[0],applicant:张三,applicant:南京某某贸易有限公司,third_party:赵六" {
		t.Fatalf("registered parties: %s", parties)
	}
	if s := eval[string](t, w, `document.querySelector('p.flash') ? document.querySelector('p.flash').textContent : ''`); !strings.Contains(s, "申请已登记") {
		t.Fatalf("the staff flash is not on the screen: %q", s)
	}
	b.shot(w, "intake-receipt")
	receiptPrintsOnOnePage(t, w, b.shots)

	// the chief opens the new case: what can be done now is listed at the top, and a click opens it
	c, doneC := b.as("chief1")
	defer doneC()
	c, doneC2 := context.WithTimeout(c, time.Minute)
	defer doneC2()
	must(t, chromedp.Run(c, chromedp.Navigate(b.base+"/cases/"+eval[string](t, w, `location.pathname.split('/')[2]`)),
		chromedp.WaitVisible(`nav.now-actions a`)), "case page")
	labels := eval[[]string](t, c, `[...document.querySelectorAll('nav.now-actions a')].map(a => a.textContent)`)
	t.Logf("case page, chief, registered case: now possible %v", labels)
	if len(labels) == 0 || labels[0] != "受理审查" {
		t.Fatalf("the actions at the top: %v", labels)
	}
	if eval[bool](t, c, `!!document.querySelector('details#upload')`) {
		must(t, chromedp.Run(c, chromedp.Click(`nav.now-actions a[href="#upload"]`)), "open upload")
		if !eval[bool](t, c, `document.querySelector('details#upload').open`) {
			t.Fatal("a click at the top does not open the form's section")
		}
	}
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
