package cases

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"fuyi/internal/apperr"
	"fuyi/internal/date"
	"fuyi/internal/web"
)

func (h *Handler) lawsuitID(c *fiber.Ctx) (int64, error) {
	return web.ParamID(c, "id", ErrLawsuitNotFound)
}

// LawsuitAnswer sends the lawsuit view.
func (h *Handler) LawsuitAnswer(c *fiber.Ctx, status int, id int64) error {
	l, err := h.store().LawsuitView(c.UserContext(), id, web.CurrentUser(c), h.Service.Today())
	if err != nil {
		return err
	}
	return c.Status(status).JSON(l)
}

func (h *Handler) apiLawsuitCreate(c *fiber.Ctx) error {
	var in LawsuitInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	id, err := h.Service.RegisterLawsuit(c.UserContext(), web.CurrentUser(c), in)
	if err != nil {
		return err
	}
	return h.LawsuitAnswer(c, fiber.StatusCreated, id)
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
	return c.JSON(web.List[LawsuitListItem]{Items: items, Total: total})
}

func (h *Handler) apiLawsuitGet(c *fiber.Ctx) error {
	id, err := h.lawsuitID(c)
	if err != nil {
		return err
	}
	return h.LawsuitAnswer(c, fiber.StatusOK, id)
}

func (h *Handler) lawsuitAct(c *fiber.Ctx, body any, do func(id int64) error) error {
	id, err := h.lawsuitID(c)
	if err != nil {
		return err
	}
	if err := h.LawsuitVisible(c, id); err != nil {
		return err
	}
	if err := web.BindJSON(c, body); err != nil {
		return err
	}
	if err := do(id); err != nil {
		return err
	}
	return h.LawsuitAnswer(c, fiber.StatusOK, id)
}

func (h *Handler) apiLawsuitAnswer(c *fiber.Ctx) error {
	var in struct {
		FiledOn string `json:"filed_on"`
		Version int    `json:"version"`
	}
	return h.lawsuitAct(c, &in, func(id int64) error {
		return h.Service.AnswerFiled(c.UserContext(), web.CurrentUser(c), id, in.FiledOn, in.Version)
	})
}

func (h *Handler) apiJudgment(c *fiber.Ctx) error {
	var in JudgmentInput
	return h.lawsuitAct(c, &in, func(id int64) error { return h.Service.RecordJudgment(c.UserContext(), web.CurrentUser(c), id, in) })
}

func (h *Handler) apiAppeal(c *fiber.Ctx) error {
	var in struct {
		Decision string `json:"decision"`
		On       string `json:"on"`
		Version  int    `json:"version"`
	}
	return h.lawsuitAct(c, &in, func(id int64) error {
		return h.Service.RecordAppealDecision(c.UserContext(), web.CurrentUser(c), id, in.Decision, in.On, in.Version)
	})
}

func (h *Handler) apiSuggestion(c *fiber.Ctx) error {
	var in SuggestionInput
	return h.lawsuitAct(c, &in, func(id int64) error { return h.Service.RecordSuggestion(c.UserContext(), web.CurrentUser(c), id, in) })
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

func (h *Handler) stats(c *fiber.Ctx) (*LawsuitStats, error) {
	from, to, err := periodParams(c, h.Service.Today())
	if err != nil {
		return nil, err
	}
	agency, err := web.QueryID(c, "agency_id")
	if err != nil {
		return nil, err
	}
	return h.store().LawsuitStats(c.UserContext(), from, to, agency)
}

func (h *Handler) apiLawsuitStats(c *fiber.Ctx) error {
	st, err := h.stats(c)
	if err != nil {
		return err
	}
	return c.JSON(st)
}

// Bulletin is a 出庭应诉情况通报.
type Bulletin struct {
	From  date.Date       `json:"from"`
	To    date.Date       `json:"to"`
	Stats *LawsuitStats   `json:"stats"`
	Rows  []AppearanceRow `json:"rows"`
}

func (h *Handler) bulletin(c *fiber.Ctx) (*Bulletin, error) {
	st, err := h.stats(c)
	if err != nil {
		return nil, err
	}
	rows, err := h.store().AppearanceRows(c.UserContext(), st.From, st.To)
	if err != nil {
		return nil, err
	}
	return &Bulletin{From: st.From, To: st.To, Stats: st, Rows: rows}, nil
}

func (h *Handler) apiPublishBulletin(c *fiber.Ctx) error {
	id, err := h.publishBulletin(c)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": id, "url": fmt.Sprintf("/lawsuits/bulletins/%d", id),
		"pdf": fmt.Sprintf("/lawsuits/bulletins/%d/bulletin.pdf", id)})
}

// LawsuitVisible answers 404 for a lawsuit the caller may not see.
func (h *Handler) LawsuitVisible(c *fiber.Ctx, id int64) error {
	_, err := h.store().GetLawsuit(c.UserContext(), id, web.CurrentUser(c))
	return err
}

// CaseVisible answers 404 for a case the caller may not see.
func (h *Handler) CaseVisible(c *fiber.Ctx, id int64) error {
	_, err := h.store().GetVisible(c.UserContext(), id, web.CurrentUser(c))
	return err
}
