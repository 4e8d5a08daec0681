// Package hearingweb serves 听证 over HTTP: scheduling, records, rooms, the week calendar and the
// iCalendar feed.
package hearingweb

import (
	"github.com/gofiber/fiber/v2"

	"fuyi/internal/auth"
	"fuyi/internal/web"
)

// Routes lists every URL of the hearings feature.
func (h *Handler) Routes(r *web.Router) {
	const api = "/api/v1"
	O, C, B := auth.RoleOfficer, auth.RoleChief, auth.RoleBureau

	r.Staff(fiber.MethodPost, api+"/cases/:id/hearings", h.apiSchedule, C, O)
	r.Staff(fiber.MethodGet, api+"/cases/:id/hearings", h.apiCaseHearings)
	r.Public(fiber.MethodGet, api+"/hearings.ics", h.ics) // bearer token or the user's feed token
	r.Staff(fiber.MethodGet, api+"/hearings/rate", h.apiRate, C, B)
	r.Staff(fiber.MethodGet, api+"/hearings", h.apiList)
	r.Staff(fiber.MethodGet, api+"/hearings/:id", h.apiGet)
	r.Staff(fiber.MethodPost, api+"/hearings/:id/record", h.apiRecord, O, C)
	r.Staff(fiber.MethodPost, api+"/hearings/:id/reschedule", h.apiReschedule, C, O)
	r.Staff(fiber.MethodPost, api+"/hearings/:id/cancel", h.apiCancel, C, O)
	r.Staff(fiber.MethodGet, api+"/rooms", h.apiRooms)
	r.Staff(fiber.MethodPost, api+"/rooms", h.apiAddRoom, C, B)

	r.Staff(fiber.MethodGet, "/hearings", h.pageCalendar, O, C, B)
	r.Staff(fiber.MethodGet, "/hearings/rooms", h.pageRooms, C, B)
	r.Staff(fiber.MethodPost, "/hearings/rooms", h.pageAddRoom, C, B)
	r.Staff(fiber.MethodPost, "/hearings/rooms/:rid", h.pageRenameRoom, C, B)
	r.Staff(fiber.MethodPost, "/hearings/rooms/:rid/retire", h.pageRetireRoom, C, B)
	r.Staff(fiber.MethodGet, "/hearings/:id", h.pageHearing)
	r.Staff(fiber.MethodPost, "/cases/:id/hearings", h.pageSchedule, C, O)
	r.Staff(fiber.MethodPost, "/hearings/:id/record", h.pageRecord, O, C)
	r.Staff(fiber.MethodPost, "/hearings/:id/reschedule", h.pageReschedule, C, O)
	r.Staff(fiber.MethodPost, "/hearings/:id/cancel", h.pageCancel, C, O)
}
