package reports

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"fuyi/internal/pdf"
)

// XLSX writes the report as a workbook: 行政复议, 分类统计, 行政应诉, 指标.
func (r *Report) XLSX() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	write := func(sheet string, rows [][]string) error {
		for i, row := range rows {
			for j, v := range row {
				cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
				var val any = v
				if n, err := strconv.Atoi(v); err == nil && !(j == 0) {
					val = n
				}
				if err := f.SetCellValue(sheet, cell, val); err != nil {
					return err
				}
			}
		}
		return nil
	}
	main := "行政复议"
	f.SetSheetName("Sheet1", main)
	title := [][]string{{fmt.Sprintf("行政复议案件统计表（%s，%s至%s）", r.Period.Label, r.Period.From, r.Period.To)}}
	if err := write(main, append(title, r.MainTable()...)); err != nil {
		return nil, err
	}
	f.SetColWidth(main, "A", "A", 16)
	var breakdown [][]string
	for _, g := range []struct {
		name string
		cs   []Count
	}{{"申请事项", r.ByMatter}, {"被申请人层级", r.ByLevel}, {"申请人类型", r.ByApplicant}, {"申请接收窗口", r.ByWindow}} {
		breakdown = append(breakdown, []string{g.name, "本期收到"})
		for _, c := range g.cs {
			breakdown = append(breakdown, []string{c.Label, strconv.Itoa(c.N)})
		}
		breakdown = append(breakdown, []string{})
	}
	for _, s := range []struct {
		name string
		rows [][]string
	}{{"分类统计", breakdown}, {"行政应诉", r.LitigationTable()}} {
		f.NewSheet(s.name)
		if err := write(s.name, s.rows); err != nil {
			return nil, err
		}
		f.SetColWidth(s.name, "A", "A", 28)
	}
	rates := [][]string{{"指标", "分子", "分母", "数值", "目标", "是否达标", "口径"}}
	for _, x := range r.RateTable() {
		rates = append(rates, []string{x.Name, x.Num, x.Den, x.Value, x.Target, x.Flag, x.Basis})
	}
	f.NewSheet("指标")
	if err := write("指标", rates); err != nil {
		return nil, err
	}
	f.SetColWidth("指标", "A", "A", 22)
	f.SetColWidth("指标", "G", "G", 90)
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// CSV writes the main table and the indicators (UTF-8 with BOM so that Excel reads the Chinese text).
func (r *Report) CSV() []byte {
	var b bytes.Buffer
	b.WriteString("\uFEFF")
	w := csv.NewWriter(&b)
	w.Write([]string{fmt.Sprintf("行政复议案件统计表（%s）", r.Period.Label)})
	for _, row := range r.MainTable() {
		w.Write(row)
	}
	w.Write(nil)
	w.Write([]string{"指标", "分子", "分母", "数值", "目标", "是否达标", "口径"})
	for _, x := range r.RateTable() {
		w.Write([]string{x.Name, x.Num, x.Den, x.Value, x.Target, x.Flag, x.Basis})
	}
	w.Flush()
	return b.Bytes()
}

// PDF renders the report in the official layout (landscape A4).
func (r *Report) PDF(organ string) ([]byte, error) {
	widths := []float64{2.2}
	for i := 1; i < len(MainHeader()[0]); i++ {
		widths = append(widths, 1)
	}
	blocks := []pdf.Block{
		{Kind: pdf.Title, Text: organ + "行政复议案件统计表"},
		{Kind: pdf.Center, Text: fmt.Sprintf("统计期间：%s（%s至%s）", r.Period.Label, r.Period.From, r.Period.To)},
		{Kind: pdf.Table, Rows: r.MainTable(), Widths: widths, HeaderRows: 2, FontSize: 6.5},
	}
	if len(r.Balance) > 0 {
		blocks = append(blocks, pdf.Block{Kind: pdf.Plain, Text: "平衡校验未通过：" + strings.Join(r.Balance, "；")})
	} else {
		blocks = append(blocks, pdf.Block{Kind: pdf.Plain, Text: "平衡校验：各行上期结转＋受理＝审结＋未审结，审结＝各结案方式之和，均已通过。"})
	}
	var rates [][]string
	rates = append(rates, []string{"指标", "分子", "分母", "数值", "目标", "达标", "口径"})
	for _, x := range r.RateTable() {
		rates = append(rates, []string{x.Name, x.Num, x.Den, x.Value, x.Target, x.Flag, x.Basis})
	}
	blocks = append(blocks,
		pdf.Block{Kind: pdf.Heading, Text: "主要指标"},
		pdf.Block{Kind: pdf.Table, Rows: rates, Widths: []float64{2.2, 0.8, 0.8, 0.9, 0.8, 0.8, 9}, HeaderRows: 1, FontSize: 7},
		pdf.Block{Kind: pdf.Heading, Text: "行政应诉"},
		pdf.Block{Kind: pdf.Table, Rows: r.LitigationTable(), Widths: []float64{3, 1, 1}, HeaderRows: 1, FontSize: 7.5},
	)
	var br [][]string
	br = append(br, []string{"分类", "项目", "本期收到"})
	for _, g := range []struct {
		name string
		cs   []Count
	}{{"申请事项", r.ByMatter}, {"被申请人层级", r.ByLevel}, {"申请人类型", r.ByApplicant}, {"申请接收窗口", r.ByWindow}} {
		for _, c := range g.cs {
			br = append(br, []string{g.name, c.Label, strconv.Itoa(c.N)})
		}
	}
	blocks = append(blocks, pdf.Block{Kind: pdf.Heading, Text: "分类统计"}, pdf.Block{Kind: pdf.Table, Rows: br, Widths: []float64{1.2, 2, 1}, HeaderRows: 1, FontSize: 7.5})
	return pdf.Render(pdf.Document{Title: "行政复议案件统计表 " + r.Period.Label, Blocks: blocks, Landscape: true, PageNumbers: true, BodySize: 12,
		CreatedAt: time.Date(r.Period.To.Year(), r.Period.To.Month(), r.Period.To.Day(), 0, 0, 0, 0, time.UTC)})
}
