package cases

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/audit"
	"fuyi/internal/date"
)

// querySnapshot reads in one statement everything a case's view, its clock and its documents depend on:
// the case row with its handling dates, and each list as a JSON array (keys are the db names of the Go
// fields, decoded by decodeJSONRows).
const querySnapshot = `SELECT ` + caseColumns + `,
	c.copy_sent_on, c.copy_received_on, c.reply_received_on, c.reply_postmarked_on, c.converted_on, c.concluded_on,
	c.served_on, c.performed_on, c.performance_note, o.min_officers, o.min_officers_complex,
	json_build_object('name', o.name, 'office_name', o.office_name, 'doc_prefix', o.doc_prefix, 'court_name', o.court_name,
		'address', o.address, 'phone', o.phone) AS organ_json,
	json_build_object('name', a.name, 'address', a.address, 'legal_rep', a.legal_rep, 'legal_rep_title', a.legal_rep_title) AS respondent_json,
	(SELECT json_agg(x ORDER BY x.role, x.position) FROM (SELECT id, case_id, role, position, kind, name, id_type, id_number,
		credit_code, legal_rep, legal_rep_title, phone, address, sex, birth_date, agent_kind, firm, represents
		FROM case_parties WHERE case_id = c.id) x) AS parties_json,
	(SELECT json_agg(x) FROM (SELECT requested_on, items, received_on, served_on FROM corrections WHERE case_id = c.id) x) AS correction_json,
	(SELECT json_agg(x) FROM (SELECT id, kind, ref, due_on, basis, status, met_on FROM deadlines
		WHERE case_id = c.id AND status <> 'cancelled') x) AS deadlines_json,
	(SELECT json_agg(x ORDER BY x.lead DESC, x.id) FROM (SELECT u.id, u.username, u.name, u.qualified, t.lead
		FROM case_assignments t JOIN users u ON u.id = t.user_id WHERE t.case_id = c.id AND t.removed_at IS NULL) x) AS team_json,
	(SELECT json_agg(x ORDER BY x.started_on) FROM (SELECT ground, note, started_on, ended_on FROM case_pauses
		WHERE case_id = c.id) x) AS pauses_json,
	(SELECT json_agg(x) FROM (SELECT on_date, days, reason FROM case_extensions WHERE case_id = c.id) x) AS extension_json,
	(SELECT json_agg(x ORDER BY x.id) FROM (SELECT id, given_on, opinion FROM committee_opinions WHERE case_id = c.id) x) AS committee_json,
	(SELECT json_agg(x ORDER BY x.version DESC) FROM (SELECT d.id, d.version, d.type, d.decided_on, d.articles, d.sections,
		d.ground, d.perform_due_on, d.status, p.name AS proposed_by, d.proposed_at, ap.name AS approved_by, d.approved_at,
		d.approval_mode, d.return_reason
		FROM decisions d JOIN users p ON p.id = d.proposed_by LEFT JOIN users ap ON ap.id = d.approved_by
		WHERE d.case_id = c.id) x) AS decisions_json,
	(SELECT json_agg(x ORDER BY x.id) FROM (SELECT id, kind, issued_on, received_on, content, reported_on, report_content
		FROM opinion_letters WHERE case_id = c.id) x) AS letters_json,
	(SELECT json_agg(x ORDER BY x.id) FROM (SELECT e.id, e.case_id, e.actor_id, coalesce(u.name, '系统') AS actor, e.at,
		e.action, e.summary, coalesce(e.old, 'null'::jsonb) AS old, coalesce(e.new, 'null'::jsonb) AS new
		FROM events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.case_id = c.id) x) AS events_json,
	(SELECT json_agg(d.type || '/' || d.ref) FROM issued_documents d WHERE d.case_id = c.id AND d.superseded_by IS NULL) AS issued_json,
	(SELECT json_agg(x ORDER BY x.received_on, x.id) FROM (SELECT s.id, coalesce(s.case_no, s.registration_no) AS no,
		s.received_on, s.status FROM cases s
		WHERE s.act_key = c.act_key AND s.act_doc_no <> '' AND s.id <> c.id AND c.act_key <> ''
		ORDER BY s.received_on, s.id LIMIT 20) x) AS series_json
` + caseFrom + ` JOIN organ o ON o.id = c.organ_id WHERE c.id = $1`

// snapshot is a case with everything its view, clock and documents depend on, read by one statement.
type snapshot struct {
	Case       *Case
	Parties    []Party
	Correction *Correction
	Deadlines  []Deadline
	Staffing   Staffing
	Team       []Officer
	Handling   *Handling
	Events     []audit.Event
	Issued     map[string]bool // type/ref of the current issued documents
	Series     []SeriesRef
	doc        docFacts
}

// docFacts are what the documents of a case need beyond its view.
type docFacts struct {
	Organ      Organ
	Respondent RespondentInfo
	WindowName string
	loaded     bool
}

type snapshotRow struct {
	Case
	CopySentOn     date.Date `db:"copy_sent_on"`
	CopyReceivedOn date.Date `db:"copy_received_on"`
	ReplyReceived  date.Date `db:"reply_received_on"`
	ReplyPosted    date.Date `db:"reply_postmarked_on"`
	ConvertedOn    date.Date `db:"converted_on"`
	ConcludedOn    date.Date `db:"concluded_on"`
	ServedOn       date.Date `db:"served_on"`
	PerformedOn    date.Date `db:"performed_on"`
	PerfNote       string    `db:"performance_note"`
	MinOfficers    int       `db:"min_officers"`
	MinComplex     int       `db:"min_officers_complex"`
	Organ          []byte    `db:"organ_json"`
	Respondent     []byte    `db:"respondent_json"`
	Parties        []byte    `db:"parties_json"`
	Correction     []byte    `db:"correction_json"`
	Deadlines      []byte    `db:"deadlines_json"`
	Team           []byte    `db:"team_json"`
	Pauses         []byte    `db:"pauses_json"`
	Extension      []byte    `db:"extension_json"`
	Committee      []byte    `db:"committee_json"`
	Decisions      []byte    `db:"decisions_json"`
	Letters        []byte    `db:"letters_json"`
	Events         []byte    `db:"events_json"`
	Issued         []byte    `db:"issued_json"`
	Series         []byte    `db:"series_json"`
}

// snapshot reads case id with everything that depends on it (ErrNotFound when there is no such case).
func (s *Store) snapshot(ctx context.Context, id int64) (*snapshot, error) {
	var r snapshotRow
	if err := sqlx.GetContext(ctx, s.db, &r, querySnapshot, id); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("cases: snapshot %d: %w", id, err)
	}
	c := r.Case
	sn := &snapshot{Case: &c, Staffing: Staffing{Min: r.MinOfficers, MinComplex: r.MinComplex}, Issued: map[string]bool{},
		Handling: &Handling{CopySentOn: r.CopySentOn, CopyReceivedOn: r.CopyReceivedOn, ReplyReceivedOn: r.ReplyReceived,
			ReplyPostmarkedOn: r.ReplyPosted, ConvertedOn: r.ConvertedOn, ConcludedOn: r.ConcludedOn, ServedOn: r.ServedOn,
			PerformedOn: r.PerformedOn, PerformanceNote: r.PerfNote, Pauses: []PauseView{}, CommitteeOpinions: []CommitteeOpinion{},
			Decisions: []DecisionView{}, OpinionLetters: []OpinionLetter{}},
		Team: []Officer{}, Events: []audit.Event{}}
	sn.doc = docFacts{WindowName: c.WindowName, loaded: true}
	var corr []Correction
	var ext []ExtensionView
	var keys []string
	for _, x := range []struct {
		raw []byte
		dst any
	}{{r.Organ, &sn.doc.Organ}, {r.Respondent, &sn.doc.Respondent}, {r.Parties, &sn.Parties}, {r.Correction, &corr},
		{r.Deadlines, &sn.Deadlines}, {r.Team, &sn.Team}, {r.Pauses, &sn.Handling.Pauses}, {r.Extension, &ext},
		{r.Committee, &sn.Handling.CommitteeOpinions}, {r.Decisions, &sn.Handling.Decisions},
		{r.Letters, &sn.Handling.OpinionLetters}, {r.Events, &sn.Events}, {r.Series, &sn.Series}} {
		if err := decodeJSONRows(x.raw, x.dst); err != nil {
			return nil, fmt.Errorf("cases: snapshot %d: %w", id, err)
		}
	}
	if len(r.Issued) > 0 {
		if err := json.Unmarshal(r.Issued, &keys); err != nil {
			return nil, fmt.Errorf("cases: snapshot %d: issued: %w", id, err)
		}
	}
	for _, k := range keys {
		sn.Issued[k] = true
	}
	if len(corr) > 0 {
		sn.Correction = &corr[0]
	}
	if len(ext) > 0 {
		sn.Handling.Extension = &ext[0]
	}
	for i := range sn.Handling.Pauses {
		g, _ := GroundOf(SuspensionGrounds, sn.Handling.Pauses[i].Ground)
		sn.Handling.Pauses[i].Text = g.Text
	}
	for i := range sn.Handling.Decisions {
		d := &sn.Handling.Decisions[i]
		t, _ := DecisionTypeOf(d.Type)
		d.TypeLabel = t.Label
		d.Sections = map[string]string{}
		if err := json.Unmarshal(d.SectionsRaw, &d.Sections); err != nil {
			return nil, fmt.Errorf("cases: decision %d sections: %w", d.ID, err)
		}
	}
	return sn, nil
}

// facts are what the clock of the case depends on (as Service.facts reads them).
func (sn *snapshot) facts() Facts {
	c, h := sn.Case, sn.Handling
	f := Facts{ReceivedOn: c.ReceivedOn, AcceptedOn: c.AcceptedOn, DeemedAccepted: c.DeemedAccepted, RejectedOn: c.RejectedOn,
		TransferredOn: c.TransferredOn, Procedure: c.ProcedureValue(), Abandoned: c.Status == StatusAbandoned, Correction: sn.Correction,
		CopySentOn: h.CopySentOn, CopyReceivedOn: h.CopyReceivedOn, ReplyReceivedOn: h.ReplyReceivedOn,
		ReplyPostmarkedOn: h.ReplyPostmarkedOn, ConvertedOn: h.ConvertedOn, ConcludedOn: h.ConcludedOn, ServedOn: h.ServedOn,
		PerformedOn: h.PerformedOn}
	if sn.Correction != nil {
		f.CorrectionServedOn = sn.Correction.ServedOn
	}
	if h.Extension != nil {
		f.ExtensionDays = h.Extension.Days
	}
	if d := h.Current(); d != nil {
		f.DecisionType, f.PerformDueOn = d.Type, d.PerformDueOn
	}
	for _, p := range h.Pauses {
		f.Pauses = append(f.Pauses, Pause{From: p.StartedOn, To: p.EndedOn, Ground: p.Ground})
	}
	for _, l := range h.OpinionLetters {
		f.Letters = append(f.Letters, LetterFact{ID: l.ID, Kind: l.Kind, ReceivedOn: l.ReceivedOn, ReportedOn: l.ReportedOn})
	}
	return f
}

// view is the view of the snapshot on day today (hearings are the hearings feature's: not included).
func (sn *snapshot) view(today date.Date) *View {
	v := newView(sn.Case)
	for _, p := range sn.Parties {
		v.addParty(p)
	}
	v.Correction = sn.Correction
	v.setDeadlines(sn.Deadlines, today)
	a := &Assignment{Officers: sn.Team, Required: sn.Staffing.Required(sn.Case.Complex)}
	for _, o := range a.Officers {
		if o.Lead {
			id := o.ID
			a.LeadOfficerID = &id
		}
	}
	a.Understaffed = sn.Case.CaseNo != nil && len(a.Officers) < a.Required
	v.Assignment = a
	v.Handling = sn.Handling
	v.Events = sn.Events
	v.Series = sn.Series
	v.doc = sn.doc
	return v
}

// decodeJSONRows decodes a JSON array of objects (or null) into dst, a pointer to a slice of structs, matching
// keys to the fields' db names; the JSON of a []byte field that is not a string is kept as is (jsonb).
func decodeJSONRows(raw []byte, dst any) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	dv := reflect.ValueOf(dst).Elem()
	if dv.Kind() != reflect.Slice {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			return err
		}
		return setFields(dv, obj)
	}
	var objs []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &objs); err != nil {
		return err
	}
	out := reflect.MakeSlice(dv.Type(), len(objs), len(objs))
	for i, obj := range objs {
		if err := setFields(out.Index(i), obj); err != nil {
			return err
		}
	}
	dv.Set(out)
	return nil
}

var bytesType = reflect.TypeOf([]byte(nil))

func setFields(v reflect.Value, obj map[string]json.RawMessage) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("db"), ",")
		raw, ok := obj[name]
		if name == "" || name == "-" || !ok {
			continue
		}
		fv := v.Field(i)
		if f.Type == bytesType && (len(raw) == 0 || raw[0] != '"') {
			if string(raw) != "null" {
				fv.SetBytes(append([]byte(nil), raw...))
			}
			continue
		}
		if err := json.Unmarshal(raw, fv.Addr().Interface()); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}
