//go:build e2e

// Package e2e walks through the product in a real headless Chromium: a window registers an application,
// the chief accepts and assigns, a hearing is scheduled, the lead officer drafts the decision, the chief
// approves, it is served, the bureau publishes it, and the public page shows it anonymised; then the bureau
// marks it as a typical case and publishes the yearly 应诉 review; the scan of the applicant's ID card uploaded
// at the window right after registration is found in the 卷宗 the chief archives at the end (its original in
// the ZIP, its row in the PDF's 卷内目录, its page drawn). A screenshot of
// each step is saved under test-output/e2e/.
package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fuyi/internal/date"
	"fuyi/internal/testapp"
)

func chromium(t *testing.T) string {
	for _, p := range []string{os.Getenv("CHROME"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	t.Fatal("Chromium not found: make e2e installs it (apt-get install chromium), or set CHROME")
	return ""
}

func TestWalkThrough(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-10-13"))
	base := a.BaseURL()
	shots := filepath.Join(repoRoot(), "test-output", "e2e")
	os.MkdirAll(shots, 0o755)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium(t)), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true), chromedp.Flag("disable-sync", true), chromedp.WSURLReadTimeout(2*time.Minute), chromedp.WindowSize(1280, 1000))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	step := 0
	shot := func(ctx context.Context, name string) {
		step++
		var buf []byte
		if err := chromedp.Run(ctx, chromedp.FullScreenshot(&buf, 100)); err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		os.WriteFile(filepath.Join(shots, fmt.Sprintf("%02d-%s.png", step, name)), buf, 0o644)
	}
	// each user gets a fresh browser context (own cookies)
	as := func(user string) (context.Context, context.CancelFunc) {
		ctx, cancel := chromedp.NewContext(actx, quiet)
		acceptDialogs(ctx, nil)
		ctx, cancel2 := context.WithTimeout(ctx, 6*time.Minute)
		must(t, chromedp.Run(ctx,
			chromedp.Navigate(base+"/login"),
			chromedp.SendKeys(`input[name=username]`, user),
			chromedp.SendKeys(`input[name=password]`, "fuyi-demo-2025"),
			chromedp.Click(`button.primary`),
			chromedp.WaitVisible(`header.top .me`),
		), "login "+user)
		return ctx, func() { cancel2(); cancel() }
	}
	text := func(ctx context.Context) string {
		var s string
		must(t, chromedp.Run(ctx, chromedp.Text(`main`, &s)), "read page")
		return s
	}

	// 1. window1 registers an application through the form
	w, done := as("window1")
	must(t, chromedp.Run(w,
		chromedp.Navigate(base+"/cases/new"),
		chromedp.SendKeys(`input[name="applicants[0].name"]`, "张三"),
		chromedp.SendKeys(`input[name="applicants[0].id_number"]`, "11010519491231002X"),
		chromedp.SendKeys(`input[name="applicants[0].phone"]`, "13800138000"),
		chromedp.SendKeys(`input[name="applicants[0].address"]`, "南京市栖霞区尧化街道某路1号"),
		chromedp.SendKeys(`input[name="respondent"]`, "南京市栖霞区市场监督管理局"),
		chromedp.SendKeys(`input[name="act.title"]`, "行政处罚决定书"),
		chromedp.SendKeys(`input[name="act.doc_no"]`, "栖市监罚〔2025〕345号"),
		chromedp.SetValue(`input[name="act.made_on"]`, "2025-09-20"),
		chromedp.SetValue(`input[name="act.known_on"]`, "2025-09-25"),
		chromedp.SetValue(`select[name="act.matter"]`, "行政处罚"),
		chromedp.SendKeys(`textarea[name="requests"]`, "请求撤销被申请人作出的行政处罚决定。"),
		chromedp.SendKeys(`textarea[name="materials"]`, "行政复议申请书1份"),
		chromedp.Click(`button.big`),
		chromedp.WaitVisible(`article.paper`),
	), "intake")
	shot(w, "window-receipt")
	if s := text(w); !strings.Contains(s, "申请材料接收凭证") || !strings.Contains(s, "张三") {
		t.Fatalf("receipt: %s", s)
	}
	var id int64
	a.DB.Get(&id, `SELECT max(id) FROM cases`)
	casePath := fmt.Sprintf("%s/cases/%d", base, id)
	// at the window, right after registration, on the receipt page itself: the applicant's ID card is scanned
	// and uploaded to the case
	scanPath, scan := scanFile(t)
	must(t, chromedp.Run(w,
		chromedp.WaitVisible(`#upload input[type=file]`),
		chromedp.SetValue(`#upload select[name=category]`, "identity"),
		chromedp.SendKeys(`#upload input[name=title]`, "申请人身份证扫描件"),
		chromedp.SetUploadFiles(`#upload input[type=file]`, []string{scanPath}),
		chromedp.Click(`#upload button.primary`),
		chromedp.WaitVisible(`p.flash`),
	), "upload scan")
	shot(w, "window-scan-uploaded")
	if s := text(w); !strings.Contains(s, "已上传：申请人身份证扫描件") {
		t.Fatalf("upload: %s", s)
	}
	done()

	// 2. chief1 accepts and assigns
	c, doneC := as("chief1")
	must(t, chromedp.Run(c, chromedp.Navigate(base+"/review"), chromedp.WaitVisible(`table.grid`)), "queue")
	shot(c, "chief-review-queue")
	must(t, chromedp.Run(c,
		chromedp.Navigate(casePath),
		chromedp.Click(`form[action$="/review"] button.primary`),
		chromedp.WaitVisible(`p.flash`),
	), "accept")
	shot(c, "chief-accepted")
	must(t, chromedp.Run(c,
		chromedp.Navigate(casePath+"/assignment"),
		chromedp.Click(fmt.Sprintf(`input[name=officer_ids][value="%d"]`, a.UserID("officer1"))),
		chromedp.Click(fmt.Sprintf(`input[name=officer_ids][value="%d"]`, a.UserID("officer2"))),
		chromedp.Click(fmt.Sprintf(`input[name=lead_officer_id][value="%d"]`, a.UserID("officer1"))),
		chromedp.Click(`button.primary`),
		chromedp.WaitVisible(`p.flash`),
	), "assign")
	// 3. a hearing is scheduled (notice today, 2025-10-13: the earliest day is 2025-10-20)
	// a fresh page first: the assignment's flash must not satisfy the wait below while the hearing form is
	// still being posted (a screenshot taken mid-navigation can hang)
	must(t, chromedp.Run(c,
		chromedp.Navigate(casePath),
		chromedp.WaitVisible(`#hearings details summary`),
		chromedp.Click(`#hearings details summary`),
		chromedp.SetValue(`form[action$="/hearings"] input[name=starts_at]`, "2025-10-20T09:00"),
		chromedp.SetValue(`form[action$="/hearings"] input[name=ends_at]`, "2025-10-20T11:00"),
		chromedp.SetValue(`form[action$="/hearings"] select[name=room_id]`, "1"),
		chromedp.SetValue(`form[action$="/hearings"] select[name=host_id]`, fmt.Sprint(a.UserID("officer1"))),
		chromedp.Click(fmt.Sprintf(`form[action$="/hearings"] input[name=panel_ids][value="%d"]`, a.UserID("officer2"))),
		chromedp.Click(fmt.Sprintf(`form[action$="/hearings"] input[name=panel_ids][value="%d"]`, a.UserID("officer3"))),
		chromedp.SetValue(`form[action$="/hearings"] select[name=clerk_id]`, fmt.Sprint(a.UserID("clerk1"))),
		chromedp.Click(`form[action$="/hearings"] button.primary`),
		chromedp.WaitVisible(`p.flash`),
	), "hearing")
	shot(c, "chief-hearing-scheduled")
	if s := text(c); !strings.Contains(s, "第一听证室") || !strings.Contains(s, "已排期") {
		t.Fatalf("hearing not shown: %s", s)
	}

	// 4. the lead officer drafts the decision
	o, doneO := as("officer1")
	must(t, chromedp.Run(o,
		chromedp.Navigate(casePath),
		chromedp.Evaluate(`document.querySelectorAll('details').forEach(d => d.open = true)`, nil),
		chromedp.SetValue(`form[action$="/actions/decision"] select[name=type]`, "maintain"),
		chromedp.SendKeys(`form[action$="/actions/decision"] input[name=articles]`, "第六十八条"),
		chromedp.SendKeys(`form[action$="/actions/decision"] textarea[name="sections.facts"]`, "经审理查明，申请人张三（电话13800138000）于2025年8月1日在经营场所销售不合格食品。"),
		chromedp.SendKeys(`form[action$="/actions/decision"] textarea[name="sections.ruling"]`, "维持被申请人作出的栖市监罚〔2025〕345号行政处罚决定书。"),
		chromedp.Click(`form[action$="/actions/decision"] button.primary`),
		chromedp.WaitVisible(`p.flash`),
	), "propose")
	shot(o, "officer-decision-proposed")

	// 5. the chief approves; the officer records service
	must(t, chromedp.Run(c,
		chromedp.Navigate(casePath),
		chromedp.Click(`form[action$="/actions/approval"] button.primary`),
		chromedp.WaitVisible(`p.flash`),
	), "approve")
	shot(c, "chief-approved")
	must(t, chromedp.Run(o,
		chromedp.Navigate(casePath),
		chromedp.Click(`form[action$="/actions/service"] button.primary`),
		chromedp.WaitVisible(`p.flash`),
	), "service")
	doneO()
	doneC()

	// 6. the bureau previews (highlighted redactions) and publishes
	b, doneB := as("bureau1")
	must(t, chromedp.Run(b, chromedp.Navigate(casePath+"/publication"), chromedp.WaitVisible(`article.redacted`)), "preview")
	shot(b, "bureau-preview")
	must(t, chromedp.Run(b,
		chromedp.Click(`form[action$="/publication/publish"] button.primary`),
		chromedp.WaitVisible(`p.flash`),
	), "publish")
	doneB()

	// 7. the public page shows the decision anonymised
	p, doneP := chromedp.NewContext(actx, quiet)
	defer doneP()
	var pubID int64
	a.DB.Get(&pubID, `SELECT id FROM publications WHERE status = 'published'`)
	must(t, chromedp.Run(p, chromedp.Navigate(fmt.Sprintf("%s/decisions/%d", base, pubID)), chromedp.WaitVisible(`article.paper`)), "public")
	shot(p, "public-decision")
	s := text(p)
	for _, secret := range []string{"张三", "13800138000", "11010519491231002X", "某路1号"} {
		if strings.Contains(s, secret) {
			t.Fatalf("public page shows %q", secret)
		}
	}
	if !strings.Contains(s, "张某") || !strings.Contains(s, "南京市栖霞区市场监督管理局") {
		t.Fatalf("public page: %s", s)
	}

	// 8. supervision: the decision against 区市场监管局 was copied to its 上一级主管部门 on service; the bureau marks
	// the case as typical (the public page shows it anonymised) and publishes the yearly 应诉 review
	var caseNo string
	a.DB.Get(&caseNo, `SELECT case_no FROM cases WHERE id = $1`, id)
	sv, doneS := as("bureau1")
	must(t, chromedp.Run(sv,
		chromedp.Navigate(base+"/supervision"),
		chromedp.WaitVisible(`#typical-form`),
		chromedp.SendKeys(`#typical-form input[name=case_no]`, caseNo),
		chromedp.SendKeys(`#typical-form input[name=title]`, "张三不服食品安全行政处罚案"),
		chromedp.SendKeys(`#typical-form textarea[name=summary]`, "申请人张三销售不合格食品被处罚，本机关经听证审理维持处罚决定。"),
		chromedp.SendKeys(`#typical-form input[name=reason]`, "食品安全执法的典型做法"),
		chromedp.Click(`#typical-form button.primary`),
		chromedp.WaitVisible(`p.flash`),
	), "mark typical")
	shot(sv, "bureau-typical-marked")
	if s := text(sv); !strings.Contains(s, "已列为典型案例") || !strings.Contains(s, "南京市市场监督管理局") || !strings.Contains(s, "栖政复抄〔2025〕1号") {
		t.Fatalf("supervision page: %s", s)
	}
	must(t, chromedp.Run(p, chromedp.Navigate(base+"/typical-cases?year=2025"), chromedp.WaitVisible(`article.card`)), "public typical")
	shot(p, "public-typical-cases")
	if s := text(p); strings.Contains(s, "张三") || !strings.Contains(s, "维持处罚决定") {
		t.Fatalf("public typical cases: %s", s)
	}
	doneS()
	// a fresh session for the review (each browser session has its own time budget)
	sv, doneS = as("bureau1")
	must(t, chromedp.Run(sv,
		chromedp.Navigate(base+"/supervision/reviews/2025"),
		chromedp.WaitVisible(`#review-table`),
		chromedp.Click(`#publish-review button.primary`), // without the confirmation: refused, nothing published
		chromedp.WaitVisible(`.field-error`),
	), "publish unconfirmed")
	if s := text(sv); !strings.Contains(s, "草稿") {
		t.Fatalf("published without confirmation: %s", s)
	}
	doneS()
	sv, doneS = as("bureau1")
	must(t, chromedp.Run(sv,
		chromedp.Navigate(base+"/supervision/reviews/2025"),
		chromedp.WaitVisible(`#publish-review`),
		chromedp.Click(`#publish-review input[name=confirm]`),
		chromedp.Click(`#publish-review button.primary`),
		chromedp.WaitVisible(`p.flash`),
	), "publish review")
	shot(sv, "bureau-review-published")
	if s := text(sv); !strings.Contains(s, "已发布（冻结）") || !strings.Contains(s, "南京市栖霞区市场监督管理局") {
		t.Fatalf("review page: %s", s)
	}
	doneS()

	// 9. the chief archives the case; the scan uploaded at the window is in the 卷宗: its original in the ZIP,
	// its row in the PDF's 卷内目录, its page drawn after its sheet
	c, doneC = as("chief1")
	must(t, chromedp.Run(c,
		chromedp.Navigate(casePath+"#archive"),
		chromedp.WaitVisible(`form[action$="/archive"]`),
		chromedp.SendKeys(`form[action$="/archive"] input[name=confirm]`, "归档"),
		chromedp.Click(`form[action$="/archive"] button.primary`),
		chromedp.WaitVisible(`p.flash`),
	), "archive")
	shot(c, "chief-archived")
	if s := text(c); !strings.Contains(s, "已归档") || !strings.Contains(s, "正卷") {
		t.Fatalf("archive: %s", s)
	}
	doneC()
	scanInArchive(t, a, id, scan, "申请人身份证扫描件")
	t.Logf("%d screenshots in %s", step, shots)
}

func must(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func repoRoot() string {
	wd, _ := os.Getwd()
	for d := wd; d != "/"; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
	}
	return wd
}

// quiet drops chromedp's logs of CDP events newer than its protocol version (harmless noise).
var quiet = chromedp.WithErrorf(func(string, ...any) {})
