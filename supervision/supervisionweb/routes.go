// Package supervisionweb serves the supervision feature over HTTP: 抄告, 责令履行 with 约谈 and 通报批评,
// typical cases (and their public page), 庭审旁听 and the yearly 应诉 review.
package supervisionweb

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"fuyi/internal/auth"
	"fuyi/internal/web"
	"fuyi/supervision"
)

// Handler serves the supervision feature.
type Handler struct {
	Service *supervision.Service
}

func New(s *supervision.Service) *Handler { return &Handler{Service: s} }

// The rules of the supervision actions, each shared by the API route and the page form.
var (
	RuleCopyReportSent   = web.NewRule("copy_report.sent", auth.RoleChief, auth.RoleBureau)
	RuleCopyReportServed = web.NewRule("copy_report.served", auth.RoleChief, auth.RoleBureau)
	RuleOrder            = web.NewRule("performance.order", auth.RoleChief, auth.RoleBureau)
	RuleInterview        = web.NewRule("performance.interview", auth.RoleChief, auth.RoleBureau)
	RuleReprimand        = web.NewRule("performance.reprimand", auth.RoleChief, auth.RoleBureau)
	RuleOrderPerformed   = web.NewRule("performance.performed", auth.RoleChief, auth.RoleBureau)
	RuleMarkTypical      = web.NewRule("typical.mark", auth.RoleChief, auth.RoleBureau)
	RuleUnmarkTypical    = web.NewRule("typical.unmark", auth.RoleChief, auth.RoleBureau)
	RuleObservation      = web.NewRule("observation.record", auth.RoleChief, auth.RoleBureau)
	RulePublishReview    = web.NewRule("review.publish", auth.RoleBureau)
	RuleReviewWeights    = web.NewRule("review.weights", auth.RoleBureau)
)

// Routes lists every URL of the supervision feature.
func (h *Handler) Routes(r *web.Router) {
	const api = "/api/v1"
	C, B := auth.RoleChief, auth.RoleBureau

	// 抄告 (复议法第79条第2款)
	r.Staff(fiber.MethodGet, api+"/copy-reports", h.apiCopyReports, C, B)
	r.Action(fiber.MethodPost, api+"/copy-reports/:id/sent", h.apiCopyReportSent, RuleCopyReportSent)
	r.Action(fiber.MethodPost, api+"/copy-reports/:id/served", h.apiCopyReportServed, RuleCopyReportServed)
	r.Staff(fiber.MethodGet, "/supervision", h.pageHome, C, B)
	r.Staff(fiber.MethodGet, "/supervision/copy-reports/:id.pdf", h.copyReportPDF, C, B)
	r.Actions(fiber.MethodPost, "/supervision/copy-reports/:id/:action", h.pageCopyReportStep,
		map[string]web.Rule{"sent": RuleCopyReportSent, "served": RuleCopyReportServed})

	// 责令履行, 约谈, 通报批评 (复议法第77条)
	r.Staff(fiber.MethodGet, api+"/performance-orders", h.apiOrders, C, B)
	r.Staff(fiber.MethodGet, api+"/performance-orders/unperformed", h.apiUnperformed, C, B)
	r.Action(fiber.MethodPost, api+"/performance-orders", h.apiOrder, RuleOrder)
	r.Action(fiber.MethodPost, api+"/performance-orders/:id/interviews", h.apiInterview, RuleInterview)
	r.Action(fiber.MethodPost, api+"/performance-orders/:id/reprimands", h.apiReprimand, RuleReprimand)
	r.Action(fiber.MethodPost, api+"/performance-orders/:id/performed", h.apiOrderPerformed, RuleOrderPerformed)
	r.Staff(fiber.MethodGet, "/supervision/performance-orders/:id.pdf", h.orderPDF, C, B)
	r.Staff(fiber.MethodGet, "/supervision/reprimands/:id.pdf", h.reprimandPDF, C, B)
	r.Action(fiber.MethodPost, "/supervision/performance-orders", h.pageOrder, RuleOrder)
	r.Actions(fiber.MethodPost, "/supervision/performance-orders/:id/:action", h.pageOrderAction,
		map[string]web.Rule{"interview": RuleInterview, "reprimand": RuleReprimand, "performed": RuleOrderPerformed})

	// 典型案例
	r.Staff(fiber.MethodGet, api+"/typical-cases", h.apiTypicalCases, C, B)
	r.Action(fiber.MethodPost, api+"/typical-cases", h.apiMarkTypical, RuleMarkTypical)
	r.Action(fiber.MethodDelete, api+"/typical-cases/:id", h.apiUnmarkTypical, RuleUnmarkTypical)
	r.Staff(fiber.MethodGet, "/supervision/typical-cases/report.pdf", h.typicalReportPDF, C, B)
	r.Action(fiber.MethodPost, "/supervision/typical-cases", h.pageMarkTypical, RuleMarkTypical)
	r.Action(fiber.MethodPost, "/supervision/typical-cases/:id/unmark", h.pageUnmarkTypical, RuleUnmarkTypical)
	r.PublicSection(fiber.MethodGet, "/typical-cases", h.pagePublicTypical)

	// 庭审旁听
	r.Staff(fiber.MethodGet, api+"/observations", h.apiObservations, C, B)
	r.Action(fiber.MethodPost, api+"/observations", h.apiObservation, RuleObservation)
	r.Staff(fiber.MethodGet, api+"/observations/counts", h.apiObservationCounts, C, B)
	r.Action(fiber.MethodPost, "/supervision/observations", h.pageObservation, RuleObservation)

	// 年度应诉工作考核
	r.Staff(fiber.MethodGet, api+"/reviews/weights", h.apiWeights, C, B)
	r.Action(fiber.MethodPut, api+"/reviews/weights", h.apiSetWeights, RuleReviewWeights)
	r.Staff(fiber.MethodGet, api+"/reviews/:year", h.apiReview, C, B)
	r.Action(fiber.MethodPost, api+"/reviews/:year/publication", h.apiPublishReview, RulePublishReview)
	r.Staff(fiber.MethodGet, "/supervision/reviews/:year.pdf", h.reviewPDF, C, B)
	r.Staff(fiber.MethodGet, "/supervision/reviews/:year.xlsx", h.reviewXLSX, C, B)
	r.Staff(fiber.MethodGet, "/supervision/reviews/:year", h.pageReview, C, B)
	r.Action(fiber.MethodPost, "/supervision/reviews/:year/publish", h.pagePublishReview, RulePublishReview)
	r.Action(fiber.MethodPost, "/supervision/review-weights", h.pageWeights, RuleReviewWeights)
	r.PublicSection(fiber.MethodGet, api+"/public/typical-cases", h.apiPublicTypical)
}

func urlEscape(s string) string { return url.PathEscape(s) }
