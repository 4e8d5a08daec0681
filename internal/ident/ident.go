// Package ident validates and parses the identifiers of DOMAIN.md §9: 公民身份号码 (GB 11643-1999),
// 统一社会信用代码 (GB 32100-2015), telephone numbers, 文号 and court 案号.
package ident

import (
	"regexp"
	"strings"
	"time"

	"fuyi/internal/date"
)

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idChecks = "10X98765432"

// Person is what a valid 公民身份号码 tells.
type Person struct {
	Number string    // normalised: upper-case X
	Birth  date.Date // the birth date encoded in digits 7–14
	Male   bool      // the 17th digit is odd
}

// ParseIDNumber checks an 18-digit 公民身份号码 (GB 11643-1999): 17 digits, a check character computed with
// weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 (R = Σ mod 11, check = "10X98765432"[R]), and a real birth date
// not after today. It returns a Chinese reason on failure.
func ParseIDNumber(s string, today date.Date) (Person, string) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) != 18 {
		return Person{}, "身份证号码应为18位"
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return Person{}, "身份证号码前17位应为数字"
		}
		sum += int(c-'0') * idWeights[i]
	}
	if s[17] != idChecks[sum%11] {
		if (s[17] < '0' || s[17] > '9') && s[17] != 'X' {
			return Person{}, "身份证号码最后一位应为数字或X"
		}
		return Person{}, "身份证号码校验位错误，请核对"
	}
	t, err := time.Parse("20060102", s[6:14])
	if err != nil {
		return Person{}, "身份证号码中的出生日期不存在"
	}
	birth := date.Of(t)
	if birth.After(today) {
		return Person{}, "身份证号码中的出生日期晚于今天"
	}
	if birth.Year() < 1880 {
		return Person{}, "身份证号码中的出生日期早于1880年"
	}
	return Person{Number: s, Birth: birth, Male: (s[16]-'0')%2 == 1}, ""
}

const creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// CheckCreditCode validates an 18-character 统一社会信用代码 (GB 32100-2015): characters from
// 0-9 A-H J-N P Q R T U W X Y (values 0–30), weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28,
// check value (31 − Σ mod 31) mod 31. It returns the normalised code or a Chinese reason.
func CheckCreditCode(s string) (string, string) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len([]rune(s)) != 18 || len(s) != 18 {
		return "", "统一社会信用代码应为18位"
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(creditAlphabet, s[i])
		if v < 0 {
			return "", "统一社会信用代码含有不允许的字符（不使用I、O、Z、S、V）"
		}
		sum += v * creditWeights[i]
	}
	want := creditAlphabet[(31-sum%31)%31]
	if s[17] != want {
		if strings.IndexByte(creditAlphabet, s[17]) < 0 {
			return "", "统一社会信用代码含有不允许的字符（不使用I、O、Z、S、V）"
		}
		return "", "统一社会信用代码校验位错误，请核对"
	}
	return s, ""
}

var (
	mobileRe   = regexp.MustCompile(`^1[3-9]\d{9}$`)
	landlineRe = regexp.MustCompile(`^0\d{2,3}-?\d{7,8}(-\d{1,6})?$`)
)

// CheckPhone accepts a mainland mobile number (11 digits starting 13–19) or a landline with area code
// (e.g. 025-83331234). Spaces are removed; a +86 prefix is accepted.
func CheckPhone(s string) (string, string) {
	s = strings.NewReplacer(" ", "", "　", "").Replace(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "+86")
	if mobileRe.MatchString(s) || landlineRe.MatchString(s) {
		return s, ""
	}
	return "", "电话号码格式不正确（手机为11位数字，固定电话须带区号，如025-83331234）"
}
