package caseweb

import (
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

func (h *Handler) documentPDF(c *fiber.Ctx) error {
	v, err := h.requestedView(c)
	if err != nil {
		return err
	}
	code, asText := strings.TrimSuffix(c.Params("type"), ".pdf"), false
	if strings.HasSuffix(code, ".txt") {
		code, asText = strings.TrimSuffix(code, ".txt"), true
	}
	title, text, err := h.Service.DocumentText(c.UserContext(), v, code, c.Query("ref"), web.CurrentUser(c).Name)
	if err != nil {
		return err
	}
	if asText {
		var lines []string
		for _, b := range pdf.ParseMarkup(text) {
			lines = append(lines, b.Text)
		}
		c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
		return c.SendString(strings.Join(lines, "\n"))
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

func (h *Handler) apiDocuments(c *fiber.Ctx) error {
	v, err := h.requestedView(c)
	if err != nil {
		return err
	}
	docs := cases.AvailableDocs(v)
	return c.JSON(web.List[cases.DocRef]{Items: docs, Total: len(docs)})
}
