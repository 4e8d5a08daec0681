package cases

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"fuyi/internal/apperr"
	"fuyi/internal/audit"
	"fuyi/internal/auth"
	"fuyi/internal/calendar"
	"fuyi/internal/database"
	"fuyi/internal/date"
)

// Service performs the state changes of cases, each in one transaction with its deadlines and audit events.
type Service struct {
	DB       *sqlx.DB
	Calendar *calendar.Provider
	Today    func() date.Date
}

func NewService(db *sqlx.DB, cal *calendar.Provider) *Service {
	return &Service{DB: db, Calendar: cal, Today: date.Today}
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

const insertCase = `INSERT INTO cases (registration_no, query_code, window_id, registered_by, channel, received_on,
	respondent_agency_id, act_title, act_doc_no, act_made_on, act_known_on, matter, requests, facts,
	apply_last_day, late_note, review_from, materials, applicant_org, postmarked_on)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $6, $17, $18, $19) RETURNING id`

const insertParty = `INSERT INTO case_parties (case_id, role, position, kind, name, id_type, id_number, credit_code,
	legal_rep, phone, address, sex, birth_date, agent_kind, firm, legal_rep_title)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`

// Register stores a validated application inside tx and returns its id. Window staff register for their
// own 司法所; others register without one (received by the 复议机构 directly).
func (s *Service) Register(ctx context.Context, tx *sqlx.Tx, u *auth.User, v Validated, realEstate bool) (int64, error) {
	var active bool
	if err := tx.GetContext(ctx, &active, `SELECT EXISTS (SELECT 1 FROM agencies WHERE id = $1 AND active)`, v.AgencyID); err != nil {
		return 0, err
	}
	if !active {
		return 0, &apperr.Error{Kind: apperr.Invalid, Code: ErrAgencyUnknown.Code, Message: ErrAgencyUnknown.Message,
			Fields: map[string]string{"respondent_agency_id": ErrAgencyUnknown.Message}}
	}
	cal, err := s.Calendar.Get(ctx)
	if err != nil {
		return 0, err
	}
	lastDay, note := ApplicationPeriod(cal, v.ActKnownOn, v.ActMadeOn, v.ReceivedOn, v.PostmarkedOn, realEstate)
	prefix := "FYJG"
	if u.WindowID != nil {
		prefix = u.WindowCode
	}
	year := v.ReceivedOn.Year()
	var serial int64
	if err := tx.GetContext(ctx, &serial, `SELECT nextval('registration_seq')`); err != nil {
		return 0, fmt.Errorf("cases: registration serial: %w", err)
	}
	regNo := fmt.Sprintf("%s-%d-%06d", prefix, year, serial)
	var id int64
	err = tx.GetContext(ctx, &id, insertCase, regNo, newQueryCode(), u.WindowID, u.ID, v.Channel, v.ReceivedOn,
		v.AgencyID, v.ActTitle, v.ActDocNo, v.ActMadeOn, v.ActKnownOn, v.Matter, v.Requests, v.Facts, lastDay, note,
		pq.Array(nonNil(v.Materials)), hasOrg(v.Applicants), v.PostmarkedOn)
	if err != nil {
		return 0, fmt.Errorf("cases: insert: %w", err)
	}
	groups := [][]Party{v.Applicants, v.ThirdParties, v.Agents}
	for _, g := range groups {
		for i, p := range g {
			if _, err := tx.ExecContext(ctx, insertParty, id, p.Role, i, p.Kind, p.Name, p.IDType, p.IDNumber,
				p.CreditCode, p.LegalRep, p.Phone, p.Address, p.Sex, p.BirthDate, p.AgentKind, p.Firm, p.RepTitle); err != nil {
				return 0, fmt.Errorf("cases: insert party: %w", err)
			}
		}
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

// change runs fn on a locked case inside a transaction, recomputes the deadlines and records the event that
// fn describes, with the due dates before and after. It is the one path every state change takes.
func (s *Service) change(ctx context.Context, u *auth.User, id int64, version int, fn func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (action, summary string, old, new map[string]any, err error)) error {
	cal, err := s.Calendar.Get(ctx)
	if err != nil {
		return err
	}
	return database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
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
		action, summary, old, new, err := fn(tx, c, cal)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET version = version + 1, updated_at = now() WHERE id = $1`, id); err != nil {
			return err
		}
		after, err := s.recompute(ctx, tx, cal, id)
		if err != nil {
			return err
		}
		if old == nil {
			old = map[string]any{}
		}
		if new == nil {
			new = map[string]any{}
		}
		old["deadlines"], new["deadlines"] = dueMap(before), after
		return audit.Record(ctx, tx, id, u.ID, action, summary, old, new)
	})
}

// ReviewInput is the body of POST /cases/{id}/review.
type ReviewInput struct {
	Outcome           string   `json:"outcome"`
	On                string   `json:"on"`
	Procedure         string   `json:"procedure"`
	SimplifiedGrounds []string `json:"simplified_grounds"`
	Reason            string   `json:"reason"`
	Items             []string `json:"items"`
	// ServedOn is, for a 补正 notice handed to the applicant at once, the day of service (复议法第31条第2款).
	ServedOn string `json:"served_on"`
	Version  int    `json:"version"`
}

const nextCaseSerial = `INSERT INTO case_serials (year, last) VALUES ($1, 1)
ON CONFLICT (year) DO UPDATE SET last = case_serials.last + 1 RETURNING last`

// Review records the outcome of 受理审查 (复议法第30–31条): accept (ordinary or simplified), ask for 补正, or
// 不予受理. Acceptance assigns the case number in the same transaction.
func (s *Service) Review(ctx context.Context, u *auth.User, id int64, in ReviewInput) error {
	if u.Role != auth.RoleChief {
		return ErrOnlyChiefReview
	}
	f := apperr.Fields{}
	on := checkDate(f, "on", "审查决定日期", in.On, true, s.Today())
	served := checkDate(f, "served_on", "补正通知送达日期", in.ServedOn, false, s.Today())
	if !served.IsZero() && in.Outcome != "correction" {
		f.Add("served_on", "只有通知补正时才填写补正通知送达日期")
	}
	if !served.IsZero() && !on.IsZero() && served.Before(on) {
		f.Add("served_on", "补正通知送达日期不能早于通知日期（%s）", on)
	}
	switch in.Outcome {
	case "accept":
		if in.Procedure != string(Ordinary) && in.Procedure != string(Simplified) {
			f.Add("procedure", "受理时须选择审理程序：ordinary（普通程序）或 simplified（简易程序）")
		}
		if in.Procedure == string(Simplified) {
			if len(in.SimplifiedGrounds) == 0 {
				f.Add("simplified_grounds", "适用简易程序须说明复议法第53条规定的情形")
			}
			for _, g := range in.SimplifiedGrounds {
				apperr.EnumOf("简易程序适用情形（复议法第53条）", SimplifiedGrounds).Add(f, "simplified_grounds", g)
			}
		}
	case "correction":
		var items []string
		for _, it := range in.Items {
			if it = strings.TrimSpace(it); it != "" {
				items = append(items, it)
			}
		}
		if len(items) == 0 {
			f.Add("items", "补正通知须一次性列明全部需要补正的事项（复议法第31条第1款）")
		}
		for i, it := range items {
			if len([]rune(it)) > 500 {
				f.Add(fmt.Sprintf("items[%d]", i), "每项补正事项不超过500字")
			}
		}
		in.Items = items
	case "reject", "inform":
		if strings.TrimSpace(in.Reason) == "" {
			f.Add("reason", "不予受理须说明理由（复议法第30条第2款）")
		}
	default:
		f.Add("outcome", "审查结果须为 accept（受理）、correction（补正）、reject（不予受理）或 inform（不属于本机关管辖，不予受理并告知有管辖权的机关）")
	}
	if err := f.Err(); err != nil {
		return err
	}
	return s.change(ctx, u, id, in.Version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (string, string, map[string]any, map[string]any, error) {
		st := NewStore(tx)
		corr, err := st.Correction(ctx, c.ID)
		if err != nil {
			return "", "", nil, nil, err
		}
		switch {
		case c.Status == StatusCorrection && corr != nil && corr.ReceivedOn.IsZero():
			return "", "", nil, nil, apperr.State("case.awaiting_correction", "已于%s通知补正，须先登记补正材料的收到日期，才能重新审查", corr.RequestedOn)
		case c.Status != StatusRegistered && c.Status != StatusCorrection:
			return "", "", nil, nil, apperr.State("case.already_reviewed", "该申请已审查完毕（当前状态：%s），不能重复审查", c.Status.Label())
		}
		if on.Before(c.ReviewFrom) {
			return "", "", nil, nil, fieldError("review.before_receipt", "on", fmt.Sprintf("审查决定日期不能早于收到申请（或补正材料）的日期%s", c.ReviewFrom))
		}
		reviewDue, err := cal.AddWorkdays(c.ReviewFrom, 5)
		if err != nil {
			return "", "", nil, nil, err
		}
		lapsed := on.After(reviewDue.Date)
		old := map[string]any{"status": c.Status}
		switch in.Outcome {
		case "correction":
			if corr != nil {
				return "", "", nil, nil, apperr.State("case.correction_once", "补正通知应当一次性载明全部补正事项（复议法第31条第1款），本申请已于%s通知过补正", corr.RequestedOn)
			}
			if lapsed {
				return "", "", nil, nil, fieldError("review.lapsed", "on", fmt.Sprintf("审查期限已于%s届满，依复议法第30条第3款视为受理，不能再通知补正；请作受理处理", reviewDue.Date))
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO corrections (case_id, requested_on, items, requested_by, served_on) VALUES ($1, $2, $3, $4, $5)`,
				c.ID, on, pq.Array(in.Items), u.ID, served); err != nil {
				return "", "", nil, nil, err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE cases SET status = 'correction' WHERE id = $1`, c.ID); err != nil {
				return "", "", nil, nil, err
			}
			summary := fmt.Sprintf("通知补正（%d项）：%s", len(in.Items), strings.Join(in.Items, "；"))
			if !served.IsZero() {
				summary += fmt.Sprintf("；补正通知于%s送达申请人", served)
			}
			return "case.correction_requested", summary, old, map[string]any{"status": StatusCorrection, "items": in.Items}, nil
		case "reject", "inform":
			if lapsed {
				return "", "", nil, nil, fieldError("review.lapsed", "on", fmt.Sprintf("审查期限已于%s届满，依复议法第30条第3款视为受理，不能再决定不予受理；受理后不符合受理条件的，依第33条决定驳回申请", reviewDue.Date))
			}
			if _, err := tx.ExecContext(ctx, `UPDATE cases SET status = 'rejected', rejected_on = $2, reject_reason = $3, reject_kind = $4 WHERE id = $1`,
				c.ID, on, strings.TrimSpace(in.Reason), in.Outcome); err != nil {
				return "", "", nil, nil, err
			}
			label := "决定不予受理："
			if in.Outcome == "inform" {
				label = "不属于本机关管辖，决定不予受理并告知申请人有管辖权的行政复议机关："
			}
			return "case.rejected", label + strings.TrimSpace(in.Reason), old,
				map[string]any{"status": StatusRejected, "rejected_on": on}, nil
		}
		// accept: 视为受理 when the review period lapsed (复议法第30条第3款): the clock then runs from its end.
		acceptedOn, deemed := on, false
		if lapsed {
			acceptedOn, deemed = reviewDue.Date, true
		}
		var serial int
		if err := tx.GetContext(ctx, &serial, nextCaseSerial, acceptedOn.Year()); err != nil {
			return "", "", nil, nil, fmt.Errorf("cases: case serial: %w", err)
		}
		organ, err := st.Organ(ctx)
		if err != nil {
			return "", "", nil, nil, err
		}
		caseNo := fmt.Sprintf("%s〔%d〕%d号", organ.DocPrefix, acceptedOn.Year(), serial)
		grounds := in.SimplifiedGrounds
		if in.Procedure != string(Simplified) {
			grounds = nil
		}
		_, err = tx.ExecContext(ctx, `UPDATE cases SET status = 'accepted', accepted_on = $2, deemed_accepted = $3, procedure = $4,
			simplified_grounds = $5, case_year = $6, case_serial = $7, case_no = $8 WHERE id = $1`,
			c.ID, acceptedOn, deemed, in.Procedure, pq.Array(nonNil(grounds)), acceptedOn.Year(), serial, caseNo)
		if err != nil {
			return "", "", nil, nil, fmt.Errorf("cases: accept: %w", err)
		}
		summary := fmt.Sprintf("决定受理，案号%s，适用%s", caseNo, Procedure(in.Procedure).Label())
		if deemed {
			summary += fmt.Sprintf("；审查期限已于%s届满，依复议法第30条第3款视为受理，受理日期以期限届满日计", reviewDue.Date)
		}
		return "case.accepted", summary, old, map[string]any{"status": StatusAccepted, "case_no": caseNo,
			"accepted_on": acceptedOn, "procedure": in.Procedure}, nil
	})
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// CorrectionReceived records the receipt of the 补正 materials; a new 5-working-day review starts
// (复议法第31条第3款).
func (s *Service) CorrectionReceived(ctx context.Context, u *auth.User, id int64, on string, version int) error {
	f := apperr.Fields{}
	d := checkDate(f, "on", "补正材料收到日期", on, true, s.Today())
	if err := f.Err(); err != nil {
		return err
	}
	return s.change(ctx, u, id, version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (string, string, map[string]any, map[string]any, error) {
		corr, err := NewStore(tx).Correction(ctx, c.ID)
		if err != nil {
			return "", "", nil, nil, err
		}
		if c.Status != StatusCorrection || corr == nil {
			return "", "", nil, nil, apperr.State("case.no_correction", "该申请没有待补正的通知（当前状态：%s）", c.Status.Label())
		}
		if !corr.ReceivedOn.IsZero() {
			return "", "", nil, nil, apperr.State("case.correction_received", "补正材料已于%s登记收到", corr.ReceivedOn)
		}
		if d.Before(corr.RequestedOn) {
			return "", "", nil, nil, fieldError("correction.before_notice", "on", fmt.Sprintf("补正材料收到日期不能早于补正通知日期%s", corr.RequestedOn))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE corrections SET received_on = $2 WHERE case_id = $1`, c.ID, d); err != nil {
			return "", "", nil, nil, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET review_from = $2 WHERE id = $1`, c.ID, d); err != nil {
			return "", "", nil, nil, err
		}
		summary := fmt.Sprintf("收到补正材料（%s），重新开始受理审查", d)
		if corr.ServedOn.IsZero() {
			summary += "；补正通知送达日期未登记"
		} else if due, err := cal.AddWorkdays(corr.ServedOn, 10); err == nil && d.After(due.Date) {
			summary += fmt.Sprintf("；注意：补正期限已于%s届满（复议法第31条第2款），请审查是否有正当理由", due.Date)
		}
		return "case.correction_received", summary, map[string]any{"review_from": c.ReviewFrom},
			map[string]any{"review_from": d}, nil
	})
}

// CorrectionServed records the day the applicant received the 补正 notice: the 10 working days of 复议法第31条
// 第2款 run from it. Until then the 补正 deadline waits (待送达).
func (s *Service) CorrectionServed(ctx context.Context, u *auth.User, id int64, on string, version int) error {
	f := apperr.Fields{}
	d := checkDate(f, "served_on", "补正通知送达日期", on, true, s.Today())
	if err := f.Err(); err != nil {
		return err
	}
	return s.change(ctx, u, id, version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (string, string, map[string]any, map[string]any, error) {
		corr, err := NewStore(tx).Correction(ctx, c.ID)
		if err != nil {
			return "", "", nil, nil, err
		}
		switch {
		case corr == nil:
			return "", "", nil, nil, apperr.State("case.no_correction", "该申请没有补正通知")
		case !corr.ServedOn.IsZero():
			return "", "", nil, nil, apperr.State("correction.already_served", "补正通知已登记于%s送达", corr.ServedOn)
		case d.Before(corr.RequestedOn):
			return "", "", nil, nil, fieldError("correction.served_before_notice", "served_on", fmt.Sprintf("送达日期不能早于补正通知日期%s", corr.RequestedOn))
		case !corr.ReceivedOn.IsZero() && d.After(corr.ReceivedOn):
			return "", "", nil, nil, fieldError("correction.served_after_materials", "served_on", fmt.Sprintf("送达日期不能晚于收到补正材料的日期%s", corr.ReceivedOn))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE corrections SET served_on = $2 WHERE case_id = $1`, c.ID, d); err != nil {
			return "", "", nil, nil, err
		}
		return "case.correction_served", fmt.Sprintf("补正通知于%s送达申请人，补正期限自该日起计算（复议法第31条第2款）", d),
			nil, map[string]any{"served_on": d}, nil
	})
}

func hasOrg(ps []Party) bool {
	for _, p := range ps {
		if p.Kind == "org" {
			return true
		}
	}
	return false
}
