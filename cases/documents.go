package cases

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/date"
	"fuyi/internal/ident"
	"fuyi/internal/pdf"
)

// DocType is one kind of official document of a case.
type DocType struct {
	Code  string
	Title string
	Char  string // 代字 added to the organ prefix in the 文号 (一案一号: same serial, own 代字)
}

// DocTypes is the standard set of DOMAIN.md §11.
var DocTypes = []DocType{
	{"receipt", "申请材料接收凭证", ""},
	{"acceptance", "行政复议受理通知书", "受"},
	{"correction", "行政复议申请补正通知书", "补"},
	{"rejection", "不予受理决定书", "不受"},
	{"transfer", "行政复议申请转送告知书", "转"},
	{"reply_notice", "提出答复通知书", "答"},
	{"hearing_notice", "听证通知书", "听"},
	{"extension", "延期审理通知书", "延"},
	{"suspension", "中止审理通知书", "中"},
	{"resumption", "恢复审理通知书", "恢"},
	{"termination", "行政复议终止决定书", "终"},
	{"dismissal", "驳回行政复议申请决定书", "驳"},
	{"decision", "行政复议决定书", "决"},
	{"mediation", "行政复议调解书", "调"},
	{"opinion", "行政复议意见书", "意"},
}

// DocTypeOf finds a document type.
func DocTypeOf(code string) (DocType, bool) {
	for _, d := range DocTypes {
		if d.Code == code {
			return d, true
		}
	}
	return DocType{}, false
}

// DocData is what document templates read.
type DocData struct {
	Organ         Organ
	Case          *View
	Today         date.Date
	DocNo         string
	Title         string
	ApplicantText []pdf.Markup // 申请人 block lines
	AgentText     []string
	ThirdText     []pdf.Markup
	Respondent    RespondentInfo
	Decision      *DecisionView
	DecisionType  DecisionType
	Ground        string
	Hearing       *HearingInfo
	Letter        *OpinionLetter
	Extension     *ExtensionView
	Pause         *PauseView
	ReviewDue     date.Date
	CorrectionDue date.Date
	CopyDue       date.Date
	ReplyDays     int
	DecisionDue   date.Date
	Channel       string
	WindowName    string
	Clerk         string
}

// RespondentInfo is the 被申请人 block.
type RespondentInfo struct {
	Name          string `db:"name"`
	Address       string `db:"address"`
	LegalRep      string `db:"legal_rep"`
	LegalRepTitle string `db:"legal_rep_title"` // 职务
}

// HearingInfo is what the 听证通知书 needs.
type HearingInfo struct {
	ID       int64
	StartsAt string
	Place    string
	Host     string
	Members  string
	Clerk    string
	Notified date.Date
	Matters  string // 拟听证事项 (复议法第51条第1款); a standard wording when empty
}

// PartyLine writes a party as in a 决定书: person (name, sex, birth date, ID, address) or organisation
// (name, code, address, 法定代表人).
func PartyLine(role string, p Party) pdf.Markup {
	var b strings.Builder
	b.WriteString(role + "：" + p.Name)
	if p.Kind == "person" {
		if p.Sex != "" {
			b.WriteString("，" + p.Sex)
		}
		if !p.BirthDate.IsZero() {
			b.WriteString("，" + p.BirthDate.Chinese() + "出生")
		}
		if p.IDNumber != "" {
			b.WriteString("，公民身份号码" + p.IDNumber)
		}
		if p.Address != "" {
			b.WriteString("，住" + p.Address)
		}
	} else {
		if p.CreditCode != "" {
			b.WriteString("，统一社会信用代码" + p.CreditCode)
		}
		if p.Address != "" {
			b.WriteString("，住所" + p.Address)
		}
	}
	b.WriteString("。")
	line := pdf.Text(b.String())
	if p.Kind == "org" && p.LegalRep != "" {
		rep := "法定代表人：" + p.LegalRep
		if p.RepTitle != "" {
			rep += "，" + p.RepTitle
		}
		line += "\n@plain " + pdf.Text(rep+"。")
	}
	return pdf.Markup(line)
}

// AgentLine is the line of a 委托代理人 in a document: name, and the firm (律师事务所) of a lawyer.
func AgentLine(p Party) string {
	line := "委托代理人：" + p.Name
	if p.Firm != "" {
		line += "，" + p.Firm
		if p.AgentKind == "lawyer" {
			line += "律师"
		}
	}
	return line + "。"
}

// BuildDocData assembles the data of a document of a case.
func BuildDocData(ctx context.Context, db sqlx.ExtContext, v *View, today date.Date) (*DocData, error) {
	st := NewStore(db)
	df := v.doc
	if !df.loaded { // a view built without its snapshot
		var err error
		if df.Organ, err = st.CaseOrgan(ctx, v.ID); err != nil {
			return nil, err
		}
		if df.Respondent, err = st.Respondent(ctx, v.AgencyID); err != nil {
			return nil, err
		}
		c, err := st.Get(ctx, v.ID)
		if err != nil {
			return nil, err
		}
		df.WindowName = c.WindowName
	}
	d := &DocData{Organ: df.Organ, Case: v, Today: today, Channel: ChannelLabel(v.Channel), Respondent: df.Respondent,
		WindowName: df.WindowName}
	// each party is followed by its agents (复议法第17条); an agent naming no existing party is listed after
	// the applicants
	placed := make([]bool, len(v.Agents))
	withAgents := func(line pdf.Markup, key string) pdf.Markup {
		for i, a := range v.Agents {
			if r := a.Represents; r == key || r == "" && key == "applicants[0]" {
				line += pdf.Markup("\n@plain " + pdf.Text(AgentLine(a)))
				placed[i] = true
			}
		}
		return line
	}
	for i, p := range v.Applicants {
		d.ApplicantText = append(d.ApplicantText, withAgents(PartyLine("申请人", p), fmt.Sprintf("applicants[%d]", i)))
	}
	for i, p := range v.ThirdParties {
		d.ThirdText = append(d.ThirdText, withAgents(PartyLine("第三人", p), fmt.Sprintf("third_parties[%d]", i)))
	}
	for i, a := range v.Agents {
		if !placed[i] {
			d.AgentText = append(d.AgentText, AgentLine(a))
		}
	}
	for _, dl := range v.Deadlines {
		switch dl.Kind {
		case DeadlineReview:
			d.ReviewDue = dl.DueOn
		case DeadlineCorrection:
			d.CorrectionDue = dl.DueOn
		case DeadlineCopy:
			d.CopyDue = dl.DueOn
		case DeadlineDecision:
			d.DecisionDue = dl.DueOn
		}
	}
	d.ReplyDays = 10
	if v.Procedure != nil && *v.Procedure == string(Simplified) {
		d.ReplyDays = 5
	}
	if v.Handling != nil {
		d.Decision = v.Handling.Current()
		if d.Decision != nil {
			d.DecisionType, _ = DecisionTypeOf(d.Decision.Type)
			if g, ok := GroundOf(TerminationGrounds, d.Decision.Ground); ok {
				d.Ground = g.Text
			}
		}
		d.Extension = v.Handling.Extension
	}
	return d, nil
}

// DocNo builds the 文号 of a document: the case's serial with the document's own 代字, e.g. 栖政复决〔2025〕1号.
func DocNo(prefix, char string, caseNo *string, year, serial int) string {
	if caseNo == nil || serial == 0 {
		return ""
	}
	return fmt.Sprintf("%s%s〔%d〕%d号", prefix, char, year, serial)
}

// DocRef is one document available for a case.
type DocRef struct {
	Type  string `json:"type"`
	Title string `json:"title"`
	Ref   string `json:"ref,omitempty"`
	URL   string `json:"url"`
}

// AvailableDocs lists the documents the case has produced so far.
func AvailableDocs(v *View) []DocRef {
	var out []DocRef
	add := func(code, ref, suffix string) {
		t, _ := DocTypeOf(code)
		u := fmt.Sprintf("/cases/%d/documents/%s.pdf", v.ID, code)
		if ref != "" {
			u += "?ref=" + ref
		}
		out = append(out, DocRef{Type: code, Title: t.Title + suffix, Ref: ref, URL: u})
	}
	add("receipt", "", "")
	if v.Correction != nil {
		add("correction", "", "")
	}
	if v.Status == StatusRejected {
		add("rejection", "", "")
	}
	if v.Transfer != nil {
		add("transfer", "", "")
	}
	if v.CaseNo == nil {
		return out
	}
	add("acceptance", "", "")
	add("reply_notice", "", "")
	for _, x := range v.Hearings {
		if h, ok := x.(interface{ DocRef() (int64, bool) }); ok {
			if id, live := h.DocRef(); live {
				add("hearing_notice", fmt.Sprint(id), fmt.Sprintf("（听证%d）", id))
			}
		}
	}
	hd := v.Handling
	if hd == nil {
		return out
	}
	if hd.Extension != nil {
		add("extension", "", "")
	}
	for i, p := range hd.Pauses {
		add("suspension", fmt.Sprint(i), "")
		if !p.EndedOn.IsZero() {
			add("resumption", fmt.Sprint(i), "")
		}
	}
	if d := hd.Current(); d != nil {
		add(DecisionDocCode(d.Type), "", "")
	}
	for _, l := range hd.OpinionLetters {
		add("opinion", fmt.Sprint(l.ID), "")
		if !ReportDue(l.Kind) {
			out[len(out)-1].Title = "行政复议建议书" // 实施条例第57条第2款: not a 意见书
		}
	}
	return out
}

// DocumentText is the title and markup text of a document of the case v (ref names the hearing, pause or
// letter; empty: the most recent): the text as issued when the document was issued, else composed now.
// clerk is who prints it.
func (s *Service) DocumentText(ctx context.Context, v *View, code, ref, clerk string) (string, string, error) {
	if code != "receipt" {
		if d, err := NewStore(s.DB).IssuedDoc(ctx, v.ID, code, ref, 0); err == nil {
			return d.Title, d.Text, nil
		} else if err != ErrDocNotFound {
			return "", "", err
		}
	}
	c, err := s.composeDoc(ctx, s.DB, v, code, ref, clerk, nil)
	if err != nil {
		return "", "", err
	}
	return c.Title, c.Text, nil
}

// Composed is a document filled in: what is rendered and, when issued, stored.
type Composed struct {
	Type, Ref, Title, DocNo, Text string
	IssuedOn                      date.Date
}

// preAcceptance are the documents issued before the case has its number: their 文号 comes from the
// organ's yearly serial of the kind (doc_serials), not from the case number.
func preAcceptance(code string) bool {
	return code == "correction" || code == "rejection" || code == "transfer"
}

// composeDoc fills the template of a document of the case v, reading through db. serial allocates the 文号
// serial of a pre-acceptance document (nil: it is composed without one, as a preview). The document's date
// is its own (the acceptance, the decision, the notice …), never the day it is printed.
func (s *Service) composeDoc(ctx context.Context, db sqlx.ExtContext, v *View, code, ref, clerk string, serial func(kind string, year int) (int, error)) (*Composed, error) {
	t, ok := DocTypeOf(code)
	if !ok {
		return nil, ErrDocNotFound
	}
	found, want, title := false, ref, t.Title
	for _, d := range AvailableDocs(v) {
		if d.Type == code && (want == "" || d.Ref == want) {
			found, ref = true, d.Ref // without ?ref= the most recent one
			if code == "opinion" {
				title = d.Title // 行政复议建议书 (实施条例第57条第2款)
			}
		}
	}
	if !found {
		return nil, ErrDocNotFound
	}
	d, err := BuildDocData(ctx, db, v, s.Today())
	if err != nil {
		return nil, err
	}
	d.Title, d.Clerk = t.Title, clerk
	if v.CaseNo != nil {
		if n, ok := ident.ParseDocNo(*v.CaseNo); ok {
			d.DocNo = DocNo(n.Prefix, t.Char, v.CaseNo, n.Year, n.Serial)
		}
	}
	on := s.Today()
	switch code {
	case "acceptance", "reply_notice":
		on = v.AcceptedOn
	case "correction":
		if v.Correction != nil {
			on = v.Correction.RequestedOn
		}
	case "rejection":
		on = v.RejectedOn
	case "transfer":
		on = transferDate(v)
	case "extension":
		if d.Extension != nil {
			on = d.Extension.On
		}
	case "decision", "termination", "dismissal", "mediation":
		if d.Decision != nil {
			on = d.Decision.DecidedOn
		}
	case "suspension", "resumption":
		i, _ := strconv.Atoi(ref)
		if v.Handling == nil || i < 0 || i >= len(v.Handling.Pauses) {
			return nil, ErrDocNotFound
		}
		d.Pause = &v.Handling.Pauses[i]
		on = d.Pause.StartedOn
		if code == "resumption" {
			on = d.Pause.EndedOn
		}
	case "opinion":
		for i := range v.Handling.OpinionLetters {
			if fmt.Sprint(v.Handling.OpinionLetters[i].ID) == ref {
				d.Letter = &v.Handling.OpinionLetters[i]
				on = d.Letter.IssuedOn
			}
		}
	case "hearing_notice":
		if s.Hearings != nil {
			if d.Hearing, err = s.Hearings.HearingNotice(ctx, db, v.ID, ref); err != nil {
				return nil, err
			}
		}
		if d.Hearing == nil {
			return nil, ErrDocNotFound
		}
		if d.Hearing.Place, err = NewStore(db).HearingPlace(ctx, d.Organ, d.Hearing.ID); err != nil {
			return nil, err
		}
		on = d.Hearing.Notified
	}
	if on.IsZero() {
		on = s.Today()
	}
	if code != "receipt" {
		d.Today = on // the document's date (提出答复通知书: the day of acceptance)
	}
	if preAcceptance(code) {
		d.DocNo = ""
		if serial != nil {
			n, err := serial(code, on.Year())
			if err != nil {
				return nil, err
			}
			d.DocNo = fmt.Sprintf("%s%s〔%d〕%d号", d.Organ.DocPrefix, t.Char, on.Year(), n)
		}
	}
	text, err := s.Docs.Text(code, d)
	if err != nil {
		return nil, err
	}
	return &Composed{Type: code, Ref: ref, Title: title, DocNo: d.DocNo, Text: text, IssuedOn: on}, nil
}

// MissingChars lists the characters of a case's names and texts that no installed font draws. Documents
// print them as 〓, so the page that lists the documents names each one (with its code point) for the
// bureau to install a font that has it (FUYI_FONT_DIR).
func MissingChars(v *View) []string {
	var b strings.Builder
	for _, ps := range [][]Party{v.Applicants, v.ThirdParties, v.Agents} {
		for _, p := range ps {
			b.WriteString(p.Name + p.Address + p.Firm + p.LegalRep)
		}
	}
	b.WriteString(v.Act.Title + v.Act.DocNo)
	if v.Handling != nil {
		if d := v.Handling.Current(); d != nil {
			keys := make([]string, 0, len(d.Sections))
			for k := range d.Sections {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				b.WriteString(d.Sections[k])
			}
		}
	}
	var out []string
	for _, r := range pdf.Undrawable(b.String()) {
		out = append(out, fmt.Sprintf("%c（U+%04X）", r, r))
	}
	return out
}
