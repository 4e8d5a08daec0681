package redact

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// view is the text as a reader sees the numbers in it: full-width digits, letters and signs made ASCII
// (１３９ → 139, ＠ → @, （ → (), runs of Chinese digits read as digits (一三九… → 139…), and the spaces, dots,
// hyphens and line breaks people put between digits removed (139.1234.5678 → 13912345678). Each byte of
// the view remembers the original rune it came from, so a match in the view replaces the original text,
// separators included.
type view struct {
	s     string
	start []int // original byte offset of the rune behind each byte of s
	end   []int // original end offset of that rune
	orig  string
}

// chineseDigits are the characters people write digits with (幺 is "one" when reading numbers aloud).
var chineseDigits = map[rune]byte{'〇': '0', '零': '0', '○': '0', '幺': '1', '一': '1', '二': '2', '三': '3',
	'四': '4', '五': '5', '六': '6', '七': '7', '八': '8', '九': '9'}

// minChineseRun is how many Chinese digits in a run make a number (a year such as 二〇二五 has four and
// stays text; a telephone number written 一三九… has eleven).
const minChineseRun = 5

// isSeparator is what people write between groups of digits.
func isSeparator(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\u00a0', '\u3000', '.', '·', '•', '・', '-', '‐', '‑', '–', '—', '－', '．', '(', ')', '（', '）', '_':
		return true
	}
	return false
}

// width makes full-width ASCII forms (U+FF01–U+FF5E) and the ideographic space plain ASCII.
func width(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	case r == '\u3000':
		return ' '
	}
	return r
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func isAlnum(r rune) bool { return isDigit(r) || (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') }

// datePattern finds dates written with separators (2025.10.01, 2025-10-1): their separators are kept so
// that a date does not become an eight-digit number.
var datePattern = regexp.MustCompile(`(?:19|20)\d{2}([./-])(?:0?[1-9]|1[0-2])([./-])(?:0?[1-9]|[12]\d|3[01])`)

type vrune struct {
	r          rune
	start, end int
	cn         rune // the Chinese digit it was written with, or 0
}

func newView(text string) *view {
	var rs []vrune
	for i, r := range text {
		w := width(r)
		v := vrune{r: w, start: i, end: i + utf8.RuneLen(r)}
		if r == utf8.RuneError && v.end-v.start == 1 {
			v.r = '\uFFFD'
		}
		if _, ok := chineseDigits[r]; ok {
			v.cn = r
		}
		rs = append(rs, v)
	}
	// Chinese digit runs (separators allowed between them) become ASCII digits when long enough.
	for i := 0; i < len(rs); {
		if rs[i].cn == 0 && !isDigit(rs[i].r) {
			i++
			continue
		}
		j, cn := i, 0
		last := i
		for j < len(rs) {
			if rs[j].cn != 0 || isDigit(rs[j].r) {
				if rs[j].cn != 0 {
					cn++
				}
				last = j
				j++
				continue
			}
			k := j
			for k < len(rs) && k-j < 3 && isSeparator(rs[k].r) {
				k++
			}
			if k > j && k < len(rs) && (rs[k].cn != 0 || isDigit(rs[k].r)) {
				j = k
				continue
			}
			break
		}
		if cn >= minChineseRun {
			for k := i; k <= last; k++ {
				if rs[k].cn != 0 {
					rs[k].r = rune(chineseDigits[rs[k].cn])
				}
			}
		}
		i = last + 1
	}
	// separators inside dates stay
	var plain strings.Builder
	offs := make([]int, 0, len(rs))
	for _, v := range rs {
		offs = append(offs, plain.Len())
		plain.WriteRune(v.r)
	}
	protected := map[int]bool{}
	ps := plain.String()
	for _, m := range datePattern.FindAllStringIndex(ps, -1) {
		for k, o := range offs {
			if o >= m[0] && o < m[1] {
				protected[k] = true
			}
		}
	}
	// drop separator runs (up to three characters) between two alphanumerics when one of them is a digit
	drop := make([]bool, len(rs))
	for i := 0; i < len(rs); i++ {
		if !isSeparator(rs[i].r) || i == 0 || !isAlnum(rs[i-1].r) || protected[i] {
			continue
		}
		j := i
		for j < len(rs) && isSeparator(rs[j].r) && !protected[j] {
			j++
		}
		if j-i > 3 && !allSpace(rs[i:j]) || j-i > 8 || j >= len(rs) || !isAlnum(rs[j].r) {
			continue
		}
		if !isDigit(rs[i-1].r) && !isDigit(rs[j].r) {
			continue
		}
		if dotOnly(rs[i:j]) && !(isDigit(rs[i-1].r) && isDigit(rs[j].r)) {
			continue // 163.com: a dot joins digits only
		}
		for k := i; k < j; k++ {
			drop[k] = true
		}
		i = j - 1
	}
	v := &view{orig: text}
	var b strings.Builder
	for i, r := range rs {
		if drop[i] {
			continue
		}
		n := utf8.RuneLen(r.r)
		b.WriteRune(r.r)
		for k := 0; k < n; k++ {
			v.start = append(v.start, r.start)
			v.end = append(v.end, r.end)
		}
	}
	v.s = b.String()
	return v
}

func dotOnly(rs []vrune) bool {
	for _, r := range rs {
		if r.r != '.' {
			return false
		}
	}
	return true
}

func allSpace(rs []vrune) bool {
	for _, r := range rs {
		if r.r != ' ' && r.r != '\t' && r.r != '\n' && r.r != '\r' && r.r != '\u00a0' {
			return false
		}
	}
	return true
}

// span maps a byte range of the view back to the original text.
func (v *view) span(a, b int) (int, int) {
	if a >= b || a >= len(v.s) {
		return 0, 0
	}
	return v.start[a], v.end[b-1]
}
