package cases

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/date"
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
	ApplicantText []string // 申请人 block lines
	AgentText     []string
	ThirdText     []string
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
func PartyLine(role string, p Party) string {
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
	if p.Kind == "org" && p.LegalRep != "" {
		b.WriteString("\n@plain 法定代表人：" + p.LegalRep)
		if p.RepTitle != "" {
			b.WriteString("，" + p.RepTitle)
		}
		b.WriteString("。")
	}
	return b.String()
}

// BuildDocData assembles the data of a document of a case.
func BuildDocData(ctx context.Context, db sqlx.ExtContext, v *View, today date.Date) (*DocData, error) {
	st := NewStore(db)
	organ, err := st.Organ(ctx)
	if err != nil {
		return nil, err
	}
	d := &DocData{Organ: organ, Case: v, Today: today, Channel: ChannelLabel(v.Channel)}
	if err := sqlx.GetContext(ctx, db, &d.Respondent, `SELECT name, address, legal_rep, legal_rep_title FROM agencies WHERE id = $1`, v.AgencyID); err != nil {
		return nil, err
	}
	for _, p := range v.Applicants {
		d.ApplicantText = append(d.ApplicantText, PartyLine("申请人", p))
	}
	for _, p := range v.Agents {
		line := "委托代理人：" + p.Name
		if p.Firm != "" {
			line += "，" + p.Firm
			if p.AgentKind == "lawyer" {
				line += "律师"
			}
		}
		d.AgentText = append(d.AgentText, line+"。")
	}
	for _, p := range v.ThirdParties {
		d.ThirdText = append(d.ThirdText, PartyLine("第三人", p))
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
	if c, err := st.Get(ctx, v.ID); err == nil {
		d.WindowName = c.WindowName
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

// hearingPlace is where a hearing takes place, as its notice must say (复议法第51条第1款): the organ's
// address, the room's location and the room; an online hearing gives its link.
func hearingPlace(ctx context.Context, db sqlx.QueryerContext, organ Organ, hearingID int64) (string, error) {
	var room struct {
		Name     string `db:"name"`
		Location string `db:"location"`
		Link     string `db:"online_link"`
	}
	err := sqlx.GetContext(ctx, db, &room, `SELECT coalesce(r.name, '') AS name, coalesce(r.location, '') AS location, h.online_link
		FROM hearings h LEFT JOIN rooms r ON r.id = h.room_id WHERE h.id = $1`, hearingID)
	if err != nil {
		return "", fmt.Errorf("cases: hearing place: %w", err)
	}
	if room.Name == "" {
		return "网络听证（" + room.Link + "）", nil
	}
	return organ.Address + room.Location + "（" + room.Name + "）", nil
}

// preAcceptanceSerial numbers the 补正通知书 and 不予受理决定书 of a year, which are issued before a case has
// its number: the rank of the case among the year's cases with such a document, by date and case id.
func preAcceptanceSerial(ctx context.Context, db sqlx.QueryerContext, code string, caseID int64, on date.Date) (int, error) {
	q := `SELECT count(*) FROM cases WHERE rejected_on IS NOT NULL AND date_part('year', rejected_on) = $1
		AND (rejected_on < $2 OR (rejected_on = $2 AND id <= $3))`
	if code == "correction" {
		q = `SELECT count(DISTINCT case_id) FROM corrections WHERE date_part('year', requested_on) = $1
			AND (requested_on < $2 OR (requested_on = $2 AND case_id <= $3))`
	}
	var n int
	if err := sqlx.GetContext(ctx, db, &n, q, on.Year(), on, caseID); err != nil {
		return 0, fmt.Errorf("cases: document serial: %w", err)
	}
	return n, nil
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
