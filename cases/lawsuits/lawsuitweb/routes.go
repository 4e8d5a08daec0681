// Package lawsuitweb serves the 行政应诉 feature over HTTP: the JSON API and the staff pages of lawsuits,
// court sessions, statistics and the 出庭应诉情况通报.
package lawsuitweb

import (
	"github.com/gofiber/fiber/v2"

	"fuyi/internal/auth"
	"fuyi/internal/web"
)

// The rules of the lawsuit actions, each shared by the API route and the page form.
var (
	RuleRegister   = web.NewRule("lawsuit.register", auth.RoleChief, auth.RoleOfficer, auth.RoleBureau)
	RuleAnswer     = web.NewRule("lawsuit.answer", auth.RoleChief, auth.RoleOfficer, auth.RoleBureau)
	RuleJudgment   = web.NewRule("lawsuit.judgment", auth.RoleOfficer, auth.RoleBureau, auth.RoleChief)
	RuleAppeal     = web.NewRule("lawsuit.appeal_decision", auth.RoleChief, auth.RoleBureau)
	RuleSuggestion = web.NewRule("lawsuit.suggestion", auth.RoleOfficer, auth.RoleBureau, auth.RoleChief)
	RuleSession    = web.NewRule("lawsuit.session", auth.RoleOfficer, auth.RoleBureau, auth.RoleChief)
	RuleBulletin   = web.NewRule("lawsuit.bulletin_publish", auth.RoleBureau)
)

// Routes lists every URL of the lawsuits feature.
func (h *Handler) Routes(r *web.Router) {
	const api = "/api/v1"
	O, C, B := auth.RoleOfficer, auth.RoleChief, auth.RoleBureau

	r.Action(fiber.MethodPost, api+"/lawsuits", h.apiLawsuitCreate, RuleRegister)
	r.Staff(fiber.MethodGet, api+"/lawsuits", h.apiLawsuitList, C, O, B)
	r.Staff(fiber.MethodGet, api+"/lawsuits/stats", h.apiLawsuitStats, C, B)
	r.Action(fiber.MethodPost, api+"/lawsuits/appearance-bulletins", h.apiPublishBulletin, RuleBulletin)
	r.Staff(fiber.MethodGet, api+"/lawsuits/:id", h.apiLawsuitGet, C, O, B)
	r.Action(fiber.MethodPost, api+"/lawsuits/:id/answer", h.apiLawsuitAnswer, RuleAnswer)
	r.Action(fiber.MethodPost, api+"/lawsuits/:id/judgment", h.apiJudgment, RuleJudgment)
	r.Action(fiber.MethodPost, api+"/lawsuits/:id/appeal-decision", h.apiAppeal, RuleAppeal)
	r.Action(fiber.MethodPost, api+"/lawsuits/:id/suggestions", h.apiSuggestion, RuleSuggestion)
	r.Action(fiber.MethodPost, api+"/lawsuits/:id/sessions", h.apiSession, RuleSession)
	r.Action(fiber.MethodPost, "/lawsuits/:id/sessions", h.pageSession, RuleSession)

	r.Staff(fiber.MethodGet, "/lawsuits", h.pageLawsuits, C, O, B)
	r.Staff(fiber.MethodGet, "/lawsuits/new", h.pageLawsuitNew, C, O, B)
	r.Action(fiber.MethodPost, "/lawsuits/new", h.pageLawsuitCreate, RuleRegister)
	r.Staff(fiber.MethodGet, "/lawsuits/stats", h.pageLawsuitStats, C, B)
	r.Action(fiber.MethodPost, "/lawsuits/stats/publish", h.pagePublishBulletin, RuleBulletin)
	r.Staff(fiber.MethodGet, "/lawsuits/bulletins/:id", h.pageBulletin, C, O, B)
	r.Staff(fiber.MethodGet, "/lawsuits/bulletins/:id/bulletin.pdf", h.bulletinPDF, C, O, B)
	r.Staff(fiber.MethodGet, "/lawsuits/:id", h.pageLawsuit, C, O, B)
	r.Actions(fiber.MethodPost, "/lawsuits/:id/actions/:action", h.pageLawsuitAction, map[string]web.Rule{
		"answer": RuleAnswer, "judgment": RuleJudgment, "appeal": RuleAppeal, "suggestion": RuleSuggestion})
}
