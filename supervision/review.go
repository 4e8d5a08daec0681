package supervision

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/apperr"
	"fuyi/internal/audit"
	"fuyi/internal/auth"
	"fuyi/internal/database"
	"fuyi/internal/date"
)

// Indicator is one figure of the yearly 应诉 review.
type Indicator struct {
	Key         string
	Name        string
	LowerBetter bool // 败诉率: the sub-score is 1 − rate
	Basis       string
}

// Indicators are the figures the plans judge (栖霞: “将出庭情况和行政应诉工作纳入年度绩效评价”), in table order.
var Indicators = []Indicator{
	{"head_appearance", "负责人出庭率", false, "本年度开庭（以开庭日期计）的以该机关为被告的案件中，行政机关负责人出庭应诉的庭次／开庭庭次（行政诉讼法第3条第3款）"},
	{"loss", "败诉率", true, "本年度裁判（以裁判日期计）的以该机关为被告的案件中，败诉件数／裁判件数"},
	{"loss_after_review", "经复议后被诉败诉率", true, "其中经行政复议后被诉（关联复议案件）的案件：败诉件数／裁判件数"},
	{"answer_on_time", "按期答辩率", false, "本年度答辩期限届满的案件中，在期限内提交答辩状的件数／期限届满件数（行政诉讼法第67条）"},
	{"suggestion_reply", "司法建议、检察建议办复率", false, "本年度收到的司法建议、检察建议中，在回复期限内办复的件数／收到件数"},
	{"performance", "复议决定履行率", false, "本年度履行期限届满的以该机关为被申请人的行政复议决定书、调解书中，已履行件数／应履行件数（复议法第77条）"},
	{"observation", "庭审旁听", false, "本年度该机关负责人参加庭审旁听的场次／计划场次（每年至少1次），超过计划按1计"},
}

// Figure is one indicator of one agency: numerator, denominator and rate (nil without a denominator).
type Figure struct {
	Key   string   `json:"key"`
	Name  string   `json:"name"`
	Num   int      `json:"num"`
	Den   int      `json:"den"`
	Rate  *float64 `json:"rate"`
	Basis string   `json:"basis"`
}

// AgencyReview is one agency's line of the review.
type AgencyReview struct {
	AgencyID   int      `json:"agency_id"`
	AgencyName string   `json:"agency_name"`
	Figures    []Figure `json:"figures"`
	Score      *float64 `json:"score"` // nil: no figure had data
	Rank       int      `json:"rank"`  // 0: not ranked
}

// Review is the yearly 应诉 review: a draft computed now, or the published one.
type Review struct {
	Year        int                `json:"year"`
	Weights     map[string]float64 `json:"weights"`
	Agencies    []AgencyReview     `json:"agencies"`
	ComputedOn  date.Date          `json:"computed_on"`
	Published   bool               `json:"published"`
	PublishedAt *time.Time         `json:"published_at,omitempty"`
}

// Score is the review's 考核 rule: every figure with a denominator gives a sub-score in [0, 1] — its rate, or
// 1 − rate where lower is better (败诉率) — and the score is the weighted mean of those sub-scores over the
// figures that have data, × 100 (an agency is neither rewarded nor punished for a figure it had no case
// for). The weights are the bureau's (review_weights). Nil when no weighted figure has data.
func Score(fs []Figure, weights map[string]float64) *float64 {
	lower := map[string]bool{}
	for _, in := range Indicators {
		lower[in.Key] = in.LowerBetter
	}
	var sum, wsum float64
	for _, f := range fs {
		w := weights[f.Key]
		if f.Rate == nil || w <= 0 {
			continue
		}
		sub := *f.Rate
		if lower[f.Key] {
			sub = 1 - sub
		}
		sum += w * sub
		wsum += w
	}
	if wsum == 0 {
		return nil
	}
	s := float64(int(sum/wsum*1000+0.5)) / 10 // one decimal
	return &s
}

// rank orders by score (highest first, then by name) and numbers the scored ones; ties share a rank.
func rank(as []AgencyReview) {
	sort.SliceStable(as, func(i, j int) bool {
		a, b := as[i].Score, as[j].Score
		switch {
		case a == nil || b == nil:
			return a != nil && b == nil
		case *a != *b:
			return *a > *b
		}
		return as[i].AgencyID < as[j].AgencyID
	})
	for i := range as {
		switch {
		case as[i].Score == nil:
			as[i].Rank = 0
		case i > 0 && as[i-1].Score != nil && *as[i-1].Score == *as[i].Score:
			as[i].Rank = as[i-1].Rank
		default:
			as[i].Rank = i + 1
		}
	}
}

type figureRow struct {
	AgencyID   int    `db:"id"`
	AgencyName string `db:"name"`
	HeadNum    int    `db:"head_num"`
	HeadDen    int    `db:"head_den"`
	LossNum    int    `db:"loss_num"`
	LossDen    int    `db:"loss_den"`
	LossRNum   int    `db:"lossr_num"`
	LossRDen   int    `db:"lossr_den"`
	AnsNum     int    `db:"ans_num"`
	AnsDen     int    `db:"ans_den"`
	SugNum     int    `db:"sug_num"`
	SugDen     int    `db:"sug_den"`
	PerfNum    int    `db:"perf_num"`
	PerfDen    int    `db:"perf_den"`
	ObsNum     int    `db:"obs_num"`
}

const queryReviewFigures = `WITH y AS (SELECT make_date($1, 1, 1) AS f, make_date($1, 12, 31) AS t),
sess AS (SELECT l.defendant_agency_id AS a, count(*) AS den, count(*) FILTER (WHERE s.head_appeared) AS num
	FROM court_sessions s JOIN lawsuits l ON l.id = s.lawsuit_id CROSS JOIN y WHERE s.held_on BETWEEN y.f AND y.t GROUP BY 1),
loss AS (SELECT l.defendant_agency_id AS a, count(*) AS den, count(*) FILTER (WHERE l.lost) AS num,
	count(*) FILTER (WHERE l.case_id IS NOT NULL) AS rden, count(*) FILTER (WHERE l.case_id IS NOT NULL AND l.lost) AS rnum
	FROM lawsuits l CROSS JOIN y WHERE l.judged_on BETWEEN y.f AND y.t GROUP BY 1),
ans AS (SELECT l.defendant_agency_id AS a, count(*) AS den, count(*) FILTER (WHERE d.status = 'met' AND d.met_on <= d.due_on) AS num
	FROM deadlines d JOIN lawsuits l ON l.id = d.lawsuit_id CROSS JOIN y
	WHERE d.kind = 'answer' AND d.status IN ('open', 'met', 'breached') AND d.due_on BETWEEN y.f AND y.t GROUP BY 1),
sug AS (SELECT l.defendant_agency_id AS a, count(*) AS den, count(*) FILTER (WHERE g.replied_on IS NOT NULL AND g.replied_on <= g.reply_due_on) AS num
	FROM suggestions g JOIN lawsuits l ON l.id = g.lawsuit_id CROSS JOIN y WHERE g.received_on BETWEEN y.f AND y.t GROUP BY 1),
perf AS (SELECT c.respondent_agency_id AS a, count(*) AS den, count(*) FILTER (WHERE d.status = 'met') AS num
	FROM deadlines d JOIN cases c ON c.id = d.case_id CROSS JOIN y
	WHERE d.kind = 'performance' AND d.status IN ('open', 'met', 'breached') AND d.due_on BETWEEN y.f AND y.t GROUP BY 1),
obs AS (SELECT x.agency_id AS a, count(DISTINCT x.event_id) AS num
	FROM observation_attendees x JOIN observation_events e ON e.id = x.event_id CROSS JOIN y
	WHERE e.held_on BETWEEN y.f AND y.t AND x.rank IN ('principal', 'deputy', 'in_charge') GROUP BY 1)
SELECT g.id, g.name, coalesce(sess.num, 0) AS head_num, coalesce(sess.den, 0) AS head_den,
	coalesce(loss.num, 0) AS loss_num, coalesce(loss.den, 0) AS loss_den, coalesce(loss.rnum, 0) AS lossr_num, coalesce(loss.rden, 0) AS lossr_den,
	coalesce(ans.num, 0) AS ans_num, coalesce(ans.den, 0) AS ans_den, coalesce(sug.num, 0) AS sug_num, coalesce(sug.den, 0) AS sug_den,
	coalesce(perf.num, 0) AS perf_num, coalesce(perf.den, 0) AS perf_den, coalesce(obs.num, 0) AS obs_num
FROM agencies g LEFT JOIN sess ON sess.a = g.id LEFT JOIN loss ON loss.a = g.id LEFT JOIN ans ON ans.a = g.id
	LEFT JOIN sug ON sug.a = g.id LEFT JOIN perf ON perf.a = g.id LEFT JOIN obs ON obs.a = g.id
WHERE g.active ORDER BY g.id`

const (
	queryWeights       = `SELECT key, weight::float8 AS weight FROM review_weights`
	upsertWeight       = `INSERT INTO review_weights (key, weight) VALUES ($1, $2) ON CONFLICT (organ_id, key) DO UPDATE SET weight = EXCLUDED.weight`
	queryPublished     = `SELECT snapshot, published_at FROM annual_reviews WHERE year = $1`
	queryPublishedFile = `SELECT pdf, xlsx FROM annual_reviews WHERE year = $1`
	insertPublished    = `INSERT INTO annual_reviews (year, snapshot, pdf, xlsx, published_by) VALUES ($1, $2, $3, $4, $5)`
	queryPublishedList = `SELECT year FROM annual_reviews ORDER BY year DESC`
)

func reviewStatements() []string {
	return []string{queryReviewFigures, queryWeights, upsertWeight, queryPublished, queryPublishedFile, insertPublished, queryPublishedList}
}

func rate(num, den int) *float64 {
	if den == 0 {
		return nil
	}
	r := float64(num) / float64(den)
	return &r
}

// Weights reads the bureau's weights.
func (s *Service) Weights(ctx context.Context) (map[string]float64, error) {
	return weights(ctx, s.DB)
}

func weights(ctx context.Context, db sqlx.QueryerContext) (map[string]float64, error) {
	var rows []struct {
		Key    string  `db:"key"`
		Weight float64 `db:"weight"`
	}
	if err := sqlx.SelectContext(ctx, db, &rows, queryWeights); err != nil {
		return nil, fmt.Errorf("supervision: weights: %w", err)
	}
	w := map[string]float64{}
	for _, r := range rows {
		w[r.Key] = r.Weight
	}
	return w, nil
}

// SetWeights saves the weights (each 0–100, at least one above 0), audited.
func (s *Service) SetWeights(ctx context.Context, u *auth.User, in map[string]float64) (map[string]float64, error) {
	f := apperr.Fields{}
	known := map[string]bool{}
	total := 0.0
	for _, ind := range Indicators {
		known[ind.Key] = true
	}
	for k, v := range in {
		if !known[k] {
			f.Add("weights."+k, "没有这项考核指标：%s", k)
		} else if v < 0 || v > 100 {
			f.Add("weights."+k, "权重须在0到100之间")
		}
		total += v
	}
	if len(in) > 0 && total <= 0 {
		f.Add("weights", "至少一项指标的权重大于0")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	err := database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
		for k, v := range in {
			if _, err := tx.ExecContext(ctx, upsertWeight, k, v); err != nil {
				return fmt.Errorf("supervision: weight: %w", err)
			}
		}
		w, err := weights(ctx, tx)
		if err != nil {
			return err
		}
		sum := 0.0
		for _, v := range w {
			sum += v
		}
		if sum <= 0 {
			return fieldErr("weights", "至少一项指标的权重大于0")
		}
		return audit.Record(ctx, tx, 0, u.ID, "review.weights", "修改应诉工作考核指标权重", nil, w)
	})
	if err != nil {
		return nil, err
	}
	return s.Weights(ctx)
}

// Compute computes the review of a year from the records as they are now.
func (s *Service) Compute(ctx context.Context, year int) (*Review, error) {
	w, err := s.Weights(ctx)
	if err != nil {
		return nil, err
	}
	var rows []figureRow
	if err := sqlx.SelectContext(ctx, s.DB, &rows, queryReviewFigures, year); err != nil {
		return nil, fmt.Errorf("supervision: review figures: %w", err)
	}
	r := &Review{Year: year, Weights: w, ComputedOn: s.Today(), Agencies: make([]AgencyReview, 0, len(rows))}
	for _, x := range rows {
		obs := x.ObsNum
		if obs > 1 {
			obs = 1
		}
		vals := map[string][2]int{"head_appearance": {x.HeadNum, x.HeadDen}, "loss": {x.LossNum, x.LossDen},
			"loss_after_review": {x.LossRNum, x.LossRDen}, "answer_on_time": {x.AnsNum, x.AnsDen}, "suggestion_reply": {x.SugNum, x.SugDen},
			"performance": {x.PerfNum, x.PerfDen}, "observation": {x.ObsNum, 1}}
		a := AgencyReview{AgencyID: x.AgencyID, AgencyName: x.AgencyName}
		for _, ind := range Indicators {
			v := vals[ind.Key]
			f := Figure{Key: ind.Key, Name: ind.Name, Num: v[0], Den: v[1], Rate: rate(v[0], v[1]), Basis: ind.Basis}
			if ind.Key == "observation" {
				f.Rate = rate(obs, 1)
			}
			a.Figures = append(a.Figures, f)
		}
		a.Score = Score(a.Figures, w)
		r.Agencies = append(r.Agencies, a)
	}
	rank(r.Agencies)
	return r, nil
}

// ErrReviewNotPublished answers the files of a review that was not published.
var ErrReviewNotPublished = apperr.New(apperr.NotFound, "review.not_published", "该年度应诉工作考核尚未发布")

// Published reads the published review of a year (nil when none).
func (s *Service) Published(ctx context.Context, year int) (*Review, error) {
	var row struct {
		Snapshot []byte    `db:"snapshot"`
		At       time.Time `db:"published_at"`
	}
	err := sqlx.GetContext(ctx, s.DB, &row, queryPublished, year)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("supervision: published review: %w", err)
	}
	var r Review
	if err := json.Unmarshal(row.Snapshot, &r); err != nil {
		return nil, fmt.Errorf("supervision: review snapshot: %w", err)
	}
	r.Published, r.PublishedAt = true, &row.At
	return &r, nil
}

// Review is the published review of a year, or else the draft computed now.
func (s *Service) Review(ctx context.Context, year int) (*Review, error) {
	r, err := s.Published(ctx, year)
	if err != nil || r != nil {
		return r, err
	}
	return s.Compute(ctx, year)
}

// PublishedYears lists the years with a published review.
func (s *Service) PublishedYears(ctx context.Context) ([]int, error) {
	var ys []int
	if err := sqlx.SelectContext(ctx, s.DB, &ys, queryPublishedList); err != nil {
		return nil, fmt.Errorf("supervision: published years: %w", err)
	}
	return ys, nil
}

// Publish freezes the review of a year: the figures, weights and scores as computed now, with the PDF and XLSX
// rendered from them, stored once (a published review never changes: the database refuses any update).
func (s *Service) Publish(ctx context.Context, u *auth.User, year int) (*Review, error) {
	if year > s.Today().Year() {
		return nil, fieldErr("year", "不能发布尚未开始的年度")
	}
	r, err := s.Compute(ctx, year)
	if err != nil {
		return nil, err
	}
	o, err := loadOrgan(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	p, err := r.PDF(o.Name)
	if err != nil {
		return nil, err
	}
	x, err := r.XLSX(o.Name)
	if err != nil {
		return nil, err
	}
	snap, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	err = database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, insertPublished, year, json.RawMessage(snap), p, x, u.ID)
		if name, _ := database.Constraint(err); name == "annual_reviews_pkey" {
			return apperr.State("review.published", "%d年度应诉工作考核已发布，发布后不再改变", year)
		}
		if err != nil {
			return fmt.Errorf("supervision: publish review: %w", err)
		}
		return audit.Record(ctx, tx, 0, u.ID, "review.published", fmt.Sprintf("发布%d年度行政应诉工作考核结果", year), nil, map[string]any{"year": year})
	})
	if err != nil {
		return nil, err
	}
	return s.Published(ctx, year)
}

// Files are the PDF and XLSX of a review: the stored ones when published, else rendered from the draft.
func (s *Service) Files(ctx context.Context, year int) (pdfb, xlsx []byte, published bool, err error) {
	var row struct {
		PDF  []byte `db:"pdf"`
		XLSX []byte `db:"xlsx"`
	}
	err = sqlx.GetContext(ctx, s.DB, &row, queryPublishedFile, year)
	if err == nil {
		return row.PDF, row.XLSX, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, nil, false, fmt.Errorf("supervision: review files: %w", err)
	}
	r, err := s.Compute(ctx, year)
	if err != nil {
		return nil, nil, false, err
	}
	o, err := loadOrgan(ctx, s.DB)
	if err != nil {
		return nil, nil, false, err
	}
	if pdfb, err = r.PDF(o.Name + "（草稿）"); err != nil {
		return nil, nil, false, err
	}
	xlsx, err = r.XLSX(o.Name + "（草稿）")
	return pdfb, xlsx, false, err
}

// Percent writes a rate for the tables ("—" without a denominator).
func Percent(r *float64) string {
	if r == nil {
		return "—"
	}
	return strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%.1f", *r*100), "0"), ".") + "%"
}

// ScoreText writes a score ("—" when none).
func ScoreText(s *float64) string {
	if s == nil {
		return "—"
	}
	return fmt.Sprintf("%.1f", *s)
}
