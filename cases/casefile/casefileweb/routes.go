// Package casefileweb serves the case file over HTTP: upload, list, view and download, and withdrawal of
// the files of a case or a lawsuit, as JSON API and as the forms of the case page.
package casefileweb

import (
	"github.com/gofiber/fiber/v2"

	"fuyi/internal/auth"
	"fuyi/internal/web"
)

// The rules of the case file's actions, shared by the API and the case page's forms: any staff member who
// sees the case (the service decides who may withdraw what).
var (
	RuleUpload   = web.NewRule("casefile.upload")
	RuleWithdraw = web.NewRule("casefile.withdraw")
	// RuleArchive: the chief closes the file into the 卷宗.
	RuleArchive = web.NewRule("casefile.archive", auth.RoleChief)
)

// Routes lists every URL of the case file.
func (h *Handler) Routes(r *web.Router) {
	const api = "/api/v1"
	for _, owner := range []string{api + "/cases/:id", api + "/lawsuits/:id"} {
		h.allowBody(fiber.MethodPost, owner+"/files", h.uploadAllowance())
		r.Action(fiber.MethodPost, owner+"/files", web.Extended(h.UploadTimeout, h.apiUpload), RuleUpload)
		r.Staff(fiber.MethodGet, owner+"/files", h.apiList)
		r.Staff(fiber.MethodGet, owner+"/files/:fid", web.Extended(h.UploadTimeout, h.download))
		r.Action(fiber.MethodPost, owner+"/files/:fid/withdrawal", h.apiWithdraw, RuleWithdraw)
	}
	// the 卷宗
	// archiving draws every scan into the volumes (pdftoppm for PDF scans): the export deadline, not the
	// request's
	r.Action(fiber.MethodPost, api+"/cases/:id/archive", web.Extended(h.UploadTimeout, h.apiArchive), RuleArchive)
	r.Staff(fiber.MethodGet, api+"/cases/:id/archive.pdf", h.archivePDF)
	r.Staff(fiber.MethodGet, api+"/cases/:id/archive.zip", web.Extended(h.UploadTimeout, h.archiveZIP))
	r.Action(fiber.MethodPost, "/cases/:id/archive", web.Extended(h.UploadTimeout, h.pageArchive), RuleArchive)
	// the case page's forms
	h.allowBody(fiber.MethodPost, "/cases/:id/files", h.uploadAllowance())
	r.Action(fiber.MethodPost, "/cases/:id/files", web.Extended(h.UploadTimeout, h.pageUpload), RuleUpload)
	r.Staff(fiber.MethodGet, "/cases/:id/files/:fid", web.Extended(h.UploadTimeout, h.download))
	r.Action(fiber.MethodPost, "/cases/:id/files/:fid/withdrawal", h.pageWithdraw, RuleWithdraw)
	// 阅卷 (复议法第47条)
	r.Staff(fiber.MethodGet, api+"/cases/:id/inspections", h.apiInspections)
	r.Action(fiber.MethodPost, api+"/cases/:id/inspections", h.apiRecordInspection, RuleInspection)
	r.Staff(fiber.MethodGet, "/cases/:id/inspections", h.pageInspections)
	r.Action(fiber.MethodPost, "/cases/:id/inspections", h.pageInspectionSubmit, RuleInspection)
}

// allowBody gives an upload route its body allowance through the server's per-route limits (AllowBody of
// the composition root; nil: the default body limit applies).
func (h *Handler) allowBody(method, path string, limit int) {
	if h.AllowBody != nil {
		h.AllowBody(method, path, limit)
	}
}
