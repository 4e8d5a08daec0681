package pdf

import (
	"strings"
	"unicode"
)

type line struct {
	text    string
	indent  float64
	last    bool
	squeeze float64 // width to take out of the line by compressing punctuation (标点挤压)
}

// Characters that must not start a line (避头) and must not end one (避尾).
const (
	noStart = "，。；：、？！）》」』〕】”’…—·%,.;:?!)]}"
	noEnd   = "（《「『〔【“‘([{"
	// full-width marks whose glyph fills half the em: they can give up the other half when a line is tight
	closingMarks = "，。；：、？！）》」』〕】”’"
	openingMarks = "（《「『〔【“‘"
)

func compressible(r rune) bool { return strings.ContainsRune(closingMarks+openingMarks, r) }

func isWordRune(r rune) bool {
	return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("._-/@#&+=", r))
}

// tokens splits text into unbreakable pieces: runs of Latin letters and digits stay together (a number, a
// word, 〔2025〕12), every other rune stands alone, and so does each character of a run longer than
// longWord (a 统一社会信用代码 or an ID number may break anywhere rather than leave a gappy line).
func tokens(s string) []string {
	const longWord = 12
	var out []string
	rs := []rune(s)
	for i := 0; i < len(rs); {
		j := i + 1
		if isWordRune(rs[i]) {
			for j < len(rs) && isWordRune(rs[j]) {
				j++
			}
		}
		if j-i > longWord {
			for k := i; k < j; k++ {
				out = append(out, string(rs[k]))
			}
		} else {
			out = append(out, string(rs[i:j]))
		}
		i = j
	}
	return out
}

func single(t string, set string) bool {
	r := []rune(t)
	return len(r) == 1 && strings.ContainsRune(set, r[0])
}

// wrap breaks text into lines no wider than measure (the first line indented), keeping 避头尾 inside the
// measure: a closing mark that would start a line stays on the previous one, and the line is made to fit by
// compressing its punctuation to half width; where that is not enough, the last character moves down with
// the mark (the short line is then justified). An opening mark never ends a line. Every rune of the input
// appears in exactly one line, in order.
func wrap(text string, width func(rune) float64, measure, indent float64) []line {
	text = strings.TrimRight(text, " ")
	tw := func(t string) float64 {
		w := 0.0
		for _, r := range t {
			w += width(r)
		}
		return w
	}
	// comp is what the marks of a line can give up: not the last (its box must end inside the measure), nor
	// an opening mark that starts the line (it would move into the margin)
	comp := func(ts []string) float64 {
		c := 0.0
		for i, t := range ts[:len(ts)-1] {
			for _, r := range t {
				if compressible(r) && !(i == 0 && strings.ContainsRune(openingMarks, r)) {
					c += width(r) / 2
				}
			}
		}
		return c
	}
	var lines []line
	var cur []string
	curW, ind := 0.0, indent
	flush := func(last bool, squeeze float64) {
		s := strings.TrimRight(strings.Join(cur, ""), " ")
		lines = append(lines, line{text: s, indent: ind, last: last, squeeze: squeeze})
		cur, curW, ind = nil, 0, 0
	}
	toks := tokens(text)
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		w := tw(t)
		avail := measure - ind
		if len(cur) == 0 && t == " " && len(lines) > 0 {
			continue // no leading space on a continuation line
		}
		if curW+w <= avail+0.01 || len(cur) == 0 {
			if len(cur) == 0 && w > avail && len([]rune(t)) > 1 {
				// a word longer than the line: break it by characters
				rs := []rune(t)
				k := 0
				for k < len(rs) && curW+width(rs[k]) <= avail+0.01 {
					curW += width(rs[k])
					k++
				}
				if k == 0 {
					k = 1
				}
				cur = append(cur, string(rs[:k]))
				toks = append(toks[:i+1], toks[i:]...)
				toks[i+1] = string(rs[k:])
				flush(false, 0)
				continue
			}
			cur = append(cur, t)
			curW += w
			continue
		}
		// t does not fit
		if single(t, noStart) {
			hang := []string{t}
			for i+1 < len(toks) && single(toks[i+1], noStart) {
				i++
				hang = append(hang, toks[i])
			}
			over := curW + tw(strings.Join(hang, "")) - avail
			// the last mark keeps its full advance, so that even its box ends inside the 版心
			if comp(append(append([]string(nil), cur...), hang...)) >= over-0.01 || len(cur) < 2 {
				cur = append(cur, hang...)
				flush(i == len(toks)-1, max(over, 0))
				continue
			}
			// push the last piece down with the marks
			moved := []string{cur[len(cur)-1]}
			cur = cur[:len(cur)-1]
			for len(cur) > 1 && single(cur[len(cur)-1], noEnd) {
				moved = append([]string{cur[len(cur)-1]}, moved...)
				cur = cur[:len(cur)-1]
			}
			flush(false, 0)
			for _, m := range append(moved, hang...) {
				cur = append(cur, m)
				curW += tw(m)
			}
			continue
		}
		var carry []string
		for len(cur) > 1 && single(cur[len(cur)-1], noEnd) {
			carry = append([]string{cur[len(cur)-1]}, carry...)
			cur = cur[:len(cur)-1]
		}
		flush(false, 0)
		for _, c := range carry {
			cur = append(cur, c)
			curW += tw(c)
		}
		i--
	}
	if len(cur) > 0 || len(lines) == 0 {
		flush(true, 0)
	}
	if len(lines) > 0 {
		lines[len(lines)-1].last = true
	}
	return lines
}
