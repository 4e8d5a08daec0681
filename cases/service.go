package cases

import (
	"errors"

	"github.com/lib/pq"

	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/apperr"
	"fuyi/internal/audit"
	"fuyi/internal/auth"
	"fuyi/internal/calendar"
	"fuyi/internal/database"
	"fuyi/internal/date"
	"fuyi/internal/idempotency"
	"fuyi/internal/pdf"
)

// Service performs the state changes of cases, each in one transaction with its deadlines and audit events.
// It owns every transaction it needs: it opens, uses and closes them.
type Service struct {
	DB       *sqlx.DB
	Calendar *calendar.Provider
	Today    func() date.Date
	Hearings HearingLister  // the hearings of a case for its view and the 听证通知书 (nil: none)
	Docs     *pdf.Templates // the texts of the official documents (templates/docs)
	// Effective is told, inside the transaction of the change, when a 决定书 or 意见书 of a case takes legal
	// effect (the supervision feature prepares the 抄告 of 复议法第79条第2款); nil: nobody is told.
	Effective EffectiveFunc
}

// Effect is a document of a case taking legal effect: the 决定书 on service (复议法第75条), a 意见书 on receipt.
type Effect struct {
	CaseID   int64
	Document string // "decision" (决定书, not a 调解书) or "opinion" (意见书, not a 建议书)
	LetterID int64  // the 意见书, for Document "opinion"
	On       date.Date
	ActorID  int64
}

// EffectiveFunc learns of an Effect through the transaction that made it.
type EffectiveFunc func(ctx context.Context, tx *sqlx.Tx, e Effect) error

// HearingLister gives cases what the hearings feature (which builds on cases) knows about a case, read
// through db: the caller's pool or transaction.
type HearingLister interface {
	// CaseHearings lists the hearings of a case for its view.
	CaseHearings(ctx context.Context, db sqlx.ExtContext, caseID int64) ([]any, error)
	// HearingNotice is what the 听证通知书 of hearing ref says, or nil when the case has no such hearing.
	HearingNotice(ctx context.Context, db sqlx.ExtContext, caseID int64, ref string) (*HearingInfo, error)
}

// NewService builds the service; hearings and docs come from the composition root.
func NewService(db *sqlx.DB, cal *calendar.Provider, today func() date.Date, hearings HearingLister, docs *pdf.Templates) *Service {
	if today == nil {
		today = date.Today
	}
	return &Service{DB: db, Calendar: cal, Today: today, Hearings: hearings, Docs: docs}
}

const queryAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

func newQueryCode() string {
	b := make([]byte, 8)
	for i := range b {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(queryAlphabet))))
		if err != nil {
			panic(err)
		}
		b[i] = queryAlphabet[n.Int64()]
	}
	return string(b)
}

// Intake is an application to register with the Idempotency-Key of its request.
type Intake struct {
	Application Validated
	RealEstate  bool
	Key         idempotency.Key
}

// AnswerFunc builds the answer to a registration inside its transaction (db is that transaction), so the
// answer a retry replays is committed together with the case it describes.
type AnswerFunc func(ctx context.Context, db sqlx.ExtContext, id int64) (status int, body []byte, err error)

// Register stores a validated application in one transaction with its parties, deadlines, audit event and
// the answer kept for its Idempotency-Key; a retried request gets the first answer. Window staff register
// for their own 司法所; others register without one (received by the 复议机构 directly).
func (s *Service) Register(ctx context.Context, u *auth.User, in Intake, answer AnswerFunc) (idempotency.Replay, error) {
	// the calendar is read before the transaction: nothing inside it asks the pool for a second connection
	cal, err := s.Calendar.Get(ctx)
	if err != nil {
		return idempotency.Replay{}, err
	}
	var out idempotency.Replay
	err = database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
		replay, err := idempotency.Claim(ctx, tx, in.Key)
		if err != nil {
			return err
		}
		if replay != nil {
			out = *replay
			return nil
		}
		id, err := s.register(ctx, tx, cal, u, in.Application, in.RealEstate)
		if err != nil {
			return err
		}
		if out.Status, out.Body, err = answer(ctx, tx, id); err != nil {
			return err
		}
		return idempotency.Store(ctx, tx, in.Key, out.Status, out.Body)
	})
	return out, err
}

func (s *Service) register(ctx context.Context, tx *sqlx.Tx, cal *calendar.Calendar, u *auth.User, v Validated, realEstate bool) (int64, error) {
	st := NewStore(tx)
	active, err := st.AgencyActive(ctx, v.AgencyID)
	if err != nil {
		return 0, err
	}
	if !active {
		return 0, &apperr.Error{Kind: apperr.Invalid, Code: ErrAgencyUnknown.Code, Message: ErrAgencyUnknown.Message,
			Fields: map[string]string{"respondent_agency_id": ErrAgencyUnknown.Message}}
	}
	lastDay, note := ApplicationPeriod(cal, v.ActKnownOn, v.ActMadeOn, v.ReceivedOn, v.PostmarkedOn, realEstate)
	prefix := "FYJG"
	if u.WindowID != nil {
		prefix = u.WindowCode
	}
	year := v.ReceivedOn.Year()
	serial, err := st.NextRegistrationSerial(ctx)
	if err != nil {
		return 0, err
	}
	regNo := fmt.Sprintf("%s-%d-%06d", prefix, year, serial)
	id, err := st.Insert(ctx, regNo, newQueryCode(), u, v, lastDay, note)
	if err != nil {
		return 0, err
	}
	due, err := s.recompute(ctx, tx, cal, id)
	if err != nil {
		return 0, err
	}
	summary := fmt.Sprintf("登记行政复议申请 %s（%s）", regNo, ChannelLabel(v.Channel))
	if note != "" {
		summary += "；提示：" + note
	}
	return id, audit.Record(ctx, tx, id, u.ID, "case.registered", summary, nil,
		map[string]any{"status": StatusRegistered, "registration_no": regNo, "deadlines": due})
}

// facts gathers everything the clock depends on.
func (s *Service) facts(ctx context.Context, st *Store, c *Case) (Facts, error) {
	f := Facts{ReceivedOn: c.ReceivedOn, AcceptedOn: c.AcceptedOn, DeemedAccepted: c.DeemedAccepted, RejectedOn: c.RejectedOn,
		Procedure: c.ProcedureValue(), Abandoned: c.Status == StatusAbandoned}
	corr, err := st.Correction(ctx, c.ID)
	if err != nil {
		return f, err
	}
	f.Correction = corr
	if corr != nil {
		// the service date as recorded on the correction; service records of issued documents can feed it later
		f.CorrectionServedOn = corr.ServedOn
	}
	if err := st.handlingFacts(ctx, c.ID, &f); err != nil {
		return f, err
	}
	return f, nil
}

// recompute derives and stores the deadlines of a case; it returns the due dates by kind for the audit trail.
func (s *Service) recompute(ctx context.Context, tx sqlx.ExtContext, cal *calendar.Calendar, id int64) (map[string]string, error) {
	st := NewStore(tx)
	c, err := st.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	f, err := s.facts(ctx, st, c)
	if err != nil {
		return nil, err
	}
	ds, err := Compute(cal, f)
	if err != nil {
		return nil, err
	}
	if err := st.SaveDeadlines(ctx, id, ds); err != nil {
		return nil, err
	}
	return dueMap(ds), nil
}

// DueMap gives the due date (or the state, when there is none) of each open deadline by kind, for the
// audit trail.
func DueMap(ds []Deadline) map[string]string { return dueMap(ds) }

func dueMap(ds []Deadline) map[string]string {
	m := map[string]string{}
	for _, d := range ds {
		if d.Status == DeadlineMet || d.Status == DeadlineCancelled {
			continue
		}
		v := d.DueOn.String()
		if v == "" {
			v = StatusLabel(d.Status)
		}
		m[d.Kind] = v
	}
	return m
}

// change runs fn on a locked case inside a transaction, recomputes the deadlines, records the event that
// fn describes with the due dates before and after, and returns the case as it now is, read inside the same
// transaction (so an answer never fails after the change was committed). It is the one path every state
// change takes.
func (s *Service) change(ctx context.Context, u *auth.User, id int64, version int, fn changeFn) (*View, error) {
	cal, err := s.Calendar.Get(ctx)
	if err != nil {
		return nil, err
	}
	var v *View
	err = database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
		st := NewStore(tx)
		c, err := st.Lock(ctx, id)
		if err != nil {
			return err
		}
		if _, err := st.GetVisible(ctx, id, u); err != nil {
			return err
		}
		if version > 0 && version != c.Version {
			return apperr.Stale
		}
		before, err := st.Deadlines(ctx, id)
		if err != nil {
			return err
		}
		ch, err := fn(tx, c, cal)
		if err != nil {
			return err
		}
		if err := st.bumpVersion(ctx, id); err != nil {
			return err
		}
		after, err := s.recompute(ctx, tx, cal, id)
		if err != nil {
			return err
		}
		if ch.Old == nil {
			ch.Old = map[string]any{}
		}
		if ch.New == nil {
			ch.New = map[string]any{}
		}
		ch.Old["deadlines"], ch.New["deadlines"] = dueMap(before), after
		c, err = st.Get(ctx, id)
		if err != nil {
			return err
		}
		if v, err = s.View(ctx, tx, c); err != nil {
			return err
		}
		// the documents this change produced are issued now, frozen with their own dates, and named in
		// the change's event
		issued, err := s.issuePending(ctx, tx, u, v)
		if err != nil {
			return err
		}
		if len(issued) > 0 {
			ch.Summary += "；制发" + strings.Join(issued, "、")
			ch.New["documents_issued"] = issued
		}
		if err := audit.Record(ctx, tx, id, u.ID, ch.Action, ch.Summary, ch.Old, ch.New); err != nil {
			return err
		}
		v, err = s.View(ctx, tx, c)
		return err
	})
	if Archived(err) {
		return nil, ErrArchived
	}
	return v, err
}

// ErrArchived refuses a change to an archived case (its 卷宗 is read-only; the database refuses it).
var ErrArchived = apperr.State("case.archived", "本案已归档，卷宗只读，不能再变更；后来收到的材料请以“补充归档”方式上传")

// Archived reports whether err is the database's refusal to change an archived case (migration 0025).
func Archived(err error) bool {
	var pe *pq.Error
	return errors.As(err, &pe) && pe.Code == "42501" && strings.Contains(pe.Message, "is archived")
}

// View builds the answer for a case from db (the pool, or the transaction of a change): the case with
// its parties, deadlines, team, handling, audit trail and, from the hearings feature, its hearings.
func (s *Service) View(ctx context.Context, db sqlx.ExtContext, c *Case) (*View, error) {
	v, err := BuildView(ctx, db, c, s.Today())
	if err != nil {
		return nil, err
	}
	if s.Hearings != nil {
		if v.Hearings, err = s.Hearings.CaseHearings(ctx, db, c.ID); err != nil {
			return nil, err
		}
	}
	if v.Series, err = NewStore(db).Series(ctx, c.ID, c.ActDocNo); err != nil {
		return nil, err
	}
	return v, nil
}

func hasOrg(ps []Party) bool {
	for _, p := range ps {
		if p.Kind == "org" {
			return true
		}
	}
	return false
}

// RecomputeWaiting recomputes, each in its own transaction, the cases with a deadline waiting for a calendar
// or open recently (after the bureau entered or changed a year's calendar), recording changed due dates in
// the audit trail; it returns how many it recomputed.
func (s *Service) RecomputeWaiting(ctx context.Context, cal *calendar.Calendar, actorID int64) (int, error) {
	ids, err := NewStore(s.DB).Waiting(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		err := database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
			before, err := NewStore(tx).Deadlines(ctx, id)
			if err != nil {
				return err
			}
			after, err := s.recompute(ctx, tx, cal, id)
			if err != nil {
				return err
			}
			if fmt.Sprint(dueMap(before)) != fmt.Sprint(after) {
				return audit.Record(ctx, tx, id, actorID, "calendar.recomputed", "节假日安排更新，期限重新计算", map[string]any{"deadlines": dueMap(before)}, map[string]any{"deadlines": after})
			}
			return nil
		})
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
