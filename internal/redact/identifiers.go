package redact

import (
	"regexp"
	"strings"
	"time"
)

// Identifiers are found in the normalised view (normalize.go) by their structure and check digits, so that
// 320113 19851212 4567, １３９１２３４５６７８, 139.1234.5678, 一三九一二三四五六七八 and zhang＠example.com are
// all seen. Anything else of seven digits or more that is not a date or an amount is removed too: in a
// decision such a number is a telephone, an account or a certificate.

var (
	emailRe = regexp.MustCompile(`[A-Za-z0-9._%+\-]+ ?@ ?[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)
	// identifiers named by a label: the value is group 1
	labelled = []struct {
		re  *regexp.Regexp
		cat Category
	}{
		{regexp.MustCompile(`(?i)(?:QQ|扣扣)(?:号码|号|账号)?\s*(?:为|是)?\s*[:：]?\s*(\d{5,12})`), Social},
		{regexp.MustCompile(`(?i)(?:微信|weixin|wechat|vx|v信)(?:号码|号|账号|id)?\s*(?:为|是)?\s*[:：]?\s*([A-Za-z][-_A-Za-z0-9]{5,19}|\+?\d{5,15})`), Social},
		{regexp.MustCompile(`(?i)(?:电话|手机|联系方式|座机|传真|tel|phone|mobile)(?:号码|号)?\s*(?:为|是)?\s*[:：]?\s*(\+?\d{5,17})`), Phone},
		{regexp.MustCompile(`(?:账号|帐号|卡号|账户|帐户|银行卡)(?:号码|号)?\s*(?:为|是)?\s*[:：]?\s*(\d{6,30})`), Bank},
		{regexp.MustCompile(`(?:身份证|身份证件|证件|护照|驾驶证|驾照|通行证|居住证|社保卡|医保卡)(?:号码|号|编号)?\s*(?:为|是)?\s*[:：]?\s*([A-Za-z0-9]{5,30})`), IDNumber},
		{regexp.MustCompile(`(?:统一社会信用代码|信用代码|注册号|组织机构代码|营业执照号码?)\s*(?:为|是)?\s*[:：]?\s*([0-9A-Za-z]{8,20})`), CreditCode},
		{regexp.MustCompile(`(?:证号|证书号|证书编号|权证号|产权证号|不动产单元号)\s*(?:为|是)?\s*[:：]?\s*([A-Za-z0-9]{4,30})`), Property},
	}
	propertyRe = regexp.MustCompile(`(?:[\p{Han}]{1,2}\(\d{4}\)[\p{Han}]{0,12})?(?:不动产权|房权证|房屋所有权证|房产证|土地使用证|国用|集用)[\p{Han}]{0,4}第?\s*[A-Za-z0-9]{4,}\s*号`)
	plateRe    = regexp.MustCompile(`[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Za-hj-np-z][·•・ ]?[A-HJ-NP-Za-hj-np-z0-9]{5,6}[挂学警]?`)
)

// amountUnits follow a number that is a quantity, not an identifier.
var amountUnits = []string{"元", "万", "亿", "千", "百", "角", "平方", "㎡", "米", "公里", "千米", "公顷", "亩", "吨", "千克", "公斤",
	"克", "斤", "升", "毫升", "人", "户", "次", "件", "个", "份", "页", "字", "%", "％", "‰", "倍", "岁", "天", "小时", "分钟", "秒"}

var currencySigns = []string{"￥", "¥", "$", "人民币", "美元", "港币", "金额", "价款"}

func (v *view) amountAround(a, b int) bool {
	oa, ob := v.span(a, b)
	after := strings.TrimLeft(v.orig[ob:], " \u3000")
	for _, u := range amountUnits {
		if strings.HasPrefix(after, u) {
			return true
		}
	}
	before := strings.TrimRight(v.orig[:oa], " \u3000")
	for _, s := range currencySigns {
		if strings.HasSuffix(before, s) {
			return true
		}
	}
	return false
}

// validID18 checks a 公民身份号码 (GB 11643-1999): weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2,
// check = "10X98765432"[Σ mod 11]. A number that passes is an identity number whatever its date says.
func validID18(s string) bool {
	if len(s) != 18 {
		return false
	}
	w := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		if !isDigit(rune(s[i])) {
			return false
		}
		sum += int(s[i]-'0') * w[i]
	}
	return strings.ToUpper(s[17:]) == string("10X98765432"[sum%11])
}

// idShaped is the structure of an identity number: a region code and a real birth date (18 digits:
// YYYYMMDD at 7–14; the old 15-digit numbers: YYMMDD at 7–12).
func idShaped(s string) bool {
	switch len(s) {
	case 18:
		return s[0] != '0' && realDate(s[6:14])
	case 15:
		return s[0] != '0' && realDate("19"+s[6:12])
	}
	return false
}

func realDate(yyyymmdd string) bool {
	t, err := time.Parse("20060102", yyyymmdd)
	return err == nil && t.Year() >= 1880 && t.Year() <= 2100
}

// luhn is the check of bank card numbers (ISO/IEC 7812).
func luhn(s string) bool {
	sum, double := 0, false
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if double {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

const creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// validCreditCode checks a 统一社会信用代码 (GB 32100-2015): weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24
// 10 30 28 over values 0–30, check value (31 − Σ mod 31) mod 31.
func validCreditCode(s string) bool {
	s = strings.ToUpper(s)
	if len(s) != 18 {
		return false
	}
	w := [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	sum := 0
	for i := 0; i < 17; i++ {
		x := strings.IndexByte(creditAlphabet, s[i])
		if x < 0 {
			return false
		}
		sum += x * w[i]
	}
	return s[17] == creditAlphabet[(31-sum%31)%31]
}

// publicBody: a 统一社会信用代码 whose registration authority code is 1 (机构编制) belongs to an organ of
// state, kept like the agency's name; every other code names a firm or a person's business and goes with
// the firm's name.
func publicBody(code string) bool { return strings.HasPrefix(code, "1") }

// classifyDigits names a run of digits (without its sign) or returns "".
func classifyDigits(d string) Category {
	n := len(d)
	mobile := func(s string) bool { return len(s) == 11 && s[0] == '1' && s[1] >= '3' && s[1] <= '9' }
	switch {
	case (n == 18 || n == 15) && idShaped(d), n == 18 && validID18(d):
		return IDNumber
	case mobile(d), n == 13 && strings.HasPrefix(d, "86") && mobile(d[2:]), n == 15 && strings.HasPrefix(d, "0086") && mobile(d[4:]):
		return Phone
	case d[0] == '0' && n >= 10 && n <= 17:
		return Phone // area code + 7 or 8 digits (+ extension)
	case n >= 16 && n <= 19 && luhn(d):
		return Bank
	}
	return ""
}

// identifiers finds every identifier in the view.
func identifiers(v *view) []match {
	var out []match
	add := func(a, b int, cat Category) {
		if oa, ob := v.span(a, b); ob > oa {
			oa = balance(v.orig, oa, ob)
			out = append(out, match{start: oa, end: ob, cat: cat, repl: Removed})
		}
	}
	s := v.s
	for _, m := range emailRe.FindAllStringIndex(s, -1) {
		add(m[0], m[1], Email)
	}
	for _, l := range labelled {
		for _, m := range l.re.FindAllStringSubmatchIndex(s, -1) {
			if l.cat == CreditCode && publicBody(s[m[2]:m[3]]) {
				continue
			}
			add(m[2], m[3], l.cat)
		}
	}
	for _, m := range propertyRe.FindAllStringIndex(s, -1) {
		add(m[0], m[1], Property)
	}
	for _, m := range plateRe.FindAllStringIndex(s, -1) {
		if m[1] < len(s) && isAlnum(rune(s[m[1]])) {
			continue
		}
		add(m[0], m[1], Plate)
	}
	// alphanumeric tokens: credit codes, identity numbers ending in X, runs of digits
	for i := 0; i < len(s); {
		if !isAlnum(rune(s[i])) {
			i++
			continue
		}
		j := i
		for j < len(s) && isAlnum(rune(s[j])) {
			j++
		}
		tok := s[i:j]
		if len(tok) == 18 && validCreditCode(tok) && !allDigits(tok) {
			if !publicBody(tok) {
				add(i, j, CreditCode)
			}
			i = j
			continue
		}
		out = append(out, digitRuns(v, i, j)...)
		i = j
	}
	return out
}

// digitRuns classifies the runs of digits inside the alphanumeric token s[i:j]. A long number inside a
// token with letters (GB 7718-2011) is a standard or a model, not an account, unless its shape says more.
func digitRuns(v *view, i, j int) []match {
	var out []match
	s := v.s
	for a := i; a < j; {
		if !isDigit(rune(s[a])) {
			a++
			continue
		}
		b := a
		for b < j && isDigit(rune(s[b])) {
			b++
		}
		d := s[a:b]
		start, end := a, b
		cat := classifyDigits(d)
		if b-a == 17 && b < j && (s[b] == 'X' || s[b] == 'x') && b+1 == j && (idShaped(d+"X") || validID18(d+"X")) {
			cat, end = IDNumber, b+1
		}
		if cat == "" && len(d) >= 7 && allDigits(s[i:j]) && !(len(d) == 8 && realDate(d)) && !v.amountAround(a, b) {
			cat = Number
		}
		if cat != "" {
			if start > 0 && s[start-1] == '+' {
				start--
			}
			oa, ob := v.span(start, end)
			out = append(out, match{start: balance(v.orig, oa, ob), end: ob, cat: cat, repl: Removed})
		}
		a = end
	}
	return out
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(rune(s[i])) {
			return false
		}
	}
	return true
}

// balance takes in the opening bracket before a match that holds its closing one: (025)8333-1234.
func balance(orig string, a, b int) int {
	for _, p := range [][2]string{{"(", ")"}, {"（", "）"}} {
		in := orig[a:b]
		if strings.Count(in, p[1]) > strings.Count(in, p[0]) && strings.HasSuffix(orig[:a], p[0]) {
			return a - len(p[0])
		}
	}
	return a
}
