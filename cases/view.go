package cases

import (
	"context"
	"sort"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/audit"
	"fuyi/internal/date"
)

// View is the JSON shape of a case (GET /cases/{id} and every action's answer).
type View struct {
	ID                int64          `json:"id"`
	RegistrationNo    string         `json:"registration_no"`
	QueryCode         string         `json:"query_code"`
	Status            Status         `json:"status"`
	StatusLabel       string         `json:"status_label"`
	CaseNo            *string        `json:"case_no"`
	ReceivedOn        date.Date      `json:"received_on"`
	Channel           string         `json:"channel"`
	PostmarkedOn      date.Date      `json:"postmarked_on"`
	WindowCode        string         `json:"window_code"`
	Applicants        []Party        `json:"applicants"`
	ThirdParties      []Party        `json:"third_parties"`
	Agents            []Party        `json:"agents"`
	RespondentAgency  AgencyRef      `json:"respondent_agency"`
	AgencyID          int            `json:"respondent_agency_id"`
	Act               ActView        `json:"act"`
	Requests          string         `json:"requests"`
	Facts             string         `json:"facts"`
	Materials         []string       `json:"materials"`
	ReviewDueOn       date.Date      `json:"review_due_on"`
	LateFiling        *LateFiling    `json:"late_filing"`
	Procedure         *string        `json:"procedure"`
	SimplifiedGrounds []string       `json:"simplified_grounds"`
	Complex           bool           `json:"complex"`
	ComplexReason     string         `json:"complex_reason,omitempty"`
	AcceptedOn        date.Date      `json:"accepted_on"`
	DeemedAccepted    bool           `json:"deemed_accepted"`
	RejectedOn        date.Date      `json:"rejected_on"`
	RejectReason      string         `json:"reject_reason,omitempty"`
	Correction        *Correction    `json:"correction"`
	Deadlines         []DeadlineView `json:"deadlines"`
	Assignment        *Assignment    `json:"assignment"`
	Handling          *Handling      `json:"handling"`
	Hearings          []any          `json:"hearings"`
	Events            []audit.Event  `json:"events"`
	Series            []SeriesRef    `json:"series"` // 系列案: other applications contesting the same 文号
	// Transfer is, for an application this organ transferred (转送), where it went; TransferredIn, for one
	// received by transfer, where it came from.
	Transfer      *TransferView   `json:"transfer"`
	TransferredIn *TransferInView `json:"transferred_in"`
	Version       int             `json:"version"`
	Extra         map[string]any  `json:"-"`

	doc docFacts // what its documents need beyond the view, when read with it
}

// TransferView is the 转送 of an application to the competent organ.
type TransferView struct {
	On     date.Date `json:"on"`
	To     string    `json:"to"`              // the competent organ
	Reason string    `json:"reason"`          // why this organ is not competent
	No     string    `json:"registration_no"` // the application's registration number there
}

// TransferInView is where an application received by transfer came from.
type TransferInView struct {
	From            string    `json:"from"`
	No              string    `json:"registration_no"`   // its registration number there
	FirstReceivedOn date.Date `json:"first_received_on"` // the day the applicant applied there
}

// AgencyRef names an agency.
type AgencyRef struct {
	ID       int    `json:"id"`
	Name     string `json:"name"`
	Category string `json:"category"`
}

// ActView is the contested act.
type ActView struct {
	Title   string    `json:"title"`
	DocNo   string    `json:"doc_no"`
	MadeOn  date.Date `json:"made_on"`
	KnownOn date.Date `json:"known_on"`
	Matter  string    `json:"matter"`
}

// LateFiling flags an application that seems filed after the period.
type LateFiling struct {
	LastDay date.Date `json:"last_day"`
	Note    string    `json:"note"`
}

// DeadlineView is a deadline as shown, with its status on today's date.
type DeadlineView struct {
	Kind   string    `json:"kind"`
	Label  string    `json:"label"`
	Ref    string    `json:"ref,omitempty"`
	DueOn  date.Date `json:"due_on"`
	Basis  string    `json:"basis"`
	Status string    `json:"status"`
	// StatusLabel names the status in Chinese: an overdue deadline of an open case is 已逾期, a duty a concluded
	// case left unperformed is 逾期未履行 (both read as status overdue).
	StatusLabel string    `json:"status_label"`
	MetOn       date.Date `json:"met_on,omitempty"`
}

// Officer on a case team.
type Officer struct {
	ID        int64  `db:"id" json:"id"`
	Username  string `db:"username" json:"username"`
	Name      string `db:"name" json:"name"`
	Qualified bool   `db:"qualified" json:"qualified"`
	Lead      bool   `db:"lead" json:"lead"`
}

// Assignment is the current team of a case.
type Assignment struct {
	Officers      []Officer `json:"officers"`
	LeadOfficerID *int64    `json:"lead_officer_id"`
	Required      int       `json:"required"`
	Understaffed  bool      `json:"understaffed"`
}

// newView is the view of case c alone (no parties, deadlines, team, handling or events yet).
func newView(c *Case) *View {
	v := &View{ID: c.ID, RegistrationNo: c.RegistrationNo, QueryCode: c.QueryCode, Status: c.Status,
		StatusLabel: c.Status.Label(), CaseNo: c.CaseNo, ReceivedOn: c.ReceivedOn, Channel: c.Channel, PostmarkedOn: c.PostmarkedOn,
		WindowCode: c.WindowCode, AgencyID: c.AgencyID,
		RespondentAgency: AgencyRef{ID: c.AgencyID, Name: c.AgencyName, Category: c.AgencyCategory},
		Act:              ActView{Title: c.ActTitle, DocNo: c.ActDocNo, MadeOn: c.ActMadeOn, KnownOn: c.ActKnownOn, Matter: c.Matter},
		Requests:         c.Requests, Facts: c.Facts, Materials: nonNil(c.Materials), Procedure: c.Procedure, SimplifiedGrounds: nonNil(c.SimplifiedGrounds),
		Complex: c.Complex, ComplexReason: c.ComplexReason, AcceptedOn: c.AcceptedOn, DeemedAccepted: c.DeemedAccepted,
		RejectedOn: c.RejectedOn, RejectReason: c.RejectReason, Version: c.Version,
		Applicants: []Party{}, ThirdParties: []Party{}, Agents: []Party{}, Hearings: []any{}}
	if !c.TransferredOn.IsZero() {
		v.Transfer = &TransferView{On: c.TransferredOn, To: c.TransferredTo, Reason: c.TransferReason, No: c.TransferNo}
	}
	if c.TransferredFromNo != "" {
		v.TransferredIn = &TransferInView{From: c.TransferredFrom, No: c.TransferredFromNo, FirstReceivedOn: c.FirstReceivedOn}
	}
	if c.LateNote != "" {
		v.LateFiling = &LateFiling{LastDay: c.ApplyLastDay, Note: c.LateNote}
	}
	return v
}

// addParty files a party under its role.
func (v *View) addParty(p Party) {
	switch p.Role {
	case "applicant":
		v.Applicants = append(v.Applicants, p)
	case "third_party":
		v.ThirdParties = append(v.ThirdParties, p)
	case "agent":
		v.Agents = append(v.Agents, p)
	}
}

// setDeadlines shows the deadlines ds (cancelled ones left out) in the order of queryDeadlines.
func (v *View) setDeadlines(ds []Deadline, today date.Date) {
	rank := func(kind string) int {
		switch kind {
		case "review":
			return 1
		case "correction":
			return 2
		case "copy":
			return 3
		case "reply":
			return 4
		case "decision":
			return 5
		}
		return 6
	}
	sorted := make([]Deadline, 0, len(ds))
	for _, d := range ds {
		if d.Status != DeadlineCancelled {
			sorted = append(sorted, d)
		}
	}
	sort.SliceStable(sorted, func(i, j int) bool {
		if ri, rj := rank(sorted[i].Kind), rank(sorted[j].Kind); ri != rj {
			return ri < rj
		}
		return sorted[i].Ref < sorted[j].Ref
	})
	v.Deadlines = make([]DeadlineView, 0, len(sorted))
	for _, d := range sorted {
		v.Deadlines = append(v.Deadlines, d.View(today))
		if d.Kind == DeadlineReview {
			v.ReviewDueOn = d.DueOn
		}
	}
}

// BuildView loads everything a case page or API answer shows (hearings aside: see Service.View).
func BuildView(ctx context.Context, db sqlx.ExtContext, c *Case, today date.Date) (*View, error) {
	sn, err := NewStore(db).snapshot(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	return sn.view(today), nil
}
