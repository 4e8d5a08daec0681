package lawsuitweb

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"fuyi/cases"
	"fuyi/cases/lawsuits"
	"fuyi/internal/apperr"
	"fuyi/internal/date"
	"fuyi/internal/web"
)

// Handler serves lawsuits over HTTP.
type Handler struct {
	Service *lawsuits.Service
}

// New builds the handler.
func New(s *lawsuits.Service) *Handler { return &Handler{Service: s} }

func (h *Handler) store() *lawsuits.Store { return lawsuits.NewStore(h.Service.DB) }

func (h *Handler) lawsuitID(c *fiber.Ctx) (int64, error) {
	return web.ParamID(c, "id", lawsuits.ErrLawsuitNotFound)
}

// answer sends the lawsuit view.
func (h *Handler) answer(c *fiber.Ctx, status int, id int64) error {
	l, err := h.store().LawsuitView(c.UserContext(), id, web.CurrentUser(c), h.Service.Today())
	if err != nil {
		return err
	}
	return c.Status(status).JSON(l)
}

func (h *Handler) apiLawsuitCreate(c *fiber.Ctx) error {
	var in lawsuits.LawsuitInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	l, err := h.Service.RegisterLawsuit(c.UserContext(), web.CurrentUser(c), in)
	if err != nil {
		return err
	}
	return web.Created(c, fmt.Sprintf("/api/v1/lawsuits/%d", l.ID), l)
}

func (h *Handler) apiLawsuitList(c *fiber.Ctx) error {
	p, err := web.PageParams(c)
	if err != nil {
		return err
	}
	items, total, err := h.store().Lawsuits(c.UserContext(), web.CurrentUser(c), c.Query("q"), p.PerPage, p.Offset())
	if err != nil {
		return err
	}
	return c.JSON(web.List[lawsuits.LawsuitListItem]{Items: items, Total: total})
}

func (h *Handler) apiLawsuitGet(c *fiber.Ctx) error {
	id, err := h.lawsuitID(c)
	if err != nil {
		return err
	}
	return h.answer(c, fiber.StatusOK, id)
}

func (h *Handler) lawsuitAct(c *fiber.Ctx, body any, do func(id int64) (*lawsuits.Lawsuit, error)) error {
	id, err := h.lawsuitID(c)
	if err != nil {
		return err
	}
	if err := h.lawsuitVisible(c, id); err != nil {
		return err
	}
	if err := web.BindJSON(c, body); err != nil {
		return err
	}
	l, err := do(id)
	if err != nil {
		return err
	}
	return c.JSON(l)
}

func (h *Handler) apiLawsuitAnswer(c *fiber.Ctx) error {
	var in answerInput
	return h.lawsuitAct(c, &in, func(id int64) (*lawsuits.Lawsuit, error) {
		return h.Service.AnswerFiled(c.UserContext(), web.CurrentUser(c), id, in.FiledOn, in.Version)
	})
}

func (h *Handler) apiJudgment(c *fiber.Ctx) error {
	var in lawsuits.JudgmentInput
	return h.lawsuitAct(c, &in, func(id int64) (*lawsuits.Lawsuit, error) {
		return h.Service.RecordJudgment(c.UserContext(), web.CurrentUser(c), id, in)
	})
}

func (h *Handler) apiAppeal(c *fiber.Ctx) error {
	var in appealInput
	return h.lawsuitAct(c, &in, func(id int64) (*lawsuits.Lawsuit, error) {
		return h.Service.RecordAppealDecision(c.UserContext(), web.CurrentUser(c), id, in.Decision, in.On, in.Version)
	})
}

func (h *Handler) apiSuggestion(c *fiber.Ctx) error {
	var in lawsuits.SuggestionInput
	return h.lawsuitAct(c, &in, func(id int64) (*lawsuits.Lawsuit, error) {
		return h.Service.RecordSuggestion(c.UserContext(), web.CurrentUser(c), id, in)
	})
}

// periodParams reads ?from=&to= (default: this year to date).
func periodParams(c *fiber.Ctx, today date.Date) (date.Date, date.Date, error) {
	from, err := web.QueryDate(c, "from", date.New(today.Year(), 1, 1))
	if err != nil {
		return from, today, err
	}
	to, err := web.QueryDate(c, "to", today)
	if err != nil {
		return from, to, err
	}
	if to.Before(from) || to.DaysSince(from) > 3700 {
		return from, to, apperr.New(apperr.BadRequest, "request.query", "统计区间无效：to 须不早于 from，且不超过10年")
	}
	return from, to, nil
}

// statsParams reads ?from=&to=&agency_id= of the statistics.
func (h *Handler) statsParams(c *fiber.Ctx) (date.Date, date.Date, int, error) {
	from, to, err := periodParams(c, h.Service.Today())
	if err != nil {
		return from, to, 0, err
	}
	agency, err := web.QueryID(c, "agency_id")
	if err != nil {
		return from, to, 0, err
	}
	return from, to, agency, nil
}

func (h *Handler) stats(c *fiber.Ctx) (*lawsuits.Stats, error) {
	from, to, agency, err := h.statsParams(c)
	if err != nil {
		return nil, err
	}
	return h.store().Stats(c.UserContext(), from, to, agency)
}

func (h *Handler) apiLawsuitStats(c *fiber.Ctx) error {
	st, err := h.stats(c)
	if err != nil {
		return err
	}
	return c.JSON(st)
}

func (h *Handler) bulletin(c *fiber.Ctx) (*lawsuits.Bulletin, error) {
	from, to, agency, err := h.statsParams(c)
	if err != nil {
		return nil, err
	}
	return h.store().Bulletin(c.UserContext(), from, to, agency)
}

// publishBulletin freezes the bulletin of the requested period.
func (h *Handler) publishBulletin(c *fiber.Ctx) (int64, error) {
	b, err := h.bulletin(c)
	if err != nil {
		return 0, err
	}
	return h.store().PublishBulletin(c.UserContext(), b, web.CurrentUser(c).ID)
}

// publishedBulletin loads the frozen bulletin named by the route's :id.
func (h *Handler) publishedBulletin(c *fiber.Ctx) (*lawsuits.PublishedBulletin, error) {
	id, err := web.ParamID(c, "id", lawsuits.ErrLawsuitNotFound)
	if err != nil {
		return nil, err
	}
	return h.store().PublishedBulletin(c.UserContext(), id)
}

func (h *Handler) bulletinPDF(c *fiber.Ctx) error {
	p, err := h.publishedBulletin(c)
	if err != nil {
		return err
	}
	o, err := cases.NewStore(h.Service.DB).Organ(c.UserContext())
	if err != nil {
		return err
	}
	b, err := p.B.PDF(o.Name, p.Note)
	if err != nil {
		return err
	}
	return web.SendPDF(c, fmt.Sprintf("出庭应诉情况通报（%s至%s）.pdf", p.B.From, p.B.To), b)
}

func (h *Handler) apiPublishBulletin(c *fiber.Ctx) error {
	id, err := h.publishBulletin(c)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, fmt.Sprintf("/lawsuits/bulletins/%d", id))
	return c.Status(fiber.StatusCreated).JSON(bulletinAnswer{ID: id, URL: fmt.Sprintf("/lawsuits/bulletins/%d", id),
		PDF: fmt.Sprintf("/lawsuits/bulletins/%d/bulletin.pdf", id)})
}

// lawsuitVisible answers 404 for a lawsuit the caller may not see.
func (h *Handler) lawsuitVisible(c *fiber.Ctx, id int64) error {
	_, err := h.store().GetLawsuit(c.UserContext(), id, web.CurrentUser(c))
	return err
}
