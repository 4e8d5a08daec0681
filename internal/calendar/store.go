package calendar

import (
	"context"
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
