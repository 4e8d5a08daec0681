package casefileweb

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"fuyi/cases"
	"fuyi/cases/casefile"
	"fuyi/internal/auth"
	"fuyi/internal/web"
)

// RuleInspection: 阅卷 (复议法第47条) is recorded by the officers of the case and the chief.
var RuleInspection = web.NewRule("casefile.inspection", auth.RoleOfficer, auth.RoleChief)

// inspectionPage shows the 阅卷 records of a case and, for who may record one, the form: the parties who
// may read, the files they may be shown (never internal ones).
func (h *Handler) inspectionPage(c *fiber.Ctx, caseID int64, in casefile.InspectionInput, fields map[string]string, msg string) error {
	ctx, u := c.UserContext(), web.CurrentUser(c)
	v, err := cases.NewStore(h.Service.DB).GetVisible(ctx, caseID, u)
	if err != nil {
		return err
	}
	files, err := h.Service.List(ctx, u, casefile.Owner{ID: caseID})
	if err != nil {
		return err
	}
	st := casefile.NewStore(h.Service.DB)
	list, err := st.Inspections(ctx, caseID, files)
	if err != nil {
		return err
	}
	ps, err := cases.NewStore(h.Service.DB).Parties(ctx, caseID)
	if err != nil {
		return err
	}
	checked := map[int64]bool{}
	for _, id := range in.FileIDs {
		checked[id] = true
	}
	title := v.RegistrationNo
	if v.CaseNo != nil {
		title = *v.CaseNo
	}
	if in.On == "" {
		in.On = h.today().String()
	}
	return web.Render(c, "cases/inspections", fiber.Map{"Title": "阅卷 · " + title, "CaseID": caseID, "CaseTitle": title,
		"Inspections": list, "Readers": casefile.Readers(ps), "Offered": casefile.Offered(files), "Checked": checked,
		"Kinds": casefile.InspectionKinds.Choices, "In": in, "Errors": fields, "Error": msg,
		"MayRecord": u.Role == auth.RoleOfficer || u.Role == auth.RoleChief})
}

func (h *Handler) pageInspections(c *fiber.Ctx) error {
	o, err := owner(c)
	if err != nil {
		return err
	}
	return h.inspectionPage(c, o.ID, casefile.InspectionInput{Kind: "read"}, nil, "")
}

func (h *Handler) pageInspectionSubmit(c *fiber.Ctx) error {
	o, err := owner(c)
	if err != nil {
		return err
	}
	in := casefile.InspectionInput{Reader: c.FormValue("reader"), On: c.FormValue("inspected_on"), Kind: c.FormValue("kind"),
		Withheld: c.FormValue("withheld"), Note: c.FormValue("note")}
	fields := map[string]string{}
	if s := c.FormValue("copy_pages"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			fields["copy_pages"] = "复制页数须为整数"
		}
		in.CopyPages = n
	}
	args := c.Request().PostArgs()
	for _, raw := range args.PeekMulti("file_ids") {
		id, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil {
			fields["file_ids"] = "所选材料无效"
			continue
		}
		in.FileIDs = append(in.FileIDs, id)
	}
	rerender := func(fs map[string]string, msg string) error { return h.inspectionPage(c, o.ID, in, fs, msg) }
	if len(fields) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return rerender(fields, "请更正标出的内容")
	}
	rec, err := h.Service.RecordInspection(c.UserContext(), web.CurrentUser(c), o.ID, in, h.today())
	if err != nil {
		return web.FormError(c, err, rerender)
	}
	web.Flash(c, fmt.Sprintf("已登记阅卷：%s %s，%s材料%d件", rec.ReaderLabel, rec.Reader, rec.KindLabel, len(rec.FileIDs)))
	return c.Redirect(fmt.Sprintf("/cases/%d/inspections", o.ID), fiber.StatusSeeOther)
}

// apiInspections lists the 阅卷 records of a case.
func (h *Handler) apiInspections(c *fiber.Ctx) error {
	o, err := owner(c)
	if err != nil {
		return err
	}
	ctx, u := c.UserContext(), web.CurrentUser(c)
	files, err := h.Service.List(ctx, u, o)
	if err != nil {
		return err
	}
	list, err := casefile.NewStore(h.Service.DB).Inspections(ctx, o.ID, files)
	if err != nil {
		return err
	}
	if list == nil {
		list = []casefile.Inspection{}
	}
	return c.JSON(web.List[casefile.Inspection]{Items: list, Total: len(list)})
}

// apiRecordInspection records a 阅卷 → 201 with the record.
func (h *Handler) apiRecordInspection(c *fiber.Ctx) error {
	o, err := owner(c)
	if err != nil {
		return err
	}
	var in casefile.InspectionInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	rec, err := h.Service.RecordInspection(c.UserContext(), web.CurrentUser(c), o.ID, in, h.today())
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(rec)
}
