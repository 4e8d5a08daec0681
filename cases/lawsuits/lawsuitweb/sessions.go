package lawsuitweb

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"fuyi/cases/lawsuits"
	"fuyi/internal/apperr"
	"fuyi/internal/web"
)

func (h *Handler) apiSession(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", lawsuits.ErrLawsuitNotFound)
	if err != nil {
		return err
	}
	if err := h.lawsuitVisible(c, id); err != nil {
		return err
	}
	var in lawsuits.SessionInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	l, err := h.Service.RecordSession(c.UserContext(), web.CurrentUser(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(l)
}

func (h *Handler) pageSession(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", lawsuits.ErrLawsuitNotFound)
	if err != nil {
		return err
	}
	f := c.FormValue
	in := lawsuits.SessionInput{HeldOn: f("held_on"), HeadAppeared: f("head_appeared") == "true", HeadName: f("head_name"), HeadTitle: f("head_title"),
		HeadRank: f("head_rank"), AbsenceReason: f("absence_reason"), AbsenceNote: f("absence_note"), ExplanationFiled: f("explanation_filed") == "on",
		DelegateName: f("delegate_name"), DelegateIsLawyer: f("delegate_is_lawyer") == "on", LawyerName: f("lawyer_name")}
	if _, err := h.Service.RecordSession(c.UserContext(), web.CurrentUser(c), id, in); err != nil {
		if e, ok := apperr.As(err); ok && (e.Kind == apperr.Invalid || e.Kind == apperr.Conflict) {
			return h.RenderLawsuitError(c, id, err)
		}
		return err
	}
	web.Flash(c, "开庭及负责人出庭情况已登记")
	return c.Redirect(fmt.Sprintf("/lawsuits/%d", id), fiber.StatusSeeOther)
}
