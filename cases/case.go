// Package cases handles 行政复议 applications from registration at a 司法所 window through review,
// acceptance and the statutory clock.
package cases

import (
	"context"

	"github.com/lib/pq"

	"fuyi/internal/date"
)

// Status of a case (API.md).
type Status string

const (
	StatusRegistered Status = "registered" // 已登记，待审查
	StatusCorrection Status = "correction" // 已通知补正
	StatusAccepted   Status = "accepted"   // 已受理，审理中
	StatusSuspended  Status = "suspended"  // 中止审理
	StatusDecided    Status = "decided"    // 已作出决定
	StatusTerminated Status = "terminated" // 已终止
	StatusRejected   Status = "rejected"   // 不予受理
	StatusAbandoned  Status = "abandoned"  // 逾期未补正，视为放弃
	// StatusTransferred: the application went to the competent organ (转送); this organ keeps a closed record.
	StatusTransferred Status = "transferred" // 已转送
)

var statusLabels = map[Status]string{
	StatusRegistered:  "已登记待审查",
	StatusCorrection:  "补正中",
	StatusAccepted:    "审理中",
	StatusSuspended:   "中止审理",
	StatusDecided:     "已决定",
	StatusTerminated:  "已终止",
	StatusRejected:    "不予受理",
	StatusAbandoned:   "视为放弃申请",
	StatusTransferred: "已转送",
}

// Label is the Chinese name shown to users.
func (s Status) Label() string {
	if l, ok := statusLabels[s]; ok {
		return l
	}
	return string(s)
}

// StatusLabels names every status in Chinese (for the status filter of the case list).
func StatusLabels() map[Status]string { return statusLabels }

// Valid reports whether s is a known status.
func (s Status) Valid() bool { _, ok := statusLabels[s]; return ok }

// Procedure of an accepted case.
type Procedure string

const (
	Ordinary   Procedure = "ordinary"   // 普通程序
	Simplified Procedure = "simplified" // 简易程序 (复议法第53条)
)

func (p Procedure) Label() string {
	switch p {
	case Ordinary:
		return "普通程序"
	case Simplified:
		return "简易程序"
	}
	return "未定"
}

// Channels through which an application arrives.
var channelLabels = map[string]string{"window": "窗口递交", "mail": "邮寄", "online": "网上申请", "other": "其他"}

// ChannelLabels names every channel in Chinese (for the intake form).
func ChannelLabels() map[string]string { return channelLabels }

// ChannelLabel names a channel in Chinese.
func ChannelLabel(c string) string { return channelLabels[c] }

// Matters are the 申请事项 of the official statistics (DOMAIN.md §8).
var Matters = []string{"行政处罚", "行政强制", "行政征收", "行政许可", "行政确权", "行政确认", "信息公开", "举报投诉处理", "行政不作为", "其他"}

// SimplifiedGrounds are the conditions of 复议法第53条 that allow the simplified procedure. The first four
// apply only when the facts are clear, the rights and duties clear and the dispute small; the last stands alone.
var SimplifiedGrounds = map[string]string{
	"on_the_spot":     "被申请行政复议的行政行为是当场作出（第53条第1款第1项）",
	"warning":         "被申请行政复议的行政行为是警告或者通报批评（第53条第1款第2项）",
	"small_amount":    "案件涉及款额3000元以下（第53条第1款第3项）",
	"info_disclosure": "属于政府信息公开案件（第53条第1款第4项）",
	"parties_consent": "当事人各方同意适用简易程序（第53条第2款）",
}

// Party is an applicant, third party or agent.
type Party struct {
	ID         int64     `db:"id" json:"-"`
	CaseID     int64     `db:"case_id" json:"-"`
	Role       string    `db:"role" json:"-"`
	Position   int       `db:"position" json:"-"`
	Kind       string    `db:"kind" json:"kind"`
	Name       string    `db:"name" json:"name"`
	IDType     string    `db:"id_type" json:"id_type,omitempty"`
	IDNumber   string    `db:"id_number" json:"id_number,omitempty"`
	CreditCode string    `db:"credit_code" json:"credit_code,omitempty"`
	LegalRep   string    `db:"legal_rep" json:"legal_rep,omitempty"`
	RepTitle   string    `db:"legal_rep_title" json:"legal_rep_title,omitempty"` // 职务 of the 法定代表人
	Phone      string    `db:"phone" json:"phone,omitempty"`
	Address    string    `db:"address" json:"address,omitempty"`
	Sex        string    `db:"sex" json:"sex,omitempty"`
	BirthDate  date.Date `db:"birth_date" json:"birth_date,omitempty"`
	AgentKind  string    `db:"agent_kind" json:"agent_kind,omitempty"`
	Firm       string    `db:"firm" json:"firm,omitempty"`
	Represents string    `db:"represents" json:"represents,omitempty"` // agents: the party represented, "applicants[0]", "third_parties[1]"
}

// Case is one application / case row.
type Case struct {
	ID                int64          `db:"id"`
	RegistrationNo    string         `db:"registration_no"`
	QueryCode         string         `db:"query_code"`
	WindowID          *int           `db:"window_id"`
	WindowCode        string         `db:"window_code"`
	WindowName        string         `db:"window_name"`
	RegisteredBy      int64          `db:"registered_by"`
	Channel           string         `db:"channel"`
	ReceivedOn        date.Date      `db:"received_on"`
	AgencyID          int            `db:"respondent_agency_id"`
	AgencyName        string         `db:"agency_name"`
	AgencyCategory    string         `db:"agency_category"`
	ActTitle          string         `db:"act_title"`
	ActDocNo          string         `db:"act_doc_no"`
	ActMadeOn         date.Date      `db:"act_made_on"`
	ActKnownOn        date.Date      `db:"act_known_on"`
	Matter            string         `db:"matter"`
	Requests          string         `db:"requests"`
	Facts             string         `db:"facts"`
	Materials         pq.StringArray `db:"materials"`
	ApplyLastDay      date.Date      `db:"apply_last_day"`
	LateNote          string         `db:"late_note"`
	Status            Status         `db:"status"`
	ReviewFrom        date.Date      `db:"review_from"`
	Procedure         *string        `db:"procedure"`
	SimplifiedGrounds pq.StringArray `db:"simplified_grounds"`
	Complex           bool           `db:"complex"`
	ComplexReason     string         `db:"complex_reason"`
	CaseNo            *string        `db:"case_no"`
	AcceptedOn        date.Date      `db:"accepted_on"`
	DeemedAccepted    bool           `db:"deemed_accepted"`
	RejectedOn        date.Date      `db:"rejected_on"`
	RejectReason      string         `db:"reject_reason"`
	PostmarkedOn      date.Date      `db:"postmarked_on"` // an application sent by post: the postmark date
	Version           int            `db:"version"`
	// 转送 (migration 0032): the organ this application went to, when, why, and its registration number there
	TransferredOn  date.Date `db:"transferred_on"`
	TransferReason string    `db:"transfer_reason"`
	TransferNo     string    `db:"transfer_no"`
	TransferredTo  string    `db:"transferred_to_name"`
	// received by transfer: from which organ, its registration number there, the day the applicant applied
	TransferredFrom   string    `db:"transferred_from_name"`
	TransferredFromNo string    `db:"transferred_from_no"`
	FirstReceivedOn   date.Date `db:"first_received_on"`

	// the 补正 notice as read with the case by a change (corrRead), so its body need not read it again
	corr     *Correction
	corrRead bool
}

// correction is the 补正 notice of case c: as read with it, or read now through st.
func (c *Case) correction(ctx context.Context, st *Store) (*Correction, error) {
	if c.corrRead {
		return c.corr, nil
	}
	return st.Correction(ctx, c.ID)
}

// ProcedureValue is the procedure or "".
func (c *Case) ProcedureValue() Procedure {
	if c.Procedure == nil {
		return ""
	}
	return Procedure(*c.Procedure)
}

// Number is the case number or "".
func (c *Case) Number() string {
	if c.CaseNo == nil {
		return ""
	}
	return *c.CaseNo
}

// Correction is the 补正 notice of a case.
type Correction struct {
	RequestedOn date.Date      `db:"requested_on" json:"requested_on"`
	Items       pq.StringArray `db:"items" json:"items"`
	ReceivedOn  date.Date      `db:"received_on" json:"received_on"`
	// ServedOn is the applicant's receipt of the notice (复议法第31条第2款); zero while unknown.
	ServedOn date.Date `db:"served_on" json:"served_on"`
}

// StatusInfo is what the public status page shows: dates and state only, no personal data.
type StatusInfo struct {
	RegistrationNo string    `db:"registration_no" json:"registration_no"`
	Status         Status    `db:"status" json:"status"`
	StatusLabel    string    `db:"-" json:"status_label"`
	CaseNo         *string   `db:"case_no" json:"case_no"`
	ReceivedOn     date.Date `db:"received_on" json:"received_on"`
	AcceptedOn     date.Date `db:"accepted_on" json:"accepted_on"`
	RejectedOn     date.Date `db:"rejected_on" json:"rejected_on"`
	// 转送: the organ the application went to and its registration number there (the query code stays)
	TransferredOn date.Date `db:"transferred_on" json:"transferred_on"`
	TransferredTo string    `db:"transferred_to" json:"transferred_to,omitempty"`
	TransferNo    string    `db:"transfer_no" json:"transfer_registration_no,omitempty"`
	ReviewDueOn   date.Date `db:"review_due" json:"review_due_on"`
	DecisionDueOn date.Date `db:"decision_due" json:"decision_due_on"`
}
