// Package pdf renders official documents (GB/T 9704-like A4 layout) with an embedded CJK TrueType font.
// All PDF output of the product goes through here, so the gofpdf fork can be swapped in one import.
//
// Two traps of every gofpdf fork are avoided: MultiCell/SplitText silently drop a Chinese character at each
// wrap, so lines are wrapped here (with 避头尾 rules); and runes outside the Basic Multilingual Plane make
// Output panic, so such runes — and any rune the font cannot draw — are printed as the 缺字 mark 〓 instead.
package pdf

import (
	"bytes"
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/jung-kurt/gofpdf"
)

//go:embed fonts/wqy-microhei.ttf
var fontData []byte

var loadFont = sync.OnceValues(func() (*ttf, error) { return parseTTF(fontData) })

// Missing is printed in place of a character the font cannot draw (缺字符号).
const Missing = '〓'

// Kind of a block.
type Kind int

const (
	Para    Kind = iota // body paragraph, justified, first line indented two characters
	Plain               // left-aligned lines without indent (labels, lists)
	Title               // centred, large
	Center              // centred, body size
	Right               // right-aligned (文号, signature, date)
	Blank               // an empty line
	Heading             // left-aligned, no indent, slightly larger
	Table               // a grid: Rows of cells, the first HeaderRows repeated on every page
)

// Block is one paragraph or line of a document.
type Block struct {
	Kind       Kind
	Text       string
	Rows       [][]string // Table
	Widths     []float64  // Table: relative column widths (equal when nil)
	HeaderRows int        // Table
	FontSize   float64    // Table: points (default 7.5)
}

// Document is what gets rendered.
type Document struct {
	Title       string // PDF metadata
	Blocks      []Block
	BodySize    float64 // points; default 16 (三号)
	PageNumbers bool
	CreatedAt   time.Time // fixed creation date for reproducible files (zero: a fixed epoch)
	Landscape   bool
}

// Page geometry (mm), after GB/T 9704-2012: A4, 版心 156 × 225 mm.
const (
	pageW        = 210.0
	pageH        = 297.0
	marginLeft   = 28.0
	marginTop    = 37.0
	textWidth    = 156.0
	textHeight   = 225.0
	ptToMM       = 25.4 / 72
	titleSize    = 22.0
	lineSpacing  = 1.75 // line height as a multiple of the font size
	headingScale = 1.1
)

// Sanitize replaces what cannot be drawn: control characters become spaces or disappear, runes outside the
// BMP or missing from the font become 〓. It never drops a printable character silently.
func Sanitize(s string) string {
	f, err := loadFont()
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
		case unicode.IsControl(r) || r == '\uFEFF' || r == '\u200B':
		case r == ' ' || r == '\u3000':
			b.WriteRune(r)
		case !f.Has(r):
			b.WriteRune(Missing)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Render lays the document out and returns the PDF bytes.
func Render(d Document) ([]byte, error) {
	f, err := loadFont()
	if err != nil {
		return nil, err
	}
	if d.BodySize == 0 {
		d.BodySize = 16
	}
	blocks := make([]Block, len(d.Blocks))
	used := map[rune]bool{Missing: true, '—': true, ' ': true}
	for _, r := range "0123456789" {
		used[r] = true
	}
	for i, b := range d.Blocks {
		blocks[i] = b
		blocks[i].Text = Sanitize(b.Text)
		for _, r := range blocks[i].Text {
			used[r] = true
		}
		blocks[i].Rows = make([][]string, len(b.Rows))
		for j, row := range b.Rows {
			blocks[i].Rows[j] = make([]string, len(row))
			for k, cell := range row {
				blocks[i].Rows[j][k] = Sanitize(cell)
				for _, r := range blocks[i].Rows[j][k] {
					used[r] = true
				}
			}
		}
	}
	runes := make([]rune, 0, len(used))
	for r := range used {
		runes = append(runes, r)
	}
	sub := f.subset(runes)

	orientation := "P"
	if d.Landscape {
		orientation = "L"
	}
	p := gofpdf.New(orientation, "mm", "A4", "")
	p.SetCompression(true)
	p.SetAutoPageBreak(false, 0)
	p.SetTitle(Sanitize(d.Title), true)
	p.SetCreator("fuyi", false)
	at := d.CreatedAt
	if at.IsZero() {
		at = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	p.SetCreationDate(at)
	p.SetModificationDate(at)
	p.AddUTF8FontFromBytes("body", "", sub)
	if p.Err() {
		return nil, fmt.Errorf("pdf: font: %w", p.Error())
	}
	l := &layout{p: p, f: f, size: d.BodySize, width: textWidth, height: textHeight, pageW: pageW}
	if d.Landscape {
		l.width, l.height, l.pageW = pageH-2*marginLeft, pageW-2*25, pageH
	}
	if d.PageNumbers {
		p.SetFooterFunc(func() {
			p.SetFont("body", "", 14)
			s := fmt.Sprintf("— %d —", p.PageNo())
			w := l.textWidth(s, 14)
			p.Text((l.pageW-w)/2, l.top()+l.height+12, s)
		})
	}
	l.newPage()
	for _, b := range blocks {
		l.block(b)
	}
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		return nil, fmt.Errorf("pdf: output: %w", err)
	}
	return buf.Bytes(), nil
}

type layout struct {
	p      *gofpdf.Fpdf
	f      *ttf
	size   float64
	y      float64 // top of the next line
	width  float64 // text area
	height float64
	pageW  float64
}

func (l *layout) top() float64 {
	if l.pageW > pageW {
		return 25
	}
	return marginTop
}

func (l *layout) newPage() {
	l.p.AddPage()
	l.y = l.top()
}

// textWidth of s in mm at size points.
func (l *layout) textWidth(s string, size float64) float64 {
	w := 0
	for _, r := range s {
		w += l.f.Advance(r)
	}
	return float64(w) / float64(l.f.unitsPerEm) * size * ptToMM
}

func (l *layout) runeWidth(r rune, size float64) float64 {
	return float64(l.f.Advance(r)) / float64(l.f.unitsPerEm) * size * ptToMM
}

func (l *layout) ensure(h float64) {
	if l.y+h > l.top()+l.height+0.01 {
		l.newPage()
	}
}

func (l *layout) block(b Block) {
	size := l.size
	switch b.Kind {
	case Title:
		size = titleSize
	case Heading:
		size = l.size * headingScale
	}
	lh := size * ptToMM * lineSpacing
	if b.Kind == Table {
		l.table(b)
		return
	}
	if b.Kind == Blank {
		l.ensure(lh)
		l.y += lh
		return
	}
	indent := 0.0
	if b.Kind == Para {
		indent = 2 * size * ptToMM
	}
	lines := wrap(b.Text, func(r rune) float64 { return l.runeWidth(r, size) }, l.width, indent)
	l.p.SetFont("body", "", size)
	ascent := size * ptToMM * 0.88
	for _, ln := range lines {
		l.ensure(lh)
		base := l.y + (lh-size*ptToMM)/2 + ascent
		w := l.textWidth(ln.text, size)
		switch {
		case b.Kind == Title || b.Kind == Center:
			l.p.Text(marginLeft+(l.width-w)/2, base, ln.text)
		case b.Kind == Right:
			l.p.Text(marginLeft+l.width-w, base, ln.text)
		case b.Kind == Para && !ln.last:
			l.justified(ln, marginLeft+ln.indent, base, l.width-ln.indent, size)
		default:
			l.p.Text(marginLeft+ln.indent, base, ln.text)
		}
		l.y += lh
	}
}

// justified spreads a full line across the measure by adding equal space between characters.
func (l *layout) justified(ln line, x, base, measure, size float64) {
	rs := []rune(ln.text)
	w := l.textWidth(ln.text, size)
	extra := measure - w
	if extra <= 0.05 || len(rs) < 2 || extra > measure*0.25 {
		l.p.Text(x, base, ln.text)
		return
	}
	gap := extra / float64(len(rs)-1)
	for _, r := range rs {
		s := string(r)
		if r != ' ' {
			l.p.Text(x, base, s)
		}
		x += l.runeWidth(r, size) + gap
	}
}

type line struct {
	text   string
	indent float64
	last   bool
}

// Characters that must not start a line (避头) and must not end one (避尾).
const (
	noStart = "，。；：、？！）》」』〕】”’…—·%,.;:?!)]}"
	noEnd   = "（《「『〔【“‘([{"
)

func isWordRune(r rune) bool {
	return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("._-/@#&+=", r))
}

// tokens splits text into unbreakable pieces: runs of Latin letters and digits stay together, every other
// rune stands alone.
func tokens(s string) []string {
	var out []string
	rs := []rune(s)
	for i := 0; i < len(rs); {
		j := i + 1
		if isWordRune(rs[i]) {
			for j < len(rs) && isWordRune(rs[j]) {
				j++
			}
		}
		out = append(out, string(rs[i:j]))
		i = j
	}
	return out
}

// wrap breaks text into lines no wider than measure (the first line indented), keeping 避头尾: a closing
// mark that would start a line hangs at the end of the previous one; an opening mark never ends a line.
// Every rune of the input appears in exactly one line, in order.
func wrap(text string, width func(rune) float64, measure, indent float64) []line {
	text = strings.TrimRight(text, " ")
	tw := func(t string) float64 {
		w := 0.0
		for _, r := range t {
			w += width(r)
		}
		return w
	}
	var lines []line
	var cur []string
	curW, ind := 0.0, indent
	flush := func(last bool) {
		s := strings.TrimRight(strings.Join(cur, ""), " ")
		lines = append(lines, line{text: s, indent: ind, last: last})
		cur, curW, ind = nil, 0, 0
	}
	toks := tokens(text)
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		w := tw(t)
		if len(cur) == 0 && t == " " && len(lines) > 0 {
			continue // no leading space on a continuation line
		}
		if curW+w <= measure-ind+0.01 || len(cur) == 0 {
			if len(cur) == 0 && w > measure-ind && len([]rune(t)) > 1 {
				// a word longer than the line: break it by characters
				rs := []rune(t)
				k := 0
				for k < len(rs) && curW+width(rs[k]) <= measure-ind+0.01 {
					curW += width(rs[k])
					k++
				}
				if k == 0 {
					k = 1
				}
				cur = append(cur, string(rs[:k]))
				toks = append(toks[:i+1], toks[i:]...)
				toks[i+1] = string(rs[k:])
				flush(false)
				continue
			}
			cur = append(cur, t)
			curW += w
			continue
		}
		// t does not fit
		if r := []rune(t); len(r) == 1 && strings.ContainsRune(noStart, r[0]) {
			cur = append(cur, t) // hanging punctuation
			curW += w
			for i+1 < len(toks) {
				nr := []rune(toks[i+1])
				if len(nr) != 1 || !strings.ContainsRune(noStart, nr[0]) {
					break
				}
				i++
				cur = append(cur, toks[i])
			}
			flush(i == len(toks)-1)
			continue
		}
		var carry []string
		for len(cur) > 1 {
			lr := []rune(cur[len(cur)-1])
			if len(lr) == 1 && strings.ContainsRune(noEnd, lr[0]) {
				carry = append([]string{cur[len(cur)-1]}, carry...)
				cur = cur[:len(cur)-1]
				continue
			}
			break
		}
		flush(false)
		for _, c := range carry {
			cur = append(cur, c)
			curW += tw(c)
		}
		i--
	}
	if len(cur) > 0 || len(lines) == 0 {
		flush(true)
	}
	if len(lines) > 0 {
		lines[len(lines)-1].last = true
	}
	return lines
}

// table draws a grid, wrapping each cell in its column and repeating the header rows after a page break.
func (l *layout) table(b Block) {
	if len(b.Rows) == 0 {
		return
	}
	size := b.FontSize
	if size == 0 {
		size = 7.5
	}
	cols := 0
	for _, r := range b.Rows {
		if len(r) > cols {
			cols = len(r)
		}
	}
	widths := make([]float64, cols)
	total := 0.0
	for i := range widths {
		widths[i] = 1
		if i < len(b.Widths) {
			widths[i] = b.Widths[i]
		}
		total += widths[i]
	}
	for i := range widths {
		widths[i] = widths[i] / total * l.width
	}
	lh := size * ptToMM * 1.35
	pad := 0.8
	l.p.SetFont("body", "", size)
	l.p.SetLineWidth(0.15)
	measure := func(r rune) float64 { return l.runeWidth(r, size) }
	cellLines := func(row []string) ([][]line, float64) {
		out := make([][]line, cols)
		maxN := 1
		for i := 0; i < cols; i++ {
			text := ""
			if i < len(row) {
				text = row[i]
			}
			out[i] = wrap(text, measure, widths[i]-2*pad, 0)
			if len(out[i]) > maxN {
				maxN = len(out[i])
			}
		}
		return out, float64(maxN)*lh + 2*pad
	}
	drawRow := func(row []string) {
		cells, h := cellLines(row)
		x := marginLeft
		for i := 0; i < cols; i++ {
			l.p.Rect(x, l.y, widths[i], h, "D")
			for k, ln := range cells[i] {
				w := l.textWidth(ln.text, size)
				l.p.Text(x+(widths[i]-w)/2, l.y+pad+float64(k)*lh+size*ptToMM*0.95, ln.text)
			}
			x += widths[i]
		}
		l.y += h
	}
	for i, row := range b.Rows {
		_, h := cellLines(row)
		if l.y+h > l.top()+l.height+0.01 {
			l.newPage()
			l.p.SetFont("body", "", size)
			if i >= b.HeaderRows {
				for _, hr := range b.Rows[:b.HeaderRows] {
					drawRow(hr)
				}
			}
		}
		drawRow(row)
	}
	l.p.SetFont("body", "", l.size)
	l.y += lh
}
