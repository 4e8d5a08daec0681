package cases

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"fuyi/internal/apperr"
	"fuyi/internal/date"
	"fuyi/internal/ident"
)

// PartyInput is an applicant, third party or agent as submitted.
type PartyInput struct {
	Kind       string `json:"kind" form:"kind"`
	Name       string `json:"name" form:"name"`
	IDType     string `json:"id_type" form:"id_type"`
	IDNumber   string `json:"id_number" form:"id_number"`
	CreditCode string `json:"credit_code" form:"credit_code"`
	LegalRep   string `json:"legal_rep" form:"legal_rep"`
	RepTitle   string `json:"legal_rep_title" form:"legal_rep_title"` // 职务
	Phone      string `json:"phone" form:"phone"`
	Address    string `json:"address" form:"address"`
	AgentKind  string `json:"agent_kind" form:"agent_kind"`
	Firm       string `json:"firm" form:"firm"`
	Represents string `json:"represents" form:"represents"` // agents: "applicants[0]" (default), "third_parties[1]" …
}

// ActInput is the contested administrative act.
type ActInput struct {
	Title      string `json:"title"`
	DocNo      string `json:"doc_no"`
	MadeOn     string `json:"made_on"`
	KnownOn    string `json:"known_on"`
	Matter     string `json:"matter"`
	RealEstate bool   `json:"real_estate"`
}

// Application is the body of POST /cases.
type Application struct {
	ReceivedOn         string       `json:"received_on"`
	Channel            string       `json:"channel"`
	PostmarkedOn       string       `json:"postmarked_on"` // channel mail: the postmark date, if legible
	Applicants         []PartyInput `json:"applicants"`
	Agents             []PartyInput `json:"agents"`
	ThirdParties       []PartyInput `json:"third_parties"`
	RespondentAgencyID int          `json:"respondent_agency_id"`
	Act                ActInput     `json:"act"`
	Requests           string       `json:"requests"`
	Facts              string       `json:"facts"`
	Materials          []string     `json:"materials"`
}

// Validated is an application that passed validation, with parsed values.
type Validated struct {
	ReceivedOn   date.Date
	Channel      string
	PostmarkedOn date.Date
	Applicants   []Party
	Agents       []Party
	ThirdParties []Party
	AgencyID     int
	ActTitle     string
	ActDocNo     string
	ActMadeOn    date.Date
	ActKnownOn   date.Date
	Matter       string
	RealEstate   bool
	Requests     string
	Facts        string
	Materials    []string
}

// Size limits of free text (characters).
const (
	maxName     = 100
	maxAddress  = 200
	maxTitle    = 200
	maxRequests = 5000
	maxFacts    = 50000
	maxParties  = 50
)

var idTypes = map[string]string{"resident_id": "居民身份证", "passport": "护照", "hk_macao_taiwan": "港澳台居民证件", "other": "其他证件"}

func checkText(f apperr.Fields, field, label, v string, required bool, max int) string {
	v = strings.TrimSpace(v)
	switch {
	case required && v == "":
		f.Add(field, "%s不能为空", label)
	case utf8.RuneCountInString(v) > max:
		f.Add(field, "%s不能超过%d字（当前%d字）", label, max, utf8.RuneCountInString(v))
	case !utf8.ValidString(v) || strings.ContainsRune(v, 0):
		f.Add(field, "%s含有无法识别的字符", label)
	}
	return v
}

func checkDate(f apperr.Fields, field, label, v string, required bool, today date.Date) date.Date {
	v = strings.TrimSpace(v)
	if v == "" {
		if required {
			f.Add(field, "%s不能为空", label)
		}
		return date.Date{}
	}
	d, err := date.Parse(v)
	if err != nil {
		f.Add(field, "%s格式应为YYYY-MM-DD，如2025-09-26", label)
		return date.Date{}
	}
	if d.After(today) {
		f.Add(field, "%s不能晚于今天（%s）", label, today)
		return date.Date{}
	}
	if d.Year() < 1950 {
		f.Add(field, "%s早于1950年，请核对", label)
		return date.Date{}
	}
	return d
}

func checkParty(f apperr.Fields, prefix, who string, p PartyInput, role string, today date.Date) Party {
	out := Party{Role: role, Kind: strings.TrimSpace(p.Kind)}
	if role == "agent" && out.Kind == "" {
		out.Kind = "person"
	}
	if !PartyKinds.Add(f, prefix+".kind", out.Kind) {
		return out
	}
	out.Name = checkText(f, prefix+".name", who+"名称", p.Name, true, maxName)
	out.Address = checkText(f, prefix+".address", who+"住所", p.Address, false, maxAddress)
	if strings.TrimSpace(p.Phone) != "" {
		if ph, msg := ident.CheckPhone(p.Phone); msg != "" {
			f.Add(prefix+".phone", "%s", msg)
		} else {
			out.Phone = ph
		}
	}
	if out.Kind == "person" {
		out.IDType = strings.TrimSpace(p.IDType)
		if out.IDType == "" {
			out.IDType = "resident_id"
		}
		IDTypes.Add(f, prefix+".id_type", out.IDType)
		num := strings.TrimSpace(p.IDNumber)
		switch {
		case num == "" && role == "applicant":
			f.Add(prefix+".id_number", "%s的证件号码不能为空", who)
		case num == "":
		case out.IDType == "resident_id":
			person, msg := ident.ParseIDNumber(num, today)
			if msg != "" {
				f.Add(prefix+".id_number", "%s", msg)
				break
			}
			out.IDNumber, out.BirthDate = person.Number, person.Birth
			out.Sex = "女"
			if person.Male {
				out.Sex = "男"
			}
		default:
			out.IDNumber = checkText(f, prefix+".id_number", "证件号码", num, false, 40)
		}
		if strings.TrimSpace(p.CreditCode) != "" {
			f.Add(prefix+".credit_code", "自然人不填写统一社会信用代码")
		}
	} else {
		code := strings.TrimSpace(p.CreditCode)
		if code == "" {
			if role == "applicant" {
				f.Add(prefix+".credit_code", "法人或其他组织须填写统一社会信用代码")
			}
		} else if norm, msg := ident.CheckCreditCode(code); msg != "" {
			f.Add(prefix+".credit_code", "%s", msg)
		} else {
			out.CreditCode = norm
		}
		out.LegalRep = checkText(f, prefix+".legal_rep", "法定代表人或负责人", p.LegalRep, role == "applicant", maxName)
		out.RepTitle = checkText(f, prefix+".legal_rep_title", "法定代表人职务", p.RepTitle, false, maxName)
		if strings.TrimSpace(p.IDNumber) != "" {
			f.Add(prefix+".id_number", "法人或其他组织不填写身份证号码，请填写统一社会信用代码")
		}
	}
	if role == "agent" {
		out.AgentKind = strings.TrimSpace(p.AgentKind)
		if out.AgentKind == "" {
			out.AgentKind = "other"
		}
		AgentKinds.Add(f, prefix+".agent_kind", out.AgentKind)
		out.Firm = checkText(f, prefix+".firm", "所在单位", p.Firm, out.AgentKind == "lawyer", maxName)
		out.Represents = strings.TrimSpace(p.Represents)
		if out.Represents == "" {
			out.Represents = "applicants[0]"
		}
	}
	return out
}

// MaxAgentsPerParty: 申请人、第三人可以委托一至二名律师、基层法律服务工作者或者其他代理人 (复议法第17条).
const MaxAgentsPerParty = 2

var representsRe = regexp.MustCompile(`^(applicants|third_parties)\[(\d+)\]$`)

// checkRepresents checks that each agent represents an applicant or a third party of the application, and
// that no party has more than MaxAgentsPerParty agents.
func checkRepresents(f apperr.Fields, v Validated) {
	count := map[string]int{}
	for i, a := range v.Agents {
		field := fmt.Sprintf("agents[%d].represents", i)
		m := representsRe.FindStringSubmatch(a.Represents)
		if m == nil {
			f.Add(field, "请写明代理人代理的当事人（applicants[序号] 或 third_parties[序号]）")
			continue
		}
		n, _ := strconv.Atoi(m[2])
		group, who := v.Applicants, "申请人"
		if m[1] == "third_parties" {
			group, who = v.ThirdParties, "第三人"
		}
		if n >= len(group) {
			f.Add(field, "代理人代理的%s不存在（共%d名%s）", who, len(group), who)
			continue
		}
		if count[a.Represents]++; count[a.Represents] > MaxAgentsPerParty {
			f.Add(field, "每名申请人或第三人可以委托一至二名代理人（复议法第十七条），%s%s已有两名", who, group[n].Name)
		}
	}
}

// Validate checks an application and returns it parsed, or an Invalid error naming every failing field.
func (a Application) Validate(today date.Date) (Validated, error) {
	f := apperr.Fields{}
	v := Validated{}
	v.ReceivedOn = checkDate(f, "received_on", "收到申请日期", a.ReceivedOn, true, today)
	v.Channel = strings.TrimSpace(a.Channel)
	if v.Channel == "" {
		v.Channel = "window"
	}
	Channels.Add(f, "channel", v.Channel)
	v.PostmarkedOn = checkPostmark(f, a.PostmarkedOn, v, today)
	if len(a.Applicants) == 0 {
		f.Add("applicants", "至少须有一名申请人")
	}
	if len(a.Applicants)+len(a.Agents)+len(a.ThirdParties) > maxParties {
		f.Add("applicants", "当事人总数不能超过%d", maxParties)
	}
	for i, p := range a.Applicants {
		v.Applicants = append(v.Applicants, checkParty(f, fmt.Sprintf("applicants[%d]", i), "申请人", p, "applicant", today))
	}
	for i, p := range a.Agents {
		v.Agents = append(v.Agents, checkParty(f, fmt.Sprintf("agents[%d]", i), "委托代理人", p, "agent", today))
	}
	for i, p := range a.ThirdParties {
		v.ThirdParties = append(v.ThirdParties, checkParty(f, fmt.Sprintf("third_parties[%d]", i), "第三人", p, "third_party", today))
	}
	checkRepresents(f, v)
	if a.RespondentAgencyID <= 0 {
		f.Add("respondent_agency_id", "请选择被申请人（作出行政行为的行政机关）")
	}
	v.AgencyID = a.RespondentAgencyID
	v.ActTitle = checkText(f, "act.title", "被申请复议的行政行为名称", a.Act.Title, true, maxTitle)
	v.ActDocNo = checkText(f, "act.doc_no", "行政行为文号", a.Act.DocNo, false, 100)
	v.ActMadeOn = checkDate(f, "act.made_on", "行政行为作出日期", a.Act.MadeOn, false, today)
	v.ActKnownOn = checkDate(f, "act.known_on", "知道该行政行为的日期", a.Act.KnownOn, true, today)
	if !v.ActMadeOn.IsZero() && !v.ActKnownOn.IsZero() && v.ActKnownOn.Before(v.ActMadeOn) {
		f.Add("act.known_on", "知道该行政行为的日期（%s）不能早于行政行为作出日期（%s）", v.ActKnownOn, v.ActMadeOn)
	}
	if !v.ActKnownOn.IsZero() && !v.ReceivedOn.IsZero() && v.ReceivedOn.Before(v.ActKnownOn) {
		f.Add("received_on", "收到申请日期（%s）不能早于知道该行政行为的日期（%s）", v.ReceivedOn, v.ActKnownOn)
	}
	if !v.ActKnownOn.IsZero() && !v.PostmarkedOn.IsZero() && v.PostmarkedOn.Before(v.ActKnownOn) {
		f.Add("postmarked_on", "邮戳日期（%s）不能早于知道该行政行为的日期（%s）", v.PostmarkedOn, v.ActKnownOn)
	}
	v.Matter = strings.TrimSpace(a.Act.Matter)
	if v.Matter == "" {
		f.Add("act.matter", "请选择申请事项")
	} else if !containsString(Matters, v.Matter) {
		f.Add("act.matter", "申请事项须为以下之一：%s", strings.Join(Matters, "、"))
	}
	v.RealEstate = a.Act.RealEstate
	v.Requests = checkText(f, "requests", "行政复议请求", a.Requests, true, maxRequests)
	v.Facts = checkText(f, "facts", "事实和理由", a.Facts, false, maxFacts)
	if len(a.Materials) > 50 {
		f.Add("materials", "材料清单不超过50项")
	}
	for i, m := range a.Materials {
		if m = checkText(f, fmt.Sprintf("materials[%d]", i), "材料名称", m, false, 200); m != "" {
			v.Materials = append(v.Materials, m)
		}
	}
	return v, f.Err()
}

// checkPostmark validates the postmark of an application sent by post (民事诉讼法第85条第4款: the period is
// met by posting): only for the mail channel, not after the day of receipt, not in the future.
func checkPostmark(f apperr.Fields, raw string, v Validated, today date.Date) date.Date {
	if strings.TrimSpace(raw) == "" {
		return date.Date{}
	}
	d := checkDate(f, "postmarked_on", "邮戳日期", raw, false, today)
	switch {
	case d.IsZero():
	case v.Channel != "mail":
		f.Add("postmarked_on", "只有邮寄（mail）的申请才填写邮戳日期")
		return date.Date{}
	case !v.ReceivedOn.IsZero() && d.After(v.ReceivedOn):
		f.Add("postmarked_on", "邮戳日期（%s）不能晚于收到申请日期（%s）", d, v.ReceivedOn)
		return date.Date{}
	}
	return d
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// CheckDate validates a date field (exported for features built on cases).
func CheckDate(f apperr.Fields, field, label, v string, required bool, today date.Date) date.Date {
	return checkDate(f, field, label, v, required, today)
}

// The enumerations of an application: a refusal lists every code with its label, as the API document does.
var (
	PartyKinds = apperr.NewEnum("当事人类别（申请人、第三人；代理人为空时按 person）", "person", "自然人", "org", "法人或者其他组织")
	IDTypes    = apperr.EnumOf("证件类型（自然人；为空时按 resident_id）", idTypes)
	AgentKinds = apperr.NewEnum("代理人类别（为空时按 other）", "lawyer", "律师", "relative", "近亲属", "other", "其他")
	Channels   = apperr.EnumOf("申请方式（为空时按 window）", channelLabels)
)
