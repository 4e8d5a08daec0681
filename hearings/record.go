package hearings

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/apperr"
	"fuyi/internal/audit"
	"fuyi/internal/auth"
	"fuyi/internal/database"
	"fuyi/internal/date"
)

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
func (s *Service) Record(ctx context.Context, u *auth.User, id int64, in RecordInput) (*Hearing, error) {
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
	var out *Hearing
	err := database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
		// a hearing the caller may not see is 404 before anything about the input is said
		h, _, err := s.lockHearing(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if err := f.Err(); err != nil {
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
		if err := NewStore(tx).Record(ctx, h, status, reason, in, u.ID); err != nil {
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
		if err := audit.Record(ctx, tx, h.CaseID, u.ID, "hearing.recorded", summary, nil, map[string]any{"hearing_id": id, "status": status}); err != nil {
			return err
		}
		out, err = NewStore(tx).GetVisible(ctx, id, u)
		return err
	})
	return out, err
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
	return NewStore(s.DB).AddRoom(ctx, name, strings.TrimSpace(in.Location))
}

// Rate is the 听证率 of DOMAIN.md §8: concluded cases with a held hearing ÷ all concluded, in a period.
type Rate struct {
	Numerator   int     `db:"numerator" json:"numerator"`
	Denominator int     `db:"denominator" json:"denominator"`
	Value       float64 `db:"-" json:"value"`
	Basis       string  `db:"-" json:"basis"`
}

// HearingRate computes the 听证率 for concluded cases in [from, to].
func (s *Service) HearingRate(ctx context.Context, from, to date.Date) (Rate, error) {
	r, err := NewStore(s.DB).Rate(ctx, from, to)
	if err != nil {
		return r, err
	}
	if r.Denominator > 0 {
		r.Value = float64(r.Numerator) / float64(r.Denominator)
	}
	r.Basis = fmt.Sprintf("听证率＝%s至%s审结的案件中举行过听证的件数÷审结件数（目标≥70%%）", from, to)
	return r, nil
}
