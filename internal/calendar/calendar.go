// Package calendar counts working days the way the 行政复议法 does: Monday to Friday, minus statutory
// holidays, plus the 调休 weekend days that the State Council declares working days. It refuses to count
// into a year whose calendar has not been entered, rather than guess.
package calendar

import (
	"fmt"
	"strings"

	"fuyi/internal/apperr"
	"fuyi/internal/date"
)

// Kind of a calendar exception day.
type Kind string

const (
	Holiday Kind = "holiday" // a statutory holiday (法定休假日)
	Workday Kind = "workday" // a weekend day declared a working day (调休上班)
)

// Day is one exception in the calendar.
type Day struct {
	Date date.Date `db:"day" json:"date"`
	Kind Kind      `db:"kind" json:"kind"`
	Name string    `db:"name" json:"name"`
}

// Calendar is an immutable snapshot of the holiday table.
type Calendar struct {
	days  map[date.Date]Day
	years map[int]bool
}

// New builds a calendar from exception days and the years whose calendar is complete.
func New(days []Day, years []int) *Calendar {
	c := &Calendar{days: make(map[date.Date]Day, len(days)), years: make(map[int]bool, len(years))}
	for _, d := range days {
		c.days[d.Date] = d
	}
	for _, y := range years {
		c.years[y] = true
	}
	return c
}

// Years lists the years the calendar covers.
func (c *Calendar) Covers(year int) bool { return c.years[year] }

// NoCalendarError is returned when a computation reaches a year without a calendar.
func NoCalendarError(year int) *apperr.Error {
	return apperr.Newf(apperr.Invalid, "calendar.year_missing",
		"%d年的节假日和调休安排尚未录入，无法计算工作日期限，也无法判断期限末日是否为法定休假日；请司法局在“节假日日历”中录入%d年安排后，系统将自动计算", year, year)
}

// IsWorkday reports whether d is a working day.
func (c *Calendar) IsWorkday(d date.Date) (bool, error) {
	if !c.years[d.Year()] {
		return false, NoCalendarError(d.Year())
	}
	if x, ok := c.days[d]; ok {
		return x.Kind == Workday, nil
	}
	return !d.IsWeekend(), nil
}

// HolidayName is the name of the statutory holiday on d (e.g. 国庆节), or "" when d is not a holiday.
func (c *Calendar) HolidayName(d date.Date) string {
	if x, ok := c.days[d]; ok && x.Kind == Holiday {
		return x.Name
	}
	return ""
}

// Result is a computed date with what happened on the way, for the basis text (worded by the features that
// know which law applies, e.g. cases/deadline_wording.go).
type Result struct {
	Date date.Date
	// Skipped names the holidays that pushed the date later (e.g. 国庆节、中秋节), in order, without repeats.
	Skipped []string
	// Rolled is true when a natural-day period ended on a non-working day and was moved forward.
	Rolled bool
}

func (r *Result) skip(c *Calendar, d date.Date) {
	x, ok := c.days[d]
	if !ok || x.Kind != Holiday {
		return
	}
	for _, part := range strings.Split(x.Name, "、") {
		seen := false
		for _, s := range r.Skipped {
			if s == part {
				seen = true
			}
		}
		if !seen {
			r.Skipped = append(r.Skipped, part)
		}
	}
}

// AddWorkdays returns the n-th working day after from ([H] DOMAIN §1; 复议法第88条: 三日、五日、七日、十日
// are working days). n must be positive.
func (c *Calendar) AddWorkdays(from date.Date, n int) (Result, error) {
	if n <= 0 {
		return Result{}, fmt.Errorf("calendar: add %d working days: n must be positive", n)
	}
	var r Result
	d := from
	for n > 0 {
		d = d.AddDays(1)
		ok, err := c.IsWorkday(d)
		if err != nil {
			return Result{}, err
		}
		if ok {
			n--
		} else {
			r.skip(c, d)
		}
	}
	r.Date = d
	return r, nil
}

// NextWorkdayOnOrAfter returns d if it is a working day, else the first working day after it.
func (c *Calendar) NextWorkdayOnOrAfter(d date.Date) (Result, error) {
	var r Result
	for {
		ok, err := c.IsWorkday(d)
		if err != nil {
			return Result{}, err
		}
		if ok {
			r.Date = d
			return r, nil
		}
		r.Rolled = true
		r.skip(c, d)
		d = d.AddDays(1)
	}
}

// AddNaturalDays returns from + n days, moved to the next working day when that day is a weekend or holiday
// (民事诉讼法第85条 applied to 行政复议 periods; [H] DOMAIN §1).
func (c *Calendar) AddNaturalDays(from date.Date, n int) (Result, error) {
	return c.NextWorkdayOnOrAfter(from.AddDays(n))
}

// WorkdaysBefore returns the n-th working day before d (used for "approaching" alerts).
func (c *Calendar) WorkdaysBefore(d date.Date, n int) (date.Date, error) {
	for n > 0 {
		d = d.AddDays(-1)
		ok, err := c.IsWorkday(d)
		if err != nil {
			return date.Date{}, err
		}
		if ok {
			n--
		}
	}
	return d, nil
}
