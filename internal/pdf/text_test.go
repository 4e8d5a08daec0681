package pdf

import (
	"strings"
	"testing"
	"testing/fstest"
)

// TestTemplateValuesAreText: every value a document template prints is text — a line break or a leading
// "@" in it never makes a block of its own — while Markup (paras, a party line with its 法定代表人 line)
// stays markup.
func TestTemplateValuesAreText(t *testing.T) {
	set := NewTemplates(fstest.MapFS{"docs/t.txt": {Data: []byte(
		"@title {{.Organ}}\n@plain 申请人：{{.Name}}\n{{.Start}}\n经审查，{{.Reason}}，不予受理。\n{{paras .Body}}\n@plain {{.Party}}\n{{with .Ptr}}{{.}}{{end}}\n")}})
	name, reason := "张三\n@title 伪造", "理由一\r\n@heading 伪造标题\n@blank"
	text, err := set.Text("t", map[string]any{
		"Organ": "某机关", "Name": name, "Start": "  @center 居中", "Reason": reason,
		"Body": "第一段\n@heading 第二段", "Party": Markup("申请人：某公司。\n@plain 法定代表人：李四。"), "Ptr": &reason,
	})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []Kind
	for _, b := range ParseMarkup(text) {
		kinds = append(kinds, b.Kind)
		if strings.HasPrefix(b.Text, "伪造") || strings.HasPrefix(b.Text, "居中") || strings.HasPrefix(b.Text, "第二段") && b.Kind != Para {
			t.Errorf("a typed value made a block: %+v", b)
		}
	}
	want := []Kind{Title, Plain, Para, Para, Para, Para, Plain, Plain, Para}
	if len(kinds) != len(want) {
		t.Fatalf("blocks %v, want %v:\n%s", kinds, want, text)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("blocks %v, want %v:\n%s", kinds, want, text)
		}
	}
	for _, s := range []string{"申请人：张三 @title 伪造", "  ＠center 居中", "经审查，理由一 @heading 伪造标题 @blank，不予受理。", "＠heading 第二段", "@plain 法定代表人：李四。"} {
		if !strings.Contains(text, s) {
			t.Errorf("markup lacks %q:\n%s", s, text)
		}
	}
}
