package cases

import "fuyi/internal/apperr"

var (
	ErrNotFound        = apperr.New(apperr.NotFound, "case.not_found", "案件不存在或您无权查看")
	ErrAgencyUnknown   = apperr.New(apperr.Invalid, "case.agency_unknown", "被申请人不在行政机关目录中，请从列表中选择")
	ErrOnlyChiefReview = apperr.New(apperr.Forbidden, "case.review_forbidden", "只有复议机构负责人可以作出受理审查决定")
)

// fieldError is a single-field Invalid error.
func fieldError(code, field, msg string) *apperr.Error {
	return &apperr.Error{Kind: apperr.Invalid, Code: code, Message: msg, Fields: map[string]string{field: msg}}
}

// FieldError is a single-field Invalid error (exported for features built on cases).
func FieldError(code, field, msg string) *apperr.Error { return fieldError(code, field, msg) }
