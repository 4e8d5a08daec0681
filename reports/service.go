package reports

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"fuyi/cases"
	"fuyi/internal/apperr"
	"fuyi/internal/auth"
	"fuyi/internal/database"
	"fuyi/internal/date"
	"fuyi/notices"
)

// Service publishes the statistics of a period and drafts last month's report.
type Service struct {
	DB    *sqlx.DB
	Today func() date.Date
}

// Version is a published version of a period's statistics.
type Version struct {
	Version int    `db:"version" json:"version"`
	Reason  string `db:"reason" json:"reason"`
	By      string `db:"by" json:"published_by"`
	At      string `db:"at" json:"published_at"`
}

const queryVersions = `SELECT p.version, p.reason, u.name AS by, to_char(p.published_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') AS at
FROM report_publications p JOIN users u ON u.id = p.published_by WHERE p.period = $1 ORDER BY p.version DESC`

// Versions lists the published versions of a period, the newest first.
func (s *Service) Versions(ctx context.Context, period string) ([]Version, error) {
	var vs []Version
	if err := s.DB.SelectContext(ctx, &vs, queryVersions, period); err != nil {
		return nil, fmt.Errorf("reports: versions: %w", err)
	}
	return vs, nil
}

const querySnapshot = `SELECT snapshot FROM report_publications WHERE period = $1 AND ($2 = 0 OR version = $2)
ORDER BY version DESC LIMIT 1`

// Published loads a published report (version 0: the newest), or ErrNoStatistics.
func (s *Service) Published(ctx context.Context, period string, version int) (*Report, error) {
	var snap []byte
	err := s.DB.GetContext(ctx, &snap, querySnapshot, period, version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoStatistics
	}
	if err != nil {
		return nil, fmt.Errorf("reports: snapshot: %w", err)
	}
	var r Report
	if err := json.Unmarshal(snap, &r); err != nil {
		return nil, fmt.Errorf("reports: snapshot: %w", err)
	}
	return &r, nil
}

// Organ is the name of the reconsideration organ (the title of the PDF).
func (s *Service) Organ(ctx context.Context) (string, error) {
	o, err := cases.NewStore(s.DB).Organ(ctx)
	return o.Name, err
}

const insertPublication = `INSERT INTO report_publications (period, version, snapshot, reason, published_by)
VALUES ($1, (SELECT coalesce(max(version), 0) + 1 FROM report_publications WHERE period = $1), $2, $3, $4) RETURNING version`

// Publish freezes the figures of a period as a new version (a republication needs a reason).
func (s *Service) Publish(ctx context.Context, u *auth.User, code, reason string) (int, error) {
	p, err := ParsePeriod(code)
	if err != nil {
		return 0, err
	}
	if !p.To.Before(s.Today()) {
		return 0, apperr.State("report.period_open", "统计期间%s尚未结束，结束后才能发布", p.Label)
	}
	r, err := Compute(ctx, s.DB, p, true)
	if err != nil {
		return 0, err
	}
	snap, err := json.Marshal(r)
	if err != nil {
		return 0, fmt.Errorf("reports: snapshot: %w", err)
	}
	var version int
	err = s.DB.GetContext(ctx, &version, insertPublication, p.Code, json.RawMessage(snap), strings.TrimSpace(reason), u.ID)
	if name, _ := database.Constraint(err); name == "report_publications_check" {
		return 0, &apperr.Error{Kind: apperr.Invalid, Code: "report.reason", Message: "重新发布须说明理由（原版本仍可查看）", Fields: map[string]string{"reason": "重新发布须说明理由"}}
	}
	if err != nil {
		return 0, fmt.Errorf("reports: publish: %w", err)
	}
	return version, nil
}

const upsertDraft = `INSERT INTO report_drafts (period, snapshot) VALUES ($1, $2)
ON CONFLICT (organ_id, period) DO UPDATE SET snapshot = EXCLUDED.snapshot, created_at = now()`

const insertDraftNotices = `INSERT INTO notices (user_id, kind, dedupe_key, title)
SELECT id, 'report_draft', 'report:' || $1, $2 FROM users WHERE role = 'bureau' AND active
ON CONFLICT (user_id, dedupe_key) DO NOTHING`

// DraftLastMonth computes last month's report on the 1st, stores it as a draft and tells the bureau, in one
// transaction.
func (s *Service) DraftLastMonth(ctx context.Context) error {
	code := s.Today().AddMonths(-1).Time().Format("2006-01")
	p, err := ParsePeriod(code)
	if err != nil {
		return err
	}
	r, err := Compute(ctx, s.DB, p, true)
	if err != nil {
		return err
	}
	snap, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("reports: draft: %w", err)
	}
	return database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, upsertDraft, code, json.RawMessage(snap)); err != nil {
			return fmt.Errorf("reports: draft: %w", err)
		}
		if _, err := tx.ExecContext(ctx, insertDraftNotices, code, fmt.Sprintf("%s统计报表草稿已生成，请审核后发布", p.Label)); err != nil {
			return fmt.Errorf("reports: draft notices: %w", err)
		}
		return nil
	})
}

// Job is the scheduled monthly draft (06:30 on the 1st, China time): each organ's own draft, told to its
// own bureau.
func (s *Service) Job() notices.Job {
	return notices.Job{Spec: "30 6 1 * *", Name: "monthly report draft", Run: func(ctx context.Context) error {
		return database.EachOrgan(ctx, s.DB, s.DraftLastMonth)
	}}
}

// PublishedPeriod is a period whose statistics are published (the public index).
type PublishedPeriod struct {
	Period   string `db:"period"`
	Versions int    `db:"versions"`
	At       string `db:"at"`
}

// Label is the Chinese name of the period (2025年10月, 2025年第三季度, …).
func (p PublishedPeriod) Label() string {
	if pp, err := ParsePeriod(p.Period); err == nil {
		return pp.Label
	}
	return p.Period
}

const queryPublishedPeriods = `SELECT period, count(*) AS versions,
	to_char(max(published_at) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS at
FROM report_publications GROUP BY period ORDER BY max(published_at) DESC LIMIT 200`

// PublishedPeriods lists the published periods, the most recently published first.
func (s *Service) PublishedPeriods(ctx context.Context) ([]PublishedPeriod, error) {
	var out []PublishedPeriod
	if err := s.DB.SelectContext(ctx, &out, queryPublishedPeriods); err != nil {
		return nil, fmt.Errorf("reports: published periods: %w", err)
	}
	return out, nil
}
