package web

import (
	"fmt"
	"net/url"

	"github.com/gofiber/fiber/v2"
)

// SendPDF answers with a PDF to be shown inline under the given file name.
func SendPDF(c *fiber.Ctx, name string, b []byte) error {
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf("inline; filename*=UTF-8''%s", url.PathEscape(name)))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(b)
}
