package hearings

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"fuyi/cases"
	"fuyi/internal/apperr"
	"fuyi/internal/audit"
	"fuyi/internal/auth"
	"fuyi/internal/calendar"
	"fuyi/internal/database"
	"fuyi/internal/date"
)

// Service schedules and records hearings.
type Service struct {
	DB       *sqlx.DB
	Calendar *calendar.Provider
	Today    func() date.Date
	Cases    *cases.Service // lawsuits (court sessions are recorded on them)
}

// ScheduleInput is the body of POST /cases/{id}/hearings (and of a reschedule).
type ScheduleInput struct {
	StartsAt   string  `json:"starts_at"`
	EndsAt     string  `json:"ends_at"`
	Location   string  `json:"location"`
	RoomID     int     `json:"room_id"`
	OnlineLink string  `json:"online_link"`
	HostID     int64   `json:"host_id"`
	PanelIDs   []int64 `json:"panel_ids"`
	ClerkID    int64   `json:"clerk_id"`
	NotifiedOn string  `json:"notified_on"`
}

type parsed struct {
	starts, ends time.Time
	notified     date.Date
	roomID       *int
	link         string
}

// ParseTime reads RFC 3339, or a local "2006-01-02T15:04" (an HTML datetime-local field) as China time.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, date.Shanghai); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("hearings: time %q", s)
}

func (s *Service) parse(ctx context.Context, st *Store, in ScheduleInput) (parsed, error) {
	f := apperr.Fields{}
	var p parsed
	var err error
	if p.starts, err = ParseTime(in.StartsAt); err != nil {
		f.Add("starts_at", "开始时间格式应为 RFC 3339，如2025-11-10T09:00:00+08:00")
	}
	if p.ends, err = ParseTime(in.EndsAt); err != nil {
		f.Add("ends_at", "结束时间格式应为 RFC 3339，如2025-11-10T11:00:00+08:00")
	}
	if !p.starts.IsZero() && !p.ends.IsZero() {
		if !p.ends.After(p.starts) {
			f.Add("ends_at", "结束时间须晚于开始时间")
		} else if p.ends.Sub(p.starts) > 12*time.Hour {
			f.Add("ends_at", "一次听证不超过12小时")
		}
	}
	if p.notified, err = date.Parse(strings.TrimSpace(in.NotifiedOn)); err != nil {
		f.Add("notified_on", "书面通知日期格式应为YYYY-MM-DD")
	} else if p.notified.After(s.Today()) {
		f.Add("notified_on", "书面通知日期不能晚于今天")
	}
	p.link = strings.TrimSpace(in.OnlineLink)
	if in.RoomID > 0 || (in.Location != "" && p.link == "") {
		if p.roomID, err = st.roomID(ctx, in.RoomID, in.Location); err != nil {
			return p, err
		}
		if p.roomID == nil {
			f.Add("location", "听证室不在听证室名录中，请从列表中选择，或填写网络听证链接")
		}
	} else if p.link == "" {
		f.Add("location", "请选择听证室或填写网络听证链接")
	} else if utf8.RuneCountInString(p.link) > 500 || !(strings.HasPrefix(p.link, "https://") || strings.HasPrefix(p.link, "http://")) {
		f.Add("online_link", "网络听证链接须以 http:// 或 https:// 开头，且不超过500字")
	}
	return p, f.Err()
}

// bookingError turns an exclusion-constraint violation (two bookings raced) into a 409 naming the conflict.
func (s *Service) bookingError(ctx context.Context, err error, people []int64, p parsed, except int64) error {
	if name, code := database.Constraint(err); code == "23P01" && (name == "hearing_panel_person_free" || name == "hearings_room_free") {
		cs, cerr := NewStore(s.DB).Conflicts(ctx, people, p.roomID, p.starts, p.ends, except)
		if cerr == nil && len(cs) > 0 {
			return ConflictError(cs)
		}
		return apperr.State("hearing.conflict", "时间冲突：有关人员或听证室在该时段已有听证，未排期")
	}
	return err
}

// canSchedule: the chief, or the lead officer of the case.
func canSchedule(ctx context.Context, tx *sqlx.Tx, u *auth.User, c *cases.Case) (*cases.Assignment, error) {
	team, err := cases.NewStore(tx).Assignment(ctx, c)
	if err != nil {
		return nil, err
	}
	if u.Role != auth.RoleChief && (team.LeadOfficerID == nil || *team.LeadOfficerID != u.ID) {
		return nil, apperr.New(apperr.Forbidden, "hearing.forbidden", "只有复议机构负责人或本案主办人可以安排听证")
	}
	return team, nil
}

func (s *Service) book(ctx context.Context, tx *sqlx.Tx, u *auth.User, caseID int64, in ScheduleInput, p parsed, from *int64) (int64, error) {
	st := NewStore(tx)
	people, err := st.people(ctx, append([]int64{in.HostID, in.ClerkID}, in.PanelIDs...))
	if err != nil {
		return 0, err
	}
	if err := CheckPanel(people, in.HostID, in.PanelIDs, in.ClerkID); err != nil {
		return 0, err
	}
	cal, err := s.Calendar.Get(ctx)
	if err != nil {
		return 0, err
	}
	if err := CheckNotice(cal, p.notified, p.starts); err != nil {
		return 0, err
	}
	ids := append([]int64{in.HostID, in.ClerkID}, in.PanelIDs...)
	var except int64
	if from != nil {
		except = *from
	}
	if cs, err := st.Conflicts(ctx, ids, p.roomID, p.starts, p.ends, except); err != nil {
		return 0, err
	} else if len(cs) > 0 {
		return 0, ConflictError(cs)
	}
	var id int64
	if err := tx.GetContext(ctx, &id, `INSERT INTO hearings (case_id, starts_at, ends_at, room_id, online_link, notified_on, rescheduled_from, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, caseID, p.starts, p.ends, p.roomID, p.link, p.notified, from, u.ID); err != nil {
		return 0, err
	}
	add := func(uid int64, role string) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO hearing_panel (hearing_id, user_id, role, during) VALUES ($1, $2, $3, tstzrange($4, $5))`,
			id, uid, role, p.starts, p.ends)
		return err
	}
	if err := add(in.HostID, "host"); err != nil {
		return 0, err
	}
	for _, m := range in.PanelIDs {
		if err := add(m, "member"); err != nil {
			return 0, err
		}
	}
	if err := add(in.ClerkID, "clerk"); err != nil {
		return 0, err
	}
	return id, nil
}

func describe(p parsed, room string) string {
	where := room
	if where == "" {
		where = "网络听证"
	}
	return fmt.Sprintf("%s至%s，%s，%s书面通知", p.starts.In(date.Shanghai).Format("2006-01-02 15:04"),
		p.ends.In(date.Shanghai).Format("15:04"), where, p.notified)
}

// Schedule books a hearing for a case: panel composition, notice period and no overlapping booking of any
// person or room (checked here for the message, guaranteed by exclusion constraints).
func (s *Service) Schedule(ctx context.Context, u *auth.User, caseID int64, in ScheduleInput) (int64, error) {
	var id int64
	var p parsed
	err := database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
		cs := cases.NewStore(tx)
		c, err := cs.Lock(ctx, caseID)
		if err != nil {
			return err
		}
		if _, err := cs.GetVisible(ctx, caseID, u); err != nil {
			return err
		}
		team, err := canSchedule(ctx, tx, u, c)
		if err != nil {
			return err
		}
		if c.Status != cases.StatusAccepted {
			return apperr.State("hearing.case_not_open", "只能为审理中的案件安排听证（当前状态：%s）", c.Status.Label())
		}
		if team.Understaffed {
			return apperr.Rule("hearing.understaffed", "本案办案人员不足%d名，请先补充指派后再安排听证", team.Required)
		}
		if p, err = s.parse(ctx, NewStore(tx), in); err != nil {
			return err
		}
		if id, err = s.book(ctx, tx, u, caseID, in, p, nil); err != nil {
			return err
		}
		h, err := NewStore(tx).Get(ctx, id)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, caseID, u.ID, "hearing.scheduled", "安排听证："+describe(p, h.RoomName), nil, map[string]any{"hearing_id": id})
	})
	if err != nil {
		return 0, s.bookingError(ctx, err, append([]int64{in.HostID, in.ClerkID}, in.PanelIDs...), p, 0)
	}
	return id, nil
}

// lockHearing locks a hearing and its case, checking visibility and the caller's right to change it.
func (s *Service) lockHearing(ctx context.Context, tx *sqlx.Tx, u *auth.User, id int64) (*Hearing, *cases.Case, error) {
	var caseID int64
	if err := tx.GetContext(ctx, &caseID, `SELECT case_id FROM hearings WHERE id = $1`, id); err != nil {
		return nil, nil, ErrNotFound
	}
	c, err := cases.NewStore(tx).Lock(ctx, caseID)
	if err != nil {
		return nil, nil, err
	}
	if _, err := tx.ExecContext(ctx, `SELECT 1 FROM hearings WHERE id = $1 FOR UPDATE`, id); err != nil {
		return nil, nil, err
	}
	h, err := NewStore(tx).GetVisible(ctx, id, u)
	if err != nil {
		return nil, nil, err
	}
	return h, c, nil
}

// Reschedule moves a hearing: the old one is kept as 已改期 and a new one is booked, which needs a new
// written notice that again respects the 5 working days.
func (s *Service) Reschedule(ctx context.Context, u *auth.User, id int64, in ScheduleInput, reason string) (int64, error) {
	var newID int64
	var p parsed
	err := database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
		h, c, err := s.lockHearing(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if _, err := canSchedule(ctx, tx, u, c); err != nil {
			return err
		}
		if h.Status != Scheduled {
			return apperr.State("hearing.not_scheduled", "只能改期尚未举行的听证（当前：%s）", StatusLabel(h.Status))
		}
		if strings.TrimSpace(reason) == "" {
			return &apperr.Error{Kind: apperr.Invalid, Code: "hearing.reason", Message: "请说明改期理由", Fields: map[string]string{"reason": "请说明改期理由"}}
		}
		if in.HostID == 0 && in.ClerkID == 0 && len(in.PanelIDs) == 0 {
			in.HostID, in.PanelIDs, in.ClerkID = h.HostID, h.PanelIDs, h.ClerkID
		}
		if p, err = s.parse(ctx, NewStore(tx), in); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE hearings SET status = 'rescheduled', status_reason = $2, version = version + 1 WHERE id = $1`, id, reason); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE hearing_panel SET active = false WHERE hearing_id = $1`, id); err != nil {
			return err
		}
		if newID, err = s.book(ctx, tx, u, h.CaseID, in, p, &id); err != nil {
			return err
		}
		nh, _ := NewStore(tx).Get(ctx, newID)
		return audit.Record(ctx, tx, h.CaseID, u.ID, "hearing.rescheduled", fmt.Sprintf("听证改期（%s）：%s", reason, describe(p, nh.RoomName)),
			map[string]any{"hearing_id": id, "starts_at": h.StartsAt}, map[string]any{"hearing_id": newID, "starts_at": p.starts})
	})
	if err != nil {
		return 0, s.bookingError(ctx, err, append([]int64{in.HostID, in.ClerkID}, in.PanelIDs...), p, id)
	}
	return newID, nil
}

// Cancel calls a hearing off; the record stays with the reason.
func (s *Service) Cancel(ctx context.Context, u *auth.User, id int64, reason string) error {
	return database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
		h, c, err := s.lockHearing(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if _, err := canSchedule(ctx, tx, u, c); err != nil {
			return err
		}
		if h.Status != Scheduled {
			return apperr.State("hearing.not_scheduled", "只能取消尚未举行的听证（当前：%s）", StatusLabel(h.Status))
		}
		if strings.TrimSpace(reason) == "" {
			return &apperr.Error{Kind: apperr.Invalid, Code: "hearing.reason", Message: "请说明取消理由", Fields: map[string]string{"reason": "请说明取消理由"}}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE hearings SET status = 'cancelled', status_reason = $2, version = version + 1 WHERE id = $1`, id, reason); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE hearing_panel SET active = false WHERE hearing_id = $1`, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, h.CaseID, u.ID, "hearing.cancelled", "取消听证："+reason, map[string]any{"hearing_id": id}, nil)
	})
}

// RecordInput is the body of POST /hearings/{id}/record.
type RecordInput struct {
	Held                   bool   `json:"held"`
	ApplicantWaived        bool   `json:"applicant_waived"`
	Reason                 string `json:"reason"`
	RespondentHeadAttended *bool  `json:"respondent_head_attended"`
	HeadName               string `json:"head_name"`
	HeadTitle              string `json:"head_title"`
	AbsenceReason          string `json:"absence_reason"`
	DelegateName           string `json:"delegate_name"`
	Minutes                string `json:"minutes"`
}

// Record stores what happened. 复议法第51条: the respondent's 负责人 should attend; if not, the reason and the
// delegated staff member are recorded; an applicant absent without good reason waives the hearing. The 听证笔录
// is the basis of the decision (第61条第2款).
func (s *Service) Record(ctx context.Context, u *auth.User, id int64, in RecordInput) error {
	f := apperr.Fields{}
	if in.Held {
		requireText := func(field, label, v string, max int) {
			if strings.TrimSpace(v) == "" {
				f.Add(field, "%s不能为空", label)
			} else if utf8.RuneCountInString(v) > max {
				f.Add(field, "%s不能超过%d字", label, max)
			}
		}
		requireText("minutes", "听证笔录", in.Minutes, 200000)
		switch {
		case in.RespondentHeadAttended == nil:
			f.Add("respondent_head_attended", "请说明被申请人负责人是否参加听证（复议法第51条）")
		case *in.RespondentHeadAttended:
			requireText("head_name", "参加听证的负责人姓名", in.HeadName, 50)
			requireText("head_title", "负责人职务", in.HeadTitle, 50)
		default:
			requireText("absence_reason", "负责人未参加的理由", in.AbsenceReason, 500)
			requireText("delegate_name", "委托参加的工作人员", in.DelegateName, 50)
		}
	} else if strings.TrimSpace(in.Reason) == "" && !in.ApplicantWaived {
		f.Add("reason", "听证未举行的，请说明原因（申请人无正当理由不参加的，勾选视为放弃听证）")
	}
	if err := f.Err(); err != nil {
		return err
	}
	return database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
		h, _, err := s.lockHearing(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if u.Role != auth.RoleChief && u.Role != auth.RoleOfficer {
			return apperr.New(apperr.Forbidden, "hearing.record_forbidden", "只有办案人员可以记录听证")
		}
		if h.Status != Scheduled {
			return apperr.State("hearing.already_recorded", "该听证已记录（%s）", StatusLabel(h.Status))
		}
		if date.Of(h.StartsAt.In(date.Shanghai)).After(s.Today()) {
			return apperr.State("hearing.not_yet", "听证定于%s举行，尚未开始，不能记录", h.StartsAt.In(date.Shanghai).Format("2006-01-02 15:04"))
		}
		status, reason := Held, ""
		if !in.Held {
			status, reason = NotHeld, strings.TrimSpace(in.Reason)
			if in.ApplicantWaived && reason == "" {
				reason = "申请人无正当理由拒不参加听证，视为放弃听证权利"
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE hearings SET status = $2, status_reason = $3, applicant_waived = $4, respondent_head_attended = $5,
			head_name = $6, head_title = $7, absence_reason = $8, delegate_name = $9, minutes = $10, recorded_by = $11, recorded_at = now(),
			version = version + 1 WHERE id = $1`, id, status, reason, in.ApplicantWaived && !in.Held, in.RespondentHeadAttended,
			strings.TrimSpace(in.HeadName), strings.TrimSpace(in.HeadTitle), strings.TrimSpace(in.AbsenceReason),
			strings.TrimSpace(in.DelegateName), strings.TrimSpace(in.Minutes), u.ID)
		if err != nil {
			return err
		}
		if !in.Held {
			if _, err := tx.ExecContext(ctx, `UPDATE hearing_panel SET active = false WHERE hearing_id = $1`, id); err != nil {
				return err
			}
		} else if _, err := tx.ExecContext(ctx, `UPDATE cases SET hearing_held = true WHERE id = $1`, h.CaseID); err != nil {
			return err
		}
		summary := "听证已举行，记录听证笔录"
		if in.Held && in.RespondentHeadAttended != nil {
			if *in.RespondentHeadAttended {
				summary += fmt.Sprintf("；被申请人负责人%s（%s）参加", in.HeadName, in.HeadTitle)
			} else {
				summary += fmt.Sprintf("；被申请人负责人未参加（%s），委托%s参加", in.AbsenceReason, in.DelegateName)
			}
		}
		if !in.Held {
			summary = "听证未举行：" + reason
		}
		return audit.Record(ctx, tx, h.CaseID, u.ID, "hearing.recorded", summary, nil, map[string]any{"hearing_id": id, "status": status})
	})
}

// RoomInput creates a room.
type RoomInput struct {
	Name     string `json:"name"`
	Location string `json:"location"`
}

// AddRoom adds a room to the managed list.
func (s *Service) AddRoom(ctx context.Context, in RoomInput) (int, error) {
	name := strings.TrimSpace(in.Name)
	if name == "" || utf8.RuneCountInString(name) > 50 {
		return 0, &apperr.Error{Kind: apperr.Invalid, Code: "room.name", Message: "听证室名称不能为空且不超过50字", Fields: map[string]string{"name": "听证室名称不能为空且不超过50字"}}
	}
	if utf8.RuneCountInString(strings.TrimSpace(in.Location)) > 100 {
		return 0, &apperr.Error{Kind: apperr.Invalid, Code: "room.location", Message: "听证室位置不超过100字", Fields: map[string]string{"location": "听证室位置不超过100字"}}
	}
	var id int
	err := s.DB.GetContext(ctx, &id, `INSERT INTO rooms (name, location) VALUES ($1, $2) RETURNING id`, name, strings.TrimSpace(in.Location))
	if name, _ := database.Constraint(err); name == "rooms_name_key" {
		return 0, apperr.State("room.exists", "听证室“%s”已存在", in.Name)
	}
	return id, err
}

// Rate is the 听证率 of DOMAIN.md §8: concluded cases with a held hearing ÷ all concluded, in a period.
type Rate struct {
	Numerator   int     `db:"numerator" json:"numerator"`
	Denominator int     `db:"denominator" json:"denominator"`
	Value       float64 `db:"-" json:"value"`
	Basis       string  `db:"-" json:"basis"`
}

const queryRate = `SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM hearings h WHERE h.case_id = c.id AND h.status = 'held')) AS numerator,
	count(*) AS denominator FROM cases c WHERE c.concluded_on BETWEEN $1 AND $2`

// HearingRate computes the 听证率 for concluded cases in [from, to].
func (s *Service) HearingRate(ctx context.Context, from, to date.Date) (Rate, error) {
	var r Rate
	if err := s.DB.GetContext(ctx, &r, queryRate, from, to); err != nil {
		return r, err
	}
	if r.Denominator > 0 {
		r.Value = float64(r.Numerator) / float64(r.Denominator)
	}
	r.Basis = fmt.Sprintf("听证率＝%s至%s审结的案件中举行过听证的件数÷审结件数（目标≥70%%）", from, to)
	return r, nil
}
