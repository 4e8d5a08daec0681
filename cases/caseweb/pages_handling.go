package caseweb

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"fuyi/cases"
	"fuyi/internal/apperr"
	"fuyi/internal/auth"
	"fuyi/internal/date"
	"fuyi/internal/web"
)

func (h *Handler) pageWorkbench(c *fiber.Ctx) error {
	items, total, err := h.store().List(c.UserContext(), web.CurrentUser(c), cases.Filter{
		Status:  []cases.Status{cases.StatusRegistered, cases.StatusCorrection, cases.StatusAccepted, cases.StatusSuspended, cases.StatusDecided, cases.StatusTerminated},
		ByDue:   true,
		OnlyDue: true,
		Limit:   200,
	})
	if err != nil {
		return err
	}
	return web.Render(c, "cases/workbench", fiber.Map{"Title": "我的待办", "Items": items, "Total": total, "Today": h.Service.Today()})
}

func (h *Handler) pageAssignment(c *fiber.Ctx) error {
	return h.renderAssignment(c, nil, "")
}

// renderAssignment draws the assignment page: the current team, or after a refused save the selection as
// submitted with the message on this page (not on the case page).
func (h *Handler) renderAssignment(c *fiber.Ctx, kept *web.FormState, msg string) error {
	v, err := h.requestedView(c)
	if err != nil {
		return err
	}
	ws, err := h.store().Workloads(c.UserContext())
	if err != nil {
		return err
	}
	on := map[int64]bool{}
	var lead int64
	if kept != nil {
		for _, s := range kept.Values["officer_ids"] {
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				on[n] = true
			}
		}
		lead, _ = strconv.ParseInt(kept.Values.Get("lead_officer_id"), 10, 64)
	} else {
		for _, o := range v.Assignment.Officers {
			on[o.ID] = true
			if o.Lead {
				lead = o.ID
			}
		}
	}
	return web.Render(c, "cases/assignment", fiber.Map{"Title": "指派办案人员", "Case": v, "Workloads": ws, "On": on, "Lead": lead,
		"Today": h.Service.Today(), "Error": msg})
}

// pageAction performs one handling action from a form on the case page (post/redirect/get).
func (h *Handler) pageAction(c *fiber.Ctx) error {
	id, err := h.caseID(c)
	if err != nil {
		return err
	}
	u, ctx, s := web.CurrentUser(c), c.UserContext(), h.Service
	form := web.Form(c)
	version, days, lead, lid, officers := form.Int("version"), form.Int("days"), form.ID("lead_officer_id"), form.ID("letter_id"), form.IDs("officer_ids")
	if c.Params("action") == "assignment" {
		// the assignment has its own page: a refused save comes back there with the selection kept
		err := form.Err()
		if err == nil {
			_, err = s.Assign(ctx, u, id, cases.AssignmentInput{OfficerIDs: officers, LeadOfficerID: lead, Version: version})
		}
		if err != nil {
			return web.FormError(c, err, func(_ map[string]string, msg string) error {
				return h.renderAssignment(c, web.KeptForm(c), msg)
			})
		}
		web.Flash(c, "办案人员已指派")
		return c.Redirect(fmt.Sprintf("/cases/%d", id), fiber.StatusSeeOther)
	}
	switch c.Params("action") {
	case "decision-draft", "decision-preview":
		return h.saveDecisionDraft(c, id)
	}
	if err := form.Err(); err != nil {
		return h.actionError(c, id, err)
	}
	f := c.FormValue
	var done string
	switch c.Params("action") {
	case "complexity":
		_, err = s.SetComplexity(ctx, u, id, f("complex") == "true", f("reason"), version)
		done = "复杂程度认定已保存"
	case "reply":
		_, err = s.RecordReply(ctx, u, id, cases.ReplyInput{CopySentOn: f("copy_sent_on"), CopyReceivedOn: f("copy_received_on"), ReplyReceivedOn: f("reply_received_on"), ReplyPostmarkedOn: f("reply_postmarked_on"), Version: version})
		done = "答复情况已登记"
	case "suspension":
		_, err = s.Suspend(ctx, u, id, f("on"), f("ground"), f("note"), version)
		done = "已中止审理"
	case "resumption":
		_, err = s.Resume(ctx, u, id, f("on"), version)
		done = "已恢复审理，审理期限继续计算（中止期间不计入）"
	case "extension":
		_, err = s.Extend(ctx, u, id, cases.ExtensionInput{On: f("on"), Days: days, Reason: f("reason"), Version: version})
		done = "已批准延长审理期限"
	case "procedure":
		_, err = s.ConvertToOrdinary(ctx, u, id, f("on"), f("reason"), version)
		done = "已转为普通程序"
	case "committee-opinion":
		_, err = s.RecordCommitteeOpinion(ctx, u, id, f("on"), f("opinion"), version)
		done = "咨询意见已记录"
	case "decision":
		in := cases.DecisionInput{Type: f("type"), DecidedOn: f("decided_on"), Ground: f("ground"), PerformDueOn: f("perform_due_on"),
			Sections: map[string]string{}, Version: version}
		in.Articles = cases.SplitArticles(f("articles"))
		for _, sk := range cases.SectionKeys {
			if v := f("sections." + sk.Key); v != "" {
				in.Sections[sk.Key] = v
			}
		}
		_, err = s.ProposeDecision(ctx, u, id, in)
		done = "决定草案已提交负责人审批"
	case "approval":
		_, err = s.ApproveDecision(ctx, u, id, cases.ApprovalInput{Approve: f("approve") == "true", Mode: f("mode"), Reason: f("reason"), Version: version})
		done = "审批结果已保存"
	case "service":
		_, err = s.ServeDecision(ctx, u, id, f("served_on"), version)
		done = "送达已登记"
	case "performance":
		_, err = s.RecordPerformance(ctx, u, id, f("performed_on"), f("note"), version)
		done = "履行情况已登记"
	case "opinion-letter":
		_, err = s.IssueOpinionLetter(ctx, u, id, cases.OpinionLetterInput{Kind: f("kind"), IssuedOn: f("issued_on"), ReceivedOn: f("received_on"), Content: f("content"), Version: version})
		done = "意见书已登记"
	case "opinion-report":
		_, err = s.ReportOpinionLetter(ctx, u, id, lid, f("reported_on"), f("content"), version)
		done = "纠正情况已登记"
	default:
		return cases.ErrNotFound
	}
	if err != nil {
		if e, ok := apperr.As(err); ok && e.Kind == apperr.Forbidden {
			return err
		}
		if c.Params("action") == "decision" {
			// a refused proposal is kept as the working copy: a reload, or another computer, finds it
			if _, serr := s.SaveWorkDraft(ctx, u, id, draftFields(c)); serr != nil {
				if _, ok := apperr.As(serr); !ok {
					return serr
				}
			}
		}
		return h.actionError(c, id, err)
	}
	web.Flash(c, done)
	return c.Redirect(fmt.Sprintf("/cases/%d", id), fiber.StatusSeeOther)
}

// detailFlags tells the case page which action forms to show to the current user.
func detailFlags(u *auth.User, v *cases.View) fiber.Map {
	onTeam, lead := false, false
	for _, o := range v.Assignment.Officers {
		if o.ID == u.ID {
			onTeam = true
			lead = o.Lead
		}
	}
	open := v.Status == cases.StatusAccepted || v.Status == cases.StatusSuspended
	concluded := v.Status == cases.StatusDecided || v.Status == cases.StatusTerminated
	chief := u.Role == auth.RoleChief
	return fiber.Map{
		"IsChief": chief, "OnTeam": onTeam, "IsLead": lead, "Open": open, "Concluded": concluded,
		"CanAct": (chief || onTeam) && (open || concluded),
	}
}

// draftFields are the decision form's fields as posted.
func draftFields(c *fiber.Ctx) map[string]string {
	out := map[string]string{}
	for _, k := range cases.WorkDraftFields() {
		out[k] = c.FormValue(k)
	}
	return out
}

// saveDecisionDraft keeps the decision form as the case's working copy: sent by the page a moment after each
// change (X-Fuyi-Autosave: answered with the time saved, as JSON), by the 保存草稿 button (back to the case
// page with a message) or by 预览决定书 (on to the preview of the document).
func (h *Handler) saveDecisionDraft(c *fiber.Ctx, id int64) error {
	at, err := h.Service.SaveWorkDraft(c.UserContext(), web.CurrentUser(c), id, draftFields(c))
	auto := c.Get("X-Fuyi-Autosave") != ""
	if err != nil {
		if e, ok := apperr.As(err); ok && !auto && (e.Kind == apperr.Invalid || e.Kind == apperr.Conflict) {
			return h.actionError(c, id, err)
		}
		return err
	}
	saved := at.In(date.Shanghai).Format("15:04:05")
	switch {
	case auto:
		return c.JSON(fiber.Map{"saved_at": at, "message": "草稿已自动保存（" + saved + "）"})
	case c.Params("action") == "decision-preview":
		return c.Redirect(fmt.Sprintf("/cases/%d/documents/decision-draft.pdf", id), fiber.StatusSeeOther)
	}
	web.Flash(c, "决定草案的草稿已保存（"+saved+"），尚未提交负责人审批")
	return c.Redirect(fmt.Sprintf("/cases/%d#decision-draft", id), fiber.StatusSeeOther)
}
