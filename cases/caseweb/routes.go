// Package caseweb serves 行政复议 cases over HTTP: the JSON API, the staff pages (intake, review queue, case
// page with its action forms, workbench, assignment), the documents as PDF or text, and the public status
// page. It translates HTTP to calls on package cases and back; it holds no SQL.
package caseweb

import (
	"github.com/gofiber/fiber/v2"

	"fuyi/internal/auth"
	"fuyi/internal/web"
)

// Routes lists every URL of the 行政复议 case feature.
func (h *Handler) Routes(r *web.Router) {
	const api = "/api/v1"
	W, O, C := auth.RoleWindow, auth.RoleOfficer, auth.RoleChief

	// JSON API
	r.Staff(fiber.MethodPost, api+"/cases", h.apiCreate, W, C, O)
	r.Staff(fiber.MethodGet, api+"/cases", h.apiList)
	r.Staff(fiber.MethodGet, api+"/cases/:id", h.apiGet)
	r.Staff(fiber.MethodPatch, api+"/cases/:id", h.apiCorrect, W, C, O)
	r.Staff(fiber.MethodGet, api+"/cases/:id/receipt.pdf", h.receiptPDF)
	r.Staff(fiber.MethodGet, api+"/cases/:id/documents", h.apiDocuments)
	r.Staff(fiber.MethodGet, api+"/cases/:id/documents/:type", h.documentPDF)
	r.Staff(fiber.MethodPost, api+"/cases/:id/documents/:did/service", h.apiDocumentService, O, C, W)
	r.Staff(fiber.MethodPost, api+"/cases/:id/review", h.apiReview, C)
	r.Staff(fiber.MethodPost, api+"/cases/:id/correction-received", h.apiCorrectionReceived, C, O, W)
	r.Staff(fiber.MethodPost, api+"/cases/:id/correction-served", h.apiCorrectionServed, C, O, W)
	r.Staff(fiber.MethodPost, api+"/cases/:id/complexity", h.apiComplexity, C)
	r.Staff(fiber.MethodPut, api+"/cases/:id/assignment", h.apiAssign, C)
	r.Staff(fiber.MethodGet, api+"/workloads", h.apiWorkloads, C)
	r.Staff(fiber.MethodPost, api+"/cases/:id/reply", h.apiReply, O, C)
	r.Staff(fiber.MethodPost, api+"/cases/:id/suspension", h.apiSuspend, C)
	r.Staff(fiber.MethodPost, api+"/cases/:id/resumption", h.apiResume, C)
	r.Staff(fiber.MethodPost, api+"/cases/:id/extension", h.apiExtend, C)
	r.Staff(fiber.MethodPost, api+"/cases/:id/procedure", h.apiProcedure, C)
	r.Staff(fiber.MethodPost, api+"/cases/:id/committee-opinion", h.apiCommittee, O, C)
	r.Staff(fiber.MethodPost, api+"/cases/:id/decision", h.apiDecision, O)
	r.Staff(fiber.MethodPost, api+"/cases/:id/decision/approval", h.apiApproval, C)
	r.Staff(fiber.MethodPost, api+"/cases/:id/decision/service", h.apiService, O, C)
	r.Staff(fiber.MethodPost, api+"/cases/:id/performance", h.apiPerformance, O, C)
	r.Staff(fiber.MethodPost, api+"/cases/:id/opinion-letters", h.apiOpinionLetter, C)
	r.Staff(fiber.MethodPost, api+"/cases/:id/opinion-letters/:lid/report", h.apiOpinionReport, O, C)

	// Staff pages
	r.Staff(fiber.MethodGet, "/", h.pageHome)
	r.Staff(fiber.MethodGet, "/cases", h.pageList)
	r.Staff(fiber.MethodGet, "/cases/new", h.pageIntake, W, C, O)
	r.Staff(fiber.MethodPost, "/cases/new", h.pageIntakeSubmit, W, C, O)
	r.Staff(fiber.MethodGet, "/review", h.pageReviewQueue, C)
	r.Staff(fiber.MethodGet, "/cases/:id", h.pageDetail)
	r.Staff(fiber.MethodGet, "/cases/:id/receipt", h.pageReceipt)
	r.Staff(fiber.MethodGet, "/cases/:id/receipt.pdf", h.receiptPDF)
	r.Staff(fiber.MethodGet, "/cases/:id/documents/:type", h.documentPDF)
	r.Staff(fiber.MethodPost, "/cases/:id/documents/:did/service", h.pageDocumentService, O, C, W)
	r.Staff(fiber.MethodGet, "/cases/:id/corrections", h.pageCorrections, W, C, O)
	r.Staff(fiber.MethodPost, "/cases/:id/corrections", h.pageCorrectionsSubmit, W, C, O)
	r.Staff(fiber.MethodPost, "/cases/:id/review", h.pageReviewSubmit, C)
	r.Staff(fiber.MethodPost, "/cases/:id/correction-received", h.pageCorrectionReceivedSubmit, C, O, W)
	r.Staff(fiber.MethodPost, "/cases/:id/correction-served", h.pageCorrectionServedSubmit, C, O, W)
	r.Staff(fiber.MethodGet, "/workbench", h.pageWorkbench, O, C)
	r.Staff(fiber.MethodGet, "/cases/:id/assignment", h.pageAssignment, C)
	r.Staff(fiber.MethodPost, "/cases/:id/actions/:action", h.pageAction, O, C)

	// Public
	r.Public(fiber.MethodGet, "/status", h.pageStatus)
	r.Public(fiber.MethodGet, api+"/public/status", h.apiStatus)
}
