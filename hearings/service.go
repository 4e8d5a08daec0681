package hearings

import (
	"context"
	"fmt"
	"net/url"
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

// Service schedules and records hearings; it owns its transactions.
type Service struct {
	DB       *sqlx.DB
	Calendar *calendar.Provider
	Today    func() date.Date
	// Issue issues, in the transaction of a change to a case, the documents the change produced (the
	// 听证通知书 of a scheduled hearing); Render renders them after the commit. The composition root passes
	// the cases service's IssueProduced and RenderLater (nil: none issued, none rendered).
	Issue  func(ctx context.Context, tx sqlx.ExtContext, u *auth.User, caseID int64) (cases.Produced, error)
	Render func(ctx context.Context, p cases.Produced)
}

// issue issues what the change to the case produced (into *produced, rendered after the commit by
// rendered) and adds it to the event's summary.
func (s *Service) issue(ctx context.Context, tx sqlx.ExtContext, u *auth.User, caseID int64, summary string, details map[string]any,
	produced *cases.Produced) (string, error) {
	*produced = cases.Produced{}
	if s.Issue == nil {
		return summary, nil
	}
	p, err := s.Issue(ctx, tx, u, caseID)
	if err != nil || len(p.Names) == 0 {
		return summary, err
	}
	*produced = p
	details["documents_issued"] = p.Names
	return summary + "；制发" + strings.Join(p.Names, "、"), nil
}

// rendered renders, after the commit, the documents a change issued (their PDFs are made after the answer;
// one lost is produced from its frozen text on first fetch).
func (s *Service) rendered(ctx context.Context, p cases.Produced) {
	if s.Render != nil {
		s.Render(ctx, p)
	}
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
	} else if utf8.RuneCountInString(p.link) > 500 || !WebLink(p.link) {
		f.Add("online_link", "网络听证链接须以 http:// 或 https:// 开头，且不超过500字")
	}
	return p, f.Err()
}

// WebLink reports whether s is an http(s) address with a host: the only links shown to parties and staff
// (never javascript:, data: or a scheme-relative //host).
func WebLink(s string) bool {
	if !strings.HasPrefix(s, "https://") && !strings.HasPrefix(s, "http://") || strings.ContainsAny(s, " \t\r\n\\<>\"") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.Opaque == ""
}

// bookingError turns an exclusion-constraint violation (two bookings raced) into a 409 naming the conflict.
func (s *Service) bookingError(ctx context.Context, u *auth.User, err error, people []int64, p parsed, except int64) error {
	if name, code := database.Constraint(err); code == "23P01" && (name == "hearing_panel_person_free" || name == "hearings_room_free") {
		cs, cerr := NewStore(s.DB).Conflicts(ctx, u, people, p.roomID, p.starts, p.ends, except)
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

func (s *Service) book(ctx context.Context, tx *sqlx.Tx, cal *calendar.Calendar, u *auth.User, caseID int64, in ScheduleInput, p parsed, from *int64) (int64, error) {
	st := NewStore(tx)
	people, err := st.people(ctx, append([]int64{in.HostID, in.ClerkID}, in.PanelIDs...))
	if err != nil {
		return 0, err
	}
	if err := CheckPanel(people, in.HostID, in.PanelIDs, in.ClerkID); err != nil {
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
	if cs, err := st.Conflicts(ctx, u, ids, p.roomID, p.starts, p.ends, except); err != nil {
		return 0, err
	} else if len(cs) > 0 {
		return 0, ConflictError(cs)
	}
	return st.Insert(ctx, Booking{CaseID: caseID, Starts: p.starts, Ends: p.ends, RoomID: p.roomID, Link: p.link,
		Notified: p.notified, RescheduledFrom: from, By: u.ID, HostID: in.HostID, ClerkID: in.ClerkID, PanelIDs: in.PanelIDs})
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
func (s *Service) Schedule(ctx context.Context, u *auth.User, caseID int64, in ScheduleInput) (*Hearing, error) {
	var h *Hearing
	var p parsed
	var produced cases.Produced
	// the calendar is read before the transaction: nothing inside it asks the pool for a second connection
	cal, err := s.Calendar.Get(ctx)
	if err != nil {
		return nil, err
	}
	err = database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
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
		id, err := s.book(ctx, tx, cal, u, caseID, in, p, nil)
		if err != nil {
			return err
		}
		if h, err = NewStore(tx).Get(ctx, id); err != nil {
			return err
		}
		details := map[string]any{"hearing_id": id}
		summary, err := s.issue(ctx, tx, u, caseID, "安排听证："+describe(p, h.RoomName), details, &produced)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, caseID, u.ID, "hearing.scheduled", summary, nil, details)
	})
	if err != nil {
		return nil, s.bookingError(ctx, u, err, append([]int64{in.HostID, in.ClerkID}, in.PanelIDs...), p, 0)
	}
	s.rendered(ctx, produced)
	return h, nil
}

// lockHearing locks a hearing and its case, checking visibility and the caller's right to change it.
func (s *Service) lockHearing(ctx context.Context, tx *sqlx.Tx, u *auth.User, id int64) (*Hearing, *cases.Case, error) {
	st := NewStore(tx)
	caseID, err := st.CaseOf(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	c, err := cases.NewStore(tx).Lock(ctx, caseID)
	if err != nil {
		return nil, nil, err
	}
	if err := st.Lock(ctx, id); err != nil {
		return nil, nil, err
	}
	h, err := st.GetVisible(ctx, id, u)
	if err != nil {
		return nil, nil, err
	}
	return h, c, nil
}

// Reschedule moves a hearing: the old one is kept as 已改期 and a new one is booked, which needs a new
// written notice that again respects the 5 working days.
func (s *Service) Reschedule(ctx context.Context, u *auth.User, id int64, in ScheduleInput, reason string) (*Hearing, error) {
	var nh *Hearing
	var p parsed
	var produced cases.Produced
	cal, err := s.Calendar.Get(ctx)
	if err != nil {
		return nil, err
	}
	err = database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
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
		if err := NewStore(tx).Close(ctx, id, Rescheduled, reason); err != nil {
			return err
		}
		newID, err := s.book(ctx, tx, cal, u, h.CaseID, in, p, &id)
		if err != nil {
			return err
		}
		if nh, err = NewStore(tx).Get(ctx, newID); err != nil {
			return err
		}
		details := map[string]any{"hearing_id": newID, "starts_at": p.starts}
		summary, err := s.issue(ctx, tx, u, h.CaseID, fmt.Sprintf("听证改期（%s）：%s", reason, describe(p, nh.RoomName)), details, &produced)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, h.CaseID, u.ID, "hearing.rescheduled", summary,
			map[string]any{"hearing_id": id, "starts_at": h.StartsAt}, details)
	})
	if err != nil {
		return nil, s.bookingError(ctx, u, err, append([]int64{in.HostID, in.ClerkID}, in.PanelIDs...), p, id)
	}
	s.rendered(ctx, produced)
	return nh, nil
}

// Cancel calls a hearing off; the record stays with the reason.
func (s *Service) Cancel(ctx context.Context, u *auth.User, id int64, reason string) (*Hearing, error) {
	var out *Hearing
	err := database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
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
		if err := NewStore(tx).Close(ctx, id, Cancelled, reason); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, h.CaseID, u.ID, "hearing.cancelled", "取消听证："+reason, map[string]any{"hearing_id": id}, nil); err != nil {
			return err
		}
		out, err = NewStore(tx).GetVisible(ctx, id, u)
		return err
	})
	return out, err
}
