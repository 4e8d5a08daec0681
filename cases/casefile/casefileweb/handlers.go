package casefileweb

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"fuyi/cases"
	"fuyi/cases/casefile"
	"fuyi/cases/lawsuits"
	"fuyi/internal/apperr"
	"fuyi/internal/auth"
	"fuyi/internal/date"
	"fuyi/internal/web"
)

// Handler serves the case file.
type Handler struct {
	Service *casefile.Service
	// UploadTimeout is the deadline of an upload or a download (a large scan over a slow line).
	UploadTimeout time.Duration
	// CaseError re-renders the case page with the message of a refused form (from caseweb).
	CaseError func(c *fiber.Ctx, id int64, err error) error
	// AllowBody raises the body allowance of one route (the server's per-route limits; nil: none).
	AllowBody func(method, path string, limit int)
	// Today is the server's date (nil: the clock).
	Today func() date.Date
}

func (h *Handler) today() date.Date {
	if h.Today != nil {
		return h.Today()
	}
	return date.Today()
}

// New builds the handler.
func New(s *casefile.Service, uploadTimeout time.Duration, caseError func(c *fiber.Ctx, id int64, err error) error) *Handler {
	return &Handler{Service: s, UploadTimeout: uploadTimeout, CaseError: caseError}
}

// uploadAllowance is the body allowance of the upload routes: the file limit plus room for the form.
func (h *Handler) uploadAllowance() int { return int(h.Service.Limit) + 64<<10 }

func owner(c *fiber.Ctx) (casefile.Owner, error) {
	if strings.HasPrefix(c.Route().Path, "/api/v1/lawsuits/") {
		id, err := web.ParamID(c, "id", lawsuits.ErrLawsuitNotFound)
		return casefile.Owner{ID: id, Lawsuit: true}, err
	}
	id, err := web.ParamID(c, "id", cases.ErrNotFound)
	return casefile.Owner{ID: id}, err
}

func fileID(c *fiber.Ctx) (int64, error) { return web.ParamID(c, "fid", casefile.ErrNotFound) }

// body is the request body as a stream (read as it arrives when the server streams bodies).
func body(c *fiber.Ctx) io.Reader {
	if s := c.Request().BodyStream(); s != nil {
		return s
	}
	return bytes.NewReader(c.Body())
}

func boundary(c *fiber.Ctx) string {
	mt, ps, err := mime.ParseMediaType(string(c.Request().Header.ContentType()))
	if err != nil || mt != fiber.MIMEMultipartForm {
		return ""
	}
	return ps["boundary"]
}

func (h *Handler) apiUpload(c *fiber.Ctx) error {
	o, err := owner(c)
	if err != nil {
		return err
	}
	f, err := h.Service.Upload(c.UserContext(), web.CurrentUser(c), o, body(c), boundary(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(f)
}

func (h *Handler) apiList(c *fiber.Ctx) error {
	o, err := owner(c)
	if err != nil {
		return err
	}
	fs, err := h.Service.List(c.UserContext(), web.CurrentUser(c), o)
	if err != nil {
		return err
	}
	return c.JSON(web.List[casefile.File]{Items: fs, Total: len(fs)})
}

// download answers the exact bytes of a file, shown in the browser (inline) or, with ?download=1, saved.
func (h *Handler) download(c *fiber.Ctx) error {
	o, err := owner(c)
	if err != nil {
		return err
	}
	id, err := fileID(c)
	if err != nil {
		return err
	}
	kind, disp := "view", "inline"
	if c.Query("download") != "" {
		kind, disp = "download", "attachment"
	}
	f, r, err := h.Service.Open(c.UserContext(), web.CurrentUser(c), o, id, kind)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, f.ContentType)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf("%s; filename*=UTF-8''%s", disp, url.PathEscape(f.Name)))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set("Digest", "sha-256="+f.SHA256)
	c.Set("X-Content-SHA256", f.SHA256)
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
	c.Context().SetBodyStream(r, int(f.Size))
	return nil
}

type withdrawalInput struct {
	Reason string `json:"reason"`
}

func (h *Handler) apiWithdraw(c *fiber.Ctx) error {
	o, err := owner(c)
	if err != nil {
		return err
	}
	id, err := fileID(c)
	if err != nil {
		return err
	}
	var in withdrawalInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	f, err := h.Service.Withdraw(c.UserContext(), web.CurrentUser(c), o, id, in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(f)
}

// pageUpload is the upload form of the case page (its CSRF token travels in the query string, so that the
// check does not read the streamed body): back to the file list with a message, or the page again with the
// refusal next to its field (a file input cannot be refilled by the server; the other fields are kept).
func (h *Handler) pageUpload(c *fiber.Ctx) error {
	o, err := owner(c)
	if err != nil {
		return err
	}
	kept := url.Values{}
	f, err := h.Service.UploadKeeping(c.UserContext(), web.CurrentUser(c), o, body(c), boundary(c), kept)
	if err != nil {
		e, ok := apperr.As(err)
		if !ok || h.CaseError == nil || (e.Kind != apperr.Invalid && e.Kind != apperr.TooLarge) {
			return err
		}
		web.KeepValues(c, kept)
		if e.Kind == apperr.TooLarge {
			shown := *e
			shown.Kind = apperr.Invalid
			if err := h.CaseError(c, o.ID, &shown); err != nil {
				return err
			}
			c.Status(fiber.StatusRequestEntityTooLarge)
			return nil
		}
		return h.CaseError(c, o.ID, err)
	}
	web.Flash(c, fmt.Sprintf("已上传：%s（%s，SHA-256 %s…）", f.Title, f.CategoryLabel, f.SHA256[:16]))
	return c.Redirect(fmt.Sprintf("/cases/%d#files", o.ID), fiber.StatusSeeOther)
}

// PageData is what the case page shows of the case file: the files (withdrawn ones marked), the evidence
// catalogue, the choices of the upload form and the 送达回证 that a service record can attach.
func (h *Handler) PageData(ctx context.Context, u *auth.User, caseID int64) (map[string]any, error) {
	fs, err := h.Service.List(ctx, u, casefile.Owner{ID: caseID})
	if err != nil {
		return nil, err
	}
	var receipts []casefile.File
	for _, f := range fs {
		if f.Category == "service_receipt" && !f.Withdrawn() {
			receipts = append(receipts, f)
		}
	}
	var archive *casefile.Archive
	if a, err := casefile.NewStore(h.Service.DB).GetArchive(ctx, caseID); err == nil {
		archive = a
	} else if err != casefile.ErrNotArchived {
		return nil, err
	}
	inspections, err := casefile.NewStore(h.Service.DB).Inspections(ctx, caseID, fs)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Files": fs, "Catalogue": casefile.Catalogue(fs), "FileCategories": casefile.Categories, "Inspections": inspections,
		"EvidenceParties": casefile.Parties, "ReceiptFiles": receipts, "UploadLimit": h.Service.Limit >> 20,
		"Archive": archive, "Retentions": casefile.Retentions}, nil
}

func (h *Handler) pageWithdraw(c *fiber.Ctx) error {
	o, err := owner(c)
	if err != nil {
		return err
	}
	id, err := fileID(c)
	if err != nil {
		return err
	}
	if strings.TrimSpace(c.FormValue("confirm")) != "撤回" {
		return h.CaseError(c, o.ID, &apperr.Error{Kind: apperr.Invalid, Code: "file.confirm",
			Message: "请在确认框中输入“撤回”二字以确认撤回该文件", Fields: map[string]string{"confirm": "请输入“撤回”以确认"}})
	}
	f, err := h.Service.Withdraw(c.UserContext(), web.CurrentUser(c), o, id, c.FormValue("reason"))
	if err != nil {
		if _, ok := apperr.As(err); ok {
			return h.CaseError(c, o.ID, err)
		}
		return err
	}
	web.Flash(c, "已撤回：“"+f.Title+"”（保留在案卷记录中）")
	return c.Redirect(fmt.Sprintf("/cases/%d#files", o.ID), fiber.StatusSeeOther)
}
