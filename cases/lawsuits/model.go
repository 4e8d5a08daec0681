package lawsuits

import (
	"fuyi/cases"
	"fuyi/internal/audit"
	"fuyi/internal/date"
)

// Lawsuit is an administrative lawsuit against the government.
type Lawsuit struct {
	ID                  int64                `db:"id" json:"id"`
	Court               string               `db:"court" json:"court"`
	CourtCaseNo         string               `db:"court_case_no" json:"court_case_no"`
	Instance            string               `db:"instance" json:"instance"`
	InstanceLabel       string               `db:"-" json:"instance_label"`
	PreviousLawsuitID   *int64               `db:"previous_lawsuit_id" json:"previous_lawsuit_id"`
	DefendantAgencyID   *int                 `db:"defendant_agency_id" json:"defendant_agency_id"`
	DefendantAgency     string               `db:"agency_name" json:"defendant_agency"`
	OrganDefendant      bool                 `db:"reconsideration_organ_defendant" json:"reconsideration_organ_defendant"`
	CaseID              *int64               `db:"case_id" json:"case_id"`
	CaseNo              *string              `db:"case_no" json:"case_no"`
	Plaintiff           string               `db:"plaintiff" json:"plaintiff"`
	Cause               string               `db:"cause" json:"cause"`
	ComplaintReceivedOn date.Date            `db:"complaint_received_on" json:"complaint_received_on"`
	HeadRequired        bool                 `db:"head_required" json:"head_required"`
	HeadRequiredReason  string               `db:"head_required_reason" json:"head_required_reason,omitempty"`
	HandlerID           *int64               `db:"handler_id" json:"handler_id"`
	AnswerFiledOn       date.Date            `db:"answer_filed_on" json:"answer_filed_on"`
	Outcome             *string              `db:"outcome" json:"outcome"`
	OutcomeLabel        string               `db:"-" json:"outcome_label,omitempty"`
	JudgmentKind        *string              `db:"judgment_kind" json:"kind"`
	JudgedOn            date.Date            `db:"judged_on" json:"judged_on"`
	ServedOn            date.Date            `db:"served_on" json:"served_on"`
	Lost                *bool                `db:"lost" json:"lost"`
	AppealDecision      *string              `db:"appeal_decision" json:"appeal_decision"`
	AppealDecidedOn     date.Date            `db:"appeal_decided_on" json:"appeal_decided_on"`
	RegisteredBy        int64                `db:"registered_by" json:"-"`
	Version             int                  `db:"version" json:"version"`
	AnswerDueOn         date.Date            `db:"-" json:"answer_due_on"`
	AppealDueOn         date.Date            `db:"-" json:"appeal_due_on"`
	Appealable          bool                 `db:"-" json:"appealable"` // served and open to appeal (AppealPeriod)
	Deadlines           []cases.DeadlineView `db:"-" json:"deadlines"`
	Sessions            []CourtSession       `db:"-" json:"sessions"`
	Suggestions         []Suggestion         `db:"-" json:"suggestions"`
	Events              []audit.Event        `db:"-" json:"events"`
	Appearance          *AppearanceInfo      `db:"-" json:"appearance"`
}

// CourtSession is one 开庭 with the 负责人出庭 record.
type CourtSession struct {
	ID               int64     `db:"id" json:"id"`
	HeldOn           date.Date `db:"held_on" json:"held_on"`
	HeadAppeared     bool      `db:"head_appeared" json:"head_appeared"`
	HeadName         string    `db:"head_name" json:"head_name,omitempty"`
	HeadTitle        string    `db:"head_title" json:"head_title,omitempty"`
	HeadRank         *string   `db:"head_rank" json:"head_rank"`
	AbsenceReason    string    `db:"absence_reason" json:"absence_reason,omitempty"`
	AbsenceNote      string    `db:"absence_note" json:"absence_note,omitempty"`
	ExplanationFiled bool      `db:"explanation_filed" json:"explanation_filed"`
	DelegateName     string    `db:"delegate_name" json:"delegate_name,omitempty"`
	LawyerName       string    `db:"lawyer_name" json:"lawyer_name,omitempty"`
}

// Suggestion is a 司法建议 or 检察建议.
type Suggestion struct {
	ID         int64     `db:"id" json:"id"`
	Kind       string    `db:"kind" json:"kind"`
	ReceivedOn date.Date `db:"received_on" json:"received_on"`
	ReplyDueOn date.Date `db:"reply_due_on" json:"reply_due_on"`
	RepliedOn  date.Date `db:"replied_on" json:"replied_on"`
	Content    string    `db:"content" json:"content,omitempty"`
}

// AppearanceInfo summarises 负责人出庭 for the instance: one appearance per 审级 suffices (出庭规定第7条).
type AppearanceInfo struct {
	Sessions          int    `json:"sessions"`
	Appeared          bool   `json:"appeared"`
	PrincipalAppeared bool   `json:"principal_appeared"`
	Flag              string `json:"flag,omitempty"`
}
