package cases

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"fuyi/internal/apperr"
	"fuyi/internal/auth"
	"fuyi/internal/date"
)

// Store reads and writes cases; it works on a *sqlx.DB or a *sqlx.Tx alike.
type Store struct{ db sqlx.ExtContext }

func NewStore(db sqlx.ExtContext) *Store { return &Store{db: db} }

const caseColumns = `c.id, c.registration_no, c.query_code, c.window_id, coalesce(w.code, '') AS window_code,
	coalesce(w.name, '') AS window_name, coalesce(c.registered_by, 0) AS registered_by, c.channel, c.received_on, c.respondent_agency_id,
	a.name AS agency_name, a.category AS agency_category, c.act_title, c.act_doc_no, c.act_made_on, c.act_known_on,
	c.matter, c.requests, c.facts, c.materials, c.apply_last_day, c.late_note, c.status, c.review_from, c.procedure,
	c.simplified_grounds, c.complex, c.complex_reason, c.case_no, c.accepted_on, c.deemed_accepted, c.rejected_on,
	c.reject_reason, c.postmarked_on, c.version, c.transferred_on, c.transfer_reason, coalesce(c.transfer_no, '') AS transfer_no,
	coalesce((SELECT t.name FROM organ t WHERE t.id = c.transferred_to), '') AS transferred_to_name,
	coalesce((SELECT t.name FROM organ t WHERE t.id = c.transferred_from), '') AS transferred_from_name,
	coalesce(c.transferred_from_no, '') AS transferred_from_no, c.first_received_on`

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

// lockVisible takes the row lock of a case the user may see and marks it changed (version + 1) in one
// statement; it returns the version before (ErrNotFound when there is no such case or the user may not see
// it: the transaction is then rolled back by the caller, as on any error).
func (s *Store) lockVisible(ctx context.Context, id int64, u *auth.User) (int, error) {
	cond, args := visibility(u, 2)
	var old int
	q := `UPDATE cases c SET version = c.version + 1, updated_at = now() WHERE c.id = $1 AND ` + cond + ` RETURNING c.version - 1`
	if err := sqlx.GetContext(ctx, s.db, &old, q, append([]any{id}, args...)...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return 0, ErrNotFound
		}
		return 0, fmt.Errorf("cases: lock %d: %w", id, err)
	}
	return old, nil
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
		return fmt.Sprintf(`c.id IN (`+officerCases+`)`, n), []any{u.ID}
	}
	return "false", nil
}

// officerCases selects the ids of the cases an officer ($%[1]d) sees: only the assigned officers act on a
// case; the officer who registered it keeps it only until a team is assigned.
const officerCases = `SELECT x.case_id FROM case_assignments x WHERE x.user_id = $%[1]d AND x.removed_at IS NULL
			UNION ALL SELECT r.id FROM cases r WHERE r.registered_by = $%[1]d
				AND NOT EXISTS (SELECT 1 FROM case_assignments y WHERE y.case_id = r.id AND y.removed_at IS NULL)`

// searchVisibility is visibility for a search: an officer's few cases are selected first (an array computed
// once) and the search term is then only checked on them. With visibility's semi-join the planner searches
// the term's whole posting list in cases_search and filters it by the team afterwards, so that the cost
// grows with the cases matching the term in the organ (a respondent's name matches a large share of them).
func searchVisibility(u *auth.User, n int) (string, []any) {
	if u.Role == auth.RoleOfficer {
		return fmt.Sprintf(`c.id = ANY(ARRAY(`+officerCases+`))`, n), []any{u.ID}
	}
	return visibility(u, n)
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
	Query        string // searched through the index of identifiers and names (cases_search)
	Window       int
	AgencyID     int       // respondent
	OfficerID    int64     // on the case's team
	ReceivedFrom date.Date // received on or after
	ReceivedTo   date.Date // received on or before
	Overdue      bool      // with a deadline overdue on Today
	Today        date.Date // for Overdue
	ReviewQueue  bool      // registered, or 补正 materials received: ordered by review due date
	ByDue        bool      // order by the nearest open deadline
	OnlyDue      bool      // only cases with an open deadline
	Understaffed bool      // open cases whose team is below the minimum
	Sort         string    // "" or "received": newest received first; "received_asc"; "due": nearest deadline first
	After        string    // keyset cursor (Page.Next of the page before): date_id (received sorts) or due_id (due sort)
	Limit        int
	Offset       int
}

// Sorts of the case list.
const (
	SortReceived    = "received"
	SortReceivedAsc = "received_asc"
	SortDue         = "due"
)

// CountCap bounds the count of the case list: beyond it the list says "more than CountCap" (counting every
// case of a large organ on every first page would read them all). Pages by number reach the capped count;
// the keyset cursor (Page.Next) reaches every page beyond.
const CountCap = 10000

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
	ActDocNo       string    `db:"act_doc_no" json:"act_doc_no"`
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

// ErrBadCursor answers a keyset cursor that this list did not give.
var ErrBadCursor = apperr.New(apperr.BadRequest, "request.query", "查询参数 after 无效：请从列表的“下一页”链接进入")

// where is the condition of the filter for user u, with its arguments.
func (f Filter) where(u *auth.User) (string, []any) {
	cond, args := visibility(u, 1)
	if strings.TrimSpace(f.Query) != "" {
		cond, args = searchVisibility(u, 1)
	}
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
	if f.Overdue {
		where = append(where, `EXISTS (SELECT 1 FROM deadlines d WHERE d.case_id = c.id AND (d.status = 'breached'
			OR d.status = 'open' AND d.due_on < `+arg(f.Today)+`))`)
	}
	if f.Understaffed {
		where = append(where, `c.status IN ('accepted', 'suspended') AND (SELECT count(*) FROM case_assignments x
			WHERE x.case_id = c.id AND x.removed_at IS NULL) < (SELECT CASE WHEN c.complex THEN min_officers_complex ELSE min_officers END FROM organ WHERE id = c.organ_id)`)
	}
	if f.Window > 0 {
		where = append(where, "c.window_id = "+arg(f.Window))
	}
	if f.AgencyID > 0 {
		where = append(where, "c.respondent_agency_id = "+arg(f.AgencyID))
	}
	if f.OfficerID > 0 {
		where = append(where, "c.id IN (SELECT t.case_id FROM case_assignments t WHERE t.user_id = "+arg(f.OfficerID)+" AND t.removed_at IS NULL)")
	}
	if !f.ReceivedFrom.IsZero() {
		where = append(where, "c.received_on >= "+arg(f.ReceivedFrom))
	}
	if !f.ReceivedTo.IsZero() {
		where = append(where, "c.received_on <= "+arg(f.ReceivedTo))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		if no, ok := identifier(q); ok {
			// a whole 登记号, 案号 or 文号: that number exactly, through the btree indexes of the three columns
			where = append(where, fmt.Sprintf(identifierCond, arg(no)))
		} else {
			// the bigram index (cases_search); a text without letters, digits or Han characters finds nothing
			// (last, for rows' probe)
			where = append(where, fmt.Sprintf(searchCond, arg(q)))
		}
	}
	return strings.Join(where, " AND "), args
}

const searchCond = "c.search @@ search_query(%s)"

// identifierCond finds a whole 登记号 (registration_no, unique), 案号 (case_no, unique) or 文号 (act_key,
// cases_act_series) by text equality, which is LEAKPROOF: under row-level security the three btree indexes
// are searched, never the posting lists of the number's words in cases_search ('sfs01', '2026': nearly every case).
// (act_doc_no <> "" in SQL quotes: the predicate of cases_act_series; a number is never the key of an empty 文号)
const identifierCond = "(c.registration_no = %[1]s OR c.case_no = %[1]s OR c.act_key = %[1]s AND c.act_doc_no <> '')"

var (
	// registrationNo is a whole 登记号: a window code (or the organ's prefix), the year, a serial of 6 digits or more
	registrationNo = regexp.MustCompile(`^[A-Z0-9]{2,16}-[0-9]{4}-[0-9]{6,}$`)
	// bracketedNo is a whole 案号 or 文号: 栖政复〔2025〕12号 (brackets as typed are read as 〔〕)
	bracketedNo = regexp.MustCompile(`^\p{Han}[\p{Han}A-Za-z0-9]*〔[0-9]{4}〕[0-9]+号$`)
)

// identifier is the number a search text is, when it is a whole 登记号, 案号 or 文号 (normalised: upper case,
// brackets as the organ writes them, no spaces). Such a text finds exactly the cases carrying that number as
// their 登记号, 案号 or 文号: what a clerk typing a whole number means. (The word search found more: each
// number's words as prefixes anywhere in a case, e.g. FYJG-2025-000001 accepted as 栖政复〔2026〕… for
// FYJG-2026-000001, or 栖政复〔2025〕120号 for 栖政复〔2025〕12号.)
func identifier(q string) (string, bool) {
	if no := strings.ToUpper(q); registrationNo.MatchString(no) {
		return no, true
	}
	if no := CaseNumberReplacer.Replace(q); bracketedNo.MatchString(no) {
		return no, true
	}
	return "", false
}

// probeWindow is how many of the newest cases (in the sort's order) a search that matches at least probeAbove
// cases reads: a common term (a respondent's name) fills its page from them, whereas cases_search gives all
// its matches, to be read and sorted. Every search first reads the firstProbe newest cases (cheap for a rare
// term, which fails it): a term that fills its page from them is not counted either (a whole 登记号, 案号 or
// 文号 is not probed: identifierCond finds it by its btree index).
const (
	probeWindow = 2000
	probeAbove  = 1000
	firstProbe  = 200
)

// listColumns are the columns of a page of the case list, read for the cases of the page only: listPage is
// the statement, whose inner query (ids, on alias c) finds the page by the filter, its order and offset, so
// that the applicants, the respondent and the next deadline's kind are not computed for the rows an offset
// skips. next_due is the stored nearest open deadline (cases.due_key, 0038_case_due_key.sql), which the due
// sort orders by.
const listColumns = `SELECT c.id, c.registration_no, c.case_no, c.status, c.received_on, c.act_title, c.act_doc_no, c.late_note, c.complex,
		a.name AS agency_name, coalesce(wi.code, '') AS window_code,
		coalesce((SELECT string_agg(p.name, '、' ORDER BY p.position) FROM case_parties p
			WHERE p.case_id = c.id AND p.role = 'applicant'), '') AS applicants,
		nd.kind AS next_kind, nullif(c.due_key, 'infinity') AS next_due
	FROM cases c JOIN agencies a ON a.id = c.respondent_agency_id LEFT JOIN windows wi ON wi.id = c.window_id
	LEFT JOIN LATERAL (SELECT d.kind FROM deadlines d WHERE d.case_id = c.id AND d.status = 'open'
		ORDER BY d.due_on, d.id LIMIT 1) nd ON true`

// listPage is the list statement: the condition, the order (twice) and the limit and offset completed by rows.
const listPage = listColumns + ` WHERE c.id IN (SELECT c.id FROM cases c WHERE %[1]s ORDER BY %[2]s LIMIT %[3]d OFFSET %[4]d)
	ORDER BY %[2]s`

// listExample is the list statement as completed for a search (for the statement test).
var listExample = fmt.Sprintf(listPage, `c.search @@ search_query($1) AND (c.received_on, c.id) < ($2, $3)`,
	"c.received_on DESC, c.id DESC", 21, 0)

// dueKey is the due sort's key: the nearest open deadline, 'infinity' (last) for none (index cases_due_key).
const dueKey = "c.due_key"

// dueNone is the date part of a due sort cursor after a case without an open deadline.
const dueNone = "none"

// order is the ORDER BY of the filter and the keyset condition of its cursor: after=date_id with the received
// sorts, after=due_id with the due sort (due is none after the cases with an open deadline).
func (f Filter) order(args *[]any) (string, string, error) {
	arg := func(v any) string { *args = append(*args, v); return fmt.Sprintf("$%d", len(*args)) }
	sort := f.Sort
	if f.ReviewQueue || f.ByDue {
		sort = SortDue
	}
	var order, op string
	switch sort {
	case SortDue:
		order = dueKey + ", c.id"
		if f.After == "" {
			return order, "", nil
		}
		day, id, ok := strings.Cut(f.After, "_")
		n, nerr := strconv.ParseInt(id, 10, 64)
		if !ok || nerr != nil || n <= 0 {
			return "", "", ErrBadCursor
		}
		if day == dueNone {
			day = "infinity"
		} else if _, err := date.Parse(day); err != nil {
			return "", "", ErrBadCursor
		}
		// the parameters take their types from the key (a cast of a parameter in the condition would not be
		// LEAKPROOF: no index condition under row-level security)
		return order, fmt.Sprintf("(%s, c.id) > (%s, %s)", dueKey, arg(day), arg(n)), nil
	case SortReceivedAsc:
		order, op = "c.received_on, c.id", ">"
	default:
		order, op = "c.received_on DESC, c.id DESC", "<"
	}
	if f.After == "" {
		return order, "", nil
	}
	day, id, ok := strings.Cut(f.After, "_")
	d, err := date.Parse(day)
	n, nerr := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || nerr != nil || n <= 0 {
		return "", "", ErrBadCursor
	}
	return order, fmt.Sprintf("(c.received_on, c.id) %s (%s, %s)", op, arg(d), arg(n)), nil
}

// List returns the cases the user may see, with the total count.
func (s *Store) List(ctx context.Context, u *auth.User, f Filter) ([]ListItem, int, error) {
	w, args := f.where(u)
	var total int
	if err := sqlx.GetContext(ctx, s.db, &total, `SELECT count(*) FROM cases c WHERE `+w, args...); err != nil {
		return nil, 0, fmt.Errorf("cases: count: %w", err)
	}
	items, _, err := s.rows(ctx, f, w, args)
	return items, total, err
}

// Page is a page of the case list.
type Page struct {
	Items []ListItem `json:"items"`
	// Total counts the matching cases up to CountCap; beyond, it is CountCap and More is true. A common search
	// term is not counted: Total is then the lower bound its page showed (More true).
	Total int  `json:"total"`
	More  bool `json:"total_is_lower_bound"`
	// Next is the keyset cursor of the following page (?after=), "" on the last page: date_id with the received
	// sorts, due_id with the due sort (due is "none" past the cases with an open deadline).
	Next string `json:"next,omitempty"`
}

// countPage counts the cases of a filter (its condition) up to a cap.
const countPage = `SELECT count(*) FROM (SELECT 1 FROM cases c WHERE %s LIMIT %d) m`

// ListPage returns a page of the cases the user may see with the count capped at CountCap: its cost does not
// grow with the number of cases.
//
// A search alone is first read from the user's firstProbe newest cases (probe): when their matches fill the
// page (or, from what they matched, the probeWindow newest would, and do), the term is common and is not counted (counting it would read its whole posting list in cases_search,
// a third of the organ's cases for a respondent's name): Total is then the lower bound the probe saw (the
// matches up to the page's and one more), More true. Otherwise it is counted, and a term matching at least
// probeAbove cases is read from the probeWindow newest cases, then, when they do not fill the page, as any filter.
func (s *Store) ListPage(ctx context.Context, u *auth.User, f Filter) (*Page, error) {
	w, args := f.where(u)
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	pargs := append([]any{}, args...)
	order, after, err := f.order(&pargs)
	if err != nil {
		return nil, err
	}
	items, ok, err := s.probe(ctx, f, w, pargs, order, after, limit, firstProbe)
	if err != nil {
		return nil, err
	}
	// a term frequent enough among them to fill its page from the probeWindow newest: read them, uncounted too
	wide := !ok && len(items)*(probeWindow/firstProbe) > f.Offset+limit
	if wide {
		if items, ok, err = s.probe(ctx, f, w, pargs, order, after, limit, probeWindow); err != nil {
			return nil, err
		}
	}
	var p *Page
	more := ok
	if ok {
		p = &Page{Items: items, Total: f.Offset + limit + 1, More: true}
	} else {
		var total int
		if err := sqlx.GetContext(ctx, s.db, &total, fmt.Sprintf(countPage, w, CountCap+1), args...); err != nil {
			return nil, fmt.Errorf("cases: count: %w", err)
		}
		p = &Page{Total: total}
		if total > CountCap {
			p.Total, p.More = CountCap, true
		}
		// a term matching at least probeAbove cases: its page from the probeWindow newest (as counted: exact Total)
		if total >= probeAbove && !wide {
			if p.Items, more, err = s.probe(ctx, f, w, pargs, order, after, limit, probeWindow); err != nil {
				return nil, err
			}
		}
		if !more {
			if p.Items, more, err = s.rows(ctx, f, w, args); err != nil {
				return nil, err
			}
		}
	}
	if more && len(p.Items) > 0 {
		last := p.Items[len(p.Items)-1]
		switch {
		case f.Sort == SortDue || f.ReviewQueue || f.ByDue:
			due := dueNone
			if !last.NextDue.IsZero() {
				due = last.NextDue.String()
			}
			p.Next = fmt.Sprintf("%s_%d", due, last.ID)
		default:
			p.Next = fmt.Sprintf("%s_%d", last.ReceivedOn, last.ID)
		}
	}
	return p, nil
}

// statement is the list statement of the filter's page (limit+1 rows) under condition w, with its arguments.
func (f Filter) statement(w string, args []any) (string, []any, int, error) {
	order, after, err := f.order(&args)
	if err != nil {
		return "", nil, 0, err
	}
	limit := f.limit()
	return pageStatement(w, order, after, limit, f.Offset), args, limit, nil
}

// limit is the page size of the filter (20 by default).
func (f Filter) limit() int {
	if f.Limit <= 0 {
		return 20
	}
	return f.Limit
}

// pageStatement completes listPage: condition w and the keyset condition after, order, limit+1 rows from offset.
func pageStatement(w, order, after string, limit, offset int) string {
	if after != "" {
		w += " AND " + after
	}
	return fmt.Sprintf(listPage, w, order, limit+1, offset)
}

// rows reads one page (limit+1 rows, to know whether another follows).
func (s *Store) rows(ctx context.Context, f Filter, w string, args []any) ([]ListItem, bool, error) {
	order, after, err := f.order(&args)
	if err != nil {
		return nil, false, err
	}
	limit := f.limit()
	q := pageStatement(w, order, after, limit, f.Offset)
	var items []ListItem
	if err := sqlx.SelectContext(ctx, s.db, &items, q, args...); err != nil {
		return nil, false, fmt.Errorf("cases: list: %w", err)
	}
	more := len(items) > limit
	if more {
		items = items[:limit]
	}
	if items == nil {
		items = []ListItem{}
	}
	return items, more, nil
}

// probe reads a search's page (limit+1 rows) from the window newest cases of the user in the
// page's order (after its cursor): ok when their matches fill it, for then no older match can belong on it
// (the order is total: received_on, id). Otherwise the caller searches cases_search. Only for a search alone
// (no other filter, the received sorts, a near page): w is where's, ending with its searchCond.
func (s *Store) probe(ctx context.Context, f Filter, w string, args []any, order, after string, limit, window int) ([]ListItem, bool, error) {
	if strings.TrimSpace(f.Query) == "" || len(f.Status) > 0 || f.ReviewQueue || f.OnlyDue || f.Overdue || f.Understaffed ||
		f.Window > 0 || f.AgencyID > 0 || f.OfficerID > 0 || !f.ReceivedFrom.IsZero() || !f.ReceivedTo.IsZero() ||
		f.ByDue || f.Sort == SortDue || f.Offset+limit >= probeWindow/10 {
		return nil, false, nil
	}
	prefix, _, _ := strings.Cut(searchCond, "%s")
	k := strings.LastIndex(w, " AND "+prefix)
	if k < 0 {
		return nil, false, nil
	}
	base, search := w[:k], w[k+len(" AND "):]
	if after != "" {
		base += " AND " + after
	}
	from := fmt.Sprintf("FROM (SELECT * FROM cases c WHERE %s ORDER BY %s LIMIT %d) c JOIN", base, order, window)
	q := fmt.Sprintf(strings.Replace(listColumns, "FROM cases c JOIN", from, 1)+` WHERE %s ORDER BY %s LIMIT %d OFFSET %d`,
		search, order, limit+1, f.Offset)
	var items []ListItem
	if err := sqlx.SelectContext(ctx, s.db, &items, q, args...); err != nil {
		return nil, false, fmt.Errorf("cases: list (newest): %w", err)
	}
	if len(items) <= limit {
		return items, false, nil // the window's matches (ListPage weighs them), not the page
	}
	return items[:limit], true, nil
}

const queryParties = `SELECT id, case_id, role, position, kind, name, id_type, id_number, credit_code, legal_rep, legal_rep_title, phone,
	address, sex, birth_date, agent_kind, firm, represents FROM case_parties WHERE case_id = $1 ORDER BY role, position`

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

// saveDeadlines upserts the derived deadlines ($2, a JSON array) and cancels those of the case no longer
// derived (not the kinds $3 that other features keep), in one statement: the two sets are disjoint.
const saveDeadlines = `WITH x AS (
	SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(kind text, ref text, due_on date, basis text, status text, met_on date)
), up AS (
	INSERT INTO deadlines (case_id, kind, ref, due_on, basis, status, met_on)
	SELECT $1, x.kind, x.ref, x.due_on, x.basis, x.status, x.met_on FROM x
	ON CONFLICT (case_id, kind, ref) WHERE case_id IS NOT NULL DO UPDATE SET due_on = EXCLUDED.due_on,
		basis = EXCLUDED.basis, status = EXCLUDED.status, met_on = EXCLUDED.met_on, updated_at = now(),
		alerted = CASE WHEN deadlines.due_on IS DISTINCT FROM EXCLUDED.due_on THEN NULL ELSE deadlines.alerted END
	WHERE (deadlines.due_on, deadlines.basis, deadlines.status, deadlines.met_on)
		IS DISTINCT FROM (EXCLUDED.due_on, EXCLUDED.basis, EXCLUDED.status, EXCLUDED.met_on)
	RETURNING 1
)
UPDATE deadlines SET status = 'cancelled', due_on = coalesce(due_on, '1970-01-01'), met_on = NULL, updated_at = now()
WHERE case_id = $1 AND status <> 'cancelled' AND NOT ((kind || '/' || ref) IN (SELECT x.kind || '/' || x.ref FROM x))
	AND NOT (kind = ANY($3))`

// SaveDeadlines replaces the derived deadlines of a case with ds; kinds no longer present are cancelled (not
// the ForeignDeadlineKinds, which their feature keeps).
func (s *Store) SaveDeadlines(ctx context.Context, caseID int64, ds []Deadline) error {
	b, err := deadlineRows(ds)
	if err != nil {
		return err
	}
	return s.exec(ctx, "save deadlines", saveDeadlines, caseID, string(b), pq.Array(ForeignDeadlineKinds))
}

// Organ is a reconsideration organ of the installation (the letterhead of its documents, its 代字).
type Organ struct {
	Name       string `db:"name" json:"name"`
	OfficeName string `db:"office_name" json:"office_name"`
	DocPrefix  string `db:"doc_prefix" json:"doc_prefix"`
	CourtName  string `db:"court_name" json:"court_name"`
	Address    string `db:"address" json:"address"`
	Phone      string `db:"phone" json:"phone"`
}

// queryOrgan: the organ the context is bound to (the user's, or the public section's); unbound, the first.
const queryOrgan = `SELECT name, office_name, doc_prefix, court_name, address, phone FROM organ
WHERE id = coalesce(fuyi_organ(), (SELECT min(id) FROM organ))`

// Organ loads the settings of the organ the context is bound to.
func (s *Store) Organ(ctx context.Context) (Organ, error) {
	var o Organ
	if err := sqlx.GetContext(ctx, s.db, &o, queryOrgan); err != nil {
		return o, fmt.Errorf("cases: organ: %w", err)
	}
	return o, nil
}

const queryCaseOrgan = `SELECT o.name, o.office_name, o.doc_prefix, o.court_name, o.address, o.phone
FROM organ o JOIN cases c ON c.organ_id = o.id WHERE c.id = $1`

// CaseOrgan loads the settings of the organ a case belongs to: its case number's 代字 and its documents'
// letterhead, whoever (or whichever job) works on it.
func (s *Store) CaseOrgan(ctx context.Context, caseID int64) (Organ, error) {
	var o Organ
	if err := sqlx.GetContext(ctx, s.db, &o, queryCaseOrgan, caseID); err != nil {
		return o, fmt.Errorf("cases: organ of case %d: %w", caseID, err)
	}
	return o, nil
}

const queryAgencies = `SELECT id, name, category FROM agencies WHERE active ORDER BY category, name`

// Option is a choice of a list filter (windows, officers).
type Option struct {
	ID   int64  `db:"id"`
	Name string `db:"name"`
}

const queryListOptions = `SELECT 'window' AS kind, id, code || ' ' || name AS name FROM windows WHERE active
UNION ALL SELECT 'officer', id, name FROM users WHERE active AND role IN ('officer', 'chief') ORDER BY 1, 3`

// ListOptions gives the windows and officers the case list can be filtered by.
func (s *Store) ListOptions(ctx context.Context) (windows, officers []Option, err error) {
	var rows []struct {
		Kind string `db:"kind"`
		Option
	}
	if err := sqlx.SelectContext(ctx, s.db, &rows, queryListOptions); err != nil {
		return nil, nil, fmt.Errorf("cases: list options: %w", err)
	}
	for _, r := range rows {
		if r.Kind == "window" {
			windows = append(windows, r.Option)
		} else {
			officers = append(officers, r.Option)
		}
	}
	return windows, officers, nil
}

// StatusOrder lists the statuses in the order of the procedure (for filters).
var StatusOrder = []Status{StatusRegistered, StatusCorrection, StatusAccepted, StatusSuspended, StatusDecided,
	StatusTerminated, StatusRejected, StatusAbandoned, StatusTransferred}

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
	c.transferred_on, coalesce(c.transfer_no, '') AS transfer_no, coalesce((SELECT t.name FROM organ t WHERE t.id = c.transferred_to), '') AS transferred_to,
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
