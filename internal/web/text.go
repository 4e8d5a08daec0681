package web

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The text rule of every input path (JSON strings, form values, query strings, path segments, headers):
//
//   - the bytes are valid UTF-8 (encoding/json would silently store U+FFFD instead);
//   - no control characters (C0, DEL, C1, U+2028/U+2029); a multi-line field (see multiline) may hold
//     tab, line feed and carriage return;
//   - no bidirectional embedding, override or isolate characters (U+202A–U+202E, U+2066–U+2069): they
//     reorder what a reader sees in pages and documents and have no use in Chinese administrative text;
//   - no U+FFFD: it only ever stands for text already broken on the way in (invalid bytes, a lone UTF-16
//     surrogate escape in JSON);
//   - a name (see isName) holds no invisible formatting characters at all (zero-width spaces and joiners,
//     direction marks, soft hyphens, byte-order marks: Unicode category Cf).

// multilineKeys are the field names whose values are free text typed into a textarea. A key matches when
// its last segment (after the last "." and without an index "[n]") ends with one of them, so that
// "reason", "return_reason" and "sections.facts" are multi-line but "title" is not.
var multilineKeys = []string{"reason", "note", "content", "opinion", "minutes", "facts", "requests", "csv",
	"items", "materials"}

// multilinePrefixes are containers whose every member is multi-line (the sections of a decision).
var multilinePrefixes = []string{"sections"}

// nameKeys are fields that hold the name of a person, an organisation or a place.
var nameKeys = []string{"name", "username", "plaintiff", "legal_rep", "firm", "court", "head_title", "title", "term"}

// lastSegment is "name" for "applicants[0].name", "sections" for "sections[facts]".
func lastSegment(key string) string {
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		key = key[i+1:]
	}
	if i := strings.IndexByte(key, '['); i >= 0 {
		key = key[:i]
	}
	return key
}

func isMultiline(key string) bool {
	for _, p := range multilinePrefixes {
		if key == p || strings.HasPrefix(key, p+".") || strings.HasPrefix(key, p+"[") {
			return true
		}
	}
	last := lastSegment(key)
	for _, k := range multilineKeys {
		if strings.HasSuffix(last, k) {
			return true
		}
	}
	return false
}

func isName(key string) bool {
	last := lastSegment(key)
	for _, k := range nameKeys {
		if last == k || strings.HasSuffix(last, "_"+k) {
			return true
		}
	}
	return false
}

// TextProblem says in Chinese what is wrong with the value of a field, or "" when it is acceptable text.
func TextProblem(key, s string) string {
	return textProblem(s, isMultiline(key), isName(key))
}

func textProblem(s string, multiline, name bool) string {
	if !utf8.ValidString(s) {
		return "不是有效的 UTF-8 文字"
	}
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			if !multiline {
				return "不能包含换行符或制表符"
			}
		case r < 0x20 || r >= 0x7f && r < 0xa0 || r == '\u2028' || r == '\u2029':
			return "含有控制字符"
		case r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069':
			return "含有改变文字方向的控制字符"
		case r == utf8.RuneError:
			return "含有无法识别的字符（�），请检查文字编码"
		case name && unicode.Is(unicode.Cf, r):
			return "含有不可见的格式字符（如零宽空格）"
		}
	}
	return ""
}
