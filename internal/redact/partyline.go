package redact

import "regexp"

// The party-line rule (README, 网上公开): a published decision names a natural person by surname + 某 and the
// county of residence only. Sex and birth date are left out altogether — no age group either: with a rare
// 复姓 and the county, sex and birth date single a person out, and the decision's reasoning never needs them.
// (The courts' 2016 rules keep them; we publish less.) The ethnic group and an age in years stay.

const cnNum = `[〇零○一二三四五六七八九十]`

var (
	birthDate = `(?:\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?|` + cnNum + `{4}年(?:` + cnNum + `{1,2}月(?:` + cnNum + `{1,3}日)?)?|\d{4}[./-]\d{1,2}(?:[./-]\d{1,2})?|\d{8}|\d{6})`
	// the birth date with the comma before it: "，1985年12月12日出生" / "，出生日期：1985-12-12" / "，生于1985年"
	birthRe = regexp.MustCompile(`,?\s*(?:(?:出生日期|出生年月日?|生日|出生于|生于)\s*(?:为|是)?\s*[:：]?\s*` + birthDate + `(?:出生)?|` +
		birthDate + `\s*(?:出生|生人|生(?:[,，。；;、\s]|$)))`)
	// "，女，" / "，男。" / "性别：男": group 1 is what goes
	sexRe = regexp.MustCompile(`(,\s*(?:性别\s*[:：]?\s*)?[男女]性?)\s*(?:[,;。.、]|$)|(性别\s*[:：]\s*[男女]性?)`)
)

// partyLines finds the sex and birth date of natural persons in the view; they are deleted.
func partyLines(v *view) []match {
	var out []match
	for _, m := range birthRe.FindAllStringIndex(v.s, -1) {
		a, b := m[0], m[1]
		// "生，" keeps its comma
		if t := v.s[a:b]; len(t) > 0 && (t[len(t)-1] == ',' || t[len(t)-1] == ' ' || t[len(t)-1] == ';') {
			b--
		} else if len(t) >= 3 && (t[len(t)-3:] == "，" || t[len(t)-3:] == "。" || t[len(t)-3:] == "；" || t[len(t)-3:] == "、") {
			b -= 3
		}
		oa, ob := v.span(a, b)
		out = append(out, match{start: oa, end: ob, cat: Birth, repl: ""})
	}
	for _, m := range sexRe.FindAllStringSubmatchIndex(v.s, -1) {
		a, b := m[2], m[3]
		if a < 0 {
			a, b = m[4], m[5]
		}
		oa, ob := v.span(a, b)
		out = append(out, match{start: oa, end: ob, cat: Sex, repl: ""})
	}
	return out
}
