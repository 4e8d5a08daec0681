// Package date is a calendar date without time of day or zone, as the law counts periods.
package date

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"
)

// Layout is the ISO form used in the API and the database.
const Layout = "2006-01-02"

// Shanghai is the zone in which "today" is decided.
var Shanghai = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

// Date is a day; the zero value means "no date".
type Date struct{ t time.Time }

// New builds a date; out-of-range values normalise like time.Date.
func New(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// Of returns the date of t in its own location.
func Of(t time.Time) Date { return New(t.Year(), t.Month(), t.Day()) }

// Today returns today's date in China.
func Today() Date { return Of(time.Now().In(Shanghai)) }

// Parse reads a strict YYYY-MM-DD date that exists: 2025-02-30, 2025-13-01 and the year 0000 (which
// neither the Gregorian calendar nor PostgreSQL has) are refused.
func Parse(s string) (Date, error) {
	t, err := time.Parse(Layout, s)
	if err != nil || len(s) != len(Layout) || t.Year() < 1 {
		return Date{}, fmt.Errorf("date: parse %q: not a YYYY-MM-DD date", s)
	}
	return Date{t}, nil
}

// MustParse is Parse for literals in tests and fixtures.
func MustParse(s string) Date {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

func (d Date) IsZero() bool          { return d.t.IsZero() }
func (d Date) Time() time.Time       { return d.t }
func (d Date) Year() int             { return d.t.Year() }
func (d Date) Month() time.Month     { return d.t.Month() }
func (d Date) Day() int              { return d.t.Day() }
func (d Date) Weekday() time.Weekday { return d.t.Weekday() }
func (d Date) AddDays(n int) Date    { return Date{d.t.AddDate(0, 0, n)} }
func (d Date) AddMonths(n int) Date  { return Date{d.t.AddDate(0, n, 0)} }
func (d Date) AddYears(n int) Date   { return Date{d.t.AddDate(n, 0, 0)} }
func (d Date) Before(o Date) bool    { return d.t.Before(o.t) }
func (d Date) After(o Date) bool     { return d.t.After(o.t) }
func (d Date) Equal(o Date) bool     { return d.t.Equal(o.t) }
func (d Date) DaysSince(o Date) int  { return int(d.t.Sub(o.t).Hours() / 24) }
func (d Date) IsWeekend() bool       { w := d.t.Weekday(); return w == time.Saturday || w == time.Sunday }
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
}

// String is YYYY-MM-DD, or "" for the zero date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(Layout)
}

// Chinese is the form used in documents: 2025年9月26日.
func (d Date) Chinese() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d年%d月%d日", d.Year(), int(d.Month()), d.Day())
}

// Min returns the earlier of two dates.
func Min(a, b Date) Date {
	if b.Before(a) {
		return b
	}
	return a
}

// Max returns the later of two dates.
func Max(a, b Date) Date {
	if b.After(a) {
		return b
	}
	return a
}

func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	p, err := Parse(s)
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// Scan reads a PostgreSQL date.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
	case time.Time:
		*d = New(v.Year(), v.Month(), v.Day())
	case []byte:
		p, err := Parse(string(v))
		if err != nil {
			return err
		}
		*d = p
	case string:
		p, err := Parse(v)
		if err != nil {
			return err
		}
		*d = p
	default:
		return fmt.Errorf("date: cannot scan %T", src)
	}
	return nil
}

// Value writes a PostgreSQL date (NULL for the zero date).
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Min2 returns the earlier non-zero date (zero when both are zero).
func Min2(a, b Date) Date {
	switch {
	case a.IsZero():
		return b
	case b.IsZero():
		return a
	}
	return Min(a, b)
}

// Ptr returns nil for the zero date, else a pointer to d (for optional JSON fields).
func (d Date) Ptr() *Date {
	if d.IsZero() {
		return nil
	}
	return &d
}
