// Package lawsuitweb serves the 行政应诉 feature over HTTP: the JSON API and the staff pages of lawsuits,
// court sessions, statistics and the 出庭应诉情况通报.
package lawsuitweb

import (
	"github.com/gofiber/fiber/v2"

	"fuyi/internal/auth"
	"fuyi/internal/web"
)

// Routes lists every URL of the lawsuits feature.
func (h *Handler) Routes(r *web.Router) {
	const api = "/api/v1"
	O, C, B := auth.RoleOfficer, auth.RoleChief, auth.RoleBureau

	r.Staff(fiber.MethodPost, api+"/lawsuits", h.apiLawsuitCreate, C, O, B)
	r.Staff(fiber.MethodGet, api+"/lawsuits", h.apiLawsuitList, C, O, B)
	r.Staff(fiber.MethodGet, api+"/lawsuits/stats", h.apiLawsuitStats, C, B)
	r.Staff(fiber.MethodPost, api+"/lawsuits/appearance-bulletins", h.apiPublishBulletin, B)
	r.Staff(fiber.MethodGet, api+"/lawsuits/:id", h.apiLawsuitGet, C, O, B)
	r.Staff(fiber.MethodPost, api+"/lawsuits/:id/answer", h.apiLawsuitAnswer, C, O, B)
	r.Staff(fiber.MethodPost, api+"/lawsuits/:id/judgment", h.apiJudgment, O, B, C)
	r.Staff(fiber.MethodPost, api+"/lawsuits/:id/appeal-decision", h.apiAppeal, C, B)
	r.Staff(fiber.MethodPost, api+"/lawsuits/:id/suggestions", h.apiSuggestion, O, B, C)
	r.Staff(fiber.MethodPost, api+"/lawsuits/:id/sessions", h.apiSession, O, B, C)
	r.Staff(fiber.MethodPost, "/lawsuits/:id/sessions", h.pageSession, O, B, C)

	r.Staff(fiber.MethodGet, "/lawsuits", h.pageLawsuits, C, O, B)
	r.Staff(fiber.MethodGet, "/lawsuits/new", h.pageLawsuitNew, C, O, B)
	r.Staff(fiber.MethodPost, "/lawsuits/new", h.pageLawsuitCreate, C, O, B)
	r.Staff(fiber.MethodGet, "/lawsuits/stats", h.pageLawsuitStats, C, B)
	r.Staff(fiber.MethodPost, "/lawsuits/stats/publish", h.pagePublishBulletin, B)
	r.Staff(fiber.MethodGet, "/lawsuits/bulletins/:id", h.pageBulletin, C, O, B)
	r.Staff(fiber.MethodGet, "/lawsuits/bulletins/:id/bulletin.pdf", h.bulletinPDF, C, O, B)
	r.Staff(fiber.MethodGet, "/lawsuits/:id", h.pageLawsuit, C, O, B)
	r.Staff(fiber.MethodPost, "/lawsuits/:id/actions/:action", h.pageLawsuitAction, C, O, B)
}
