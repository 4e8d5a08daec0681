package cases

import (
	"fmt"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"fuyi/internal/pdf"
	"fuyi/internal/web"
)

// Docs renders the official documents of a case from templates/docs.
var Docs *pdf.Templates

// sendPDF answers with a PDF to be shown inline.
func sendPDF(c *fiber.Ctx, name string, b []byte) error {
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf("inline; filename*=UTF-8''%s", url.PathEscape(name)))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(b)
}

func (h *Handler) receiptPDF(c *fiber.Ctx) error {
	v, o, err := h.receiptData(c)
	if err != nil {
		return err
	}
	windowName := ""
	if cs, err := h.store().Get(c.UserContext(), v.ID); err == nil {
		windowName = cs.WindowName
	}
	b, err := Docs.Render("receipt", "申请材料接收凭证", map[string]any{"Case": v, "Organ": o,
		"Channel": ChannelLabel(v.Channel), "WindowName": windowName, "Clerk": web.CurrentUser(c).Name,
		"Today": h.Service.Today()})
	if err != nil {
		return err
	}
	return sendPDF(c, "申请材料接收凭证-"+v.RegistrationNo+".pdf", b)
}
