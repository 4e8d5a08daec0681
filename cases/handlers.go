package cases

import (
	"encoding/json"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"

	"fuyi/internal/apperr"
	"fuyi/internal/database"
	"fuyi/internal/web"
)

// Handler serves the JSON API and pages of cases.
type Handler struct {
	Service *Service
	// Decorate lets later features (hearings) add to a case view before it is sent.
	Decorate []func(c *fiber.Ctx, v *View) error
	// PageDecorate lets later features add data for their forms on the case page.
	PageDecorate []func(c *fiber.Ctx, data fiber.Map) error
	// LawsuitPageDecorate lets hearings add the court-session form data to the lawsuit page.
	LawsuitPageDecorate []func(c *fiber.Ctx, data fiber.Map) error
	// DocDecorate lets hearings fill the 听证通知书.
	DocDecorate []DocDecorate
}

// RenderCaseError re-renders the case page with the message of a refused action (for other features' forms).
func (h *Handler) RenderCaseError(c *fiber.Ctx, id int64, err error) error {
	return h.actionError(c, id, err)
}

func (h *Handler) store() *Store { return NewStore(h.Service.DB) }

// view builds the answer for a case the caller may see.
func (h *Handler) view(c *fiber.Ctx, db sqlx.ExtContext, id int64) (*View, error) {
	cs, err := NewStore(db).GetVisible(c.UserContext(), id, web.CurrentUser(c))
	if err != nil {
		return nil, err
	}
	v, err := BuildView(c.UserContext(), db, cs, h.Service.Today())
	if err != nil {
		return nil, err
	}
	for _, d := range h.Decorate {
		if err := d(c, v); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// requestedView is the view of the case named by the route's :id, for a caller who may see it.
func (h *Handler) requestedView(c *fiber.Ctx) (*View, error) {
	id, err := h.caseID(c)
	if err != nil {
		return nil, err
	}
	return h.view(c, h.Service.DB, id)
}

func (h *Handler) apiCreate(c *fiber.Ctx) error {
	var in Application
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	v, err := in.Validate(h.Service.Today())
	if err != nil {
		return err
	}
	u := web.CurrentUser(c)
	key := strings.TrimSpace(c.Get("Idempotency-Key"))
	var status int
	var body []byte
	err = database.Tx(c.UserContext(), h.Service.DB, func(tx *sqlx.Tx) error {
		replay, err := web.ClaimKey(c.UserContext(), tx, u.ID, key, c.Body())
		if err != nil {
			return err
		}
		if replay != nil {
			status, body = replay.Status, replay.Body
			return nil
		}
		id, err := h.Service.Register(c.UserContext(), tx, u, v, in.Act.RealEstate)
		if err != nil {
			return err
		}
		view, err := h.view(c, tx, id)
		if err != nil {
			return err
		}
		if body, err = json.Marshal(view); err != nil {
			return err
		}
		status = fiber.StatusCreated
		return web.StoreAnswer(c.UserContext(), tx, u.ID, key, status, body)
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Status(status).Send(body)
}

func (h *Handler) apiList(c *fiber.Ctx) error {
	p, err := web.PageParams(c)
	if err != nil {
		return err
	}
	f := Filter{Query: c.Query("q"), Limit: p.PerPage, Offset: p.Offset()}
	if s := c.Query("status"); s != "" {
		for _, x := range strings.Split(s, ",") {
			st := Status(strings.TrimSpace(x))
			if !st.Valid() {
				return apperr.New(apperr.BadRequest, "request.query", "查询参数 status 无效："+x)
			}
			f.Status = append(f.Status, st)
		}
	}
	f.ReviewQueue = c.Query("queue") == "review"
	items, total, err := h.store().List(c.UserContext(), web.CurrentUser(c), f)
	if err != nil {
		return err
	}
	return c.JSON(web.List[ListItem]{Items: items, Total: total})
}

func (h *Handler) caseID(c *fiber.Ctx) (int64, error) { return web.ParamID(c, "id", ErrNotFound) }

func (h *Handler) apiGet(c *fiber.Ctx) error {
	v, err := h.requestedView(c)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

// answer sends the updated case after an action.
func (h *Handler) answer(c *fiber.Ctx, id int64) error {
	v, err := h.view(c, h.Service.DB, id)
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
	if err := h.CaseVisible(c, id); err != nil {
		return err
	}
	var in ReviewInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	if err := h.Service.Review(c.UserContext(), web.CurrentUser(c), id, in); err != nil {
		return err
	}
	return h.answer(c, id)
}

func (h *Handler) apiCorrectionReceived(c *fiber.Ctx) error {
	id, err := h.caseID(c)
	if err != nil {
		return err
	}
	if err := h.CaseVisible(c, id); err != nil {
		return err
	}
	var in struct {
		On      string `json:"on"`
		Version int    `json:"version"`
	}
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	if err := h.Service.CorrectionReceived(c.UserContext(), web.CurrentUser(c), id, in.On, in.Version); err != nil {
		return err
	}
	return h.answer(c, id)
}
