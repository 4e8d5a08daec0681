package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/date"
)

// synthBatch generates one batch of synthetic history server-side: cases received over the five years before
// `today`, with shares after DOMAIN.md §8 (公安 and 市场监管 over 60%; 行政处罚 ≈33%, 举报投诉处理 ≈30%; about
// 94% accepted; outcomes 维持 ≈55%, 驳回 ≈21%, 纠错 ≈13%, 调解/和解 ≈9%), their applicant, decision, held
// hearings (≈30%), lawsuits after the decision (≈4%) with court sessions, and 意见书 (≈2%). What the staff search
// finds a case by looks as in production: the 登记号 as intake numbers it (window code or FYJG, year, the
// registration sequence), the 案号, the contested act's 文号 (the respondent's 代字, year, number), applicants'
// names from common surnames and given names (at 1,000,000 each shared by tens to hundreds of cases), company
// names; the cases still open have their open decision deadline (for the list's due-date sort and the alerts).
const synthBatch = `
WITH params AS (SELECT $1::date AS today, $2::int AS base, $3::int AS n, $4::bigint AS chief, $5::bigint AS officer, $6::int AS span),
g AS (
	SELECT p.*, s AS k, random() AS r_agency, random() AS r_matter, random() AS r_win, random() AS r_acc, random() AS r_out,
		random() AS r_proc, random() AS r_dur, random() AS r_app, random() AS r_hear, random() AS r_suit, random() AS r_op,
		(p.today - (random() * p.span)::int) AS received, nextval('registration_seq') AS reg
	FROM params p, generate_series(1, (SELECT n FROM params)) s
),
c0 AS (
	SELECT g.*,
		CASE WHEN r_agency < .35 THEN '公安' WHEN r_agency < .63 THEN '市场监管' WHEN r_agency < .71 THEN '人社'
			WHEN r_agency < .77 THEN '自然资源' WHEN r_agency < .85 THEN '城管/综合执法' WHEN r_agency < .90 THEN '乡镇(街道)'
			WHEN r_agency < .96 THEN '住建' ELSE '卫生健康' END AS category,
		CASE WHEN r_matter < .33 THEN '行政处罚' WHEN r_matter < .63 THEN '举报投诉处理' WHEN r_matter < .73 THEN '信息公开'
			WHEN r_matter < .80 THEN '行政不作为' WHEN r_matter < .85 THEN '行政强制' WHEN r_matter < .90 THEN '行政许可'
			WHEN r_matter < .94 THEN '行政确认' WHEN r_matter < .96 THEN '行政征收' WHEN r_matter < .98 THEN '行政确权' ELSE '其他' END AS matter,
		CASE WHEN r_win < .6 THEN 'SFS01' WHEN r_win < .9 THEN 'SFS02' END AS win,
		received + (r_dur * 6)::int AS review_day
	FROM g
),
c1 AS (
	SELECT c0.*, (SELECT id FROM agencies a WHERE a.category = c0.category ORDER BY id LIMIT 1) AS agency_id,
		CASE WHEN r_acc < .05 THEN 'rejected' WHEN r_acc < .06 THEN 'inform' ELSE 'accepted' END AS review,
		CASE WHEN r_proc < .2 THEN 'simplified' ELSE 'ordinary' END AS procedure,
		review_day + 20 + (r_dur * 55)::int AS concluded,
		CASE WHEN r_out < .55 THEN 'maintain' WHEN r_out < .73 THEN 'dismiss_request' WHEN r_out < .76 THEN 'dismiss_application'
			WHEN r_out < .78 THEN 'change' WHEN r_out < .84 THEN 'revoke' WHEN r_out < .87 THEN 'confirm_illegal'
			WHEN r_out < .885 THEN 'order_perform' WHEN r_out < .89 THEN 'confirm_invalid' WHEN r_out < .92 THEN 'mediation'
			WHEN r_out < .98 THEN 'settlement' ELSE 'terminate' END AS outcome
	FROM c0
),
ins AS (
	INSERT INTO cases (registration_no, query_code, window_id, registered_by, channel, received_on, respondent_agency_id, act_title,
		act_doc_no, act_made_on, act_known_on, matter, requests, status, review_from, procedure, accepted_on, rejected_on, reject_reason,
		reject_kind, concluded_on, outcome, served_on, case_year, case_serial, case_no, applicant_org, hearing_held)
	SELECT coalesce(win, 'FYJG') || '-' || extract(year FROM received)::int || '-' || CASE WHEN reg < 1000000 THEN lpad(reg::text, 6, '0') ELSE reg::text END,
		'SYNTHETI', (SELECT id FROM windows w WHERE w.code = win), chief, CASE WHEN win IS NULL THEN 'mail' ELSE 'window' END,
		received, agency_id, '行政处罚决定书',
		CASE category WHEN '公安' THEN '宁公栖行罚决字' WHEN '市场监管' THEN '栖市监处罚' WHEN '人社' THEN '栖人社工认字'
			WHEN '自然资源' THEN '宁规划资源栖罚字' WHEN '城管/综合执法' THEN '栖城管罚字' WHEN '乡镇(街道)' THEN '尧街拆字'
			WHEN '住建' THEN '栖建罚字' ELSE '栖卫健罚字' END || '〔' || extract(year FROM received - 20)::int || '〕' || (1 + (base + k) % 99991) || '号',
		received - 20, received - 10, matter, '请求撤销被申请人作出的行政行为。',
		CASE WHEN review <> 'accepted' THEN 'rejected' WHEN concluded > today THEN 'accepted'
			WHEN outcome IN ('settlement', 'terminate') THEN 'terminated' ELSE 'decided' END,
		received, CASE WHEN review = 'accepted' THEN procedure END,
		CASE WHEN review = 'accepted' THEN review_day END,
		CASE WHEN review <> 'accepted' THEN review_day END,
		CASE WHEN review <> 'accepted' THEN '不符合受理条件' ELSE '' END,
		CASE WHEN review = 'rejected' THEN 'reject' WHEN review = 'inform' THEN 'inform' ELSE '' END,
		CASE WHEN review = 'accepted' AND concluded <= today THEN concluded END,
		CASE WHEN review = 'accepted' AND concluded <= today THEN outcome END,
		CASE WHEN review = 'accepted' AND concluded + 3 <= today THEN concluded + 3 END,
		CASE WHEN review = 'accepted' THEN extract(year FROM review_day)::int END,
		CASE WHEN review = 'accepted' THEN 1000000 + base + k END,
		CASE WHEN review = 'accepted' THEN '栖政复〔' || extract(year FROM review_day)::int || '〕' || (1000000 + base + k) || '号' END,
		r_app < .2, review = 'accepted' AND concluded <= today AND r_hear < .3
	FROM c1
	RETURNING id, status, accepted_on, concluded_on, outcome, procedure, respondent_agency_id, applicant_org, hearing_held
),
parties AS (
	INSERT INTO case_parties (case_id, role, position, kind, name, id_type)
	SELECT id, 'applicant', 0, CASE WHEN applicant_org THEN 'org' ELSE 'person' END,
		CASE WHEN applicant_org THEN '南京' || (ARRAY['恒通','华信','金陵','栖霞','东方','仙林','龙潭','燕子矶','迈皋桥','尧化','长江','紫金'])[1 + id % 12]
				|| (ARRAY['','新','宏','盛','达','远','泰','丰','瑞','和','顺'])[1 + id / 12 % 11]
				|| (ARRAY['贸易','建设','餐饮','科技','物业','商贸','建材','运输','食品','置业'])[1 + id / 132 % 10] || '有限公司'
			ELSE (ARRAY['张','王','李','赵','陈','刘','杨','黄','周','吴','徐','孙','胡','朱','高','林','何','郭','马','罗'])[1 + id % 20]
				|| (ARRAY['建','国','伟','芳','秀','丽','军','明','华','强','玉','文','海','云','志','红','平','杰','静','磊'])[1 + id / 20 % 20]
				|| CASE WHEN id % 3 = 0 THEN '' ELSE (ARRAY['英','兰','民','林','波','峰','勇','娟','刚','敏','霞','宁','涛','鹏','慧','斌','俊','燕','辉','琴'])[1 + id / 400 % 20] END END,
		CASE WHEN applicant_org THEN '' ELSE 'other' END
	FROM ins RETURNING 1
),
decs AS (
	INSERT INTO decisions (case_id, version, type, decided_on, articles, sections, status, proposed_by, approved_by, approved_at, approval_mode)
	SELECT id, 1, outcome, concluded_on, '{第六十八条}', '{"ruling": "（合成数据）"}', 'approved', (SELECT officer FROM params), (SELECT chief FROM params),
		concluded_on::timestamptz, 'chief'
	FROM ins WHERE outcome IS NOT NULL RETURNING case_id
),
dls AS (
	-- the open case's decision deadline (60 / 30 working days, about 12 / 6 weeks)
	INSERT INTO deadlines (case_id, kind, due_on, basis, status)
	SELECT id, 'decision', accepted_on + CASE WHEN procedure = 'simplified' THEN 42 ELSE 84 END, '合成数据', 'open'
	FROM ins WHERE status = 'accepted' RETURNING 1
),
hears AS (
	INSERT INTO hearings (case_id, starts_at, ends_at, online_link, notified_on, status, created_by)
	SELECT id, (concluded_on - 10)::timestamptz + interval '9 hours', (concluded_on - 10)::timestamptz + interval '11 hours',
		'https://hearing.invalid/' || id, concluded_on - 20, 'held', (SELECT chief FROM params)
	FROM ins WHERE hearing_held RETURNING 1
),
ops AS (
	INSERT INTO opinion_letters (case_id, kind, issued_on, received_on, content, issued_by, reported_on, report_content)
	SELECT id, 'opinion', concluded_on, concluded_on + 2, '（合成数据）规范执法程序', (SELECT chief FROM params),
		CASE WHEN concluded_on + 40 <= (SELECT today FROM params) THEN concluded_on + 40 END, '已整改'
	FROM ins WHERE outcome IS NOT NULL AND id % 50 = 7 RETURNING 1
),
suits AS (
	INSERT INTO lawsuits (court, court_case_no, instance, defendant_agency_id, reconsideration_organ_defendant, case_id, plaintiff, cause,
		complaint_received_on, outcome, judgment_kind, judged_on, served_on, lost, registered_by)
	SELECT '南京市栖霞区人民法院', '（' || extract(year FROM i.concluded_on + 12)::int || '）苏0113行初' || (1000000 + i.id) || '号', 'first',
		i.respondent_agency_id, i.outcome IN ('maintain', 'dismiss_request', 'change', 'revoke', 'confirm_illegal', 'order_perform', 'confirm_invalid'),
		i.id, '合成原告', '不服行政复议决定', i.concluded_on + 12,
		j.outcome, CASE WHEN j.outcome IN ('dismiss_suit', 'withdrawn') THEN 'ruling' WHEN j.outcome IS NOT NULL THEN 'judgment' END,
		CASE WHEN j.outcome IS NOT NULL THEN i.concluded_on + 90 END, CASE WHEN j.outcome IS NOT NULL THEN i.concluded_on + 95 END,
		CASE WHEN j.outcome IS NOT NULL THEN j.outcome IN ('revoke', 'confirm_illegal') END, (SELECT chief FROM params)
	FROM ins i
	CROSS JOIN LATERAL (SELECT CASE WHEN i.concluded_on + 95 > (SELECT today FROM params) THEN NULL
		WHEN i.id % 20 < 11 THEN 'dismiss_claims' WHEN i.id % 20 < 13 THEN 'revoke' WHEN i.id % 20 < 14 THEN 'confirm_illegal'
		WHEN i.id % 20 < 18 THEN 'withdrawn' ELSE 'dismiss_suit' END AS outcome) j
	WHERE i.outcome IS NOT NULL AND i.id % 25 = 3
	RETURNING id, complaint_received_on
),
sessions AS (
	INSERT INTO court_sessions (lawsuit_id, held_on, head_appeared, head_name, head_title, head_rank, absence_reason, explanation_filed, delegate_name, recorded_by)
	SELECT id, complaint_received_on + 40, id % 10 < 6, CASE WHEN id % 10 < 6 THEN '某局长' ELSE '' END, CASE WHEN id % 10 < 6 THEN '局长' ELSE '' END,
		CASE WHEN id % 10 < 6 THEN 'principal' END, CASE WHEN id % 10 < 6 THEN '' WHEN id % 10 < 9 THEN 'official_duty' ELSE 'none' END,
		id % 10 BETWEEN 6 AND 8, CASE WHEN id % 10 < 6 THEN '' ELSE '某科长' END, (SELECT chief FROM params)
	FROM suits WHERE complaint_received_on + 40 <= (SELECT today FROM params) AND id % 10 < 7 RETURNING 1
)
SELECT (SELECT count(*) FROM ins) AS cases, (SELECT count(*) FROM parties) + (SELECT count(*) FROM decs) + (SELECT count(*) FROM hears)
	+ (SELECT count(*) FROM ops) + (SELECT count(*) FROM suits) + (SELECT count(*) FROM sessions) + (SELECT count(*) FROM dls) AS other`

// SyntheticVersion identifies what Synthetic generates (a hash of its statements): data kept between runs
// (testdb.Kept) is rebuilt when it changes.
func SyntheticVersion() string {
	h := sha256.Sum256([]byte(synthBatch + indexSynthetic + vacuumAnalyze))
	return hex.EncodeToString(h[:4])
}

// Synthetic adds n synthetic cases received over the five years before today, printing a progress bar to w.
func Synthetic(ctx context.Context, db *sqlx.DB, n int, today date.Date, w io.Writer) error {
	return SyntheticSpan(ctx, db, n, today, 1825, w)
}

// SyntheticSpan is Synthetic with the received dates spread over spanDays before today.
func SyntheticSpan(ctx context.Context, db *sqlx.DB, n int, today date.Date, spanDays int, w io.Writer) error {
	var chief, officer int64
	if err := db.GetContext(ctx, &chief, queryDemoUser, "chief1"); err != nil {
		return fmt.Errorf("demo: the demo organisation must exist first: %w", err)
	}
	if err := db.GetContext(ctx, &officer, queryDemoUser, "officer1"); err != nil {
		return fmt.Errorf("demo: the demo organisation must exist first: %w", err)
	}
	var base int
	if err := db.GetContext(ctx, &base, countSynthetic); err != nil {
		return fmt.Errorf("demo: count synthetic cases: %w", err)
	}
	const batch = 20000
	start := time.Now()
	for done := 0; done < n; {
		size := batch
		if n-done < size {
			size = n - done
		}
		var res struct {
			Cases int `db:"cases"`
			Other int `db:"other"`
		}
		var last int64
		if err := db.GetContext(ctx, &last, queryLastCase); err != nil {
			return fmt.Errorf("demo: synthetic batch at %d: %w", done, err)
		}
		if err := db.GetContext(ctx, &res, synthBatch, today, base+done, size, chief, officer, spanDays); err != nil {
			return fmt.Errorf("demo: synthetic batch at %d: %w", done, err)
		}
		// what the staff search finds them by (migration 0027)
		if _, err := db.ExecContext(ctx, indexSynthetic, last); err != nil {
			return fmt.Errorf("demo: synthetic batch at %d: search: %w", done, err)
		}
		done += res.Cases
		if w != nil {
			pct := done * 100 / n
			bar := strings.Repeat("█", pct/4) + strings.Repeat("░", 25-pct/4)
			rate := float64(done) / time.Since(start).Seconds()
			if _, err := fmt.Fprintf(w, "\r合成历史数据 %s %3d%% %d/%d 件（%.0f 件/秒）", bar, pct, done, n, rate); err != nil {
				return fmt.Errorf("demo: progress: %w", err)
			}
		}
	}
	if w != nil {
		if _, err := fmt.Fprintln(w); err != nil {
			return fmt.Errorf("demo: progress: %w", err)
		}
	}
	if _, err := db.ExecContext(ctx, vacuumAnalyze); err != nil { // set the visibility map, as autovacuum would, for index-only scans
		return fmt.Errorf("demo: vacuum: %w", err)
	}
	return nil
}

const (
	queryDemoUser  = `SELECT id FROM users WHERE username = $1`
	countSynthetic = `SELECT count(*) FROM cases WHERE query_code = 'SYNTHETI'`
	vacuumAnalyze  = `VACUUM ANALYZE`
	queryLastCase  = `SELECT coalesce(max(id), 0) FROM cases`
	indexSynthetic = `UPDATE cases SET search = search_tokens(case_search_doc(id)) WHERE id > $1`
)
