package caseweb

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"fuyi/cases"
	"fuyi/internal/apperr"
	"fuyi/internal/auth"
	"fuyi/internal/date"
	"fuyi/internal/web"
)

// listQuery is the case list's filter as the query string gives it (the same parameters on the page, the
// API and the export), and the query string that reproduces it (for the pager and the export links).
func (h *Handler) listQuery(c *fiber.Ctx) (cases.Filter, url.Values, error) {
	p, err := web.PageParams(c)
	if err != nil {
		return cases.Filter{}, nil, err
	}
	f := cases.Filter{Query: strings.TrimSpace(c.Query("q")), Limit: p.PerPage, Offset: p.Offset(), Today: h.Service.Today()}
	keep := url.Values{}
	bad := func(field, msg string) error {
		e := apperr.New(apperr.BadRequest, "request.query", fmt.Sprintf("查询参数 %s 无效：%s", field, msg))
		e.Fields = map[string]string{field: msg}
		return e
	}
	if f.Query != "" {
		if len([]rune(f.Query)) > 100 {
			return f, nil, bad("q", "检索内容不超过100字")
		}
		keep.Set("q", f.Query)
	}
	if s := strings.TrimSpace(c.Query("status")); s != "" {
		for _, x := range strings.Split(s, ",") {
			st := cases.Status(strings.TrimSpace(x))
			if !st.Valid() {
				return f, nil, bad("status", "未知的案件状态："+x)
			}
			f.Status = append(f.Status, st)
		}
		keep.Set("status", s)
	}
	for _, d := range []struct {
		name  string
		label string
		dst   *date.Date
	}{{"received_from", "收到日期（起）", &f.ReceivedFrom}, {"received_to", "收到日期（止）", &f.ReceivedTo}} {
		if s := strings.TrimSpace(c.Query(d.name)); s != "" {
			v, err := date.Parse(s)
			if err != nil {
				return f, nil, bad(d.name, d.label+"格式应为YYYY-MM-DD")
			}
			*d.dst = v
			keep.Set(d.name, s)
		}
	}
	if !f.ReceivedFrom.IsZero() && !f.ReceivedTo.IsZero() && f.ReceivedTo.Before(f.ReceivedFrom) {
		return f, nil, bad("received_to", "收到日期（止）不能早于收到日期（起）")
	}
	ids := []struct {
		name string
		dst  func(int64)
	}{{"respondent", func(n int64) { f.AgencyID = int(n) }}, {"window", func(n int64) { f.Window = int(n) }},
		{"officer", func(n int64) { f.OfficerID = n }}}
	for _, x := range ids {
		if s := strings.TrimSpace(c.Query(x.name)); s != "" {
			n, err := strconv.ParseInt(s, 10, 32)
			if err != nil || n <= 0 {
				return f, nil, bad(x.name, "须为正整数编号")
			}
			x.dst(n)
			keep.Set(x.name, s)
		}
	}
	switch s := c.Query("overdue"); s {
	case "", "0", "false":
	case "1", "true":
		f.Overdue = true
		keep.Set("overdue", "1")
	default:
		return f, nil, bad("overdue", "须为1（只看已逾期）或不填")
	}
	switch s := c.Query("sort"); s {
	case "", cases.SortReceived:
	case cases.SortReceivedAsc, cases.SortDue:
		f.Sort = s
		keep.Set("sort", s)
	default:
		return f, nil, bad("sort", "排序须为 received（收到日期，新在前）、received_asc（收到日期，旧在前）或 due（期限最近在前）")
	}
	f.After = c.Query("after")
	if f.After != "" && c.Query("page") != "" {
		return f, nil, bad("after", "after 与 page 不能同时使用")
	}
	if f.Offset > cases.CountCap {
		return f, nil, bad("page", fmt.Sprintf("按页码最多翻到第%d条，之后请使用“下一页”链接（after）", cases.CountCap))
	}
	return f, keep, nil
}

func (h *Handler) apiList(c *fiber.Ctx) error {
	f, _, err := h.listQuery(c)
	if err != nil {
		return err
	}
	if format := c.Query("format"); format != "" {
		return h.export(c, f, format)
	}
	f.ReviewQueue = c.Query("queue") == "review"
	p, err := h.store().ListPage(c.UserContext(), web.CurrentUser(c), f)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

// pageExport is GET /cases/export: the filtered list as CSV or XLSX (format=csv|xlsx).
func (h *Handler) pageExport(c *fiber.Ctx) error {
	f, _, err := h.listQuery(c)
	if err != nil {
		return err
	}
	return h.export(c, f, c.Query("format", "xlsx"))
}

// ExportCap bounds an export of the case list (rows).
const ExportCap = 50000

// export answers the filtered list (every page, newest first, at most ExportCap rows) as CSV or XLSX.
func (h *Handler) export(c *fiber.Ctx, f cases.Filter, format string) error {
	if format != "csv" && format != "xlsx" {
		e := apperr.New(apperr.BadRequest, "request.query", "查询参数 format 无效：导出格式须为 csv 或 xlsx")
		e.Fields = map[string]string{"format": "导出格式须为 csv 或 xlsx"}
		return e
	}
	rows, err := h.exportRows(c.UserContext(), web.CurrentUser(c), f)
	if err != nil {
		return err
	}
	head := []string{"登记号", "案号", "状态", "收到日期", "申请人", "被申请人", "被申请行政行为", "行政行为文号", "受理窗口", "最近期限", "期限届满日"}
	table := make([][]string, 0, len(rows)+1)
	table = append(table, head)
	for _, it := range rows {
		no, kind := "", ""
		if it.CaseNo != nil {
			no = *it.CaseNo
		}
		if it.NextKind != nil {
			kind = cases.DeadlineLabel(*it.NextKind)
		}
		table = append(table, []string{it.RegistrationNo, no, it.Status.Label(), it.ReceivedOn.String(), it.Applicants,
			it.AgencyName, it.ActTitle, it.ActDocNo, it.WindowCode, kind, it.NextDue.String()})
	}
	name := "案件列表-" + h.Service.Today().String()
	if format == "csv" {
		var b bytes.Buffer
		b.WriteString("\uFEFF") // Excel opens UTF-8 CSV as such only with the byte order mark
		w := csv.NewWriter(&b)
		for _, r := range table {
			for i, v := range r {
				r[i] = csvSafe(v)
			}
		}
		if err := w.WriteAll(table); err != nil {
			return fmt.Errorf("caseweb: csv: %w", err)
		}
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="cases.csv"; filename*=UTF-8''`+url.PathEscape(name+".csv"))
		return c.Send(b.Bytes())
	}
	b, err := xlsxTable(table)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="cases.xlsx"; filename*=UTF-8''`+url.PathEscape(name+".xlsx"))
	return c.Send(b)
}

// csvSafe keeps a spreadsheet from reading a cell as a formula (CSV injection).
func csvSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// exportRows reads every row of the filtered list by keyset pages.
func (h *Handler) exportRows(ctx context.Context, u *auth.User, f cases.Filter) ([]cases.ListItem, error) {
	f.Sort, f.Offset, f.Limit, f.After = cases.SortReceived, 0, 1000, ""
	var out []cases.ListItem
	for len(out) < ExportCap {
		p, err := h.store().ListPage(ctx, u, f)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Items...)
		if p.Next == "" {
			break
		}
		f.After = p.Next
	}
	if len(out) > ExportCap {
		out = out[:ExportCap]
	}
	return out, nil
}

// xlsxTable writes a table as a one-sheet workbook (first row bold, frozen).
func xlsxTable(table [][]string) ([]byte, error) {
	x := excelize.NewFile()
	defer func() { _ = x.Close() }() // in memory: nothing to lose
	sheet := "案件列表"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return nil, fmt.Errorf("caseweb: xlsx: %w", err)
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return nil, fmt.Errorf("caseweb: xlsx: %w", err)
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, fmt.Errorf("caseweb: xlsx: %w", err)
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, fmt.Errorf("caseweb: xlsx: %w", err)
	}
	for i, r := range table {
		cells := make([]any, len(r))
		for j, v := range r {
			if i == 0 {
				cells[j] = excelize.Cell{StyleID: bold, Value: v}
			} else {
				cells[j] = v
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			return nil, fmt.Errorf("caseweb: xlsx: %w", err)
		}
		if err := sw.SetRow(cell, cells); err != nil {
			return nil, fmt.Errorf("caseweb: xlsx: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, fmt.Errorf("caseweb: xlsx: %w", err)
	}
	var b bytes.Buffer
	if err := x.Write(&b); err != nil {
		return nil, fmt.Errorf("caseweb: xlsx: %w", err)
	}
	return b.Bytes(), nil
}
