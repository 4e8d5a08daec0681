package cases

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"

	"fuyi/internal/apperr"
	"fuyi/internal/auth"
	"fuyi/internal/database"
	"fuyi/internal/date"
	"fuyi/internal/web"
)

func (h *Handler) pageHome(c *fiber.Ctx) error {
	switch web.CurrentUser(c).Role {
	case auth.RoleChief:
		return c.Redirect("/review")
	case auth.RoleOfficer:
		return c.Redirect("/workbench")
	}
	return c.Redirect("/cases")
}

func (h *Handler) pageList(c *fiber.Ctx) error {
	p, err := web.PageParams(c)
	if err != nil {
		return err
	}
	f := Filter{Query: c.Query("q"), Limit: p.PerPage, Offset: p.Offset()}
	if s := Status(c.Query("status")); s != "" && s.Valid() {
		f.Status = []Status{s}
	}
	items, total, err := h.store().List(c.UserContext(), web.CurrentUser(c), f)
	if err != nil {
		return err
	}
	title := "案件列表"
	if web.CurrentUser(c).Role == auth.RoleWindow {
		title = "本所登记的申请"
	}
	return web.Render(c, "cases/list", fiber.Map{"Title": title, "Items": items, "Total": total, "Page": p,
		"Q": c.Query("q"), "StatusFilter": c.Query("status"), "Statuses": statusLabels, "Today": h.Service.Today(),
		"Pages": pages(total, p)})
}

func pages(total int, p web.Paging) []int {
	n := (total + p.PerPage - 1) / p.PerPage
	var out []int
	for i := 1; i <= n && i <= 50; i++ {
		out = append(out, i)
	}
	return out
}

func (h *Handler) pageReviewQueue(c *fiber.Ctx) error {
	items, total, err := h.store().List(c.UserContext(), web.CurrentUser(c), Filter{ReviewQueue: true, Limit: 200})
	if err != nil {
		return err
	}
	under, _, err := h.store().List(c.UserContext(), web.CurrentUser(c), Filter{Understaffed: true, ByDue: true, Limit: 200})
	if err != nil {
		return err
	}
	return web.Render(c, "cases/review_queue", fiber.Map{"Title": "受理审查队列", "Items": items, "Total": total,
		"Understaffed": under, "Today": h.Service.Today()})
}

// Agencies lists the active respondent agencies for forms.
func Agencies(c *fiber.Ctx, db sqlx.QueryerContext) ([]AgencyRef, error) {
	var as []AgencyRef
	err := sqlx.SelectContext(c.UserContext(), db, &as, `SELECT id, name, category FROM agencies WHERE active ORDER BY category, name`)
	return as, err
}

func (h *Handler) intakeData(c *fiber.Ctx, in Application, fields map[string]string) (fiber.Map, error) {
	as, err := Agencies(c, h.Service.DB)
	if err != nil {
		return nil, err
	}
	for len(in.Applicants) < 3 {
		in.Applicants = append(in.Applicants, PartyInput{Kind: "person"})
	}
	for len(in.Agents) < 1 {
		in.Agents = append(in.Agents, PartyInput{Kind: "person"})
	}
	if in.ReceivedOn == "" {
		in.ReceivedOn = h.Service.Today().String()
	}
	return fiber.Map{"Title": "登记行政复议申请", "In": in, "Errors": fields, "Agencies": as, "Matters": Matters,
		"Channels": channelLabels, "Materials": strings.Join(in.Materials, "\n")}, nil
}

func (h *Handler) pageIntake(c *fiber.Ctx) error {
	data, err := h.intakeData(c, Application{Channel: "window"}, nil)
	if err != nil {
		return err
	}
	return web.Render(c, "cases/intake", data)
}

func formParty(c *fiber.Ctx, prefix string) PartyInput {
	g := func(k string) string { return strings.TrimSpace(c.FormValue(prefix + "." + k)) }
	return PartyInput{Kind: g("kind"), Name: g("name"), IDType: g("id_type"), IDNumber: g("id_number"),
		CreditCode: g("credit_code"), LegalRep: g("legal_rep"), RepTitle: g("legal_rep_title"), Phone: g("phone"), Address: g("address"),
		AgentKind: g("agent_kind"), Firm: g("firm")}
}

// applicationFromForm reads the intake form; blank optional rows are left out. The error names a field
// that cannot be read (an agency id that is not a number).
func applicationFromForm(c *fiber.Ctx) (Application, error) {
	a := Application{ReceivedOn: c.FormValue("received_on"), Channel: c.FormValue("channel"),
		Requests: c.FormValue("requests"), Facts: c.FormValue("facts")}
	form := web.Form(c)
	a.RespondentAgencyID = form.Int32ID("respondent_agency_id")
	a.Act = ActInput{Title: c.FormValue("act.title"), DocNo: c.FormValue("act.doc_no"), MadeOn: c.FormValue("act.made_on"),
		KnownOn: c.FormValue("act.known_on"), Matter: c.FormValue("act.matter"), RealEstate: c.FormValue("act.real_estate") == "on"}
	for i := 0; i < 3; i++ {
		p := formParty(c, fmt.Sprintf("applicants[%d]", i))
		if i == 0 || p.Name != "" || p.IDNumber != "" || p.CreditCode != "" {
			a.Applicants = append(a.Applicants, p)
		}
	}
	if p := formParty(c, "agents[0]"); p.Name != "" {
		a.Agents = append(a.Agents, p)
	}
	for _, m := range strings.Split(c.FormValue("materials"), "\n") {
		if m = strings.TrimSpace(m); m != "" {
			a.Materials = append(a.Materials, m)
		}
	}
	return a, form.Err()
}

// formError re-renders a form with the messages next to the fields, answering 422.
func formError(c *fiber.Ctx, err error, render func(fields map[string]string, msg string) error) error {
	e, ok := apperr.As(err)
	if !ok || (e.Kind != apperr.Invalid && e.Kind != apperr.Conflict) {
		return err
	}
	if e.Kind == apperr.Conflict {
		c.Status(fiber.StatusConflict)
	} else {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return render(e.Fields, e.Message)
}

func (h *Handler) pageIntakeSubmit(c *fiber.Ctx) error {
	in, ferr := applicationFromForm(c)
	rerender := func(fields map[string]string, msg string) error {
		data, err := h.intakeData(c, in, fields)
		if err != nil {
			return err
		}
		data["Error"] = msg
		return web.Render(c, "cases/intake", data)
	}
	if ferr != nil {
		return formError(c, ferr, rerender)
	}
	v, err := in.Validate(h.Service.Today())
	if err != nil {
		return formError(c, err, rerender)
	}
	var id int64
	u := web.CurrentUser(c)
	key := c.FormValue("form_key")
	err = database.Tx(c.UserContext(), h.Service.DB, func(tx *sqlx.Tx) error {
		replay, err := web.ClaimKey(c.UserContext(), tx, u.ID, key, []byte(key))
		if err != nil {
			return err
		}
		if replay != nil {
			id, _ = strconv.ParseInt(string(replay.Body), 10, 64)
			return nil
		}
		if id, err = h.Service.Register(c.UserContext(), tx, u, v, in.Act.RealEstate); err != nil {
			return err
		}
		return web.StoreAnswer(c.UserContext(), tx, u.ID, key, fiber.StatusSeeOther, []byte(strconv.FormatInt(id, 10)))
	})
	if err != nil {
		return formError(c, err, rerender)
	}
	web.Flash(c, "申请已登记，请打印申请材料接收凭证交申请人")
	return c.Redirect(fmt.Sprintf("/cases/%d/receipt", id), fiber.StatusSeeOther)
}

func (h *Handler) detailData(c *fiber.Ctx, id int64) (fiber.Map, error) {
	v, err := h.view(c, h.Service.DB, id)
	if err != nil {
		return nil, err
	}
	title := v.RegistrationNo
	if v.CaseNo != nil {
		title = *v.CaseNo
	}
	data := fiber.Map{"Title": title, "Case": v, "Today": h.Service.Today(), "Grounds": SimplifiedGrounds,
		"F": detailFlags(web.CurrentUser(c), v), "DecisionTypes": DecisionTypes, "SectionKeys": SectionKeys,
		"Documents": availableDocs(v), "MissingChars": MissingChars(v),
		"SuspensionGrounds": SuspensionGrounds, "TerminationGrounds": TerminationGrounds,
		"CanReview": web.CurrentUser(c).Role == auth.RoleChief && (v.Status == StatusRegistered ||
			(v.Status == StatusCorrection && v.Correction != nil && !v.Correction.ReceivedOn.IsZero())),
		"AwaitingCorrection": v.Status == StatusCorrection && v.Correction != nil && v.Correction.ReceivedOn.IsZero()}
	for _, d := range h.PageDecorate {
		if err := d(c, data); err != nil {
			return nil, err
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
	return formError(c, err, func(fields map[string]string, msg string) error {
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
	in := ReviewInput{Outcome: c.FormValue("outcome"), On: c.FormValue("on"), Procedure: c.FormValue("procedure"),
		Reason: c.FormValue("reason"), ServedOn: c.FormValue("served_on")}
	form := web.Form(c)
	if in.Version = form.Int("version"); form.Err() != nil {
		return h.actionError(c, id, form.Err())
	}
	args := c.Request().PostArgs()
	for _, g := range args.PeekMulti("simplified_grounds") {
		in.SimplifiedGrounds = append(in.SimplifiedGrounds, string(g))
	}
	for _, it := range strings.Split(c.FormValue("items"), "\n") {
		in.Items = append(in.Items, it)
	}
	if err := h.Service.Review(c.UserContext(), web.CurrentUser(c), id, in); err != nil {
		return h.actionError(c, id, err)
	}
	web.Flash(c, "审查结果已保存")
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
	if err := h.Service.CorrectionReceived(c.UserContext(), web.CurrentUser(c), id, c.FormValue("on"), version); err != nil {
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
	if err := h.Service.CorrectionServed(c.UserContext(), web.CurrentUser(c), id, c.FormValue("served_on"), version); err != nil {
		return h.actionError(c, id, err)
	}
	web.Flash(c, "已登记补正通知送达日期，补正期限自该日起计算")
	return c.Redirect(fmt.Sprintf("/cases/%d", id), fiber.StatusSeeOther)
}

func (h *Handler) receiptData(c *fiber.Ctx) (*View, Organ, error) {
	id, err := h.caseID(c)
	if err != nil {
		return nil, Organ{}, err
	}
	v, err := h.view(c, h.Service.DB, id)
	if err != nil {
		return nil, Organ{}, err
	}
	o, err := h.store().Organ(c.UserContext())
	return v, o, err
}

func (h *Handler) pageReceipt(c *fiber.Ctx) error {
	v, o, err := h.receiptData(c)
	if err != nil {
		return err
	}
	return web.Render(c, "cases/receipt", fiber.Map{"Title": "申请材料接收凭证", "Case": v, "Organ": o})
}

// StatusInfo is what the public status page shows: dates and state only, no personal data.
type StatusInfo struct {
	RegistrationNo string    `db:"registration_no" json:"registration_no"`
	Status         Status    `db:"status" json:"status"`
	StatusLabel    string    `db:"-" json:"status_label"`
	CaseNo         *string   `db:"case_no" json:"case_no"`
	ReceivedOn     date.Date `db:"received_on" json:"received_on"`
	AcceptedOn     date.Date `db:"accepted_on" json:"accepted_on"`
	RejectedOn     date.Date `db:"rejected_on" json:"rejected_on"`
	ReviewDueOn    date.Date `db:"review_due" json:"review_due_on"`
	DecisionDueOn  date.Date `db:"decision_due" json:"decision_due_on"`
}

var errStatusNotFound = apperr.New(apperr.NotFound, "status.not_found", "未查询到该申请：请核对登记号和查询码（见申请材料接收凭证）")

const queryStatus = `SELECT c.registration_no, c.status, c.case_no, c.received_on, c.accepted_on, c.rejected_on,
	(SELECT due_on FROM deadlines WHERE case_id = c.id AND kind = 'review' AND status <> 'cancelled') AS review_due,
	(SELECT due_on FROM deadlines WHERE case_id = c.id AND kind = 'decision' AND status <> 'cancelled') AS decision_due
FROM cases c WHERE c.registration_no = $1 AND c.query_code = $2`

func (h *Handler) lookupStatus(c *fiber.Ctx) (*StatusInfo, error) {
	no, code := strings.TrimSpace(c.Query("no")), strings.ToUpper(strings.TrimSpace(c.Query("code")))
	if no == "" || code == "" || len(no) > 40 || len(code) > 16 {
		return nil, errStatusNotFound
	}
	var s StatusInfo
	if err := h.Service.DB.GetContext(c.UserContext(), &s, queryStatus, no, code); err != nil {
		if strings.Contains(err.Error(), "no rows") {
			return nil, errStatusNotFound
		}
		return nil, err
	}
	s.StatusLabel = s.Status.Label()
	return &s, nil
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
