package pdf

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"fuyi/internal/date"
	"fuyi/internal/pdf/pdftext"
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

// 28 Han characters without punctuation: a full line of the grid.
const han28 = "本机关认为被申请人作出的行政处罚决定认定事实清楚证据确凿"

// ems counts a line in full-width characters: Latin letters and digits are half width, and up to two
// compressed marks give up half each.
func ems(s string) float64 {
	n, marks := 0.0, 0.0
	for _, r := range s {
		if r < 0x80 {
			n += 0.5
		} else {
			n++
		}
		if compressible(r) {
			marks++
		}
	}
	return n - max(0, min(marks-1, 2))*0.5
}

var pageNo = regexp.MustCompile(`—\d+—`)

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
	got := pageNo.ReplaceAllString(pdftext.Extract(t, b), "")
	var want strings.Builder
	want.WriteString("行政复议决定书栖政复〔2025〕1号")
	for range blocks {
		want.WriteString(squash(sample))
	}
	if got != want.String() {
		t.Fatalf("extracted text differs from input\n got: %s\nwant: %s", got, want.String())
	}
}

// Names with characters beyond the BMP (𬭚 U+2CB5A, Ext E) and in Extension A (䶮 U+4DAE) print with a
// fallback font and extract exactly: glyph ids in the content, UTF-16 surrogates in the ToUnicode map.
func TestRenderRareNameCharacters(t *testing.T) {
	text := "申请人欧阳𬭚锋，南京䶮晟科技有限公司。\x00\t"
	b, err := Render(Document{Blocks: []Block{{Kind: Para, Text: text}, {Kind: Title, Text: "欧阳𬭚锋"},
		{Kind: Heading, Text: "䶮"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := pdftext.Extract(t, b); got != "申请人欧阳𬭚锋，南京䶮晟科技有限公司。欧阳𬭚锋䶮" {
		t.Fatalf("got %q", got)
	}
	if strings.ContainsRune(Sanitize(text), Missing) || len(Undrawable(text)) != 0 {
		t.Fatal("𬭚 and 䶮 must be drawable with the fallback fonts (apt-get install fonts-noto-cjk fonts-hanazono)")
	}
}

// A character no font has prints as 〓 and is reported by Undrawable (the preview page names it).
func TestUndrawablePrintsMissingMark(t *testing.T) {
	text := "王\U0010FFFD明"
	if u := Undrawable(text); len(u) != 1 || u[0] != 0x10FFFD {
		t.Fatalf("Undrawable = %q", u)
	}
	b, err := Render(Document{Blocks: []Block{{Kind: Para, Text: text}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := pdftext.Extract(t, b); got != "王〓明" {
		t.Fatalf("got %q", got)
	}
}

func TestWrapKeepsPunctuationOffLineStartInsideMeasure(t *testing.T) {
	w := func(r rune) float64 { return 1 }
	// 10 characters fit; the 11th is a closing mark: it stays on line one, and the two commas before give up
	// half their width each, so the line ends exactly at the measure (the last mark keeps its full advance)
	lines := wrap("一，二，三四五六七八。下一行", w, 10, 0)
	if lines[0].text != "一，二，三四五六七八。" || lines[0].squeeze != 1 || lines[1].text != "下一行" {
		t.Fatalf("got %+v", lines)
	}
	// nothing to compress: the last character moves down with the mark
	lines = wrap("一二三四五六七八九十。下", w, 10, 0)
	if lines[0].text != "一二三四五六七八九" || lines[1].text != "十。下" {
		t.Fatalf("push back: got %+v", lines)
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

const mm = 72 / 25.4

// GB/T 9704: a full line holds 28 characters within the 版心 (28–184 mm), 22 lines a page; no punctuation
// hangs outside the 版心.
func TestGridTwentyEightByTwentyTwo(t *testing.T) {
	var blocks []Block
	for i := 0; i < 30; i++ {
		blocks = append(blocks, Block{Kind: Plain, Text: han28 + han28[:3*5] + "，" + han28})
		blocks = append(blocks, Block{Kind: Para, Text: sample})
	}
	b, err := Render(Document{Blocks: blocks, PageNumbers: true})
	if err != nil {
		t.Fatal(err)
	}
	lines := pdftext.Lines(t, b)
	perPage := map[int]int{}
	full := 0
	for _, l := range lines {
		if pageNo.MatchString(l.Text) {
			continue
		}
		perPage[l.Page]++
		if l.XMin < 28*mm-0.5 || l.XMax > 184*mm+0.5 {
			t.Errorf("line outside the 版心 (%.1f–%.1f mm): %s", l.XMin/mm, l.XMax/mm, l.Text)
		}
		if l.Text == han28 {
			full++
			if w := (l.XMax - l.XMin) / mm; w < 155 || w > 156.5 {
				t.Errorf("a full line spans %.1f mm, want 156", w)
			}
		}
		if n := ems(l.Text); n > 28.01 {
			t.Errorf("line of %.1f characters: %s", n, l.Text)
		}
	}
	if full < 20 {
		t.Fatalf("only %d full lines of 28 characters", full)
	}
	for p, n := range perPage {
		if p < len(perPage) && n != 22 {
			t.Errorf("page %d holds %d lines, want 22", p, n)
		}
	}
}

// "— N —" in 4号 宋体, its 一字线 7 mm below the 版心 (bottom at 262 mm), odd pages right and even pages left,
// one character (4号 ≈ 4.9 mm) in from the edge of the 版心.
func TestPageNumberPosition(t *testing.T) {
	var blocks []Block
	for i := 0; i < 40; i++ {
		blocks = append(blocks, Block{Kind: Para, Text: sample})
	}
	b, err := Render(Document{Blocks: blocks, PageNumbers: true})
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, l := range pdftext.Lines(t, b) {
		if !pageNo.MatchString(l.Text) {
			continue
		}
		seen++
		mid := (l.YMin + l.YMax) / 2 / mm
		if mid < 262+7-1.5 || mid > 262+7+1.5 {
			t.Errorf("page %d: number centred %.1f mm from the top, want 269", l.Page, mid)
		}
		em := 14 / 72.0 * 25.4
		if l.Page%2 == 1 {
			if r := l.XMax / mm; r < 184-em-1 || r > 184-em+1 {
				t.Errorf("page %d: number ends at %.1f mm, want %.1f (right, 空一字)", l.Page, r, 184-em)
			}
		} else if x := l.XMin / mm; x < 28+em-1 || x > 28+em+1 {
			t.Errorf("page %d: number starts at %.1f mm, want %.1f (left, 空一字)", l.Page, x, 28+em)
		}
		if want := fmt.Sprintf("—%d—", l.Page); l.Text != want {
			t.Errorf("page %d: number %q", l.Page, l.Text)
		}
	}
	if seen < 3 {
		t.Fatalf("%d page numbers", seen)
	}
}

// The 署名 and 日期 never stand alone on a page: with text filling page one exactly, two lines move over.
// The 日期 is 右空四字 and the 署名 centred above it.
func TestSignatureKeepsTwoLinesOfText(t *testing.T) {
	for n := 18; n <= 22; n++ { // text lines before the signature: the group falls across the page foot
		var blocks []Block
		for i := 0; i < n; i++ {
			blocks = append(blocks, Block{Kind: Plain, Text: han28})
		}
		blocks = append(blocks, Block{Kind: Blank}, Block{Kind: Blank},
			Block{Kind: Sign, Text: "南京市栖霞区人民政府"}, Block{Kind: Date, Text: "2025年9月26日"})
		b, err := Render(Document{Blocks: blocks, PageNumbers: true})
		if err != nil {
			t.Fatal(err)
		}
		lines := pdftext.Lines(t, b)
		var sign, dt pdftext.Line
		text := map[int]int{}
		for _, l := range lines {
			switch {
			case l.Text == "南京市栖霞区人民政府":
				sign = l
			case l.Text == "2025年9月26日":
				dt = l
			case l.Text == han28:
				text[l.Page]++
			}
		}
		if sign.Page != dt.Page || text[dt.Page] < 2 {
			t.Fatalf("%d lines: 署名 on page %d, 日期 on page %d with %d lines of text", n, sign.Page, dt.Page, text[dt.Page])
		}
		em := 184 - 4*156.0/28
		if r := dt.XMax / mm; r < em-1 || r > em+0.5 {
			t.Errorf("日期 ends at %.1f mm, want %.1f (右空四字)", r, em)
		}
		if c, dc := (sign.XMin+sign.XMax)/2, (dt.XMin+dt.XMax)/2; c-dc > 1*mm || dc-c > 1*mm {
			t.Errorf("署名 centred at %.1f mm, 日期 at %.1f mm", c/mm, dc/mm)
		}
	}
}

// A heading never stands alone at the foot of a page.
func TestHeadingNotOrphaned(t *testing.T) {
	var blocks []Block
	for i := 0; i < 21; i++ {
		blocks = append(blocks, Block{Kind: Plain, Text: han28})
	}
	blocks = append(blocks, Block{Kind: Heading, Text: "一、关于事实"}, Block{Kind: Para, Text: sample})
	b, err := Render(Document{Blocks: blocks})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range pdftext.Lines(t, b) {
		if l.Text == "一、关于事实" && l.Page != 2 {
			t.Fatalf("heading on page %d, alone at the foot", l.Page)
		}
	}
}

// The same document gives the same bytes; metadata is Chinese, dated in China time, PDF 1.7, tagged,
// /Lang zh-CN, fonts embedded as subsets with tags.
func TestReproducibleWithMetadata(t *testing.T) {
	doc := Document{Title: "行政复议决定书", Author: "南京市栖霞区人民政府", Subject: "栖政复决〔2025〕12号",
		CreatedAt: time.Date(2025, 9, 26, 0, 0, 0, 0, date.Shanghai), PageNumbers: true,
		Blocks: ParseMarkup("@title 行政复议决定书\n@heading 一、\n@heading2 （一）\n" + sample + "\n@sign 南京市栖霞区人民政府\n@date 2025年9月26日")}
	a, err := Render(doc)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Render(doc)
	if !bytes.Equal(a, b) {
		t.Fatal("two renderings of one document differ")
	}
	info := pdftext.Info(t, a)
	for k, want := range map[string]string{"Title": "行政复议决定书", "Author": "南京市栖霞区人民政府", "Subject": "栖政复决〔2025〕12号",
		"PDF version": "1.7", "Tagged": "yes", "CreationDate": "2025-09-26T00:00:00+08", "Page size": "595.28 x 841.89 pts (A4)"} {
		if !strings.HasPrefix(info[k], want) {
			t.Errorf("%s = %q, want %q", k, info[k], want)
		}
	}
	for _, s := range []string{"/Lang (zh-CN)", "/StructTreeRoot", "/OutputIntents", "<pdfaid:part>2</pdfaid:part>", "/ID ["} {
		if !bytes.Contains(a, []byte(s)) {
			t.Errorf("file lacks %s", s)
		}
	}
	tag := regexp.MustCompile(`^[A-Z]{6}\+`)
	faces := map[string]bool{}
	for _, f := range pdftext.Fonts(t, a) {
		if !f.Embedded || !f.Subset || !f.ToUnicode || !tag.MatchString(f.Name) {
			t.Errorf("font %+v: want embedded subset with tag and ToUnicode", f)
		}
		faces[f.Name[7:]] = true
	}
	fs, _ := loadFonts()
	for face, f := range fs.faces {
		if !faces[f.PSName] {
			t.Errorf("%s face %s not embedded (have %v)", faceNames[face], f.PSName, faces)
		}
	}
}

func TestMergeHeader(t *testing.T) {
	rows := [][]string{{"类别", "收到", "审结", "审结", "审结", "意见书", "意见书"}, {"", "", "合计", "维持", "撤销", "制发", "落实"}}
	got := fmt.Sprint(MergeHeader(rows, 2))
	want := "[{0 0 2 1 类别} {0 1 2 1 收到} {0 2 1 3 审结} {0 5 1 2 意见书} {1 2 1 1 合计} {1 3 1 1 维持} {1 4 1 1 撤销} {1 5 1 1 制发} {1 6 1 1 落实}]"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// A table: merged header cells, header rows repeated on the next page, cells at least 9 pt.
func TestTableRepeatsHeader(t *testing.T) {
	rows := [][]string{{"类别", "审结", "审结"}, {"", "维持", "撤销"}}
	for i := 0; i < 80; i++ {
		rows = append(rows, []string{fmt.Sprintf("类别%d", i), "1", "2"})
	}
	b, err := Render(Document{Landscape: true, BodySize: 12, PageNumbers: true, Blocks: []Block{{Kind: Table, Rows: rows, HeaderRows: 2, FontSize: 6}}})
	if err != nil {
		t.Fatal(err)
	}
	heads := map[int]int{}
	for _, l := range pdftext.Lines(t, b) {
		if strings.Contains(l.Text, "审结") {
			heads[l.Page]++
		}
		if !pageNo.MatchString(l.Text) && l.YMax-l.YMin < 9*0.95 {
			t.Errorf("cell text %q only %.1f pt high", l.Text, l.YMax-l.YMin)
		}
	}
	if len(heads) < 2 {
		t.Fatalf("header on pages %v, want every page", heads)
	}
	for p, n := range heads {
		if n != 1 {
			t.Errorf("page %d shows the merged 审结 %d times", p, n)
		}
	}
}

func BenchmarkRenderDecision(b *testing.B) {
	// 10 paragraphs is a typical decision (2 pages); 40 a long one (7 pages)
	for _, n := range []int{10, 40} {
		b.Run(fmt.Sprintf("paragraphs=%d", n), func(b *testing.B) {
			blocks := ParseMarkup("@title 南京市栖霞区人民政府\n@title 行政复议决定书\n@right 栖政复决〔2025〕12号\n@plain 申请人：欧阳𬭚锋，男。\n@plain 申请人：南京䶮晟科技有限公司。")
			for i := 0; i < n; i++ {
				blocks = append(blocks, Block{Kind: Para, Text: sample})
			}
			blocks = append(blocks, ParseMarkup("@blank\n@blank\n@sign 南京市栖霞区人民政府\n@date 2025年9月26日")...)
			doc := Document{Title: "决定书", PageNumbers: true, Blocks: blocks}
			if _, err := Render(doc); err != nil { // fonts load once per process, outside the timing
				b.Fatal(err)
			}
			b.ResetTimer()
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

// Characters of Extensions B–F come from HanaMin (TrueType in Debian's fonts-hanazono): the TrueType subset
// path embeds them, poppler draws the page without complaint, and the text extracts exactly.
func TestFallbackChainCoversExtensionsBToF(t *testing.T) {
	text := "甲𠀀乙𬺰丙𪛖丁䶮戊𬭚"
	b, err := Render(Document{Blocks: []Block{{Kind: Para, Text: text}, {Kind: Heading, Text: text}, {Kind: Heading2, Text: text}, {Kind: Title, Text: text}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := pdftext.Extract(t, b); got != strings.Repeat(text, 4) {
		t.Fatalf("got %q", got)
	}
	types := map[string]string{}
	for _, f := range pdftext.Fonts(t, b) {
		types[f.Name[7:]] = f.Type
	}
	if types["HanaMinB"] != "CID TrueType" || types["NotoSerifCJKsc-Regular"] != "CID Type 0C" {
		t.Fatalf("fonts: %v", types)
	}
	pdftext.Image(t, b, t.TempDir(), "page", 50) // fails on any error poppler reports about the fonts
}

// A bureau's licensed font in FUYI_FONT_DIR takes the face its family name names; the other faces keep Fandol.
// (HanaMinA stands in for an official 楷体 here: its family name is added to the 楷体 candidates.)
func TestFontDirOfficialFace(t *testing.T) {
	src, _ := filepath.Glob("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf")
	if len(src) == 0 {
		t.Fatal("fonts-hanazono is required: make test installs it, or apt-get install fonts-hanazono")
	}
	dir := t.TempDir()
	if err := os.Symlink(src[0], filepath.Join(dir, "official-kai.ttf")); err != nil {
		t.Fatal(err)
	}
	t.Setenv(FontDirEnv, dir)
	saved := faceCandidates[FaceKai]
	faceCandidates[FaceKai] = append([]string{"HanaMinA"}, saved...)
	defer func() { faceCandidates[FaceKai] = saved }()
	s, err := findFonts(FontDirs())
	if err != nil {
		t.Fatal(err)
	}
	if got := s.faces[FaceKai].PSName; got != "HanaMinA" {
		t.Errorf("楷体 face is %s, want the official font from %s", got, FontDirEnv)
	}
	if got := s.faces[FaceBody].PSName; got != "FandolFang-Regular" {
		t.Errorf("仿宋 face is %s, want Fandol when no official 仿宋 is installed", got)
	}
}
