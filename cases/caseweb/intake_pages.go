package caseweb

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fuyi/cases"
	"fuyi/internal/apperr"
	"fuyi/internal/date"
	"fuyi/internal/idempotency"
	"fuyi/internal/ident"
	"fuyi/internal/web"
)

// The intake form at the window: applicants, agents (委托代理人) and third parties (第三人) are rows added and
// removed as needed (with JavaScript in the page; without it, by the form's own buttons, answered here by
// the form again with one row more or less). The respondent is typed and picked from the directory; dates
// are typed as digits. After an error every row comes back as typed, the messages beside their fields.

// partyGroups are the repeated rows of the form, in the order they are shown.
var partyGroups = []struct{ Key, Label string }{
	{"applicants", "申请人"}, {"agents", "委托代理人"}, {"third_parties", "第三人"},
}

// partyKey matches a field of a repeated row: applicants[3].name.
var partyKey = regexp.MustCompile(`^(applicants|agents|third_parties)\[(\d{1,4})\]\.[a-z_]+$`)

// rowRef names a row: agents[1].
var rowRef = regexp.MustCompile(`^(applicants|agents|third_parties)\[(\d{1,4})\]$`)

// maxRows bounds the rows read per group (the application allows 50 parties in all).
const maxRows = 60

// intakeRow is one party row as the page shows it.
type intakeRow struct {
	Group, Label string
	Index        string // the row's index in the field names ("__i__" in the row template)
	N            int    // its number in the legend (1-based)
	P            cases.PartyInput
	Derived      string // what the 身份证号码 tells: 性别 and 出生日期
}

// Name is the name of one of the row's fields.
func (r intakeRow) Name(field string) string { return r.Group + "[" + r.Index + "]." + field }

// Prefix is the row's field prefix (applicants[0]), as the validation names its fields.
func (r intakeRow) Prefix() string { return r.Group + "[" + r.Index + "]" }

// Numeral is the row's number in Chinese (一, 二, … 十一): the legends read 申请人（二）.
func (r intakeRow) Numeral() string { return cnNumeral(r.N) }

func cnNumeral(n int) string {
	d := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 10:
		return d[n]
	case n < 20:
		return "十" + d[n%10]
	case n < 100:
		return d[n/10] + "十" + d[n%10]
	}
	return strconv.Itoa(n)
}

// derived is what a valid 居民身份证号码 tells (GB 11643: birth date, sex by the 17th digit), for the page.
func derived(p cases.PartyInput, today date.Date) string {
	if p.Kind == "org" || (p.IDType != "" && p.IDType != "resident_id") || strings.TrimSpace(p.IDNumber) == "" {
		return ""
	}
	person, msg := ident.ParseIDNumber(p.IDNumber, today)
	if msg != "" {
		return ""
	}
	sex := "女"
	if person.Male {
		sex = "男"
	}
	return fmt.Sprintf("性别：%s　出生日期：%s", sex, person.Birth.Chinese())
}

// intakeForm is the application as typed, with what the page needs besides the application itself.
type intakeForm struct {
	cases.Application
	Respondent string                                           // the respondent as typed (a name from the directory)
	at         struct{ applicants, agents, thirdParties []int } // each row's index in the posted form
}

func (h *Handler) intakeData(c *fiber.Ctx, in intakeForm, fields map[string]string) (fiber.Map, error) {
	as, err := h.store().Agencies(c.UserContext())
	if err != nil {
		return nil, err
	}
	if len(in.Applicants) == 0 {
		in.Applicants = []cases.PartyInput{{Kind: "person"}}
	}
	if in.ReceivedOn == "" {
		in.ReceivedOn = h.Service.Today().String()
	}
	if in.Respondent == "" && in.RespondentAgencyID > 0 {
		for _, a := range as {
			if a.ID == in.RespondentAgencyID {
				in.Respondent = a.Name
			}
		}
	}
	today := h.Service.Today()
	groups := []fiber.Map{}
	for _, g := range partyGroups {
		list := map[string][]cases.PartyInput{"applicants": in.Applicants, "agents": in.Agents, "third_parties": in.ThirdParties}[g.Key]
		rows := make([]intakeRow, len(list))
		for i, p := range list {
			rows[i] = intakeRow{Group: g.Key, Label: g.Label, Index: strconv.Itoa(i), N: i + 1, P: p, Derived: derived(p, today)}
		}
		blank := intakeRow{Group: g.Key, Label: g.Label, Index: "__i__", N: 0, P: cases.PartyInput{Kind: "person"}}
		groups = append(groups, fiber.Map{"Key": g.Key, "Label": g.Label, "Rows": rows, "Blank": blank})
	}
	if fields != nil && fields["respondent_agency_id"] != "" && fields["respondent"] == "" {
		fields["respondent"] = fields["respondent_agency_id"]
	}
	// the parties an agent may represent: 申请人（一）张三 …
	principals := []fiber.Map{}
	for _, g := range []struct {
		key, label string
		list       []cases.PartyInput
	}{{"applicants", "申请人", in.Applicants}, {"third_parties", "第三人", in.ThirdParties}} {
		for i, p := range g.list {
			principals = append(principals, fiber.Map{"Value": fmt.Sprintf("%s[%d]", g.key, i),
				"Label": fmt.Sprintf("%s（%s）%s", g.label, cnNumeral(i+1), p.Name)})
		}
	}
	return fiber.Map{"Title": "登记行政复议申请", "In": in, "Groups": groups, "Principals": principals, "Errors": fields, "Agencies": as,
		"Matters": cases.Matters, "Channels": cases.ChannelLabels(), "Materials": strings.Join(in.Materials, "\n")}, nil
}

func (h *Handler) pageIntake(c *fiber.Ctx) error {
	data, err := h.intakeData(c, intakeForm{Application: cases.Application{Channel: "window"}}, nil)
	if err != nil {
		return err
	}
	return web.Render(c, "cases/intake", data)
}

func formParty(c *fiber.Ctx, prefix string) cases.PartyInput {
	g := func(k string) string { return strings.TrimSpace(c.FormValue(prefix + "." + k)) }
	return cases.PartyInput{Kind: g("kind"), Name: g("name"), IDType: g("id_type"), IDNumber: strings.ToUpper(g("id_number")),
		CreditCode: strings.ToUpper(g("credit_code")), LegalRep: g("legal_rep"), RepTitle: g("legal_rep_title"), Phone: g("phone"),
		Address: g("address"), AgentKind: g("agent_kind"), Firm: g("firm"), Represents: g("represents")}
}

func blankParty(p cases.PartyInput) bool {
	return p.Name == "" && p.IDNumber == "" && p.CreditCode == "" && p.LegalRep == "" && p.RepTitle == "" &&
		p.Phone == "" && p.Address == "" && p.Firm == ""
}

// formRows reads the rows of one group in the order of their indexes (rows added in the page may leave
// gaps), with the index each had in the form; blank rows are left out unless keepBlank.
func formRows(c *fiber.Ctx, posted url.Values, group string, keepBlank bool) ([]cases.PartyInput, []int) {
	seen := map[int]bool{}
	var idx []int
	for k := range posted {
		m := partyKey.FindStringSubmatch(k)
		if m == nil || m[1] != group {
			continue
		}
		i, _ := strconv.Atoi(m[2])
		if !seen[i] {
			seen[i] = true
			idx = append(idx, i)
		}
	}
	sort.Ints(idx)
	var out []cases.PartyInput
	var at []int
	for _, i := range idx {
		if len(out) == maxRows {
			break
		}
		p := formParty(c, fmt.Sprintf("%s[%d]", group, i))
		if keepBlank || !blankParty(p) {
			out, at = append(out, p), append(at, i)
		}
	}
	return out, at
}

// typedDate reads a typed date: 2025-09-26, 2025.9.26, 2025/9/26, 2025年9月26日 and 20250926 all become
// 2025-09-26; anything else is kept as typed (the validation names it).
var looseDate = regexp.MustCompile(`^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$`)

func typedDate(s string) string {
	s = strings.TrimSpace(s)
	if len(s) == 8 && strings.Trim(s, "0123456789") == "" {
		s = s[:4] + "-" + s[4:6] + "-" + s[6:]
	}
	if m := looseDate.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		return fmt.Sprintf("%04d-%02d-%02d", y, mo, d)
	}
	return s
}

// applicationFromForm reads the intake form; blank optional rows are left out (all rows kept when
// keepBlank: the form is shown again, not submitted). The error names a field that cannot be read.
func (h *Handler) applicationFromForm(c *fiber.Ctx, keepBlank bool) (intakeForm, error) {
	a := cases.Application{ReceivedOn: typedDate(c.FormValue("received_on")), Channel: c.FormValue("channel"),
		PostmarkedOn: typedDate(c.FormValue("postmarked_on")), Requests: c.FormValue("requests"), Facts: c.FormValue("facts")}
	form := web.Form(c)
	if c.FormValue("respondent_agency_id") != "" {
		a.RespondentAgencyID = form.Int32ID("respondent_agency_id")
	}
	in := intakeForm{Respondent: strings.TrimSpace(c.FormValue("respondent"))}
	if a.RespondentAgencyID == 0 && in.Respondent != "" {
		id, err := h.agencyByName(c.UserContext(), in.Respondent)
		if err != nil {
			return in, err
		}
		a.RespondentAgencyID = id
	}
	a.Act = cases.ActInput{Title: c.FormValue("act.title"), DocNo: c.FormValue("act.doc_no"), MadeOn: typedDate(c.FormValue("act.made_on")),
		KnownOn: typedDate(c.FormValue("act.known_on")), Matter: c.FormValue("act.matter"), RealEstate: c.FormValue("act.real_estate") == "on"}
	posted := web.PostedValues(c)
	a.Applicants, in.at.applicants = formRows(c, posted, "applicants", keepBlank)
	if len(a.Applicants) == 0 {
		a.Applicants = []cases.PartyInput{{Kind: c.FormValue("applicants[0].kind")}}
	}
	a.Agents, in.at.agents = formRows(c, posted, "agents", keepBlank)
	a.ThirdParties, in.at.thirdParties = formRows(c, posted, "third_parties", keepBlank)
	for i := range a.Agents {
		a.Agents[i].Represents = in.compactRef(a.Agents[i].Represents)
	}
	for _, m := range strings.Split(c.FormValue("materials"), "\n") {
		if m = strings.TrimSpace(m); m != "" {
			a.Materials = append(a.Materials, m)
		}
	}
	in.Application = a
	return in, form.Err()
}

// compactRef turns the party an agent represents, as the page names it (the row's index in the form, which
// rows added and removed in the page leave with gaps), into its place among the rows read. A row that was
// left out (blank) gives an index past the end: the validation names it, nothing is guessed.
func (in *intakeForm) compactRef(ref string) string {
	m := principalRef.FindStringSubmatch(ref)
	if m == nil {
		return ref
	}
	n, _ := strconv.Atoi(m[2])
	at := in.at.applicants
	if m[1] == "third_parties" {
		at = in.at.thirdParties
	}
	for i, x := range at {
		if x == n {
			return fmt.Sprintf("%s[%d]", m[1], i)
		}
	}
	return fmt.Sprintf("%s[%d]", m[1], maxRows+n)
}

// principalRef names a party an agent may represent.
var principalRef = regexp.MustCompile(`^(applicants|third_parties)\[(\d{1,4})\]$`)

// agencyByName finds an active agency of the directory by the name typed (or picked from the list,
// which may carry its category: 南京市栖霞区公安分局（公安）); 0 when none has that name.
func (h *Handler) agencyByName(ctx context.Context, name string) (int, error) {
	as, err := h.store().Agencies(ctx)
	if err != nil {
		return 0, err
	}
	for _, try := range []string{name, strings.TrimSpace(strings.SplitN(name, "（", 2)[0])} {
		for _, a := range as {
			if a.Name == try {
				return a.ID, nil
			}
		}
	}
	return 0, nil
}

// rowChange applies the form's own add/remove buttons (used without JavaScript): add=applicants appends a
// blank row, remove=agents[1] drops that row. It reports whether the post was such a change.
func rowChange(c *fiber.Ctx, in *intakeForm) bool {
	lists := map[string]*[]cases.PartyInput{"applicants": &in.Applicants, "agents": &in.Agents, "third_parties": &in.ThirdParties}
	posted := map[string][]int{"applicants": in.at.applicants, "agents": in.at.agents, "third_parties": in.at.thirdParties}
	if g := c.FormValue("add"); g != "" {
		if l, ok := lists[g]; ok && len(*l) < maxRows {
			*l = append(*l, cases.PartyInput{Kind: "person"})
		}
		return true
	}
	if r := c.FormValue("remove"); r != "" {
		m := rowRef.FindStringSubmatch(r)
		if m != nil {
			l := lists[m[1]]
			n, _ := strconv.Atoi(m[2])
			for i, at := range posted[m[1]] {
				if at == n && i < len(*l) {
					*l = append((*l)[:i], (*l)[i+1:]...)
					shiftRefs(in.Agents, m[1], i)
					break
				}
			}
		}
		return true
	}
	return false
}

// shiftRefs follows the removal of row i of group: agents of later rows move up, agents of that row
// represent nobody (the page shows the first party; the user chooses again).
func shiftRefs(agents []cases.PartyInput, group string, i int) {
	for k, a := range agents {
		m := principalRef.FindStringSubmatch(a.Represents)
		if m == nil || m[1] != group {
			continue
		}
		switch n, _ := strconv.Atoi(m[2]); {
		case n == i:
			agents[k].Represents = ""
		case n > i:
			agents[k].Represents = fmt.Sprintf("%s[%d]", group, n-1)
		}
	}
}

func (h *Handler) pageIntakeSubmit(c *fiber.Ctx) error {
	change := c.FormValue("add") != "" || c.FormValue("remove") != ""
	in, ferr := h.applicationFromForm(c, change)
	rerender := func(fields map[string]string, msg string) error {
		data, err := h.intakeData(c, in, fields)
		if err != nil {
			return err
		}
		data["Error"] = msg
		return web.Render(c, "cases/intake", data)
	}
	if change && ferr == nil {
		rowChange(c, &in)
		return rerender(nil, "")
	}
	if ferr != nil {
		return web.FormError(c, ferr, rerender)
	}
	v, err := in.Validate(h.Service.Today())
	if e, ok := apperr.As(err); ok && e.Fields != nil && in.Respondent != "" && in.RespondentAgencyID == 0 {
		// typed, but not a name of the directory
		e.Fields["respondent_agency_id"] = "机关目录中没有“" + in.Respondent + "”，请输入名称中的几个字后从列表中选择"
	}
	if err != nil {
		return web.FormError(c, err, rerender)
	}
	u := web.CurrentUser(c)
	key := c.FormValue("form_key")
	ans, err := h.Service.Register(c.UserContext(), u, cases.Intake{Application: v, RealEstate: in.Act.RealEstate,
		Key: idempotency.Key{UserID: u.ID, Key: key, Body: []byte(key)}},
		func(_ context.Context, r *cases.Registered) (int, []byte, error) {
			return fiber.StatusSeeOther, []byte(strconv.FormatInt(r.ID, 10)), nil
		})
	if err != nil {
		return web.FormError(c, err, rerender)
	}
	id, err := strconv.ParseInt(string(ans.Body), 10, 64)
	if err != nil {
		return fmt.Errorf("cases: replayed intake answer %q: %w", ans.Body, err)
	}
	web.Flash(c, "申请已登记，请打印申请材料接收凭证交申请人")
	return c.Redirect(fmt.Sprintf("/cases/%d/receipt", id), fiber.StatusSeeOther)
}
