// Package notices raises deadline alerts on a schedule, keeps each user's inbox and delivers e-mails and
// webhooks through an outbox, so that no statutory deadline is missed.
package notices

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/calendar"
	"fuyi/internal/database"
	"fuyi/internal/date"
)

// Levels of a deadline alert.
const (
	Approaching = "approaching" // within the next ApproachingWorkdays working days
	Due         = "due"         // the due day
	Overdue     = "overdue"     // after the due day
)

var levelLabels = map[string]string{Approaching: "即将届满", Due: "今日届满", Overdue: "已逾期"}

// LevelLabel names a level in Chinese.
func LevelLabel(l string) string { return levelLabels[l] }

// Level is the alert level of a deadline due on due, seen on today, where windowEnd is the last due date that
// counts as approaching. "" means no alert yet.
func Level(today, due, windowEnd date.Date) string {
	switch {
	case due.Before(today):
		return Overdue
	case due.Equal(today):
		return Due
	case !due.After(windowEnd):
		return Approaching
	}
	return ""
}

// WindowEnd is the last due date that is "approaching" on today: the n-th working day after today. When the
// calendar of that year is missing it errs on the side of alerting early (n + 4 natural days).
func WindowEnd(cal *calendar.Calendar, today date.Date, n int) date.Date {
	if n <= 0 {
		return today
	}
	if r, err := cal.AddWorkdays(today, n); err == nil {
		return r.Date
	}
	return today.AddDays(n + 4)
}

// alertsLock serialises alert runs across server processes (plus the unique constraint notices_once).
const alertsLock = 0x616c7274 // "alrt"

// Config of the alert run.
type Config struct {
	ApproachingWorkdays int // default 3
}

// Result of one run.
type Result struct {
	Date     date.Date
	Created  int // deadline notices
	Lapsed   int // review-lapsed notices (视为受理)
	Calendar int // calendar-missing notices
	Digests  int
}

// Total is every notice created.
func (r Result) Total() int { return r.Created + r.Lapsed + r.Calendar + r.Digests }

// The set-based insert of deadline notices: every open deadline in the window whose level on $1 is higher
// than what it was already alerted at, for every person who must know. ON CONFLICT makes reruns harmless.
// The job runs for every organ at once: "every chief", "the bureau" are those of the deadline's organ.
const insertDeadlineNotices = `WITH scan AS MATERIALIZED (
	SELECT d.id, d.organ_id, d.kind, d.due_on, d.case_id, d.lawsuit_id, d.alerted,
		CASE WHEN d.due_on < $1 THEN 'overdue' WHEN d.due_on = $1 THEN 'due' ELSE 'approaching' END AS level
	FROM deadlines d
	WHERE d.status = 'open' AND d.alerted IS DISTINCT FROM 'overdue' AND d.due_on <= $2
), todo AS MATERIALIZED (
	SELECT s.id, s.organ_id, s.kind, s.due_on, s.case_id, s.lawsuit_id, s.level FROM scan s
	WHERE s.alerted IS NULL OR (s.alerted = 'approaching' AND s.level IN ('due', 'overdue')) OR (s.alerted = 'due' AND s.level = 'overdue')
), recipients AS (
	-- the case team
	SELECT t.id, x.user_id FROM todo t JOIN case_assignments x ON x.case_id = t.case_id AND x.removed_at IS NULL
	UNION
	-- every chief
	SELECT t.id, u.id FROM todo t JOIN users u ON u.organ_id = t.organ_id WHERE u.role = 'chief' AND u.active AND t.case_id IS NOT NULL
	UNION
	-- window staff for the review and correction deadlines of their registrations
	SELECT t.id, u.id FROM todo t JOIN cases c ON c.id = t.case_id JOIN users u ON u.window_id = c.window_id AND u.active
	WHERE t.kind IN ('review', 'correction')
	UNION
	-- lawsuits: the handler, who registered it, and the bureau
	SELECT t.id, l.handler_id FROM todo t JOIN lawsuits l ON l.id = t.lawsuit_id WHERE l.handler_id IS NOT NULL
	UNION
	SELECT t.id, l.registered_by FROM todo t JOIN lawsuits l ON l.id = t.lawsuit_id
	UNION
	SELECT t.id, u.id FROM todo t JOIN users u ON u.organ_id = t.organ_id WHERE u.role = 'bureau' AND u.active AND t.lawsuit_id IS NOT NULL
), inserted AS (
	INSERT INTO notices (user_id, kind, dedupe_key, level, deadline_id, deadline_kind, due_on, case_id, lawsuit_id, title)
	SELECT r.user_id, 'deadline', 'deadline:' || t.id || ':' || t.due_on || ':' || t.level, t.level, t.id, t.kind, t.due_on,
		t.case_id, t.lawsuit_id, coalesce(c.case_no, c.registration_no, l.court_case_no)
	FROM todo t JOIN recipients r ON r.id = t.id
	LEFT JOIN cases c ON c.id = t.case_id LEFT JOIN lawsuits l ON l.id = t.lawsuit_id
	ON CONFLICT (user_id, dedupe_key) DO NOTHING
	RETURNING id
), marked AS (
	UPDATE deadlines d SET alerted = t.level FROM todo t WHERE d.id = t.id
	RETURNING d.id
)
SELECT (SELECT count(*) FROM inserted) AS created, (SELECT count(*) FROM marked) AS marked`

// Reviews that lapsed without a decision count as accepted (复议法第30条第3款): flag them to the chief and
// the window that registered them.
const insertLapsedNotices = `INSERT INTO notices (user_id, kind, dedupe_key, deadline_id, deadline_kind, due_on, case_id, title)
SELECT u.id, 'review_lapsed', 'lapsed:' || d.id || ':' || d.due_on, d.id, 'review', d.due_on, c.id, c.registration_no
FROM deadlines d JOIN cases c ON c.id = d.case_id
JOIN users u ON u.active AND u.organ_id = c.organ_id AND (u.role = 'chief' OR u.window_id = c.window_id)
WHERE d.kind = 'review' AND d.status = 'open' AND d.due_on < $1 AND c.status IN ('registered', 'correction')
ON CONFLICT (user_id, dedupe_key) DO NOTHING`

// Deadlines that cannot be computed for want of next year's calendar: tell the bureau once a day.
const insertCalendarNotices = `INSERT INTO notices (user_id, kind, dedupe_key, title)
SELECT u.id, 'calendar_missing', 'calendar:' || $1::date, count(*) || '项期限因节假日安排未录入而无法计算'
FROM deadlines d JOIN users u ON u.organ_id = d.organ_id WHERE d.status = 'pending' AND u.role = 'bureau' AND u.active
GROUP BY u.id HAVING count(*) > 0
ON CONFLICT (user_id, dedupe_key) DO NOTHING`

// Daily digest for chiefs and the bureau, of their organ's deadlines.
const insertDigests = `WITH counts AS (
	SELECT organ_id, count(*) FILTER (WHERE due_on < $1) AS overdue, count(*) FILTER (WHERE due_on = $1) AS due,
		count(*) FILTER (WHERE due_on > $1 AND due_on <= $2) AS approaching
	FROM deadlines WHERE status = 'open' AND due_on <= $2 GROUP BY organ_id
)
INSERT INTO notices (user_id, kind, dedupe_key, title)
SELECT u.id, 'digest', 'digest:' || $1::date, format('每日期限提示：已逾期%s项，今日届满%s项，即将届满%s项',
	coalesce(c.overdue, 0), coalesce(c.due, 0), coalesce(c.approaching, 0))
FROM users u LEFT JOIN counts c ON c.organ_id = u.organ_id WHERE u.role IN ('chief', 'bureau') AND u.active
ON CONFLICT (user_id, dedupe_key) DO NOTHING`

// Run raises the alerts of one day. Any number of runs, in any number of processes, create each
// (deadline, due date, level, person) notice once: an advisory lock serialises runs and the unique
// constraint notices_once makes reruns harmless.
func Run(ctx context.Context, db *sqlx.DB, cal *calendar.Calendar, today date.Date, cfg Config, out *Outbox) (Result, error) {
	if cfg.ApproachingWorkdays == 0 {
		cfg.ApproachingWorkdays = 3
	}
	res := Result{Date: today}
	windowEnd := WindowEnd(cal, today, cfg.ApproachingWorkdays)
	err := database.Tx(ctx, db, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, lockAlerts, alertsLock); err != nil {
			return err
		}
		var jobID int64
		if err := tx.GetContext(ctx, &jobID, `INSERT INTO job_runs (job, run_date) VALUES ('alerts', $1) RETURNING id`, today); err != nil {
			return err
		}
		var counts struct {
			Created int `db:"created"`
			Marked  int `db:"marked"`
		}
		if err := tx.GetContext(ctx, &counts, insertDeadlineNotices, today, windowEnd); err != nil {
			return fmt.Errorf("notices: deadline alerts: %w", err)
		}
		res.Created = counts.Created
		exec := func(q string, args ...any) (int, error) {
			r, err := tx.ExecContext(ctx, q, args...)
			if err != nil {
				return 0, err
			}
			n, _ := r.RowsAffected()
			return int(n), nil
		}
		var err error
		if res.Lapsed, err = exec(insertLapsedNotices, today); err != nil {
			return fmt.Errorf("notices: lapsed reviews: %w", err)
		}
		if res.Calendar, err = exec(insertCalendarNotices, today); err != nil {
			return fmt.Errorf("notices: calendar: %w", err)
		}
		if res.Digests, err = exec(insertDigests, today, windowEnd); err != nil {
			return fmt.Errorf("notices: digests: %w", err)
		}
		if out != nil {
			if err := out.Enqueue(ctx, tx, today); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, finishJobRun, jobID, res.Total())
		return err
	})
	return res, err
}

// Runner runs the alert job with the current calendar and logs the result.
type Runner struct {
	DB       *sqlx.DB
	Calendar *calendar.Provider
	Config   Config
	Outbox   *Outbox
	Log      *slog.Logger
	Today    func() date.Date
}

// RunOn runs the job as of a date.
func (r *Runner) RunOn(ctx context.Context, d date.Date) (Result, error) {
	cal, err := r.Calendar.Get(ctx)
	if err != nil {
		return Result{}, err
	}
	start := time.Now()
	res, err := Run(ctx, r.DB, cal, d, r.Config, r.Outbox)
	if err != nil {
		r.Log.Error("alerts failed", "date", d.String(), "error", err.Error())
		return res, err
	}
	r.Log.Info("alerts", "date", d.String(), "deadline_notices", res.Created, "lapsed", res.Lapsed, "digests", res.Digests,
		"duration_ms", time.Since(start).Milliseconds())
	return res, nil
}

// Statements of the alert run.
const (
	lockAlerts   = `SELECT pg_advisory_xact_lock($1)`
	finishJobRun = `UPDATE job_runs SET finished_at = now(), created = $2 WHERE id = $1`
)
