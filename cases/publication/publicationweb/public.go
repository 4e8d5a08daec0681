package publicationweb

import (
	"crypto/sha256"
	"encoding/xml"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"

	"fuyi/cases"
	"fuyi/cases/publication"
	"fuyi/internal/apperr"
	"fuyi/internal/pdf"
	"fuyi/internal/web"
)

// publicFilter is the filter of the public list with its page (the page shows both).
type publicFilter struct {
	publication.Filter
	Page web.Paging
}

func (h *Handler) publicFilter(c *fiber.Ctx) (publicFilter, error) {
	p, err := web.PageParams(c)
	if err != nil {
		return publicFilter{}, err
	}
	f := publicFilter{Filter: publication.Filter{Q: strings.TrimSpace(c.Query("q")), Type: c.Query("type"), PerPage: p.PerPage, Offset: p.Offset()}, Page: p}
	if len([]rune(f.Q)) > 100 {
		return f, apperr.New(apperr.BadRequest, "request.query", "检索词不超过100字")
	}
	if err := publicPageLimits(p); err != nil {
		return f, err
	}
	if f.Year, err = web.QueryInt(c, "year", 2000, 2100); err != nil {
		return f, err
	}
	if f.AgencyID, err = web.QueryID(c, "agency"); err != nil {
		return f, err
	}
	if f.Type, err = web.QueryEnum(c, "type", cases.DecisionTypeEnum()); err != nil {
		return f, err
	}
	return f, nil
}

// PublicPerPage and PublicRows bound a public list: at most 50 per page, and only the first
// SearchCountCap results are listed (deeper pages cost a sort of every match and find nothing a reader
// could not find by narrowing the search).
const (
	PublicPerPage = 50
	PublicRows    = publication.SearchCountCap
)

func publicPageLimits(p web.Paging) error {
	if p.PerPage > PublicPerPage {
		e := apperr.Newf(apperr.BadRequest, "request.query", "查询参数 per_page 无效：每页最多%d条", PublicPerPage)
		e.Fields = map[string]string{"per_page": fmt.Sprintf("每页最多%d条", PublicPerPage)}
		return e
	}
	if p.Page > 1 && p.Offset() >= PublicRows {
		last := (PublicRows + p.PerPage - 1) / p.PerPage
		e := apperr.Newf(apperr.BadRequest, "request.page",
			"公开检索只列出前%d条结果（每页%d条时最多第%d页），第%d页超出范围；请增加检索词或按年份、机关、决定类型缩小范围", PublicRows, p.PerPage, last, p.Page)
		e.Fields = map[string]string{"page": fmt.Sprintf("最多第%d页", last)}
		return e
	}
	return nil
}

// public runs the reads of a public page on the replica when one is usable (else on the primary) and
// returns the sentence saying how fresh they are ("" when read from the primary).
func (h *Handler) public(c *fiber.Ctx, fn func(st *publication.Store, cs *cases.Store) error) (string, error) {
	if h.Reads == nil {
		return "", fn(h.store(), cases.NewStore(h.db()))
	}
	f, err := h.Reads.Read(c.UserContext(), func(db *sqlx.DB) error {
		return fn(publication.NewStore(db), cases.NewStore(db))
	})
	return f.Text(), err
}

func (h *Handler) apiPublicDecisions(c *fiber.Ctx) error {
	f, err := h.publicFilter(c)
	if err != nil {
		return err
	}
	var items []publication.PublicDecision
	var total int
	if _, err := h.public(c, func(st *publication.Store, _ *cases.Store) (err error) {
		items, total, err = st.Search(c.UserContext(), f.Filter)
		return err
	}); err != nil {
		return err
	}
	more := total > publication.SearchCountCap
	if more {
		total = publication.SearchCountCap
	}
	return c.JSON(publicDecisions{Items: items, Total: total, More: more})
}

func (h *Handler) pageDecisions(c *fiber.Ctx) error {
	f, err := h.publicFilter(c)
	if err != nil {
		return err
	}
	var items []publication.PublicDecision
	var total int
	var as []cases.AgencyRef
	var years []int
	fresh, err := h.public(c, func(st *publication.Store, cs *cases.Store) (err error) {
		if items, total, err = st.Search(c.UserContext(), f.Filter); err != nil {
			return err
		}
		if as, err = cs.Agencies(c.UserContext()); err != nil {
			return err
		}
		years, err = st.Years(c.UserContext())
		return err
	})
	if err != nil {
		return err
	}
	more := total > publication.SearchCountCap
	if more {
		total = publication.SearchCountCap
	}
	return web.Render(c, "public/decisions", fiber.Map{"Title": "行政复议决定书公开", "Items": items, "Total": total, "More": more, "F": f,
		"Agencies": as, "Years": years, "Types": cases.DecisionTypes, "Pages": web.PageNumbers(total, f.Page), "Freshness": fresh})
}

// PublicPDFCacheControl lets caches keep a published decision's PDF but revalidate it on every use, so a
// withdrawal takes effect at once.
const PublicPDFCacheControl = "public, no-cache"

func (h *Handler) pageDecision(c *fiber.Ctx) error {
	raw := c.Params("id")
	asPDF := strings.HasSuffix(raw, ".pdf")
	id, err := strconv.ParseInt(strings.TrimSuffix(raw, ".pdf"), 10, 64)
	if err != nil || id <= 0 {
		return publication.ErrPublicNotFound
	}
	var d *publication.PublicDoc
	fresh, err := h.public(c, func(st *publication.Store, _ *cases.Store) (err error) {
		d, err = st.Public(c.UserContext(), id, asPDF)
		return err
	})
	if errors.Is(err, publication.ErrPublicNotFound) {
		// a withdrawn publication whose decision was published again: its old URL leads to the current one
		var cur int64
		if _, cerr := h.public(c, func(st *publication.Store, _ *cases.Store) (err error) {
			cur, err = st.CurrentOf(c.UserContext(), id)
			return err
		}); cerr != nil {
			return cerr
		}
		if cur > 0 {
			suffix := ""
			if asPDF {
				suffix = ".pdf"
			}
			return c.Redirect(fmt.Sprintf("/decisions/%d%s", cur, suffix), fiber.StatusMovedPermanently)
		}
	}
	if err != nil {
		return err
	}
	if asPDF {
		// caches must ask again every time (a withdrawn decision is gone at once, not minutes later); an
		// unchanged file costs a 304
		sum := sha256.Sum256(d.PDF)
		etag := fmt.Sprintf(`"%x"`, sum[:12])
		c.Set(fiber.HeaderCacheControl, PublicPDFCacheControl)
		c.Set(fiber.HeaderETag, etag)
		if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" && strings.Contains(inm, etag) {
			return c.SendStatus(fiber.StatusNotModified)
		}
		c.Set(fiber.HeaderContentType, "application/pdf")
		c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`inline; filename="decision-%d.pdf"`, id))
		return c.Send(d.PDF)
	}
	return web.Render(c, "public/decision", fiber.Map{"Title": d.Title + " " + d.DocNo, "D": d, "Lines": strings.Split(d.Body, "\n"), "Freshness": fresh})
}

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Author  atomAuthor  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomAuthor struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomEntry struct {
	Title     string     `xml:"title"`
	ID        string     `xml:"id"`
	Published string     `xml:"published"`
	Updated   string     `xml:"updated"`
	Links     []atomLink `xml:"link"`
	Summary   string     `xml:"summary"`
}

// FeedPageSize is the number of entries on a page of the Atom feed.
const FeedPageSize = 50

// atom is the Atom feed of published decisions, newest publication first, paged (RFC 5005: first, next,
// previous links; ?page=N). Every absolute link and id is built from FUYI_PUBLIC_URL, never from the
// request's Host or X-Forwarded-Host. An entry's id is the URL of its case's first publication, so it stays
// the same when the decision is withdrawn and republished (that URL redirects to the current one).
func (h *Handler) atom(c *fiber.Ctx) error {
	page := 1
	if v := c.Query("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100000 {
			return apperr.New(apperr.BadRequest, "feed.page", "页码（page）须为正整数")
		}
		page = n
	}
	var items []publication.FeedItem
	var organ cases.Organ
	if _, err := h.public(c, func(st *publication.Store, cs *cases.Store) (err error) {
		if items, err = st.Feed(c.UserContext(), FeedPageSize+1, (page-1)*FeedPageSize); err != nil {
			return err
		}
		organ, err = cs.Organ(c.UserContext())
		return err
	}); err != nil {
		return err
	}
	more := len(items) > FeedPageSize
	if more {
		items = items[:FeedPageSize]
	}
	base := h.PublicURL
	self := func(p int) string { return fmt.Sprintf("%s/decisions.atom?page=%d", base, p) }
	feed := atomFeed{Lang: "zh-CN", Title: "行政复议决定书公开", ID: base + "/decisions.atom",
		Author:  atomAuthor{Name: organ.Name, URI: base + "/decisions"},
		Updated: time.Now().UTC().Format(time.RFC3339),
		Links: []atomLink{{Href: self(page), Rel: "self", Type: "application/atom+xml"}, {Href: base + "/decisions.atom", Rel: "first", Type: "application/atom+xml"},
			{Href: base + "/decisions", Rel: "alternate", Type: "text/html"}}}
	if page == 1 {
		feed.Links[0].Href = base + "/decisions.atom"
	}
	if more {
		feed.Links = append(feed.Links, atomLink{Href: self(page + 1), Rel: "next", Type: "application/atom+xml"})
	}
	if page > 1 {
		feed.Links = append(feed.Links, atomLink{Href: self(page - 1), Rel: "previous", Type: "application/atom+xml"})
	}
	if len(items) > 0 {
		feed.Updated = items[0].PublishedAt.UTC().Format(time.RFC3339)
	}
	for _, it := range items {
		at := it.PublishedAt.UTC().Format(time.RFC3339)
		feed.Entries = append(feed.Entries, atomEntry{Title: it.Title + " " + it.DocNo, ID: fmt.Sprintf("%s/decisions/%d", base, it.FirstID),
			Published: at, Updated: at,
			Links:   []atomLink{{Href: base + it.URL, Rel: "alternate", Type: "text/html"}, {Href: base + it.PDFURL, Rel: "enclosure", Type: "application/pdf"}},
			Summary: fmt.Sprintf("被申请人：%s；决定类型：%s；决定日期：%s", it.Agency, it.TypeLabel(), it.DecidedOn)})
	}
	b, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/atom+xml; charset=utf-8")
	return c.Send(append([]byte(xml.Header), b...))
}

func (h *Handler) pageGuide(c *fiber.Ctx) error {
	o, err := cases.NewStore(h.db()).Organ(c.UserContext())
	if err != nil {
		return err
	}
	ws, err := h.store().Windows(c.UserContext())
	if err != nil {
		return err
	}
	return web.Render(c, "public/guide", fiber.Map{"Title": "行政复议申请指南", "Organ": o, "Windows": ws})
}

func (h *Handler) applicationForm(c *fiber.Ctx) error {
	o, err := cases.NewStore(h.db()).Organ(c.UserContext())
	if err != nil {
		return err
	}
	text, err := h.Service.Cases.Docs.Text("application_form", map[string]any{"Organ": o})
	if err != nil {
		return err
	}
	b, err := pdf.RenderAt(text, "行政复议申请书（格式样本）", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return web.SendPDF(c, "行政复议申请书格式样本.pdf", b)
}
