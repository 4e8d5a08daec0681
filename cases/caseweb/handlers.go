package caseweb

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fuyi/cases"
	"fuyi/internal/auth"
	"fuyi/internal/idempotency"
	"fuyi/internal/web"
)

// Handler serves the JSON API and pages of 行政复议 cases.
type Handler struct {
	Service *cases.Service
	// HearingForms gives what the hearing forms of the case page need (rooms, staff, the earliest date);
	// the composition root passes the hearings feature's.
	HearingForms func(ctx context.Context) (map[string]any, error)
	// MyHearings lists the user's hearings of the coming week for the home page (nil: none); the
	// composition root passes the hearings feature's.
	MyHearings func(ctx context.Context, u *auth.User) ([]any, error)
	// CaseFiles gives what the case page shows of the case file (files, evidence catalogue, upload form
	// choices); the composition root passes the case-file feature's.
	CaseFiles func(ctx context.Context, u *auth.User, caseID int64) (map[string]any, error)
	// StatsToPublish names the last month whose statistics are not published yet ("" when they are), for
	// the bureau's home page; the composition root passes the reports feature's.
	StatsToPublish func(ctx context.Context) (label, year, month string, err error)
}

// New builds the handler.
func New(s *cases.Service, hearingForms func(ctx context.Context) (map[string]any, error)) *Handler {
	return &Handler{Service: s, HearingForms: hearingForms}
}

// RenderCaseError re-renders the case page with the message of a refused action (for other features' forms).
func (h *Handler) RenderCaseError(c *fiber.Ctx, id int64, err error) error {
	return h.actionError(c, id, err)
}

func (h *Handler) store() *cases.Store { return cases.NewStore(h.Service.DB) }

// view builds the answer for a case the caller may see.
func (h *Handler) view(c *fiber.Ctx, id int64) (*cases.View, error) {
	cs, err := h.store().GetVisible(c.UserContext(), id, web.CurrentUser(c))
	if err != nil {
		return nil, err
	}
	return h.Service.View(c.UserContext(), h.Service.DB, cs)
}

// requestedView is the view of the case named by the route's :id, for a caller who may see it.
func (h *Handler) requestedView(c *fiber.Ctx) (*cases.View, error) {
	id, err := h.caseID(c)
	if err != nil {
		return nil, err
	}
	return h.view(c, id)
}

func (h *Handler) apiCreate(c *fiber.Ctx) error {
	var in cases.Application
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	v, err := in.Validate(h.Service.Today())
	if err != nil {
		return err
	}
	u := web.CurrentUser(c)
	key := idempotency.Key{UserID: u.ID, Key: strings.TrimSpace(c.Get("Idempotency-Key")), Body: c.Body()}
	ans, err := h.Service.Register(c.UserContext(), u, cases.Intake{Application: v, RealEstate: in.Act.RealEstate, Key: key},
		func(ctx context.Context, r *cases.Registered) (int, []byte, error) {
			view, err := r.View(ctx)
			if err != nil {
				return 0, nil, err
			}
			body, err := json.Marshal(view)
			return fiber.StatusCreated, body, err
		})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	var created struct {
		ID int64 `json:"id"`
	}
	if ans.Status == fiber.StatusCreated && json.Unmarshal(ans.Body, &created) == nil && created.ID > 0 {
		c.Set(fiber.HeaderLocation, fmt.Sprintf("/api/v1/cases/%d", created.ID)) // a replayed answer too
	}
	return c.Status(ans.Status).Send(ans.Body)
}

func (h *Handler) caseID(c *fiber.Ctx) (int64, error) { return web.ParamID(c, "id", cases.ErrNotFound) }

func (h *Handler) apiGet(c *fiber.Ctx) error {
	v, err := h.requestedView(c)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (h *Handler) apiReview(c *fiber.Ctx) error {
	id, err := h.caseID(c)
	if err != nil {
		return err
	}
	if err := h.caseVisible(c, id); err != nil {
		return err
	}
	var in cases.ReviewInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	v, err := h.Service.Review(c.UserContext(), web.CurrentUser(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (h *Handler) apiTransfer(c *fiber.Ctx) error {
	id, err := h.caseID(c)
	if err != nil {
		return err
	}
	if err := h.caseVisible(c, id); err != nil {
		return err
	}
	var in cases.TransferInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	v, err := h.Service.Transfer(c.UserContext(), web.CurrentUser(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (h *Handler) apiCorrectionReceived(c *fiber.Ctx) error {
	id, err := h.caseID(c)
	if err != nil {
		return err
	}
	if err := h.caseVisible(c, id); err != nil {
		return err
	}
	var in correctionReceivedInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	v, err := h.Service.CorrectionReceived(c.UserContext(), web.CurrentUser(c), id, in.On, in.Version)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

// caseVisible answers 404 for a case the caller may not see (before anything about the request is judged).
func (h *Handler) caseVisible(c *fiber.Ctx, id int64) error {
	_, err := h.store().GetVisible(c.UserContext(), id, web.CurrentUser(c))
	return err
}
