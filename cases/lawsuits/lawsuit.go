// Package lawsuits handles 行政应诉: lawsuits against the government with their 答辩 and appeal deadlines,
// court sessions with the 负责人出庭 record, judgments (败诉), 司法/检察建议, the statistics of the period and
// the frozen 出庭应诉情况通报. It builds on cases (a lawsuit may follow a 复议 decision).
package lawsuits

import (
	"errors"
	"fmt"

	"fuyi/cases"
	"fuyi/internal/apperr"
	"fuyi/internal/calendar"
	"fuyi/internal/date"
)

// Instance of a lawsuit.
var instanceLabels = map[string]string{"first": "一审", "second": "二审", "retrial": "再审"}

// InstanceLabel names an instance in Chinese.
func InstanceLabel(s string) string { return instanceLabels[s] }

// Outcome of a lawsuit (API.md) with its 败诉 classification (DOMAIN.md §6, [S] "支持原告的判决").
type Outcome struct {
	Code  string
	Label string
	Kind  string // judgment (判决) or ruling (裁定) or mediation (调解)
	Lost  bool
	Basis string
}

// Outcomes of API.md. 驳回诉讼请求 (行诉法第69条) is not lost; 撤销 (70), 履行 (72), 给付 (73), 确认违法 (74),
// 确认无效 (75), 变更 (77), 行政协议 liability (78) and 赔偿 are lost; 裁定驳回起诉, 准予撤诉 and 调解 are
// concluded without loss.
var Outcomes = []Outcome{
	{"dismiss_claims", "判决驳回诉讼请求", "judgment", false, "行政诉讼法第69条"},
	{"revoke", "判决撤销或部分撤销", "judgment", true, "行政诉讼法第70条"},
	{"perform", "判决履行法定职责", "judgment", true, "行政诉讼法第72条"},
	{"pay", "判决履行给付义务", "judgment", true, "行政诉讼法第73条"},
	{"confirm_illegal", "判决确认违法", "judgment", true, "行政诉讼法第74条"},
	{"confirm_invalid", "判决确认无效", "judgment", true, "行政诉讼法第75条"},
	{"change", "判决变更", "judgment", true, "行政诉讼法第77条"},
	{"agreement_liability", "判决承担行政协议违约责任", "judgment", true, "行政诉讼法第78条"},
	{"compensation", "判决行政赔偿", "judgment", true, "国家赔偿法"},
	{"dismiss_suit", "裁定驳回起诉", "ruling", false, "行诉法解释第69条"},
	{"withdrawn", "裁定准予撤诉", "ruling", false, "行政诉讼法第62条"},
	{"mediated", "调解结案", "mediation", false, "行政诉讼法第60条"},
}

// OutcomeEnum is Outcomes as an enumeration (its refusal lists every code with its label and article).
func OutcomeEnum() apperr.Enum {
	e := apperr.Enum{Name: "裁判结果"}
	for _, o := range Outcomes {
		e.Choices = append(e.Choices, apperr.Choice{Code: o.Code, Label: o.Label + "（" + o.Basis + "）"})
	}
	return e
}

// JudgmentKinds are the kinds of the document that ends an instance (empty: the outcome's).
var JudgmentKinds = apperr.NewEnum("裁判文书类别（为空时按裁判结果）", "judgment", "判决", "ruling", "裁定", "mediation", "调解")

// OutcomeOf finds an outcome by code.
func OutcomeOf(code string) (Outcome, bool) {
	for _, o := range Outcomes {
		if o.Code == code {
			return o, true
		}
	}
	return Outcome{}, false
}

// Lost is the 败诉 rule: true when the court decided for the plaintiff on the merits (DOMAIN.md §6).
func Lost(outcome string) bool {
	o, _ := OutcomeOf(outcome)
	return o.Lost
}

// DefendantSuggestion is who should be sued after a 复议 decision.
type DefendantSuggestion struct {
	Agency bool   // the original agency is (co-)defendant
	Organ  bool   // the 复议机关 is (co-)defendant
	Note   string // the rule applied
}

// SuggestDefendants applies 行政诉讼法第26条 and 行诉法解释第22条: when the 复议机关 maintains the act
// (including 驳回复议请求, and 驳回复议申请 except for not meeting the acceptance conditions), the original
// agency and the 复议机关 are co-defendants; when it changes the result (including 确认无效 and, except on
// procedural grounds, 确认违法) the 复议机关 alone is defendant; without a decision on the merits (终止, 调解,
// 驳回申请 under 第33条) the original agency is defendant.
func SuggestDefendants(decisionType string) DefendantSuggestion {
	switch decisionType {
	case "maintain", "dismiss_request":
		return DefendantSuggestion{true, true, "复议机关决定维持（含驳回复议请求）的，作出原行政行为的行政机关和复议机关是共同被告（行政诉讼法第26条第2款、行诉法解释第22条）"}
	case "change", "revoke", "order_perform", "confirm_invalid", "confirm_illegal":
		return DefendantSuggestion{false, true, "复议机关改变原行政行为的，复议机关是被告（行政诉讼法第26条第2款）；以违反法定程序为由确认违法的除外，请核对"}
	case "dismiss_application":
		return DefendantSuggestion{true, false, "以不符合受理条件为由驳回复议申请的，不属于维持，原行政机关是被告（行诉法解释第22条第1款但书）"}
	}
	return DefendantSuggestion{true, false, "复议未就原行政行为作出实体决定，原行政机关是被告"}
}

// HeadRequiredReasons are the cases in which the 负责人 must appear (出庭规定第4条, 解释第129条).
var HeadRequiredReasons = map[string]string{
	"public_interest": "涉及重大公共利益（食品药品安全、生态环境和资源保护、公共卫生安全等）",
	"social_concern":  "社会高度关注",
	"mass_incident":   "可能引发群体性事件",
	"court_notice":    "人民法院书面建议负责人出庭",
	"other":           "其他",
}

// Lawsuit deadline kinds.
const (
	DeadlineAnswer     = "answer"     // 答辩状 within 15 days (行诉法第67条)
	DeadlineAppeal     = "appeal"     // 上诉 within 15 / 10 days (行诉法第85条)
	DeadlineSuggestion = "suggestion" // reply to a 司法/检察建议
)

var deadlineLabels = map[string]string{
	DeadlineAnswer:     "提交答辩状",
	DeadlineAppeal:     "上诉期限",
	DeadlineSuggestion: "建议回复",
}

// DeadlineLabel names a deadline kind of a lawsuit or, for any other kind, of a case (pages, alerts and the
// calendar feed show both).
func DeadlineLabel(kind string) string {
	if l, ok := deadlineLabels[kind]; ok {
		return l
	}
	return cases.DeadlineLabel(kind)
}

// LawsuitFacts are what the lawsuit deadlines depend on.
type LawsuitFacts struct {
	ComplaintReceivedOn date.Date
	AnswerFiledOn       date.Date
	Instance            string // first, second or retrial
	PreviousInstance    string // instance of the linked earlier lawsuit ("" when none is linked)
	Outcome             string // how the instance ended (Outcomes)
	ServedOn            date.Date
	AppealDecidedOn     date.Date
	Suggestions         []SuggestionFact
}

// SuggestionFact is a 建议 with its due and reply dates.
type SuggestionFact struct {
	ID         int64     `db:"id"`
	Kind       string    `db:"kind"`
	ReceivedOn date.Date `db:"received_on"`
	DueOn      date.Date `db:"reply_due_on"`
	RepliedOn  date.Date `db:"replied_on"`
}

// Appeal is whether and how long a party may appeal what ended an instance.
type Appeal struct {
	Days  int    // 0: not appealable
	Basis string // the rule applied, in words
}

// AppealPeriod applies the appeal rules to the instance and the kind and outcome of what ended it.
// 行政诉讼法第85条: an appeal lies within 15 days of service of a 第一审判决 and within 10 days of service of a
// 第一审裁定. 第7条: 两审终审 — a second-instance judgment or ruling is final. 行诉法解释第101条第2款: of the rulings
// only those on 不予立案, 驳回起诉 and 管辖异议 are appealable — not 准许撤诉 (第1款第10项); of the outcomes recorded
// here that leaves 裁定驳回起诉 (不予立案 and 管辖异议 rulings do not end a registered lawsuit's instance). A
// 调解书 is not appealable. 解释第119条: a retrial under the first-instance procedure (the effective decision was
// a first-instance one) may be appealed; one under the second-instance procedure, or 提审 by a higher court, is
// final.
func AppealPeriod(instance, previousInstance, outcome string) Appeal {
	o, ok := OutcomeOf(outcome)
	if !ok || o.Kind == "mediation" {
		return Appeal{Basis: "调解书不得上诉，经双方当事人签收后发生法律效力"}
	}
	note := ""
	switch instance {
	case "second":
		return Appeal{Basis: "第二审人民法院的判决、裁定是终审的判决、裁定，不得上诉（行政诉讼法第7条两审终审）"}
	case "retrial":
		if previousInstance == "second" {
			return Appeal{Basis: "按第二审程序再审所作的判决、裁定是发生法律效力的判决、裁定，不得上诉（行诉法解释第119条）"}
		}
		note = "；再审按第一审程序审理的，所作判决、裁定可以上诉（行诉法解释第119条），如系上级人民法院提审，所作裁判发生法律效力，无上诉期限，请核对"
	}
	if o.Kind == "judgment" {
		return Appeal{Days: 15, Basis: "不服第一审判决的，自判决书送达之日起15日内上诉（行政诉讼法第85条）" + note}
	}
	if o.Code == "dismiss_suit" {
		return Appeal{Days: 10, Basis: "驳回起诉的裁定可以上诉（行诉法解释第101条第2款），自裁定书送达之日起10日内上诉（行政诉讼法第85条）" + note}
	}
	return Appeal{Basis: fmt.Sprintf("%s不属于可以上诉的裁定（行诉法解释第101条第2款：仅不予立案、驳回起诉、管辖异议的裁定可以上诉）", o.Label)}
}

// ComputeLawsuit derives the deadlines of a lawsuit: 答辩 15 days from receipt of the 起诉状副本 (行诉法第67条),
// the appeal where AppealPeriod allows one, and replies to suggestions. Natural days: a last day that is a
// 法定休假日 moves to the first working day after it (民诉法第85条第3款 via 行诉法第101条).
func ComputeLawsuit(cal *calendar.Calendar, f LawsuitFacts) ([]cases.Deadline, error) {
	var out []cases.Deadline
	add := func(d cases.Deadline, from date.Date, days int) error {
		due, suffix, err := cases.LitigationPeriodEnd(cal, from.AddDays(days))
		if err != nil {
			var e *apperr.Error
			if !errors.As(err, &e) || e.Code != "calendar.year_missing" {
				return err
			}
			d.Status, d.DueOn, d.MetOn = cases.DeadlinePending, date.Date{}, date.Date{}
			d.Basis += "；" + e.Message
		} else {
			d.DueOn = due
			d.Basis += suffix
		}
		out = append(out, d)
		return nil
	}
	if err := add(cases.Deadline{Kind: DeadlineAnswer, Status: cases.MetStatus(f.AnswerFiledOn), MetOn: f.AnswerFiledOn,
		Basis: fmt.Sprintf("答辩期限：自%s收到起诉状副本起15日内提交答辩状、证据和所依据的规范性文件（行政诉讼法第67条）", f.ComplaintReceivedOn)}, f.ComplaintReceivedOn, 15); err != nil {
		return nil, err
	}
	if ap := AppealPeriod(f.Instance, f.PreviousInstance, f.Outcome); !f.ServedOn.IsZero() && ap.Days > 0 {
		if err := add(cases.Deadline{Kind: DeadlineAppeal, Status: cases.MetStatus(f.AppealDecidedOn), MetOn: f.AppealDecidedOn,
			Basis: fmt.Sprintf("上诉期限：%s送达，%s", f.ServedOn, ap.Basis)}, f.ServedOn, ap.Days); err != nil {
			return nil, err
		}
	}
	for _, s := range f.Suggestions {
		label := "司法建议"
		if s.Kind == "procuratorial" {
			label = "检察建议"
		}
		out = append(out, cases.Deadline{Kind: DeadlineSuggestion, Ref: fmt.Sprint(s.ID), DueOn: s.DueOn, Status: cases.MetStatus(s.RepliedOn), MetOn: s.RepliedOn,
			Basis: fmt.Sprintf("%s回复期限：%s收到，应于%s前书面回复", label, s.ReceivedOn, s.DueOn)})
	}
	return out, nil
}
