// Package hearingweb serves 听证 over HTTP: scheduling, records, rooms, the week calendar and the
// iCalendar feed.
package hearingweb

import (
	"github.com/gofiber/fiber/v2"

	"fuyi/internal/auth"
	"fuyi/internal/web"
)

// The rules of the hearing actions, each shared by the API route and the page form.
var (
	RuleSchedule   = web.NewRule("hearing.schedule", auth.RoleChief, auth.RoleOfficer)
	RuleRecord     = web.NewRule("hearing.record", auth.RoleOfficer, auth.RoleChief)
	RuleReschedule = web.NewRule("hearing.reschedule", auth.RoleChief, auth.RoleOfficer)
	RuleCancel     = web.NewRule("hearing.cancel", auth.RoleChief, auth.RoleOfficer)
	RuleAddRoom    = web.NewRule("hearing.room_add", auth.RoleChief, auth.RoleBureau)
	RuleEditRoom   = web.NewRule("hearing.room_edit", auth.RoleChief, auth.RoleBureau)
	RuleRetireRoom = web.NewRule("hearing.room_retire", auth.RoleChief, auth.RoleBureau)
	// RuleFeedToken: the owner of a calendar feed replaces its secret link (window staff have no feed).
	RuleFeedToken = web.NewRule("hearing.feed_token", auth.RoleOfficer, auth.RoleChief, auth.RoleBureau)
)

// Routes lists every URL of the hearings feature.
func (h *Handler) Routes(r *web.Router) {
	const api = "/api/v1"
	O, C, B := auth.RoleOfficer, auth.RoleChief, auth.RoleBureau

	r.Action(fiber.MethodPost, api+"/cases/:id/hearings", h.apiSchedule, RuleSchedule)
	r.Staff(fiber.MethodGet, api+"/cases/:id/hearings", h.apiCaseHearings)
	r.Public(fiber.MethodGet, api+"/hearings.ics", h.ics) // bearer token or the user's feed token
	r.Action(fiber.MethodPost, api+"/me/calendar-token", h.apiRotateFeed, RuleFeedToken)
	r.Staff(fiber.MethodGet, api+"/hearings/rate", h.apiRate, C, B)
	r.Staff(fiber.MethodGet, api+"/hearings", h.apiList)
	r.Staff(fiber.MethodGet, api+"/hearings/:id", h.apiGet)
	r.Action(fiber.MethodPost, api+"/hearings/:id/record", h.apiRecord, RuleRecord)
	r.Action(fiber.MethodPost, api+"/hearings/:id/reschedule", h.apiReschedule, RuleReschedule)
	r.Action(fiber.MethodPost, api+"/hearings/:id/cancel", h.apiCancel, RuleCancel)
	r.Staff(fiber.MethodGet, api+"/rooms", h.apiRooms)
	r.Action(fiber.MethodPost, api+"/rooms", h.apiAddRoom, RuleAddRoom)
	r.Action(fiber.MethodPut, api+"/rooms/:rid", h.apiEditRoom, RuleEditRoom)
	r.Action(fiber.MethodPost, api+"/rooms/:rid/retire", h.apiRetireRoom, RuleRetireRoom)

	r.Staff(fiber.MethodGet, "/hearings", h.pageCalendar, O, C, B)
	r.Staff(fiber.MethodGet, "/hearings/rooms", h.pageRooms, C, B)
	r.Action(fiber.MethodPost, "/hearings/rooms", h.pageAddRoom, RuleAddRoom)
	r.Action(fiber.MethodPost, "/hearings/rooms/:rid", h.pageRenameRoom, RuleEditRoom)
	r.Action(fiber.MethodPost, "/hearings/rooms/:rid/retire", h.pageRetireRoom, RuleRetireRoom)
	r.Action(fiber.MethodPost, "/hearings/feed-token", h.pageRotateFeed, RuleFeedToken)
	r.Staff(fiber.MethodGet, "/hearings/:id", h.pageHearing)
	r.Action(fiber.MethodPost, "/cases/:id/hearings", h.pageSchedule, RuleSchedule)
	r.Action(fiber.MethodPost, "/hearings/:id/record", h.pageRecord, RuleRecord)
	r.Action(fiber.MethodPost, "/hearings/:id/reschedule", h.pageReschedule, RuleReschedule)
	r.Action(fiber.MethodPost, "/hearings/:id/cancel", h.pageCancel, RuleCancel)
}
