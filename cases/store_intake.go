package cases

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"fuyi/internal/auth"
	"fuyi/internal/database"
	"fuyi/internal/date"
)

// insertApplication stores an application in one statement: the case (only when the respondent is an active
// agency of the directory: no row otherwise), its registration number drawn from the sequence ($1 is the
// prefix "WINDOW-YEAR-"), its parties ($20, a JSON array) and the lexemes the staff search finds it by ($21:
// the parties' names and numbers; search_tokens, migration 0027). It answers what the view of the new case
// needs that the caller does not know yet.
var insertApplication = database.Prepared(`WITH c AS (
	INSERT INTO cases (registration_no, query_code, window_id, registered_by, channel, received_on,
		respondent_agency_id, act_title, act_doc_no, act_made_on, act_known_on, matter, requests, facts,
		apply_last_day, late_note, review_from, materials, applicant_org, postmarked_on, search)
	SELECT s.no, $2, $3, $4, $5, $6,
		a.id, $8, $9, $10, $11, $12, $13, $14, $15, $16, $6, $17, $18, $19,
		search_tokens(concat_ws(' ', s.no, $9::text, $8::text, a.name, $21::text))
	FROM agencies a CROSS JOIN LATERAL (SELECT $1 || CASE WHEN q.n < 1000000 THEN lpad(q.n::text, 6, '0') ELSE q.n::text END AS no
		FROM (SELECT nextval('registration_seq') AS n) q) s
	WHERE a.id = $7 AND a.active
	RETURNING id, registration_no, version, organ_id
), p AS (
	INSERT INTO case_parties (case_id, role, position, kind, name, id_type, id_number, credit_code, legal_rep, phone,
		address, sex, birth_date, agent_kind, firm, legal_rep_title, represents)
	SELECT c.id, x.role, x.position, x.kind, x.name, x.id_type, x.id_number, x.credit_code, x.legal_rep, x.phone,
		x.address, x.sex, x.birth_date, x.agent_kind, x.firm, x.legal_rep_title, x.represents
	FROM c, jsonb_to_recordset($20::jsonb) AS x(role text, position integer, kind text, name text, id_type text,
		id_number text, credit_code text, legal_rep text, phone text, address text, sex text, birth_date date,
		agent_kind text, firm text, legal_rep_title text, represents text)
	RETURNING id, role, position
)
SELECT c.id, c.registration_no, c.version, a.name AS agency_name, a.category AS agency_category,
	o.min_officers, coalesce((SELECT json_agg(json_build_object('id', p.id, 'role', p.role, 'position', p.position)) FROM p), '[]') AS parties
FROM c JOIN agencies a ON a.id = $7 JOIN organ o ON o.id = c.organ_id`)

// partyRow is a party as insertApplication and correction write it.
type partyRow struct {
	Role      string  `json:"role"`
	Position  int     `json:"position"`
	Kind      string  `json:"kind"`
	Name      string  `json:"name"`
	IDType    string  `json:"id_type"`
	IDNumber  string  `json:"id_number"`
	Credit    string  `json:"credit_code"`
	LegalRep  string  `json:"legal_rep"`
	Phone     string  `json:"phone"`
	Address   string  `json:"address"`
	Sex       string  `json:"sex"`
	BirthDate *string `json:"birth_date"`
	AgentKind string  `json:"agent_kind"`
	Firm      string  `json:"firm"`
	RepTitle  string  `json:"legal_rep_title"`
	Represent string  `json:"represents"`
}

// partyRows numbers the parties of an application by role (applicants, third parties, agents) as stored.
func partyRows(v Validated) ([]byte, error) {
	rows := []partyRow{}
	for _, g := range [][]Party{v.Applicants, v.ThirdParties, v.Agents} {
		for i, p := range g {
			r := partyRow{Role: p.Role, Position: i, Kind: p.Kind, Name: p.Name, IDType: p.IDType, IDNumber: p.IDNumber,
				Credit: p.CreditCode, LegalRep: p.LegalRep, Phone: p.Phone, Address: p.Address, Sex: p.Sex,
				AgentKind: p.AgentKind, Firm: p.Firm, RepTitle: p.RepTitle, Represent: p.Represents}
			if !p.BirthDate.IsZero() {
				b := p.BirthDate.String()
				r.BirthDate = &b
			}
			rows = append(rows, r)
		}
	}
	return json.Marshal(rows)
}

// partySearchText is what the staff search finds the parties of an application by.
func partySearchText(v Validated) string {
	var b strings.Builder
	for _, g := range [][]Party{v.Applicants, v.ThirdParties, v.Agents} {
		for _, p := range g {
			b.WriteString(p.Name + " " + p.IDNumber + " " + p.CreditCode + " ")
		}
	}
	return b.String()
}

// refreshSearch recomputes the lexemes of a case from what it stores (after a correction of its data).
const refreshSearch = `UPDATE cases SET search = search_tokens(case_search_doc(id)) WHERE id = $1`

// RefreshSearch recomputes what the staff search finds a case by, from the case as stored.
func (s *Store) RefreshSearch(ctx context.Context, id int64) error {
	return s.exec(ctx, "refresh search", refreshSearch, id)
}

// inserted is what insertApplication answers.
type inserted struct {
	ID             int64           `db:"id"`
	RegistrationNo string          `db:"registration_no"`
	Version        int             `db:"version"`
	AgencyName     string          `db:"agency_name"`
	AgencyCategory string          `db:"agency_category"`
	MinOfficers    int             `db:"min_officers"`
	Parties        json.RawMessage `db:"parties"`
}

// InsertApplication stores a validated application with its parties under the next registration number
// (prefix "WINDOW-YEAR-"); ok is false when the respondent is not an active agency (nothing is stored).
func (s *Store) insertApplication(ctx context.Context, prefix, queryCode string, u *auth.User, v Validated, lastDay date.Date, note string) (*inserted, bool, error) {
	parties, err := partyRows(v)
	if err != nil {
		return nil, false, err
	}
	var in inserted
	err = sqlx.GetContext(ctx, s.db, &in, insertApplication, prefix, queryCode, u.WindowID, u.ID, v.Channel, v.ReceivedOn,
		v.AgencyID, v.ActTitle, v.ActDocNo, v.ActMadeOn, v.ActKnownOn, v.Matter, v.Requests, v.Facts, lastDay, note,
		pq.Array(nonNil(v.Materials)), hasOrg(v.Applicants), v.PostmarkedOn, string(parties), partySearchText(v))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("cases: insert: %w", err)
	}
	return &in, true, nil
}

const insertParty = `INSERT INTO case_parties (case_id, role, position, kind, name, id_type, id_number, credit_code,
	legal_rep, phone, address, sex, birth_date, agent_kind, firm, legal_rep_title, represents)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`

// nextCaseSerial counts in the case's organ ($2): gapless per organ and year; it answers the organ's 代字 in
// the same statement.
const nextCaseSerial = `WITH s AS (INSERT INTO case_serials (organ_id, year, last) VALUES ((SELECT organ_id FROM cases WHERE id = $2), $1, 1)
ON CONFLICT (organ_id, year) DO UPDATE SET last = case_serials.last + 1 RETURNING organ_id, last)
SELECT s.last, o.doc_prefix FROM s JOIN organ o ON o.id = s.organ_id`

const queryAgencyActive = `SELECT EXISTS (SELECT 1 FROM agencies WHERE id = $1 AND active)`

// AgencyActive reports whether the agency is an active respondent of the directory.
func (s *Store) AgencyActive(ctx context.Context, id int) (bool, error) {
	var ok bool
	if err := sqlx.GetContext(ctx, s.db, &ok, queryAgencyActive, id); err != nil {
		return false, fmt.Errorf("cases: agency %d: %w", id, err)
	}
	return ok, nil
}

var insertDeadlines = database.Prepared(`INSERT INTO deadlines (case_id, kind, ref, due_on, basis, status, met_on)
SELECT $1, x.kind, x.ref, x.due_on, x.basis, x.status, x.met_on
FROM jsonb_to_recordset($2::jsonb) AS x(kind text, ref text, due_on date, basis text, status text, met_on date)`)

// insertDeadlines stores the deadlines of a new case (one statement).
func (s *Store) insertDeadlines(ctx context.Context, caseID int64, ds []Deadline) error {
	b, err := deadlineRows(ds)
	if err != nil {
		return err
	}
	return s.exec(ctx, "insert deadlines", insertDeadlines, caseID, string(b))
}

// deadlineRows encodes deadlines for jsonb_to_recordset (zero dates as null).
func deadlineRows(ds []Deadline) ([]byte, error) {
	type row struct {
		Kind   string  `json:"kind"`
		Ref    string  `json:"ref"`
		DueOn  *string `json:"due_on"`
		Basis  string  `json:"basis"`
		Status string  `json:"status"`
		MetOn  *string `json:"met_on"`
	}
	opt := func(d date.Date) *string {
		if d.IsZero() {
			return nil
		}
		s := d.String()
		return &s
	}
	rows := make([]row, 0, len(ds))
	for _, d := range ds {
		rows = append(rows, row{Kind: d.Kind, Ref: d.Ref, DueOn: opt(d.DueOn), Basis: d.Basis, Status: d.Status, MetOn: opt(d.MetOn)})
	}
	return json.Marshal(rows)
}

const insertCorrection = `INSERT INTO corrections (case_id, requested_on, items, requested_by, served_on) VALUES ($1, $2, $3, $4, $5)`

// RequestCorrection records the 补正 notice (served on served, when handed over at once) and sets the status.
func (s *Store) RequestCorrection(ctx context.Context, caseID int64, on date.Date, items []string, by int64, served date.Date) error {
	if err := s.exec(ctx, "correction", insertCorrection, caseID, on, pq.Array(items), by, served); err != nil {
		return err
	}
	return s.exec(ctx, "status", setStatus, caseID, StatusCorrection)
}

const rejectCase = `UPDATE cases SET status = 'rejected', rejected_on = $2, reject_reason = $3, reject_kind = $4 WHERE id = $1`

// Reject records 不予受理 (kind reject or inform).
func (s *Store) Reject(ctx context.Context, caseID int64, on date.Date, reason, kind string) error {
	return s.exec(ctx, "reject", rejectCase, caseID, on, reason, kind)
}

// NextCaseSerial draws the next case number of a year in the case's organ (gapless: a locked yearly counter
// per organ, held until the transaction ends) with that organ's 文号 prefix.
func (s *Store) NextCaseSerial(ctx context.Context, caseID int64, year int) (int, string, error) {
	var row struct {
		Serial int    `db:"last"`
		Prefix string `db:"doc_prefix"`
	}
	if err := sqlx.GetContext(ctx, s.db, &row, nextCaseSerial, year, caseID); err != nil {
		return 0, "", fmt.Errorf("cases: case serial: %w", err)
	}
	return row.Serial, row.Prefix, nil
}

const acceptCase = `UPDATE cases SET status = 'accepted', accepted_on = $2, deemed_accepted = $3, procedure = $4,
	simplified_grounds = $5, case_year = $6, case_serial = $7, case_no = $8, search = search || search_tokens($8) WHERE id = $1`

// Accept records the acceptance with its case number.
func (s *Store) Accept(ctx context.Context, caseID int64, on date.Date, deemed bool, procedure string, grounds []string, serial int, caseNo string) error {
	return s.exec(ctx, "accept", acceptCase, caseID, on, deemed, procedure, pq.Array(grounds), on.Year(), serial, caseNo)
}

const correctionServed = `UPDATE corrections SET served_on = $2 WHERE case_id = $1`

// CorrectionServed records the day the applicant received the 补正 notice.
func (s *Store) CorrectionServed(ctx context.Context, caseID int64, on date.Date) error {
	return s.exec(ctx, "correction served", correctionServed, caseID, on)
}

const (
	correctionReceived = `UPDATE corrections SET received_on = $2 WHERE case_id = $1`
	restartReview      = `UPDATE cases SET review_from = $2 WHERE id = $1`
)

// CorrectionReceived records the receipt of the 补正 materials; the review starts again from that day.
func (s *Store) CorrectionReceived(ctx context.Context, caseID int64, on date.Date) error {
	if err := s.exec(ctx, "correction received", correctionReceived, caseID, on); err != nil {
		return err
	}
	return s.exec(ctx, "review from", restartReview, caseID, on)
}
