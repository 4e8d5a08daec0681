package publication

import (
	"time"

	"fuyi/cases"
	"fuyi/internal/date"
)

// PublicDecision is a row of the public list (published decisions only, already anonymised).
type PublicDecision struct {
	ID           int64     `db:"id" json:"id"`
	Title        string    `db:"title" json:"title"`
	DocNo        string    `db:"doc_no" json:"doc_no"`
	Agency       string    `db:"agency_name" json:"respondent_agency"`
	DecisionType string    `db:"decision_type" json:"decision_type"`
	DecidedOn    date.Date `db:"decided_on" json:"decided_on"`
	PublishedAt  time.Time `db:"published_at" json:"published_at"`
	URL          string    `db:"-" json:"url"`
	PDFURL       string    `db:"-" json:"pdf_url"`
}

// TypeLabel names the decision type.
func (p PublicDecision) TypeLabel() string {
	t, _ := cases.DecisionTypeOf(p.DecisionType)
	return t.Label
}

// PublicDoc is a published decision with its text (and PDF when asked).
type PublicDoc struct {
	PublicDecision
	Body string `db:"body"`
	PDF  []byte `db:"pdf"`
}

// Filter of the public list.
type Filter struct {
	Q        string
	Year     int
	AgencyID int
	Type     string
	PerPage  int
	Offset   int
}

// SearchCountCap bounds the count of a full-text search: counting every match of a common term would read
// every document; the page then says "1000+" (JSON: "more": true).
const SearchCountCap = 1000
