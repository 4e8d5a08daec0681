package casefileweb

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fuyi/cases/casefile"
	"fuyi/internal/apperr"
	"fuyi/internal/web"
)

type archiveInput struct {
	Retention string `json:"retention"`
}

func (h *Handler) apiArchive(c *fiber.Ctx) error {
	o, err := owner(c)
	if err != nil {
		return err
	}
	var in archiveInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	a, err := h.Service.Archive(c.UserContext(), web.CurrentUser(c), o.ID, in.Retention)
	if err != nil {
		return err
	}
	c.Location(a.PDFURL)
	return c.Status(fiber.StatusCreated).JSON(a)
}

// pageArchive is the archive form of the case page: the 保管期限 and the word 归档 typed as confirmation.
func (h *Handler) pageArchive(c *fiber.Ctx) error {
	o, err := owner(c)
	if err != nil {
		return err
	}
	if strings.TrimSpace(c.FormValue("confirm")) != "归档" {
		return h.CaseError(c, o.ID, &apperr.Error{Kind: apperr.Invalid, Code: "archive.confirm",
			Message: "请在确认框中输入“归档”二字：归档后本案卷宗只读，不能撤销", Fields: map[string]string{"confirm": "请输入“归档”以确认"}})
	}
	a, err := h.Service.Archive(c.UserContext(), web.CurrentUser(c), o.ID, c.FormValue("retention"))
	if err != nil {
		if _, ok := apperr.As(err); ok {
			return h.CaseError(c, o.ID, err)
		}
		return err
	}
	web.Flash(c, fmt.Sprintf("已归档：正卷%d页，副卷%d页，保管期限%s", a.MainPages, a.SubPages, a.RetentionLabel))
	return c.Redirect(fmt.Sprintf("/cases/%d#archive", o.ID), fiber.StatusSeeOther)
}

// archivePDF answers the stored 正卷, or with ?volume=sub the 副卷.
func (h *Handler) archivePDF(c *fiber.Ctx) error {
	o, err := owner(c)
	if err != nil {
		return err
	}
	sub := c.Query("volume") == "sub"
	a, b, err := h.Service.ArchivePDF(c.UserContext(), web.CurrentUser(c), o.ID, sub)
	if err != nil {
		return err
	}
	name, sum := "卷宗-正卷", a.MainSHA256
	if sub {
		name, sum = "卷宗-副卷", a.SubSHA256
	}
	c.Set("X-Content-SHA256", sum)
	return web.SendPDF(c, fmt.Sprintf("%s-%d.pdf", name, o.ID), b)
}

// archiveZIP streams the 卷宗 ZIP: both volumes, every issued document as stored, every file's original
// bytes, and manifest.json with the SHA-256 of each.
func (h *Handler) archiveZIP(c *fiber.Ctx) error {
	o, err := owner(c)
	if err != nil {
		return err
	}
	_, entries, err := h.Service.Contents(c.UserContext(), web.CurrentUser(c), o.ID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/zip")
	c.Set(fiber.HeaderContentDisposition, "attachment; filename*=UTF-8''"+url.PathEscape(fmt.Sprintf("卷宗-%d.zip", o.ID)))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		// the request's context ends with the handler; the stream is written after it
		ctx, cancel := context.WithTimeout(context.Background(), casefile.ReadTimeout)
		defer cancel()
		zw := zip.NewWriter(w)
		for i := range entries {
			e := &entries[i]
			b, r, err := h.Service.OpenEntry(ctx, o.ID, *e)
			if err != nil {
				return
			}
			if r == nil {
				r = io.NopCloser(bytes.NewReader(b))
				e.Size = int64(len(b))
			}
			fw, err := zw.Create(e.Path)
			if err == nil {
				_, err = io.Copy(fw, r)
			}
			_ = r.Close()
			if err != nil {
				return
			}
		}
		mw, err := zw.Create("manifest.json")
		if err != nil {
			return
		}
		enc := json.NewEncoder(mw)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{"case_id": o.ID, "entries": entries}); err != nil {
			return
		}
		_ = zw.Close()
	})
	return nil
}
