// Package caseweb serves 行政复议 cases over HTTP: the JSON API, the staff pages (intake, review queue, case
// page with its action forms, workbench, assignment), the documents as PDF or text, and the public status
// page. It translates HTTP to calls on package cases and back; it holds no SQL.
package caseweb

import (
	"github.com/gofiber/fiber/v2"

	"fuyi/internal/auth"
	"fuyi/internal/web"
)

// The authorization rules of the case actions: each is shared by the API route and the page form doing the
// action (web.Router.Action/Actions), so a page cannot allow what the API refuses. The services refine them
// with the rules of the case (only the lead officer drafts, four eyes, …).
var (
	RuleRegister           = web.NewRule("case.register", auth.RoleWindow, auth.RoleChief, auth.RoleOfficer)
	RuleCorrect            = web.NewRule("case.correct", auth.RoleWindow, auth.RoleChief, auth.RoleOfficer)
	RuleDocumentService    = web.NewRule("case.document_service", auth.RoleOfficer, auth.RoleChief, auth.RoleWindow)
	RuleReview             = web.NewRule("case.review", auth.RoleChief)
	RuleTransfer           = web.NewRule("case.transfer", auth.RoleChief)
	RuleCorrectionReceived = web.NewRule("case.correction_received", auth.RoleChief, auth.RoleOfficer, auth.RoleWindow)
	RuleCorrectionServed   = web.NewRule("case.correction_served", auth.RoleChief, auth.RoleOfficer, auth.RoleWindow)
	RuleComplexity         = web.NewRule("case.complexity", auth.RoleChief)
	RuleAssign             = web.NewRule("case.assign", auth.RoleChief)
	RuleReply              = web.NewRule("case.reply", auth.RoleOfficer, auth.RoleChief)
	RuleSuspend            = web.NewRule("case.suspend", auth.RoleChief)
	RuleResume             = web.NewRule("case.resume", auth.RoleChief)
	RuleExtend             = web.NewRule("case.extend", auth.RoleChief)
	RuleProcedure          = web.NewRule("case.procedure", auth.RoleChief)
	RuleCommitteeOpinion   = web.NewRule("case.committee_opinion", auth.RoleOfficer, auth.RoleChief)
	RuleProposeDecision    = web.NewRule("decision.propose", auth.RoleOfficer)
	RuleApproveDecision    = web.NewRule("decision.approve", auth.RoleChief)
	RuleServeDecision      = web.NewRule("decision.serve", auth.RoleOfficer, auth.RoleChief)
	RulePerformance        = web.NewRule("case.performance", auth.RoleOfficer, auth.RoleChief)
	RuleOpinionLetter      = web.NewRule("opinion.issue", auth.RoleChief)
	RuleOpinionReport      = web.NewRule("opinion.report", auth.RoleOfficer, auth.RoleChief)
)

// pageActions are the forms of the case page (POST /cases/:id/actions/:action) and their rules.
var pageActions = map[string]web.Rule{
	"assignment": RuleAssign, "complexity": RuleComplexity, "reply": RuleReply, "suspension": RuleSuspend,
	"resumption": RuleResume, "extension": RuleExtend, "procedure": RuleProcedure, "committee-opinion": RuleCommitteeOpinion,
	"decision": RuleProposeDecision, "decision-draft": RuleProposeDecision, "decision-preview": RuleProposeDecision,
	"approval": RuleApproveDecision, "service": RuleServeDecision,
	"performance": RulePerformance, "opinion-letter": RuleOpinionLetter, "opinion-report": RuleOpinionReport,
}

// Routes lists every URL of the 行政复议 case feature.
func (h *Handler) Routes(r *web.Router) {
	const api = "/api/v1"
	W, O, C := auth.RoleWindow, auth.RoleOfficer, auth.RoleChief

	// JSON API
	r.Action(fiber.MethodPost, api+"/cases", h.apiCreate, RuleRegister)
	r.Staff(fiber.MethodGet, api+"/cases", h.apiList)
	r.Staff(fiber.MethodGet, api+"/cases/:id", h.apiGet)
	r.Action(fiber.MethodPatch, api+"/cases/:id", h.apiCorrect, RuleCorrect)
	r.Staff(fiber.MethodGet, api+"/cases/:id/receipt.pdf", h.receiptPDF)
	r.Staff(fiber.MethodGet, api+"/cases/:id/documents", h.apiDocuments)
	r.Staff(fiber.MethodGet, api+"/cases/:id/documents/:type", h.documentPDF)
	r.Action(fiber.MethodPost, api+"/cases/:id/documents/:did/service", h.apiDocumentService, RuleDocumentService)
	r.Action(fiber.MethodPost, api+"/cases/:id/review", h.apiReview, RuleReview)
	r.Action(fiber.MethodPost, api+"/cases/:id/transfer", h.apiTransfer, RuleTransfer)
	r.Action(fiber.MethodPost, api+"/cases/:id/correction-received", h.apiCorrectionReceived, RuleCorrectionReceived)
	r.Action(fiber.MethodPost, api+"/cases/:id/correction-served", h.apiCorrectionServed, RuleCorrectionServed)
	r.Action(fiber.MethodPost, api+"/cases/:id/complexity", h.apiComplexity, RuleComplexity)
	r.Action(fiber.MethodPut, api+"/cases/:id/assignment", h.apiAssign, RuleAssign)
	r.Staff(fiber.MethodGet, api+"/workloads", h.apiWorkloads, C)
	r.Action(fiber.MethodPost, api+"/cases/:id/reply", h.apiReply, RuleReply)
	r.Action(fiber.MethodPost, api+"/cases/:id/suspension", h.apiSuspend, RuleSuspend)
	r.Action(fiber.MethodPost, api+"/cases/:id/resumption", h.apiResume, RuleResume)
	r.Action(fiber.MethodPost, api+"/cases/:id/extension", h.apiExtend, RuleExtend)
	r.Action(fiber.MethodPost, api+"/cases/:id/procedure", h.apiProcedure, RuleProcedure)
	r.Action(fiber.MethodPost, api+"/cases/:id/committee-opinion", h.apiCommittee, RuleCommitteeOpinion)
	r.Action(fiber.MethodPost, api+"/cases/:id/decision", h.apiDecision, RuleProposeDecision)
	r.Action(fiber.MethodPost, api+"/cases/:id/decision/approval", h.apiApproval, RuleApproveDecision)
	r.Action(fiber.MethodPost, api+"/cases/:id/decision/service", h.apiService, RuleServeDecision)
	r.Action(fiber.MethodPost, api+"/cases/:id/performance", h.apiPerformance, RulePerformance)
	r.Action(fiber.MethodPost, api+"/cases/:id/opinion-letters", h.apiOpinionLetter, RuleOpinionLetter)
	r.Action(fiber.MethodPost, api+"/cases/:id/opinion-letters/:lid/report", h.apiOpinionReport, RuleOpinionReport)

	// Staff pages
	r.Staff(fiber.MethodGet, "/", h.pageHome)
	r.Staff(fiber.MethodGet, "/cases", h.pageList)
	r.Staff(fiber.MethodGet, "/cases/new", h.pageIntake, W, C, O)
	r.Staff(fiber.MethodGet, "/cases/export", h.pageExport)
	r.Action(fiber.MethodPost, "/cases/new", h.pageIntakeSubmit, RuleRegister)
	r.Staff(fiber.MethodGet, "/review", h.pageReviewQueue, C)
	r.Staff(fiber.MethodGet, "/cases/:id", h.pageDetail)
	r.Staff(fiber.MethodGet, "/cases/:id/receipt", h.pageReceipt)
	r.Staff(fiber.MethodGet, "/cases/:id/receipt.pdf", h.receiptPDF)
	r.Staff(fiber.MethodGet, "/cases/:id/documents/:type", h.documentPDF)
	r.Action(fiber.MethodPost, "/cases/:id/documents/:did/service", h.pageDocumentService, RuleDocumentService)
	r.Staff(fiber.MethodGet, "/cases/:id/corrections", h.pageCorrections, W, C, O)
	r.Action(fiber.MethodPost, "/cases/:id/corrections", h.pageCorrectionsSubmit, RuleCorrect)
	r.Action(fiber.MethodPost, "/cases/:id/review", h.pageReviewSubmit, RuleReview)
	r.Action(fiber.MethodPost, "/cases/:id/transfer", h.pageTransferSubmit, RuleTransfer)
	r.Action(fiber.MethodPost, "/cases/:id/correction-received", h.pageCorrectionReceivedSubmit, RuleCorrectionReceived)
	r.Action(fiber.MethodPost, "/cases/:id/correction-served", h.pageCorrectionServedSubmit, RuleCorrectionServed)
	r.Staff(fiber.MethodGet, "/workbench", h.pageWorkbench, O, C)
	r.Staff(fiber.MethodGet, "/queues/approvals", h.pageApprovals, C)
	r.Staff(fiber.MethodGet, "/queues/publication", h.pageToPublish, auth.RoleBureau, C)
	r.Staff(fiber.MethodGet, "/cases/:id/assignment", h.pageAssignment, C)
	r.Actions(fiber.MethodPost, "/cases/:id/actions/:action", h.pageAction, pageActions)

	// Public
	r.Public(fiber.MethodGet, "/status", h.pageStatus)
	r.Public(fiber.MethodGet, api+"/public/status", h.apiStatus)
}
