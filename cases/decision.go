package cases

import "fuyi/internal/apperr"

// DecisionType is one of the eleven outcomes of API.md (复议法第63–74条, 第33条).
type DecisionType struct {
	Code       string
	Label      string
	Article    string // the article the decision rests on
	Corrective bool   // counts as 纠错 (DOMAIN.md §5)
	Resolves   bool   // 实质化解 (调解, 和解): counted in 调撤率
	Terminates bool   // ends the case as 终止 rather than 决定
	Document   string // the document it produces
}

// DecisionTypes in the order of the statute.
var DecisionTypes = []DecisionType{
	{"change", "变更", "第六十三条", true, false, false, "行政复议决定书"},
	{"revoke", "撤销或者部分撤销", "第六十四条", true, false, false, "行政复议决定书"},
	{"confirm_illegal", "确认违法", "第六十五条", true, false, false, "行政复议决定书"},
	{"order_perform", "责令履行", "第六十六条", true, false, false, "行政复议决定书"},
	{"confirm_invalid", "确认无效", "第六十七条", true, false, false, "行政复议决定书"},
	{"maintain", "维持", "第六十八条", false, false, false, "行政复议决定书"},
	{"dismiss_request", "驳回行政复议请求", "第六十九条", false, false, false, "行政复议决定书"},
	{"dismiss_application", "驳回行政复议申请", "第三十三条", false, false, false, "驳回行政复议申请决定书"},
	{"mediation", "调解", "第七十三条", false, true, false, "行政复议调解书"},
	{"settlement", "和解后撤回申请，终止审理", "第七十四条、第四十一条第一项", false, true, true, "行政复议终止决定书"},
	{"terminate", "终止行政复议", "第四十一条", false, false, true, "行政复议终止决定书"},
}

// DecisionTypeOf finds a type by code.
func DecisionTypeOf(code string) (DecisionType, bool) {
	for _, t := range DecisionTypes {
		if t.Code == code {
			return t, true
		}
	}
	return DecisionType{}, false
}

// Requires performance by the respondent (复议法第77条): decisions that change or order something, and 调解书.
func (t DecisionType) RequiresPerformance() bool {
	switch t.Code {
	case "change", "revoke", "order_perform", "confirm_illegal", "confirm_invalid", "mediation":
		return true
	}
	return false
}

// SuspensionGrounds are the grounds of 中止 (复议法第39条第1款).
var SuspensionGrounds = []Ground{
	{"39-1", "作为申请人的公民死亡，其近亲属尚未确定是否参加行政复议（第39条第1款第1项）", true},
	{"39-2", "作为申请人的公民丧失参加行政复议的行为能力，尚未确定法定代理人参加行政复议（第39条第1款第2项）", true},
	{"39-3", "作为申请人的公民下落不明（第39条第1款第3项）", false},
	{"39-4", "作为申请人的法人或者其他组织终止，尚未确定权利义务承受人（第39条第1款第4项）", true},
	{"39-5", "申请人、被申请人因不可抗力或者其他正当理由，不能参加行政复议（第39条第1款第5项）", false},
	{"39-6", "依法进行调解、和解，申请人和被申请人同意中止（第39条第1款第6项）", false},
	{"39-7", "案件涉及的法律适用问题需要有权机关作出解释或者确认（第39条第1款第7项）", false},
	{"39-8", "案件审理需要以其他案件的审理结果为依据，而其他案件尚未审结（第39条第1款第8项）", false},
	{"39-9", "有本法第五十六条或者第五十七条规定的情形（第39条第1款第9项）", false},
	{"39-10", "需要中止行政复议的其他情形（第39条第1款第10项）", false},
}

// TerminationGrounds are the grounds of 终止 (复议法第41条).
var TerminationGrounds = []Ground{
	{"41-1", "申请人撤回行政复议申请，行政复议机构准予撤回（第41条第1项）", false},
	{"41-2", "作为申请人的公民死亡，没有近亲属或者其近亲属放弃行政复议权利（第41条第2项）", false},
	{"41-3", "作为申请人的法人或者其他组织终止，没有权利义务承受人或者其权利义务承受人放弃行政复议权利（第41条第3项）", false},
	{"41-4", "申请人对行政拘留或者限制人身自由的行政强制措施不服申请行政复议后，因同一违法行为涉嫌犯罪，被采取刑事强制措施（第41条第4项）", false},
	{"41-5", "依照第39条第1款第1项、第2项、第4项中止满60日，中止的原因仍未消除（第41条第5项）", false},
}

// Ground is a statutory ground with its text. Lapses marks the 中止 grounds that turn into 终止 after 60 days
// (复议法第41条第5项).
type Ground struct {
	Code   string
	Text   string
	Lapses bool
}

// GroundEnum is a list of grounds as an enumeration (its refusal lists every code with its text).
func GroundEnum(name string, list []Ground) apperr.Enum {
	e := apperr.Enum{Name: name}
	for _, g := range list {
		e.Choices = append(e.Choices, apperr.Choice{Code: g.Code, Label: g.Text})
	}
	return e
}

// DecisionTypeEnum is DecisionTypes as an enumeration.
func DecisionTypeEnum() apperr.Enum {
	e := apperr.Enum{Name: "决定类型"}
	for _, t := range DecisionTypes {
		e.Choices = append(e.Choices, apperr.Choice{Code: t.Code, Label: t.Label + "（" + t.Article + "）"})
	}
	return e
}

// GroundOf finds a ground in a list.
func GroundOf(list []Ground, code string) (Ground, bool) {
	for _, g := range list {
		if g.Code == code {
			return g, true
		}
	}
	return Ground{}, false
}

// Decision sections (the parts of a 决定书, DOMAIN.md §11).
var SectionKeys = []struct{ Key, Label string }{
	{"requests", "申请人请求"},
	{"applicant_says", "申请人称"},
	{"respondent_says", "被申请人称"},
	{"third_party_says", "第三人称"},
	{"facts", "经审理查明"},
	{"reasoning", "本机关认为"},
	{"ruling", "决定如下"},
}
