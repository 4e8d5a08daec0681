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

// Routes lists every URL of the supervision feature.
func (h *Handler) Routes(r *web.Router) {
	const api = "/api/v1"
	C, B := auth.RoleChief, auth.RoleBureau

	// 抄告 (复议法第79条第2款)
	r.Staff(fiber.MethodGet, api+"/copy-reports", h.apiCopyReports, C, B)
	r.Staff(fiber.MethodPost, api+"/copy-reports/:id/sent", h.apiCopyReportSent, C, B)
	r.Staff(fiber.MethodPost, api+"/copy-reports/:id/served", h.apiCopyReportServed, C, B)
	r.Staff(fiber.MethodGet, "/supervision", h.pageHome, C, B)
	r.Staff(fiber.MethodGet, "/supervision/copy-reports/:id.pdf", h.copyReportPDF, C, B)
	r.Staff(fiber.MethodPost, "/supervision/copy-reports/:id/:step", h.pageCopyReportStep, C, B)

	// 责令履行, 约谈, 通报批评 (复议法第77条)
	r.Staff(fiber.MethodGet, api+"/performance-orders", h.apiOrders, C, B)
	r.Staff(fiber.MethodGet, api+"/performance-orders/unperformed", h.apiUnperformed, C, B)
	r.Staff(fiber.MethodPost, api+"/performance-orders", h.apiOrder, C, B)
	r.Staff(fiber.MethodPost, api+"/performance-orders/:id/interviews", h.apiInterview, C, B)
	r.Staff(fiber.MethodPost, api+"/performance-orders/:id/reprimands", h.apiReprimand, C, B)
	r.Staff(fiber.MethodPost, api+"/performance-orders/:id/performed", h.apiOrderPerformed, C, B)
	r.Staff(fiber.MethodGet, "/supervision/performance-orders/:id.pdf", h.orderPDF, C, B)
	r.Staff(fiber.MethodGet, "/supervision/reprimands/:id.pdf", h.reprimandPDF, C, B)
	r.Staff(fiber.MethodPost, "/supervision/performance-orders", h.pageOrder, C, B)
	r.Staff(fiber.MethodPost, "/supervision/performance-orders/:id/:action", h.pageOrderAction, C, B)

	// 典型案例
	r.Staff(fiber.MethodGet, api+"/typical-cases", h.apiTypicalCases, C, B)
	r.Staff(fiber.MethodPost, api+"/typical-cases", h.apiMarkTypical, C, B)
	r.Staff(fiber.MethodDelete, api+"/typical-cases/:id", h.apiUnmarkTypical, C, B)
	r.Staff(fiber.MethodGet, "/supervision/typical-cases/report.pdf", h.typicalReportPDF, C, B)
	r.Staff(fiber.MethodPost, "/supervision/typical-cases", h.pageMarkTypical, C, B)
	r.Staff(fiber.MethodPost, "/supervision/typical-cases/:id/unmark", h.pageUnmarkTypical, C, B)
	r.PublicSection(fiber.MethodGet, "/typical-cases", h.pagePublicTypical)

	// 庭审旁听
	r.Staff(fiber.MethodGet, api+"/observations", h.apiObservations, C, B)
	r.Staff(fiber.MethodPost, api+"/observations", h.apiObservation, C, B)
	r.Staff(fiber.MethodGet, api+"/observations/counts", h.apiObservationCounts, C, B)
	r.Staff(fiber.MethodPost, "/supervision/observations", h.pageObservation, C, B)

	// 年度应诉工作考核
	r.Staff(fiber.MethodGet, api+"/reviews/weights", h.apiWeights, C, B)
	r.Staff(fiber.MethodPut, api+"/reviews/weights", h.apiSetWeights, B)
	r.Staff(fiber.MethodGet, api+"/reviews/:year", h.apiReview, C, B)
	r.Staff(fiber.MethodPost, api+"/reviews/:year/publication", h.apiPublishReview, B)
	r.Staff(fiber.MethodGet, "/supervision/reviews/:year.pdf", h.reviewPDF, C, B)
	r.Staff(fiber.MethodGet, "/supervision/reviews/:year.xlsx", h.reviewXLSX, C, B)
	r.Staff(fiber.MethodGet, "/supervision/reviews/:year", h.pageReview, C, B)
	r.Staff(fiber.MethodPost, "/supervision/reviews/:year/publish", h.pagePublishReview, B)
	r.Staff(fiber.MethodPost, "/supervision/review-weights", h.pageWeights, B)
	r.PublicSection(fiber.MethodGet, api+"/public/typical-cases", h.apiPublicTypical)
}

func urlEscape(s string) string { return url.PathEscape(s) }
