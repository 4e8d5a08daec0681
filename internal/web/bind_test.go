package web

import (
	"regexp"
	"strings"
	"testing"

	"fuyi/internal/apperr"
	"fuyi/internal/date"
)

type testParty struct {
	Name     string `json:"name"`
	IDNumber string `json:"id_number"`
}

type testEmbedded struct {
	Reason string `json:"reason"`
}

type testBody struct {
	testEmbedded
	Title      string            `json:"title"`
	Facts      string            `json:"facts"`
	On         date.Date         `json:"on"`
	Due        *date.Date        `json:"due"`
	AgencyID   int               `json:"agency_id"`
	CaseID     int64             `json:"case_id"`
	OfficerIDs []int64           `json:"officer_ids"`
	Version    int               `json:"version"`
	Parties    []testParty       `json:"parties"`
	Sections   map[string]string `json:"sections"`
	Complete   bool              `json:"complete"`
	Any        any               `json:"any"`
}

var hanRe = regexp.MustCompile(`\p{Han}`)

// TestDecodeJSON: every refusal of a JSON body is a 4xx with a Chinese message naming the field by its path.
func TestDecodeJSON(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		kind       apperr.Kind
		code       string
		field      string // "" when the refusal concerns the whole body
	}{
		{"unknown field (a misspelt key is never ignored)", `{"titel":"x"}`, apperr.BadRequest, "request.unknown_field", "titel"},
		{"unknown nested field", `{"parties":[{"name":"张三","id_nubmer":"1"}]}`, apperr.BadRequest, "request.unknown_field", "parties[0].id_nubmer"},
		{"keys match exactly, not case-insensitively", `{"Title":"x"}`, apperr.BadRequest, "request.unknown_field", "Title"},
		{"wrong type", `{"version":"1"}`, apperr.BadRequest, "request.type", "version"},
		{"wrong type in an array", `{"officer_ids":["1"]}`, apperr.BadRequest, "request.type", "officer_ids[0]"},
		{"object where a string is", `{"title":{"a":1}}`, apperr.BadRequest, "request.type", "title"},
		{"fraction for an integer", `{"version":1.5}`, apperr.BadRequest, "request.type", "version"},
		{"int field beyond int32 (PostgreSQL integer)", `{"agency_id":2147483648}`, apperr.Invalid, "request.range", "agency_id"},
		{"int64 field beyond int64", `{"case_id":9223372036854775808}`, apperr.Invalid, "request.range", "case_id"},
		{"huge exponent", `{"version":1e999}`, apperr.BadRequest, "request.type", "version"},
		{"negative id", `{"case_id":-1}`, apperr.Invalid, "request.range", "case_id"},
		{"negative id in a list", `{"officer_ids":[3,-4]}`, apperr.Invalid, "request.range", "officer_ids[1]"},
		{"impossible date", `{"on":"2025-02-30"}`, apperr.Invalid, "request.date", "on"},
		{"year zero", `{"due":"0000-01-01"}`, apperr.Invalid, "request.date", "due"},
		{"NUL", `{"title":"a\u0000b"}`, apperr.Invalid, "request.characters", "title"},
		{"control character", `{"facts":"a\u0007b"}`, apperr.Invalid, "request.characters", "facts"},
		{"newline in a single-line field", `{"title":"a\nb"}`, apperr.Invalid, "request.characters", "title"},
		{"bidi override", `{"facts":"a\u202eb"}`, apperr.Invalid, "request.characters", "facts"},
		{"zero-width space in a name", `{"parties":[{"name":"张\u200b三"}]}`, apperr.Invalid, "request.characters", "parties[0].name"},
		{"lone surrogate (decoded as U+FFFD)", `{"title":"\ud800"}`, apperr.Invalid, "request.characters", "title"},
		{"invalid UTF-8", "{\"title\":\"\xff\"}", apperr.Invalid, "request.characters", "title"},
		{"NUL in a map value", `{"sections":{"facts":"\u0000"}}`, apperr.Invalid, "request.characters", "sections.facts"},
		{"NUL inside an any", `{"any":{"x":["\u0000"]}}`, apperr.Invalid, "request.characters", "any.x[0]"},
		{"embedded struct's field checked", `{"reason":"\u0000"}`, apperr.Invalid, "request.characters", "reason"},
		{"deep nesting", `{"any":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`, apperr.BadRequest, "request.too_deep", ""},
		{"array instead of object", `[]`, apperr.BadRequest, "request.type", ""},
		{"trailing data", `{}{}`, apperr.BadRequest, "request.malformed", ""},
		{"truncated", `{"title":`, apperr.BadRequest, "request.malformed", ""},
		{"empty", ` `, apperr.BadRequest, "request.empty", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v testBody
			err := DecodeJSON([]byte(tc.body), &v)
			e, ok := apperr.As(err)
			if !ok {
				t.Fatalf("%s: %v, want %s", tc.body, err, tc.code)
			}
			if e.Kind != tc.kind || e.Code != tc.code {
				t.Errorf("%s: kind %d code %s, want %d %s", tc.body, e.Kind, e.Code, tc.kind, tc.code)
			}
			if !hanRe.MatchString(e.Message) {
				t.Errorf("%s: message not Chinese: %s", tc.body, e.Message)
			}
			if tc.field != "" {
				if _, ok := e.Fields[tc.field]; !ok || !strings.Contains(e.Message, tc.field) {
					t.Errorf("%s: field %s not named: %s %v", tc.body, tc.field, e.Message, e.Fields)
				}
			}
		})
	}
}

// TestDecodeJSONAccepts: what is allowed passes, and the unknown-field message lists the keys that exist.
func TestDecodeJSONAccepts(t *testing.T) {
	var v testBody
	body := `{"title":"行政处罚决定书","facts":"第一段\n\t第二段\r\n","on":"2024-02-29","due":null,"agency_id":2147483647,
		"case_id":9223372036854775807,"officer_ids":[1,2],"version":0,"parties":[{"name":"欧阳娜娜","id_number":"11010519491231002X"}],
		"sections":{"facts":"多行\n文字","ruling":"维持"},"complete":true,"any":{"zero":"张\u200b三"},"reason":"因为"}`
	if err := DecodeJSON([]byte(body), &v); err != nil {
		t.Fatalf("valid body refused: %v", err)
	}
	if v.Parties[0].Name != "欧阳娜娜" || v.On.String() != "2024-02-29" || v.Reason != "因为" || v.CaseID != 9223372036854775807 {
		t.Fatalf("decoded %+v", v)
	}
	err := DecodeJSON([]byte(`{"holidays":[]}`), &v)
	if e, _ := apperr.As(err); e == nil || !strings.Contains(e.Message, "holidays") || !strings.Contains(e.Message, "officer_ids") {
		t.Fatalf("unknown field message should name it and the keys that exist: %v", err)
	}
}

// TestTextProblem is the text rule of every input path.
func TestTextProblem(t *testing.T) {
	for _, tc := range []struct {
		key, value string
		ok         bool
	}{
		{"title", "行政处罚决定书（栖市监罚〔2025〕345号）", true},
		{"name", "𬭚欧阳娜娜", true}, // a rare character beyond the BMP is a character, not a problem
		{"name", "Zoë O'Brien-Müller", true},
		{"facts", "第一段\n第二段\r\n\t缩进", true},
		{"sections.facts", "多行\n", true},
		{"reason", "理由\n第二行", true},
		{"title", "一行\n两行", false},
		{"title", "制表\t符", false},
		{"q", "a\x00b", false},
		{"facts", "a\x00b", false},
		{"facts", "a\x1bb", false},
		{"facts", "a\u0085b", false}, // C1 next line
		{"facts", "a\u2028b", false},
		{"facts", "a\u202eb", false},
		{"facts", "a\u2067b", false},
		{"facts", "a\ufffdb", false},
		{"facts", "\xff", false},
		{"facts", "零宽\u200b空格", true}, // harmless in free text
		{"name", "零宽\u200b空格", false},
		{"applicants[0].name", "张\u200d三", false},
		{"head_name", "王\u200e五", false},
		{"plaintiff", "\ufeff甲", false},
		{"username", "a\u00adb", false},
	} {
		if got := TextProblem(tc.key, tc.value); (got == "") != tc.ok {
			t.Errorf("TextProblem(%q, %q) = %q, want ok=%v", tc.key, tc.value, got, tc.ok)
		}
	}
}

// FuzzDecodeJSON: any body is either decoded or refused with a 400/422 carrying a Chinese message; what is
// decoded holds no text the text rule refuses.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"title":"x","parties":[{"name":"张三"}],"sections":{"facts":"a\nb"},"on":"2025-02-28"}`,
		`{"agency_id":2147483648}`, `{"on":"2025-02-30"}`, `{"titel":1}`, "{\"title\":\"\xff\"}", `{"any":[[[[1]]]]}`, `[]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var v testBody
		err := DecodeJSON([]byte(body), &v)
		if err != nil {
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.BadRequest && e.Kind != apperr.Invalid || !hanRe.MatchString(e.Message) {
				t.Fatalf("%q: refusal %v is not a 400/422 with a Chinese message", body, err)
			}
			return
		}
		for key, s := range map[string]string{"title": v.Title, "facts": v.Facts, "reason": v.Reason} {
			if msg := TextProblem(key, s); msg != "" {
				t.Fatalf("%q: accepted %s = %q (%s)", body, key, s, msg)
			}
		}
		for i, p := range v.Parties {
			if msg := TextProblem("parties[0].name", p.Name); msg != "" {
				t.Fatalf("%q: accepted parties[%d].name = %q (%s)", body, i, p.Name, msg)
			}
		}
		if v.AgencyID > MaxInt32 || v.AgencyID < -MaxInt32-1 || v.CaseID < 0 {
			t.Fatalf("%q: accepted out-of-range numbers %+v", body, v)
		}
	})
}
