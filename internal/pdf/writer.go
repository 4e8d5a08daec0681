package pdf

import (
	"bytes"
	"compress/zlib"
	"crypto/md5"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"
)

// writer serialises PDF objects. gofpdf cannot be used for this part: its catalog has no /Lang,
// /StructTreeRoot, /MarkInfo, /Metadata or /OutputIntents, its trailer no /ID, its dates no UTC offset, and
// its fonts are TrueType only with code points as character ids (so nothing beyond U+FFFF can print).
type writer struct {
	buf     bytes.Buffer
	offsets []int // by object number; 0 = not yet written
}

func (w *writer) alloc() int {
	w.offsets = append(w.offsets, 0)
	return len(w.offsets)
}

func (w *writer) obj(n int, body string) {
	w.offsets[n-1] = w.buf.Len()
	fmt.Fprintf(&w.buf, "%d 0 obj\n%s\nendobj\n", n, body)
}

// stream writes a stream object, deflated when compress (zlib output is deterministic for given input).
func (w *writer) stream(n int, dict string, data []byte, compress bool) {
	if compress {
		var z bytes.Buffer
		zw := zlibPool.Get().(*zlib.Writer)
		zw.Reset(&z)
		// writing into a bytes.Buffer cannot fail
		_, _ = zw.Write(data)
		_ = zw.Close()
		zlibPool.Put(zw)
		data = z.Bytes()
		dict += " /Filter /FlateDecode"
	}
	w.offsets[n-1] = w.buf.Len()
	fmt.Fprintf(&w.buf, "%d 0 obj\n<<%s /Length %d>>\nstream\n", n, dict, len(data))
	w.buf.Write(data)
	w.buf.WriteString("\nendstream\nendobj\n")
}

// zlibPool keeps compressors: a new one allocates about a megabyte of tables.
var zlibPool = sync.Pool{New: func() any {
	zw, _ := zlib.NewWriterLevel(nil, zlib.BestSpeed)
	return zw
}}

// finish writes the cross-reference table and the trailer. The file identifier is the MD5 of everything
// before it, so the same document always gives the same bytes.
func (w *writer) finish(root, info int) []byte {
	xref := w.buf.Len()
	fmt.Fprintf(&w.buf, "xref\n0 %d\n0000000000 65535 f \n", len(w.offsets)+1)
	for _, o := range w.offsets {
		fmt.Fprintf(&w.buf, "%010d 00000 n \n", o)
	}
	id := md5.Sum(w.buf.Bytes())
	fmt.Fprintf(&w.buf, "trailer\n<</Size %d /Root %d 0 R /Info %d 0 R /ID [<%x> <%x>]>>\nstartxref\n%d\n%%%%EOF\n",
		len(w.offsets)+1, root, info, id, id, xref)
	return w.buf.Bytes()
}

// textString encodes s as a PDF text string (UTF-16BE with BOM, hexadecimal).
func textString(s string) string {
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}

// pdfDate writes t with its UTC offset, e.g. D:20250926000000+08'00'.
func pdfDate(t time.Time) string {
	_, off := t.Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("D:%s%c%02d'%02d'", t.Format("20060102150405"), sign, off/3600, off%3600/60)
}

func num(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" || s == "" {
		return "0"
	}
	return s
}

// usedFont collects the glyphs a document draws with one font.
type usedFont struct {
	f    *Font
	res  string            // resource name, /F1 …
	cids map[uint16]rune   // CID → the character it prints (for ToUnicode)
	gids map[uint16]uint16 // CID → glyph id
}

// cidFor registers r (drawn with glyph gid) and returns the CID to write in the content stream.
func (u *usedFont) cidFor(r rune) uint16 {
	g := u.f.cmap[r]
	cid := g
	if u.f.cff != nil {
		cid = u.f.cff.cidOf(g)
	}
	if _, ok := u.cids[cid]; !ok {
		u.cids[cid] = r
		u.gids[cid] = g
	}
	return cid
}

// subsetTag is six capital letters derived from the glyph set, so that equal subsets get equal names and
// the output stays reproducible.
func subsetTag(name string, cids []uint16) string {
	h := md5.New()
	h.Write([]byte(name))
	for _, c := range cids {
		h.Write([]byte{byte(c >> 8), byte(c)})
	}
	sum := h.Sum(nil)
	tag := make([]byte, 6)
	for i := range tag {
		tag[i] = 'A' + sum[i]%26
	}
	return string(tag)
}

// writeFont writes the Type0 font, its CIDFont, descriptor, embedded subset and ToUnicode map; it returns
// the Type0 font's object number.
func (w *writer) writeFont(u *usedFont) (int, error) {
	f := u.f
	cids := make([]uint16, 0, len(u.cids))
	for c := range u.cids {
		cids = append(cids, c)
	}
	sort.Slice(cids, func(i, j int) bool { return cids[i] < cids[j] })
	gidSet := map[int]bool{}
	for _, c := range cids {
		gidSet[int(u.gids[c])] = true
	}
	gids := make([]int, 0, len(gidSet))
	for g := range gidSet {
		if g != 0 {
			gids = append(gids, g)
		}
	}
	sort.Ints(gids)
	ps := f.PSName
	if ps == "" {
		ps = "CJKFont"
	}
	ps = strings.Map(func(r rune) rune {
		if r <= ' ' || r > '~' || strings.ContainsRune("()<>[]{}/%#", r) {
			return -1
		}
		return r
	}, ps)
	name := subsetTag(ps, cids) + "+" + ps
	scale := 1000 / float64(f.unitsPerEm)
	type0, cidFont, desc, file, toUni := w.alloc(), w.alloc(), w.alloc(), w.alloc(), w.alloc()
	var program []byte
	var fileKey, subtype string
	if f.cff != nil {
		p, err := f.cff.subset(gids)
		if err != nil {
			return 0, fmt.Errorf("pdf: subset %s: %w", f.File, err)
		}
		program, fileKey, subtype = p, "FontFile3", "CIDFontType0"
		w.stream(file, " /Subtype /CIDFontType0C", program, true)
	} else {
		program, fileKey, subtype = f.subsetTrueType(gids), "FontFile2", "CIDFontType2"
		w.stream(file, fmt.Sprintf(" /Length1 %d", len(program)), program, true)
	}
	w.obj(type0, fmt.Sprintf("<</Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R>>",
		name, cidFont, toUni))
	var wd strings.Builder
	for _, c := range cids {
		fmt.Fprintf(&wd, "%d [%s] ", c, num(float64(f.advance[u.gids[c]])*scale))
	}
	reg, ord, sup := "Adobe", "Identity", 0
	if f.cff != nil {
		reg, ord, sup = f.cff.registry, f.cff.ordering, f.cff.supplement
	}
	extra := ""
	if f.cff == nil {
		extra = " /CIDToGIDMap /Identity"
	}
	w.obj(cidFont, fmt.Sprintf("<</Type /Font /Subtype /%s /BaseFont /%s /CIDSystemInfo <</Registry (%s) /Ordering (%s) /Supplement %d>> /FontDescriptor %d 0 R /DW 1000 /W [%s]%s>>",
		subtype, name, reg, ord, sup, desc, strings.TrimSpace(wd.String()), extra))
	w.obj(desc, fmt.Sprintf("<</Type /FontDescriptor /FontName /%s /Flags 4 /FontBBox [%s %s %s %s] /ItalicAngle 0 /Ascent %s /Descent %s /CapHeight %s /StemV 80 /%s %d 0 R>>",
		name, num(float64(f.bbox[0])*scale), num(float64(f.bbox[1])*scale), num(float64(f.bbox[2])*scale), num(float64(f.bbox[3])*scale),
		num(float64(f.ascent)*scale), num(float64(f.descent)*scale), num(float64(f.capHeight)*scale), fileKey, file))
	w.stream(toUni, "", toUnicode(cids, u.cids), true)
	return type0, nil
}

// toUnicode writes the CMap that maps each CID back to its character, as UTF-16 (surrogate pairs for
// characters beyond U+FFFF such as 𬭚 U+2CB5A), so that text extraction and search give the real name.
func toUnicode(cids []uint16, chars map[uint16]rune) []byte {
	var b bytes.Buffer
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo <</Registry (Adobe) /Ordering (UCS) /Supplement 0>> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	for i := 0; i < len(cids); i += 100 {
		end := min(i+100, len(cids))
		fmt.Fprintf(&b, "%d beginbfchar\n", end-i)
		for _, c := range cids[i:end] {
			fmt.Fprintf(&b, "<%04X> <", c)
			for _, u := range utf16.Encode([]rune{chars[c]}) {
				fmt.Fprintf(&b, "%04X", u)
			}
			b.WriteString(">\n")
		}
		b.WriteString("endbfchar\n")
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return b.Bytes()
}
