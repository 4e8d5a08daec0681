package cases

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
	r.Staff(fiber.MethodGet, api+"/cases/:id/receipt.pdf", h.receiptPDF)
	r.Staff(fiber.MethodGet, api+"/cases/:id/documents", h.apiDocuments)
	r.Staff(fiber.MethodGet, api+"/cases/:id/documents/:type", h.documentPDF)
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

	// 行政应诉
	B := auth.RoleBureau
	r.Staff(fiber.MethodPost, api+"/lawsuits", h.apiLawsuitCreate, C, O, B)
	r.Staff(fiber.MethodGet, api+"/lawsuits", h.apiLawsuitList, C, O, B)
	r.Staff(fiber.MethodGet, api+"/lawsuits/stats", h.apiLawsuitStats, C, B)
	r.Staff(fiber.MethodPost, api+"/lawsuits/appearance-bulletins", h.apiPublishBulletin, B)
	r.Staff(fiber.MethodGet, api+"/lawsuits/:id", h.apiLawsuitGet, C, O, B)
	r.Staff(fiber.MethodPost, api+"/lawsuits/:id/answer", h.apiLawsuitAnswer, C, O, B)
	r.Staff(fiber.MethodPost, api+"/lawsuits/:id/judgment", h.apiJudgment, O, B, C)
	r.Staff(fiber.MethodPost, api+"/lawsuits/:id/appeal-decision", h.apiAppeal, C, B)
	r.Staff(fiber.MethodPost, api+"/lawsuits/:id/suggestions", h.apiSuggestion, O, B, C)

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
	r.Staff(fiber.MethodPost, "/cases/:id/review", h.pageReviewSubmit, C)
	r.Staff(fiber.MethodPost, "/cases/:id/correction-received", h.pageCorrectionReceivedSubmit, C, O, W)
	r.Staff(fiber.MethodPost, "/cases/:id/correction-served", h.pageCorrectionServedSubmit, C, O, W)
	r.Staff(fiber.MethodGet, "/workbench", h.pageWorkbench, O, C)
	r.Staff(fiber.MethodGet, "/cases/:id/assignment", h.pageAssignment, C)
	r.Staff(fiber.MethodPost, "/cases/:id/actions/:action", h.pageAction, O, C)
	r.Staff(fiber.MethodGet, "/lawsuits", h.pageLawsuits, C, O, B)
	r.Staff(fiber.MethodGet, "/lawsuits/new", h.pageLawsuitNew, C, O, B)
	r.Staff(fiber.MethodPost, "/lawsuits/new", h.pageLawsuitCreate, C, O, B)
	r.Staff(fiber.MethodGet, "/lawsuits/stats", h.pageLawsuitStats, C, B)
	r.Staff(fiber.MethodPost, "/lawsuits/stats/publish", h.pagePublishBulletin, B)
	r.Staff(fiber.MethodGet, "/lawsuits/bulletins/:id", h.pageBulletin, C, O, B)
	r.Staff(fiber.MethodGet, "/lawsuits/bulletins/:id/bulletin.pdf", h.bulletinPDF, C, O, B)
	r.Staff(fiber.MethodGet, "/lawsuits/:id", h.pageLawsuit, C, O, B)
	r.Staff(fiber.MethodPost, "/lawsuits/:id/actions/:action", h.pageLawsuitAction, C, O, B)

	// 节假日日历: the bureau enters next year's calendar; waiting deadlines are recomputed
	r.Staff(fiber.MethodGet, api+"/calendar/:year", h.apiCalendarGet)
	r.Staff(fiber.MethodPut, api+"/calendar/:year", h.apiCalendarPut, B)
	r.Staff(fiber.MethodGet, "/admin/calendar", h.pageCalendar, B, C)
	r.Staff(fiber.MethodPost, "/admin/calendar", h.pageCalendarSave, B)

	// Publication
	r.Staff(fiber.MethodPost, api+"/cases/:id/publication", h.apiPublish, B)
	r.Staff(fiber.MethodDelete, api+"/cases/:id/publication", h.apiWithdraw, B)
	r.Staff(fiber.MethodGet, api+"/cases/:id/publication/preview.pdf", h.previewPDF, B, C)
	r.Staff(fiber.MethodPost, api+"/cases/:id/publication/terms", h.apiTerm, B, C)
	r.Staff(fiber.MethodPost, api+"/cases/:id/publication/block", h.apiBlock, B)
	r.Staff(fiber.MethodGet, "/cases/:id/publication", h.pagePublication, B, C)
	r.Staff(fiber.MethodPost, "/cases/:id/publication/:action", h.pagePublicationAction, B, C)

	// Public
	r.Public(fiber.MethodGet, "/status", h.pageStatus)
	r.Public(fiber.MethodGet, api+"/public/status", h.apiStatus)
	r.Public(fiber.MethodGet, api+"/public/decisions", h.apiPublicDecisions)
	r.Public(fiber.MethodGet, "/decisions", h.pageDecisions)
	r.Public(fiber.MethodGet, "/decisions.atom", h.atom)
	r.Public(fiber.MethodGet, "/decisions/:id", h.pageDecision)
	r.Public(fiber.MethodGet, "/guide", h.pageGuide)
	r.Public(fiber.MethodGet, "/guide/application-form.pdf", h.applicationForm)
}
