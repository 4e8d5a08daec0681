package supervisionweb

import (
	"github.com/gofiber/fiber/v2"

	"fuyi/internal/apperr"
	"fuyi/internal/directory"
	"fuyi/internal/web"
	"fuyi/supervision"
)

func (h *Handler) apiCopyReports(c *fiber.Ctx) error {
	caseID, err := web.QueryInt(c, "case_id", 0, 1<<53)
	if err != nil {
		return err
	}
	var cs []supervision.CopyReport
	if caseID > 0 {
		cs, err = h.Service.CaseCopyReports(c.UserContext(), int64(caseID))
	} else {
		cs, err = h.Service.CopyReports(c.UserContext())
	}
	if err != nil {
		return err
	}
	if cs == nil {
		cs = []supervision.CopyReport{}
	}
	return c.JSON(web.List[supervision.CopyReport]{Items: cs, Total: len(cs)})
}

func (h *Handler) apiCopyReportSent(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", supervision.ErrCopyReportNotFound)
	if err != nil {
		return err
	}
	var in sentInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	r, err := h.Service.RecordCopyReport(c.UserContext(), web.CurrentUser(c), id, "sent", in.SentOn)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (h *Handler) apiCopyReportServed(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", supervision.ErrCopyReportNotFound)
	if err != nil {
		return err
	}
	var in servedInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	r, err := h.Service.RecordCopyReport(c.UserContext(), web.CurrentUser(c), id, "served", in.ServedOn)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (h *Handler) copyReportPDF(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", supervision.ErrCopyReportNotFound)
	if err != nil {
		return err
	}
	no, b, err := h.Service.CopyReportPDF(c.UserContext(), id)
	if err != nil {
		return err
	}
	return web.SendPDF(c, "抄告函"+no+".pdf", b)
}

// pageCopyReportStep records the sending or service from the supervision page; a refusal is flashed with
// the date typed kept in the flash text.
func (h *Handler) pageCopyReportStep(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", supervision.ErrCopyReportNotFound)
	if err != nil {
		return err
	}
	step := c.Params("action")
	if step != "sent" && step != "served" {
		return supervision.ErrCopyReportNotFound
	}
	on := c.FormValue("on")
	_, err = h.Service.RecordCopyReport(c.UserContext(), web.CurrentUser(c), id, step, on)
	msg := "已登记抄告函发送"
	if step == "served" {
		msg = "已登记抄告函送达"
	}
	if e, ok := apperr.As(err); ok {
		msg = e.Message
		for _, v := range e.Fields {
			msg += "；" + v
		}
		msg += "（填写的日期：" + on + "）"
	} else if err != nil {
		return err
	}
	web.Flash(c, msg)
	return c.Redirect("/supervision#copy-reports", fiber.StatusSeeOther)
}

func (h *Handler) pageHome(c *fiber.Ctx) error { return h.renderHome(c, fiber.Map{}) }

// renderHome renders the supervision page; extra carries a form's typed values and errors.
func (h *Handler) renderHome(c *fiber.Ctx, extra fiber.Map) error {
	ctx := c.UserContext()
	cs, err := h.Service.CopyReports(ctx)
	if err != nil {
		return err
	}
	overdue := 0
	for _, x := range cs {
		if x.Overdue {
			overdue++
		}
	}
	us, err := h.Service.Unperformed(ctx)
	if err != nil {
		return err
	}
	os, err := h.Service.Orders(ctx, 0)
	if err != nil {
		return err
	}
	ts, err := h.Service.TypicalCases(ctx, 0)
	if err != nil {
		return err
	}
	year := h.Service.Today().Year()
	obs, err := h.Service.Observations(ctx, year, 0)
	if err != nil {
		return err
	}
	counts, err := h.Service.ObservationCounts(ctx, year)
	if err != nil {
		return err
	}
	agencies, err := directory.NewStore(h.Service.DB).Agencies(ctx, true)
	if err != nil {
		return err
	}
	rows := make([]int, attendeeRows)
	for i := range rows {
		rows[i] = i
	}
	data := fiber.Map{"Title": "复议监督", "Observations": obs, "ObservationCounts": counts, "Agencies": agencies, "AttendeeRows": rows,
		"Ranks": supervision.AttendeeRanks.Choices, "CopyReports": cs, "CopyOverdue": overdue, "Today": h.Service.Today(),
		"Unperformed": us, "Orders": os, "Typical": ts, "TypicalForm": supervision.TypicalInput{}}
	for k, v := range extra {
		data[k] = v
	}
	return web.Render(c, "supervision/home", data)
}
