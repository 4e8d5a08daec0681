package supervision

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/apperr"
	"fuyi/internal/auth"
	"fuyi/internal/database"
	"fuyi/internal/date"
)

// AttendeeRanks are the ranks of 旁听 attendees: the government's leaders, an agency's 负责人 (as in 出庭规定
// 第3条), its front-line law-enforcement staff and legal staff.
var AttendeeRanks = apperr.NewEnum("旁听人员身份", "government_leader", "政府领导", "principal", "正职负责人", "deputy", "副职负责人",
	"in_charge", "参与分管的其他负责人", "officer", "一线执法人员", "legal_staff", "法制工作人员")

// IsLeader says whether an attendee of this rank counts as a leader (负责人 or the government's leader).
func IsLeader(rank string) bool {
	return rank == "government_leader" || rank == "principal" || rank == "deputy" || rank == "in_charge"
}

// ObservationPlanMet is the plans' rule (栖霞 2021: “会同法院定期组织行政机关负责人……参加庭审旁听”, at least one 旁听 a
// year for the government's and each department's leaders): a year is met when its leaders attended at least once.
func ObservationPlanMet(leaderEvents int) bool { return leaderEvents >= 1 }

// Attendee is one person at a 旁听.
type Attendee struct {
	AgencyID   *int   `db:"agency_id" json:"agency_id"` // nil: the government's own leader
	AgencyName string `db:"agency_name" json:"agency_name"`
	Name       string `db:"name" json:"name"`
	Rank       string `db:"rank" json:"rank"`
}

// RankLabel names the rank.
func (a Attendee) RankLabel() string { return AttendeeRanks.Label(a.Rank) }

// Observation is a 庭审旁听 event.
type Observation struct {
	ID        int64      `db:"id" json:"id"`
	Court     string     `db:"court" json:"court"`
	LawsuitID *int64     `db:"lawsuit_id" json:"lawsuit_id"`
	HeldOn    date.Date  `db:"held_on" json:"held_on"`
	Cause     string     `db:"cause" json:"cause"`
	Notes     string     `db:"notes" json:"notes"`
	Attendees []Attendee `db:"-" json:"attendees"`
}

// ObservationInput is the body of POST /api/v1/observations.
type ObservationInput struct {
	Court     string `json:"court"`
	LawsuitID int64  `json:"lawsuit_id"`
	HeldOn    string `json:"held_on"`
	Cause     string `json:"cause"`
	Notes     string `json:"notes"`
	Attendees []struct {
		AgencyID int    `json:"agency_id"` // 0: the government's leader
		Name     string `json:"name"`
		Rank     string `json:"rank"`
	} `json:"attendees"`
}

// RecordObservation records a 旁听 with its attendees.
func (s *Service) RecordObservation(ctx context.Context, u *auth.User, in ObservationInput) (*Observation, error) {
	f := apperr.Fields{}
	court := text(f, "court", "法院", in.Court, true, 100)
	held := checkDate(f, "held_on", "旁听日期", in.HeldOn, s.Today())
	cause := text(f, "cause", "案由", in.Cause, false, 500)
	notes := text(f, "notes", "庭后点评", in.Notes, false, 20000)
	if len(in.Attendees) == 0 {
		f.Add("attendees", "请至少登记一名旁听人员")
	}
	if len(in.Attendees) > 200 {
		f.Add("attendees", "旁听人员不超过200人")
	}
	for i := range in.Attendees {
		a := &in.Attendees[i]
		a.Name = text(f, fmt.Sprintf("attendees[%d].name", i), "旁听人员姓名", a.Name, true, 50)
		if AttendeeRanks.Add(f, fmt.Sprintf("attendees[%d].rank", i), a.Rank) {
			if (a.AgencyID == 0) != (a.Rank == "government_leader") {
				f.Add(fmt.Sprintf("attendees[%d].agency_id", i), "政府领导不选机关；其他旁听人员须选择所在机关")
			}
		}
		if a.AgencyID < 0 || a.AgencyID > 1<<31-1 {
			f.Add(fmt.Sprintf("attendees[%d].agency_id", i), "机关不在目录中")
		}
	}
	if in.LawsuitID < 0 {
		f.Add("lawsuit_id", "应诉案件不存在")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	var id int64
	err := database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
		var lawsuit *int64
		if in.LawsuitID > 0 {
			lawsuit = &in.LawsuitID
		}
		err := sqlx.GetContext(ctx, tx, &id, insertObservation, court, lawsuit, held, cause, notes, u.ID)
		if name, _ := database.Constraint(err); name == "observation_events_lawsuit_id_fkey" {
			return fieldErr("lawsuit_id", "应诉案件不存在")
		}
		if err != nil {
			return fmt.Errorf("supervision: observation: %w", err)
		}
		for i, a := range in.Attendees {
			var agency *int
			if a.AgencyID > 0 {
				agency = &a.AgencyID
			}
			_, err := tx.ExecContext(ctx, insertAttendee, id, agency, a.Name, a.Rank)
			if name, _ := database.Constraint(err); name == "observation_attendees_agency_id_fkey" {
				return fieldErr(fmt.Sprintf("attendees[%d].agency_id", i), "机关不在目录中")
			}
			if err != nil {
				return fmt.Errorf("supervision: attendee: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	os, err := s.Observations(ctx, 0, id)
	if err != nil || len(os) == 0 {
		return nil, err
	}
	return &os[0], nil
}

// Observations lists the 旁听 of a year (or the one with id).
func (s *Service) Observations(ctx context.Context, year int, id int64) ([]Observation, error) {
	var os []Observation
	if err := sqlx.SelectContext(ctx, s.DB, &os, queryObservations, year, id); err != nil {
		return nil, fmt.Errorf("supervision: observations: %w", err)
	}
	for i := range os {
		os[i].Attendees = []Attendee{}
		if err := sqlx.SelectContext(ctx, s.DB, &os[i].Attendees, queryAttendees, os[i].ID); err != nil {
			return nil, fmt.Errorf("supervision: attendees: %w", err)
		}
	}
	return os, nil
}

// ObservationCount is one line of the yearly counts: an agency (or the government's leaders).
type ObservationCount struct {
	AgencyID     *int   `db:"agency_id" json:"agency_id"`
	AgencyName   string `db:"agency_name" json:"agency_name"`
	Events       int    `db:"events" json:"events"`               // 旁听 attended by anyone of the agency
	Attendances  int    `db:"attendances" json:"attendances"`     // person-times
	LeaderEvents int    `db:"leader_events" json:"leader_events"` // 旁听 attended by its 负责人 (or the government's leaders)
	PlanMet      bool   `db:"-" json:"plan_met"`                  // ObservationPlanMet
}

// ObservationCounts counts a year's 旁听 per agency of the directory (every active agency, zero included) and
// for the government's leaders (the first line).
func (s *Service) ObservationCounts(ctx context.Context, year int) ([]ObservationCount, error) {
	var cs []ObservationCount
	if err := sqlx.SelectContext(ctx, s.DB, &cs, queryObservationCounts, year); err != nil {
		return nil, fmt.Errorf("supervision: observation counts: %w", err)
	}
	for i := range cs {
		cs[i].PlanMet = ObservationPlanMet(cs[i].LeaderEvents)
		if cs[i].AgencyID == nil {
			cs[i].AgencyName = "本级政府领导"
		}
	}
	return cs, nil
}

const (
	insertObservation = `INSERT INTO observation_events (court, lawsuit_id, held_on, cause, notes, organised_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`
	insertAttendee    = `INSERT INTO observation_attendees (event_id, agency_id, name, rank) VALUES ($1, $2, $3, $4)`
	queryObservations = `SELECT id, court, lawsuit_id, held_on, cause, notes FROM observation_events
WHERE ($2 > 0 AND id = $2) OR ($2 = 0 AND ($1 = 0 OR extract(year FROM held_on) = $1)) ORDER BY held_on DESC, id DESC LIMIT 500`
	queryAttendees = `SELECT x.agency_id, coalesce(a.name, '本级政府') AS agency_name, x.name, x.rank FROM observation_attendees x
LEFT JOIN agencies a ON a.id = x.agency_id WHERE x.event_id = $1 ORDER BY x.id`
	// leader ranks as in IsLeader
	queryObservationCounts = `WITH x AS (
	SELECT x.agency_id, x.event_id, x.rank IN ('government_leader', 'principal', 'deputy', 'in_charge') AS leader
	FROM observation_attendees x JOIN observation_events e ON e.id = x.event_id WHERE extract(year FROM e.held_on) = $1
), units AS (
	SELECT NULL::integer AS id, '' AS name, 0 AS ord UNION ALL SELECT id, name, 1 FROM agencies WHERE active
)
SELECT u.id AS agency_id, u.name AS agency_name, count(DISTINCT x.event_id) AS events, count(x.event_id) AS attendances,
	count(DISTINCT x.event_id) FILTER (WHERE x.leader) AS leader_events
FROM units u LEFT JOIN x ON x.agency_id IS NOT DISTINCT FROM u.id
GROUP BY u.id, u.name, u.ord ORDER BY u.ord, u.id`
)

func observationStatements() []string {
	return []string{insertObservation, insertAttendee, queryObservations, queryAttendees, queryObservationCounts}
}
