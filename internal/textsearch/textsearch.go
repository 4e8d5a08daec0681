// Package textsearch makes Chinese full-text search work in PostgreSQL without a segmenter or a special
// locale: Han text is indexed as every single character and every overlapping pair (bigram), Latin words
// and numbers as lower-case words. A query of one character matches the unigram; longer runs must contain
// all their bigrams, which finds exact substrings with a GIN index.
package textsearch

import (
	"sort"
	"strings"
	"unicode"
)

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

func isWord(r rune) bool { return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }

// runs splits s into Han runs and Latin/digit words.
func runs(s string) (han [][]rune, words []string) {
	var cur []rune
	var w strings.Builder
	flush := func() {
		if len(cur) > 0 {
			han = append(han, cur)
			cur = nil
		}
		if w.Len() > 0 {
			words = append(words, strings.ToLower(w.String()))
			w.Reset()
		}
	}
	for _, r := range s {
		switch {
		case isHan(r):
			if w.Len() > 0 {
				words = append(words, strings.ToLower(w.String()))
				w.Reset()
			}
			cur = append(cur, r)
		case isWord(r):
			if len(cur) > 0 {
				han = append(han, cur)
				cur = nil
			}
			w.WriteRune(r)
		default:
			flush()
		}
	}
	flush()
	return han, words
}

// Tokens are the lexemes of a document (deduplicated, sorted).
func Tokens(s string) []string {
	seen := map[string]bool{}
	han, words := runs(s)
	for _, h := range han {
		for i := range h {
			seen[string(h[i])] = true
			if i+1 < len(h) {
				seen[string(h[i:i+2])] = true
			}
		}
	}
	for _, w := range words {
		seen[w] = true
	}
	out := make([]string, 0, len(seen))
	for t := range seen {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// Query turns a user's search text into a tsquery (all terms required), or "" when it has no terms.
func Query(q string) string {
	han, words := runs(q)
	var terms []string
	for _, h := range han {
		if len(h) == 1 {
			terms = append(terms, string(h))
			continue
		}
		for i := 0; i+1 < len(h); i++ {
			terms = append(terms, string(h[i:i+2]))
		}
	}
	terms = append(terms, words...)
	if len(terms) > 64 {
		terms = terms[:64]
	}
	for i, t := range terms {
		terms[i] = "'" + strings.ReplaceAll(t, "'", "''") + "'"
	}
	return strings.Join(terms, " & ")
}
