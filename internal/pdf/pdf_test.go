package pdf

import (
	"fmt"
	"fuyi/internal/pdf/pdftext"
	"strings"
	"testing"
	"unicode"
)

func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u3000' {
			return -1
		}
		return r
	}, s)
}

const sample = `申请人不服被申请人于2025年8月1日作出的《行政处罚决定书》（栖市监罚〔2025〕345号），于2025年9月26日向本机关提出行政复议申请，本机关依法予以受理。被申请人认为：申请人销售的商品不符合GB 2760-2014标准，“证据确凿”，依据《中华人民共和国食品安全法》第一百二十四条之规定作出处罚。本机关认为，被申请人作出的行政处罚决定认定事实清楚，证据确凿，适用依据正确，程序合法，内容适当。ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ。`

// Every character of every block must come back out of the PDF: gofpdf's own wrapping drops one character
// per wrapped line, ours must not.
func TestRenderLosesNoCharacter(t *testing.T) {
	var blocks []Block
	for i := 0; i < 12; i++ {
		blocks = append(blocks, Block{Kind: Para, Text: sample})
	}
	doc := Document{Title: "测试", PageNumbers: true, Blocks: append([]Block{
		{Kind: Title, Text: "行政复议决定书"}, {Kind: Right, Text: "栖政复〔2025〕1号"}}, blocks...)}
	b, err := Render(doc)
	if err != nil {
		t.Fatal(err)
	}
	got := pdftext.Extract(t, b)
	var want strings.Builder
	want.WriteString("行政复议决定书栖政复〔2025〕1号")
	for range blocks {
		want.WriteString(squash(sample))
	}
	// page numbers are interleaved: remove them from the extracted text before comparing
	for i := 9; i >= 1; i-- {
		got = strings.ReplaceAll(got, "—"+string(rune('0'+i))+"—", "")
	}
	if got != want.String() {
		t.Fatalf("extracted text differs from input\n got: %s\nwant: %s", got, want.String())
	}
}

// Runes outside the BMP (rare name characters such as 𬭚) must not crash rendering; they print as 〓.
func TestRenderNonBMPDoesNotPanic(t *testing.T) {
	b, err := Render(Document{Blocks: []Block{{Kind: Para, Text: "申请人王𬭚，住某市。\x00\t"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := pdftext.Extract(t, b); got != "申请人王〓，住某市。" {
		t.Fatalf("got %q", got)
	}
}

func TestWrapKeepsPunctuationOffLineStart(t *testing.T) {
	w := func(r rune) float64 { return 1 }
	// 10 characters fit; the 11th is a closing mark and must hang on line one, not start line two.
	lines := wrap("一二三四五六七八九十。下一行", w, 10, 0)
	if lines[0].text != "一二三四五六七八九十。" || lines[1].text != "下一行" {
		t.Fatalf("got %+v", lines)
	}
	// an opening mark must not end a line: it moves down with the word it opens
	lines = wrap("一二三四五六七八九《十》", w, 10, 0)
	if lines[0].text != "一二三四五六七八九" || lines[1].text != "《十》" {
		t.Fatalf("got %+v", lines)
	}
	var all strings.Builder
	for _, l := range wrap(sample, w, 7, 2) {
		all.WriteString(l.text)
	}
	if squash(all.String()) != squash(sample) {
		t.Fatal("wrap lost characters")
	}
}

func BenchmarkRenderDecision(b *testing.B) {
	// 10 paragraphs is a typical decision (2 pages); 40 a long one (7 pages)
	for _, n := range []int{10, 40} {
		b.Run(fmt.Sprintf("paragraphs=%d", n), func(b *testing.B) {
			var blocks []Block
			for i := 0; i < n; i++ {
				blocks = append(blocks, Block{Kind: Para, Text: sample})
			}
			doc := Document{Title: "决定书", PageNumbers: true, Blocks: blocks}
			for i := 0; i < b.N; i++ {
				if _, err := Render(doc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Any text renders without panic and wrapping never loses or reorders a rune.
func FuzzPDFText(f *testing.F) {
	for _, s := range []string{sample, "𬭚王", "\x00\t\r\n", "，，，。。（（（", strings.Repeat("a", 500), "《》“”"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4000 {
			return
		}
		clean := Sanitize(s)
		var all strings.Builder
		for _, l := range wrap(clean, func(r rune) float64 { return 1 }, 12, 2) {
			all.WriteString(l.text)
		}
		if squash(all.String()) != squash(strings.TrimRight(clean, " ")) {
			t.Fatalf("wrap changed the text of %q", s)
		}
		if _, err := Render(Document{Blocks: []Block{{Kind: Para, Text: s}, {Kind: Title, Text: s}}}); err != nil {
			t.Fatalf("render %q: %v", s, err)
		}
	})
}
