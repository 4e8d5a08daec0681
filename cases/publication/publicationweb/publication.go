package publicationweb

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"

	"fuyi/cases"
	"fuyi/cases/publication"
	"fuyi/internal/apperr"
	"fuyi/internal/auth"
	"fuyi/internal/database"
	"fuyi/internal/redact"
	"fuyi/internal/web"
)

// Handler serves the publication of decisions (staff) and the public site.
type Handler struct {
	Service *publication.Service
	Reads   *database.Replica // where the public site reads (a replica when configured); nil: the primary
	// Searches bound the concurrent public searches (list, API); nil: unbounded.
	Searches *web.Slots
	// PublicURL is FUYI_PUBLIC_URL without a trailing slash: the base of every absolute link and id of the feed.
	PublicURL string
}

// New builds the handler; the public site reads through reads, and absolute links start with publicURL.
func New(s *publication.Service, reads *database.Replica, publicURL string) *Handler {
	return &Handler{Service: s, Reads: reads, PublicURL: strings.TrimRight(publicURL, "/")}
}

func (h *Handler) db() *sqlx.DB              { return h.Service.Cases.DB }
func (h *Handler) store() *publication.Store { return publication.NewStore(h.db()) }

func (h *Handler) caseID(c *fiber.Ctx) (int64, error) { return web.ParamID(c, "id", cases.ErrNotFound) }

// requestedView is the view of the case named by the route's :id, for a caller who may see it.
func (h *Handler) requestedView(c *fiber.Ctx) (*cases.View, error) {
	id, err := h.caseID(c)
	if err != nil {
		return nil, err
	}
	return h.Service.VisibleCase(c.UserContext(), web.CurrentUser(c), id)
}

func (h *Handler) apiPublish(c *fiber.Ctx) error {
	id, err := h.caseID(c)
	if err != nil {
		return err
	}
	res, err := h.Service.Publish(c.UserContext(), web.CurrentUser(c), id)
	if err != nil {
		return err
	}
	return web.Created(c, res.URL, res)
}

func (h *Handler) apiWithdraw(c *fiber.Ctx) error {
	id, err := h.caseID(c)
	if err != nil {
		return err
	}
	var in withdrawInput
	if len(c.Body()) > 0 {
		if err := web.BindJSON(c, &in); err != nil {
			return err
		}
	}
	if err := h.Service.Withdraw(c.UserContext(), web.CurrentUser(c), id, in.Reason); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handler) previewPDF(c *fiber.Ctx) error {
	v, err := h.requestedView(c)
	if err != nil {
		return err
	}
	p, err := h.Service.Preview(c.UserContext(), v, web.CurrentUser(c).Name)
	if err != nil {
		return err
	}
	if p.PDF == nil {
		return apperr.State("publication.no_decision", "%s", p.Refusal)
	}
	return web.SendPDF(c, "公开预览.pdf", p.PDF)
}

func (h *Handler) apiTerm(c *fiber.Ctx) error {
	id, err := h.caseID(c)
	if err != nil {
		return err
	}
	var in redact.Term
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	if err := h.Service.AddTerm(c.UserContext(), web.CurrentUser(c), id, in.Text, in.Kind); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// apiCandidate records the reviewer's answer on a person-like name: {"name": "王小明", "redact": true}.
func (h *Handler) apiCandidate(c *fiber.Ctx) error {
	id, err := h.caseID(c)
	if err != nil {
		return err
	}
	var in redact.Decision
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	if err := h.Service.Decide(c.UserContext(), web.CurrentUser(c), id, in.Name, in.Redact); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handler) apiBlock(c *fiber.Ctx) error {
	id, err := h.caseID(c)
	if err != nil {
		return err
	}
	var in blockInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	if err := h.Service.SetBlock(c.UserContext(), web.CurrentUser(c), id, in.Reason, in.Note); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handler) pagePublication(c *fiber.Ctx) error {
	v, err := h.requestedView(c)
	if err != nil {
		return err
	}
	p, err := h.Service.Preview(c.UserContext(), v, web.CurrentUser(c).Name)
	if err != nil {
		return err
	}
	live, err := h.store().History(c.UserContext(), v.ID)
	if err != nil {
		return err
	}
	return web.Render(c, "cases/publication", fiber.Map{"Title": "决定书网上公开", "Case": v, "P": p, "History": live, "Reasons": publication.BlockReasons})
}

func (h *Handler) pagePublicationAction(c *fiber.Ctx) error {
	id, err := h.caseID(c)
	if err != nil {
		return err
	}
	var done string
	switch c.Params("action") {
	case "publish":
		_, err = h.Service.Publish(c.UserContext(), web.CurrentUser(c), id)
		done = "决定书已网上公开"
	case "withdraw":
		err, done = h.Service.Withdraw(c.UserContext(), web.CurrentUser(c), id, c.FormValue("reason")), "已撤回公开"
	case "term":
		err, done = h.Service.AddTerm(c.UserContext(), web.CurrentUser(c), id, c.FormValue("term"), c.FormValue("kind")), "已添加需隐去的内容"
	case "candidate":
		switch d := c.FormValue("decision"); d {
		case "redact", "keep":
			err = h.Service.Decide(c.UserContext(), web.CurrentUser(c), id, c.FormValue("name"), d == "redact")
		default:
			err = cases.FieldError("publication.candidate", "decision", "请选择“隐去”或“保留”")
		}
		done = "已记录审核意见"
	case "block":
		err, done = h.Service.SetBlock(c.UserContext(), web.CurrentUser(c), id, c.FormValue("reason"), c.FormValue("note")), "不公开标记已保存"
	default:
		return cases.ErrNotFound
	}
	if err != nil {
		if e, ok := apperr.As(err); ok && (e.Kind == apperr.Invalid || e.Kind == apperr.Conflict) {
			web.Flash(c, e.Message)
			return c.Redirect(fmt.Sprintf("/cases/%d/publication", id), fiber.StatusSeeOther)
		}
		return err
	}
	web.Flash(c, done)
	return c.Redirect(fmt.Sprintf("/cases/%d/publication", id), fiber.StatusSeeOther)
}

// The rules of the publication actions, each shared by the API route and the form of the publication page:
// the bureau publishes, withdraws and marks a case not for publication; the chief helps review the text.
var (
	RulePublish   = web.NewRule("publication.publish", auth.RoleBureau)
	RuleWithdraw  = web.NewRule("publication.withdraw", auth.RoleBureau)
	RuleTerm      = web.NewRule("publication.term", auth.RoleBureau, auth.RoleChief)
	RuleCandidate = web.NewRule("publication.candidate", auth.RoleBureau, auth.RoleChief)
	RuleBlock     = web.NewRule("publication.block", auth.RoleBureau)
)

// Routes lists the URLs of publication: the bureau's review and the public site.
func (h *Handler) Routes(r *web.Router) {
	const api = "/api/v1"
	B, C := auth.RoleBureau, auth.RoleChief
	r.Action(fiber.MethodPost, api+"/cases/:id/publication", h.apiPublish, RulePublish)
	r.Action(fiber.MethodDelete, api+"/cases/:id/publication", h.apiWithdraw, RuleWithdraw)
	r.Staff(fiber.MethodGet, api+"/cases/:id/publication/preview.pdf", h.previewPDF, B, C)
	r.Action(fiber.MethodPost, api+"/cases/:id/publication/terms", h.apiTerm, RuleTerm)
	r.Action(fiber.MethodPost, api+"/cases/:id/publication/candidates", h.apiCandidate, RuleCandidate)
	r.Action(fiber.MethodPost, api+"/cases/:id/publication/block", h.apiBlock, RuleBlock)
	r.Staff(fiber.MethodGet, "/cases/:id/publication", h.pagePublication, B, C)
	r.Actions(fiber.MethodPost, "/cases/:id/publication/:action", h.pagePublicationAction, map[string]web.Rule{
		"publish": RulePublish, "withdraw": RuleWithdraw, "term": RuleTerm, "candidate": RuleCandidate, "block": RuleBlock})
	r.PublicSection(fiber.MethodGet, api+"/public/decisions", h.Searches.Wrap(h.apiPublicDecisions))
	r.PublicSection(fiber.MethodGet, "/decisions", h.Searches.Wrap(h.pageDecisions))
	r.PublicSection(fiber.MethodGet, "/decisions.atom", h.Searches.Wrap(h.atom))
	r.Public(fiber.MethodGet, "/decisions/:id", h.pageDecision)
	r.PublicSection(fiber.MethodGet, "/guide", h.pageGuide)
	r.PublicSection(fiber.MethodGet, "/guide/application-form.pdf", h.applicationForm)
}
