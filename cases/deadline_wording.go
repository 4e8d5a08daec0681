package cases

import (
	"fmt"
	"strings"

	"fuyi/internal/calendar"
	"fuyi/internal/date"
)

// How the 期间 rules of the 民事诉讼法 reach a period: 复议法第88条第1款 for 行政复议 periods, 行政诉讼法第101条
// for periods of the lawsuit (起诉, 答辩, 上诉).
const (
	viaReconsideration = "依复议法第88条第1款适用"
	viaLitigation      = "依行政诉讼法第101条适用"
)

var weekdayNames = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

func weekdayName(d date.Date) string { return weekdayNames[d.Weekday()] }

// workdays is the basis suffix of a working-day period. 复议法第88条第2款: the 三日、五日、七日、十日 of the law
// are working days, 不含法定休假日 — holidays inside the period are simply not counted (nothing is 顺延, which is
// the end rule of natural-day periods).
func workdays(r calendar.Result) string {
	if len(r.Skipped) == 0 {
		return "，不含法定休假日"
	}
	return "，不含法定休假日（其间" + strings.Join(r.Skipped, "、") + "假期不计入）"
}

// naturalEnd ends a natural-day period whose last day is last. 民事诉讼法第85条第3款 (applied through via):
// "期间届满的最后一日是法定休假日的，以法定休假日后的第一日为期间届满的日期" — a last day that is a statutory
// holiday or a weekend (but not a 调休 working day) moves to the first working day after it. The suffix
// names the rest day and the rule; it is empty when the period ends on its last day.
func naturalEnd(cal *calendar.Calendar, last date.Date, via string) (date.Date, string, error) {
	r, err := cal.NextWorkdayOnOrAfter(last)
	if err != nil {
		return date.Date{}, "", err
	}
	if !r.Rolled {
		return r.Date, "", nil
	}
	what := weekdayName(last)
	if name := cal.HolidayName(last); name != "" {
		what = name
	}
	return r.Date, fmt.Sprintf("；期限末日%s（%s）为法定休假日，以其后第一个工作日%s为期限届满日（民事诉讼法第85条第3款，%s）",
		last, what, r.Date, via), nil
}

// adjustedWorkday names a due date that falls on a weekend declared a working day (调休上班日), so that nobody
// takes it for a rest day: "；届满日2026-02-28（星期六，调休上班日）".
func adjustedWorkday(cal *calendar.Calendar, d date.Date) string {
	if d.IsZero() || !d.IsWeekend() {
		return ""
	}
	if ok, err := cal.IsWorkday(d); err != nil || !ok {
		return ""
	}
	return fmt.Sprintf("；届满日%s（%s，调休上班日）", d, weekdayName(d))
}

// acceptance words the start of the periods counted from 受理. 复议法第30条第3款: when the review period lapses
// without a 不予受理 decision the application is 视为受理 from the end of the review period — the basis says so.
func acceptance(f Facts) (words, article string) {
	if f.DeemedAccepted {
		return f.AcceptedOn.String() + "视为受理", "第30条第3款、"
	}
	return f.AcceptedOn.String() + "受理", ""
}

// postedNote explains a duty met by post (民事诉讼法第85条第4款, applied by via): "期间不包括在途时间，诉讼文书在
// 期满前交邮的，不算过期".
func postedNote(what string, posted, received date.Date, via string) string {
	return fmt.Sprintf("；%s于%s交邮（邮戳日期），%s收到，期满前交邮的不算过期（民事诉讼法第85条第4款，%s）", what, posted, received, via)
}
