package caseweb

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"fuyi/cases"
	"fuyi/internal/date"
	"fuyi/internal/pdf"
	"fuyi/internal/web"
)

func (h *Handler) receiptPDF(c *fiber.Ctx) error {
	v, o, err := h.receiptData(c)
	if err != nil {
		return err
	}
	cs, err := h.store().Get(c.UserContext(), v.ID)
	if err != nil {
		return err
	}
	b, err := h.Service.Docs.Render("receipt", "申请材料接收凭证", map[string]any{"Case": v, "Organ": o,
		"Channel": cases.ChannelLabel(v.Channel), "WindowName": cs.WindowName, "Clerk": web.CurrentUser(c).Name,
		"Today": h.Service.Today()})
	if err != nil {
		return err
	}
	return web.SendPDF(c, "申请材料接收凭证-"+v.RegistrationNo+".pdf", b)
}

// documentPDF answers a document of the case: the receipt as printed now; every other document as it was
// issued — the stored PDF byte for byte (?doc= a version, superseded ones included; ?ref= the hearing,
// pause or letter), or its stored text as .txt.
func (h *Handler) documentPDF(c *fiber.Ctx) error {
	v, err := h.requestedView(c)
	if err != nil {
		return err
	}
	code, asText := strings.TrimSuffix(c.Params("type"), ".pdf"), false
	if strings.HasSuffix(code, ".txt") {
		code, asText = strings.TrimSuffix(code, ".txt"), true
	}
	var docID int64
	if q := c.Query("doc"); q != "" {
		n, err := strconv.ParseInt(q, 10, 64)
		if err != nil || n <= 0 {
			return cases.ErrDocNotFound
		}
		docID = n
	}
	if code == "decision-draft" {
		title, text, err := h.Service.DraftPreview(c.UserContext(), web.CurrentUser(c), v)
		if err != nil {
			return err
		}
		if asText {
			return sendText(c, text)
		}
		c.Set(fiber.HeaderCacheControl, "no-store")
		b, err := pdf.RenderAt(text, title, time.Now().In(date.Shanghai))
		if err != nil {
			return err
		}
		return web.SendPDF(c, title+".pdf", b)
	}
	if code != "receipt" {
		if _, ok := cases.DocTypeOf(code); !ok {
			return cases.ErrDocNotFound
		}
		d, b, err := h.Service.IssuedFile(c.UserContext(), v, code, c.Query("ref"), docID)
		if err != nil {
			return err
		}
		if asText {
			return sendText(c, d.Text)
		}
		name := d.Title
		if d.DocNo != "" {
			name += "-" + d.DocNo
		}
		c.Set("X-Content-SHA256", d.SHA256)
		c.Set("X-Issued-On", d.IssuedOn.String())
		return web.SendPDF(c, name+".pdf", b)
	}
	title, text, err := h.Service.DocumentText(c.UserContext(), v, code, c.Query("ref"), web.CurrentUser(c).Name)
	if err != nil {
		return err
	}
	if asText {
		return sendText(c, text)
	}
	b, err := pdf.RenderAt(text, title, time.Date(h.Service.Today().Year(), h.Service.Today().Month(), h.Service.Today().Day(), 0, 0, 0, 0, date.Shanghai))
	if err != nil {
		return err
	}
	name := title
	if v.CaseNo != nil {
		name += "-" + *v.CaseNo
	}
	return web.SendPDF(c, name+".pdf", b)
}

func sendText(c *fiber.Ctx, text string) error {
	var lines []string
	for _, b := range pdf.ParseMarkup(text) {
		lines = append(lines, b.Text)
	}
	c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
	return c.SendString(strings.Join(lines, "\n"))
}

// apiDocuments lists the documents of a case: the receipt (printed on demand) and every issued document
// with its 文号, issue date, SHA-256, the version that superseded it and its service records.
func (h *Handler) apiDocuments(c *fiber.Ctx) error {
	v, err := h.requestedView(c)
	if err != nil {
		return err
	}
	docs, err := h.Service.Documents(c.UserContext(), v)
	if err != nil {
		return err
	}
	items := []cases.IssuedDoc{{Type: "receipt", Title: "申请材料接收凭证", URL: fmt.Sprintf("/cases/%d/documents/receipt.pdf", v.ID),
		Service: []cases.ServiceRecord{}}}
	items = append(items, docs...)
	return c.JSON(web.List[cases.IssuedDoc]{Items: items, Total: len(items)})
}

// apiDocumentService records a 送达 of an issued document.
func (h *Handler) apiDocumentService(c *fiber.Ctx) error {
	did, err := web.ParamID(c, "did", cases.ErrDocNotFound)
	if err != nil {
		return err
	}
	var in cases.ServiceInput
	return h.act(c, &in, func(id int64) (*cases.View, error) {
		return h.Service.RecordService(c.UserContext(), web.CurrentUser(c), id, did, in)
	})
}

// apiCorrect corrects registered data (PATCH /cases/{id}) with a reason.
func (h *Handler) apiCorrect(c *fiber.Ctx) error {
	var in cases.CorrectionInput
	return h.act(c, &in, func(id int64) (*cases.View, error) {
		return h.Service.Correct(c.UserContext(), web.CurrentUser(c), id, in)
	})
}
