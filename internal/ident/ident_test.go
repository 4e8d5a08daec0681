package ident

import (
	"testing"

	"fuyi/internal/date"
)

var today = date.MustParse("2026-11-22")

// GB 11643-1999 check digit and birth date.
func TestParseIDNumber(t *testing.T) {
	valid := []struct {
		in   string
		male bool
		born string
	}{
		{"11010519491231002X", false, "1949-12-31"},
		{"11010519491231002x", false, "1949-12-31"}, // lower-case x is normalised
		{"440524188001010014", true, "1880-01-01"},
	}
	for _, v := range valid {
		p, msg := ParseIDNumber(v.in, today)
		if msg != "" {
			t.Errorf("%s: unexpected %q", v.in, msg)
			continue
		}
		if p.Male != v.male || p.Birth.String() != v.born || p.Number[17] == 'x' {
			t.Errorf("%s: got %+v", v.in, p)
		}
	}
	invalid := map[string]string{
		"110105194912310021":  "身份证号码校验位错误，请核对",
		"11010519491331002X":  "身份证号码校验位错误，请核对", // wrong check for this body
		"1101051949123100":    "身份证号码应为18位",
		"11010A19491231002X":  "身份证号码前17位应为数字",
		"110105194912310 2X ": "身份证号码前17位应为数字",
	}
	for in, want := range invalid {
		if _, msg := ParseIDNumber(in, today); msg != want {
			t.Errorf("%q: got %q, want %q", in, msg, want)
		}
	}
	// a correct check digit over an impossible date (Feb 30) is still refused
	body := "11010520000230001"
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(body[i]-'0') * idWeights[i]
	}
	if _, msg := ParseIDNumber(body+string(idChecks[sum%11]), today); msg != "身份证号码中的出生日期不存在" {
		t.Errorf("Feb 30: got %q", msg)
	}
	// and a birth date in the future
	body = "11010520991231001"
	sum = 0
	for i := 0; i < 17; i++ {
		sum += int(body[i]-'0') * idWeights[i]
	}
	if _, msg := ParseIDNumber(body+string(idChecks[sum%11]), today); msg != "身份证号码中的出生日期晚于今天" {
		t.Errorf("future: got %q", msg)
	}
}

// GB 32100-2015 check character.
func TestCheckCreditCode(t *testing.T) {
	for _, ok := range []string{"91350100M000100Y43", "91110108551385082Q", "91110108551385082q"} {
		if _, msg := CheckCreditCode(ok); msg != "" {
			t.Errorf("%s: %s", ok, msg)
		}
	}
	bad := map[string]string{
		"91350100M000100Y4Z": "统一社会信用代码含有不允许的字符（不使用I、O、Z、S、V）",
		"91350100M000100Y44": "统一社会信用代码校验位错误，请核对",
		"91350100M00010":     "统一社会信用代码应为18位",
		"9135010OM000100Y43": "统一社会信用代码含有不允许的字符（不使用I、O、Z、S、V）",
	}
	for in, want := range bad {
		if _, msg := CheckCreditCode(in); msg != want {
			t.Errorf("%s: got %q want %q", in, msg, want)
		}
	}
}

func TestCheckPhone(t *testing.T) {
	for _, ok := range []string{"13800138000", "+86 138 0013 8000", "025-83331234", "02583331234", "0571-8888888-123"} {
		if _, msg := CheckPhone(ok); msg != "" {
			t.Errorf("%s: %s", ok, msg)
		}
	}
	for _, bad := range []string{"12800138000", "1380013800", "83331234", "phone"} {
		if _, msg := CheckPhone(bad); msg == "" {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestDocNo(t *testing.T) {
	n, ok := ParseDocNo("栖政复[2025]12号")
	if !ok || n.String() != "栖政复〔2025〕12号" {
		t.Fatalf("got %v %v", n, ok)
	}
	for _, bad := range []string{"栖政复〔2025〕第12号", "栖政复〔2025〕012号", "栖政复〔25〕12号", "〔2025〕12号"} {
		if _, ok := ParseDocNo(bad); ok {
			t.Errorf("%s accepted (GB/T 9704: no 第, no leading zeros)", bad)
		}
	}
}

func TestCourtCaseNo(t *testing.T) {
	n, ok := ParseCourtCaseNo("(2024)苏0113行初123号")
	if !ok || n.String() != "（2024）苏0113行初123号" || n.Instance() != "first" {
		t.Fatalf("got %+v %v", n, ok)
	}
	if n, ok := ParseCourtCaseNo("（2025）苏01行终7号"); !ok || n.Instance() != "second" {
		t.Fatalf("second instance: %+v %v", n, ok)
	}
	for _, bad := range []string{"（2024）苏0113行初0123号", "（2024）XX0113行初123号", "2024苏0113行初123号", "（2024）苏0113民初123号"} {
		if _, ok := ParseCourtCaseNo(bad); ok {
			t.Errorf("%s accepted", bad)
		}
	}
}
