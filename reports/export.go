package reports

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"fuyi/cases"
	"fuyi/internal/date"
	"fuyi/internal/pdf"
)

// Notes are the 口径 printed under the statistics tables (PDF and XLSX alike).
func (r *Report) Notes() []string {
	notes := []string{
		"1. 统计期间为" + r.Period.From.Chinese() + "至" + r.Period.To.Chinese() + "；上期结转为期初尚未审结的件数，审结按决定（或调解书、终止决定）批准之日计入。",
		"2. " + BasisCorrection + "。",
		"3. " + BasisMediation + "；" + BasisHearing + "。",
		"4. " + BasisPerformance + "。",
		"5. 行政应诉败诉率＝判决支持原告及其他认定败诉的结案件数÷全部结案件数；经复议后被诉败诉率只计复议机关作被告或共同被告的案件（目标≤8%）。",
	}
	if len(r.Balance) > 0 {
		return append(notes, "6. 平衡校验未通过："+strings.Join(r.Balance, "；")+"。")
	}
	return append(notes, "6. 平衡校验：各行上期结转＋受理＝审结＋未审结，审结＝各结案方式之和，均已通过。")
}

// rateCell is a rate as a spreadsheet value: the fraction (formatted as a percentage), or "—" without a
// denominator.
func rateCell(v cases.RateValue) any {
	if v.Value == nil {
		return "—"
	}
	return *v.Value
}

// XLSX writes the report as a workbook in the official layout: 行政复议 (two-level header merged, counts and
// rates as numbers, 口径 below), 分类统计, 行政应诉, 指标; landscape A4 fitted to the width with the header rows
// repeated on every printed page; the file properties name the organ and the period.
func (r *Report) XLSX(organ string) (out []byte, err error) {
	f := excelize.NewFile()
	defer func() { err = errors.Join(err, f.Close()) }()
	x := &book{f: f}
	x.styles()
	title := organ + "行政复议案件统计表"
	period := fmt.Sprintf("%s（%s至%s）", r.Period.Label, r.Period.From, r.Period.To)

	// 行政复议
	main := "行政复议"
	x.keep(f.SetSheetName("Sheet1", main))
	header := MainHeader()
	cols := len(header[0])
	x.banner(main, title, "统计期间："+period+"　　填报单位："+organ, cols)
	x.header(main, 3, header)
	rowAt := 3 + len(header)
	for _, row := range append(append([]Row(nil), r.Rows...), r.Total) {
		vals := []any{row.Label, row.Carried, row.Received, row.Accepted, row.Rejected, row.Informed, row.Transferred, row.Concluded}
		for _, o := range Outcomes {
			vals = append(vals, row.ByOutcome[o.Key])
		}
		vals = append(vals, row.Open, rateCell(row.CorrectionRate), row.Simplified, row.OpinionsIssued, row.OpinionsReported)
		x.row(main, rowAt, vals, map[int]bool{len(vals) - 4: true})
		rowAt++
	}
	x.notes(main, rowAt+1, r.Notes(), cols)
	x.keep(f.SetColWidth(main, "A", "A", 16))
	last, err := excelize.ColumnNumberToName(cols)
	x.keep(err)
	x.keep(f.SetColWidth(main, "B", last, 7.5))
	x.keep(f.SetRowHeight(main, 4, 30))
	x.print(main, 3, 2+len(header))

	// 分类统计: 分类 merged down its items
	br := "分类统计"
	x.sheet(br)
	x.banner(br, title+"（分类统计）", "统计期间："+period, 3)
	x.header(br, 3, [][]string{{"分类", "项目", "本期收到"}})
	rowAt = 4
	for _, g := range []struct {
		name string
		cs   []Count
	}{{"申请事项", r.ByMatter}, {"被申请人层级", r.ByLevel}, {"申请人类型", r.ByApplicant}, {"申请接收窗口", r.ByWindow}} {
		if len(g.cs) == 0 {
			continue
		}
		for i, c := range g.cs {
			name := ""
			if i == 0 {
				name = g.name
			}
			x.row(br, rowAt+i, []any{name, c.Label, c.N}, nil)
		}
		if len(g.cs) > 1 {
			x.keep(f.MergeCell(br, fmt.Sprintf("A%d", rowAt), fmt.Sprintf("A%d", rowAt+len(g.cs)-1)))
		}
		rowAt += len(g.cs)
	}
	x.keep(f.SetColWidth(br, "A", "A", 16))
	x.keep(f.SetColWidth(br, "B", "B", 28))
	x.keep(f.SetColWidth(br, "C", "C", 12))
	x.print(br, 3, 3)

	// 行政应诉
	lit := "行政应诉"
	x.sheet(lit)
	x.banner(lit, organ+"行政应诉案件统计表", "统计期间："+period, 3)
	lt := r.LitigationTable()
	x.header(lit, 3, lt[:1])
	for i, row := range lt[1:] {
		vals := make([]any, len(row))
		for j, v := range row {
			vals[j] = v
			if n, err := strconv.Atoi(v); err == nil && j > 0 {
				vals[j] = n
			}
		}
		x.row(lit, 4+i, vals, nil)
	}
	x.keep(f.SetColWidth(lit, "A", "A", 28))
	x.keep(f.SetColWidth(lit, "B", "C", 12))
	x.print(lit, 3, 3)

	// 指标
	ind := "指标"
	x.sheet(ind)
	x.banner(ind, title+"（主要指标）", "统计期间："+period, 7)
	x.header(ind, 3, [][]string{{"指标", "分子", "分母", "数值", "目标", "是否达标", "口径"}})
	for i, v := range r.indicators() {
		x.row(ind, 4+i, v, map[int]bool{3: v[5] != nil})
	}
	x.keep(f.SetColWidth(ind, "A", "A", 22))
	x.keep(f.SetColWidth(ind, "B", "F", 10))
	x.keep(f.SetColWidth(ind, "G", "G", 80))
	x.print(ind, 3, 3)

	if x.err != nil {
		return nil, x.err
	}
	at := time.Date(r.Period.To.Year(), r.Period.To.Month(), r.Period.To.Day(), 0, 0, 0, 0, date.Shanghai).Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{Creator: organ, LastModifiedBy: organ, Title: title,
		Subject: "行政复议案件统计 " + period, Description: organ + "，统计期间" + period, Category: "行政复议统计",
		Keywords: "行政复议;统计;" + r.Period.Code, Language: "zh-CN", Created: at, Modified: at}); err != nil {
		return nil, err
	}
	if err := f.SetAppProps(&excelize.AppProperties{Application: "复议 Fuyi", Company: organ}); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// indicators are the rows of the 指标 sheet: counts and the rate as numbers; isRate is the 7th value.
func (r *Report) indicators() [][]any {
	var out [][]any
	for _, x := range r.rates() {
		flag := ""
		if x.rv.Flag {
			flag = "未达标"
		}
		var isRate any = true
		out = append(out, []any{x.name, x.rv.Numerator, x.rv.Denominator, rateCell(x.rv), x.rv.Target, flag, x.rv.Basis, isRate})
	}
	avg := any("—")
	if r.Rates.AverageDays != nil {
		avg = *r.Rates.AverageDays
	}
	out = append(out, []any{"平均办理天数（日）", "", "", avg, "", "", "审结案件自受理至审结的平均自然日数", nil})
	out = append(out, []any{"超期审结件数", "", "", r.Rates.OverdueConcluded, 0, flagIf(r.Rates.OverdueConcluded > 0), "本期审结但晚于决定期限的件数", nil})
	out = append(out, []any{"逾期未结件数", "", "", r.Rates.OverdueOpen, 0, flagIf(r.Rates.OverdueOpen > 0), "期末已超过决定期限仍未审结的件数", nil})
	for i := range out {
		out[i] = out[i][:7]
	}
	return out
}

// book writes the cells of a workbook with the house styles, keeping the first error.
type book struct {
	f                                        *excelize.File
	err                                      error
	title, sub, head, cell, label, pct, note int
}

// sheet adds a worksheet.
func (x *book) sheet(name string) {
	_, err := x.f.NewSheet(name)
	x.keep(err)
}

func (x *book) keep(err error) {
	if x.err == nil && err != nil {
		x.err = err
	}
}

func (x *book) styles() {
	border := []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1}}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	style := func(s *excelize.Style) int {
		id, err := x.f.NewStyle(s)
		x.keep(err)
		return id
	}
	x.title = style(&excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 16, Bold: true}, Alignment: center})
	x.sub = style(&excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 10}, Alignment: center})
	x.head = style(&excelize.Style{Font: &excelize.Font{Family: "黑体", Size: 10}, Alignment: center, Border: border})
	x.cell = style(&excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 10}, Alignment: center, Border: border})
	x.label = style(&excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 10}, Border: border,
		Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center", WrapText: true}})
	pct := "0.0%"
	x.pct = style(&excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 10}, Alignment: center, Border: border, CustomNumFmt: &pct})
	x.note = style(&excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 9},
		Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "top", WrapText: true}})
}

func cellName(col, row int) string {
	s, _ := excelize.CoordinatesToCellName(col, row)
	return s
}

// banner writes the title and the period line, each merged across the table's width.
func (x *book) banner(sheet, title, sub string, cols int) {
	for i, s := range []struct {
		text  string
		style int
	}{{title, x.title}, {sub, x.sub}} {
		a, b := cellName(1, i+1), cellName(cols, i+1)
		x.keep(x.f.SetCellValue(sheet, a, s.text))
		x.keep(x.f.MergeCell(sheet, a, b))
		x.keep(x.f.SetCellStyle(sheet, a, b, s.style))
	}
	x.keep(x.f.SetRowHeight(sheet, 1, 28))
}

// header writes multi-level header rows from row at, merging what pdf.MergeHeader merges.
func (x *book) header(sheet string, at int, rows [][]string) {
	cols := 0
	for _, r := range rows {
		cols = max(cols, len(r))
	}
	x.keep(x.f.SetCellStyle(sheet, cellName(1, at), cellName(cols, at+len(rows)-1), x.head))
	for _, s := range pdf.MergeHeader(rows, len(rows)) {
		a, b := cellName(s.Col+1, at+s.Row), cellName(s.Col+s.Cols, at+s.Row+s.Rows-1)
		x.keep(x.f.SetCellValue(sheet, a, s.Text))
		if a != b {
			x.keep(x.f.MergeCell(sheet, a, b))
		}
	}
}

// row writes one data row; the columns in pct hold fractions shown as percentages.
func (x *book) row(sheet string, at int, vals []any, pct map[int]bool) {
	for j, v := range vals {
		c := cellName(j+1, at)
		x.keep(x.f.SetCellValue(sheet, c, v))
		style := x.cell
		switch {
		case j == 0:
			style = x.label
		case pct[j]:
			if _, isFloat := v.(float64); isFloat {
				style = x.pct
			}
		}
		x.keep(x.f.SetCellStyle(sheet, c, c, style))
	}
}

// notes writes the 口径 under a table, one merged row each.
func (x *book) notes(sheet string, at int, notes []string, cols int) {
	x.keep(x.f.SetCellValue(sheet, cellName(1, at), "注："))
	x.keep(x.f.SetCellStyle(sheet, cellName(1, at), cellName(1, at), x.note))
	for i, n := range notes {
		a, b := cellName(1, at+1+i), cellName(cols, at+1+i)
		x.keep(x.f.SetCellValue(sheet, a, n))
		x.keep(x.f.MergeCell(sheet, a, b))
		x.keep(x.f.SetCellStyle(sheet, a, b, x.note))
		x.keep(x.f.SetRowHeight(sheet, at+1+i, 15*float64(1+len([]rune(n))/150)))
	}
}

// print sets landscape A4, fitted to one page wide, with header rows from..to repeated on every page.
func (x *book) print(sheet string, from, to int) {
	landscape, a4, fitW, fitH := "landscape", 9, 1, 0
	x.keep(x.f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: &landscape, Size: &a4, FitToWidth: &fitW, FitToHeight: &fitH}))
	fit := true
	x.keep(x.f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}))
	m := 0.5
	x.keep(x.f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{Left: &m, Right: &m, Top: &m, Bottom: &m}))
	x.keep(x.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: sheet,
		RefersTo: fmt.Sprintf("'%s'!$%d:$%d", sheet, from, to)}))
}

// CSV writes the main table and the indicators (UTF-8 with BOM so that Excel reads the Chinese text).
func (r *Report) CSV() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("\uFEFF")
	w := csv.NewWriter(&b)
	rows := [][]string{{fmt.Sprintf("行政复议案件统计表（%s）", r.Period.Label)}}
	rows = append(rows, r.MainTable()...)
	rows = append(rows, nil, []string{"指标", "分子", "分母", "数值", "目标", "是否达标", "口径"})
	for _, x := range r.RateTable() {
		rows = append(rows, []string{x.Name, x.Num, x.Den, x.Value, x.Target, x.Flag, x.Basis})
	}
	if err := w.WriteAll(rows); err != nil { // WriteAll flushes
		return nil, fmt.Errorf("reports: csv: %w", err)
	}
	return b.Bytes(), nil
}

// PDF renders the report in the official layout: landscape A4, the 行政复议 table with its two-level header
// (repeated on each page), the 口径 under it, then the indicators, 行政应诉 and the breakdowns; cells 10 pt.
func (r *Report) PDF(organ string) ([]byte, error) {
	widths := []float64{2.4}
	for i := 1; i < len(MainHeader()[0]); i++ {
		widths = append(widths, 1)
	}
	period := fmt.Sprintf("%s（%s至%s）", r.Period.Label, r.Period.From, r.Period.To)
	blocks := []pdf.Block{
		{Kind: pdf.Title, Text: organ + "行政复议案件统计表"},
		{Kind: pdf.Center, Text: "统计期间：" + period + "　　填报单位：" + organ},
		{Kind: pdf.Heading, Text: "一、行政复议案件"},
		{Kind: pdf.Table, Rows: r.MainTable(), Widths: widths, HeaderRows: 2, FontSize: 9},
	}
	blocks = append(blocks, pdf.Block{Kind: pdf.Plain, Text: "注："})
	for _, n := range r.Notes() {
		blocks = append(blocks, pdf.Block{Kind: pdf.Plain, Text: n})
	}
	rates := [][]string{{"指标", "分子", "分母", "数值", "目标", "达标", "口径"}}
	for _, x := range r.RateTable() {
		rates = append(rates, []string{x.Name, x.Num, x.Den, x.Value, x.Target, x.Flag, x.Basis})
	}
	blocks = append(blocks,
		pdf.Block{Kind: pdf.Heading, Text: "二、主要指标"},
		pdf.Block{Kind: pdf.Table, Rows: rates, Widths: []float64{2.4, 0.8, 0.8, 0.9, 0.8, 0.9, 8}, HeaderRows: 1, FontSize: 10},
		pdf.Block{Kind: pdf.Heading, Text: "三、行政应诉"},
		pdf.Block{Kind: pdf.Table, Rows: r.LitigationTable(), Widths: []float64{3, 1, 1}, HeaderRows: 1, FontSize: 10},
	)
	br := [][]string{{"分类", "项目", "本期收到"}}
	for _, g := range []struct {
		name string
		cs   []Count
	}{{"申请事项", r.ByMatter}, {"被申请人层级", r.ByLevel}, {"申请人类型", r.ByApplicant}, {"申请接收窗口", r.ByWindow}} {
		for _, c := range g.cs {
			br = append(br, []string{g.name, c.Label, strconv.Itoa(c.N)})
		}
	}
	blocks = append(blocks, pdf.Block{Kind: pdf.Heading, Text: "四、分类统计"},
		pdf.Block{Kind: pdf.Table, Rows: br, Widths: []float64{1.2, 2, 1}, HeaderRows: 1, FontSize: 10})
	return pdf.Render(pdf.Document{Title: "行政复议案件统计表 " + r.Period.Label, Author: organ, Subject: "统计期间：" + period,
		Blocks: blocks, Landscape: true, PageNumbers: true, BodySize: 12,
		CreatedAt: time.Date(r.Period.To.Year(), r.Period.To.Month(), r.Period.To.Day(), 0, 0, 0, 0, date.Shanghai)})
}
