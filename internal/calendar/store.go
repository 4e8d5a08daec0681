package calendar

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
)

const queryDays = `SELECT day, kind, name FROM calendar_days ORDER BY day`
const queryYears = `SELECT year FROM calendar_years WHERE complete ORDER BY year`
const queryVersion = `SELECT version FROM calendar_state WHERE id = 1`

// Load reads the calendar from the database.
func Load(ctx context.Context, db sqlx.QueryerContext) (*Calendar, error) {
	var days []Day
	if err := sqlx.SelectContext(ctx, db, &days, queryDays); err != nil {
		return nil, fmt.Errorf("calendar: load days: %w", err)
	}
	var years []int
	if err := sqlx.SelectContext(ctx, db, &years, queryYears); err != nil {
		return nil, fmt.Errorf("calendar: load years: %w", err)
	}
	return New(days, years), nil
}

// Provider hands out the current calendar, reloading it only when its version in the database changes, so
// an edit made by any server process is seen by all of them at their next computation.
type Provider struct {
	db      *sqlx.DB
	mu      sync.Mutex
	version int64
	cal     *Calendar
	checked time.Time
}

// recheck is how long a checked calendar is trusted without asking the database for its version again: an
// edit made by another server process is seen within this time (an edit in this process at once).
const recheck = time.Second

func NewProvider(db *sqlx.DB) *Provider { return &Provider{db: db, version: -1} }

// Invalidate forgets the cached calendar (after an edit in this process).
func (p *Provider) Invalidate() {
	p.mu.Lock()
	p.cal = nil
	p.mu.Unlock()
}

// Get returns the current calendar.
func (p *Provider) Get(ctx context.Context) (*Calendar, error) {
	p.mu.Lock()
	if p.cal != nil && time.Since(p.checked) < recheck {
		cal := p.cal
		p.mu.Unlock()
		return cal, nil
	}
	p.mu.Unlock()
	var v int64
	if err := p.db.GetContext(ctx, &v, queryVersion); err != nil {
		return nil, fmt.Errorf("calendar: version: %w", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cal != nil && v == p.version {
		p.checked = time.Now()
		return p.cal, nil
	}
	cal, err := Load(ctx, p.db)
	if err != nil {
		return nil, err
	}
	p.cal, p.version, p.checked = cal, v, time.Now()
	return cal, nil
}

const queryYear = `SELECT year, complete, source FROM calendar_years WHERE year = $1`

const queryYearDays = `SELECT day, kind, name FROM calendar_days WHERE extract(year FROM day) = $1 ORDER BY day`

// LoadYear reads the calendar of one year as entered; a year never entered is empty and incomplete.
func LoadYear(ctx context.Context, db sqlx.QueryerContext, y int) (*Year, error) {
	cy := &Year{Year: y, Days: []Day{}}
	err := sqlx.GetContext(ctx, db, cy, queryYear, y)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("calendar: year %d: %w", y, err)
	}
	cy.Year = y
	if err := sqlx.SelectContext(ctx, db, &cy.Days, queryYearDays, y); err != nil {
		return nil, fmt.Errorf("calendar: days of %d: %w", y, err)
	}
	return cy, nil
}

const deleteYearDays = `DELETE FROM calendar_days WHERE extract(year FROM day) = $1`

const insertDay = `INSERT INTO calendar_days (day, kind, name) VALUES ($1, $2, $3)`

const upsertYear = `INSERT INTO calendar_years (year, complete, source, updated_at) VALUES ($1, $2, $3, now())
ON CONFLICT (year) DO UPDATE SET complete = EXCLUDED.complete, source = EXCLUDED.source, updated_at = now()`

// SaveYear replaces the exception days of a year and its completeness inside the caller's transaction.
func SaveYear(ctx context.Context, tx sqlx.ExecerContext, y int, days []Day, complete bool, source string) error {
	if _, err := tx.ExecContext(ctx, deleteYearDays, y); err != nil {
		return fmt.Errorf("calendar: clear %d: %w", y, err)
	}
	for _, d := range days {
		if _, err := tx.ExecContext(ctx, insertDay, d.Date, d.Kind, d.Name); err != nil {
			return fmt.Errorf("calendar: day %s: %w", d.Date, err)
		}
	}
	if _, err := tx.ExecContext(ctx, upsertYear, y, complete, source); err != nil {
		return fmt.Errorf("calendar: year %d: %w", y, err)
	}
	return nil
}

const queryPending = `SELECT count(*) FROM deadlines WHERE status = 'pending'`

// PendingDeadlines counts the deadlines waiting for a calendar.
func PendingDeadlines(ctx context.Context, db sqlx.QueryerContext) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, db, &n, queryPending); err != nil {
		return 0, fmt.Errorf("calendar: pending deadlines: %w", err)
	}
	return n, nil
}

// CompleteYears lists the years whose calendar is complete.
func CompleteYears(ctx context.Context, db sqlx.QueryerContext) ([]int, error) {
	var years []int
	if err := sqlx.SelectContext(ctx, db, &years, queryYears); err != nil {
		return nil, fmt.Errorf("calendar: years: %w", err)
	}
	return years, nil
}
