package cases

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"fuyi/internal/apperr"
	"fuyi/internal/date"
)

// Candidate is a staff member considered for a case team.
type Candidate struct {
	ID        int64  `db:"id"`
	Name      string `db:"name"`
	Role      string `db:"role"`
	Qualified bool   `db:"qualified"`
	Active    bool   `db:"active"`
}

// Staffing holds the minimum team sizes. 条例第32条: a case is handled by at least 2 行政复议人员; the local
// plans require at least 3 for 重大、复杂、疑难 cases. They are organ settings in the database (organ.min_officers,
// organ.min_officers_complex), changed with `fuyi organ staffing`, so this rule and the database trigger
// check_team read the same numbers.
type Staffing struct {
	Min        int `db:"min_officers"`
	MinComplex int `db:"min_officers_complex"`
}

// Required is the minimum team size of a case.
func (s Staffing) Required(complex bool) int {
	if complex {
		return s.MinComplex
	}
	return s.Min
}

// Validate refuses minimums below the statute's 2 (条例第32条) or a complex minimum below the ordinary one.
func (s Staffing) Validate() error {
	f := apperr.Fields{}
	if s.Min < 2 || s.Min > 20 {
		f.Add("min_officers", "办案人员最少人数须为2–20（行政复议法实施条例第32条：不少于2名）")
	}
	if s.MinComplex < s.Min || s.MinComplex > 20 {
		f.Add("min_officers_complex", "重大、复杂、疑难案件的最少人数须不少于一般案件的最少人数，且不超过20")
	}
	return f.Err()
}

// CheckTeam is the staffing rule: at least st.Required(complex) officers (条例第32条, local plans).
// 复议法第6条: 复议人员 must hold the 法律职业资格 (the qualified flag). One of the team is the 主办 (lead).
// The database repeats the size, lead and qualification check at commit (trigger check_team).
func CheckTeam(st Staffing, team []Candidate, requested []int64, leadID int64, complex bool) error {
	f := apperr.Fields{}
	seen := map[int64]bool{}
	byID := map[int64]Candidate{}
	for _, c := range team {
		byID[c.ID] = c
	}
	for i, id := range requested {
		field := fmt.Sprintf("officer_ids[%d]", i)
		c, ok := byID[id]
		switch {
		case seen[id]:
			f.Add(field, "同一人员不能重复指派")
		case !ok || !c.Active || (c.Role != "officer" && c.Role != "chief"):
			f.Add(field, "人员（编号%d）不是在职的行政复议人员", id)
		case !c.Qualified:
			f.Add(field, "%s未取得法律职业资格，不能担任办案人员（复议法第6条）", c.Name)
		}
		seen[id] = true
	}
	need := st.Required(complex)
	if len(seen) < need {
		if complex {
			f.Add("officer_ids", "重大、复杂、疑难案件须由%d名以上办案人员办理，当前仅指派%d名", need, len(seen))
		} else {
			f.Add("officer_ids", "行政复议案件须由%d名以上办案人员办理（行政复议法实施条例第32条），当前仅指派%d名", need, len(seen))
		}
	}
	if leadID == 0 {
		f.Add("lead_officer_id", "请指定一名主办人")
	} else if !seen[leadID] {
		f.Add("lead_officer_id", "主办人须是所指派的办案人员之一")
	}
	if err := f.Err(); err != nil {
		e, _ := apperr.As(err)
		e.Code = "assignment.invalid"
		if msg, ok := f["officer_ids"]; ok {
			e.Code, e.Message = "assignment.too_few_officers", msg
		}
		return e
	}
	return nil
}

const queryCandidates = `SELECT id, name, role, qualified, active FROM users WHERE id = ANY($1)`

// Candidates loads the staff members considered for a team.
func (s *Store) Candidates(ctx context.Context, ids []int64) ([]Candidate, error) {
	var cs []Candidate
	if err := sqlx.SelectContext(ctx, s.db, &cs, queryCandidates, pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("cases: candidates: %w", err)
	}
	return cs, nil
}

// Workload is an officer's open caseload, shown to the chief when assigning.
type Workload struct {
	ID        int64     `db:"id" json:"id"`
	Name      string    `db:"name" json:"name"`
	Username  string    `db:"username" json:"username"`
	Qualified bool      `db:"qualified" json:"qualified"`
	Open      int       `db:"open_cases" json:"open_cases"`
	Leading   int       `db:"leading" json:"leading"`
	Nearest   *string   `db:"nearest_kind" json:"nearest_deadline_kind"`
	NearestOn date.Date `db:"nearest_due" json:"nearest_deadline_due_on"`
}

const queryWorkloads = `SELECT u.id, u.name, u.username, u.qualified,
	count(c.id) FILTER (WHERE c.status IN ('accepted', 'suspended')) AS open_cases,
	count(c.id) FILTER (WHERE c.status IN ('accepted', 'suspended') AND x.lead) AS leading,
	(SELECT d.kind FROM deadlines d JOIN case_assignments y ON y.case_id = d.case_id AND y.removed_at IS NULL
		WHERE y.user_id = u.id AND d.status = 'open' ORDER BY d.due_on LIMIT 1) AS nearest_kind,
	(SELECT min(d.due_on) FROM deadlines d JOIN case_assignments y ON y.case_id = d.case_id AND y.removed_at IS NULL
		WHERE y.user_id = u.id AND d.status = 'open') AS nearest_due
FROM users u
LEFT JOIN case_assignments x ON x.user_id = u.id AND x.removed_at IS NULL
LEFT JOIN cases c ON c.id = x.case_id
WHERE u.active AND u.role IN ('officer', 'chief') AND u.qualified
GROUP BY u.id ORDER BY open_cases, u.id`

// Workloads lists qualified officers with their open cases and nearest deadline.
func (s *Store) Workloads(ctx context.Context) ([]Workload, error) {
	var ws []Workload
	if err := sqlx.SelectContext(ctx, s.db, &ws, queryWorkloads); err != nil {
		return nil, fmt.Errorf("cases: workloads: %w", err)
	}
	return ws, nil
}
