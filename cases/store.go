package cases

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"fuyi/internal/auth"
	"fuyi/internal/date"
)

// Store reads and writes cases; it works on a *sqlx.DB or a *sqlx.Tx alike.
type Store struct{ db sqlx.ExtContext }

func NewStore(db sqlx.ExtContext) *Store { return &Store{db: db} }

const caseColumns = `c.id, c.registration_no, c.query_code, c.window_id, coalesce(w.code, '') AS window_code,
	coalesce(w.name, '') AS window_name, c.registered_by, c.channel, c.received_on, c.respondent_agency_id,
	a.name AS agency_name, a.category AS agency_category, c.act_title, c.act_doc_no, c.act_made_on, c.act_known_on,
	c.matter, c.requests, c.facts, c.materials, c.apply_last_day, c.late_note, c.status, c.review_from, c.procedure,
	c.simplified_grounds, c.complex, c.complex_reason, c.case_no, c.accepted_on, c.deemed_accepted, c.rejected_on,
	c.reject_reason, c.postmarked_on, c.version`

const caseFrom = ` FROM cases c JOIN agencies a ON a.id = c.respondent_agency_id LEFT JOIN windows w ON w.id = c.window_id`

const queryCase = `SELECT ` + caseColumns + caseFrom + ` WHERE c.id = $1`

// Get loads a case regardless of who asks.
func (s *Store) Get(ctx context.Context, id int64) (*Case, error) {
	var c Case
	if err := sqlx.GetContext(ctx, s.db, &c, queryCase, id); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("cases: get %d: %w", id, err)
	}
	return &c, nil
}

const bumpCaseVersion = `UPDATE cases SET version = version + 1, updated_at = now() WHERE id = $1`

// bumpVersion marks a change of the case (stale edits based on the old version answer 409).
func (s *Store) bumpVersion(ctx context.Context, id int64) error {
	if _, err := s.db.ExecContext(ctx, bumpCaseVersion, id); err != nil {
		return fmt.Errorf("cases: version %d: %w", id, err)
	}
	return nil
}

const lockCase = `SELECT id FROM cases WHERE id = $1 FOR UPDATE`

// Lock takes the row lock of a case for the rest of the transaction and returns it fresh.
func (s *Store) Lock(ctx context.Context, id int64) (*Case, error) {
	var got int64
	if err := sqlx.GetContext(ctx, s.db, &got, lockCase, id); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("cases: lock %d: %w", id, err)
	}
	return s.Get(ctx, id)
}

// visibility returns the SQL condition (on alias c) under which user u may see a case, using placeholder $n.
// Window staff see their own 司法所's registrations; officers the cases assigned to them (and those they
// registered, until a team is assigned); the chief and the bureau see all.
func visibility(u *auth.User, n int) (string, []any) {
	switch u.Role {
	case auth.RoleChief, auth.RoleBureau:
		return "true", nil
	case auth.RoleWindow:
		if u.WindowID == nil {
			return "false", nil
		}
		return fmt.Sprintf("c.window_id = $%d", n), []any{*u.WindowID}
	case auth.RoleOfficer:
		// only the assigned officers act on a case: the officer who registered it keeps it only until a team
		// is assigned
		return fmt.Sprintf(`c.id IN (SELECT x.case_id FROM case_assignments x WHERE x.user_id = $%[1]d AND x.removed_at IS NULL
			UNION ALL SELECT r.id FROM cases r WHERE r.registered_by = $%[1]d
				AND NOT EXISTS (SELECT 1 FROM case_assignments y WHERE y.case_id = r.id AND y.removed_at IS NULL))`, n), []any{u.ID}
	}
	return "false", nil
}

// GetVisible loads a case the user may see; otherwise ErrNotFound (never revealing that it exists).
func (s *Store) GetVisible(ctx context.Context, id int64, u *auth.User) (*Case, error) {
	cond, args := visibility(u, 2)
	var c Case
	q := `SELECT ` + caseColumns + caseFrom + ` WHERE c.id = $1 AND ` + cond
	if err := sqlx.GetContext(ctx, s.db, &c, q, append([]any{id}, args...)...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("cases: get visible %d: %w", id, err)
	}
	return &c, nil
}

// Filter of the case list.
type Filter struct {
	Status       []Status
	Query        string
	Window       int
	ReviewQueue  bool // registered, or 补正 materials received: ordered by review due date
	ByDue        bool // order by the nearest open deadline
	OnlyDue      bool // only cases with an open deadline
	Understaffed bool // open cases whose team is below the minimum
	Limit        int
	Offset       int
}

// ListItem is a row of a case list.
type ListItem struct {
	ID             int64     `db:"id" json:"id"`
	RegistrationNo string    `db:"registration_no" json:"registration_no"`
	CaseNo         *string   `db:"case_no" json:"case_no"`
	Status         Status    `db:"status" json:"status"`
	ReceivedOn     date.Date `db:"received_on" json:"received_on"`
	Applicants     string    `db:"applicants" json:"applicants"`
	AgencyName     string    `db:"agency_name" json:"respondent_agency"`
	ActTitle       string    `db:"act_title" json:"act_title"`
	WindowCode     string    `db:"window_code" json:"window_code"`
	NextKind       *string   `db:"next_kind" json:"next_deadline_kind"`
	NextDue        date.Date `db:"next_due" json:"next_deadline_due_on"`
	LateNote       string    `db:"late_note" json:"-"`
	Complex        bool      `db:"complex" json:"complex"`
}

// LikeEscape escapes the wildcards of a LIKE pattern (for the stores of features built on cases).
func LikeEscape(s string) string { return likeEscape(s) }

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// List returns the cases the user may see, with the total count.
func (s *Store) List(ctx context.Context, u *auth.User, f Filter) ([]ListItem, int, error) {
	cond, args := visibility(u, 1)
	where := []string{cond}
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if len(f.Status) > 0 {
		ss := make([]string, len(f.Status))
		for i, st := range f.Status {
			ss[i] = string(st)
		}
		where = append(where, "c.status = ANY("+arg(pq.Array(ss))+")")
	}
	if f.ReviewQueue {
		where = append(where, `(c.status = 'registered' OR (c.status = 'correction' AND EXISTS
			(SELECT 1 FROM corrections k WHERE k.case_id = c.id AND k.received_on IS NOT NULL)))`)
	}
	if f.OnlyDue {
		where = append(where, `EXISTS (SELECT 1 FROM deadlines d WHERE d.case_id = c.id AND d.status = 'open')`)
	}
	if f.Understaffed {
		where = append(where, `c.status IN ('accepted', 'suspended') AND (SELECT count(*) FROM case_assignments x
			WHERE x.case_id = c.id AND x.removed_at IS NULL) < (SELECT CASE WHEN c.complex THEN min_officers_complex ELSE min_officers END FROM organ WHERE id = c.organ_id)`)
	}
	if f.Window > 0 {
		where = append(where, "c.window_id = "+arg(f.Window))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		p := arg("%" + likeEscape(q) + "%")
		where = append(where, fmt.Sprintf(`(c.registration_no ILIKE %[1]s OR c.case_no ILIKE %[1]s OR c.act_doc_no ILIKE %[1]s
			OR c.act_title ILIKE %[1]s OR EXISTS (SELECT 1 FROM case_parties p WHERE p.case_id = c.id AND p.name ILIKE %[1]s))`, p))
	}
	w := strings.Join(where, " AND ")
	var total int
	if err := sqlx.GetContext(ctx, s.db, &total, `SELECT count(*) FROM cases c WHERE `+w, args...); err != nil {
		return nil, 0, fmt.Errorf("cases: count: %w", err)
	}
	order := "c.id DESC"
	if f.ReviewQueue || f.ByDue {
		order = "next_due NULLS LAST, c.id"
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	q := fmt.Sprintf(`SELECT c.id, c.registration_no, c.case_no, c.status, c.received_on, c.act_title, c.late_note, c.complex,
		a.name AS agency_name, coalesce(wi.code, '') AS window_code,
		coalesce((SELECT string_agg(p.name, '、' ORDER BY p.position) FROM case_parties p
			WHERE p.case_id = c.id AND p.role = 'applicant'), '') AS applicants,
		nd.kind AS next_kind, nd.due_on AS next_due
	FROM cases c JOIN agencies a ON a.id = c.respondent_agency_id LEFT JOIN windows wi ON wi.id = c.window_id
	LEFT JOIN LATERAL (SELECT d.kind, d.due_on FROM deadlines d WHERE d.case_id = c.id AND d.status = 'open'
		ORDER BY d.due_on LIMIT 1) nd ON true
	WHERE %s ORDER BY %s LIMIT %d OFFSET %d`, w, order, limit, f.Offset)
	var items []ListItem
	if err := sqlx.SelectContext(ctx, s.db, &items, q, args...); err != nil {
		return nil, 0, fmt.Errorf("cases: list: %w", err)
	}
	if items == nil {
		items = []ListItem{}
	}
	return items, total, nil
}

const queryParties = `SELECT id, case_id, role, position, kind, name, id_type, id_number, credit_code, legal_rep, legal_rep_title, phone,
	address, sex, birth_date, agent_kind, firm FROM case_parties WHERE case_id = $1 ORDER BY role, position`

// Parties lists the parties of a case.
func (s *Store) Parties(ctx context.Context, caseID int64) ([]Party, error) {
	var ps []Party
	if err := sqlx.SelectContext(ctx, s.db, &ps, queryParties, caseID); err != nil {
		return nil, fmt.Errorf("cases: parties: %w", err)
	}
	return ps, nil
}

const queryCorrection = `SELECT requested_on, items, received_on, served_on FROM corrections WHERE case_id = $1`

// Correction returns the 补正 notice of a case, or nil.
func (s *Store) Correction(ctx context.Context, caseID int64) (*Correction, error) {
	var c Correction
	if err := sqlx.GetContext(ctx, s.db, &c, queryCorrection, caseID); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		return nil, fmt.Errorf("cases: correction: %w", err)
	}
	return &c, nil
}

const queryDeadlines = `SELECT id, kind, ref, due_on, basis, status, met_on FROM deadlines
WHERE case_id = $1 AND status <> 'cancelled' ORDER BY CASE kind WHEN 'review' THEN 1 WHEN 'correction' THEN 2
	WHEN 'copy' THEN 3 WHEN 'reply' THEN 4 WHEN 'decision' THEN 5 ELSE 6 END, ref`

// Deadlines lists the current deadlines of a case.
func (s *Store) Deadlines(ctx context.Context, caseID int64) ([]Deadline, error) {
	var ds []Deadline
	if err := sqlx.SelectContext(ctx, s.db, &ds, queryDeadlines, caseID); err != nil {
		return nil, fmt.Errorf("cases: deadlines: %w", err)
	}
	return ds, nil
}

const upsertDeadline = `INSERT INTO deadlines (case_id, kind, ref, due_on, basis, status, met_on)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (case_id, kind, ref) WHERE case_id IS NOT NULL DO UPDATE SET due_on = EXCLUDED.due_on,
	basis = EXCLUDED.basis, status = EXCLUDED.status, met_on = EXCLUDED.met_on, updated_at = now(),
	alerted = CASE WHEN deadlines.due_on IS DISTINCT FROM EXCLUDED.due_on THEN NULL ELSE deadlines.alerted END
WHERE (deadlines.due_on, deadlines.basis, deadlines.status, deadlines.met_on)
	IS DISTINCT FROM (EXCLUDED.due_on, EXCLUDED.basis, EXCLUDED.status, EXCLUDED.met_on)`

const cancelDeadlines = `UPDATE deadlines SET status = 'cancelled', due_on = coalesce(due_on, '1970-01-01'), met_on = NULL,
	updated_at = now() WHERE case_id = $1 AND status <> 'cancelled' AND NOT ((kind || '/' || ref) = ANY($2)) AND NOT (kind = ANY($3))`

// SaveDeadlines replaces the derived deadlines of a case with ds; kinds no longer present are cancelled (not
// the ForeignDeadlineKinds, which their feature keeps).
func (s *Store) SaveDeadlines(ctx context.Context, caseID int64, ds []Deadline) error {
	keep := make([]string, 0, len(ds))
	for _, d := range ds {
		if _, err := s.db.ExecContext(ctx, upsertDeadline, caseID, d.Kind, d.Ref, d.DueOn, d.Basis, d.Status, d.MetOn); err != nil {
			return fmt.Errorf("cases: save deadline %s: %w", d.Kind, err)
		}
		keep = append(keep, d.Kind+"/"+d.Ref)
	}
	if _, err := s.db.ExecContext(ctx, cancelDeadlines, caseID, pq.Array(keep), pq.Array(ForeignDeadlineKinds)); err != nil {
		return fmt.Errorf("cases: cancel deadlines: %w", err)
	}
	return nil
}

// Organ is the reconsideration organ of this installation.
type Organ struct {
	Name       string `db:"name" json:"name"`
	OfficeName string `db:"office_name" json:"office_name"`
	DocPrefix  string `db:"doc_prefix" json:"doc_prefix"`
	CourtName  string `db:"court_name" json:"court_name"`
	Address    string `db:"address" json:"address"`
	Phone      string `db:"phone" json:"phone"`
}

const queryOrgan = `SELECT name, office_name, doc_prefix, court_name, address, phone FROM organ WHERE id = fuyi_default_organ()`

// Organ loads the organ settings.
func (s *Store) Organ(ctx context.Context) (Organ, error) {
	var o Organ
	if err := sqlx.GetContext(ctx, s.db, &o, queryOrgan); err != nil {
		return o, fmt.Errorf("cases: organ: %w", err)
	}
	return o, nil
}

const queryAgencies = `SELECT id, name, category FROM agencies WHERE active ORDER BY category, name`

// Agencies lists the active respondent agencies (for forms).
func (s *Store) Agencies(ctx context.Context) ([]AgencyRef, error) {
	var as []AgencyRef
	if err := sqlx.SelectContext(ctx, s.db, &as, queryAgencies); err != nil {
		return nil, fmt.Errorf("cases: agencies: %w", err)
	}
	return as, nil
}

const queryWaitingCases = `SELECT DISTINCT case_id FROM deadlines WHERE case_id IS NOT NULL
	AND (status = 'pending' OR (status = 'open' AND due_on >= current_date - 30))`

// Waiting lists the cases with a deadline waiting for a calendar, or open in the last 30 days.
func (s *Store) Waiting(ctx context.Context) ([]int64, error) {
	var ids []int64
	if err := sqlx.SelectContext(ctx, s.db, &ids, queryWaitingCases); err != nil {
		return nil, fmt.Errorf("cases: waiting: %w", err)
	}
	return ids, nil
}

const queryRespondent = `SELECT name, address, legal_rep, legal_rep_title FROM agencies WHERE id = $1`

// Respondent loads the 被申请人 block of the documents.
func (s *Store) Respondent(ctx context.Context, agencyID int) (RespondentInfo, error) {
	var r RespondentInfo
	if err := sqlx.GetContext(ctx, s.db, &r, queryRespondent, agencyID); err != nil {
		return r, fmt.Errorf("cases: respondent %d: %w", agencyID, err)
	}
	return r, nil
}

const queryStatus = `SELECT c.registration_no, c.status, c.case_no, c.received_on, c.accepted_on, c.rejected_on,
	(SELECT due_on FROM deadlines WHERE case_id = c.id AND kind = 'review' AND status <> 'cancelled') AS review_due,
	(SELECT due_on FROM deadlines WHERE case_id = c.id AND kind = 'decision' AND status <> 'cancelled') AS decision_due
FROM cases c WHERE c.registration_no = $1 AND c.query_code = $2`

// Status looks an application up by registration number and query code for the public status page, or
// answers ErrStatusNotFound.
func (s *Store) Status(ctx context.Context, no, code string) (*StatusInfo, error) {
	var st StatusInfo
	err := sqlx.GetContext(ctx, s.db, &st, queryStatus, no, code)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrStatusNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("cases: status: %w", err)
	}
	st.StatusLabel = st.Status.Label()
	return &st, nil
}

const queryHearingPlace = `SELECT coalesce(r.name, '') AS name, coalesce(r.location, '') AS location, h.online_link
FROM hearings h LEFT JOIN rooms r ON r.id = h.room_id WHERE h.id = $1`

// HearingPlace is where a hearing takes place, as its notice must say (复议法第51条第1款): the organ's
// address, the room's location and the room; an online hearing gives its link.
func (s *Store) HearingPlace(ctx context.Context, organ Organ, hearingID int64) (string, error) {
	var room struct {
		Name     string `db:"name"`
		Location string `db:"location"`
		Link     string `db:"online_link"`
	}
	if err := sqlx.GetContext(ctx, s.db, &room, queryHearingPlace, hearingID); err != nil {
		return "", fmt.Errorf("cases: hearing place: %w", err)
	}
	if room.Name == "" {
		return "网络听证（" + room.Link + "）", nil
	}
	return organ.Address + room.Location + "（" + room.Name + "）", nil
}
