package hearings

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"

	"fuyi/cases"
	"fuyi/internal/apperr"
	"fuyi/internal/auth"
	"fuyi/internal/date"
)

// Lister gives cases the hearings of a case for its view (cases.HearingLister).
type Lister struct{}

// CaseHearings lists the hearings of a case through db (the pool or the caller's transaction).
func (Lister) CaseHearings(ctx context.Context, db sqlx.ExtContext, caseID int64) ([]any, error) {
	hs, err := NewStore(db).ForCase(ctx, caseID)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(hs))
	for i := range hs {
		out[i] = hs[i]
	}
	return out, nil
}

// FormData is what the hearing forms of the case page need: the rooms, the staff to choose the panel from
// and the earliest date a hearing noticed today may be held ("" when the calendar cannot say).
func (s *Service) FormData(ctx context.Context) (map[string]any, error) {
	st := NewStore(s.DB)
	rooms, err := st.Rooms(ctx)
	if err != nil {
		return nil, err
	}
	staff, err := st.StaffOptions(ctx)
	if err != nil {
		return nil, err
	}
	cal, err := s.Calendar.Get(ctx)
	if err != nil {
		return nil, err
	}
	earliest := ""
	if d, err := EarliestDate(cal, s.Today()); err == nil {
		earliest = d.String()
	} else if _, ok := apperr.As(err); !ok {
		return nil, err
	} // a missing calendar year only leaves the hint out
	return map[string]any{"Rooms": rooms, "Staff": staff, "EarliestHearing": earliest}, nil
}

// DocRef tells the case documents whether this hearing has a notice (scheduled or held).
func (h Hearing) DocRef() (int64, bool) { return h.ID, h.Status == Scheduled || h.Status == Held }

// HearingNotice is what the 听证通知书 of hearing ref of a case says, or nil when the case has no such hearing.
func (Lister) HearingNotice(ctx context.Context, db sqlx.ExtContext, caseID int64, ref string) (*cases.HearingInfo, error) {
	id, err := strconv.ParseInt(ref, 10, 64)
	if err != nil {
		return nil, nil
	}
	hr, err := NewStore(db).Get(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if hr.CaseID != caseID {
		return nil, nil
	}
	info := &cases.HearingInfo{ID: hr.ID, Notified: hr.NotifiedOn, Place: hr.Location,
		StartsAt: hr.StartsAt.In(date.Shanghai).Format("2006年1月2日15时04分")}
	var members []string
	for _, m := range hr.Panel {
		switch m.Role {
		case "host":
			info.Host = m.Name
		case "member":
			members = append(members, m.Name)
		case "clerk":
			info.Clerk = m.Name
		}
	}
	info.Members = strings.Join(members, "、")
	return info, nil
}

// MyHearings lists the hearings of the coming seven days (from today) where u sits on the panel (主持人,
// 听证员 or 记录员) or works on the case, for u's home page.
func (s *Service) MyHearings(ctx context.Context, u *auth.User) ([]any, error) {
	today := s.Today()
	hs, err := NewStore(s.DB).Mine(ctx, u, today.In(date.Shanghai))
	if err != nil {
		return nil, err
	}
	until := today.AddDays(8).In(date.Shanghai) // through the seventh day
	var out []any
	for _, h := range hs {
		if h.StartsAt.Before(until) {
			out = append(out, h)
		}
	}
	return out, nil
}
