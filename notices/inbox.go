package notices

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/date"
)

// Notice is an inbox entry (API.md GET /notices).
type Notice struct {
	ID           int64      `db:"id" json:"id"`
	Kind         string     `db:"kind" json:"kind"`
	CaseID       *int64     `db:"case_id" json:"case_id,omitempty"`
	LawsuitID    *int64     `db:"lawsuit_id" json:"lawsuit_id,omitempty"`
	DeadlineKind string     `db:"deadline_kind" json:"deadline_kind,omitempty"`
	DueOn        date.Date  `db:"due_on" json:"due_on"`
	Level        *string    `db:"level" json:"level"`
	Title        string     `db:"title" json:"title"`
	CreatedAt    time.Time  `db:"created_at" json:"created_at"`
	ReadAt       *time.Time `db:"read_at" json:"read_at"`
}

// Inbox reads and marks a user's notices.
type Inbox struct{ db sqlx.ExtContext }

func NewInbox(db sqlx.ExtContext) *Inbox { return &Inbox{db: db} }

const (
	countNotices = `SELECT count(*) FROM notices WHERE user_id = $1 AND (NOT $2 OR read_at IS NULL)`
	countUnread  = `SELECT count(*) FROM notices WHERE user_id = $1 AND read_at IS NULL`
	listNotices  = `SELECT id, kind, case_id, lawsuit_id, deadline_kind, due_on, level, title, created_at, read_at
FROM notices WHERE user_id = $1 AND (NOT $2 OR read_at IS NULL) ORDER BY id DESC LIMIT $3 OFFSET $4`
	markAllRead = `UPDATE notices SET read_at = now() WHERE user_id = $1 AND read_at IS NULL`
	markRead    = `UPDATE notices SET read_at = coalesce(read_at, now()) WHERE id = $1 AND user_id = $2`
)

// List returns a page of the user's notices (only the unread ones when asked), the total and the unread count.
func (i *Inbox) List(ctx context.Context, userID int64, unreadOnly bool, limit, offset int) ([]Notice, int, int, error) {
	var total int
	if err := sqlx.GetContext(ctx, i.db, &total, countNotices, userID, unreadOnly); err != nil {
		return nil, 0, 0, fmt.Errorf("notices: count: %w", err)
	}
	unread, err := i.Unread(ctx, userID)
	if err != nil {
		return nil, 0, 0, err
	}
	ns := []Notice{}
	if err := sqlx.SelectContext(ctx, i.db, &ns, listNotices, userID, unreadOnly, limit, offset); err != nil {
		return nil, 0, 0, fmt.Errorf("notices: list: %w", err)
	}
	return ns, total, unread, nil
}

// Unread counts the user's unread notices.
func (i *Inbox) Unread(ctx context.Context, userID int64) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, i.db, &n, countUnread, userID); err != nil {
		return 0, fmt.Errorf("notices: unread: %w", err)
	}
	return n, nil
}

// MarkAllRead marks every notice of the user read.
func (i *Inbox) MarkAllRead(ctx context.Context, userID int64) error {
	if _, err := i.db.ExecContext(ctx, markAllRead, userID); err != nil {
		return fmt.Errorf("notices: mark all read: %w", err)
	}
	return nil
}

// MarkRead marks one of the user's notices read, or answers ErrNotFound.
func (i *Inbox) MarkRead(ctx context.Context, userID, id int64) error {
	res, err := i.db.ExecContext(ctx, markRead, id, userID)
	if err != nil {
		return fmt.Errorf("notices: mark read: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("notices: mark read: %w", err)
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}
