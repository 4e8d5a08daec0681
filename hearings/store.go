package hearings

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"fuyi/cases"
	"fuyi/internal/apperr"
	"fuyi/internal/auth"
	"fuyi/internal/date"
)

// Member is one person on a hearing panel.
type Member struct {
	UserID int64  `db:"user_id" json:"id"`
	Name   string `db:"name" json:"name"`
	Role   string `db:"role" json:"role"`
}

// Hearing as stored and shown.
type Hearing struct {
	ID              int64     `db:"id" json:"id"`
	CaseID          int64     `db:"case_id" json:"case_id"`
	CaseNo          *string   `db:"case_no" json:"case_no"`
	StartsAt        time.Time `db:"starts_at" json:"starts_at"`
	EndsAt          time.Time `db:"ends_at" json:"ends_at"`
	RoomID          *int      `db:"room_id" json:"room_id"`
	RoomName        string    `db:"room_name" json:"-"`
	OnlineLink      string    `db:"online_link" json:"online_link,omitempty"`
	Location        string    `db:"-" json:"location"`
	NotifiedOn      date.Date `db:"notified_on" json:"notified_on"`
	Status          string    `db:"status" json:"status"`
	StatusLabel     string    `db:"-" json:"status_label"`
	RescheduledFrom *int64    `db:"rescheduled_from" json:"rescheduled_from"`
	StatusReason    string    `db:"status_reason" json:"status_reason,omitempty"`
	ApplicantWaived bool      `db:"applicant_waived" json:"applicant_waived"`
	HeadAttended    *bool     `db:"respondent_head_attended" json:"respondent_head_attended"`
	HeadName        string    `db:"head_name" json:"head_name,omitempty"`
	HeadTitle       string    `db:"head_title" json:"head_title,omitempty"`
	AbsenceReason   string    `db:"absence_reason" json:"absence_reason,omitempty"`
	DelegateName    string    `db:"delegate_name" json:"delegate_name,omitempty"`
	Minutes         string    `db:"minutes" json:"minutes,omitempty"`
	Version         int       `db:"version" json:"version"`
	HostID          int64     `db:"-" json:"host_id"`
	PanelIDs        []int64   `db:"-" json:"panel_ids"`
	ClerkID         int64     `db:"-" json:"clerk_id"`
	Panel           []Member  `db:"-" json:"panel"`
}

// Held reports whether the hearing took place.
func (h *Hearing) Held() bool { return h.Status == Held }

func (h *Hearing) fill(members []Member) {
	h.StatusLabel = StatusLabel(h.Status)
	h.Location = h.RoomName
	if h.Location == "" {
		h.Location = "网络听证：" + h.OnlineLink
	}
	h.PanelIDs = []int64{}
	h.Panel = []Member{}
	for _, m := range members {
		h.Panel = append(h.Panel, m)
		switch m.Role {
		case "host":
			h.HostID = m.UserID
		case "member":
			h.PanelIDs = append(h.PanelIDs, m.UserID)
		case "clerk":
			h.ClerkID = m.UserID
		}
	}
}

// Store reads and writes hearings.
type Store struct{ db sqlx.ExtContext }

func NewStore(db sqlx.ExtContext) *Store { return &Store{db: db} }

const hearingColumns = `h.id, h.case_id, c.case_no, h.starts_at, h.ends_at, h.room_id, coalesce(r.name, '') AS room_name, h.online_link,
	h.notified_on, h.status, h.rescheduled_from, h.status_reason, h.applicant_waived, h.respondent_head_attended, h.head_name,
	h.head_title, h.absence_reason, h.delegate_name, h.minutes, h.version`

const hearingFrom = ` FROM hearings h JOIN cases c ON c.id = h.case_id LEFT JOIN rooms r ON r.id = h.room_id`

// visible is the condition under which user u ($n) may see a hearing: they see its case, or sit on its panel.
func visible(u *auth.User, n int) (string, []any) {
	switch u.Role {
	case auth.RoleChief, auth.RoleBureau:
		return "true", nil
	case auth.RoleOfficer:
		return fmt.Sprintf(`(EXISTS (SELECT 1 FROM hearing_panel p WHERE p.hearing_id = h.id AND p.user_id = $%[1]d)
			OR EXISTS (SELECT 1 FROM case_assignments x WHERE x.case_id = h.case_id AND x.user_id = $%[1]d AND x.removed_at IS NULL))`, n), []any{u.ID}
	case auth.RoleWindow:
		if u.WindowID != nil {
			return fmt.Sprintf("c.window_id = $%d", n), []any{*u.WindowID}
		}
	}
	return "false", nil
}

func (s *Store) members(ctx context.Context, ids []int64) (map[int64][]Member, error) {
	var rows []struct {
		HearingID int64 `db:"hearing_id"`
		Member
	}
	err := sqlx.SelectContext(ctx, s.db, &rows, `SELECT p.hearing_id, p.user_id, u.name, p.role FROM hearing_panel p JOIN users u ON u.id = p.user_id
		WHERE p.hearing_id = ANY($1) ORDER BY CASE p.role WHEN 'host' THEN 1 WHEN 'member' THEN 2 ELSE 3 END, u.id`, pq.Array(ids))
	if err != nil {
		return nil, fmt.Errorf("hearings: panel: %w", err)
	}
	out := map[int64][]Member{}
	for _, r := range rows {
		out[r.HearingID] = append(out[r.HearingID], r.Member)
	}
	return out, nil
}

func (s *Store) list(ctx context.Context, where string, args ...any) ([]Hearing, error) {
	var hs []Hearing
	if err := sqlx.SelectContext(ctx, s.db, &hs, `SELECT `+hearingColumns+hearingFrom+` WHERE `+where+` ORDER BY h.starts_at, h.id`, args...); err != nil {
		return nil, fmt.Errorf("hearings: list: %w", err)
	}
	if len(hs) == 0 {
		return []Hearing{}, nil // no panels to read
	}
	ids := make([]int64, len(hs))
	for i := range hs {
		ids[i] = hs[i].ID
	}
	ms, err := s.members(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range hs {
		hs[i].fill(ms[hs[i].ID])
	}
	if hs == nil {
		hs = []Hearing{}
	}
	return hs, nil
}

// Get loads a hearing regardless of who asks.
func (s *Store) Get(ctx context.Context, id int64) (*Hearing, error) {
	hs, err := s.list(ctx, "h.id = $1", id)
	if err != nil {
		return nil, err
	}
	if len(hs) == 0 {
		return nil, ErrNotFound
	}
	return &hs[0], nil
}

// GetVisible loads a hearing the user may see.
func (s *Store) GetVisible(ctx context.Context, id int64, u *auth.User) (*Hearing, error) {
	cond, args := visible(u, 2)
	hs, err := s.list(ctx, "h.id = $1 AND "+cond, append([]any{id}, args...)...)
	if err != nil {
		return nil, err
	}
	if len(hs) == 0 {
		return nil, ErrNotFound
	}
	return &hs[0], nil
}

// ForCase lists the hearings of a case.
func (s *Store) ForCase(ctx context.Context, caseID int64) ([]Hearing, error) {
	return s.list(ctx, "h.case_id = $1", caseID)
}

// Between lists the hearings the user may see that overlap [from, to).
func (s *Store) Between(ctx context.Context, u *auth.User, from, to time.Time) ([]Hearing, error) {
	cond, args := visible(u, 3)
	return s.list(ctx, "h.starts_at < $2 AND h.ends_at > $1 AND h.status IN ('scheduled', 'held', 'not_held') AND "+cond,
		append([]any{from, to}, args...)...)
}

// Mine lists the hearings where the user sits on the panel or works on the case (for the ICS feed).
func (s *Store) Mine(ctx context.Context, u *auth.User, from time.Time) ([]Hearing, error) {
	return s.list(ctx, `h.ends_at > $1 AND h.status IN ('scheduled', 'held') AND (EXISTS (SELECT 1 FROM hearing_panel p WHERE p.hearing_id = h.id AND p.user_id = $2)
		OR EXISTS (SELECT 1 FROM case_assignments x WHERE x.case_id = h.case_id AND x.user_id = $2 AND x.removed_at IS NULL))`, from, u.ID)
}

// Conflict is an existing booking that overlaps a requested one.
type Conflict struct {
	Who      string    `db:"who"`
	StartsAt time.Time `db:"starts_at"`
	EndsAt   time.Time `db:"ends_at"`
	CaseNo   *string   `db:"case_no"`
	CaseID   int64     `db:"case_id"`
}

func (c Conflict) String() string {
	no := "另一案件"
	if c.CaseNo != nil {
		no = *c.CaseNo
	}
	return fmt.Sprintf("%s在%s–%s已有听证（%s）", c.Who, c.StartsAt.In(date.Shanghai).Format("2006-01-02 15:04"),
		c.EndsAt.In(date.Shanghai).Format("15:04"), no)
}

const queryConflicts = `SELECT u.name AS who, h.starts_at, h.ends_at, c.case_no, c.id AS case_id FROM hearing_panel p
	JOIN hearings h ON h.id = p.hearing_id JOIN cases c ON c.id = h.case_id JOIN users u ON u.id = p.user_id
	WHERE p.active AND p.user_id = ANY($1) AND p.during && tstzrange($2, $3) AND h.id <> $5
UNION ALL
SELECT '听证室“' || r.name || '”' AS who, h.starts_at, h.ends_at, c.case_no, c.id AS case_id FROM hearings h
	JOIN rooms r ON r.id = h.room_id JOIN cases c ON c.id = h.case_id
	WHERE h.status = 'scheduled' AND h.room_id = $4 AND tstzrange(h.starts_at, h.ends_at) && tstzrange($2, $3) AND h.id <> $5
ORDER BY starts_at`

// Conflicts names the bookings of people or the room that overlap [starts, ends), ignoring hearing except.
// The case number of a booking is given only when u may see that case: the answer never names a case of
// another team ("另一案件").
func (s *Store) Conflicts(ctx context.Context, u *auth.User, people []int64, roomID *int, starts, ends time.Time, except int64) ([]Conflict, error) {
	var cs []Conflict
	if err := sqlx.SelectContext(ctx, s.db, &cs, queryConflicts, pq.Array(people), starts, ends, roomID, except); err != nil {
		return nil, fmt.Errorf("hearings: conflicts: %w", err)
	}
	visible := map[int64]bool{}
	for i, c := range cs {
		seen, ok := visible[c.CaseID]
		if !ok {
			_, err := cases.NewStore(s.db).GetVisible(ctx, c.CaseID, u)
			if err != nil && !errors.Is(err, cases.ErrNotFound) {
				return nil, err
			}
			seen = err == nil
			visible[c.CaseID] = seen
		}
		if !seen {
			cs[i].CaseNo = nil
		}
	}
	return cs, nil
}

// ConflictError is the 409 answer naming the overlapping bookings.
func ConflictError(cs []Conflict) error {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.String()
	}
	return apperr.State("hearing.conflict", "时间冲突，未排期：%s", strings.Join(parts, "；"))
}

// Room is a hearing room.
type Room struct {
	ID       int    `db:"id" json:"id"`
	Name     string `db:"name" json:"name"`
	Location string `db:"location" json:"location"`
}

// Rooms lists the active rooms.
func (s *Store) Rooms(ctx context.Context) ([]Room, error) {
	var rs []Room
	err := sqlx.SelectContext(ctx, s.db, &rs, `SELECT id, name, location FROM rooms WHERE active ORDER BY id`)
	return rs, err
}

// roomID resolves a room by id or by name.
func (s *Store) roomID(ctx context.Context, id int, name string) (*int, error) {
	var rid int
	var err error
	if id > 0 {
		err = sqlx.GetContext(ctx, s.db, &rid, `SELECT id FROM rooms WHERE id = $1 AND active`, id)
	} else {
		err = sqlx.GetContext(ctx, s.db, &rid, `SELECT id FROM rooms WHERE name = $1 AND active`, strings.TrimSpace(name))
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &rid, nil
}

func (s *Store) people(ctx context.Context, ids []int64) (map[int64]Person, error) {
	var ps []Person
	if err := sqlx.SelectContext(ctx, s.db, &ps, `SELECT id, name, role, qualified, active FROM users WHERE id = ANY($1)`, pq.Array(ids)); err != nil {
		return nil, err
	}
	out := map[int64]Person{}
	for _, p := range ps {
		out[p.ID] = p
	}
	return out, nil
}
