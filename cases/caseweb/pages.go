package caseweb

import (
	"fmt"
	"html/template"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fuyi/cases"
	"fuyi/internal/apperr"
	"fuyi/internal/auth"
	"fuyi/internal/web"
)

func (h *Handler) pageList(c *fiber.Ctx) error {
	f, keep, err := h.listQuery(c)
	if err != nil {
		return err
	}
	u := web.CurrentUser(c)
	p, err := h.store().ListPage(c.UserContext(), u, f)
	if err != nil {
		return err
	}
	as, err := h.store().Agencies(c.UserContext())
	if err != nil {
		return err
	}
	windows, officers, err := h.store().ListOptions(c.UserContext())
	if err != nil {
		return err
	}
	title := "案件列表"
	if u.Role == auth.RoleWindow {
		title = "本所登记的申请"
	}
	paging, _ := web.PageParams(c) // already checked by listQuery
	statuses := make([]fiber.Map, len(cases.StatusOrder))
	for i, s := range cases.StatusOrder {
		statuses[i] = fiber.Map{"Value": string(s), "Label": s.Label()}
	}
	// the pager: numbered pages up to the (capped) count, and the keyset cursor beyond
	next := ""
	if p.Next != "" {
		nv := url.Values{}
		for k, v := range keep {
			nv[k] = v
		}
		nv.Set("after", p.Next)
		if paging.PerPage != 20 {
			nv.Set("per_page", strconv.Itoa(paging.PerPage))
		}
		next = "?" + nv.Encode()
	}
	pages := web.PageWindow(p.Total, paging)
	if f.After != "" {
		pages = nil // a page reached by the cursor has no number
	}
	return web.Render(c, "cases/list", fiber.Map{"Title": title, "Items": p.Items, "Total": p.Total, "More": p.More,
		"Page": paging, "Q": f.Query, "Filter": keep, "Query": template.URL(keep.Encode()), // encoded here: safe in the links "Statuses": statuses, "Today": h.Service.Today(),
		"Pages": pages, "Next": next, "Agencies": as, "Windows": windows, "Officers": officers})
}

func (h *Handler) pageReviewQueue(c *fiber.Ctx) error {
	p, err := web.PageParams(c)
	if err != nil {
		return err
	}
	items, total, err := h.store().List(c.UserContext(), web.CurrentUser(c), cases.Filter{ReviewQueue: true, Limit: 200})
	if err != nil {
		return err
	}
	under, nunder, err := h.store().List(c.UserContext(), web.CurrentUser(c), cases.Filter{Understaffed: true, ByDue: true,
		Limit: p.PerPage, Offset: p.Offset()})
	if err != nil {
		return err
	}
	return web.Render(c, "cases/review_queue", fiber.Map{"Title": "受理审查队列", "Items": items, "Total": total,
		"Understaffed": under, "UnderTotal": nunder, "Page": p, "Pages": web.PageWindow(nunder, p), "Today": h.Service.Today()})
}

func (h *Handler) detailData(c *fiber.Ctx, id int64) (fiber.Map, error) {
	v, err := h.view(c, id)
	if err != nil {
		return nil, err
	}
	title := v.RegistrationNo
	if v.CaseNo != nil {
		title = *v.CaseNo
	}
	data := fiber.Map{"Title": title, "Case": v, "Today": h.Service.Today(), "Grounds": cases.SimplifiedGrounds,
		"F": detailFlags(web.CurrentUser(c), v), "DecisionTypes": cases.DecisionTypes, "SectionKeys": cases.SectionKeys,
		"Documents": cases.AvailableDocs(v), "MissingChars": cases.MissingChars(v),
		"SuspensionGrounds": cases.SuspensionGrounds, "TerminationGrounds": cases.TerminationGrounds,
		"CanReview": web.CurrentUser(c).Role == auth.RoleChief && (v.Status == cases.StatusRegistered ||
			(v.Status == cases.StatusCorrection && v.Correction != nil && !v.Correction.ReceivedOn.IsZero())),
		"AwaitingCorrection": v.Status == cases.StatusCorrection && v.Correction != nil && v.Correction.ReceivedOn.IsZero()}
	if data["CanReview"] == true {
		if data["TransferTargets"], err = h.store().TransferTargets(c.UserContext()); err != nil {
			return nil, err
		}
	}
	if err := h.caseFileData(c, v, data); err != nil {
		return nil, err
	}
	if f := data["F"].(fiber.Map); f["IsLead"] == true && (v.Handling == nil || v.Handling.Pending() == nil) {
		if data["Draft"], data["DraftNote"], err = h.Service.DraftForm(c.UserContext(), v); err != nil {
			return nil, err
		}
		if data["DraftHead"], err = h.Service.DraftHead(c.UserContext(), v); err != nil {
			return nil, err
		}
	}
	if h.HearingForms != nil {
		extra, err := h.HearingForms(c.UserContext())
		if err != nil {
			return nil, err
		}
		for k, x := range extra {
			data[k] = x
		}
	}
	return data, nil
}

func (h *Handler) pageDetail(c *fiber.Ctx) error {
	id, err := h.caseID(c)
	if err != nil {
		return err
	}
	data, err := h.detailData(c, id)
	if err != nil {
		return err
	}
	return web.Render(c, "cases/detail", data)
}

// actionError re-renders the case page with the message of a refused action.
func (h *Handler) actionError(c *fiber.Ctx, id int64, err error) error {
	return web.FormError(c, err, func(fields map[string]string, msg string) error {
		data, derr := h.detailData(c, id)
		if derr != nil {
			return derr
		}
		data["Error"], data["Errors"] = msg, fields
		return web.Render(c, "cases/detail", data)
	})
}

func (h *Handler) pageReviewSubmit(c *fiber.Ctx) error {
	id, err := h.caseID(c)
	if err != nil {
		return err
	}
	in := cases.ReviewInput{Outcome: c.FormValue("outcome"), On: c.FormValue("on"), Procedure: c.FormValue("procedure"),
		Reason: c.FormValue("reason"), ServedOn: c.FormValue("served_on")}
	form := web.Form(c)
	if in.Version = form.Int("version"); form.Err() != nil {
		return h.actionError(c, id, form.Err())
	}
	args := c.Request().PostArgs()
	for _, g := range args.PeekMulti("simplified_grounds") {
		in.SimplifiedGrounds = append(in.SimplifiedGrounds, string(g))
	}
	in.Items = append(in.Items, strings.Split(c.FormValue("items"), "\n")...)
	if _, err := h.Service.Review(c.UserContext(), web.CurrentUser(c), id, in); err != nil {
		return h.actionError(c, id, err)
	}
	web.Flash(c, "审查结果已保存")
	return c.Redirect(fmt.Sprintf("/cases/%d", id), fiber.StatusSeeOther)
}

func (h *Handler) pageTransferSubmit(c *fiber.Ctx) error {
	id, err := h.caseID(c)
	if err != nil {
		return err
	}
	in := cases.TransferInput{To: c.FormValue("to"), On: c.FormValue("on"), Reason: c.FormValue("reason")}
	form := web.Form(c)
	if in.Version = form.Int("version"); form.Err() != nil {
		return h.actionError(c, id, form.Err())
	}
	v, err := h.Service.Transfer(c.UserContext(), web.CurrentUser(c), id, in)
	if err != nil {
		return h.actionError(c, id, err)
	}
	web.Flash(c, fmt.Sprintf("已转送%s（该机关登记号%s），并制发转送告知书", v.Transfer.To, v.Transfer.No))
	return c.Redirect(fmt.Sprintf("/cases/%d", id), fiber.StatusSeeOther)
}

func (h *Handler) pageCorrectionReceivedSubmit(c *fiber.Ctx) error {
	id, err := h.caseID(c)
	if err != nil {
		return err
	}
	form := web.Form(c)
	version := form.Int("version")
	if err := form.Err(); err != nil {
		return h.actionError(c, id, err)
	}
	if _, err := h.Service.CorrectionReceived(c.UserContext(), web.CurrentUser(c), id, c.FormValue("on"), version); err != nil {
		return h.actionError(c, id, err)
	}
	web.Flash(c, "已登记收到补正材料，重新开始受理审查")
	return c.Redirect(fmt.Sprintf("/cases/%d", id), fiber.StatusSeeOther)
}

func (h *Handler) pageCorrectionServedSubmit(c *fiber.Ctx) error {
	id, err := h.caseID(c)
	if err != nil {
		return err
	}
	form := web.Form(c)
	version := form.Int("version")
	if err := form.Err(); err != nil {
		return h.actionError(c, id, err)
	}
	if _, err := h.Service.CorrectionServed(c.UserContext(), web.CurrentUser(c), id, c.FormValue("served_on"), version); err != nil {
		return h.actionError(c, id, err)
	}
	web.Flash(c, "已登记补正通知送达日期，补正期限自该日起计算")
	return c.Redirect(fmt.Sprintf("/cases/%d", id), fiber.StatusSeeOther)
}

func (h *Handler) receiptData(c *fiber.Ctx) (*cases.View, cases.Organ, error) {
	id, err := h.caseID(c)
	if err != nil {
		return nil, cases.Organ{}, err
	}
	v, err := h.view(c, id)
	if err != nil {
		return nil, cases.Organ{}, err
	}
	o, err := h.store().Organ(c.UserContext())
	return v, o, err
}

func (h *Handler) pageReceipt(c *fiber.Ctx) error {
	v, o, err := h.receiptData(c)
	if err != nil {
		return err
	}
	data := fiber.Map{"Title": "申请材料接收凭证", "Case": v, "Organ": o}
	if h.CaseFiles != nil { // the window uploads the scans of what it received right here
		extra, err := h.CaseFiles(c.UserContext(), web.CurrentUser(c), v.ID)
		if err != nil {
			return err
		}
		data["FileCategories"], data["Files"] = extra["FileCategories"], extra["Files"]
	}
	return web.Render(c, "cases/receipt", data)
}

func (h *Handler) lookupStatus(c *fiber.Ctx) (*cases.StatusInfo, error) {
	no, code := strings.TrimSpace(c.Query("no")), strings.ToUpper(strings.TrimSpace(c.Query("code")))
	if no == "" || code == "" || len(no) > 40 || len(code) > 16 {
		return nil, cases.ErrStatusNotFound
	}
	return h.store().Status(c.UserContext(), no, code)
}

func (h *Handler) pageStatus(c *fiber.Ctx) error {
	data := fiber.Map{"Title": "行政复议申请办理进度查询", "No": c.Query("no"), "Code": c.Query("code")}
	if c.Query("no") != "" || c.Query("code") != "" {
		s, err := h.lookupStatus(c)
		if e, ok := apperr.As(err); ok && e.Kind == apperr.NotFound {
			c.Status(fiber.StatusNotFound)
			data["Error"] = e.Message
		} else if err != nil {
			return err
		}
		data["Info"] = s
	}
	return web.Render(c, "public/status", data)
}

func (h *Handler) apiStatus(c *fiber.Ctx) error {
	s, err := h.lookupStatus(c)
	if err != nil {
		return err
	}
	return c.JSON(s)
}
