package cases

import "fuyi/internal/apperr"

var (
	ErrNotFound        = apperr.New(apperr.NotFound, "case.not_found", "案件不存在或您无权查看")
	ErrAgencyUnknown   = apperr.New(apperr.Invalid, "case.agency_unknown", "被申请人不在行政机关目录中，请从列表中选择")
	ErrOnlyChiefReview = apperr.New(apperr.Forbidden, "case.review_forbidden", "只有复议机构负责人可以作出受理审查决定")

	ErrNoPendingDecision  = apperr.State("decision.none_pending", "本案没有待批准的决定草案")
	ErrNoApprovedDecision = apperr.State("performance.no_decision", "本案尚无已批准的决定")
	ErrLetterNotFound     = apperr.New(apperr.NotFound, "opinion.not_found", "意见书不存在")
	ErrDocNotFound        = apperr.New(apperr.NotFound, "document.not_found", "该案件尚无此文书")
	ErrStatusNotFound     = apperr.New(apperr.NotFound, "status.not_found", "未查询到该申请：请核对登记号和查询码（见申请材料接收凭证）")
)

// fieldError is a single-field Invalid error.
func fieldError(code, field, msg string) *apperr.Error {
	return &apperr.Error{Kind: apperr.Invalid, Code: code, Message: msg, Fields: map[string]string{field: msg}}
}

// FieldError is a single-field Invalid error (exported for features built on cases).
func FieldError(code, field, msg string) *apperr.Error { return fieldError(code, field, msg) }
