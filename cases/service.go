package cases

import (
	"errors"

	"github.com/lib/pq"

	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"sync"

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
	// Assigned is told, inside the transaction of an assignment, of the officers newly assigned to a case or
	// newly made its lead (the notices feature tells them); nil: nobody is told.
	Assigned AssignedFunc

	renderStart sync.Once
	renders     chan renderJob // the renderings to make after the answers (renderLater)
}

// Posting is the news of officers put on a case: each of Officers is new on its team, or its new lead.
type Posting struct {
	CaseID   int64
	CaseNo   string // the 案号 (the registration number before acceptance)
	Version  int    // the case's version after the assignment (one notice per officer and assignment)
	Officers []Officer
	By       string
}

// AssignedFunc learns of an assignment through the transaction that made it.
type AssignedFunc func(ctx context.Context, tx *sqlx.Tx, p Posting) error

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

// AnswerFunc builds the answer to a registration inside its transaction, so the answer a retry replays is
// committed together with the case it describes. r.View gives the case as the transaction wrote it.
type AnswerFunc func(ctx context.Context, r *Registered) (status int, body []byte, err error)

// Registered is a case just registered, as its transaction wrote it.
type Registered struct {
	ID   int64
	view func(ctx context.Context) (*View, error)
}

// View is the view of the new case, built from what the transaction wrote (no re-reading) and the other
// applications contesting the same act (one read).
func (r *Registered) View(ctx context.Context) (*View, error) { return r.view(ctx) }

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
		r, err := s.register(ctx, tx, cal, u, in.Application, in.RealEstate)
		if err != nil {
			return err
		}
		if out.Status, out.Body, err = answer(ctx, r); err != nil {
			return err
		}
		return idempotency.Store(ctx, tx, in.Key, out.Status, out.Body)
	})
	return out, err
}

// register writes the case, its parties, deadlines and event: three statements. The deadlines are computed
// from the facts in hand (a new case has no correction, acceptance or handling yet).
func (s *Service) register(ctx context.Context, tx *sqlx.Tx, cal *calendar.Calendar, u *auth.User, v Validated, realEstate bool) (*Registered, error) {
	st := NewStore(tx)
	lastDay, note := ApplicationPeriod(cal, v.ActKnownOn, v.ActMadeOn, v.ReceivedOn, v.PostmarkedOn, realEstate)
	prefix := "FYJG"
	if u.WindowID != nil {
		prefix = u.WindowCode
	}
	c := &Case{QueryCode: newQueryCode(), WindowID: u.WindowID, RegisteredBy: u.ID, Channel: v.Channel, ReceivedOn: v.ReceivedOn,
		AgencyID: v.AgencyID, ActTitle: v.ActTitle, ActDocNo: v.ActDocNo, ActMadeOn: v.ActMadeOn, ActKnownOn: v.ActKnownOn,
		Matter: v.Matter, Requests: v.Requests, Facts: v.Facts, Materials: nonNil(v.Materials), ApplyLastDay: lastDay,
		LateNote: note, Status: StatusRegistered, ReviewFrom: v.ReceivedOn, SimplifiedGrounds: []string{},
		PostmarkedOn: v.PostmarkedOn}
	if u.WindowID != nil {
		c.WindowCode = u.WindowCode
	}
	ins, ok, err := st.insertApplication(ctx, fmt.Sprintf("%s-%d-", prefix, v.ReceivedOn.Year()), c.QueryCode, u, v, lastDay, note)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &apperr.Error{Kind: apperr.Invalid, Code: ErrAgencyUnknown.Code, Message: ErrAgencyUnknown.Message,
			Fields: map[string]string{"respondent_agency_id": ErrAgencyUnknown.Message}}
	}
	c.ID, c.RegistrationNo, c.Version, c.AgencyName, c.AgencyCategory = ins.ID, ins.RegistrationNo, ins.Version, ins.AgencyName, ins.AgencyCategory
	ds, err := Compute(cal, Facts{ReceivedOn: c.ReceivedOn})
	if err != nil {
		return nil, err
	}
	if err := st.insertDeadlines(ctx, c.ID, ds); err != nil {
		return nil, err
	}
	due := dueMap(ds)
	summary := fmt.Sprintf("登记行政复议申请 %s（%s）", c.RegistrationNo, ChannelLabel(v.Channel))
	if note != "" {
		summary += "；提示：" + note
	}
	ev, err := audit.RecordReturning(ctx, tx, c.ID, u.ID, u.Name, "case.registered", summary, nil,
		map[string]any{"status": StatusRegistered, "registration_no": c.RegistrationNo, "deadlines": due})
	if err != nil {
		return nil, err
	}
	var ids []struct {
		ID       int64  `json:"id"`
		Role     string `json:"role"`
		Position int    `json:"position"`
	}
	if err := json.Unmarshal(ins.Parties, &ids); err != nil {
		return nil, fmt.Errorf("cases: inserted parties: %w", err)
	}
	return &Registered{ID: c.ID, view: func(ctx context.Context) (*View, error) {
		view := newView(c)
		for _, g := range [][]Party{v.Applicants, v.ThirdParties, v.Agents} {
			for i, p := range g {
				p.CaseID, p.Position = c.ID, i
				for _, x := range ids {
					if x.Role == p.Role && x.Position == i {
						p.ID = x.ID
					}
				}
				view.addParty(p)
			}
		}
		view.setDeadlines(ds, s.Today())
		view.Assignment = &Assignment{Officers: []Officer{}, Required: Staffing{Min: ins.MinOfficers}.Required(false)}
		view.Handling = emptyHandling()
		view.Events = []audit.Event{ev}
		var err error
		if view.Series, err = NewStore(tx).Series(ctx, c.ID, c.ActDocNo); err != nil {
			return nil, err
		}
		return view, nil
	}}, nil
}

// facts gathers everything the clock depends on.
func (s *Service) facts(ctx context.Context, st *Store, c *Case) (Facts, error) {
	f := Facts{ReceivedOn: c.ReceivedOn, AcceptedOn: c.AcceptedOn, DeemedAccepted: c.DeemedAccepted, RejectedOn: c.RejectedOn,
		TransferredOn: c.TransferredOn, Procedure: c.ProcedureValue(), Abandoned: c.Status == StatusAbandoned}
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
	sn, err := NewStore(tx).snapshot(ctx, id)
	if err != nil {
		return nil, err
	}
	ds, err := s.recomputeSnapshot(ctx, tx, cal, sn)
	if err != nil {
		return nil, err
	}
	return dueMap(ds), nil
}

// recomputeSnapshot derives the deadlines of the case sn from its facts, stores them (one statement) and
// leaves them in sn as stored (the deadlines of other features kept as they were).
func (s *Service) recomputeSnapshot(ctx context.Context, tx sqlx.ExtContext, cal *calendar.Calendar, sn *snapshot) ([]Deadline, error) {
	ds, err := Compute(cal, sn.facts())
	if err != nil {
		return nil, err
	}
	if err := NewStore(tx).SaveDeadlines(ctx, sn.Case.ID, ds); err != nil {
		return nil, err
	}
	kept := append([]Deadline(nil), ds...)
	for _, d := range sn.Deadlines {
		if containsString(ForeignDeadlineKinds, d.Kind) {
			kept = append(kept, d)
		}
	}
	sn.Deadlines = kept
	return ds, nil
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
// fn describes with the due dates before and after, and returns the case as it now is, built inside the same
// transaction (so an answer never fails after the change was committed). It is the one path every state
// change takes. The documents the change produced are issued (their text frozen) in the transaction and
// rendered after it, without holding its locks (see renderIssued).
//
// Statements: the lock (which also checks visibility and bumps the version), a snapshot of the case before
// fn and one after it, the deadlines, the hearings, the issued documents and the event, plus what fn runs.
func (s *Service) change(ctx context.Context, u *auth.User, id int64, version int, fn changeFn) (*View, error) {
	cal, err := s.Calendar.Get(ctx)
	if err != nil {
		return nil, err
	}
	var v *View
	var docs []FrozenDoc
	err = database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
		st := NewStore(tx)
		old, err := st.lockVisible(ctx, id, u)
		if err != nil {
			return err
		}
		if version > 0 && version != old {
			return apperr.Stale
		}
		sn, err := st.snapshot(ctx, id)
		if err != nil {
			return err
		}
		before := sn.Deadlines
		c := sn.Case
		c.Version = old // fn sees the case as it was
		c.corr, c.corrRead = sn.Correction, true
		ch, err := fn(tx, c, cal)
		if err != nil {
			return err
		}
		if sn, err = st.snapshot(ctx, id); err != nil {
			return err
		}
		ds, err := s.recomputeSnapshot(ctx, tx, cal, sn)
		if err != nil {
			return err
		}
		after := dueMap(ds)
		if ch.Old == nil {
			ch.Old = map[string]any{}
		}
		if ch.New == nil {
			ch.New = map[string]any{}
		}
		ch.Old["deadlines"], ch.New["deadlines"] = dueMap(before), after
		v = sn.view(s.Today())
		if err := s.addHearings(ctx, tx, v); err != nil {
			return err
		}
		// the documents this change produced are issued now, frozen with their own dates, and named in
		// the change's event
		issued, ids, err := s.issuePending(ctx, tx, u, v, sn.Issued)
		if err != nil {
			return err
		}
		docs = append(ch.frozen, ids...)
		if len(issued) > 0 {
			ch.Summary += "；制发" + strings.Join(issued, "、")
			ch.New["documents_issued"] = issued
		}
		name := ""
		if u != nil {
			name = u.Name
		}
		ev, err := audit.RecordReturning(ctx, tx, id, u.ID, name, ch.Action, ch.Summary, ch.Old, ch.New)
		if err != nil {
			return err
		}
		v.Events = append(v.Events, ev)
		return nil
	})
	if Archived(err) {
		return nil, ErrArchived
	}
	if err != nil {
		return nil, err
	}
	// committed: the issued documents are rendered after the answer, outside the transaction and its locks;
	// a rendering lost (crash, error, full queue) is produced from the frozen text when first fetched
	s.renderLater(ctx, docs)
	return v, nil
}

// ErrArchived refuses a change to an archived case (its 卷宗 is read-only; the database refuses it).
var ErrArchived = apperr.State("case.archived", "本案已归档，卷宗只读，不能再变更；后来收到的材料请以“补充归档”方式上传")

// Archived reports whether err is the database's refusal to change an archived case (migration 0025).
func Archived(err error) bool {
	var pe *pq.Error
	return errors.As(err, &pe) && pe.Code == "42501" && strings.Contains(pe.Message, "is archived")
}

// View builds the answer for a case from db (the pool, or the transaction of a change): the case with
// its parties, deadlines, team, handling, audit trail and series in one statement and, from the hearings
// feature, its hearings.
func (s *Service) View(ctx context.Context, db sqlx.ExtContext, c *Case) (*View, error) {
	sn, err := NewStore(db).snapshot(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	v := sn.view(s.Today())
	if err := s.addHearings(ctx, db, v); err != nil {
		return nil, err
	}
	return v, nil
}

// addHearings adds the hearings of the case from the hearings feature (if any).
func (s *Service) addHearings(ctx context.Context, db sqlx.ExtContext, v *View) error {
	if s.Hearings == nil {
		return nil
	}
	hs, err := s.Hearings.CaseHearings(ctx, db, v.ID)
	if err != nil {
		return err
	}
	v.Hearings = hs
	return nil
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
