package supervisionweb

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"fuyi/internal/apperr"
	"fuyi/internal/web"
	"fuyi/supervision"
)

func (h *Handler) apiOrders(c *fiber.Ctx) error {
	caseID, err := web.QueryInt(c, "case_id", 0, 1<<53)
	if err != nil {
		return err
	}
	os, err := h.Service.Orders(c.UserContext(), int64(caseID))
	if err != nil {
		return err
	}
	if os == nil {
		os = []supervision.Order{}
	}
	return c.JSON(web.List[supervision.Order]{Items: os, Total: len(os)})
}

func (h *Handler) apiUnperformed(c *fiber.Ctx) error {
	us, err := h.Service.Unperformed(c.UserContext())
	if err != nil {
		return err
	}
	if us == nil {
		us = []supervision.Unperformed{}
	}
	return c.JSON(web.List[supervision.Unperformed]{Items: us, Total: len(us)})
}

func (h *Handler) apiOrder(c *fiber.Ctx) error {
	var in supervision.OrderInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	o, err := h.Service.OrderPerformance(c.UserContext(), web.CurrentUser(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(o)
}

func orderID(c *fiber.Ctx) (int64, error) { return web.ParamID(c, "id", supervision.ErrOrderNotFound) }

func (h *Handler) apiInterview(c *fiber.Ctx) error {
	id, err := orderID(c)
	if err != nil {
		return err
	}
	var in supervision.InterviewInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	o, err := h.Service.Interview(c.UserContext(), web.CurrentUser(c), id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(o)
}

func (h *Handler) apiReprimand(c *fiber.Ctx) error {
	id, err := orderID(c)
	if err != nil {
		return err
	}
	var in supervision.ReprimandInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	o, err := h.Service.Reprimand(c.UserContext(), web.CurrentUser(c), id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(o)
}

func (h *Handler) apiOrderPerformed(c *fiber.Ctx) error {
	id, err := orderID(c)
	if err != nil {
		return err
	}
	var in performedInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	o, err := h.Service.RecordOrderPerformed(c.UserContext(), web.CurrentUser(c), id, in.PerformedOn)
	if err != nil {
		return err
	}
	return c.JSON(o)
}

func (h *Handler) orderPDF(c *fiber.Ctx) error {
	id, err := orderID(c)
	if err != nil {
		return err
	}
	no, b, err := h.Service.OrderPDF(c.UserContext(), id)
	if err != nil {
		return err
	}
	return web.SendPDF(c, "责令限期履行通知书"+no+".pdf", b)
}

func (h *Handler) reprimandPDF(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", supervision.ErrReprimandNotFound)
	if err != nil {
		return err
	}
	no, b, err := h.Service.ReprimandPDF(c.UserContext(), id)
	if err != nil {
		return err
	}
	return web.SendPDF(c, "通报批评"+no+".pdf", b)
}

// flashResult flashes the outcome of a page action: the rule's message with every field's, and what was
// typed, so nothing typed is lost from sight.
func flashResult(c *fiber.Ctx, err error, ok, typed string) error {
	msg := ok
	if e, isApp := apperr.As(err); isApp {
		msg = e.Message
		for _, v := range e.Fields {
			msg += "；" + v
		}
		if typed != "" {
			msg += "（已填写：" + typed + "）"
		}
	} else if err != nil {
		return err
	}
	web.Flash(c, msg)
	return nil
}

func (h *Handler) pageOrder(c *fiber.Ctx) error {
	caseID, _ := strconv.ParseInt(c.FormValue("case_id"), 10, 64)
	letterID, _ := strconv.ParseInt(c.FormValue("letter_id"), 10, 64)
	in := supervision.OrderInput{CaseID: caseID, Document: c.FormValue("document"), LetterID: letterID,
		OrderedOn: c.FormValue("ordered_on"), DueOn: c.FormValue("due_on")}
	_, err := h.Service.OrderPerformance(c.UserContext(), web.CurrentUser(c), in)
	if err := flashResult(c, err, "已制发责令限期履行通知书", fmt.Sprintf("责令日期%s，限期%s", in.OrderedOn, in.DueOn)); err != nil {
		return err
	}
	return c.Redirect("/supervision#orders", fiber.StatusSeeOther)
}

func (h *Handler) pageOrderAction(c *fiber.Ctx) error {
	id, err := orderID(c)
	if err != nil {
		return err
	}
	u := web.CurrentUser(c)
	switch c.Params("action") {
	case "interview":
		in := supervision.InterviewInput{HeldOn: c.FormValue("held_on"), Officials: c.FormValue("officials"), Minutes: c.FormValue("minutes"),
			Commitments: c.FormValue("commitments")}
		_, err = h.Service.Interview(c.UserContext(), u, id, in)
		err = flashResult(c, err, "已登记约谈", fmt.Sprintf("约谈日期%s，对象%s，记录%s，承诺%s", in.HeldOn, in.Officials, in.Minutes, in.Commitments))
	case "reprimand":
		in := supervision.ReprimandInput{IssuedOn: c.FormValue("issued_on"), Recipients: c.FormValue("recipients"), Content: c.FormValue("content")}
		_, err = h.Service.Reprimand(c.UserContext(), u, id, in)
		err = flashResult(c, err, "已制发通报批评", fmt.Sprintf("通报日期%s，范围%s，内容%s", in.IssuedOn, in.Recipients, in.Content))
	case "performed":
		on := c.FormValue("performed_on")
		_, err = h.Service.RecordOrderPerformed(c.UserContext(), u, id, on)
		err = flashResult(c, err, "已登记履行", "履行日期"+on)
	default:
		return supervision.ErrOrderNotFound
	}
	if err != nil {
		return err
	}
	return c.Redirect("/supervision#orders", fiber.StatusSeeOther)
}
