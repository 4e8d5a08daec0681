//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"fuyi/internal/date"
	"fuyi/internal/testapp"
)

// acceptDialogs answers every confirm() of the page with OK; each message is passed to seen (if not nil).
// Irreversible actions ask in words before they are sent (templates/static/app.js).
func acceptDialogs(ctx context.Context, seen func(string)) {
	chromedp.ListenTarget(ctx, func(ev any) {
		if d, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			if seen != nil {
				seen(d.Message)
			}
			go func() { _ = chromedp.Run(ctx, page.HandleJavaScriptDialog(true)) }()
		}
	})
}

// browser is a headless Chromium for the page tests of this file, with a login per user.
type browser struct {
	t     *testing.T
	base  string
	actx  context.Context
	shots string
	mu    sync.Mutex
	seen  []string // confirmation messages, in order
}

func newBrowser(t *testing.T, a *testapp.App, width, height int) (*browser, func()) {
	shots := filepath.Join(repoRoot(), "test-output", "e2e")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium(t)), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true), chromedp.Flag("disable-sync", true), chromedp.WSURLReadTimeout(2*time.Minute), chromedp.WindowSize(width, height))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	return &browser{t: t, base: a.BaseURL(), actx: actx, shots: shots}, cancel
}

// as opens a fresh browser context (own cookies) logged in as user.
func (b *browser) as(user string) (context.Context, context.CancelFunc) {
	ctx, cancel := chromedp.NewContext(b.actx, quiet)
	acceptDialogs(ctx, func(m string) { b.mu.Lock(); b.seen = append(b.seen, m); b.mu.Unlock() })
	ctx, cancel2 := context.WithTimeout(ctx, 6*time.Minute)
	must(b.t, chromedp.Run(ctx,
		chromedp.Navigate(b.base+"/login"),
		chromedp.SendKeys(`input[name=username]`, user),
		chromedp.SendKeys(`input[name=password]`, "fuyi-demo-2025"),
		chromedp.Click(`button.primary`),
		chromedp.WaitVisible(`header.top .me`),
	), "login "+user)
	return ctx, func() { cancel2(); cancel() }
}

func (b *browser) shot(ctx context.Context, name string) {
	var buf []byte
	must(b.t, chromedp.Run(ctx, chromedp.FullScreenshot(&buf, 100)), "screenshot "+name)
	must(b.t, os.WriteFile(filepath.Join(b.shots, name+".png"), buf, 0o644), "save "+name)
}

func (b *browser) lastConfirm() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.seen) == 0 {
		return ""
	}
	return b.seen[len(b.seen)-1]
}

// eval runs a JavaScript expression on the page and returns its value.
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	var v T
	must(t, chromedp.Run(ctx, chromedp.Evaluate(js, &v)), js)
	return v
}

// Forms keep what was typed after an error, in a real browser: a refused review keeps 不予受理, the date and
// the typed reason, and the field is focused; a refused decision draft keeps its type and every section; the
// hearing form keeps every input and comes back open.
func TestFormsWalkThrough(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-10-13"))
	b, cancel := newBrowser(t, a, 1366, 1000)
	defer cancel()

	// 1. review: 不予受理 without a reason is refused; the choice, the date and the page position survive
	id := a.Register("window1", "2025-10-10")
	c, doneC := b.as("chief1")
	defer doneC()
	casePath := fmt.Sprintf("%s/cases/%d", b.base, id)
	must(t, chromedp.Run(c,
		chromedp.Navigate(casePath),
		chromedp.Click(`form[action$="/review"] input[name=outcome][value=reject]`),
		chromedp.SetValue(`form[action$="/review"] input[name=on]`, "2025-10-12"),
		chromedp.Click(`form[action$="/review"] button.primary`),
		chromedp.WaitVisible(`form[action$="/review"] .field-error`),
	), "review without reason")
	if m := b.lastConfirm(); !strings.Contains(m, "确认不予受理") || !strings.Contains(m, "不可撤销") {
		t.Fatalf("the rejection was not confirmed in words: %q", m)
	}
	if !eval[bool](t, c, `document.querySelector('form[action$="/review"] input[name=outcome][value=reject]').checked`) ||
		eval[bool](t, c, `document.querySelector('form[action$="/review"] input[name=outcome][value=accept]').checked`) {
		t.Fatal("after the error the review form no longer shows 不予受理")
	}
	if d := eval[string](t, c, `document.querySelector('form[action$="/review"] input[name=on]').value`); d != "2025-10-12" {
		t.Fatalf("review date reset to %q", d)
	}
	if f := eval[string](t, c, `document.activeElement && document.activeElement.name || ''`); f != "reason" {
		t.Fatalf("the wrong field is not focused: %q", f)
	}
	b.shot(c, "forms-review-error")
	// the reason typed, a date in the future: refused again; the typed reason and 不予受理 come back
	const reason = "申请人与被申请复议的行政行为没有利害关系"
	must(t, chromedp.Run(c,
		chromedp.SendKeys(`form[action$="/review"] textarea[name=reason]`, reason),
		chromedp.SetValue(`form[action$="/review"] input[name=on]`, "2099-01-05"),
		// the first error's messages go, so that the wait below sees the answer to this submission
		chromedp.Evaluate(`document.querySelectorAll('.field-error').forEach(e => e.remove())`, nil),
		chromedp.Click(`form[action$="/review"] button.primary`),
		chromedp.WaitVisible(`form[action$="/review"] .field-error`),
	), "review with a future date")
	if m := eval[string](t, c, `document.querySelector('form[action$="/review"] .field-error').textContent`); !strings.Contains(m, "日期") {
		t.Fatalf("the future date was not the refused field: %q", m)
	}
	if v := eval[string](t, c, `document.querySelector('form[action$="/review"] textarea[name=reason]').value`); v != reason {
		t.Fatalf("the typed reason after the error: %q", v)
	}
	if !eval[bool](t, c, `document.querySelector('form[action$="/review"] input[name=outcome][value=reject]').checked`) {
		t.Fatal("after the second error the review form no longer shows 不予受理")
	}
	// the date corrected, the kept reason saved: the case is rejected, never accepted
	must(t, chromedp.Run(c,
		chromedp.SetValue(`form[action$="/review"] input[name=on]`, "2025-10-12"),
		chromedp.Click(`form[action$="/review"] button.primary`),
		chromedp.WaitVisible(`p.flash`),
	), "review with reason")
	var status string
	var caseNo *string
	must(t, a.DB.QueryRow(`SELECT status, case_no FROM cases WHERE id = $1`, id).Scan(&status, &caseNo), "read case")
	if status != "rejected" || caseNo != nil {
		t.Fatalf("a rejection became %s (case no %v)", status, caseNo)
	}

	// 2. the decision draft: a refusal keeps the type and all seven sections, and the form stays open; the
	// fresh form starts from the application (申请人请求), which the typed text replaces
	id2 := a.AcceptedCase(t, "ordinary")
	o, doneO := b.as("officer1")
	defer doneO()
	case2 := fmt.Sprintf("%s/cases/%d", b.base, id2)
	texts := map[string]string{"requests": "请求撤销处罚决定", "applicant_says": "申请人称处罚过重", "respondent_says": "被申请人称处罚适当",
		"third_party_says": "无第三人", "facts": "经审理查明事实甲", "reasoning": "本机关认为理由乙", "ruling": "撤销被申请人的处罚决定"}
	must(t, chromedp.Run(o, chromedp.Navigate(case2), chromedp.WaitVisible(`#decision-draft textarea[name="sections.requests"]`)), "draft form")
	if v := eval[string](t, o, `document.querySelector('textarea[name="sections.requests"]').value`); !strings.Contains(v, "请求撤销被申请人作出的行政处罚决定") {
		t.Fatalf("申请人请求 not pre-filled from the application: %q", v)
	}
	acts := []chromedp.Action{chromedp.SetValue(`form[action$="/actions/decision"] select[name=type]`, "revoke"),
		chromedp.Evaluate(`document.querySelectorAll('#decision-draft textarea').forEach(x => { x.value = ''; })`, nil)}
	for k, x := range texts {
		acts = append(acts, chromedp.SendKeys(fmt.Sprintf(`form[action$="/actions/decision"] textarea[name="sections.%s"]`, k), x))
	}
	acts = append(acts, chromedp.Click(`form[action$="/actions/decision"] button.primary`),
		chromedp.WaitVisible(`form[action$="/actions/decision"] .field-error`))
	must(t, chromedp.Run(o, acts...), "draft without articles")
	if v := eval[string](t, o, `document.querySelector('form[action$="/actions/decision"] select[name=type]').value`); v != "revoke" {
		t.Fatalf("decision type reset to %q", v)
	}
	for k, x := range texts {
		if v := eval[string](t, o, fmt.Sprintf(`document.querySelector('textarea[name="sections.%s"]').value`, k)); v != x {
			t.Errorf("section %s after the error: %q", k, v)
		}
	}
	if !eval[bool](t, o, `document.querySelector('#decision-draft').open`) {
		t.Fatal("the draft's section is collapsed after the error")
	}
	b.shot(o, "forms-decision-error")
	// the draft is kept on the server: a reload in a new browser context (no cookies, no local storage of the
	// first) brings it back, the section open
	o2ctx, doneO2 := b.as("officer1")
	defer doneO2()
	o = o2ctx
	must(t, chromedp.Run(o, chromedp.Navigate(case2), chromedp.WaitVisible(`#decision-draft .autosave-status`)), "reload")
	if v := eval[string](t, o, `document.querySelector('form[action$="/actions/decision"] select[name=type]').value`); v != "revoke" {
		t.Fatalf("after a reload the decision type is %q", v)
	}
	for k, x := range texts {
		if v := eval[string](t, o, fmt.Sprintf(`document.querySelector('textarea[name="sections.%s"]').value`, k)); v != x {
			t.Errorf("section %s after a reload: %q", k, v)
		}
	}
	if !eval[bool](t, o, `document.querySelector('#decision-draft').open`) {
		t.Fatal("the restored draft's section is collapsed")
	}
	if s := eval[string](t, o, `document.querySelector('#decision-draft .autosave-status').textContent`); !strings.Contains(s, "已恢复保存的草稿") {
		t.Fatalf("no note that the draft was restored: %q", s)
	}
	// typing saves by itself: a new sentence reaches the server without pressing a button
	must(t, chromedp.Run(o,
		chromedp.SendKeys(`textarea[name="sections.facts"]`, "另查明事实丁"),
		chromedp.Poll(`document.querySelector('#decision-draft .autosave-status').textContent.includes('草稿已自动保存')`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
	), "autosave")
	var facts string
	must(t, a.DB.Get(&facts, `SELECT fields->>'sections.facts' FROM decision_workdrafts WHERE case_id = $1`, id2), "saved draft")
	if !strings.Contains(facts, "另查明事实丁") || !strings.Contains(facts, texts["facts"]) {
		t.Fatalf("the automatic save stored %q", facts)
	}
	b.shot(o, "forms-decision-reloaded")

	// 3. the hearing form: one panel member is refused; every input comes back, the form open
	o1, o2, clerk := a.UserID("officer1"), a.UserID("officer2"), a.UserID("clerk1")
	must(t, chromedp.Run(c,
		chromedp.Navigate(case2),
		chromedp.Click(`#hearings details summary`),
		chromedp.SetValue(`form[action$="/hearings"] input[name=starts_at]`, "2025-10-21T09:30"),
		chromedp.SetValue(`form[action$="/hearings"] input[name=ends_at]`, "2025-10-21T11:15"),
		chromedp.SetValue(`form[action$="/hearings"] select[name=room_id]`, "2"),
		chromedp.SetValue(`form[action$="/hearings"] select[name=host_id]`, fmt.Sprint(o1)),
		chromedp.Click(fmt.Sprintf(`form[action$="/hearings"] input[name=panel_ids][value="%d"]`, o2)),
		chromedp.SetValue(`form[action$="/hearings"] select[name=clerk_id]`, fmt.Sprint(clerk)),
		chromedp.Click(`form[action$="/hearings"] button.primary`),
		chromedp.WaitVisible(`form[action$="/hearings"] .field-error`),
	), "hearing with one panel member")
	got := eval[[]string](t, c, `(() => { const f = document.querySelector('form[action$="/hearings"]');
		return [f.starts_at.value, f.ends_at.value, f.room_id.value, f.host_id.value, f.clerk_id.value,
		  [...f.querySelectorAll('input[name=panel_ids]:checked')].map(x => x.value).join(','), String(f.closest('details').open)]; })()`)
	want := []string{"2025-10-21T09:30", "2025-10-21T11:15", "2", fmt.Sprint(o1), fmt.Sprint(clerk), fmt.Sprint(o2), "true"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("hearing form after the error: %v, want %v", got, want)
	}
	b.shot(c, "forms-hearing-error")
}

// widthProbe reports how far the page is wider than the viewport, and the widest offending element.
const widthProbe = `(() => { const vw = document.documentElement.clientWidth; const sw = document.documentElement.scrollWidth;
  let worst = ''; if (sw > vw) { let m = 0; for (const e of document.querySelectorAll('body *')) { const r = e.getBoundingClientRect();
    if (r.right > m && getComputedStyle(e).position !== 'fixed') { m = r.right; worst = e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ' ' + Math.round(r.right); } } }
  return [String(sw - vw), worst]; })()`

// Every role's pages fit a 390 px phone (no page wider than the viewport: tables scroll inside themselves),
// and each role's home page is saved at 1366 and 390 px (test-output/e2e/home-<role>-<width>.png).
func TestRolePagesWalkThrough(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-10-13"))
	// a case with a team, a hearing, a proposed decision, and a registration of today
	id := a.AcceptedCase(t, "ordinary")
	fresh := a.Register("window1", "2025-10-13") // its page offers the chief 受理审查 and 转送
	// an application transferred to the second organ: the closed record and the competent organ's case
	var shared int
	must(t, a.DB.Get(&shared, `SELECT id FROM agencies WHERE organ_id IS NULL AND active ORDER BY id LIMIT 1`), "shared agency")
	moved := a.RegisterAt("window1", "2025-10-13", shared)
	if r := a.Do("POST", fmt.Sprintf("/api/v1/cases/%d/transfer", moved), a.Login("chief1"), map[string]any{"to": "nanjing", "on": "2025-10-13",
		"reason": "被申请人为南京市人民政府工作部门"}); r.Status != 200 {
		t.Fatalf("transfer: %d %s", r.Status, r.Body)
	}
	var there int64
	must(t, a.DB.Get(&there, `SELECT max(id) FROM cases`), "transferred case")
	r := a.Do("POST", fmt.Sprintf("/api/v1/cases/%d/hearings", id), a.Login("chief1"), map[string]any{
		"starts_at": "2025-10-20T09:00:00+08:00", "ends_at": "2025-10-20T11:00:00+08:00", "notified_on": "2025-10-13", "room_id": 1,
		"host_id": a.UserID("officer1"), "panel_ids": []int64{a.UserID("officer2"), a.UserID("officer3")}, "clerk_id": a.UserID("clerk1")})
	if r.Status != 201 {
		t.Fatalf("schedule: %d %s", r.Status, r.Body)
	}
	var hid int64
	must(t, a.DB.Get(&hid, `SELECT max(id) FROM hearings`), "hearing id")
	if r := a.Propose("officer1", id, "maintain", map[string]any{"decided_on": "2025-10-13"}); r.Status != 200 {
		t.Fatalf("propose: %d %s", r.Status, r.Body)
	}
	b, cancel := newBrowser(t, a, 1366, 1000)
	defer cancel()
	cp := fmt.Sprintf("/cases/%d", id)
	pages := map[string][]string{
		"window1":  {"/", "/cases/new", cp + "/receipt"},
		"officer1": {"/", cp, "/hearings"},
		"chief1": {"/", "/review", "/cases", cp, fmt.Sprintf("/cases/%d", fresh), fmt.Sprintf("/cases/%d", moved), cp + "/assignment",
			"/hearings/rooms", "/reports"},
		"chief2":  {"/", fmt.Sprintf("/cases/%d", there)}, // the competent organ's chief: the case received by transfer
		"bureau1": {"/", "/admin/users", "/admin/calendar"},
		"clerk1":  {"/", fmt.Sprintf("/hearings/%d", hid)},
		"city1":   {"/", "/oversight?period=2025-09", "/oversight?period=2025"}, // the supervising role of the second organ
	}
	var wide []string
	for _, user := range []string{"window1", "officer1", "chief1", "bureau1", "clerk1", "city1", "chief2"} {
		ctx, done := b.as(user)
		must(t, chromedp.Run(ctx, chromedp.Navigate(b.base+"/"), chromedp.WaitVisible(`main h1`)), user+" home")
		b.shot(ctx, "home-"+strings.TrimSuffix(user, "1")+"-1366")
		must(t, chromedp.Run(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(1))), "390 px")
		// every page of the user's navigation too
		list := pages[user]
		for _, l := range eval[[]string](t, ctx, `[...document.querySelectorAll('header.top nav a')].map(a => a.getAttribute('href'))`) {
			if !strings.Contains(strings.Join(list, " ")+" ", l+" ") {
				list = append(list, l)
			}
		}
		for _, p := range list {
			res := visit(t, ctx, b.base, p, "main")
			switch p {
			case "/":
				b.shot(ctx, "home-"+strings.TrimSuffix(user, "1")+"-390")
			case fmt.Sprintf("/cases/%d", moved):
				b.shot(ctx, "transfer-record-390")
			case fmt.Sprintf("/cases/%d", there):
				b.shot(ctx, "transfer-received-390")
			}
			if res[0] != "0" {
				wide = append(wide, fmt.Sprintf("%s %s: %s px wider (%s)", user, p, res[0], res[1]))
			}
		}
		done()
	}
	if len(wide) > 0 {
		t.Fatalf("pages wider than a 390 px screen:\n%s", strings.Join(wide, "\n"))
	}
	// an error page shows no raw code
	ctx, done := b.as("chief1")
	defer done()
	for _, p := range []string{"/cases/999999", "/reports?period=2025-13", "/nowhere"} {
		var txt string
		must(t, chromedp.Run(ctx, chromedp.Navigate(b.base+p), chromedp.WaitVisible(`main`), chromedp.Evaluate(`document.querySelector('main').innerText`, &txt)), p)
		for _, code := range []string{"not_found", "case.", "report.", "request."} {
			if strings.Contains(txt, code) {
				t.Errorf("error page %s shows the raw code %q: %s", p, code, txt)
			}
		}
	}
}
