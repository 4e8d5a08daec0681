// Package pdf renders official documents after GB/T 9704-2012: A4, 版心 156 × 225 mm, 28 characters × 22
// lines, 仿宋 body, 小标宋 title, 黑体/楷体 headings, 宋体 page numbers "— 1 —" outside the 版心. All PDF output
// of the product goes through here.
//
// Fonts are OpenType files (CFF or TrueType outlines, .ttc collections too) found at start (see FontDirs);
// each document embeds subsets addressed by glyph, with a ToUnicode map that carries characters beyond
// U+FFFF, so a name such as 欧阳𬭚锋 prints and extracts as entered. A character no font has is printed as
// the 缺字 mark 〓 and logged. Lines are wrapped here with 避头尾 and punctuation compression; gofpdf's
// MultiCell would drop a character at each wrap and its fonts cannot address glyphs beyond U+FFFF.
//
// Output is reproducible: the same Document gives the same bytes (no clock, no random identifiers).
package pdf

import (
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Missing is printed in place of a character no font can draw (缺字符号).
const Missing = '〓'

// Kind of a block.
type Kind int

const (
	Para      Kind = iota // body paragraph, justified, first line indented two characters
	Plain                 // left-aligned lines without indent (labels, lists)
	Title                 // centred, 2号 小标宋
	Center                // centred, body size
	Right                 // right-aligned (文号)
	Blank                 // an empty line
	Heading               // 黑体 first-level heading (一、…)
	Table                 // a grid: Rows of cells, the first HeaderRows repeated on every page
	Heading2              // 楷体 second-level heading (（一）…)
	Sign                  // 发文机关署名: centred above the date, kept on a page with text
	Date                  // 成文日期: 右空四字
	PageBreak             // what follows starts on a new page (the parts of a 卷宗)
	Figure                // Image on a page of its own, scaled to fit; Text is its caption (one line) and alternate text
)

// Block is one paragraph or line of a document.
type Block struct {
	Kind       Kind
	Text       string
	Rows       [][]string // Table
	Widths     []float64  // Table: relative column widths (equal when nil)
	HeaderRows int        // Table: header rows; equal neighbours merge across, an empty cell merges up
	FontSize   float64    // Table: points (default 10.5, never below 9)
	Image      *Image     // Figure
}

// Document is what gets rendered.
type Document struct {
	Title       string // PDF metadata: Title (Chinese)
	Subject     string // PDF metadata: Subject
	Author      string // PDF metadata: Author (the organ)
	Blocks      []Block
	BodySize    float64 // points; default 16 (三号) on the portrait grid
	PageNumbers bool
	CreatedAt   time.Time // creation date written to the file (zero: a fixed date), shown in China time
	Landscape   bool
}

var pageCountRe = regexp.MustCompile(`/Type /Pages /Kids \[[^\]]*\] /Count (\d+)`)

// PageCount is the number of pages of a PDF this package rendered (0 when it cannot tell).
func PageCount(b []byte) int {
	m := pageCountRe.FindSubmatch(b)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// Page geometry (mm), after GB/T 9704-2012.
const (
	pageW      = 210.0
	pageH      = 297.0
	marginLeft = 28.0  // 订口
	marginTop  = 37.0  // 天头
	textWidth  = 156.0 // 版心
	textHeight = 225.0
	gridChars  = 28
	gridLines  = 22
	ptToMM     = 25.4 / 72
	titleSize  = 22.0 // 2号
	pageNoSize = 14.0 // 4号
	pageNoGap  = 7.0  // 一字线 below the 版心
	emBaseline = 0.86 // baseline position within the em box, from its top
)

type geometry struct {
	pageW, pageH, left, top, width, height float64
	pitch                                  float64 // line pitch
	charPitch                              float64 // advance of a full-width body character (0: natural)
}

func geometryOf(d Document) geometry {
	if d.Landscape {
		return geometry{pageW: pageH, pageH: pageW, left: 20, top: 20, width: pageH - 40, height: pageW - 40 - 8,
			pitch: d.BodySize * ptToMM * 1.6}
	}
	g := geometry{pageW: pageW, pageH: pageH, left: marginLeft, top: marginTop, width: textWidth, height: textHeight,
		pitch: textHeight / gridLines, charPitch: textWidth / gridChars}
	if d.BodySize != 16 {
		chars := float64(int(textWidth / (d.BodySize * ptToMM)))
		g.charPitch = textWidth / chars
		g.pitch = textHeight / float64(int(textHeight/(d.BodySize*ptToMM*1.8)))
	}
	return g
}

// Undrawable lists the characters of s that no installed font draws (they print as 〓), each once.
func Undrawable(s string) []rune {
	fs, err := loadFonts()
	if err != nil {
		return nil
	}
	var out []rune
	seen := map[rune]bool{}
	for _, r := range s {
		if unicode.IsControl(r) || r == ' ' || r == '\u3000' || seen[r] {
			continue
		}
		seen[r] = true
		if !fs.drawable(r) {
			out = append(out, r)
		}
	}
	return out
}

// Sanitize replaces what cannot be drawn: control characters become spaces or disappear, a character no font
// has becomes 〓 (logged once with its code point). It never drops a printable character silently.
func Sanitize(s string) string {
	fs, err := loadFonts()
	if err != nil {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\t':
			b.WriteString("  ")
		case r == '\r' || r == '\n':
			b.WriteRune(' ')
		case unicode.IsControl(r) || r == '\uFEFF' || r == '\u200B' || unicode.Is(unicode.Variation_Selector, r):
		case r == ' ' || r == '\u3000':
			b.WriteRune(r)
		case !fs.drawable(r):
			if _, logged := fs.missing.LoadOrStore(r, true); !logged {
				slog.Warn("pdf: no font draws a character; printed as 〓", "char", fmt.Sprintf("U+%04X", r))
			}
			b.WriteRune(Missing)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Render lays the document out and returns the PDF bytes.
func Render(d Document) ([]byte, error) {
	fs, err := loadFonts()
	if err != nil {
		return nil, err
	}
	if d.BodySize == 0 {
		d.BodySize = 16
	}
	blocks := make([]Block, len(d.Blocks))
	for i, b := range d.Blocks {
		if b.Kind == Figure && b.Image == nil {
			return nil, fmt.Errorf("pdf: figure %d without an image", i)
		}
		blocks[i] = b
		blocks[i].Text = Sanitize(b.Text)
		blocks[i].Rows = make([][]string, len(b.Rows))
		for j, row := range b.Rows {
			blocks[i].Rows[j] = make([]string, len(row))
			for k, cell := range row {
				blocks[i].Rows[j][k] = Sanitize(cell)
			}
		}
	}
	l := &layout{fs: fs, g: geometryOf(d), size: d.BodySize}
	for _, b := range blocks {
		l.kinds = append(l.kinds, b.Kind)
	}
	for i, b := range blocks {
		l.block(i, b)
	}
	pages := l.paginate()
	return l.write(d, blocks, pages)
}
