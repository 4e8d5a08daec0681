package ident

import (
	"strings"
	"testing"
)

func FuzzParseIDNumber(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "440524188001010014", "110105194912310021", "", "x", "１１０１０５"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, msg := ParseIDNumber(s, today)
		if msg == "" {
			// a valid number stays valid after normalisation and carries a real birth date
			if _, msg2 := ParseIDNumber(p.Number, today); msg2 != "" || len(p.Number) != 18 || p.Birth.IsZero() {
				t.Fatalf("%q valid but %q invalid: %s", s, p.Number, msg2)
			}
		}
	})
}

func FuzzCheckCreditCode(f *testing.F) {
	for _, s := range []string{"91350100M000100Y43", "91110108551385082Q", "91350100M000100Y4Z", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if code, msg := CheckCreditCode(s); msg == "" {
			if _, msg2 := CheckCreditCode(strings.ToLower(code)); msg2 != "" {
				t.Fatalf("%q valid but lower-case %q invalid", s, code)
			}
		}
	})
}

// Parsing a printed number gives the same number back (文号 and 案号).
func FuzzNumbers(f *testing.F) {
	for _, s := range []string{"栖政复〔2025〕12号", "栖政复[2025]12号", "（2024）苏0113行初123号", "(2025)苏01行终7号", "〔〕号"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, ok := ParseDocNo(s); ok {
			if m, ok := ParseDocNo(n.String()); !ok || m != n {
				t.Fatalf("文号 %q → %q does not round-trip", s, n.String())
			}
		}
		if n, ok := ParseCourtCaseNo(s); ok {
			if m, ok := ParseCourtCaseNo(n.String()); !ok || m != n {
				t.Fatalf("案号 %q → %q does not round-trip", s, n.String())
			}
		}
	})
}
