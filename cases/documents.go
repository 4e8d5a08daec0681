package cases

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"fuyi/internal/apperr"
	"fuyi/internal/date"
	"fuyi/internal/ident"
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

// DocRef is one document available for a case.
type DocRef struct {
	Type  string `json:"type"`
	Title string `json:"title"`
	Ref   string `json:"ref,omitempty"`
	URL   string `json:"url"`
}

// DocDecorate lets hearings fill the 听证通知书 data.
type DocDecorate func(ctx context.Context, d *DocData, ref string) error

// availableDocs lists the documents the case has produced so far.
func availableDocs(v *View) []DocRef {
	var out []DocRef
	add := func(code, ref, suffix string) {
		t, _ := DocTypeOf(code)
		u := fmt.Sprintf("/cases/%d/documents/%s.pdf", v.ID, code)
		if ref != "" {
			u += "?ref=" + ref
		}
		out = append(out, DocRef{Type: code, Title: t.Title + suffix, Ref: ref, URL: u})
	}
	add("receipt", "", "")
	if v.Correction != nil {
		add("correction", "", "")
	}
	if v.Status == StatusRejected {
		add("rejection", "", "")
	}
	if v.CaseNo == nil {
		return out
	}
	add("acceptance", "", "")
	add("reply_notice", "", "")
	for _, x := range v.Hearings {
		if h, ok := x.(interface{ DocRef() (int64, bool) }); ok {
			if id, live := h.DocRef(); live {
				add("hearing_notice", fmt.Sprint(id), fmt.Sprintf("（听证%d）", id))
			}
		}
	}
	hd := v.Handling
	if hd == nil {
		return out
	}
	if hd.Extension != nil {
		add("extension", "", "")
	}
	for i, p := range hd.Pauses {
		add("suspension", fmt.Sprint(i), "")
		if !p.EndedOn.IsZero() {
			add("resumption", fmt.Sprint(i), "")
		}
	}
	if d := hd.Current(); d != nil {
		switch d.Type {
		case "settlement", "terminate":
			add("termination", "", "")
		case "dismiss_application":
			add("dismissal", "", "")
		case "mediation":
			add("mediation", "", "")
		default:
			add("decision", "", "")
		}
	}
	for _, l := range hd.OpinionLetters {
		add("opinion", fmt.Sprint(l.ID), "")
		if !ReportDue(l.Kind) {
			out[len(out)-1].Title = "行政复议建议书" // 实施条例第57条第2款: not a 意见书
		}
	}
	return out
}

// DocumentText fills the template of a document and returns its title and markup text.
func (h *Handler) DocumentText(c *fiber.Ctx, v *View, code, ref string) (string, string, error) {
	t, ok := DocTypeOf(code)
	if !ok {
		return "", "", ErrDocNotFound
	}
	found, want := false, ref
	for _, d := range availableDocs(v) {
		if d.Type == code && (want == "" || d.Ref == want) {
			found, ref = true, d.Ref // without ?ref= the most recent one
		}
	}
	if !found {
		return "", "", ErrDocNotFound
	}
	d, err := BuildDocData(c.UserContext(), h.Service.DB, v, h.Service.Today())
	if err != nil {
		return "", "", err
	}
	d.Title, d.Clerk = t.Title, web.CurrentUser(c).Name
	if v.CaseNo != nil {
		if n, ok := ident.ParseDocNo(*v.CaseNo); ok {
			d.DocNo = DocNo(n.Prefix, t.Char, v.CaseNo, n.Year, n.Serial)
		}
	}
	if (code == "correction" && v.Correction != nil) || code == "rejection" {
		on := v.RejectedOn
		if code == "correction" {
			on = v.Correction.RequestedOn
		}
		n, err := preAcceptanceSerial(c.UserContext(), h.Service.DB, code, v.ID, on)
		if err != nil {
			return "", "", err
		}
		if n > 0 {
			d.DocNo = fmt.Sprintf("%s%s〔%d〕%d号", d.Organ.DocPrefix, t.Char, on.Year(), n)
		}
	}
	switch code {
	case "suspension", "resumption":
		i, _ := strconv.Atoi(ref)
		if v.Handling == nil || i < 0 || i >= len(v.Handling.Pauses) {
			return "", "", ErrDocNotFound
		}
		d.Pause = &v.Handling.Pauses[i]
	case "opinion":
		for i := range v.Handling.OpinionLetters {
			if fmt.Sprint(v.Handling.OpinionLetters[i].ID) == ref {
				d.Letter = &v.Handling.OpinionLetters[i]
			}
		}
	case "hearing_notice":
		for _, dec := range h.DocDecorate {
			if err := dec(c.UserContext(), d, ref); err != nil {
				return "", "", err
			}
		}
		if d.Hearing == nil {
			return "", "", ErrDocNotFound
		}
		if d.Hearing.Place, err = hearingPlace(c.UserContext(), h.Service.DB, d.Organ, d.Hearing.ID); err != nil {
			return "", "", err
		}
	}
	text, err := Docs.Text(code, d)
	return t.Title, text, err
}

// ErrDocNotFound answers for a document the case has not produced.
var ErrDocNotFound = apperr.New(apperr.NotFound, "document.not_found", "该案件尚无此文书")

func (h *Handler) documentPDF(c *fiber.Ctx) error {
	v, err := h.requestedView(c)
	if err != nil {
		return err
	}
	code, asText := strings.TrimSuffix(c.Params("type"), ".pdf"), false
	if strings.HasSuffix(code, ".txt") {
		code, asText = strings.TrimSuffix(code, ".txt"), true
	}
	title, text, err := h.DocumentText(c, v, code, c.Query("ref"))
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
	return sendPDF(c, name+".pdf", b)
}

func (h *Handler) apiDocuments(c *fiber.Ctx) error {
	v, err := h.requestedView(c)
	if err != nil {
		return err
	}
	docs := availableDocs(v)
	return c.JSON(web.List[DocRef]{Items: docs, Total: len(docs)})
}
