package calendar

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/apperr"
	"fuyi/internal/database"
	"fuyi/internal/date"
)

// Year is the holiday and 调休 calendar of one year as the bureau edits it.
type Year struct {
	Year     int    `json:"year" db:"year"`
	Complete bool   `json:"complete" db:"complete"`
	Source   string `json:"source" db:"source"`
	Days     []Day  `json:"days" db:"-"`
}

// Recomputer recomputes the deadlines that wait for the calendar, or may have changed with it, after the
// bureau saved a year (cases and lawsuits provide one each); it returns how many records it recomputed.
type Recomputer interface {
	RecomputeWaiting(ctx context.Context, cal *Calendar, actorID int64) (int, error)
}

// Admin is the bureau's administration of the calendar.
type Admin struct {
	DB          *sqlx.DB
	Provider    *Provider
	Recomputers []Recomputer
}

// NewAdmin builds the administration; recomputers come from the features with deadlines.
func NewAdmin(db *sqlx.DB, p *Provider, recomputers ...Recomputer) *Admin {
	return &Admin{DB: db, Provider: p, Recomputers: recomputers}
}

// Year loads the calendar of a year as entered (empty when nothing was entered).
func (a *Admin) Year(ctx context.Context, y int) (*Year, error) {
	return LoadYear(ctx, a.DB, y)
}

// Overview counts the deadlines waiting for a calendar and lists the complete years.
func (a *Admin) Overview(ctx context.Context) (pending int, years []int, err error) {
	if pending, err = PendingDeadlines(ctx, a.DB); err != nil {
		return 0, nil, err
	}
	years, err = CompleteYears(ctx, a.DB)
	return pending, years, err
}

// SaveYear replaces the exceptions of a year (from the 国务院办公厅 notice), marks whether the year is
// complete, and recomputes every deadline that was waiting for it. Years already in use keep working: the
// recomputation updates due dates and the audit trail records the change on each case.
func (a *Admin) SaveYear(ctx context.Context, actorID int64, y int, csv string, complete bool, source string) (int, error) {
	days, err := ParseCSV(strings.NewReader(csv))
	if err != nil {
		return 0, &apperr.Error{Kind: apperr.Invalid, Code: "calendar.csv", Message: "节假日安排格式有误：" + err.Error(), Fields: map[string]string{"days": err.Error()}}
	}
	for _, d := range days {
		if d.Date.Year() != y {
			return 0, &apperr.Error{Kind: apperr.Invalid, Code: "calendar.year", Message: fmt.Sprintf("%s不属于%d年", d.Date, y), Fields: map[string]string{"days": "日期须在本年度内"}}
		}
	}
	if complete && len(days) == 0 {
		return 0, &apperr.Error{Kind: apperr.Invalid, Code: "calendar.empty", Message: "尚未录入任何放假或调休日期，不能标记为已完成", Fields: map[string]string{"days": "请录入节假日安排"}}
	}
	err = database.Tx(ctx, a.DB, func(tx *sqlx.Tx) error {
		return SaveYear(ctx, tx, y, days, complete, strings.TrimSpace(source))
	})
	if err != nil {
		return 0, err
	}
	a.Provider.Invalidate()
	cal, err := a.Provider.Get(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range a.Recomputers {
		k, err := r.RecomputeWaiting(ctx, cal, actorID)
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Loss is what saving a year's days would destroy: entered days missing from the new list, and whether a
// complete year would become incomplete (its deadlines then wait, "pending", until it is completed again).
type Loss struct {
	Removed    []Day
	Incomplete bool
}

// Empty reports whether nothing would be lost.
func (l Loss) Empty() bool { return len(l.Removed) == 0 && !l.Incomplete }

// LossOf compares the year as saved with a replacement (csv in the format of ParseCSV; an unreadable csv
// loses nothing here — SaveYear refuses it).
func LossOf(cur *Year, csv string, complete bool) Loss {
	days, err := ParseCSV(strings.NewReader(csv))
	if err != nil {
		return Loss{}
	}
	keep := map[date.Date]bool{}
	for _, d := range days {
		keep[d.Date] = true
	}
	var l Loss
	for _, d := range cur.Days {
		if !keep[d.Date] {
			l.Removed = append(l.Removed, d)
		}
	}
	l.Incomplete = cur.Complete && !complete
	return l
}

// Change is a deadline whose due date a calendar would change (for the editor's preview).
type Change struct {
	Record   string // the case (案号 or 登记号)
	Deadline string // the deadline's name
	Before   string // the due date now, or its state (待定)
	After    string
}

// Previewer is a Recomputer that can also tell, changing nothing, what a calendar would change: it reads at
// most limit records (more reports that there were others).
type Previewer interface {
	PreviewWaiting(ctx context.Context, cal *Calendar, limit int) (checked int, changes []Change, more bool, err error)
}

// Effect is what saving a calendar would change among the deadlines the save recomputes.
type Effect struct {
	Checked int
	Changes []Change
	More    bool
}

// PreviewEffect asks every recomputer that can preview what cal would change (nothing is saved).
func (a *Admin) PreviewEffect(ctx context.Context, cal *Calendar, limit int) (Effect, error) {
	var e Effect
	for _, r := range a.Recomputers {
		p, ok := r.(Previewer)
		if !ok {
			continue
		}
		n, ch, more, err := p.PreviewWaiting(ctx, cal, limit)
		if err != nil {
			return e, err
		}
		e.Checked += n
		e.Changes = append(e.Changes, ch...)
		e.More = e.More || more
	}
	return e, nil
}
