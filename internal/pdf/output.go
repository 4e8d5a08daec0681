package pdf

import (
	"bytes"
	"fmt"
	"html"
	"strings"
	"time"

	"fuyi/internal/date"
)

const mmToPt = 72 / 25.4

// structure element of the tagged PDF
type selem struct {
	n      int    // object number
	role   string // Document, H1, P, Table, TR, TH, TD …
	parent *selem
	kids   []*selem
	mcrs   []mcr
	alt    string // Figure: alternate text
}

type mcr struct{ page, mcid int }

func roleOf(k Kind) string {
	switch k {
	case Title:
		return "H1"
	case Heading:
		return "H2"
	case Heading2:
		return "H3"
	case Table:
		return "Table"
	case Figure:
		return "Figure"
	}
	return "P"
}

// write produces the file: pages with marked content, the structure tree (Document → H1/H2/H3/P/Table →
// TR → TH/TD), fonts, XMP metadata (PDF/A-2b identification) and an output intent.
func (l *layout) write(d Document, blocks []Block, pages [][]placed) ([]byte, error) {
	w := &writer{}
	w.buf.WriteString("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")
	catalog, pagesObj := w.alloc(), w.alloc()
	pageObjs := make([]int, len(pages))
	contentObjs := make([]int, len(pages))
	for i := range pages {
		pageObjs[i], contentObjs[i] = w.alloc(), w.alloc()
	}
	fonts := map[*Font]*usedFont{}
	var fontOrder []*usedFont
	use := func(f *Font) *usedFont {
		u := fonts[f]
		if u == nil {
			u = &usedFont{f: f, res: fmt.Sprintf("F%d", len(fontOrder)+1), cids: map[uint16]rune{}, gids: map[uint16]uint16{}}
			fonts[f] = u
			fontOrder = append(fontOrder, u)
		}
		return u
	}
	root := &selem{role: "Document"}
	elems := make([]*selem, len(blocks))
	elemOf := func(b int) *selem {
		if elems[b] == nil {
			elems[b] = &selem{role: roleOf(blocks[b].Kind), parent: root}
			root.kids = append(root.kids, elems[b])
		}
		return elems[b]
	}
	parentTree := make([][]*selem, len(pages)) // per page, by MCID
	pageRes := make([]string, len(pages))
	images := map[*Image]string{} // resource entry "/ImN N 0 R"
	var colorSpaces [2]int        // ICC-based gray and sRGB, written once when an image needs them
	colorSpace := func(gray bool) int {
		i, n, prof := 1, 3, iccSRGB
		if gray {
			i, n, prof = 0, 1, iccGray
		}
		if colorSpaces[i] == 0 {
			colorSpaces[i] = w.alloc()
			w.stream(colorSpaces[i], fmt.Sprintf(" /N %d", n), prof(), true)
		}
		return colorSpaces[i]
	}
	imageRes := func(im *Image) string {
		if r, ok := images[im]; ok {
			return r
		}
		n := w.alloc()
		dict := fmt.Sprintf(" /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace [/ICCBased %d 0 R] /BitsPerComponent %d",
			im.W, im.H, colorSpace(im.Gray), im.Bits)
		if im.DCT {
			w.stream(n, dict+" /Filter /DCTDecode", im.Data, false)
		} else {
			w.stream(n, dict, im.Data, true)
		}
		r := fmt.Sprintf("/Im%d %d 0 R", len(images)+1, n)
		images[im] = r
		return r
	}
	g := l.g
	for pi, page := range pages {
		var c bytes.Buffer
		pageFonts := map[string]bool{}
		var pageImages []string
		text := func(gl []glyph, yTop float64) {
			// one BT…ET per run of glyphs in the same font, with TJ adjustments to the exact positions
			c.WriteString("BT\n")
			for i := 0; i < len(gl); {
				j := i
				for j < len(gl) && gl[j].f == gl[i].f && gl[j].size == gl[i].size && gl[j].y == gl[i].y {
					j++
				}
				u := use(gl[i].f)
				pageFonts[u.res] = true
				size := gl[i].size
				fmt.Fprintf(&c, "/%s %s Tf\n1 0 0 1 %s %s Tm\n[<", u.res, num(size), num(gl[i].x*mmToPt), num((g.pageH-yTop-gl[i].y)*mmToPt))
				for k := i; k < j; k++ {
					fmt.Fprintf(&c, "%04X", u.cidFor(gl[k].r))
					if k+1 < j {
						natural := gl[k].f.advanceOf(gl[k].r) / 1000 * size
						dx := (gl[k+1].x - gl[k].x) * mmToPt
						if adj := -(dx - natural) * 1000 / size; adj > 0.05 || adj < -0.05 {
							fmt.Fprintf(&c, "> %s <", num(adj))
						}
					}
				}
				c.WriteString(">] TJ\n")
				i = j
			}
			c.WriteString("ET\n")
		}
		for _, p := range page {
			it := l.items[p.item]
			yTop := g.top + p.y
			if len(it.rules) > 0 {
				c.WriteString("/Artifact BMC\n0 G 0.5 w\n")
				for _, r := range it.rules {
					fmt.Fprintf(&c, "%s %s m %s %s l S\n", num((g.left+r[0])*mmToPt), num((g.pageH-yTop-r[1])*mmToPt),
						num((g.left+r[2])*mmToPt), num((g.pageH-yTop-r[3])*mmToPt))
				}
				c.WriteString("EMC\n")
			}
			if p.artifact {
				c.WriteString("/Artifact <</Type /Pagination>> BDC\n")
				for _, r := range it.runs {
					if len(r.glyphs) > 0 {
						text(r.glyphs, yTop)
					}
				}
				c.WriteString("EMC\n")
				continue
			}
			parent := elemOf(it.block)
			if im := it.figure; im != nil {
				res := imageRes(im)
				pageImages = append(pageImages, res)
				parent.alt = blocks[it.block].Text
				mcid := len(parentTree[pi])
				parentTree[pi] = append(parentTree[pi], parent)
				parent.mcrs = append(parent.mcrs, mcr{pi, mcid})
				m := placeFigure(im, g.pageW, g.pageH)
				fmt.Fprintf(&c, "/Figure <</MCID %d>> BDC\nq %s %s %s %s %s %s cm %s Do Q\nEMC\n", mcid,
					num(m[0]), num(m[1]), num(m[2]), num(m[3]), num(m[4]), num(m[5]), strings.Fields(res)[0])
			}
			if it.row {
				tr := &selem{role: "TR", parent: parent}
				parent.kids = append(parent.kids, tr)
				parent = tr
			}
			for _, r := range it.runs {
				owner := parent
				if r.role != "" {
					owner = &selem{role: r.role, parent: parent}
					parent.kids = append(parent.kids, owner)
				}
				if len(r.glyphs) == 0 {
					continue
				}
				mcid := len(parentTree[pi])
				parentTree[pi] = append(parentTree[pi], owner)
				owner.mcrs = append(owner.mcrs, mcr{pi, mcid})
				fmt.Fprintf(&c, "/%s <</MCID %d>> BDC\n", owner.role, mcid)
				text(r.glyphs, yTop)
				c.WriteString("EMC\n")
			}
		}
		if d.PageNumbers {
			l.pageNumber(&c, pi+1, use, pageFonts)
		}
		var res strings.Builder
		for _, u := range fontOrder {
			if pageFonts[u.res] {
				fmt.Fprintf(&res, "/%s %%%s%% ", u.res, u.res) // object numbers filled in below
			}
		}
		w.stream(contentObjs[pi], "", c.Bytes(), true)
		pageRes[pi] = "/Font <<" + strings.TrimSpace(res.String()) + ">>"
		if len(pageImages) > 0 {
			pageRes[pi] += " /XObject <<" + strings.Join(pageImages, " ") + ">>"
		}
	}
	// fonts
	fontNums := map[string]int{}
	for _, u := range fontOrder {
		n, err := w.writeFont(u)
		if err != nil {
			return nil, err
		}
		fontNums[u.res] = n
	}
	// pages
	var kids strings.Builder
	for pi := range pages {
		res := pageRes[pi]
		for r, n := range fontNums {
			res = strings.ReplaceAll(res, "%"+r+"%", fmt.Sprintf("%d 0 R", n))
		}
		w.obj(pageObjs[pi], fmt.Sprintf("<</Type /Page /Parent %d 0 R /MediaBox [0 0 %s %s] /Contents %d 0 R /Resources <<%s>> /StructParents %d /Tabs /S>>",
			pagesObj, num(g.pageW*mmToPt), num(g.pageH*mmToPt), contentObjs[pi], res, pi))
		fmt.Fprintf(&kids, "%d 0 R ", pageObjs[pi])
	}
	w.obj(pagesObj, fmt.Sprintf("<</Type /Pages /Kids [%s] /Count %d>>", strings.TrimSpace(kids.String()), len(pages)))
	// structure tree
	treeRoot := w.alloc()
	var number func(e *selem)
	number = func(e *selem) {
		e.n = w.alloc()
		for _, k := range e.kids {
			number(k)
		}
	}
	number(root)
	var emit func(e *selem, parent int)
	emit = func(e *selem, parent int) {
		var k strings.Builder
		for _, m := range e.mcrs {
			fmt.Fprintf(&k, "<</Type /MCR /Pg %d 0 R /MCID %d>> ", pageObjs[m.page], m.mcid)
		}
		for _, kid := range e.kids {
			fmt.Fprintf(&k, "%d 0 R ", kid.n)
		}
		alt := ""
		if e.alt != "" {
			alt = " /Alt " + textString(e.alt)
		}
		w.obj(e.n, fmt.Sprintf("<</Type /StructElem /S /%s /P %d 0 R /K [%s]%s>>", e.role, parent, strings.TrimSpace(k.String()), alt))
		for _, kid := range e.kids {
			emit(kid, e.n)
		}
	}
	emit(root, treeRoot)
	var nums strings.Builder
	for pi, els := range parentTree {
		fmt.Fprintf(&nums, "%d [", pi)
		for _, e := range els {
			fmt.Fprintf(&nums, "%d 0 R ", e.n)
		}
		nums.WriteString("] ")
	}
	w.obj(treeRoot, fmt.Sprintf("<</Type /StructTreeRoot /K %d 0 R /ParentTree <</Nums [%s]>> /ParentTreeNextKey %d>>",
		root.n, strings.TrimSpace(nums.String()), len(pages)))
	// metadata
	at := d.CreatedAt
	if at.IsZero() {
		at = time.Date(2024, 1, 1, 0, 0, 0, 0, date.Shanghai)
	}
	at = at.In(date.Shanghai)
	title := strings.TrimSpace(d.Title)
	info := w.alloc()
	infoDict := fmt.Sprintf("<</Title %s /Creator %s /Producer %s /CreationDate (%s) /ModDate (%s)",
		textString(title), textString(creator), textString(producer), pdfDate(at), pdfDate(at))
	if d.Author != "" {
		infoDict += " /Author " + textString(d.Author)
	}
	if d.Subject != "" {
		infoDict += " /Subject " + textString(d.Subject)
	}
	w.obj(info, infoDict+">>")
	meta := w.alloc()
	w.stream(meta, " /Type /Metadata /Subtype /XML", xmp(title, d.Author, d.Subject, at), false)
	icc := w.alloc()
	w.stream(icc, " /N 1", iccGray(), true)
	w.obj(catalog, fmt.Sprintf("<</Type /Catalog /Pages %d 0 R /Lang (zh-CN) /MarkInfo <</Marked true>> /StructTreeRoot %d 0 R /Metadata %d 0 R /ViewerPreferences <</DisplayDocTitle true>> /OutputIntents [<</Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (Gray gamma 2.2) /Info (Gray gamma 2.2) /DestOutputProfile %d 0 R>>]>>",
		pagesObj, treeRoot, meta, icc))
	return w.finish(catalog, info), nil
}

const (
	creator  = "复议 Fuyi"
	producer = "Fuyi internal/pdf"
)

// pageNumber writes "— N —" in 4号 宋体: the 一字线 7 mm below the 版心, odd pages right and even pages left,
// each 空一字 from the edge of the 版心 (GB/T 9704-2012 7.5).
func (l *layout) pageNumber(c *bytes.Buffer, n int, use func(*Font) *usedFont, pageFonts map[string]bool) {
	g := l.g
	s := fmt.Sprintf("— %d —", n)
	w := l.lineWidth(FaceSong, s, pageNoSize, false)
	em := pageNoSize * ptToMM
	x := g.left + em
	if n%2 == 1 {
		x = g.left + g.width - em - w
	}
	// the dash sits at the middle of the em box: centre of the box 7 mm below the 版心
	top := g.top + g.height + pageNoGap - em/2
	gl := l.place(FaceSong, line{text: s}, pageNoSize, x, w, false, false)
	for i := range gl {
		gl[i].y = em * emBaseline
	}
	c.WriteString("/Artifact <</Type /Pagination /Subtype /Footer>> BDC\nBT\n")
	for i := 0; i < len(gl); {
		j := i
		for j < len(gl) && gl[j].f == gl[i].f {
			j++
		}
		u := use(gl[i].f)
		pageFonts[u.res] = true
		fmt.Fprintf(c, "/%s %s Tf\n1 0 0 1 %s %s Tm\n[<", u.res, num(pageNoSize), num(gl[i].x*mmToPt), num((g.pageH-top-gl[i].y)*mmToPt))
		for k := i; k < j; k++ {
			fmt.Fprintf(c, "%04X", u.cidFor(gl[k].r))
			if k+1 < j {
				natural := gl[k].f.advanceOf(gl[k].r) / 1000 * pageNoSize
				dx := (gl[k+1].x - gl[k].x) * mmToPt
				if adj := -(dx - natural) * 1000 / pageNoSize; adj > 0.05 || adj < -0.05 {
					fmt.Fprintf(c, "> %s <", num(adj))
				}
			}
		}
		c.WriteString(">] TJ\n")
		i = j
	}
	c.WriteString("ET\nEMC\n")
}

func xmp(title, author, subject string, at time.Time) []byte {
	e := html.EscapeString
	ts := at.Format("2006-01-02T15:04:05-07:00")
	var b strings.Builder
	b.WriteString("<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n")
	b.WriteString("<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n")
	b.WriteString("<dc:format>application/pdf</dc:format>\n")
	fmt.Fprintf(&b, "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">%s</rdf:li></rdf:Alt></dc:title>\n", e(title))
	if author != "" {
		fmt.Fprintf(&b, "<dc:creator><rdf:Seq><rdf:li>%s</rdf:li></rdf:Seq></dc:creator>\n", e(author))
	}
	if subject != "" {
		fmt.Fprintf(&b, "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">%s</rdf:li></rdf:Alt></dc:description>\n", e(subject))
	}
	b.WriteString("<dc:language><rdf:Bag><rdf:li>zh-CN</rdf:li></rdf:Bag></dc:language>\n")
	fmt.Fprintf(&b, "<xmp:CreateDate>%s</xmp:CreateDate>\n<xmp:ModifyDate>%s</xmp:ModifyDate>\n<xmp:CreatorTool>%s</xmp:CreatorTool>\n", ts, ts, e(creator))
	fmt.Fprintf(&b, "<pdf:Producer>%s</pdf:Producer>\n", e(producer))
	b.WriteString("<pdfaid:part>2</pdfaid:part>\n<pdfaid:conformance>B</pdfaid:conformance>\n")
	b.WriteString("</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>")
	return []byte(b.String())
}
