package pdf

import (
	"encoding/binary"
	"sort"
)

// TrueType subsets keep every glyph id (a PDF addresses them through CIDToGIDMap /Identity) and empty the
// outlines of the glyphs a document does not use: loca then repeats offsets, which compresses to almost
// nothing, and glyf holds only the used outlines.

func (f *Font) glyph(g int) []byte {
	if g >= f.numGlyphs {
		return nil
	}
	a, b := f.loca[g], f.loca[g+1]
	if b <= a || int(b) > len(f.tables["glyf"]) {
		return nil
	}
	return f.tables["glyf"][a:b]
}

// components lists the glyph ids a composite glyph refers to.
func components(data []byte) (ids []int) {
	if len(data) < 10 || int16(u16(data, 0)) >= 0 {
		return nil
	}
	p := 10
	for {
		if p+4 > len(data) {
			return
		}
		flags := u16(data, p)
		ids = append(ids, u16(data, p+2))
		p += 4
		if flags&0x0001 != 0 { // ARG_1_AND_2_ARE_WORDS
			p += 4
		} else {
			p += 2
		}
		switch {
		case flags&0x0008 != 0: // WE_HAVE_A_SCALE
			p += 2
		case flags&0x0040 != 0: // X_AND_Y_SCALE
			p += 4
		case flags&0x0080 != 0: // TWO_BY_TWO
			p += 8
		}
		if flags&0x0020 == 0 { // MORE_COMPONENTS
			return
		}
	}
}

// subsetTrueType builds a TrueType font program with the outlines of gids (and of .notdef and any
// components) and every other glyph empty.
func (f *Font) subsetTrueType(gids []int) []byte {
	keep := map[int]bool{}
	var visit func(g int)
	visit = func(g int) {
		if keep[g] || g >= f.numGlyphs {
			return
		}
		keep[g] = true
		for _, c := range components(f.glyph(g)) {
			visit(c)
		}
	}
	visit(0)
	for _, g := range gids {
		visit(g)
	}
	var glyf []byte
	loca := make([]byte, 4*(f.numGlyphs+1))
	for g := 0; g < f.numGlyphs; g++ {
		binary.BigEndian.PutUint32(loca[4*g:], uint32(len(glyf)))
		if keep[g] {
			glyf = append(glyf, f.glyph(g)...)
			for len(glyf)%4 != 0 {
				glyf = append(glyf, 0)
			}
		}
	}
	binary.BigEndian.PutUint32(loca[4*f.numGlyphs:], uint32(len(glyf)))
	head := append([]byte(nil), f.tables["head"]...)
	binary.BigEndian.PutUint32(head[8:], 0)  // checkSumAdjustment
	binary.BigEndian.PutUint16(head[50:], 1) // long loca
	tables := map[string][]byte{"head": head, "hhea": f.tables["hhea"], "maxp": f.tables["maxp"],
		"hmtx": f.tables["hmtx"], "loca": loca, "glyf": glyf}
	for _, t := range []string{"cvt ", "fpgm", "prep"} {
		if f.tables[t] != nil {
			tables[t] = f.tables[t]
		}
	}
	return assemble(tables)
}

func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}

func assemble(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	for t := range tables {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	n := len(tags)
	out := make([]byte, 12+16*n)
	binary.BigEndian.PutUint32(out[0:], 0x00010000)
	binary.BigEndian.PutUint16(out[4:], uint16(n))
	sr, es := 1, 0
	for sr*2 <= n {
		sr *= 2
		es++
	}
	binary.BigEndian.PutUint16(out[6:], uint16(16*sr))
	binary.BigEndian.PutUint16(out[8:], uint16(es))
	binary.BigEndian.PutUint16(out[10:], uint16(16*n-16*sr))
	for i, t := range tags {
		data := tables[t]
		rec := 12 + 16*i
		copy(out[rec:], t)
		binary.BigEndian.PutUint32(out[rec+4:], checksum(data))
		binary.BigEndian.PutUint32(out[rec+8:], uint32(len(out)))
		binary.BigEndian.PutUint32(out[rec+12:], uint32(len(data)))
		out = append(out, data...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	return out
}
