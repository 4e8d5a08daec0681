package redact

import (
	"strings"
	"testing"
	"unicode/utf8"

	rt "fuyi/internal/redact/redacttest"
)

// FuzzRedact: redaction never panics, its output is valid UTF-8, every span points at its replacement, and
// no identifier it detected survives — the output, read again, holds none (make fuzz).
func FuzzRedact(f *testing.F) {
	for _, s := range rt.Spellings {
		f.Add(s.Sentence)
	}
	f.Add(rt.Body())
	f.Add("申请人：张三，女，1985年12月12日出生，住重庆市忠县忠州镇某某路12号。\xff\xfe１３９ １２３４\n５６７８")
	f.Add("(025)8333-1234（025）8333-1234 +86 139 1234 5678 ０086-137-0013-7000 一三九一二三四五六七八")
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 4000 {
			return
		}
		in := fixtureInput()
		in.Decisions = []Decision{{Name: "王小明", Redact: true}}
		r := Redact(text, in)
		if !utf8.ValidString(r.Text) {
			t.Fatalf("invalid UTF-8 out of %q", text)
		}
		for _, s := range r.Replacements {
			if s.Start < 0 || s.End > len(r.Text) || r.Text[s.Start:s.End] != s.Replacement {
				t.Fatalf("span %+v does not point at its replacement in %q", s, r.Text)
			}
		}
		again := Redact(r.Text, in)
		for _, s := range again.Replacements {
			if s.Category.Identifier() {
				t.Fatalf("%s %q survives: %q → %q", s.Category, s.Original, text, r.Text)
			}
		}
		out, _ := Apply(text, in)
		for _, s := range r.Replacements {
			if s.Category == IDNumber || s.Category == Email || s.Category == Bank {
				if o := strings.TrimSpace(s.Original); len(o) >= 15 && strings.Contains(out, o) {
					t.Fatalf("%s %q still in %q", s.Category, o, out)
				}
			}
		}
	})
}
