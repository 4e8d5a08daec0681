package cases

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"fuyi/internal/auth"
	"fuyi/internal/date"
)

const insertCase = `INSERT INTO cases (registration_no, query_code, window_id, registered_by, channel, received_on,
	respondent_agency_id, act_title, act_doc_no, act_made_on, act_known_on, matter, requests, facts,
	apply_last_day, late_note, review_from, materials, applicant_org, postmarked_on)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $6, $17, $18, $19) RETURNING id`

const insertParty = `INSERT INTO case_parties (case_id, role, position, kind, name, id_type, id_number, credit_code,
	legal_rep, phone, address, sex, birth_date, agent_kind, firm, legal_rep_title)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`

const nextCaseSerial = `INSERT INTO case_serials (year, last) VALUES ($1, 1)
ON CONFLICT (organ_id, year) DO UPDATE SET last = case_serials.last + 1 RETURNING last`

const queryAgencyActive = `SELECT EXISTS (SELECT 1 FROM agencies WHERE id = $1 AND active)`

// AgencyActive reports whether the agency is an active respondent of the directory.
func (s *Store) AgencyActive(ctx context.Context, id int) (bool, error) {
	var ok bool
	if err := sqlx.GetContext(ctx, s.db, &ok, queryAgencyActive, id); err != nil {
		return false, fmt.Errorf("cases: agency %d: %w", id, err)
	}
	return ok, nil
}

const nextRegistrationSerial = `SELECT nextval('registration_seq')`

// NextRegistrationSerial draws the next registration number (a sequence: no hot counter row).
func (s *Store) NextRegistrationSerial(ctx context.Context) (int64, error) {
	var n int64
	if err := sqlx.GetContext(ctx, s.db, &n, nextRegistrationSerial); err != nil {
		return 0, fmt.Errorf("cases: registration serial: %w", err)
	}
	return n, nil
}

// Insert stores a validated application with its parties and returns its id.
func (s *Store) Insert(ctx context.Context, regNo, queryCode string, u *auth.User, v Validated, lastDay date.Date, note string) (int64, error) {
	var id int64
	if err := sqlx.GetContext(ctx, s.db, &id, insertCase, regNo, queryCode, u.WindowID, u.ID, v.Channel, v.ReceivedOn,
		v.AgencyID, v.ActTitle, v.ActDocNo, v.ActMadeOn, v.ActKnownOn, v.Matter, v.Requests, v.Facts, lastDay, note,
		pq.Array(nonNil(v.Materials)), hasOrg(v.Applicants), v.PostmarkedOn); err != nil {
		return 0, fmt.Errorf("cases: insert: %w", err)
	}
	for _, g := range [][]Party{v.Applicants, v.ThirdParties, v.Agents} {
		for i, p := range g {
			if _, err := s.db.ExecContext(ctx, insertParty, id, p.Role, i, p.Kind, p.Name, p.IDType, p.IDNumber,
				p.CreditCode, p.LegalRep, p.Phone, p.Address, p.Sex, p.BirthDate, p.AgentKind, p.Firm, p.RepTitle); err != nil {
				return 0, fmt.Errorf("cases: insert party: %w", err)
			}
		}
	}
	return id, nil
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

// NextCaseSerial draws the next case number of a year (gapless: a locked yearly counter).
func (s *Store) NextCaseSerial(ctx context.Context, year int) (int, error) {
	var serial int
	if err := sqlx.GetContext(ctx, s.db, &serial, nextCaseSerial, year); err != nil {
		return 0, fmt.Errorf("cases: case serial: %w", err)
	}
	return serial, nil
}

const acceptCase = `UPDATE cases SET status = 'accepted', accepted_on = $2, deemed_accepted = $3, procedure = $4,
	simplified_grounds = $5, case_year = $6, case_serial = $7, case_no = $8 WHERE id = $1`

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
