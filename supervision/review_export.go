package supervision

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"fuyi/internal/date"
	"fuyi/internal/pdf"
)

// Header is the two-level header of the review table: 名次, 单位, then each indicator with its 分子/分母/比率,
// then 得分.
func reviewHeader() [][]string {
	top, sub := []string{"名次", "单位"}, []string{"", ""}
	for _, in := range Indicators {
		top = append(top, in.Name, in.Name, in.Name)
		sub = append(sub, "分子", "分母", "比率")
	}
	return [][]string{append(top, "得分"), append(sub, "")}
}

func rankText(n int) string {
	if n == 0 {
		return "—"
	}
	return strconv.Itoa(n)
}

// Rows are the table lines of the review as text.
func (r *Review) Rows() [][]string {
	var out [][]string
	for _, a := range r.Agencies {
		row := []string{rankText(a.Rank), a.AgencyName}
		for _, f := range a.Figures {
			row = append(row, strconv.Itoa(f.Num), strconv.Itoa(f.Den), Percent(f.Rate))
		}
		out = append(out, append(row, ScoreText(a.Score)))
	}
	return out
}

// Notes are the 口径 under the table: each indicator's basis and weight, and the scoring rule.
func (r *Review) Notes() []string {
	var out []string
	for i, in := range Indicators {
		out = append(out, fmt.Sprintf("%d. %s（权重%s）：%s。", i+1, in.Name, strconv.FormatFloat(r.Weights[in.Key], 'f', -1, 64), in.Basis))
	}
	return append(out, "得分：各项有分母的指标按比率（败诉率、经复议后被诉败诉率按1−比率）加权平均后乘以100；无分母的指标不计入，权重相应按比例分配；各项均无数据的单位不排名。")
}

func (r *Review) title(organ string) string {
	return fmt.Sprintf("%s%d年度行政应诉工作考核结果", organ, r.Year)
}

// PDF renders the review in the official table style: landscape A4, the two-level header repeated on every
// page, the 口径 under the table.
func (r *Review) PDF(organ string) ([]byte, error) {
	widths := []float64{0.7, 3.2}
	for range Indicators {
		widths = append(widths, 0.6, 0.6, 0.9)
	}
	widths = append(widths, 0.9)
	rows := append(reviewHeader(), r.Rows()...)
	state := "计算日期：" + r.ComputedOn.String()
	if r.Published && r.PublishedAt != nil {
		state += "　　发布：" + r.PublishedAt.In(date.Shanghai).Format("2006-01-02")
	}
	blocks := []pdf.Block{
		{Kind: pdf.Title, Text: r.title(organ)},
		{Kind: pdf.Center, Text: fmt.Sprintf("考核年度：%d年1月1日至%d年12月31日　　%s", r.Year, r.Year, state)},
		{Kind: pdf.Table, Rows: rows, Widths: widths, HeaderRows: 2, FontSize: 9},
		{Kind: pdf.Plain, Text: "注："},
	}
	for _, n := range r.Notes() {
		blocks = append(blocks, pdf.Block{Kind: pdf.Plain, Text: n})
	}
	return pdf.Render(pdf.Document{Title: r.title(organ), Author: organ, Subject: fmt.Sprintf("%d年度行政应诉工作考核", r.Year), Blocks: blocks,
		Landscape: true, PageNumbers: true, BodySize: 12, CreatedAt: time.Date(r.ComputedOn.Year(), r.ComputedOn.Month(), r.ComputedOn.Day(), 0, 0, 0, 0, date.Shanghai)})
}

// XLSX writes the review as a workbook: one sheet 应诉工作考核 with the merged two-level header, counts and
// scores as numbers, rates as numbers with a percent format (empty without a denominator), the 口径 below;
// landscape A4 fitted to the width.
func (r *Review) XLSX(organ string) (out []byte, err error) {
	f := excelize.NewFile()
	defer func() { err = errors.Join(err, f.Close()) }()
	const sheet = "应诉工作考核"
	var errs []error
	keep := func(err error) { errs = append(errs, err) }
	keep(f.SetSheetName("Sheet1", sheet))
	cell := func(col, row int) string { s, _ := excelize.CoordinatesToCellName(col, row); return s }
	border := []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1}}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	style := func(s *excelize.Style) int { id, err := f.NewStyle(s); keep(err); return id }
	pct := "0.0%"
	titleS := style(&excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 16, Bold: true}, Alignment: center})
	headS := style(&excelize.Style{Font: &excelize.Font{Family: "黑体", Size: 10}, Alignment: center, Border: border})
	cellS := style(&excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 10}, Alignment: center, Border: border})
	pctS := style(&excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 10}, Alignment: center, Border: border, CustomNumFmt: &pct})
	noteS := style(&excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 9}, Alignment: &excelize.Alignment{Horizontal: "left", WrapText: true}})
	hdr := reviewHeader()
	cols := len(hdr[0])
	keep(f.SetCellValue(sheet, "A1", r.title(organ)))
	keep(f.MergeCell(sheet, "A1", cell(cols, 1)))
	keep(f.SetCellStyle(sheet, "A1", "A1", titleS))
	keep(f.SetCellValue(sheet, "A2", fmt.Sprintf("考核年度：%d年　计算日期：%s", r.Year, r.ComputedOn)))
	keep(f.MergeCell(sheet, "A2", cell(cols, 2)))
	for i, h := range hdr {
		for c, v := range h {
			keep(f.SetCellValue(sheet, cell(c+1, 3+i), v))
		}
	}
	// merge: 名次, 单位, 得分 down; each indicator across its three columns
	keep(f.MergeCell(sheet, "A3", "A4"))
	keep(f.MergeCell(sheet, "B3", "B4"))
	keep(f.MergeCell(sheet, cell(cols, 3), cell(cols, 4)))
	for i := range Indicators {
		keep(f.MergeCell(sheet, cell(3+3*i, 3), cell(5+3*i, 3)))
	}
	keep(f.SetCellStyle(sheet, "A3", cell(cols, 4), headS))
	row := 5
	for _, a := range r.Agencies {
		vals := []any{}
		if a.Rank > 0 {
			vals = append(vals, a.Rank)
		} else {
			vals = append(vals, "—")
		}
		vals = append(vals, a.AgencyName)
		for _, fg := range a.Figures {
			var rv any = ""
			if fg.Rate != nil {
				rv = *fg.Rate
			}
			vals = append(vals, fg.Num, fg.Den, rv)
		}
		if a.Score != nil {
			vals = append(vals, *a.Score)
		} else {
			vals = append(vals, "—")
		}
		for c, v := range vals {
			keep(f.SetCellValue(sheet, cell(c+1, row), v))
		}
		keep(f.SetCellStyle(sheet, cell(1, row), cell(cols, row), cellS))
		for i := range Indicators {
			keep(f.SetCellStyle(sheet, cell(5+3*i, row), cell(5+3*i, row), pctS))
		}
		row++
	}
	row++
	for _, n := range append([]string{"注："}, r.Notes()...) {
		keep(f.SetCellValue(sheet, cell(1, row), n))
		keep(f.MergeCell(sheet, cell(1, row), cell(cols, row)))
		keep(f.SetCellStyle(sheet, cell(1, row), cell(1, row), noteS))
		row++
	}
	keep(f.SetColWidth(sheet, "B", "B", 28))
	landscape, a4, fit := "landscape", 9, 1
	keep(f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: &landscape, Size: &a4, FitToWidth: &fit}))
	keep(f.SetDocProps(&excelize.DocProperties{Creator: organ, Title: r.title(organ)}))
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
