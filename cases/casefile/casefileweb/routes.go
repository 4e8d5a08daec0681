// Package casefileweb serves the case file over HTTP: upload, list, view and download, and withdrawal of
// the files of a case or a lawsuit, as JSON API and as the forms of the case page.
package casefileweb

import (
	"github.com/gofiber/fiber/v2"

	"fuyi/internal/web"
)

// Routes lists every URL of the case file.
func (h *Handler) Routes(r *web.Router) {
	const api = "/api/v1"
	for _, owner := range []string{api + "/cases/:id", api + "/lawsuits/:id"} {
		h.allowBody(fiber.MethodPost, owner+"/files", h.uploadAllowance())
		r.Staff(fiber.MethodPost, owner+"/files", web.Extended(h.UploadTimeout, h.apiUpload))
		r.Staff(fiber.MethodGet, owner+"/files", h.apiList)
		r.Staff(fiber.MethodGet, owner+"/files/:fid", web.Extended(h.UploadTimeout, h.download))
		r.Staff(fiber.MethodPost, owner+"/files/:fid/withdrawal", h.apiWithdraw)
	}
	// the case page's forms
	h.allowBody(fiber.MethodPost, "/cases/:id/files", h.uploadAllowance())
	r.Staff(fiber.MethodPost, "/cases/:id/files", web.Extended(h.UploadTimeout, h.pageUpload))
	r.Staff(fiber.MethodGet, "/cases/:id/files/:fid", web.Extended(h.UploadTimeout, h.download))
	r.Staff(fiber.MethodPost, "/cases/:id/files/:fid/withdrawal", h.pageWithdraw)
}

// allowBody gives an upload route its body allowance through the server's per-route limits (AllowBody of
// the composition root; nil: the default body limit applies).
func (h *Handler) allowBody(method, path string, limit int) {
	if h.AllowBody != nil {
		h.AllowBody(method, path, limit)
	}
}
