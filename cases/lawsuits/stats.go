package lawsuits

import (
	"context"
	"fmt"
	"sync"

	"github.com/jmoiron/sqlx"

	"fuyi/cases"
	"fuyi/internal/date"
)

// AfterReconsiderationLossLimit is the red line of the local plans: 经复议后被诉败诉率 ≤ 8% (栖霞).
const AfterReconsiderationLossLimit = 0.08

// Stats are the 行政应诉 figures of a period (API.md GET /lawsuits/stats).
type Stats struct {
	From                       date.Date        `json:"from"`
	To                         date.Date        `json:"to"`
	AgencyID                   *int             `json:"agency_id"`
	Received                   int              `json:"received"`
	Concluded                  int              `json:"concluded"`
	Lost                       int              `json:"lost"`
	ByOutcome                  map[string]int   `json:"by_outcome"`
	LossRate                   cases.RateValue  `json:"loss_rate"`
	AppearanceRate             cases.RateValue  `json:"head_appearance_rate"`
	AfterReconsiderationLoss   cases.RateValue  `json:"after_reconsideration_loss_rate"`
	ReplyRate                  cases.RateValue  `json:"reply_rate"`
	OrganDefendant             int              `json:"organ_defendant"`
	AbsencesWithoutValidReason int              `json:"absences_without_valid_reason"`
	AbsencesWithoutExplanation int              `json:"absences_without_explanation"`
	RequiredWithoutPrincipal   int              `json:"required_without_principal"`
	Agencies                   []AgencyLawsuits `json:"agencies,omitempty"`
}

// AgencyLawsuits is one agency's row.
type AgencyLawsuits struct {
	AgencyID       int             `json:"agency_id" db:"agency_id"`
	Agency         string          `json:"agency" db:"agency"`
	Received       int             `json:"received" db:"received"`
	Concluded      int             `json:"concluded" db:"concluded"`
	Lost           int             `json:"lost" db:"lost"`
	Instances      int             `json:"instances_with_sessions" db:"instances"`
	Appeared       int             `json:"instances_head_appeared" db:"appeared"`
	Absences       int             `json:"absences_without_valid_reason" db:"absences"`
	LossRate       cases.RateValue `json:"loss_rate" db:"-"`
	AppearanceRate cases.RateValue `json:"head_appearance_rate" db:"-"`
}

const statsFilter = `($3::int IS NULL OR l.defendant_agency_id = $3)`

const queryLawsuitCounts = `SELECT
	count(*) FILTER (WHERE l.complaint_received_on BETWEEN $1 AND $2) AS received,
	count(*) FILTER (WHERE l.judged_on BETWEEN $1 AND $2) AS concluded,
	count(*) FILTER (WHERE l.judged_on BETWEEN $1 AND $2 AND l.lost) AS lost,
	count(*) FILTER (WHERE l.judged_on BETWEEN $1 AND $2 AND l.reconsideration_organ_defendant) AS organ_concluded,
	count(*) FILTER (WHERE l.judged_on BETWEEN $1 AND $2 AND l.reconsideration_organ_defendant AND l.lost) AS organ_lost,
	count(*) FILTER (WHERE l.complaint_received_on BETWEEN $1 AND $2 AND l.reconsideration_organ_defendant) AS organ_defendant
FROM lawsuits l WHERE (l.complaint_received_on BETWEEN $1 AND $2 OR l.judged_on BETWEEN $1 AND $2) AND ` + statsFilter

const queryAppearance = `SELECT count(DISTINCT s.lawsuit_id) AS instances,
	count(DISTINCT s.lawsuit_id) FILTER (WHERE s.head_appeared) AS appeared,
	count(*) FILTER (WHERE NOT s.head_appeared AND s.absence_reason = 'none') AS no_reason,
	count(*) FILTER (WHERE NOT s.head_appeared AND NOT s.explanation_filed) AS no_explanation
FROM court_sessions s JOIN lawsuits l ON l.id = s.lawsuit_id WHERE s.held_on BETWEEN $1 AND $2 AND ` + statsFilter

const queryRequiredWithoutPrincipal = `SELECT count(*) FROM lawsuits l WHERE l.head_required AND ` + statsFilter + `
	AND l.id IN (SELECT s.lawsuit_id FROM court_sessions s WHERE s.held_on BETWEEN $1 AND $2)
	AND NOT EXISTS (SELECT 1 FROM court_sessions s WHERE s.lawsuit_id = l.id AND s.head_rank = 'principal')`

const querySuggestions = `SELECT count(*) AS received, count(*) FILTER (WHERE g.replied_on IS NOT NULL) AS replied
FROM suggestions g JOIN lawsuits l ON l.id = g.lawsuit_id WHERE g.received_on BETWEEN $1 AND $2 AND ` + statsFilter

const queryOutcomes = `SELECT l.outcome, count(*) AS n FROM lawsuits l WHERE l.judged_on BETWEEN $1 AND $2 AND ` + statsFilter + ` GROUP BY l.outcome`

// queryRequiredWithoutPrincipal and the agency rows only look at lawsuits with a session or event in the period.

const queryAgencyRows = `WITH r AS (SELECT defendant_agency_id AS a, count(*) AS n FROM lawsuits
		WHERE complaint_received_on BETWEEN $1 AND $2 GROUP BY 1),
	c AS (SELECT defendant_agency_id AS a, count(*) AS n, count(*) FILTER (WHERE lost) AS lost FROM lawsuits
		WHERE judged_on BETWEEN $1 AND $2 GROUP BY 1),
	s AS (SELECT l.defendant_agency_id AS a, count(DISTINCT s.lawsuit_id) AS inst,
		count(DISTINCT s.lawsuit_id) FILTER (WHERE s.head_appeared) AS app,
		count(*) FILTER (WHERE NOT s.head_appeared AND s.absence_reason = 'none') AS abs
		FROM court_sessions s JOIN lawsuits l ON l.id = s.lawsuit_id WHERE s.held_on BETWEEN $1 AND $2 GROUP BY 1)
SELECT a.id AS agency_id, a.name AS agency, coalesce(r.n, 0) AS received, coalesce(c.n, 0) AS concluded, coalesce(c.lost, 0) AS lost,
	coalesce(s.inst, 0) AS instances, coalesce(s.app, 0) AS appeared, coalesce(s.abs, 0) AS absences
FROM agencies a LEFT JOIN r ON r.a = a.id LEFT JOIN c ON c.a = a.id LEFT JOIN s ON s.a = a.id
WHERE r.a IS NOT NULL OR c.a IS NOT NULL OR s.a IS NOT NULL
ORDER BY a.id`

// Basis texts of the lawsuit rates ([H] DOMAIN.md §8).
const (
	BasisLossRate       = "行政诉讼败诉率＝期间内结案（判决、裁定、调解等全部结案方式）中败诉件数÷结案件数；败诉指法院支持原告的判决（撤销、履行、给付、确认违法、确认无效、变更、行政协议责任、赔偿）"
	BasisAppearanceRate = "负责人出庭应诉率＝期间内开过庭的案件（每个审级计一件）中，正职、副职或参与分管的负责人至少出庭一次的件数÷开过庭的件数（出庭规定第2条、第7条）"
	BasisAfterRecon     = "经复议后被诉败诉率＝期间内结案的、复议机关作为被告或共同被告的案件中败诉件数÷结案件数（目标≤8%）"
	BasisReplyRate      = "办复率＝期间内收到的司法建议、检察建议中已书面回复的件数÷收到件数（目标100%）"
)

// Stats computes the 行政应诉 figures for [from, to], overall or for one agency (agencyID > 0).
func (s *Store) Stats(ctx context.Context, from, to date.Date, agencyID int) (*Stats, error) {
	var agency any
	st := &Stats{From: from, To: to, ByOutcome: map[string]int{}}
	if agencyID > 0 {
		agency = agencyID
		st.AgencyID = &agencyID
	}
	var c struct {
		Received       int `db:"received"`
		Concluded      int `db:"concluded"`
		Lost           int `db:"lost"`
		OrganConcluded int `db:"organ_concluded"`
		OrganLost      int `db:"organ_lost"`
		OrganDefendant int `db:"organ_defendant"`
	}
	var ap struct {
		Instances     int `db:"instances"`
		Appeared      int `db:"appeared"`
		NoReason      int `db:"no_reason"`
		NoExplanation int `db:"no_explanation"`
	}
	var sg struct {
		Received int `db:"received"`
		Replied  int `db:"replied"`
	}
	var outcomes []struct {
		Outcome string `db:"outcome"`
		N       int    `db:"n"`
	}
	// independent queries, run concurrently (one after the other for a sequential store)
	var wg sync.WaitGroup
	errs := make([]error, 6)
	run := func(i int, f func() error) {
		if s.sequential {
			errs[i] = f()
			return
		}
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = f() }()
	}
	run(0, func() error { return sqlx.GetContext(ctx, s.db, &c, queryLawsuitCounts, from, to, agency) })
	run(1, func() error { return sqlx.GetContext(ctx, s.db, &ap, queryAppearance, from, to, agency) })
	run(2, func() error {
		return sqlx.GetContext(ctx, s.db, &st.RequiredWithoutPrincipal, queryRequiredWithoutPrincipal, from, to, agency)
	})
	run(3, func() error { return sqlx.GetContext(ctx, s.db, &sg, querySuggestions, from, to, agency) })
	run(4, func() error { return sqlx.SelectContext(ctx, s.db, &outcomes, queryOutcomes, from, to, agency) })
	if agencyID == 0 {
		run(5, func() error { return sqlx.SelectContext(ctx, s.db, &st.Agencies, queryAgencyRows, from, to) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("lawsuits: stats: %w", err)
		}
	}
	for _, o := range outcomes {
		st.ByOutcome[o.Outcome] = o.N
	}
	st.Received, st.Concluded, st.Lost, st.OrganDefendant = c.Received, c.Concluded, c.Lost, c.OrganDefendant
	st.AbsencesWithoutValidReason, st.AbsencesWithoutExplanation = ap.NoReason, ap.NoExplanation
	st.LossRate = cases.NewRate(c.Lost, c.Concluded, BasisLossRate, "同比下降（双下降）", nil)
	st.AppearanceRate = cases.NewRate(ap.Appeared, ap.Instances, BasisAppearanceRate, "100%", func(v float64) bool { return v < 1 })
	st.AfterReconsiderationLoss = cases.NewRate(c.OrganLost, c.OrganConcluded, BasisAfterRecon, "≤8%", func(v float64) bool { return v > AfterReconsiderationLossLimit })
	st.ReplyRate = cases.NewRate(sg.Replied, sg.Received, BasisReplyRate, "100%", func(v float64) bool { return v < 1 })
	if agencyID == 0 {
		for i := range st.Agencies {
			a := &st.Agencies[i]
			a.LossRate = cases.NewRate(a.Lost, a.Concluded, BasisLossRate, "", nil)
			a.AppearanceRate = cases.NewRate(a.Appeared, a.Instances, BasisAppearanceRate, "100%", func(v float64) bool { return v < 1 })
		}
	}
	return st, nil
}

// AppearanceRow is one session in the 出庭应诉情况通报.
type AppearanceRow struct {
	Agency        string    `db:"agency" json:"agency"`
	CourtCaseNo   string    `db:"court_case_no" json:"court_case_no"`
	HeldOn        date.Date `db:"held_on" json:"held_on"`
	HeadRequired  bool      `db:"head_required" json:"head_required"`
	HeadAppeared  bool      `db:"head_appeared" json:"head_appeared"`
	HeadName      string    `db:"head_name" json:"head_name"`
	HeadTitle     string    `db:"head_title" json:"head_title"`
	HeadRank      *string   `db:"head_rank" json:"head_rank"`
	AbsenceReason string    `db:"absence_reason" json:"absence_reason"`
	Explanation   bool      `db:"explanation_filed" json:"explanation_filed"`
	Delegate      string    `db:"delegate_name" json:"delegate_name"`
}

const queryAppearanceRows = `SELECT coalesce(a.name, '复议机关') AS agency, l.court_case_no, s.held_on, l.head_required, s.head_appeared, s.head_name,
	s.head_title, s.head_rank, s.absence_reason, s.explanation_filed, s.delegate_name
FROM court_sessions s JOIN lawsuits l ON l.id = s.lawsuit_id LEFT JOIN agencies a ON a.id = l.defendant_agency_id
WHERE s.held_on BETWEEN $1 AND $2 ORDER BY agency, s.held_on, l.court_case_no`

// AppearanceRows lists every session of the period for the 出庭应诉情况通报.
func (s *Store) AppearanceRows(ctx context.Context, from, to date.Date) ([]AppearanceRow, error) {
	rows := []AppearanceRow{}
	if err := sqlx.SelectContext(ctx, s.db, &rows, queryAppearanceRows, from, to); err != nil {
		return nil, fmt.Errorf("lawsuits: appearance rows: %w", err)
	}
	return rows, nil
}
