package cases

import "fuyi/internal/date"

// Deadline states as stored. "overdue" is derived when reading: an open deadline past its due date, and a
// breached duty of a concluded case, read as overdue.
const (
	DeadlineOpen      = "open"
	DeadlineMet       = "met"
	DeadlinePending   = "pending"   // cannot be computed yet: the calendar of the year is missing
	DeadlineSuspended = "suspended" // decision clock stopped while the case is 中止
	DeadlineUnserved  = "unserved"  // counted from the service of a notice whose service date is not yet known
	DeadlineBreached  = "breached"  // the duty fell due before the case concluded and was never performed
	DeadlineCancelled = "cancelled"
	DeadlineOverdue   = "overdue"
)

// Deadline is one statutory period of a case with its legal basis in words.
type Deadline struct {
	ID     int64     `db:"id" json:"-"`
	Kind   string    `db:"kind" json:"kind"`
	Ref    string    `db:"ref" json:"ref,omitempty"`
	DueOn  date.Date `db:"due_on" json:"due_on"`
	Basis  string    `db:"basis" json:"basis"`
	Status string    `db:"status" json:"status"`
	MetOn  date.Date `db:"met_on" json:"met_on,omitempty"`
}

// Label is the Chinese name of the deadline kind.
func (d Deadline) Label() string { return DeadlineLabel(d.Kind) }

// StatusOn is the status as seen on a day: an open deadline past its due date is overdue, and so is a breached
// one (a concluded case keeps every breach visible).
func (d Deadline) StatusOn(today date.Date) string {
	if d.Status == DeadlineOpen && today.After(d.DueOn) || d.Status == DeadlineBreached {
		return DeadlineOverdue
	}
	return d.Status
}

// View is the deadline as shown on a day, with its status and the Chinese name of the status.
func (d Deadline) View(today date.Date) DeadlineView {
	st, label := d.StatusOn(today), StatusLabel(d.StatusOn(today))
	if d.Status == DeadlineBreached {
		label = StatusLabel(DeadlineBreached)
	}
	return DeadlineView{Kind: d.Kind, Label: d.Label(), Ref: d.Ref, DueOn: d.DueOn, Basis: d.Basis, Status: st, StatusLabel: label, MetOn: d.MetOn}
}

// StatusLabel names a status in Chinese.
func StatusLabel(s string) string {
	switch s {
	case DeadlineOpen:
		return "进行中"
	case DeadlineMet:
		return "已完成"
	case DeadlinePending:
		return "待录入日历"
	case DeadlineSuspended:
		return "中止中"
	case DeadlineUnserved:
		return "待送达"
	case DeadlineOverdue:
		return "已逾期"
	case DeadlineBreached:
		return "逾期未履行"
	case DeadlineCancelled:
		return "已取消"
	}
	return s
}
