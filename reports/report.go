package reports

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"fuyi/cases"
	"fuyi/cases/lawsuits"
	"fuyi/internal/database"
	"fuyi/internal/date"
)

// Categories are the rows of the official table: the 行政管理类别 of the respondent agency.
var Categories = []string{"公安", "自然资源", "市场监管", "人社", "住建", "生态环境", "交通运输", "农业农村", "卫生健康", "教育",
	"民政", "税务", "财政", "应急管理", "城管/综合执法", "乡镇(街道)", "其他"}

// Outcomes are the 审结 columns, in order, with the decision types they count.
var Outcomes = []struct {
	Key   string
	Label string
	Types []string
}{
	{"maintain", "维持", []string{"maintain"}},
	{"dismiss", "驳回", []string{"dismiss_request", "dismiss_application"}},
	{"change", "变更", []string{"change"}},
	{"revoke", "撤销", []string{"revoke"}},
	{"confirm_illegal", "确认违法", []string{"confirm_illegal"}},
	{"order_perform", "责令履行", []string{"order_perform"}},
	{"confirm_invalid", "确认无效", []string{"confirm_invalid"}},
	{"mediation", "调解", []string{"mediation"}},
	{"settlement", "和解/撤回终止", []string{"settlement"}},
	{"terminate", "其他终止", []string{"terminate"}},
}

func outcomeKey(typ string) string {
	for _, o := range Outcomes {
		for _, t := range o.Types {
			if t == typ {
				return o.Key
			}
		}
	}
	return ""
}

// Row is one line of the 行政复议 table.
type Row struct {
	Label            string          `json:"label"`
	Carried          int             `json:"carried_over"`          // 上期结转
	Received         int             `json:"received"`              // 本期收到
	Accepted         int             `json:"accepted"`              // 受理
	Rejected         int             `json:"rejected"`              // 不予受理
	Informed         int             `json:"informed"`              // 告知: 不予受理并告知有管辖权的机关 (复议法第30条第2款)
	Transferred      int             `json:"transferred"`           // 转送 to the competent organ (cases.Transfer)
	Concluded        int             `json:"concluded"`             // 审结
	ByOutcome        map[string]int  `json:"concluded_by"`          // 审结 by outcome key
	Open             int             `json:"open"`                  // 未审结
	Corrective       int             `json:"corrective"`            // 纠错 (63–67)
	ByDecision       int             `json:"concluded_by_decision"` // 决定 (63–69, 33)
	CorrectionRate   cases.RateValue `json:"correction_rate"`       // 纠错率
	Simplified       int             `json:"simplified"`            // 简易程序
	OpinionsIssued   int             `json:"opinions_issued"`       // 意见书 制发
	OpinionsReported int             `json:"opinions_reported"`     // 意见书 落实
}

// Count is a labelled number for the breakdowns.
type Count struct {
	Label string `json:"label" db:"label"`
	N     int    `json:"n" db:"n"`
}

// Litigation is the 行政应诉 table.
type Litigation struct {
	Instances map[string]InstanceCounts `json:"instances"` // first, second, retrial
	Stats     *lawsuits.Stats           `json:"stats"`
	ByOutcome []Count                   `json:"concluded_by"`
}

// InstanceCounts are 收案 and 结案 of an instance.
type InstanceCounts struct {
	Label     string `json:"label"`
	Received  int    `json:"received"`
	Concluded int    `json:"concluded"`
}

// Rates are the indicators of DOMAIN.md §8 with their 口径.
type Rates struct {
	Correction        cases.RateValue `json:"correction_rate"`
	MediationWithdraw cases.RateValue `json:"mediation_withdrawal_rate"`
	Hearing           cases.RateValue `json:"hearing_rate"`
	Performance       cases.RateValue `json:"performance_rate"`
	Reply             cases.RateValue `json:"reply_rate"`
	LawsuitLoss       cases.RateValue `json:"lawsuit_loss_rate"`
	AfterReconLoss    cases.RateValue `json:"after_reconsideration_loss_rate"`
	HeadAppearance    cases.RateValue `json:"head_appearance_rate"`
	AverageDays       *float64        `json:"average_handling_days"`
	OverdueConcluded  int             `json:"concluded_after_due_date"`
	OverdueOpen       int             `json:"open_past_due_date"`
	// UnmetDuties counts copy and reply deadlines (复议法第48条、第54条) due in the period and not performed by
	// its end, in open and concluded cases alike: concluding a case does not erase a breach.
	UnmetDuties int `json:"copy_reply_unmet_past_due"`
}

// Comparison is the year-on-year view (同比) and the 双下降 check.
type Comparison struct {
	Period           Period   `json:"period"`
	Received         int      `json:"received"`
	Concluded        int      `json:"concluded"`
	CorrectionRate   *float64 `json:"correction_rate"`
	LawsuitsReceived int      `json:"lawsuits_received"`
	LawsuitsLost     int      `json:"lawsuits_lost"`
	DoubleDecrease   bool     `json:"double_decrease"` // 行政诉讼案件和败诉案件“双下降”
}

// Trend is one month of the 12-month trend.
type Trend struct {
	Month     string `json:"month"`
	Received  int    `json:"received"`
	Concluded int    `json:"concluded"`
}

// Report is a complete statistics report.
type Report struct {
	Period      Period      `json:"period"`
	GeneratedAt time.Time   `json:"generated_at"`
	Rows        []Row       `json:"rows"`
	Total       Row         `json:"total"`
	ByMatter    []Count     `json:"by_matter"`
	ByLevel     []Count     `json:"by_respondent_level"`
	ByApplicant []Count     `json:"by_applicant_type"`
	ByWindow    []Count     `json:"by_window"`
	Litigation  Litigation  `json:"litigation"`
	Rates       Rates       `json:"rates"`
	Balance     []string    `json:"balance_errors"` // empty when every row balances
	YearOnYear  *Comparison `json:"year_on_year"`
	Trend       []Trend     `json:"trend"`
}

// 口径 of the 行政复议 rates ([H] DOMAIN.md §8).
const (
	BasisCorrection  = "纠错率＝（变更＋撤销＋确认违法＋责令履行＋确认无效）÷以决定方式审结的件数（复议法第63—69条、第33条；全国口径）"
	BasisMediation   = "调撤率＝（调解＋和解后撤回终止）÷全部审结件数"
	BasisHearing     = "听证率＝审结案件中举行过听证的件数÷全部审结件数（目标≥70%）"
	BasisPerformance = "履行率＝本期届满的履行期限（决定书、调解书确定的履行期限及意见书60日报送期限）中已按期履行或报送的件数÷届满件数（目标100%）"
)

type counter struct {
	Category string `db:"category"`
	Key      string `db:"k"`
	N        int    `db:"n"`
}

// queries, each driven by an index on the period's dates (or the open-interval GiST index), so that the
// cost follows the period and not the history.
const (
	// what was received in the period, by category (the table's rows), matter, respondent level, applicant and
	// window: one index-only scan of the period, grouped five ways (k: c, m, l, a, w), each kind in its order
	// (level and applicant by label, window by count)
	qReceivedBy = `SELECT k, label, n FROM (
		SELECT CASE WHEN GROUPING(category) = 0 THEN 'c' WHEN GROUPING(matter) = 0 THEN 'm' WHEN GROUPING(level) = 0 THEN 'l'
				WHEN GROUPING(applicant) = 0 THEN 'a' ELSE 'w' END AS k,
			coalesce(category, matter, level, applicant, win) AS label, count(*) AS n
		FROM (SELECT a.category, c.matter, a.level, CASE WHEN c.applicant_org THEN '法人或其他组织' ELSE '公民' END AS applicant,
				coalesce(w.name, CASE WHEN c.transferred_from IS NOT NULL THEN '其他复议机关转送' ELSE '复议机构直接收件' END) AS win
			FROM cases c JOIN agencies a ON a.id = c.respondent_agency_id LEFT JOIN windows w ON w.id = c.window_id
			WHERE c.received_on BETWEEN $1 AND $2) x
		GROUP BY GROUPING SETS ((category), (matter), (level), (applicant), (win))) g
		ORDER BY k, CASE WHEN k = 'w' THEN -n ELSE 0 END, CASE WHEN k = 'a' THEN label END DESC, label`
	qAccepted = `SELECT a.category, CASE WHEN c.procedure = 'simplified' THEN 's' ELSE 'o' END AS k, count(*) AS n
		FROM cases c JOIN agencies a ON a.id = c.respondent_agency_id WHERE c.accepted_on BETWEEN $1 AND $2 GROUP BY 1, 2`
	qRejected = `SELECT a.category, c.reject_kind AS k, count(*) AS n FROM cases c JOIN agencies a ON a.id = c.respondent_agency_id
		WHERE c.rejected_on BETWEEN $1 AND $2 GROUP BY 1, 2`
	// 转送 by the day of transfer (the competent organ counts the application as received that day)
	qTransferred = `SELECT a.category, '' AS k, count(*) AS n FROM cases c JOIN agencies a ON a.id = c.respondent_agency_id
		WHERE c.transferred_on BETWEEN $1 AND $2 GROUP BY 1`
	qConcluded = `SELECT a.category, coalesce(c.outcome, '') AS k, count(*) AS n FROM cases c JOIN agencies a ON a.id = c.respondent_agency_id
		WHERE c.concluded_on BETWEEN $1 AND $2 GROUP BY 1, 2`
	// open on day X: accepted on or before X and not concluded by X. Two equivalent forms: from the recent
	// side (cost ∝ cases concluded after X, small for recent X) and through the interval GiST index (for
	// old X, where "concluded after X" would be most of the history).
	qOpenOnRecent = `SELECT a.category, '' AS k, count(*) AS n FROM (
			SELECT respondent_agency_id FROM cases WHERE concluded_on > $1::date AND accepted_on <= $1::date
			UNION ALL
			SELECT respondent_agency_id FROM cases WHERE concluded_on IS NULL AND accepted_on IS NOT NULL AND accepted_on <= $1::date
		) c JOIN agencies a ON a.id = c.respondent_agency_id GROUP BY 1`
	qOpenOnInterval = `SELECT a.category, '' AS k, count(*) AS n FROM cases c JOIN agencies a ON a.id = c.respondent_agency_id
		WHERE c.accepted_on IS NOT NULL AND daterange(c.accepted_on, c.concluded_on, '[)') @> $1::date GROUP BY 1`
	qOpinions = `SELECT a.category, 'i' AS k, count(*) AS n FROM opinion_letters l JOIN cases c ON c.id = l.case_id JOIN agencies a ON a.id = c.respondent_agency_id
		WHERE l.issued_on BETWEEN $1 AND $2 GROUP BY 1
		UNION ALL
		SELECT a.category, 'r' AS k, count(*) AS n FROM opinion_letters l JOIN cases c ON c.id = l.case_id JOIN agencies a ON a.id = c.respondent_agency_id
		WHERE l.reported_on BETWEEN $1 AND $2 GROUP BY 1`
	qConcludedFacts = `SELECT count(*) FILTER (WHERE c.hearing_held) AS heard, avg(c.concluded_on - c.accepted_on)::float8 AS avg_days
		FROM cases c WHERE c.concluded_on BETWEEN $1 AND $2`
	qPerformance = `SELECT count(*) FILTER (WHERE met_on IS NOT NULL AND met_on <= due_on) AS num, count(*) AS den
		FROM deadlines WHERE kind IN ('performance', 'opinion_report') AND due_on BETWEEN $1 AND $2 AND status <> 'cancelled'`
	qOverdue = `SELECT (SELECT count(*) FROM deadlines WHERE kind = 'decision' AND met_on BETWEEN $1 AND $2 AND met_on > due_on) AS late,
		(SELECT count(*) FROM deadlines WHERE status = 'open' AND kind = 'decision' AND due_on < $2) AS open_late,
		(SELECT count(*) FROM deadlines WHERE kind IN ('copy', 'reply') AND due_on BETWEEN $1 AND $2
			AND (status = 'breached' OR status = 'open' AND due_on < $2)) AS unmet_duties`
	qInstances = `SELECT instance AS k, '' AS category,
		count(*) FILTER (WHERE complaint_received_on BETWEEN $1 AND $2) AS n FROM lawsuits
		WHERE complaint_received_on BETWEEN $1 AND $2 GROUP BY 1
		UNION ALL SELECT instance AS k, 'concluded' AS category, count(*) AS n FROM lawsuits WHERE judged_on BETWEEN $1 AND $2 GROUP BY 1`
	// the concluded cases of the period read once (one index-only scan), counted three ways
	qYearOnYear = `SELECT (SELECT count(*) FROM cases WHERE received_on BETWEEN $1 AND $2) AS received,
		c.concluded, c.corrective, c.by_decision,
		(SELECT count(*) FROM lawsuits WHERE complaint_received_on BETWEEN $1 AND $2) AS lawsuits,
		(SELECT count(*) FROM lawsuits WHERE judged_on BETWEEN $1 AND $2 AND lost) AS lost
		FROM (SELECT count(*) AS concluded,
			count(*) FILTER (WHERE outcome IN ('change', 'revoke', 'confirm_illegal', 'order_perform', 'confirm_invalid')) AS corrective,
			count(*) FILTER (WHERE outcome IN ('change', 'revoke', 'confirm_illegal', 'order_perform', 'confirm_invalid', 'maintain', 'dismiss_request', 'dismiss_application')) AS by_decision
			FROM cases WHERE concluded_on BETWEEN $1 AND $2) c`
)

func collect(ctx context.Context, db sqlx.QueryerContext, q string, args ...any) ([]counter, error) {
	var cs []counter
	if err := sqlx.SelectContext(ctx, db, &cs, q, args...); err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	return cs, nil
}

// Compute builds the report of a period. withContext adds the year-on-year comparison and the trend.
func Compute(ctx context.Context, db *sqlx.DB, p Period, withContext bool) (*Report, error) {
	r := &Report{Period: p, GeneratedAt: time.Now().In(date.Shanghai), Balance: []string{}}
	rows := map[string]*Row{}
	for _, c := range Categories {
		rows[c] = &Row{Label: c, ByOutcome: map[string]int{}}
	}
	row := func(cat string) *Row {
		if x, ok := rows[cat]; ok {
			return x
		}
		return rows["其他"]
	}
	steps := []struct {
		q    string
		args []any
		add  func(x *Row, k string, n int)
	}{
		{qAccepted, []any{p.From, p.To}, func(x *Row, k string, n int) {
			x.Accepted += n
			if k == "s" {
				x.Simplified += n
			}
		}},
		{qRejected, []any{p.From, p.To}, func(x *Row, k string, n int) {
			if k == "inform" {
				x.Informed += n
			} else {
				x.Rejected += n
			}
		}},
		{qTransferred, []any{p.From, p.To}, func(x *Row, _ string, n int) { x.Transferred += n }},
		{qConcluded, []any{p.From, p.To}, func(x *Row, k string, n int) {
			x.Concluded += n
			x.ByOutcome[outcomeKey(k)] += n
			if t, ok := cases.DecisionTypeOf(k); ok {
				if t.Corrective {
					x.Corrective += n
				}
				if !t.Terminates && !t.Resolves {
					x.ByDecision += n
				}
			}
		}},
		{openOn(p.From.AddDays(-1)), []any{p.From.AddDays(-1)}, func(x *Row, _ string, n int) { x.Carried += n }},
		{openOn(p.To), []any{p.To}, func(x *Row, _ string, n int) { x.Open += n }},
		{qOpinions, []any{p.From, p.To}, func(x *Row, k string, n int) {
			if k == "i" {
				x.OpinionsIssued += n
			} else {
				x.OpinionsReported += n
			}
		}},
	}
	// The queries are independent: run them concurrently on the pool, a bounded number at a time
	// (parallelism), then merge in order.
	results := make([][]counter, len(steps))
	g := newGroup(parallelism(db))
	// the trend first: on a first run its months are the longest work (counted in chunks, concurrently)
	var tr *trend
	if withContext {
		first := date.New(p.To.Year(), p.To.Month(), 1)
		var err error
		if tr, err = newTrend(ctx, db, first.AddMonths(-11), first); err != nil {
			return nil, err
		}
		for _, chunk := range tr.missingChunks(trendChunk) {
			g.Go(func() error { return tr.count(ctx, db, chunk) })
		}
	}
	for i, s := range steps {
		i, s := i, s
		g.Go(func() (err error) { results[i], err = collect(ctx, db, s.q, s.args...); return })
	}
	var facts struct {
		Heard   int      `db:"heard"`
		AvgDays *float64 `db:"avg_days"`
	}
	var perf struct {
		Num int `db:"num"`
		Den int `db:"den"`
	}
	var overdue struct {
		Late     int `db:"late"`
		OpenLate int `db:"open_late"`
		Unmet    int `db:"unmet_duties"`
	}
	var lit *lawsuits.Stats
	var ic []counter
	var received []struct {
		Kind  string `db:"k"`
		Label string `db:"label"`
		N     int    `db:"n"`
	}
	g.Go(func() error { return sqlx.SelectContext(ctx, db, &received, qReceivedBy, p.From, p.To) })
	g.Go(func() error { return sqlx.GetContext(ctx, db, &facts, qConcludedFacts, p.From, p.To) })
	g.Go(func() error { return sqlx.GetContext(ctx, db, &perf, qPerformance, p.From, p.To) })
	g.Go(func() error { return sqlx.GetContext(ctx, db, &overdue, qOverdue, p.From, p.To) })
	// one slot, one statement at a time
	g.Go(func() (err error) { lit, err = lawsuits.NewStore(db).Sequential().Stats(ctx, p.From, p.To, 0); return })
	g.Go(func() (err error) { ic, err = collect(ctx, db, qInstances, p.From, p.To); return })
	var yoy yearOnYear
	prev := p.PreviousYear()
	if withContext {
		g.Go(func() error { return sqlx.GetContext(ctx, db, &yoy, qYearOnYear, prev.From, prev.To) })
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if tr != nil {
		r.Trend = tr.months()
	}
	for i, s := range steps {
		for _, c := range results[i] {
			s.add(row(c.Category), c.Key, c.N)
		}
	}
	matters := map[string]int{}
	for _, c := range received {
		switch c.Kind {
		case "c":
			row(c.Label).Received += c.N
		case "m":
			matters[c.Label] = c.N
		case "l":
			r.ByLevel = append(r.ByLevel, Count{Label: c.Label, N: c.N})
		case "a":
			r.ByApplicant = append(r.ByApplicant, Count{Label: c.Label, N: c.N})
		case "w":
			r.ByWindow = append(r.ByWindow, Count{Label: c.Label, N: c.N})
		}
	}
	r.ByMatter = make([]Count, len(cases.Matters)) // every matter, in the fixed order
	for i, m := range cases.Matters {
		r.ByMatter[i] = Count{Label: m, N: matters[m]}
	}
	total := Row{Label: "合计", ByOutcome: map[string]int{}}
	for _, c := range Categories {
		x := rows[c]
		x.CorrectionRate = cases.NewRate(x.Corrective, x.ByDecision, BasisCorrection, "", nil)
		r.Rows = append(r.Rows, *x)
		total.Carried += x.Carried
		total.Received += x.Received
		total.Accepted += x.Accepted
		total.Rejected += x.Rejected
		total.Informed += x.Informed
		total.Transferred += x.Transferred
		total.Concluded += x.Concluded
		total.Open += x.Open
		total.Corrective += x.Corrective
		total.ByDecision += x.ByDecision
		total.Simplified += x.Simplified
		total.OpinionsIssued += x.OpinionsIssued
		total.OpinionsReported += x.OpinionsReported
		for k, n := range x.ByOutcome {
			total.ByOutcome[k] += n
		}
	}
	total.CorrectionRate = cases.NewRate(total.Corrective, total.ByDecision, BasisCorrection, "", nil)
	r.Total = total
	r.Balance = balance(append(append([]Row{}, r.Rows...), total))

	r.Litigation = Litigation{Stats: lit, Instances: map[string]InstanceCounts{}}
	for _, inst := range []string{"first", "second", "retrial"} {
		r.Litigation.Instances[inst] = InstanceCounts{Label: lawsuits.InstanceLabel(inst)}
	}
	for _, c := range ic {
		x := r.Litigation.Instances[c.Key]
		if c.Category == "concluded" {
			x.Concluded += c.N
		} else {
			x.Received += c.N
		}
		r.Litigation.Instances[c.Key] = x
	}
	for _, o := range lawsuits.Outcomes {
		if n := lit.ByOutcome[o.Code]; n > 0 {
			r.Litigation.ByOutcome = append(r.Litigation.ByOutcome, Count{Label: o.Label, N: n})
		}
	}
	mediated := total.ByOutcome["mediation"] + total.ByOutcome["settlement"]
	r.Rates = Rates{
		Correction:        total.CorrectionRate,
		MediationWithdraw: cases.NewRate(mediated, total.Concluded, BasisMediation, "", nil),
		Hearing:           cases.NewRate(facts.Heard, total.Concluded, BasisHearing, "≥70%", func(v float64) bool { return v < 0.7 }),
		Performance:       cases.NewRate(perf.Num, perf.Den, BasisPerformance, "100%", func(v float64) bool { return v < 1 }),
		Reply:             lit.ReplyRate,
		LawsuitLoss:       lit.LossRate,
		AfterReconLoss:    lit.AfterReconsiderationLoss,
		HeadAppearance:    lit.AppearanceRate,
		AverageDays:       facts.AvgDays,
		OverdueConcluded:  overdue.Late,
		OverdueOpen:       overdue.OpenLate,
		UnmetDuties:       overdue.Unmet,
	}
	if withContext {
		cmp := &Comparison{Period: prev, Received: yoy.Received, Concluded: yoy.Concluded,
			CorrectionRate: cases.NewRate(yoy.Corrective, yoy.ByDecision, BasisCorrection, "", nil).Value, LawsuitsReceived: yoy.Lawsuits, LawsuitsLost: yoy.Lost}
		cmp.DoubleDecrease = lit.Received < cmp.LawsuitsReceived && lit.Lost < cmp.LawsuitsLost
		r.YearOnYear = cmp
	}
	return r, nil
}

// RecentDays is how far back "open on day X" is counted from the recent side; older days use the interval
// index. Both forms give the same numbers (tested); only their cost differs.
var RecentDays = 400

func openOn(x date.Date) string {
	if date.Today().DaysSince(x) <= RecentDays {
		return qOpenOnRecent
	}
	return qOpenOnInterval
}

// balance checks 上期结转 + 受理 = 审结 + 未审结 and 审结 = Σ by outcome on every row, saying where it fails.
func balance(rows []Row) []string {
	var out []string
	for _, x := range rows {
		if x.Carried+x.Accepted != x.Concluded+x.Open {
			out = append(out, fmt.Sprintf("%s：上期结转%d＋受理%d≠审结%d＋未审结%d", x.Label, x.Carried, x.Accepted, x.Concluded, x.Open))
		}
		sum := 0
		var parts []string
		for _, o := range Outcomes {
			sum += x.ByOutcome[o.Key]
			parts = append(parts, fmt.Sprintf("%s%d", o.Label, x.ByOutcome[o.Key]))
		}
		if sum != x.Concluded {
			out = append(out, fmt.Sprintf("%s：审结%d≠各结案方式之和%d（%s）", x.Label, x.Concluded, sum, strings.Join(parts, "、")))
		}
	}
	return out
}

type yearOnYear struct {
	Received   int `db:"received"`
	Concluded  int `db:"concluded"`
	Corrective int `db:"corrective"`
	ByDecision int `db:"by_decision"`
	Lawsuits   int `db:"lawsuits"`
	Lost       int `db:"lost"`
}

// MaxParallel bounds how many statements one report runs at once (also bounded by a quarter of the pool:
// a report never holds more than that share of the connections, so that concurrent reports and the rest of
// the application still get theirs). The report's statements are short index-only scans: on the two cores
// of the reference machine more at once would only queue on the server.
var MaxParallel = 4

// parallelism is the bound for a report on db.
func parallelism(db *sqlx.DB) int {
	n := MaxParallel
	if max := db.Stats().MaxOpenConnections; max > 0 && max/4 < n {
		n = max / 4
	}
	return max(n, 1)
}

// group runs functions concurrently, at most limit at a time, and keeps the first error.
type group struct {
	wg    sync.WaitGroup
	slots chan struct{}
	mu    sync.Mutex
	err   error
}

func newGroup(limit int) *group { return &group{slots: make(chan struct{}, limit)} }

func (g *group) Go(f func() error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		g.slots <- struct{}{}
		defer func() { <-g.slots }()
		if err := f(); err != nil {
			g.mu.Lock()
			if g.err == nil {
				g.err = err
			}
			g.mu.Unlock()
		}
	}()
}

func (g *group) Wait() error {
	g.wg.Wait()
	return g.err
}

// trend is the 12-month trend: received and concluded per month from start to last (first days of months).
// Months are read from the month_counts cache; the months missing from it are counted in chunks of
// trendChunk months, each chunk a task of the report's group, and the closed ones stored (count). The cache
// is exact because any change of a case's dates in a month deletes that month's entry (trigger
// cases_month_counts).
//
// The cache is per organ (row-level security): a context bound to no organ counts every organ's cases and
// neither reads nor fills it.
type trend struct {
	start, last date.Date
	bound       bool
	mu          sync.Mutex
	have        map[date.Date][2]int
}

// trendChunk is how many missing months one task counts: a first run (12 months) in three concurrent tasks.
const trendChunk = 4

func newTrend(ctx context.Context, db *sqlx.DB, start, last date.Date) (*trend, error) {
	_, bound := database.OrganOf(ctx)
	t := &trend{start: start, last: last, bound: bound, have: map[date.Date][2]int{}}
	if !bound {
		return t, nil
	}
	var cached []monthCount
	if err := sqlx.SelectContext(ctx, db, &cached, qCachedMonths, start, last); err != nil {
		return nil, fmt.Errorf("reports: trend: %w", err)
	}
	for _, c := range cached {
		t.have[c.Month] = [2]int{c.Received, c.Concluded}
	}
	return t, nil
}

// missingChunks are the months not in the cache, in chunks of at most n.
func (t *trend) missingChunks(n int) [][]date.Date {
	var out [][]date.Date
	var chunk []date.Date
	for m := t.start; !m.After(t.last); m = m.AddMonths(1) {
		if _, ok := t.have[m]; ok {
			continue
		}
		if chunk = append(chunk, m); len(chunk) == n {
			out, chunk = append(out, chunk), nil
		}
	}
	if len(chunk) > 0 {
		out = append(out, chunk)
	}
	return out
}

// months is the trend, once every chunk is counted.
func (t *trend) months() []Trend {
	var out []Trend
	for m := t.start; !m.After(t.last); m = m.AddMonths(1) {
		v := t.have[m]
		out = append(out, Trend{Month: m.Time().Format("2006-01"), Received: v[0], Concluded: v[1]})
	}
	return out
}

// count counts the months in one statement. Bound to an organ, on the primary, the closed months among them
// are stored in the cache in the same transaction, each under its exclusive advisory lock, taken before
// counting: the lock waits for no one but is had only when no open transaction changed a case in that month
// (the trigger holds the shared lock until it ends), and a month whose lock is not had now is counted all the
// same, just not stored. Taking the locks without waiting cannot deadlock with writers that hold the shared
// locks of several months.
func (t *trend) count(ctx context.Context, db *sqlx.DB, months []date.Date) error {
	counts, err := countMonths(ctx, db, months, t.bound)
	if err != nil {
		return fmt.Errorf("reports: trend: %w", err)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, c := range counts {
		t.have[c.Month] = [2]int{c.Received, c.Concluded}
	}
	return nil
}

type monthCount struct {
	Month     date.Date `db:"month"`
	Received  int       `db:"received"`
	Concluded int       `db:"concluded"`
}

func countMonths(ctx context.Context, db *sqlx.DB, months []date.Date, bound bool) ([]monthCount, error) {
	var closed []string
	if bound {
		for _, m := range months {
			if m.AddMonths(1).Before(date.Today()) {
				closed = append(closed, m.String())
			}
		}
	}
	if len(closed) > 0 {
		var standby bool
		if err := sqlx.GetContext(ctx, db, &standby, `SELECT pg_is_in_recovery()`); err != nil {
			return nil, err
		}
		if standby { // a replica (DATABASE_REPLICA_URL) cannot write: it counts without storing
			closed = nil
		}
	}
	from, to := make([]string, len(months)), make([]string, len(months))
	for i, m := range months {
		from[i], to[i] = m.String(), m.AddMonths(1).String()
	}
	var counts []monthCount
	if len(closed) == 0 {
		err := sqlx.SelectContext(ctx, db, &counts, qMonthCounts, pq.Array(from), pq.Array(to))
		return counts, err
	}
	err := database.Tx(ctx, db, func(tx *sqlx.Tx) error {
		var locked []date.Date
		if err := tx.SelectContext(ctx, &locked, lockMonthCounts, pq.Array(closed)); err != nil {
			return err
		}
		if err := tx.SelectContext(ctx, &counts, qMonthCounts, pq.Array(from), pq.Array(to)); err != nil {
			return err
		}
		if len(locked) == 0 {
			return nil
		}
		store := map[date.Date]bool{}
		for _, m := range locked {
			store[m] = true
		}
		var ms []string
		var rs, cs []int64
		for _, c := range counts {
			if store[c.Month] {
				ms, rs, cs = append(ms, c.Month.String()), append(rs, int64(c.Received)), append(cs, int64(c.Concluded))
			}
		}
		_, err := tx.ExecContext(ctx, insertMonthCounts, pq.Array(ms), pq.Array(rs), pq.Array(cs))
		return err
	})
	return counts, err
}

// Statements of the trend and its cache. The month bounds are date parameters compared with date columns
// (leakproof operators), so that under row-level security each count is an index-only scan; a bound computed
// in SQL from a timestamp (generate_series, + interval) would not be usable as an index condition.
const (
	qCachedMonths = `SELECT month, received, concluded FROM month_counts WHERE month BETWEEN $1 AND $2`
	qMonthCounts  = `SELECT m.d AS month,
		(SELECT count(*) FROM cases WHERE received_on >= m.d AND received_on < m.e) AS received,
		(SELECT count(*) FROM cases WHERE concluded_on >= m.d AND concluded_on < m.e) AS concluded
		FROM unnest($1::date[], $2::date[]) AS m (d, e)`
	// the months (of those asked) whose exclusive lock this transaction now holds
	lockMonthCounts   = `SELECT m FROM unnest($1::date[]) AS m WHERE pg_try_advisory_xact_lock(20261, month_key(m))`
	insertMonthCounts = `INSERT INTO month_counts (month, received, concluded)
		SELECT * FROM unnest($1::date[], $2::int[], $3::int[]) ON CONFLICT (organ_id, month) DO NOTHING`
)
