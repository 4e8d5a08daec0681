// Package reports computes the monthly (and quarterly, yearly, year-to-date) statistics of DOMAIN.md §8 in
// the official layout, publishes frozen snapshots, and renders them as JSON, HTML with SVG charts, PDF,
// XLSX and CSV. It reads with its own SQL; the rules it shares (败诉, the lawsuit rates) come from cases.
package reports

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"fuyi/internal/apperr"
	"fuyi/internal/date"
)

// Period is a reporting period, counted by event dates (received, accepted, concluded, judged).
type Period struct {
	Code  string    `json:"code"`
	From  date.Date `json:"from"`
	To    date.Date `json:"to"`
	Label string    `json:"label"`
}

var (
	monthRe   = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
	quarterRe = regexp.MustCompile(`^(\d{4})-[Qq]([1-4])$`)
	yearRe    = regexp.MustCompile(`^(\d{4})$`)
	ytdRe     = regexp.MustCompile(`^(\d{4})-ytd-(\d{2})$`)
)

var errPeriod = apperr.New(apperr.BadRequest, "report.period", "统计期间格式应为 YYYY-MM（月）、YYYY-Qn（季度）、YYYY（年）或 YYYY-ytd-MM（年初至某月）")

// ParsePeriod reads 2025-10, 2025-Q3, 2025 or 2025-ytd-10.
func ParsePeriod(s string) (Period, error) {
	atoi := func(x string) int { n, _ := strconv.Atoi(x); return n }
	var p Period
	switch {
	case monthRe.MatchString(s):
		m := monthRe.FindStringSubmatch(s)
		y, mo := atoi(m[1]), atoi(m[2])
		if mo < 1 || mo > 12 {
			return p, errPeriod
		}
		p.From = date.New(y, time.Month(mo), 1)
		p.To = p.From.AddMonths(1).AddDays(-1)
		p.Label = fmt.Sprintf("%d年%d月", y, mo)
	case quarterRe.MatchString(s):
		m := quarterRe.FindStringSubmatch(s)
		y, q := atoi(m[1]), atoi(m[2])
		p.From = date.New(y, 1, 1).AddMonths(3 * (q - 1))
		p.To = p.From.AddMonths(3).AddDays(-1)
		p.Label = fmt.Sprintf("%d年第%d季度", y, q)
	case yearRe.MatchString(s):
		y := atoi(s)
		p.From, p.To = date.New(y, 1, 1), date.New(y, 12, 31)
		p.Label = fmt.Sprintf("%d年", y)
	case ytdRe.MatchString(s):
		m := ytdRe.FindStringSubmatch(s)
		y, mo := atoi(m[1]), atoi(m[2])
		if mo < 1 || mo > 12 {
			return p, errPeriod
		}
		p.From = date.New(y, 1, 1)
		p.To = p.From.AddMonths(mo).AddDays(-1)
		p.Label = fmt.Sprintf("%d年1—%d月", y, mo)
	default:
		return p, errPeriod
	}
	if p.From.Year() < 2000 || p.From.Year() > 2100 {
		return p, errPeriod
	}
	p.Code = s
	return p, nil
}

// PreviousYear is the same period one year earlier (同比).
func (p Period) PreviousYear() Period {
	q := Period{From: p.From.AddYears(-1), To: p.To.AddYears(-1), Label: "上年同期"}
	// keep month ends (e.g. February)
	if p.To.AddDays(1).Day() == 1 {
		q.To = p.To.AddDays(1).AddYears(-1).AddDays(-1)
	}
	return q
}
