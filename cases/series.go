package cases

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/database"
	"fuyi/internal/date"
)

// SeriesRef is another application contesting the same act (系列案).
type SeriesRef struct {
	ID         int64     `db:"id" json:"id"`
	No         string    `db:"no" json:"no"` // 案号, or 登记号 before acceptance
	ReceivedOn date.Date `db:"received_on" json:"received_on"`
	Status     Status    `db:"status" json:"status"`
}

// SameActKey is the 系列案 detector's rule: two applications contest the same act when the 文号 of the act
// match once the brackets typed at a keyboard ([], (), （）, ［］) are read as the official 〔〕 and spaces are
// dropped. An act without a 文号 matches nothing. The database holds the same translation as the stored
// column cases.act_key (migration 0035_act_key.sql: change both together), indexed with received_on and id
// (cases_act_series) so that the first 20 are read in order. The statements compare act_key, never the
// translate() expression: under row-level security an index is searched only by a condition whose functions
// are all LEAKPROOF, which text equality is and translate() is not.
func SameActKey(docNo string) string {
	r := strings.NewReplacer("[", "〔", "]", "〕", "(", "〔", ")", "〕", "（", "〔", "）", "〕", "［", "〔", "］", "〕", " ", "", "\u3000", "")
	return r.Replace(strings.TrimSpace(docNo))
}

var querySeries = database.Prepared(`SELECT id, coalesce(case_no, registration_no) AS no, received_on, status FROM cases
WHERE act_key = $2 AND act_doc_no <> '' AND id <> $1
ORDER BY received_on, id LIMIT 20`)

// Series lists the other applications contesting the act of case id (none when it has no 文号).
func (s *Store) Series(ctx context.Context, id int64, docNo string) ([]SeriesRef, error) {
	key := SameActKey(docNo)
	if key == "" {
		return nil, nil
	}
	var out []SeriesRef
	if err := sqlx.SelectContext(ctx, s.db, &out, querySeries, id, key); err != nil {
		return nil, fmt.Errorf("cases: series: %w", err)
	}
	return out, nil
}
