package cases

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"fuyi/internal/date"
)

// Handling is the part of a case view about its handling after acceptance.
type Handling struct {
	CopySentOn        date.Date          `json:"copy_sent_on" db:"copy_sent_on"`
	CopyReceivedOn    date.Date          `json:"copy_received_on" db:"copy_received_on"`
	ReplyReceivedOn   date.Date          `json:"reply_received_on" db:"reply_received_on"`
	ReplyPostmarkedOn date.Date          `json:"reply_postmarked_on" db:"reply_postmarked_on"`
	ConvertedOn       date.Date          `json:"converted_on" db:"converted_on"`
	ConcludedOn       date.Date          `json:"concluded_on" db:"concluded_on"`
	ServedOn          date.Date          `json:"served_on" db:"served_on"`
	PerformedOn       date.Date          `json:"performed_on" db:"performed_on"`
	PerformanceNote   string             `json:"performance_note,omitempty" db:"performance_note"`
	Pauses            []PauseView        `json:"pauses"`
	Extension         *ExtensionView     `json:"extension"`
	CommitteeOpinions []CommitteeOpinion `json:"committee_opinions"`
	Decisions         []DecisionView     `json:"decisions"`
	OpinionLetters    []OpinionLetter    `json:"opinion_letters"`
}

// PauseView is a 中止 interval.
type PauseView struct {
	Ground    string    `json:"ground" db:"ground"`
	Text      string    `json:"ground_text" db:"-"`
	Note      string    `json:"note,omitempty" db:"note"`
	StartedOn date.Date `json:"started_on" db:"started_on"`
	EndedOn   date.Date `json:"ended_on" db:"ended_on"`
}

// ExtensionView is the approved extension.
type ExtensionView struct {
	On     date.Date `json:"on" db:"on_date"`
	Days   int       `json:"days" db:"days"`
	Reason string    `json:"reason" db:"reason"`
}

// CommitteeOpinion is the 行政复议委员会's advice.
type CommitteeOpinion struct {
	GivenOn date.Date `json:"given_on" db:"given_on"`
	Opinion string    `json:"opinion" db:"opinion"`
}

// DecisionView is one version of the decision.
type DecisionView struct {
	ID           int64             `json:"id" db:"id"`
	Version      int               `json:"version" db:"version"`
	Type         string            `json:"type" db:"type"`
	TypeLabel    string            `json:"type_label" db:"-"`
	DecidedOn    date.Date         `json:"decided_on" db:"decided_on"`
	Articles     pq.StringArray    `json:"articles" db:"articles"`
	SectionsRaw  []byte            `json:"-" db:"sections"`
	Sections     map[string]string `json:"sections" db:"-"`
	Ground       string            `json:"ground,omitempty" db:"ground"`
	PerformDueOn date.Date         `json:"perform_due_on" db:"perform_due_on"`
	Status       string            `json:"status" db:"status"`
	ProposedBy   string            `json:"proposed_by" db:"proposed_by"`
	ProposedAt   time.Time         `json:"proposed_at" db:"proposed_at"`
	ApprovedBy   *string           `json:"approved_by" db:"approved_by"`
	ApprovedAt   *time.Time        `json:"approved_at" db:"approved_at"`
	Mode         *string           `json:"approval_mode" db:"approval_mode"`
	ReturnReason string            `json:"return_reason,omitempty" db:"return_reason"`
}

// StatusLabel names a decision version's state.
func (d DecisionView) StatusLabel() string {
	switch d.Status {
	case "proposed":
		return "待批准"
	case "approved":
		return "已批准"
	case "returned":
		return "已退回"
	case "superseded":
		return "已被修改稿取代"
	}
	return d.Status
}

// OpinionLetter is a 意见书 or 建议书.
type OpinionLetter struct {
	ID            int64     `json:"id" db:"id"`
	Kind          string    `json:"kind" db:"kind"`
	IssuedOn      date.Date `json:"issued_on" db:"issued_on"`
	ReceivedOn    date.Date `json:"received_on" db:"received_on"`
	Content       string    `json:"content" db:"content"`
	ReportedOn    date.Date `json:"reported_on" db:"reported_on"`
	ReportContent string    `json:"report_content,omitempty" db:"report_content"`
}

// Current is the approved decision, if any.
func (h *Handling) Current() *DecisionView {
	for i := range h.Decisions {
		if h.Decisions[i].Status == "approved" {
			return &h.Decisions[i]
		}
	}
	return nil
}

// Pending is the draft awaiting approval, if any.
func (h *Handling) Pending() *DecisionView {
	for i := range h.Decisions {
		if h.Decisions[i].Status == "proposed" {
			return &h.Decisions[i]
		}
	}
	return nil
}

// Open pause, if the case is suspended.
func (h *Handling) OpenPause() *PauseView {
	for i := range h.Pauses {
		if h.Pauses[i].EndedOn.IsZero() {
			return &h.Pauses[i]
		}
	}
	return nil
}

const (
	queryHandlingDates = `SELECT copy_sent_on, copy_received_on, reply_received_on, reply_postmarked_on, converted_on, concluded_on,
	served_on, performed_on, performance_note FROM cases WHERE id = $1`
	queryPauseViews   = `SELECT ground, note, started_on, ended_on FROM case_pauses WHERE case_id = $1 ORDER BY started_on`
	queryExtension    = `SELECT on_date, days, reason FROM case_extensions WHERE case_id = $1`
	queryCommittee    = `SELECT given_on, opinion FROM committee_opinions WHERE case_id = $1 ORDER BY id`
	queryDecisionList = `SELECT d.id, d.version, d.type, d.decided_on, d.articles, d.sections, d.ground,
	d.perform_due_on, d.status, p.name AS proposed_by, d.proposed_at, a.name AS approved_by, d.approved_at, d.approval_mode, d.return_reason
FROM decisions d JOIN users p ON p.id = d.proposed_by LEFT JOIN users a ON a.id = d.approved_by
WHERE d.case_id = $1 ORDER BY d.version DESC`
	queryLetters = `SELECT id, kind, issued_on, received_on, content, reported_on, report_content
FROM opinion_letters WHERE case_id = $1 ORDER BY id`
)

// Handling loads the handling part of a case view.
func (s *Store) Handling(ctx context.Context, caseID int64) (*Handling, error) {
	h := emptyHandling()
	if err := sqlx.GetContext(ctx, s.db, h, queryHandlingDates, caseID); err != nil {
		return nil, fmt.Errorf("cases: handling: %w", err)
	}
	if err := sqlx.SelectContext(ctx, s.db, &h.Pauses, queryPauseViews, caseID); err != nil {
		return nil, fmt.Errorf("cases: pauses: %w", err)
	}
	for i := range h.Pauses {
		g, _ := GroundOf(SuspensionGrounds, h.Pauses[i].Ground)
		h.Pauses[i].Text = g.Text
	}
	var ext []ExtensionView
	if err := sqlx.SelectContext(ctx, s.db, &ext, queryExtension, caseID); err != nil {
		return nil, fmt.Errorf("cases: extension: %w", err)
	}
	if len(ext) == 1 {
		h.Extension = &ext[0]
	}
	if err := sqlx.SelectContext(ctx, s.db, &h.CommitteeOpinions, queryCommittee, caseID); err != nil {
		return nil, fmt.Errorf("cases: committee opinions: %w", err)
	}
	if err := sqlx.SelectContext(ctx, s.db, &h.Decisions, queryDecisionList, caseID); err != nil {
		return nil, fmt.Errorf("cases: decisions: %w", err)
	}
	for i := range h.Decisions {
		d := &h.Decisions[i]
		t, _ := DecisionTypeOf(d.Type)
		d.TypeLabel = t.Label
		d.Sections = map[string]string{}
		if err := json.Unmarshal(d.SectionsRaw, &d.Sections); err != nil {
			return nil, fmt.Errorf("cases: decision %d sections: %w", d.ID, err)
		}
	}
	if err := sqlx.SelectContext(ctx, s.db, &h.OpinionLetters, queryLetters, caseID); err != nil {
		return nil, fmt.Errorf("cases: opinion letters: %w", err)
	}
	return h, nil
}

// emptyHandling is the handling of a case that has none yet.
func emptyHandling() *Handling {
	return &Handling{Pauses: []PauseView{}, CommitteeOpinions: []CommitteeOpinion{}, Decisions: []DecisionView{}, OpinionLetters: []OpinionLetter{}}
}
