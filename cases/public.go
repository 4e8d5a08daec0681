package cases

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"fuyi/internal/apperr"
	"fuyi/internal/date"
	"fuyi/internal/pdf"
	"fuyi/internal/textsearch"
	"fuyi/internal/web"
)

// PublicDecision is a row of the public list (published decisions only, already anonymised).
type PublicDecision struct {
	ID           int64     `db:"id" json:"id"`
	Title        string    `db:"title" json:"title"`
	DocNo        string    `db:"doc_no" json:"doc_no"`
	Agency       string    `db:"agency_name" json:"respondent_agency"`
	DecisionType string    `db:"decision_type" json:"decision_type"`
	DecidedOn    date.Date `db:"decided_on" json:"decided_on"`
	PublishedAt  time.Time `db:"published_at" json:"published_at"`
	URL          string    `db:"-" json:"url"`
	PDFURL       string    `db:"-" json:"pdf_url"`
}

// TypeLabel names the decision type.
func (p PublicDecision) TypeLabel() string { t, _ := DecisionTypeOf(p.DecisionType); return t.Label }

var errPublicNotFound = apperr.New(apperr.NotFound, "decision.not_found", "该决定书不存在或已撤回")

type publicFilter struct {
	Q        string
	Year     int
	AgencyID int
	Type     string
	Page     web.Paging
}

func (h *Handler) publicFilter(c *fiber.Ctx) (publicFilter, error) {
	p, err := web.PageParams(c)
	if err != nil {
		return publicFilter{}, err
	}
	f := publicFilter{Q: strings.TrimSpace(c.Query("q")), Type: c.Query("type"), Page: p}
	if len([]rune(f.Q)) > 100 {
		return f, apperr.New(apperr.BadRequest, "request.query", "检索词不超过100字")
	}
	if f.Year, err = web.QueryInt(c, "year", 2000, 2100); err != nil {
		return f, err
	}
	if f.AgencyID, err = web.QueryID(c, "agency"); err != nil {
		return f, err
	}
	if f.Type, err = web.QueryEnum(c, "type", DecisionTypeEnum()); err != nil {
		return f, err
	}
	return f, nil
}

// SearchCountCap bounds the count of a full-text search: counting every match of a common term would read
// every document; the page then says "1000+" (JSON: "more": true).
const SearchCountCap = 1000

// searchDecisions lists published decisions; the search uses the bigram index (publications_search).
// It returns the items, the total (capped at SearchCountCap when searching) and whether more exist.
func (h *Handler) searchDecisions(c *fiber.Ctx, f publicFilter) ([]PublicDecision, int, error) {
	where := []string{"status = 'published'"}
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if f.Q != "" {
		q := textsearch.Query(f.Q)
		if q == "" {
			return []PublicDecision{}, 0, nil
		}
		where = append(where, "search @@ "+arg(q)+"::tsquery")
	}
	if f.Year > 0 {
		where = append(where, "decided_on BETWEEN "+arg(date.New(f.Year, 1, 1))+" AND "+arg(date.New(f.Year, 12, 31)))
	}
	if f.AgencyID > 0 {
		where = append(where, "agency_id = "+arg(f.AgencyID))
	}
	if f.Type != "" {
		where = append(where, "decision_type = "+arg(f.Type))
	}
	w := strings.Join(where, " AND ")
	var total int
	countSQL := `SELECT count(*) FROM publications WHERE ` + w
	if f.Q != "" {
		countSQL = fmt.Sprintf(`SELECT count(*) FROM (SELECT 1 FROM publications WHERE %s ORDER BY decided_on DESC, id DESC LIMIT %d) m`, w, SearchCountCap+1)
	}
	if err := h.Service.DB.GetContext(c.UserContext(), &total, countSQL, args...); err != nil {
		return nil, 0, err
	}
	items := []PublicDecision{}
	err := h.Service.DB.SelectContext(c.UserContext(), &items, fmt.Sprintf(`SELECT id, title, doc_no, agency_name, decision_type, decided_on, published_at
		FROM publications WHERE %s ORDER BY decided_on DESC, id DESC LIMIT %d OFFSET %d`, w, f.Page.PerPage, f.Page.Offset()), args...)
	for i := range items {
		items[i].URL = fmt.Sprintf("/decisions/%d", items[i].ID)
		items[i].PDFURL = items[i].URL + ".pdf"
	}
	return items, total, err
}

func (h *Handler) apiPublicDecisions(c *fiber.Ctx) error {
	f, err := h.publicFilter(c)
	if err != nil {
		return err
	}
	items, total, err := h.searchDecisions(c, f)
	if err != nil {
		return err
	}
	more := total > SearchCountCap
	if more {
		total = SearchCountCap
	}
	return c.JSON(fiber.Map{"items": items, "total": total, "more": more})
}

func (h *Handler) pageDecisions(c *fiber.Ctx) error {
	f, err := h.publicFilter(c)
	if err != nil {
		return err
	}
	items, total, err := h.searchDecisions(c, f)
	if err != nil {
		return err
	}
	as, err := Agencies(c, h.Service.DB)
	if err != nil {
		return err
	}
	var years []int
	h.Service.DB.SelectContext(c.UserContext(), &years, `SELECT DISTINCT year FROM publications WHERE status = 'published' ORDER BY year DESC`)
	more := total > SearchCountCap
	if more {
		total = SearchCountCap
	}
	return web.Render(c, "public/decisions", fiber.Map{"Title": "行政复议决定书公开", "Items": items, "Total": total, "More": more, "F": f,
		"Agencies": as, "Years": years, "Types": DecisionTypes, "Pages": pages(total, f.Page)})
}

type publicDoc struct {
	PublicDecision
	Body string `db:"body"`
	PDF  []byte `db:"pdf"`
}

func (h *Handler) loadPublic(c *fiber.Ctx, id int64, withPDF bool) (*publicDoc, error) {
	cols := "id, title, doc_no, agency_name, decision_type, decided_on, published_at, body"
	if withPDF {
		cols += ", pdf"
	}
	var d publicDoc
	if err := h.Service.DB.GetContext(c.UserContext(), &d, `SELECT `+cols+` FROM publications WHERE id = $1 AND status = 'published'`, id); err != nil {
		return nil, errPublicNotFound
	}
	return &d, nil
}

func (h *Handler) pageDecision(c *fiber.Ctx) error {
	raw := c.Params("id")
	asPDF := strings.HasSuffix(raw, ".pdf")
	id, err := strconv.ParseInt(strings.TrimSuffix(raw, ".pdf"), 10, 64)
	if err != nil || id <= 0 {
		return errPublicNotFound
	}
	d, err := h.loadPublic(c, id, asPDF)
	if err != nil {
		return err
	}
	if asPDF {
		c.Set(fiber.HeaderCacheControl, "public, max-age=300")
		c.Set(fiber.HeaderContentType, "application/pdf")
		c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`inline; filename="decision-%d.pdf"`, id))
		return c.Send(d.PDF)
	}
	return web.Render(c, "public/decision", fiber.Map{"Title": d.Title + " " + d.DocNo, "D": d, "Lines": strings.Split(d.Body, "\n")})
}

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Link    atomLink    `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
}

type atomEntry struct {
	Title   string   `xml:"title"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Link    atomLink `xml:"link"`
	Summary string   `xml:"summary"`
}

func (h *Handler) atom(c *fiber.Ctx) error {
	items, _, err := h.searchDecisions(c, publicFilter{Page: web.Paging{Page: 1, PerPage: 50}})
	if err != nil {
		return err
	}
	base := c.BaseURL()
	feed := atomFeed{Title: "行政复议决定书公开", ID: base + "/decisions", Link: atomLink{Href: base + "/decisions.atom", Rel: "self"},
		Updated: time.Now().UTC().Format(time.RFC3339)}
	if len(items) > 0 {
		feed.Updated = items[0].PublishedAt.UTC().Format(time.RFC3339)
	}
	for _, it := range items {
		feed.Entries = append(feed.Entries, atomEntry{Title: it.Title + " " + it.DocNo, ID: base + it.URL, Updated: it.PublishedAt.UTC().Format(time.RFC3339),
			Link: atomLink{Href: base + it.URL}, Summary: fmt.Sprintf("被申请人：%s；决定类型：%s；决定日期：%s", it.Agency, it.TypeLabel(), it.DecidedOn)})
	}
	b, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/atom+xml; charset=utf-8")
	return c.Send(append([]byte(xml.Header), b...))
}

func (h *Handler) pageGuide(c *fiber.Ctx) error {
	o, err := h.store().Organ(c.UserContext())
	if err != nil {
		return err
	}
	var ws []struct {
		Name    string `db:"name"`
		Address string `db:"address"`
		Phone   string `db:"phone"`
	}
	h.Service.DB.SelectContext(c.UserContext(), &ws, `SELECT name, address, phone FROM windows WHERE active ORDER BY code`)
	return web.Render(c, "public/guide", fiber.Map{"Title": "行政复议申请指南", "Organ": o, "Windows": ws})
}

func (h *Handler) applicationForm(c *fiber.Ctx) error {
	o, err := h.store().Organ(c.UserContext())
	if err != nil {
		return err
	}
	text, err := Docs.Text("application_form", map[string]any{"Organ": o})
	if err != nil {
		return err
	}
	b, err := pdf.RenderAt(text, "行政复议申请书（格式样本）", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return sendPDF(c, "行政复议申请书格式样本.pdf", b)
}
