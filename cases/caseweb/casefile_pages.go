package caseweb

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fuyi/cases"
	"fuyi/internal/auth"
	"fuyi/internal/web"
)

// caseFileData adds to the case page what it shows of the file: the issued documents (as stored, read
// only), the files and evidence catalogue (from the case-file feature), the service methods and whether
// the user may correct the registered data.
func (h *Handler) caseFileData(c *fiber.Ctx, v *cases.View, data fiber.Map) error {
	docs, err := h.store().IssuedDocs(c.UserContext(), v.ID)
	if err != nil {
		return err
	}
	data["Issued"] = docs
	data["ServiceMethods"] = serviceMethodChoices
	data["MayCorrect"] = mayCorrect(web.CurrentUser(c), v)
	if h.CaseFiles != nil {
		extra, err := h.CaseFiles(c.UserContext(), web.CurrentUser(c), v.ID)
		if err != nil {
			return err
		}
		for k, x := range extra {
			data[k] = x
		}
	}
	return nil
}

// serviceMethodChoices are the ways of 送达 in the order the form offers them.
var serviceMethodChoices = []struct{ Code, Label string }{
	{"direct", cases.ServiceMethods["direct"]}, {"post", cases.ServiceMethods["post"]},
	{"electronic", cases.ServiceMethods["electronic"]}, {"left", cases.ServiceMethods["left"]},
	{"public", cases.ServiceMethods["public"]},
}

// mayCorrect is cases.MayCorrect for the page: it offers the correction form only to whom the service
// accepts it from (and never on a concluded case's closed file).
func mayCorrect(u *auth.User, v *cases.View) bool {
	if u.Role == auth.RoleBureau {
		return false
	}
	lead := false
	for _, o := range v.Assignment.Officers {
		lead = lead || o.Lead && o.ID == u.ID
	}
	c := &cases.Case{Status: v.Status}
	return cases.MayCorrect(u, c, lead)
}

// pageDocumentService records a 送达 of an issued document from the case page.
func (h *Handler) pageDocumentService(c *fiber.Ctx) error {
	id, err := h.caseID(c)
	if err != nil {
		return err
	}
	did, err := web.ParamID(c, "did", cases.ErrDocNotFound)
	if err != nil {
		return err
	}
	form := web.Form(c)
	in := cases.ServiceInput{Method: c.FormValue("method"), Recipient: c.FormValue("recipient"), ServedOn: c.FormValue("served_on"),
		Consent: c.FormValue("consent") == "on", ReceiptFileID: form.ID("receipt_file_id"), Version: form.Int("version")}
	if err := form.Err(); err != nil {
		return h.actionError(c, id, err)
	}
	if _, err := h.Service.RecordService(c.UserContext(), web.CurrentUser(c), id, did, in); err != nil {
		return h.actionError(c, id, err)
	}
	web.Flash(c, "送达情况已登记："+cases.ServiceMethods[in.Method]+"，"+strings.TrimSpace(in.ServedOn))
	return c.Redirect(fmt.Sprintf("/cases/%d#documents", id), fiber.StatusSeeOther)
}

// correctionRows is how many rows of each party list the correction form offers.
const (
	correctionApplicants   = 3
	correctionThirdParties = 2
	correctionAgents       = 2
)

func partyInputs(ps []cases.Party, rows int) []cases.PartyInput {
	var out []cases.PartyInput
	for _, p := range ps {
		out = append(out, cases.PartyInput{Kind: p.Kind, Name: p.Name, IDType: p.IDType, IDNumber: p.IDNumber, CreditCode: p.CreditCode,
			LegalRep: p.LegalRep, RepTitle: p.RepTitle, Phone: p.Phone, Address: p.Address, AgentKind: p.AgentKind, Firm: p.Firm,
			Represents: p.Represents})
	}
	for len(out) < rows {
		out = append(out, cases.PartyInput{Kind: "person"})
	}
	return out
}

// correctionForm is what the correction page shows: the registered data, or what was submitted.
type correctionForm struct {
	Applicants, ThirdParties, Agents []cases.PartyInput
	AgencyID                         int
	Act                              cases.ActInput
	Requests, Facts, Reason          string
	Version                          int
}

func (h *Handler) correctionPage(c *fiber.Ctx, v *cases.View, in correctionForm, fields map[string]string, msg string) error {
	as, err := h.store().Agencies(c.UserContext())
	if err != nil {
		return err
	}
	for len(in.Applicants) < correctionApplicants {
		in.Applicants = append(in.Applicants, cases.PartyInput{Kind: "person"})
	}
	for len(in.ThirdParties) < correctionThirdParties {
		in.ThirdParties = append(in.ThirdParties, cases.PartyInput{Kind: "person"})
	}
	for len(in.Agents) < correctionAgents {
		in.Agents = append(in.Agents, cases.PartyInput{Kind: "person"})
	}
	title := v.RegistrationNo
	if v.CaseNo != nil {
		title = *v.CaseNo
	}
	return web.Render(c, "cases/corrections", fiber.Map{"Title": "更正登记信息 · " + title, "Case": v, "In": in, "Errors": fields,
		"Error": msg, "Agencies": as, "Matters": cases.Matters})
}

func (h *Handler) pageCorrections(c *fiber.Ctx) error {
	v, err := h.requestedView(c)
	if err != nil {
		return err
	}
	if !mayCorrect(web.CurrentUser(c), v) {
		return cases.ErrCorrectionForbidden
	}
	in := correctionForm{Applicants: partyInputs(v.Applicants, 0), ThirdParties: partyInputs(v.ThirdParties, 0),
		Agents: partyInputs(v.Agents, 0), AgencyID: v.RespondentAgency.ID, Requests: v.Requests, Facts: v.Facts, Version: v.Version,
		Act: cases.ActInput{Title: v.Act.Title, DocNo: v.Act.DocNo, MadeOn: dateText(v.Act.MadeOn.String()), KnownOn: dateText(v.Act.KnownOn.String()),
			Matter: v.Act.Matter}}
	return h.correctionPage(c, v, in, nil, "")
}

func dateText(s string) string {
	if strings.HasPrefix(s, "0001-") {
		return ""
	}
	return s
}

// formParties reads rows of a party list; blank rows are left out.
func formParties(c *fiber.Ctx, list string, rows int) []cases.PartyInput {
	out := []cases.PartyInput{}
	for i := 0; i < rows; i++ {
		p := formParty(c, fmt.Sprintf("%s[%d]", list, i))
		if p.Name != "" || p.IDNumber != "" || p.CreditCode != "" {
			out = append(out, p)
		}
	}
	return out
}

func (h *Handler) pageCorrectionsSubmit(c *fiber.Ctx) error {
	v, err := h.requestedView(c)
	if err != nil {
		return err
	}
	form := web.Form(c)
	in := correctionForm{Applicants: formParties(c, "applicants", correctionApplicants),
		ThirdParties: formParties(c, "third_parties", correctionThirdParties), Agents: formParties(c, "agents", correctionAgents),
		AgencyID: form.Int32ID("respondent_agency_id"), Requests: c.FormValue("requests"), Facts: c.FormValue("facts"),
		Reason: c.FormValue("reason"), Version: form.Int("version"),
		Act: cases.ActInput{Title: c.FormValue("act.title"), DocNo: c.FormValue("act.doc_no"), MadeOn: c.FormValue("act.made_on"),
			KnownOn: c.FormValue("act.known_on"), Matter: c.FormValue("act.matter"), RealEstate: c.FormValue("act.real_estate") == "on"}}
	rerender := func(fields map[string]string, msg string) error { return h.correctionPage(c, v, in, fields, msg) }
	if err := form.Err(); err != nil {
		return web.FormError(c, err, rerender)
	}
	body := cases.CorrectionInput{Applicants: &in.Applicants, ThirdParties: &in.ThirdParties, Agents: &in.Agents,
		RespondentAgencyID: &in.AgencyID, Act: &in.Act, Requests: &in.Requests, Facts: &in.Facts, Reason: in.Reason, Version: in.Version}
	if _, err := h.Service.Correct(c.UserContext(), web.CurrentUser(c), v.ID, body); err != nil {
		return web.FormError(c, err, rerender)
	}
	web.Flash(c, "登记信息已更正，更正前后的内容已记入办理记录")
	return c.Redirect(fmt.Sprintf("/cases/%d", v.ID), fiber.StatusSeeOther)
}
