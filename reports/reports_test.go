package reports_test

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"fuyi/internal/date"
	"fuyi/internal/pdf/pdftext"
	"fuyi/internal/testapp"
	"fuyi/reports"
)

var today = date.MustParse("2026-11-22")

func TestParsePeriod(t *testing.T) {
	cases := map[string][2]string{
		"2025-10": {"2025-10-01", "2025-10-31"}, "2024-02": {"2024-02-01", "2024-02-29"}, "2025-Q3": {"2025-07-01", "2025-09-30"},
		"2025": {"2025-01-01", "2025-12-31"}, "2025-ytd-10": {"2025-01-01", "2025-10-31"},
	}
	for in, want := range cases {
		p, err := reports.ParsePeriod(in)
		if err != nil || p.From.String() != want[0] || p.To.String() != want[1] {
			t.Errorf("%s: %v %v", in, p, err)
		}
	}
	for _, bad := range []string{"2025-13", "2025-Q5", "25-10", "2025-10-01", "abc"} {
		if _, err := reports.ParsePeriod(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if p, _ := reports.ParsePeriod("2025-02"); p.PreviousYear().To.String() != "2024-02-29" {
		t.Errorf("previous year of Feb 2025: %s", p.PreviousYear().To)
	}
}

type fixture struct {
	a *testapp.App
}

func (f fixture) post(user string, id int64, action string, body any) {
	f.a.T.Helper()
	r := f.a.Do("POST", fmt.Sprintf("/api/v1/cases/%d/%s", id, action), f.a.Login(user), body)
	if r.Status != 200 {
		f.a.T.Fatalf("%s: %d %s", action, r.Status, r.Body)
	}
}

// register an application to agency on received; accept on accepted ("" = not reviewed), procedure.
func (f fixture) register(agency int, received string) int64 {
	body := testapp.Application(received)
	body["respondent_agency_id"] = agency
	r := f.a.Do("POST", "/api/v1/cases", f.a.Login("window1"), body)
	if r.Status != 201 {
		f.a.T.Fatalf("register: %d %s", r.Status, r.Body)
	}
	var v struct {
		ID int64 `json:"id"`
	}
	r.JSON(f.a.T, &v)
	return v.ID
}

func (f fixture) accepted(agency int, received, accepted, procedure string) int64 {
	id := f.register(agency, received)
	body := map[string]any{"outcome": "accept", "on": accepted, "procedure": procedure}
	if procedure == "simplified" {
		body["simplified_grounds"] = []string{"warning"}
	}
	f.post("chief1", id, "review", body)
	f.a.Assign(id, "officer1", "officer2")
	return id
}

func (f fixture) conclude(id int64, typ, on string) {
	body := map[string]any{"type": typ, "decided_on": on, "articles": []string{"第六十八条"}, "sections": map[string]string{"ruling": "决定。"}}
	if typ == "settlement" {
		body["ground"] = "41-1"
	}
	f.post("officer1", id, "decision", body)
	f.post("chief1", id, "decision/approval", map[string]any{"approve": true})
}

// A month with hand-counted figures for every cell of the 行政复议 table and every rate.
func buildOctober(t *testing.T, a *testapp.App) {
	f := fixture{a}
	A := f.accepted(1, "2025-09-10", "2025-09-12", "ordinary") // carried over, 维持 in October
	f.conclude(A, "maintain", "2025-10-20")
	B := f.accepted(1, "2025-10-09", "2025-10-10", "simplified") // received, accepted (简易), heard, 撤销
	ids := []int64{a.UserID("officer2"), a.UserID("officer3")}
	r := a.Do("POST", fmt.Sprintf("/api/v1/cases/%d/hearings", B), a.Login("chief1"), map[string]any{"starts_at": "2025-10-22T09:00:00+08:00",
		"ends_at": "2025-10-22T10:00:00+08:00", "room_id": 1, "host_id": a.UserID("officer1"), "panel_ids": ids, "clerk_id": a.UserID("clerk1"), "notified_on": "2025-10-14"})
	if r.Status != 201 {
		t.Fatalf("hearing: %d %s", r.Status, r.Body)
	}
	var h struct {
		ID int64 `json:"id"`
	}
	r.JSON(t, &h)
	if r := a.Do("POST", fmt.Sprintf("/api/v1/hearings/%d/record", h.ID), a.Login("officer1"), map[string]any{"held": true,
		"respondent_head_attended": true, "head_name": "刘建国", "head_title": "局长", "minutes": "笔录"}); r.Status != 200 {
		t.Fatalf("record: %d %s", r.Status, r.Body)
	}
	f.post("chief1", B, "opinion-letters", map[string]any{"issued_on": "2025-10-27", "content": "规范程序"})
	f.conclude(B, "revoke", "2025-10-28")
	C := f.register(1, "2025-10-15") // 不予受理
	f.post("chief1", C, "review", map[string]any{"outcome": "reject", "on": "2025-10-16", "reason": "超过申请期限"})
	D := f.register(2, "2025-10-20") // 告知
	f.post("chief1", D, "review", map[string]any{"outcome": "inform", "on": "2025-10-21", "reason": "属于市政府管辖"})
	f.accepted(2, "2025-10-22", "2025-10-24", "ordinary") // E: open at the end
	f.accepted(2, "2025-09-01", "2025-09-03", "ordinary") // F: carried over and still open
	G := f.accepted(1, "2025-09-20", "2025-09-22", "ordinary")
	f.conclude(G, "settlement", "2025-10-05")
	f.register(1, "2025-11-02") // H: outside the period
	// a lawsuit against the 复议机关 received and lost in October
	if r := a.Do("POST", "/api/v1/lawsuits", a.Login("bureau1"), map[string]any{"court": "南京市栖霞区人民法院", "court_case_no": "（2025）苏0113行初9号",
		"instance": "first", "defendant_agency_id": 1, "reconsideration_organ_defendant": true, "plaintiff": "张三", "cause": "行政处罚",
		"complaint_received_on": "2025-10-10"}); r.Status != 201 {
		t.Fatalf("lawsuit: %d %s", r.Status, r.Body)
	} else {
		var l struct {
			ID int64 `json:"id"`
		}
		r.JSON(t, &l)
		a.Do("POST", fmt.Sprintf("/api/v1/lawsuits/%d/judgment", l.ID), a.Login("bureau1"), map[string]any{"outcome": "revoke", "judged_on": "2025-10-30"})
	}
}

func TestMonthlyReportHandCounted(t *testing.T) {
	a := testapp.New(t, today)
	buildOctober(t, a)
	var r reports.Report
	resp := a.Do("GET", "/api/v1/reports/monthly/2025-10", a.Login("chief1"), nil)
	if resp.Status != 200 {
		t.Fatalf("report: %d %s", resp.Status, resp.Body)
	}
	resp.JSON(t, &r)
	row := func(label string) reports.Row {
		for _, x := range r.Rows {
			if x.Label == label {
				return x
			}
		}
		t.Fatalf("no row %s", label)
		return reports.Row{}
	}
	type cells struct{ carried, received, accepted, rejected, informed, concluded, open, simplified, opinions int }
	check := func(x reports.Row, want cells) {
		t.Helper()
		got := cells{x.Carried, x.Received, x.Accepted, x.Rejected, x.Informed, x.Concluded, x.Open, x.Simplified, x.OpinionsIssued}
		if got != want {
			t.Errorf("%s: got %+v, want %+v", x.Label, got, want)
		}
	}
	check(row("市场监管"), cells{2, 2, 1, 1, 0, 3, 0, 1, 1})
	check(row("公安"), cells{1, 2, 1, 0, 1, 0, 2, 0, 0})
	check(row("人社"), cells{})
	check(r.Total, cells{3, 4, 2, 1, 1, 3, 2, 1, 1})
	m := row("市场监管")
	if m.ByOutcome["maintain"] != 1 || m.ByOutcome["revoke"] != 1 || m.ByOutcome["settlement"] != 1 || m.Corrective != 1 || m.ByDecision != 2 {
		t.Errorf("outcomes: %+v", m)
	}
	rate := func(name string, got interface{ Percent() string }, num, den, wantNum, wantDen int) {
		t.Helper()
		if num != wantNum || den != wantDen {
			t.Errorf("%s: %d/%d, want %d/%d", name, num, den, wantNum, wantDen)
		}
	}
	rate("纠错率", r.Rates.Correction, r.Rates.Correction.Numerator, r.Rates.Correction.Denominator, 1, 2)
	rate("调撤率", r.Rates.MediationWithdraw, r.Rates.MediationWithdraw.Numerator, r.Rates.MediationWithdraw.Denominator, 1, 3)
	rate("听证率", r.Rates.Hearing, r.Rates.Hearing.Numerator, r.Rates.Hearing.Denominator, 1, 3)
	rate("败诉率", r.Rates.LawsuitLoss, r.Rates.LawsuitLoss.Numerator, r.Rates.LawsuitLoss.Denominator, 1, 1)
	rate("经复议后被诉败诉率", r.Rates.AfterReconLoss, r.Rates.AfterReconLoss.Numerator, r.Rates.AfterReconLoss.Denominator, 1, 1)
	if !r.Rates.Hearing.Flag || !r.Rates.AfterReconLoss.Flag || r.Rates.Correction.Basis == "" {
		t.Errorf("targets must be flagged (听证率 < 70%%, 败诉率 > 8%%): %+v %+v", r.Rates.Hearing, r.Rates.AfterReconLoss)
	}
	if len(r.Balance) != 0 {
		t.Errorf("balance errors: %v", r.Balance)
	}
	if r.Litigation.Instances["first"].Received != 1 || r.Litigation.Instances["first"].Concluded != 1 {
		t.Errorf("litigation: %+v", r.Litigation.Instances)
	}
	counts := map[string]int{}
	for _, c := range r.ByMatter {
		counts["m:"+c.Label] = c.N
	}
	for _, c := range r.ByWindow {
		counts["w:"+c.Label] = c.N
	}
	for _, c := range r.ByApplicant {
		counts["a:"+c.Label] = c.N
	}
	if counts["m:行政处罚"] != 4 || counts["w:尧化街道司法所"] != 4 || counts["a:法人或其他组织"] != 4 {
		t.Errorf("breakdowns: %v", counts)
	}
	if r.YearOnYear == nil || r.YearOnYear.Received != 0 || len(r.Trend) != 12 || r.Trend[11].Month != "2025-10" || r.Trend[11].Received != 4 {
		t.Errorf("year on year / trend: %+v %+v", r.YearOnYear, r.Trend)
	}

	checkWorkbook(t, a.Do("GET", "/api/v1/reports/monthly/2025-10.xlsx", a.Login("bureau1"), nil).Body, r)
	csv := string(a.Do("GET", "/api/v1/reports/monthly/2025-10.csv", a.Login("bureau1"), nil).Body)
	if !strings.HasPrefix(csv, "\uFEFF") || !strings.Contains(csv, "合计,3,4,2,1,1,0,3") { // 告知 1, 转送 0: separate columns
		t.Fatalf("csv: %s", csv)
	}
	p := a.Do("GET", "/api/v1/reports/monthly/2025-10.pdf", a.Login("bureau1"), nil)
	if p.Status != 200 || !strings.Contains(pdftext.Extract(t, p.Body), "行政复议案件统计表") {
		t.Fatalf("pdf: %d", p.Status)
	}
	checkStatisticsPDF(t, p.Body)
	page := string(a.NewBrowserAs("chief1").Get("/reports?period=2025-10").Body)
	if !strings.Contains(page, "<svg") || !strings.Contains(page, "审结方式构成") {
		t.Fatal("report page lacks the charts")
	}
	if r := a.Do("GET", "/api/v1/reports/monthly/2025-10", a.Login("officer1"), nil); r.Status != 403 {
		t.Fatalf("officer: %d", r.Status)
	}
	if r := a.Do("GET", "/api/v1/reports/monthly/2025-13", a.Login("chief1"), nil); r.Status != 400 {
		t.Fatalf("bad period: %d", r.Status)
	}
}

// A row that does not balance is reported with the figures that disagree.
func TestBalanceCheckSaysWhere(t *testing.T) {
	a := testapp.New(t, today)
	f := fixture{a}
	id := f.accepted(1, "2025-10-09", "2025-10-10", "ordinary")
	a.DB.MustExec(`UPDATE cases SET concluded_on = '2025-10-20', outcome = NULL WHERE id = $1`, id) // a concluded case without outcome
	var r reports.Report
	a.Do("GET", "/api/v1/reports/monthly/2025-10", a.Login("chief1"), nil).JSON(t, &r)
	if len(r.Balance) == 0 || !strings.Contains(strings.Join(r.Balance, ";"), "市场监管：审结1≠各结案方式之和0") {
		t.Fatalf("balance: %v", r.Balance)
	}
}

// Publication freezes a snapshot; republishing needs a reason and keeps the old version viewable.
func TestPublicationSnapshots(t *testing.T) {
	a := testapp.New(t, today)
	buildOctober(t, a)
	bureau := a.Login("bureau1")
	if r := a.Do("POST", "/api/v1/reports/monthly/2026-11/publication", bureau, nil); r.Status != 409 {
		t.Fatalf("publishing an unfinished month: %d", r.Status)
	}
	if r := a.Do("POST", "/api/v1/reports/monthly/2025-10/publication", a.Login("chief1"), nil); r.Status != 403 {
		t.Fatalf("chief publishes: %d", r.Status)
	}
	if r := a.Do("POST", "/api/v1/reports/monthly/2025-10/publication", bureau, nil); r.Status != 201 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	v1 := string(a.Do("GET", "/statistics/2025-10", "", nil).Body)
	if !strings.Contains(v1, "第1版") || !strings.Contains(v1, "<td>合计</td><td>3</td><td>4</td>") {
		t.Fatalf("public page v1 lacks the figures")
	}
	// later data entry changes October; the published page does not move
	fixture{a}.register(1, "2025-10-30")
	if now := string(a.Do("GET", "/statistics/2025-10", "", nil).Body); !strings.Contains(now, "<td>合计</td><td>3</td><td>4</td>") {
		t.Fatal("the published snapshot changed with the data")
	}
	if r := a.Do("POST", "/api/v1/reports/monthly/2025-10/publication", bureau, map[string]any{}); r.Status != 422 {
		t.Fatalf("republish without reason: %d", r.Status)
	}
	if r := a.Do("POST", "/api/v1/reports/monthly/2025-10/publication", bureau, map[string]any{"reason": "补录10月30日收件"}); r.Status != 201 {
		t.Fatalf("republish: %d", r.Status)
	}
	v2 := string(a.Do("GET", "/statistics/2025-10", "", nil).Body)
	old := string(a.Do("GET", "/statistics/2025-10?v=1", "", nil).Body)
	if !strings.Contains(v2, "<td>合计</td><td>3</td><td>5</td>") || !strings.Contains(v2, "补录10月30日收件") || !strings.Contains(old, "<td>合计</td><td>3</td><td>4</td>") {
		t.Fatal("versions not kept")
	}
	if r := a.Do("GET", "/statistics/2025-09", "", nil); r.Status != 404 {
		t.Fatalf("unpublished month: %d", r.Status)
	}
}

// The scheduled job drafts last month's report on the 1st and tells the bureau once: each organ's own
// draft, told to its own bureau (the demo has two organs).
func TestMonthlyDraftJob(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-11-01"))
	h := &reports.Service{DB: a.DB, Today: func() date.Date { return date.MustParse("2025-11-01") }}
	for i := 0; i < 2; i++ {
		if err := h.Job().Run(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	var drafts, notices int
	a.DB.Get(&drafts, `SELECT count(DISTINCT organ_id) FROM report_drafts WHERE period = '2025-10'`)
	a.DB.Get(&notices, `SELECT count(*) FROM notices n JOIN users u ON u.id = n.user_id AND u.organ_id = n.organ_id
		WHERE n.kind = 'report_draft' AND u.role = 'bureau'`)
	if drafts != 2 || notices != 2 {
		t.Fatalf("drafts of %d organs, notices %d; want one each for each of the 2 organs", drafts, notices)
	}
}

// The two forms of "open on day X" agree (the recent-side count and the interval index).
func TestOpenOnFormsAgree(t *testing.T) {
	a := testapp.New(t, today)
	buildOctober(t, a)
	for _, d := range []string{"2025-09-15", "2025-09-30", "2025-10-15", "2025-10-31", "2026-01-01"} {
		var recent, interval int
		a.DB.Get(&recent, `SELECT coalesce(sum(n), 0) FROM (`+reports.QOpenOnRecent+`) x`, d)
		a.DB.Get(&interval, `SELECT coalesce(sum(n), 0) FROM (`+reports.QOpenOnInterval+`) x`, d)
		if recent != interval {
			t.Fatalf("%s: recent form %d, interval form %d", d, recent, interval)
		}
	}
}

// The trend cache of closed months is invalidated by any change of a case in that month.
func TestTrendCacheInvalidated(t *testing.T) {
	a := testapp.New(t, today)
	buildOctober(t, a)
	get := func() reports.Report {
		var r reports.Report
		a.Do("GET", "/api/v1/reports/monthly/2025-11", a.Login("chief1"), nil).JSON(t, &r)
		return r
	}
	oct := func(r reports.Report) reports.Trend {
		for _, x := range r.Trend {
			if x.Month == "2025-10" {
				return x
			}
		}
		return reports.Trend{}
	}
	if got := oct(get()); got.Received != 4 {
		t.Fatalf("October in the trend: %+v", got)
	}
	var cached int
	a.DB.Get(&cached, `SELECT count(*) FROM month_counts WHERE month = '2025-10-01'`)
	if cached != 1 {
		t.Fatalf("closed month not cached")
	}
	fixture{a}.register(1, "2025-10-30") // back-dated registration into October
	a.DB.Get(&cached, `SELECT count(*) FROM month_counts WHERE month = '2025-10-01'`)
	if cached != 0 {
		t.Fatal("the change did not invalidate the cached month")
	}
	if got := oct(get()); got.Received != 5 {
		t.Fatalf("October after the change: %+v", got)
	}
}

// The workbook in the official layout (issue 16): the two-level header merged (审结 over its outcomes, single
// headers down two rows), counts and rates stored as numbers (rates as fractions shown with a percent
// format), the 口径 under the table, landscape A4 fitted to the width with the header rows repeated, Chinese
// sheet names and file properties naming the organ and the period.
func checkWorkbook(t *testing.T, body []byte, r reports.Report) {
	t.Helper()
	book, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	if got := strings.Join(book.GetSheetList(), ","); got != "行政复议,分类统计,行政应诉,指标" {
		t.Errorf("sheets: %s", got)
	}
	const sheet = "行政复议"
	merged := map[string]string{}
	cells, err := book.GetMergeCells(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range cells {
		merged[m.GetStartAxis()+":"+m.GetEndAxis()] = m.GetCellValue()
	}
	// columns: A 类别, B–G (告知 F and 转送 G apart, as the official table has them), H 合计 … R 其他终止,
	// S 未审结, T 纠错率, U 简易程序, V–W 意见书
	for rng, want := range map[string]string{"H3:R3": "审结", "A3:A4": "行政管理类别", "B3:B4": "上期结转", "F3:F4": "告知", "G3:G4": "转送",
		"V3:W3": "意见书", "T3:T4": "纠错率"} {
		if merged[rng] != want {
			t.Errorf("merged %s = %q, want %q (all: %v)", rng, merged[rng], want, merged)
		}
	}
	total := 4 + len(r.Rows) + 1 // the 合计 row
	if v, _ := book.GetCellValue(sheet, fmt.Sprintf("A%d", total)); v != "合计" {
		t.Fatalf("row %d is %q, want 合计", total, v)
	}
	raw := func(cell string) string {
		v, _ := book.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
		return v
	}
	if got := raw(fmt.Sprintf("C%d", total)); got != strconv.Itoa(r.Total.Received) {
		t.Errorf("本期收到 合计 = %q, want the number %d", got, r.Total.Received)
	}
	rate, err := strconv.ParseFloat(raw(fmt.Sprintf("T%d", total)), 64)
	if err != nil || r.Total.CorrectionRate.Value == nil || rate != *r.Total.CorrectionRate.Value {
		t.Errorf("纠错率 stored as %q, want the fraction %v", raw(fmt.Sprintf("T%d", total)), r.Total.CorrectionRate.Value)
	}
	if shown, _ := book.GetCellValue(sheet, fmt.Sprintf("T%d", total)); shown != r.Total.CorrectionRate.Percent() {
		t.Errorf("纠错率 shown as %q, want %q (percent format)", shown, r.Total.CorrectionRate.Percent())
	}
	if typ, _ := book.GetCellType(sheet, fmt.Sprintf("T%d", total)); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("纠错率 is text")
	}
	notes := false
	rows, _ := book.GetRows(sheet)
	for _, row := range rows[total:] {
		if len(row) > 0 && strings.Contains(row[0], "纠错率＝") {
			notes = true
		}
	}
	if !notes {
		t.Error("the 口径 of the 纠错率 is not under the table")
	}
	if ind, _ := book.GetCellValue("指标", "D4", excelize.Options{RawCellValue: true}); ind != "0.5" {
		t.Errorf("指标 纠错率 stored as %q, want 0.5", ind)
	}
	lay, err := book.GetPageLayout(sheet)
	if err != nil || lay.Orientation == nil || *lay.Orientation != "landscape" || lay.FitToWidth == nil || *lay.FitToWidth != 1 {
		t.Errorf("page layout: %+v %v", lay, err)
	}
	names := book.GetDefinedName()
	titles := false
	for _, n := range names {
		titles = titles || n.Name == "_xlnm.Print_Titles" && n.Scope == sheet && n.RefersTo == "'行政复议'!$3:$4"
	}
	if !titles {
		t.Errorf("header rows are not repeated on printed pages: %+v", names)
	}
	props, err := book.GetDocProps()
	if err != nil || props.Creator != "南京市栖霞区人民政府" || !strings.Contains(props.Subject, "2025年10月") || !strings.HasPrefix(props.Created, "2025-10-31") {
		t.Errorf("file properties: %+v %v", props, err)
	}
}

// The statistics PDF: cells at 9 pt or more, header repeated, page images for people to look at.
func checkStatisticsPDF(t *testing.T, body []byte) {
	t.Helper()
	for _, l := range pdftext.Lines(t, body) {
		if h := l.YMax - l.YMin; h < 9*0.95 {
			t.Errorf("text %q set %.1f pt high, want at least 9", l.Text, h)
		}
	}
	info := pdftext.Info(t, body)
	if info["Author"] != "南京市栖霞区人民政府" || info["Tagged"] != "yes" || !strings.Contains(info["Page size"], "841.89 x 595.28") {
		t.Errorf("pdfinfo: %v", info)
	}
	pdftext.Image(t, body, "../test-output/docs", "statistics", 100)
}
