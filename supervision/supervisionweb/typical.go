package supervisionweb

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"fuyi/internal/web"
	"fuyi/supervision"
)

func (h *Handler) year(c *fiber.Ctx) (int, error) {
	y, err := web.QueryInt(c, "year", 2000, 2100)
	if err != nil {
		return 0, err
	}
	if y == 0 {
		y = h.Service.Today().Year()
	}
	return y, nil
}

func (h *Handler) apiTypicalCases(c *fiber.Ctx) error {
	y, err := web.QueryInt(c, "year", 2000, 2100)
	if err != nil {
		return err
	}
	ts, err := h.Service.TypicalCases(c.UserContext(), y)
	if err != nil {
		return err
	}
	if ts == nil {
		ts = []supervision.TypicalCase{}
	}
	return c.JSON(web.List[supervision.TypicalCase]{Items: ts, Total: len(ts)})
}

func (h *Handler) apiMarkTypical(c *fiber.Ctx) error {
	var in supervision.TypicalInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	t, err := h.Service.MarkTypical(c.UserContext(), web.CurrentUser(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(t)
}

func (h *Handler) apiUnmarkTypical(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", supervision.ErrTypicalNotFound)
	if err != nil {
		return err
	}
	var in unmarkInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	if err := h.Service.UnmarkTypical(c.UserContext(), web.CurrentUser(c), id, in.Reason); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handler) typicalReportPDF(c *fiber.Ctx) error {
	y, err := h.year(c)
	if err != nil {
		return err
	}
	kind := c.Query("kind", "report")
	if kind != "report" && kind != "bulletin" {
		kind = "report"
	}
	title, b, err := h.Service.TypicalReport(c.UserContext(), y, kind)
	if err != nil {
		return err
	}
	return web.SendPDF(c, title+".pdf", b)
}

func (h *Handler) pageMarkTypical(c *fiber.Ctx) error {
	caseID, _ := strconv.ParseInt(c.FormValue("case_id"), 10, 64)
	in := supervision.TypicalInput{CaseID: caseID, CaseNo: c.FormValue("case_no"), Title: c.FormValue("title"), Summary: c.FormValue("summary"),
		Reason: c.FormValue("reason")}
	_, err := h.Service.MarkTypical(c.UserContext(), web.CurrentUser(c), in)
	if err != nil {
		return web.FormError(c, err, func(fields map[string]string, msg string) error {
			return h.renderHome(c, fiber.Map{"TypicalForm": in, "TypicalErrors": fields, "Error": msg})
		})
	}
	web.Flash(c, "已列为典型案例")
	return c.Redirect("/supervision#typical", fiber.StatusSeeOther)
}

func (h *Handler) pageUnmarkTypical(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", supervision.ErrTypicalNotFound)
	if err != nil {
		return err
	}
	reason := c.FormValue("reason")
	err = h.Service.UnmarkTypical(c.UserContext(), web.CurrentUser(c), id, reason)
	if err := flashResult(c, err, "已取消典型案例", "理由"+reason); err != nil {
		return err
	}
	return c.Redirect("/supervision#typical", fiber.StatusSeeOther)
}

// publicTypical lists the year's typical cases as published: anonymised title and text only.
type publicTypical struct {
	Title        string   `json:"title"`
	AgencyName   string   `json:"agency_name"`
	DecisionType string   `json:"decision_type"`
	Year         int      `json:"year"`
	Text         []string `json:"text"`
}

func (h *Handler) publicList(c *fiber.Ctx) (int, []publicTypical, error) {
	y, err := web.QueryInt(c, "year", 2000, 2100)
	if err != nil {
		return 0, nil, err
	}
	ts, err := h.Service.TypicalCases(c.UserContext(), y)
	if err != nil {
		return 0, nil, err
	}
	out := make([]publicTypical, 0, len(ts))
	for _, t := range ts {
		out = append(out, publicTypical{Title: t.PublicTitle(), AgencyName: t.AgencyName, DecisionType: t.DecisionLabel(), Year: t.Year, Text: t.PublicBody()})
	}
	return y, out, nil
}

func (h *Handler) apiPublicTypical(c *fiber.Ctx) error {
	_, out, err := h.publicList(c)
	if err != nil {
		return err
	}
	return c.JSON(web.List[publicTypical]{Items: out, Total: len(out)})
}

func (h *Handler) pagePublicTypical(c *fiber.Ctx) error {
	y, out, err := h.publicList(c)
	if err != nil {
		return err
	}
	return web.Render(c, "public/typical", fiber.Map{"Title": "行政复议典型案例", "Year": y, "Items": out})
}
