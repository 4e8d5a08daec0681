package publication

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"fuyi/cases"
	"fuyi/internal/date"
	"fuyi/internal/redact"
	"fuyi/internal/textsearch"
)

// Store reads and writes publications; it works on a *sqlx.DB or a *sqlx.Tx alike.
type Store struct{ db sqlx.ExtContext }

func NewStore(db sqlx.ExtContext) *Store { return &Store{db: db} }

const queryTerms = `SELECT term AS text, kind FROM redaction_terms WHERE case_id = $1 ORDER BY id`

// Terms lists the manual redactions of a case.
func (s *Store) Terms(ctx context.Context, caseID int64) ([]redact.Term, error) {
	var terms []redact.Term
	if err := sqlx.SelectContext(ctx, s.db, &terms, queryTerms, caseID); err != nil {
		return nil, fmt.Errorf("publication: terms: %w", err)
	}
	return terms, nil
}

const queryDecisions = `SELECT name, redact FROM redaction_decisions WHERE case_id = $1 ORDER BY id`

// Decisions lists the reviewer's answers on the person-like names of a case.
func (s *Store) Decisions(ctx context.Context, caseID int64) ([]redact.Decision, error) {
	var ds []redact.Decision
	if err := sqlx.SelectContext(ctx, s.db, &ds, queryDecisions, caseID); err != nil {
		return nil, fmt.Errorf("publication: decisions: %w", err)
	}
	return ds, nil
}

const upsertDecision = `INSERT INTO redaction_decisions (case_id, name, redact, decided_by) VALUES ($1, $2, $3, $4)
ON CONFLICT (case_id, name) DO UPDATE SET redact = EXCLUDED.redact, decided_by = EXCLUDED.decided_by, decided_at = now()`

// Decide records the reviewer's answer on a person-like name: redact it or keep it.
func (s *Store) Decide(ctx context.Context, caseID int64, name string, redact bool, by int64) error {
	if _, err := s.db.ExecContext(ctx, upsertDecision, caseID, name, redact, by); err != nil {
		return fmt.Errorf("publication: decide: %w", err)
	}
	return nil
}

const queryAgencyTexts = `SELECT name FROM agencies UNION SELECT legal_rep FROM agencies WHERE legal_rep <> ''
UNION SELECT address FROM agencies WHERE address <> ''`

// AgencyTexts lists the names, representatives and addresses of agencies: public, never redacted.
func (s *Store) AgencyTexts(ctx context.Context) ([]string, error) {
	var keep []string
	if err := sqlx.SelectContext(ctx, s.db, &keep, queryAgencyTexts); err != nil {
		return nil, fmt.Errorf("publication: agency texts: %w", err)
	}
	return keep, nil
}

const queryBlockReason = `SELECT publish_block_reason FROM cases WHERE id = $1`

// BlockReason is the code of the reason a case is not published ("" when it may be).
func (s *Store) BlockReason(ctx context.Context, caseID int64) (string, error) {
	var code string
	err := sqlx.GetContext(ctx, s.db, &code, queryBlockReason, caseID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", cases.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("publication: block reason: %w", err)
	}
	return code, nil
}

const queryLive = `SELECT EXISTS (SELECT 1 FROM publications WHERE case_id = $1 AND status = 'published')`

// Live reports whether the case's decision is published now.
func (s *Store) Live(ctx context.Context, caseID int64) (bool, error) {
	var live bool
	if err := sqlx.GetContext(ctx, s.db, &live, queryLive, caseID); err != nil {
		return false, fmt.Errorf("publication: live: %w", err)
	}
	return live, nil
}

// NewPublication is what is stored when a decision is published.
type NewPublication struct {
	CaseID, DecisionID int64
	Title, DocNo       string
	AgencyID           int
	AgencyName         string
	DecisionType       string
	DecidedOn          date.Date
	Body               string
	PDF                []byte
	Redactions         json.RawMessage // text (database.organConn.CheckNamedValue)
	Tokens             []string
	By                 int64
}

const insertPublication = `INSERT INTO publications (case_id, decision_id, version, status, title, doc_no, agency_id, agency_name,
	decision_type, decided_on, year, body, pdf, redactions, search, published_by)
VALUES ($1, $2, (SELECT coalesce(max(version), 0) + 1 FROM publications WHERE case_id = $1), 'published', $3, $4, $5, $6, $7, $8, $9,
	$10, $11, $12, array_to_tsvector($13::text[]), $14) RETURNING id`

// Insert publishes a decision and returns the publication's id.
func (s *Store) Insert(ctx context.Context, n NewPublication) (int64, error) {
	var id int64
	if err := sqlx.GetContext(ctx, s.db, &id, insertPublication, n.CaseID, n.DecisionID, n.Title, n.DocNo, n.AgencyID, n.AgencyName,
		n.DecisionType, n.DecidedOn, n.DecidedOn.Year(), n.Body, n.PDF, n.Redactions, pq.Array(n.Tokens), n.By); err != nil {
		return 0, fmt.Errorf("publication: insert: %w", err)
	}
	return id, nil
}

const withdrawPublication = `UPDATE publications SET status = 'withdrawn', withdrawn_by = $2, withdrawn_at = now(), withdraw_reason = $3
WHERE case_id = $1 AND status = 'published'`

// Withdraw takes the case's published decision off the public site; it returns how many were withdrawn.
func (s *Store) Withdraw(ctx context.Context, caseID, by int64, reason string) (int64, error) {
	res, err := s.db.ExecContext(ctx, withdrawPublication, caseID, by, reason)
	if err != nil {
		return 0, fmt.Errorf("publication: withdraw: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("publication: withdraw: %w", err)
	}
	return n, nil
}

const upsertTerm = `INSERT INTO redaction_terms (case_id, term, kind, added_by) VALUES ($1, $2, $3, $4)
ON CONFLICT (case_id, term) DO UPDATE SET kind = EXCLUDED.kind`

// AddTerm records a manual redaction.
func (s *Store) AddTerm(ctx context.Context, caseID int64, term, kind string, by int64) error {
	if _, err := s.db.ExecContext(ctx, upsertTerm, caseID, term, kind, by); err != nil {
		return fmt.Errorf("publication: add term: %w", err)
	}
	return nil
}

const updateBlock = `UPDATE cases SET publish_block_reason = $2, publish_block_note = $3 WHERE id = $1`

// SetBlock records whether and why a case is not published.
func (s *Store) SetBlock(ctx context.Context, caseID int64, code, note string) error {
	if _, err := s.db.ExecContext(ctx, updateBlock, caseID, code, note); err != nil {
		return fmt.Errorf("publication: block: %w", err)
	}
	return nil
}

// HistoryItem is one publication of a case.
type HistoryItem struct {
	ID     int64  `db:"id"`
	Status string `db:"status"`
	At     string `db:"at"`
	Reason string `db:"withdraw_reason"`
}

const queryHistory = `SELECT id, status, to_char(published_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') AS at, withdraw_reason
FROM publications WHERE case_id = $1 ORDER BY version DESC`

// History lists the publications of a case, the newest first.
func (s *Store) History(ctx context.Context, caseID int64) ([]HistoryItem, error) {
	var hs []HistoryItem
	if err := sqlx.SelectContext(ctx, s.db, &hs, queryHistory, caseID); err != nil {
		return nil, fmt.Errorf("publication: history: %w", err)
	}
	return hs, nil
}

// Search lists published decisions; the search uses the bigram index (publications_search). It returns the
// items and the total (capped at SearchCountCap+1 when searching: counting every match of a common term
// would read every document).
func (s *Store) Search(ctx context.Context, f Filter) ([]PublicDecision, int, error) {
	w, args, ok := f.where()
	if !ok {
		return []PublicDecision{}, 0, nil
	}
	var total int
	countSQL := fmt.Sprintf(countPublished, w)
	if f.Q != "" {
		countSQL = fmt.Sprintf(countSearched, w, SearchCountCap+1)
	}
	if err := sqlx.GetContext(ctx, s.db, &total, countSQL, args...); err != nil {
		return nil, 0, fmt.Errorf("publication: count: %w", err)
	}
	items := []PublicDecision{}
	if err := sqlx.SelectContext(ctx, s.db, &items, fmt.Sprintf(listPublished, w, f.PerPage, f.Offset), args...); err != nil {
		return nil, 0, fmt.Errorf("publication: search: %w", err)
	}
	for i := range items {
		items[i].URL = fmt.Sprintf("/decisions/%d", items[i].ID)
		items[i].PDFURL = items[i].URL + ".pdf"
	}
	return items, total, nil
}

// where is the condition of the search statements and its arguments (false: a search text without a term,
// which finds nothing).
func (f Filter) where() (string, []any, bool) {
	where := []string{"status = 'published'"}
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if f.Q != "" {
		q := textsearch.Query(f.Q)
		if q == "" {
			return "", nil, false
		}
		where = append(where, "search @@ "+arg(q)+"::tsquery")
	}
	if f.Year > 0 {
		where = append(where, "decided_on BETWEEN "+arg(date.New(f.Year, 1, 1))+" AND "+arg(date.New(f.Year, 12, 31)))
	}
	if f.AgencyID > 0 {
		where = append(where, "agency_id = "+arg(f.AgencyID))
	}
	if f.Type != "" {
		where = append(where, "decision_type = "+arg(f.Type))
	}
	return strings.Join(where, " AND "), args, true
}

// The search statements are completed with the conditions of the filter (and the cap, limit and offset).
const (
	countPublished = `SELECT count(*) FROM publications WHERE %s`
	countSearched  = `SELECT count(*) FROM (SELECT 1 FROM publications WHERE %s LIMIT %d) m`
	listPublished  = `SELECT id, title, doc_no, agency_name, decision_type, decided_on, published_at
FROM publications WHERE %s ORDER BY decided_on DESC, id DESC LIMIT %d OFFSET %d`
)

const (
	queryPublic        = `SELECT id, title, doc_no, agency_name, decision_type, decided_on, published_at, body FROM publications WHERE id = $1 AND status = 'published'`
	queryPublicWithPDF = `SELECT id, title, doc_no, agency_name, decision_type, decided_on, published_at, body, pdf FROM publications WHERE id = $1 AND status = 'published'`
)

// Public loads a published decision (with its PDF when asked), or ErrPublicNotFound.
func (s *Store) Public(ctx context.Context, id int64, withPDF bool) (*PublicDoc, error) {
	q := queryPublic
	if withPDF {
		q = queryPublicWithPDF
	}
	var d PublicDoc
	err := sqlx.GetContext(ctx, s.db, &d, q, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrPublicNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("publication: public %d: %w", id, err)
	}
	return &d, nil
}

// FeedItem is an entry of the Atom feed: a published decision with the id of its case's first publication,
// which stays the entry's id across withdrawal and republication.
type FeedItem struct {
	PublicDecision
	FirstID int64 `db:"first_id"`
}

const queryFeed = `SELECT p.id, p.title, p.doc_no, p.agency_name, p.decision_type, p.decided_on, p.published_at,
	(SELECT min(f.id) FROM publications f WHERE f.case_id = p.case_id) AS first_id
FROM publications p WHERE p.status = 'published' ORDER BY p.published_at DESC, p.id DESC LIMIT $1 OFFSET $2`

// Feed lists published decisions by publication time, newest first: limit rows from offset.
func (s *Store) Feed(ctx context.Context, limit, offset int) ([]FeedItem, error) {
	items := []FeedItem{}
	if err := sqlx.SelectContext(ctx, s.db, &items, queryFeed, limit, offset); err != nil {
		return nil, fmt.Errorf("publication: feed: %w", err)
	}
	for i := range items {
		items[i].URL = fmt.Sprintf("/decisions/%d", items[i].ID)
		items[i].PDFURL = items[i].URL + ".pdf"
	}
	return items, nil
}

const queryCurrentOf = `SELECT n.id FROM publications o JOIN publications n ON n.case_id = o.case_id AND n.status = 'published'
WHERE o.id = $1 AND o.status = 'withdrawn'`

// CurrentOf is the live publication of the case a withdrawn publication belonged to (its old URL redirects
// there), or 0.
func (s *Store) CurrentOf(ctx context.Context, id int64) (int64, error) {
	var cur int64
	err := sqlx.GetContext(ctx, s.db, &cur, queryCurrentOf, id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("publication: current of %d: %w", id, err)
	}
	return cur, nil
}

const queryYears = `SELECT DISTINCT year FROM publications WHERE status = 'published' ORDER BY year DESC`

// Years lists the years with published decisions.
func (s *Store) Years(ctx context.Context) ([]int, error) {
	var years []int
	if err := sqlx.SelectContext(ctx, s.db, &years, queryYears); err != nil {
		return nil, fmt.Errorf("publication: years: %w", err)
	}
	return years, nil
}

// Window is a 司法所 where applications are received (for the public guide).
type Window struct {
	Name    string `db:"name"`
	Address string `db:"address"`
	Phone   string `db:"phone"`
}

const queryWindows = `SELECT name, address, phone FROM windows WHERE active ORDER BY code`

// Windows lists the active 司法所 windows.
func (s *Store) Windows(ctx context.Context) ([]Window, error) {
	var ws []Window
	if err := sqlx.SelectContext(ctx, s.db, &ws, queryWindows); err != nil {
		return nil, fmt.Errorf("publication: windows: %w", err)
	}
	return ws, nil
}

// Statements lists the SQL of this package (checked against the schema by the statement test); the search
// statements are completed with a condition that is always present.
func Statements() []string {
	w := "status = 'published'"
	return []string{queryTerms, queryDecisions, upsertDecision, queryAgencyTexts, queryBlockReason, queryLive, insertPublication, withdrawPublication,
		upsertTerm, updateBlock, queryHistory, fmt.Sprintf(countPublished, w), fmt.Sprintf(countSearched, w, 1),
		fmt.Sprintf(listPublished, w, 1, 0), queryPublic, queryPublicWithPDF, queryYears, queryWindows, queryFeed, queryCurrentOf}
}
