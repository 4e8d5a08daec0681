// Package supervision is the organ's supervision of the agencies beyond the single case: the 抄告 of
// effective decisions and 意见书 to the respondent's 上一级主管部门 (复议法第79条第2款), the enforcement of
// performance (责令限期履行, 约谈, 通报批评: 复议法第77条), typical cases, 庭审旁听 and the yearly 应诉 review.
// It builds on cases (it is told when a document takes effect) and reads the agency directory.
package supervision

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/apperr"
	"fuyi/internal/date"
)

// Service performs the state changes of the supervision records, each in one transaction it owns (or, for
// the 抄告, in the transaction of cases that made a document effective).
type Service struct {
	DB    *sqlx.DB
	Today func() date.Date
	// Anonymise redacts the summary of a 典型案例 (the publication feature's rules); set by the composition root.
	Anonymise Anonymiser
}

func NewService(db *sqlx.DB, today func() date.Date) *Service {
	if today == nil {
		today = date.Today
	}
	return &Service{DB: db, Today: today}
}

var (
	ErrCopyReportNotFound = apperr.New(apperr.NotFound, "copy_report.not_found", "抄告不存在")
)

// organ is the 复议机关 as the supervision documents name it.
type organ struct {
	Name      string `db:"name"`
	DocPrefix string `db:"doc_prefix"`
}

// queryOrgan: the organ the context is bound to (the user's); unbound, the first
const queryOrgan = `SELECT name, doc_prefix FROM organ WHERE id = coalesce(fuyi_organ(), (SELECT min(id) FROM organ))`

func loadOrgan(ctx context.Context, db sqlx.QueryerContext) (organ, error) {
	var o organ
	if err := sqlx.GetContext(ctx, db, &o, queryOrgan); err != nil {
		return o, fmt.Errorf("supervision: organ: %w", err)
	}
	return o, nil
}

func checkDate(f apperr.Fields, field, label, s string, today date.Date) date.Date {
	if s == "" {
		f.Add(field, "%s不能为空", label)
		return date.Date{}
	}
	d, err := date.Parse(s)
	if err != nil {
		f.Add(field, "%s格式应为YYYY-MM-DD", label)
		return date.Date{}
	}
	if d.After(today) {
		f.Add(field, "%s不能晚于今天", label)
	}
	return d
}

// checkFutureDate reads a required date that may lie ahead (a time limit).
func checkFutureDate(f apperr.Fields, field, label, s string) date.Date {
	if s == "" {
		f.Add(field, "%s不能为空", label)
		return date.Date{}
	}
	d, err := date.Parse(s)
	if err != nil {
		f.Add(field, "%s格式应为YYYY-MM-DD", label)
		return date.Date{}
	}
	return d
}
