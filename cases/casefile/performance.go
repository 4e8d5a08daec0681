package casefile

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"fuyi/cases"
	"fuyi/internal/apperr"
	"fuyi/internal/date"
	"fuyi/internal/pdf"
)

// When a 卷宗 may be made. An archived case is read-only, so what still has to happen on the case must
// happen first: the decision (or the 终止决定书 of a case terminated by decision) is served (its 送达 is part of the record and makes it effective, 复议法第75条),
// and a decision the respondent must perform (变更, 撤销, 责令履行, 确认违法, 确认无效, 调解书; 复议法第77条) is
// recorded as performed, directly or after a 责令限期履行通知书, with no 责令限期履行 still open. The
// supervision of 履行 (责令, 约谈, 通报批评) is then in the 正卷 as its 履行情况 part. A respondent that never
// performs keeps the case open — and visible in the 履行 statistics — rather than archived with a gap.
var (
	ErrNotServed    = apperr.State("archive.not_served", "决定书尚未登记送达（复议法第75条：送达后发生效力）：请先登记送达，再归档")
	ErrNotPerformed = apperr.State("archive.not_performed", "本案决定须由被申请人履行（复议法第77条），尚未登记履行：请在被申请人履行后登记“被申请人履行”（或责令限期履行后登记履行），再归档")
	ErrOrderOpen    = apperr.State("archive.order_open", "本案尚有未履行完毕的责令限期履行通知书（复议法第77条）：登记履行后再归档")
)

// Order is a 责令限期履行通知书 of the case, with its 约谈 and 通报批评, for the 履行情况 part.
type Order struct {
	DocNo       string    `db:"doc_no"`
	Document    string    `db:"document"`
	OrderedOn   date.Date `db:"ordered_on"`
	DueOn       date.Date `db:"due_on"`
	PerformedOn date.Date `db:"performed_on"`
	Interviews  int       `db:"interviews"`
	Reprimands  string    `db:"reprimands"`
}

const queryOrders = `SELECT o.doc_no, o.document, o.ordered_on, o.due_on, o.performed_on,
	(SELECT count(*) FROM performance_interviews i WHERE i.order_id = o.id) AS interviews,
	coalesce((SELECT string_agg(r.doc_no, '、' ORDER BY r.id) FROM performance_reprimands r WHERE r.order_id = o.id), '') AS reprimands
FROM performance_orders o WHERE o.case_id = $1 ORDER BY o.id`

// Orders lists the 责令限期履行 of a case.
func (s *Store) Orders(ctx context.Context, caseID int64) ([]Order, error) {
	var out []Order
	if err := sqlx.SelectContext(ctx, s.db, &out, queryOrders, caseID); err != nil {
		return nil, fmt.Errorf("casefile: performance orders of %d: %w", caseID, err)
	}
	return out, nil
}

// ready checks that a concluded case may be archived (see above); it returns the 履行情况 part when the
// decision had to be performed.
func ready(v *cases.View, orders []Order) (*part, error) {
	for _, o := range orders {
		if o.PerformedOn.IsZero() {
			return nil, ErrOrderOpen
		}
	}
	if v.Status != cases.StatusDecided && v.Status != cases.StatusTerminated || v.Handling == nil {
		return nil, nil
	}
	h := v.Handling
	d := h.Current()
	if d == nil {
		return nil, nil
	}
	if h.ServedOn.IsZero() {
		return nil, ErrNotServed
	}
	typ, _ := cases.DecisionTypeOf(d.Type)
	if !typ.RequiresPerformance() {
		return nil, nil
	}
	performed := h.PerformedOn
	for _, o := range orders {
		if (o.Document == "decision" || o.Document == "mediation") && performed.IsZero() {
			performed = o.PerformedOn
		}
	}
	if performed.IsZero() {
		return nil, ErrNotPerformed
	}
	rows := [][]string{{"项目", "内容"}, {"决定", typ.Label + "（" + typ.Document + "）"}, {"送达日期", h.ServedOn.String()}}
	if !d.PerformDueOn.IsZero() {
		rows = append(rows, []string{"履行期限", d.PerformDueOn.String()})
	}
	if !h.PerformedOn.IsZero() {
		rows = append(rows, []string{"被申请人履行日期", h.PerformedOn.String()})
	}
	if h.PerformanceNote != "" {
		rows = append(rows, []string{"履行情况说明", h.PerformanceNote})
	}
	blocks := []pdf.Block{{Kind: pdf.Title, Text: "履行情况"}, {Kind: pdf.Table, Rows: rows, Widths: []float64{1, 3}, HeaderRows: 1}}
	if len(orders) > 0 {
		or := [][]string{{"责令限期履行通知书", "责令日期", "履行期限", "履行日期", "约谈", "通报批评"}}
		for _, o := range orders {
			or = append(or, []string{o.DocNo, o.OrderedOn.String(), o.DueOn.String(), o.PerformedOn.String(), fmt.Sprintf("%d次", o.Interviews), o.Reprimands})
		}
		blocks = append(blocks, pdf.Block{Kind: pdf.Plain, Text: "履行监督（复议法第七十七条）："},
			pdf.Block{Kind: pdf.Table, Rows: or, Widths: []float64{2, 1.2, 1.2, 1.2, 0.7, 1.6}, HeaderRows: 1})
	}
	return &part{title: "履行情况", no: "履行", on: performed.String(), when: performed, rank: len(Categories) + 1, blocks: blocks}, nil
}
