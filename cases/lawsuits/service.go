package lawsuits

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"fuyi/cases"
	"fuyi/internal/apperr"
	"fuyi/internal/audit"
	"fuyi/internal/auth"
	"fuyi/internal/calendar"
	"fuyi/internal/database"
	"fuyi/internal/date"
	"fuyi/internal/ident"
)

// Service performs the state changes of lawsuits, each in one transaction it opens and closes itself, with
// the deadlines and the audit event.
type Service struct {
	DB       *sqlx.DB
	Calendar *calendar.Provider
	Today    func() date.Date
}

func NewService(db *sqlx.DB, cal *calendar.Provider, today func() date.Date) *Service {
	if today == nil {
		today = date.Today
	}
	return &Service{DB: db, Calendar: cal, Today: today}
}

// recompute derives and stores the deadlines of a lawsuit; it returns the due dates for the audit trail.
func (s *Service) recompute(ctx context.Context, db sqlx.ExtContext, cal *calendar.Calendar, id int64) (map[string]string, error) {
	st := NewStore(db)
	f, err := st.Facts(ctx, id)
	if err != nil {
		return nil, err
	}
	ds, err := ComputeLawsuit(cal, f)
	if err != nil {
		return nil, err
	}
	if err := st.SaveDeadlines(ctx, id, ds); err != nil {
		return nil, err
	}
	return cases.DueMap(ds), nil
}

// RecomputeWaiting recomputes, each in its own transaction, the lawsuits with a deadline waiting for a
// calendar or open recently (after the bureau entered or changed a year's calendar); it returns how many.
func (s *Service) RecomputeWaiting(ctx context.Context, cal *calendar.Calendar, actorID int64) (int, error) {
	ids, err := NewStore(s.DB).Waiting(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		if err := database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error { _, err := s.recompute(ctx, tx, cal, id); return err }); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// LawsuitInput is the body of POST /lawsuits.
type LawsuitInput struct {
	Court                         string `json:"court"`
	CourtCaseNo                   string `json:"court_case_no"`
	Instance                      string `json:"instance"`
	PreviousLawsuitID             int64  `json:"previous_lawsuit_id"`
	DefendantAgencyID             int    `json:"defendant_agency_id"`
	ReconsiderationOrganDefendant *bool  `json:"reconsideration_organ_defendant"`
	CaseID                        int64  `json:"case_id"`
	Plaintiff                     string `json:"plaintiff"`
	Cause                         string `json:"cause"`
	ComplaintReceivedOn           string `json:"complaint_received_on"`
	HeadRequired                  bool   `json:"head_required"`
	HeadRequiredReason            string `json:"head_required_reason"`
	HandlerID                     int64  `json:"handler_id"`
}

// RegisterLawsuit records a lawsuit and computes its 答辩 deadline. When linked to a 复议 case, who is
// defendant is suggested by SuggestDefendants unless the caller says otherwise.
func (s *Service) RegisterLawsuit(ctx context.Context, u *auth.User, in LawsuitInput) (*Lawsuit, error) {
	f := apperr.Fields{}
	today := s.Today()
	court := cases.RequireText(f, "court", "受理法院", in.Court, 100)
	no, ok := ident.ParseCourtCaseNo(in.CourtCaseNo)
	if !ok {
		f.Add("court_case_no", "案号格式不正确，应如（2025）苏0113行初123号：年份、法院代字、类型代字（行初/行终/行申等）、序号，序号不带前导零")
	}
	if InstanceLabel(in.Instance) == "" {
		f.Add("instance", "审级须为 first（一审）、second（二审）或 retrial（再审）")
	} else if ok && no.Instance() != "" && no.Instance() != in.Instance {
		f.Add("instance", "审级与案号类型“%s”不一致（应为%s）", no.Type, InstanceLabel(no.Instance()))
	}
	// a later instance without previous_lawsuit_id is allowed: the earlier instance may not be in the system
	plaintiff := cases.RequireText(f, "plaintiff", "原告", in.Plaintiff, 200)
	cause := cases.RequireText(f, "cause", "案由", in.Cause, 500)
	received := cases.CheckDate(f, "complaint_received_on", "收到起诉状副本日期", in.ComplaintReceivedOn, true, today)
	if in.HeadRequired {
		apperr.EnumOf("负责人应当出庭的情形（出庭规定第4条）", HeadRequiredReasons).Add(f, "head_required_reason", in.HeadRequiredReason)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	var out *Lawsuit
	cal, err := s.Calendar.Get(ctx)
	if err != nil {
		return nil, err
	}
	err = database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
		st := NewStore(tx)
		organ := false
		var agency *int
		note := ""
		if in.CaseID > 0 {
			cs := cases.NewStore(tx)
			c, err := cs.GetVisible(ctx, in.CaseID, u)
			if e, ok := apperr.As(err); ok && e.Kind == apperr.NotFound {
				return cases.FieldError("lawsuit.case_unknown", "case_id", "关联的行政复议案件不存在或您无权查看")
			} else if err != nil {
				return err
			}
			typ, err := cs.ApprovedDecisionType(ctx, c.ID)
			if err != nil {
				return err
			}
			sug := SuggestDefendants(typ)
			organ, note = sug.Organ, sug.Note
			if sug.Agency {
				a := c.AgencyID
				agency = &a
			}
		}
		if in.ReconsiderationOrganDefendant != nil {
			organ = *in.ReconsiderationOrganDefendant
		}
		if in.DefendantAgencyID > 0 {
			ok, err := st.AgencyExists(ctx, in.DefendantAgencyID)
			if err != nil {
				return err
			}
			if !ok {
				return cases.FieldError("lawsuit.agency_unknown", "defendant_agency_id", "被告行政机关不在目录中")
			}
			a := in.DefendantAgencyID
			agency = &a
		}
		if agency == nil && !organ {
			return cases.FieldError("lawsuit.no_defendant", "defendant_agency_id", "请选择被告行政机关，或说明复议机关为被告")
		}
		n := NewLawsuit{Court: court, CourtCaseNo: no.String(), Instance: in.Instance, AgencyID: agency, OrganDefendant: organ,
			Plaintiff: plaintiff, Cause: cause, ReceivedOn: received, HeadRequired: in.HeadRequired,
			HeadRequiredReason: in.HeadRequiredReason, RegisteredBy: u.ID}
		if in.PreviousLawsuitID > 0 {
			// the instance is checked first and the previous lawsuit only among those the caller may see, so
			// the answer is the same whether an invisible lawsuit exists or not
			if in.Instance == "first" {
				return cases.FieldError("lawsuit.previous_first", "previous_lawsuit_id", "一审案件不关联前一审级")
			}
			if _, err := st.GetLawsuit(ctx, in.PreviousLawsuitID, u); errors.Is(err, ErrLawsuitNotFound) {
				return cases.FieldError("lawsuit.previous_unknown", "previous_lawsuit_id", "关联的前一审级案件不存在或您无权查看")
			} else if err != nil {
				return err
			}
			n.PreviousID = &in.PreviousLawsuitID
		}
		if in.HandlerID > 0 {
			ok, err := st.HandlerValid(ctx, in.HandlerID)
			if err != nil {
				return err
			}
			if !ok {
				return cases.FieldError("lawsuit.handler_unknown", "handler_id", "承办人须为在职工作人员")
			}
			n.HandlerID = &in.HandlerID
		}
		if in.CaseID > 0 {
			n.CaseID = &in.CaseID
		}
		id, err := st.Insert(ctx, n)
		if err != nil {
			return err
		}
		due, err := s.recompute(ctx, tx, cal, id)
		if err != nil {
			return err
		}
		summary := fmt.Sprintf("登记应诉案件%s（%s，%s）", no.String(), court, InstanceLabel(in.Instance))
		if note != "" {
			summary += "；被告建议：" + note
		}
		if err := audit.RecordLawsuit(ctx, tx, id, u.ID, "lawsuit.registered", summary, nil, map[string]any{"deadlines": due, "organ_defendant": organ}); err != nil {
			return err
		}
		out, err = st.LawsuitView(ctx, id, u, s.Today())
		return err
	})
	return out, err
}

// ChangeLawsuit runs fn on a locked lawsuit, recomputes its deadlines, records the event and returns the
// lawsuit as it now is, read inside the same transaction.
func (s *Service) ChangeLawsuit(ctx context.Context, u *auth.User, id int64, version int, fn func(tx *sqlx.Tx, l *Lawsuit) (cases.Change, error)) (*Lawsuit, error) {
	cal, err := s.Calendar.Get(ctx)
	if err != nil {
		return nil, err
	}
	var out *Lawsuit
	err = database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
		st := NewStore(tx)
		if err := st.lockLawsuit(ctx, id); err != nil {
			return err
		}
		l, err := st.GetLawsuit(ctx, id, u)
		if err != nil {
			return err
		}
		if version > 0 && version != l.Version {
			return apperr.Stale
		}
		ch, err := fn(tx, l)
		if err != nil {
			return err
		}
		if err := st.bumpLawsuitVersion(ctx, id); err != nil {
			return err
		}
		due, err := s.recompute(ctx, tx, cal, id)
		if err != nil {
			return err
		}
		if ch.New == nil {
			ch.New = map[string]any{}
		}
		ch.New["deadlines"] = due
		if err := audit.RecordLawsuit(ctx, tx, id, u.ID, ch.Action, ch.Summary, ch.Old, ch.New); err != nil {
			return err
		}
		out, err = st.LawsuitView(ctx, id, u, s.Today())
		return err
	})
	return out, err
}

// AnswerFiled records the 答辩状 filing.
func (s *Service) AnswerFiled(ctx context.Context, u *auth.User, id int64, on string, version int) (*Lawsuit, error) {
	f := apperr.Fields{}
	d := cases.CheckDate(f, "filed_on", "提交答辩状日期", on, true, s.Today())
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.ChangeLawsuit(ctx, u, id, version, func(tx *sqlx.Tx, l *Lawsuit) (cases.Change, error) {
		if d.Before(l.ComplaintReceivedOn) {
			return cases.Change{}, cases.FieldError("lawsuit.answer_before_complaint", "filed_on", "答辩日期不能早于收到起诉状副本日期")
		}
		err := NewStore(tx).SetAnswer(ctx, id, d)
		return cases.Change{Action: "lawsuit.answered", Summary: fmt.Sprintf("%s提交答辩状及证据", d)}, err
	})
}

// JudgmentInput is the body of POST /lawsuits/{id}/judgment.
type JudgmentInput struct {
	Outcome  string `json:"outcome"`
	JudgedOn string `json:"judged_on"`
	ServedOn string `json:"served_on"`
	Kind     string `json:"kind"`
	Version  int    `json:"version"`
}

// RecordJudgment records how the instance ended; 败诉 follows from the outcome (Lost) and the appeal period,
// if any, from the instance, the outcome and the service date (AppealPeriod).
func (s *Service) RecordJudgment(ctx context.Context, u *auth.User, id int64, in JudgmentInput) (*Lawsuit, error) {
	f := apperr.Fields{}
	o, ok := OutcomeOf(in.Outcome)
	if !ok {
		OutcomeEnum().Add(f, "outcome", in.Outcome)
	}
	judged := cases.CheckDate(f, "judged_on", "裁判日期", in.JudgedOn, true, s.Today())
	served := cases.CheckDate(f, "served_on", "送达日期", in.ServedOn, false, s.Today())
	if in.Kind == "" {
		in.Kind = o.Kind
	}
	if JudgmentKinds.Add(f, "kind", in.Kind) && ok && in.Kind != o.Kind {
		f.Add("kind", "“%s”应为%s", o.Label, map[string]string{"judgment": "判决（judgment）", "ruling": "裁定（ruling）", "mediation": "调解（mediation）"}[o.Kind])
	}
	if !served.IsZero() && !judged.IsZero() && served.Before(judged) {
		f.Add("served_on", "送达日期不能早于裁判日期")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.ChangeLawsuit(ctx, u, id, in.Version, func(tx *sqlx.Tx, l *Lawsuit) (cases.Change, error) {
		if l.Outcome != nil {
			return cases.Change{}, apperr.State("lawsuit.judged", "本审级已于%s结案", l.JudgedOn)
		}
		if judged.Before(l.ComplaintReceivedOn) {
			return cases.Change{}, cases.FieldError("lawsuit.judged_before_complaint", "judged_on", "裁判日期不能早于收到起诉状日期")
		}
		lost := Lost(o.Code)
		err := NewStore(tx).SetJudgment(ctx, id, o, judged, served, lost)
		verdict := "未败诉"
		if lost {
			verdict = "败诉"
		}
		return cases.Change{Action: "lawsuit.judged", Summary: fmt.Sprintf("%s：%s（%s，%s）", judged, o.Label, o.Basis, verdict), New: map[string]any{"outcome": o.Code, "lost": lost}}, err
	})
}

// RecordAppealDecision records whether the agency appeals.
func (s *Service) RecordAppealDecision(ctx context.Context, u *auth.User, id int64, decision, on string, version int) (*Lawsuit, error) {
	f := apperr.Fields{}
	d := cases.CheckDate(f, "on", "决定日期", on, true, s.Today())
	if decision != "appeal" && decision != "no_appeal" {
		f.Add("decision", "须为 appeal（上诉）或 no_appeal（不上诉）")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.ChangeLawsuit(ctx, u, id, version, func(tx *sqlx.Tx, l *Lawsuit) (cases.Change, error) {
		if l.ServedOn.IsZero() || l.Outcome == nil {
			return cases.Change{}, apperr.State("lawsuit.no_appealable", "尚无已送达的判决或裁定")
		}
		st := NewStore(tx)
		var previous string
		if l.PreviousLawsuitID != nil {
			var err error
			if previous, err = st.Instance(ctx, *l.PreviousLawsuitID); err != nil {
				return cases.Change{}, err
			}
		}
		if ap := AppealPeriod(l.Instance, previous, *l.Outcome); ap.Days == 0 {
			return cases.Change{}, apperr.State("lawsuit.not_appealable", "%s", ap.Basis)
		}
		err := st.SetAppealDecision(ctx, id, decision, d)
		label := map[string]string{"appeal": "决定上诉", "no_appeal": "决定不上诉"}[decision]
		return cases.Change{Action: "lawsuit.appeal_decision", Summary: fmt.Sprintf("%s%s", d, label)}, err
	})
}

// SuggestionInput is the body of POST /lawsuits/{id}/suggestions.
type SuggestionInput struct {
	Kind       string `json:"kind"`
	ReceivedOn string `json:"received_on"`
	ReplyDueOn string `json:"reply_due_on"`
	RepliedOn  string `json:"replied_on"`
	Content    string `json:"content"`
	ID         int64  `json:"id"` // when set, records the reply of an existing suggestion
	Version    int    `json:"version"`
}

// SuggestionReplyDays is the [H] default reply period when the 建议 names none (检察建议: 两个月,
// 人民检察院检察建议工作规定第19条; used for 司法建议 too).
const SuggestionReplyDays = 60

// RecordSuggestion records a 司法建议 or 检察建议, or the reply to one (办复率).
func (s *Service) RecordSuggestion(ctx context.Context, u *auth.User, id int64, in SuggestionInput) (*Lawsuit, error) {
	f := apperr.Fields{}
	today := s.Today()
	replied := cases.CheckDate(f, "replied_on", "回复日期", in.RepliedOn, in.ID > 0, today)
	var received, due date.Date
	if in.ID == 0 {
		if in.Kind != "judicial" && in.Kind != "procuratorial" {
			f.Add("kind", "须为 judicial（司法建议）或 procuratorial（检察建议）")
		}
		received = cases.CheckDate(f, "received_on", "收到日期", in.ReceivedOn, true, today)
		due = cases.CheckDateAny(f, "reply_due_on", "回复期限", in.ReplyDueOn)
		if due.IsZero() && !received.IsZero() {
			due = received.AddDays(SuggestionReplyDays)
		}
		if !due.IsZero() && !received.IsZero() && due.Before(received) {
			f.Add("reply_due_on", "回复期限不能早于收到日期")
		}
		if !replied.IsZero() && !received.IsZero() && replied.Before(received) {
			f.Add("replied_on", "回复日期不能早于收到日期")
		}
		if utf8.RuneCountInString(in.Content) > 20000 {
			f.Add("content", "内容不超过20000字")
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.ChangeLawsuit(ctx, u, id, in.Version, func(tx *sqlx.Tx, l *Lawsuit) (cases.Change, error) {
		st := NewStore(tx)
		if in.ID > 0 {
			rec, err := st.SuggestionReceived(ctx, id, in.ID)
			if err != nil {
				return cases.Change{}, err
			}
			if replied.Before(rec) {
				return cases.Change{}, cases.FieldError("suggestion.reply_before_receipt", "replied_on", "回复日期不能早于收到日期")
			}
			err = st.SetSuggestionReply(ctx, in.ID, replied)
			return cases.Change{Action: "lawsuit.suggestion_replied", Summary: fmt.Sprintf("%s书面回复建议", replied)}, err
		}
		err := st.AddSuggestion(ctx, id, in.Kind, received, due, replied, strings.TrimSpace(in.Content))
		label := map[string]string{"judicial": "司法建议", "procuratorial": "检察建议"}[in.Kind]
		return cases.Change{Action: "lawsuit.suggestion", Summary: fmt.Sprintf("%s收到%s，回复期限%s", received, label, due)}, err
	})
}
