package lawsuitweb

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fuyi/cases"
	"fuyi/cases/lawsuits"
	"fuyi/internal/apperr"
	"fuyi/internal/web"
)

func (h *Handler) pageLawsuits(c *fiber.Ctx) error {
	p, err := web.PageParams(c)
	if err != nil {
		return err
	}
	items, total, err := h.store().Lawsuits(c.UserContext(), web.CurrentUser(c), c.Query("q"), p.PerPage, p.Offset())
	if err != nil {
		return err
	}
	return web.Render(c, "cases/lawsuits", fiber.Map{"Title": "行政应诉案件", "Items": items, "Total": total, "Q": c.Query("q"),
		"Today": h.Service.Today(), "Pages": web.PageNumbers(total, p), "Page": p})
}

func (h *Handler) lawsuitFormData(c *fiber.Ctx, in lawsuits.LawsuitInput, fields map[string]string, msg string) (fiber.Map, error) {
	as, err := cases.NewStore(h.Service.DB).Agencies(c.UserContext())
	if err != nil {
		return nil, err
	}
	return fiber.Map{"Title": "登记应诉案件", "In": in, "Errors": fields, "Error": msg, "Agencies": as, "Reasons": lawsuits.HeadRequiredReasons}, nil
}

func (h *Handler) pageLawsuitNew(c *fiber.Ctx) error {
	data, err := h.lawsuitFormData(c, lawsuits.LawsuitInput{Instance: "first"}, nil, "")
	if err != nil {
		return err
	}
	return web.Render(c, "cases/lawsuit_new", data)
}

func (h *Handler) pageLawsuitCreate(c *fiber.Ctx) error {
	in := lawsuits.LawsuitInput{Court: c.FormValue("court"), CourtCaseNo: c.FormValue("court_case_no"), Instance: c.FormValue("instance"),
		Plaintiff: c.FormValue("plaintiff"), Cause: c.FormValue("cause"), ComplaintReceivedOn: c.FormValue("complaint_received_on"),
		HeadRequired: c.FormValue("head_required") == "on", HeadRequiredReason: c.FormValue("head_required_reason")}
	form := web.Form(c)
	in.DefendantAgencyID, in.CaseID, in.PreviousLawsuitID = form.Int32ID("defendant_agency_id"), form.ID("case_id"), form.ID("previous_lawsuit_id")
	switch c.FormValue("organ") {
	case "yes":
		t := true
		in.ReconsiderationOrganDefendant = &t
	case "no":
		f := false
		in.ReconsiderationOrganDefendant = &f
	}
	// the linked 复议 case is named by its 案号 or 登记号, as the staff know it (a number typed in the
	// case_id field of older forms still works)
	caseNo := strings.TrimSpace(c.FormValue("case_no"))
	var l *lawsuits.Lawsuit
	err := form.Err()
	if err == nil && caseNo != "" {
		id, lerr := cases.NewStore(h.Service.DB).IDByNumber(c.UserContext(), web.CurrentUser(c), caseNo)
		if errors.Is(lerr, cases.ErrNotFound) {
			err = apperr.Fields{"case_no": fmt.Sprintf("没有案号或登记号为“%s”的行政复议案件（请核对，如 栖政复〔2026〕2号）", caseNo)}.Err()
		} else if lerr != nil {
			return lerr
		}
		in.CaseID = id
	}
	if err == nil {
		l, err = h.Service.RegisterLawsuit(c.UserContext(), web.CurrentUser(c), in)
	}
	if err != nil {
		return web.FormError(c, err, func(fields map[string]string, msg string) error {
			data, derr := h.lawsuitFormData(c, in, fields, msg)
			if derr != nil {
				return derr
			}
			return web.Render(c, "cases/lawsuit_new", data)
		})
	}
	web.Flash(c, "应诉案件已登记，答辩期限已计算")
	return c.Redirect(fmt.Sprintf("/lawsuits/%d", l.ID), fiber.StatusSeeOther)
}

// LawsuitPageData is what the lawsuit page shows (used by hearings for the session form errors too).
func (h *Handler) LawsuitPageData(c *fiber.Ctx, id int64) (fiber.Map, error) {
	l, err := h.store().LawsuitView(c.UserContext(), id, web.CurrentUser(c), h.Service.Today())
	if err != nil {
		return nil, err
	}
	return fiber.Map{"Title": l.CourtCaseNo, "L": l, "Today": h.Service.Today(), "Outcomes": lawsuits.Outcomes, "Reasons": lawsuits.HeadRequiredReasons,
		"HeadRanks": lawsuits.HeadRanks, "AbsenceReasons": lawsuits.AbsenceReasons}, nil
}

// RenderLawsuitError re-renders the lawsuit page with a refused action's messages.
func (h *Handler) RenderLawsuitError(c *fiber.Ctx, id int64, err error) error {
	return web.FormError(c, err, func(fields map[string]string, msg string) error {
		data, derr := h.LawsuitPageData(c, id)
		if derr != nil {
			return derr
		}
		data["Error"], data["Errors"] = msg, fields
		return web.Render(c, "cases/lawsuit", data)
	})
}

func (h *Handler) pageLawsuit(c *fiber.Ctx) error {
	id, err := h.lawsuitID(c)
	if err != nil {
		return err
	}
	data, err := h.LawsuitPageData(c, id)
	if err != nil {
		return err
	}
	return web.Render(c, "cases/lawsuit", data)
}

func (h *Handler) pageLawsuitAction(c *fiber.Ctx) error {
	id, err := h.lawsuitID(c)
	if err != nil {
		return err
	}
	u, ctx, f := web.CurrentUser(c), c.UserContext(), c.FormValue
	form := web.Form(c)
	version, sid := form.Int("version"), form.ID("id")
	if err := form.Err(); err != nil {
		return h.RenderLawsuitError(c, id, err)
	}
	var done string
	switch c.Params("action") {
	case "answer":
		_, err = h.Service.AnswerFiled(ctx, u, id, f("filed_on"), version)
		done = "答辩已登记"
	case "judgment":
		_, err = h.Service.RecordJudgment(ctx, u, id, lawsuits.JudgmentInput{Outcome: f("outcome"), JudgedOn: f("judged_on"), ServedOn: f("served_on"), Version: version})
		done = "裁判结果已登记"
	case "appeal":
		_, err = h.Service.RecordAppealDecision(ctx, u, id, f("decision"), f("on"), version)
		done = "上诉决定已登记"
	case "suggestion":
		_, err = h.Service.RecordSuggestion(ctx, u, id, lawsuits.SuggestionInput{ID: sid, Kind: f("kind"), ReceivedOn: f("received_on"),
			ReplyDueOn: f("reply_due_on"), RepliedOn: f("replied_on"), Content: f("content"), Version: version})
		done = "建议已登记"
	default:
		return lawsuits.ErrLawsuitNotFound
	}
	if err != nil {
		if e, ok := apperr.As(err); ok && e.Kind == apperr.Forbidden {
			return err
		}
		return h.RenderLawsuitError(c, id, err)
	}
	web.Flash(c, done)
	return c.Redirect(fmt.Sprintf("/lawsuits/%d", id), fiber.StatusSeeOther)
}

func (h *Handler) pageLawsuitStats(c *fiber.Ctx) error {
	b, err := h.bulletin(c)
	if err != nil {
		return err
	}
	as, err := cases.NewStore(h.Service.DB).Agencies(c.UserContext())
	if err != nil {
		return err
	}
	return web.Render(c, "cases/lawsuit_stats", fiber.Map{"Title": "行政应诉统计与出庭应诉情况", "B": b, "S": b.Stats, "Agencies": as,
		"AgencyID": c.Query("agency_id")})
}

func (h *Handler) pagePublishBulletin(c *fiber.Ctx) error {
	id, err := h.publishBulletin(c)
	if err != nil {
		return err
	}
	web.Flash(c, "出庭应诉情况通报已在内部发布")
	return c.Redirect(fmt.Sprintf("/lawsuits/bulletins/%d", id), fiber.StatusSeeOther)
}

func (h *Handler) pageBulletin(c *fiber.Ctx) error {
	p, err := h.publishedBulletin(c)
	if err != nil {
		return err
	}
	return web.Render(c, "cases/lawsuit_stats", fiber.Map{"Title": "出庭应诉情况通报", "B": &p.B, "S": p.B.Stats, "Published": p.Note, "BulletinID": p.ID})
}
