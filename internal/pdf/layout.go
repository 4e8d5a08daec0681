package pdf

import (
	"math"
	"strings"
)

// glyph is one character placed on a line: x is its origin from the page's left edge, y its baseline from
// the top of its item (mm).
type glyph struct {
	r    rune
	f    *Font
	size float64 // pt
	x, y float64
}

// run is one marked-content sequence: the glyphs of a line, or of one table cell.
type run struct {
	role   string // TD or TH for table cells; "" for a line of its block
	glyphs []glyph
}

// item is what pagination moves around: a line of text, a blank line, a table row or a table's header rows.
type item struct {
	block    int
	h        float64
	runs     []run
	rules    [][4]float64 // table rules, relative to the item's top-left corner of the 版心
	keep     int          // following items that must stay on its page
	sigStart bool         // first item of a signature group (blank lines, 署名, 日期)
	sigLen   int
	text     bool // a line of text: the signature keeps two of them on its page
	blank    bool
	header   int  // table rows: index of the item holding the table's header rows (-1: none)
	isHeader bool // the header rows of a table
	row      bool // a table row (structure element TR)
	brk      bool // a page break: what follows starts a new page
	figure   *Image
}

type layout struct {
	fs    *fontSet
	g     geometry
	size  float64
	items []item
	kinds []Kind // by block index
}

func (l *layout) faceOf(k Kind) Face {
	switch k {
	case Title:
		return FaceTitle
	case Heading:
		return FaceHei
	case Heading2:
		return FaceKai
	}
	return FaceBody
}

// advance of r in mm at size points in face, with the grid's letter spacing for body-size text.
func (l *layout) advance(face Face, r rune, size float64, grid bool) float64 {
	f, ok := l.fs.fontFor(face, r)
	if !ok {
		f, _ = l.fs.fontFor(face, Missing)
		if f == nil {
			return size * ptToMM
		}
		r = Missing
	}
	w := f.advanceOf(r) / 1000 * size * ptToMM
	if grid && l.g.charPitch > 0 {
		w += l.g.charPitch - size*ptToMM
	}
	return w
}

// place turns a line of text into glyphs starting at x, stretched (justify) or squeezed to measure.
func (l *layout) place(face Face, ln line, size, x, measure float64, grid, justify bool) []glyph {
	rs := []rune(ln.text)
	ws := make([]float64, len(rs))
	trimL := make([]float64, len(rs))
	total := 0.0
	for i, r := range rs {
		ws[i] = l.advance(face, r, size, grid)
		total += ws[i]
	}
	// squeeze: closing marks give up their right half, opening marks their left half, from the line's end
	sq := ln.squeeze
	for i := len(rs) - 2; i >= 0 && sq > 0.001; i-- { // not the last glyph: its box stays inside the measure
		if !compressible(rs[i]) || i == 0 && strings.ContainsRune(openingMarks, rs[i]) {
			continue
		}
		cut := math.Min(ws[i]/2, sq)
		if strings.ContainsRune(openingMarks, rs[i]) {
			trimL[i] = cut
		}
		ws[i] -= cut
		total -= cut
		sq -= cut
	}
	gap := 0.0
	if justify && len(rs) > 1 && total < measure-0.01 && measure-total < measure*0.3 {
		gap = (measure - total) / float64(len(rs)-1)
	}
	out := make([]glyph, 0, len(rs))
	for i, r := range rs {
		if r != ' ' {
			f, ok := l.fs.fontFor(face, r)
			if !ok {
				f, _ = l.fs.fontFor(face, Missing)
				r = Missing
			}
			out = append(out, glyph{r: r, f: f, size: size, x: x - trimL[i]})
		}
		x += ws[i] + gap
	}
	return out
}

func (l *layout) lineWidth(face Face, s string, size float64, grid bool) float64 {
	w := 0.0
	for _, r := range s {
		w += l.advance(face, r, size, grid)
	}
	return w
}

// baseline of text of size points on a line of height h (mm), the em box centred on the line.
func baseline(h, size float64) float64 {
	em := size * ptToMM
	return (h-em)/2 + em*emBaseline
}

func (l *layout) block(idx int, b Block) {
	g := l.g
	switch b.Kind {
	case Table:
		l.table(idx, b)
		return
	case Blank:
		l.items = append(l.items, item{block: idx, h: g.pitch, blank: true, header: -1})
		return
	case PageBreak:
		l.items = append(l.items, item{block: idx, brk: true, header: -1})
		return
	case Figure:
		l.figure(idx, b)
		return
	}
	face := l.faceOf(b.Kind)
	size := l.size
	grid := true
	if b.Kind == Title {
		size, grid = titleSize, false
	}
	measure := g.width
	indent := 0.0
	if b.Kind == Para {
		indent = 2 * l.advance(face, '　', size, grid)
	}
	if b.Kind == Date || b.Kind == Sign {
		measure = g.width - 4*l.advance(face, '　', size, grid)
	}
	lines := wrap(b.Text, func(r rune) float64 { return l.advance(face, r, size, grid) }, measure, indent)
	first := len(l.items)
	for _, ln := range lines {
		x := g.left + ln.indent
		w := l.lineWidth(face, ln.text, size, grid) - ln.squeeze
		switch b.Kind {
		case Title, Center:
			x = g.left + (g.width-w)/2
		case Right:
			x = g.left + g.width - w
		case Date:
			x = g.left + measure - w
		}
		justify := (b.Kind == Para || b.Kind == Plain) && !ln.last
		gl := l.place(face, ln, size, x, g.width-ln.indent, grid, justify)
		for i := range gl {
			gl[i].y = baseline(g.pitch, size)
		}
		it := item{block: idx, h: g.pitch, runs: []run{{glyphs: gl}}, text: true, header: -1}
		if b.Kind == Title || b.Kind == Heading || b.Kind == Heading2 {
			it.keep = 2 // never alone at a page foot
		}
		l.items = append(l.items, it)
	}
	if b.Kind == Sign {
		// 署名 centred on the 日期 that follows; done when the date arrives (see fixSignature)
		l.items[first].keep = 0
	}
	if b.Kind == Date {
		l.fixSignature(first)
	}
}

// fixSignature centres the 署名 above the 日期 just laid out (the line before it) and marks the signature
// group: the blank lines before the 署名, the 署名 and the 日期 share a page with at least two lines of text
// (GB/T 9704 7.3.5: 印章 presses both, its top within one line of the text).
func (l *layout) fixSignature(dateAt int) {
	if dateAt == 0 || len(l.items[dateAt].runs) == 0 {
		return
	}
	date := l.items[dateAt].runs[0].glyphs
	if len(date) == 0 {
		return
	}
	dl, dr := date[0].x, l.g.left+l.g.width-4*l.g.charPitch
	start := dateAt
	if s := dateAt - 1; s >= 0 && l.isKind(s, Sign) {
		sign := l.items[s].runs[0].glyphs
		if len(sign) > 0 {
			last := sign[len(sign)-1]
			sw := last.x + l.advance(FaceBody, last.r, last.size, true) - sign[0].x
			x := (dl+dr)/2 - sw/2
			if x+sw > l.g.left+l.g.width {
				x = l.g.left + l.g.width - sw
			}
			shift := x - sign[0].x
			for i := range sign {
				sign[i].x += shift
			}
		}
		start = s
	}
	for start > 0 && l.items[start-1].blank {
		start--
	}
	l.items[start].sigStart = true
	l.items[start].sigLen = dateAt - start + 1
}

// kinds of blocks, recorded by block index for the signature check
func (l *layout) isKind(i int, k Kind) bool { return l.kinds != nil && l.kinds[l.items[i].block] == k }

// paginate assigns items to pages: a heading or title keeps two lines after it, the signature group keeps
// two lines of text before it (lines move to the next page rather than leave 署名/日期 alone), table rows
// repeat the table's header rows on a new page, and blank lines do not open a page.
type placed struct {
	item     int
	y        float64 // from the top of the 版心
	artifact bool    // a repeated table header
}

func (l *layout) paginate() [][]placed {
	var pages [][]placed
	var cur []placed
	y := 0.0
	height := l.g.height + 0.01
	newPage := func() {
		pages = append(pages, cur)
		cur, y = nil, 0
	}
	for i := 0; i < len(l.items); i++ {
		it := l.items[i]
		if it.brk {
			if len(cur) > 0 {
				newPage()
			}
			continue
		}
		if it.blank && len(cur) == 0 && !it.sigStart && len(pages) > 0 {
			continue
		}
		if it.figure != nil {
			if len(cur) > 0 {
				newPage()
			}
			cur = append(cur, placed{item: i})
			newPage()
			continue
		}
		if it.sigStart {
			need := 0.0
			for k := i; k < i+it.sigLen && k < len(l.items); k++ {
				need += l.items[k].h
			}
			texts := 0
			for _, p := range cur {
				if l.items[p.item].text {
					texts++
				}
			}
			if y+need > height || texts < 2 {
				// carry the last two lines of text (and what lies between them) to a new page, taking them
				// from the page before when this one holds fewer
				var moved []placed
				for n := 0; n < 2; {
					if len(cur) == 0 {
						if len(pages) == 0 {
							break
						}
						cur, pages = pages[len(pages)-1], pages[:len(pages)-1]
					}
					p := cur[len(cur)-1]
					cur = cur[:len(cur)-1]
					if l.items[p.item].text {
						n++
					}
					moved = append([]placed{p}, moved...)
				}
				if len(cur) > 0 {
					pages = append(pages, cur)
				}
				cur, y = nil, 0
				for _, p := range moved {
					p.y = y
					cur = append(cur, p)
					y += l.items[p.item].h
				}
			}
			for k := i; k < i+it.sigLen && k < len(l.items); k++ {
				cur = append(cur, placed{item: k, y: y})
				y += l.items[k].h
			}
			i += it.sigLen - 1
			continue
		}
		need := it.h
		for k := 1; k <= it.keep && i+k < len(l.items); k++ {
			need += l.items[i+k].h
		}
		if y+need > height && len(cur) > 0 {
			newPage()
			if it.row && it.header >= 0 && !it.isHeader {
				cur = append(cur, placed{item: it.header, y: 0, artifact: true})
				y = l.items[it.header].h
			}
		}
		cur = append(cur, placed{item: i, y: y})
		y += it.h
	}
	if len(cur) > 0 || len(pages) == 0 {
		pages = append(pages, cur)
	}
	return pages
}

// figure lays out a page holding an image: its caption in small type at the head of the page (one line,
// shortened with … when too long); the image itself is placed when the page is written.
func (l *layout) figure(idx int, b Block) {
	const size = 10.5
	g := l.g
	measure := g.pageW - 2*figSide
	rs := []rune(b.Text)
	text := b.Text
	for len(rs) > 0 && l.lineWidth(FaceBody, text, size, false) > measure {
		rs = rs[:len(rs)-1]
		text = string(rs) + "…"
	}
	gl := l.place(FaceBody, line{text: text, last: true}, size, figSide, measure, false, false)
	for i := range gl {
		gl[i].y = capTop - g.top
	}
	l.items = append(l.items, item{block: idx, h: g.height, runs: []run{{role: "Caption", glyphs: gl}}, header: -1, figure: b.Image})
}
