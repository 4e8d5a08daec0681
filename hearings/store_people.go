package hearings

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/apperr"
	"fuyi/internal/database"
	"fuyi/internal/date"
)

// StaffOption is a person offered for the panel.
type StaffOption struct {
	ID        int64  `db:"id"`
	Name      string `db:"name"`
	Qualified bool   `db:"qualified"`
}

const queryStaffOptions = `SELECT id, name, qualified FROM users WHERE active AND role IN ('officer', 'chief') ORDER BY qualified DESC, id`

// StaffOptions lists the staff who may sit on a panel, the qualified first.
func (s *Store) StaffOptions(ctx context.Context) ([]StaffOption, error) {
	var staff []StaffOption
	if err := sqlx.SelectContext(ctx, s.db, &staff, queryStaffOptions); err != nil {
		return nil, fmt.Errorf("hearings: staff: %w", err)
	}
	return staff, nil
}

const queryCalendarToken = `SELECT calendar_token FROM users WHERE id = $1`

const setCalendarToken = `UPDATE users SET calendar_token = $2 WHERE id = $1 AND calendar_token IS NULL`

// CalendarToken returns the user's secret for the iCalendar feed, creating it on first use.
func (s *Store) CalendarToken(ctx context.Context, userID int64) (string, error) {
	var tok *string
	if err := sqlx.GetContext(ctx, s.db, &tok, queryCalendarToken, userID); err != nil {
		return "", fmt.Errorf("hearings: calendar token: %w", err)
	}
	if tok != nil {
		return *tok, nil
	}
	if _, err := s.db.ExecContext(ctx, setCalendarToken, userID, newToken()); err != nil {
		return "", fmt.Errorf("hearings: calendar token: %w", err)
	}
	// a concurrent first use may have set another token: read what was stored
	if err := sqlx.GetContext(ctx, s.db, &tok, queryCalendarToken, userID); err != nil {
		return "", fmt.Errorf("hearings: calendar token: %w", err)
	}
	if tok == nil {
		return "", fmt.Errorf("hearings: calendar token of user %d not stored", userID)
	}
	return *tok, nil
}

const rotateCalendarToken = `UPDATE users SET calendar_token = $2 WHERE id = $1`

// RotateCalendarToken gives the user a new feed token: the old link stops working at once.
func (s *Store) RotateCalendarToken(ctx context.Context, userID int64) (string, error) {
	tok := newToken()
	if _, err := s.db.ExecContext(ctx, rotateCalendarToken, userID, tok); err != nil {
		return "", fmt.Errorf("hearings: rotate calendar token: %w", err)
	}
	return tok, nil
}

// newToken is 48 hex digits of randomness.
func newToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error: it crashes the program instead
	return hex.EncodeToString(b)
}

const queryTokenUser = `SELECT id FROM users WHERE calendar_token = $1 AND active`

// TokenUser finds the active user of a feed token, or ErrBadToken.
func (s *Store) TokenUser(ctx context.Context, token string) (int64, error) {
	var id int64
	err := sqlx.GetContext(ctx, s.db, &id, queryTokenUser, token)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrBadToken
	}
	if err != nil {
		return 0, fmt.Errorf("hearings: token user: %w", err)
	}
	return id, nil
}

const queryMyDeadlines = `SELECT d.id, d.kind, d.due_on, c.case_no, c.registration_no FROM deadlines d JOIN cases c ON c.id = d.case_id
JOIN case_assignments x ON x.case_id = c.id AND x.removed_at IS NULL AND x.user_id = $1
WHERE d.status = 'open' AND d.due_on >= $2 ORDER BY d.due_on`

// MyDeadlines lists the open deadlines from a date of the cases a user works on (for the feed).
func (s *Store) MyDeadlines(ctx context.Context, userID int64, from date.Date) ([]DeadlineEvent, error) {
	var ds []DeadlineEvent
	if err := sqlx.SelectContext(ctx, s.db, &ds, queryMyDeadlines, userID, from); err != nil {
		return nil, fmt.Errorf("hearings: my deadlines: %w", err)
	}
	return ds, nil
}

const (
	insertHearing = `INSERT INTO hearings (case_id, starts_at, ends_at, room_id, online_link, notified_on, rescheduled_from, created_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`
	insertPanel   = `INSERT INTO hearing_panel (hearing_id, user_id, role, during) VALUES ($1, $2, $3, tstzrange($4, $5))`
	queryCaseOf   = `SELECT case_id FROM hearings WHERE id = $1`
	lockHearing   = `SELECT id FROM hearings WHERE id = $1 FOR UPDATE`
	closeHearing  = `UPDATE hearings SET status = $2, status_reason = $3, version = version + 1 WHERE id = $1`
	releasePanel  = `UPDATE hearing_panel SET active = false WHERE hearing_id = $1`
	recordHearing = `UPDATE hearings SET status = $2, status_reason = $3, applicant_waived = $4, respondent_head_attended = $5,
	head_name = $6, head_title = $7, absence_reason = $8, delegate_name = $9, minutes = $10, recorded_by = $11, recorded_at = now(),
	version = version + 1 WHERE id = $1`
	markCaseHeard = `UPDATE cases SET hearing_held = true WHERE id = $1`
	insertRoom    = `INSERT INTO rooms (name, location) VALUES ($1, $2) RETURNING id`
	queryRate     = `SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM hearings h WHERE h.case_id = c.id AND h.status = 'held')) AS numerator,
	count(*) AS denominator FROM cases c WHERE c.concluded_on BETWEEN $1 AND $2`
)

func (s *Store) exec(ctx context.Context, what, q string, args ...any) error {
	if _, err := s.db.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("hearings: %s: %w", what, err)
	}
	return nil
}

// Booking is a hearing to store with its panel.
type Booking struct {
	CaseID          int64
	Starts, Ends    time.Time
	RoomID          *int
	Link            string
	Notified        date.Date
	RescheduledFrom *int64
	By              int64
	HostID, ClerkID int64
	PanelIDs        []int64
}

// Insert books a hearing and its panel; the exclusion constraints refuse an overlapping person or room.
func (s *Store) Insert(ctx context.Context, b Booking) (int64, error) {
	var id int64
	if err := sqlx.GetContext(ctx, s.db, &id, insertHearing, b.CaseID, b.Starts, b.Ends, b.RoomID, b.Link, b.Notified,
		b.RescheduledFrom, b.By); err != nil {
		return 0, fmt.Errorf("hearings: insert: %w", err)
	}
	add := func(uid int64, role string) error {
		return s.exec(ctx, "panel", insertPanel, id, uid, role, b.Starts, b.Ends)
	}
	if err := add(b.HostID, "host"); err != nil {
		return 0, err
	}
	for _, m := range b.PanelIDs {
		if err := add(m, "member"); err != nil {
			return 0, err
		}
	}
	if err := add(b.ClerkID, "clerk"); err != nil {
		return 0, err
	}
	return id, nil
}

// CaseOf returns the case of a hearing, or ErrNotFound.
func (s *Store) CaseOf(ctx context.Context, id int64) (int64, error) {
	var caseID int64
	err := sqlx.GetContext(ctx, s.db, &caseID, queryCaseOf, id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("hearings: case of %d: %w", id, err)
	}
	return caseID, nil
}

// Lock takes the row lock of a hearing for the rest of the transaction.
func (s *Store) Lock(ctx context.Context, id int64) error {
	var got int64
	err := sqlx.GetContext(ctx, s.db, &got, lockHearing, id)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("hearings: lock %d: %w", id, err)
	}
	return nil
}

// Close ends a scheduled hearing as rescheduled or cancelled (with the reason) and frees its panel.
func (s *Store) Close(ctx context.Context, id int64, status, reason string) error {
	if err := s.exec(ctx, "close", closeHearing, id, status, reason); err != nil {
		return err
	}
	return s.exec(ctx, "release panel", releasePanel, id)
}

// Record stores what happened at a hearing; a hearing not held frees its panel, a held one marks its case.
func (s *Store) Record(ctx context.Context, h *Hearing, status, reason string, in RecordInput, by int64) error {
	if err := s.exec(ctx, "record", recordHearing, h.ID, status, reason, in.ApplicantWaived && !in.Held, in.RespondentHeadAttended,
		strings.TrimSpace(in.HeadName), strings.TrimSpace(in.HeadTitle), strings.TrimSpace(in.AbsenceReason),
		strings.TrimSpace(in.DelegateName), strings.TrimSpace(in.Minutes), by); err != nil {
		return err
	}
	if !in.Held {
		return s.exec(ctx, "release panel", releasePanel, h.ID)
	}
	return s.exec(ctx, "case heard", markCaseHeard, h.CaseID)
}

// AddRoom adds a room; a name already used answers 409.
func (s *Store) AddRoom(ctx context.Context, name, location string) (int, error) {
	var id int
	err := sqlx.GetContext(ctx, s.db, &id, insertRoom, name, location)
	if c, _ := database.Constraint(err); c == "rooms_name_key" {
		return 0, apperr.State("room.exists", "听证室“%s”已存在", name)
	}
	if err != nil {
		return 0, fmt.Errorf("hearings: add room: %w", err)
	}
	return id, nil
}

// Rate counts the concluded cases of [from, to] and those with a held hearing.
func (s *Store) Rate(ctx context.Context, from, to date.Date) (Rate, error) {
	var r Rate
	if err := sqlx.GetContext(ctx, s.db, &r, queryRate, from, to); err != nil {
		return r, fmt.Errorf("hearings: rate: %w", err)
	}
	return r, nil
}
