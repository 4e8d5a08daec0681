package pdf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
)

// ttf is a TrueType font parsed once; subset builds small per-document fonts from it, so that gofpdf only
// ever parses a few hundred glyphs instead of the whole CJK font (which dominates the cost of a document).
type ttf struct {
	data       []byte
	tables     map[string][]byte
	unitsPerEm int
	numGlyphs  int
	numHMetric int
	cmap       map[rune]uint16
	loca       []uint32
	advance    []uint16 // per glyph
	lsb        []int16
}

func u16(b []byte, off int) int { return int(binary.BigEndian.Uint16(b[off:])) }
func u32(b []byte, off int) uint32 {
	return binary.BigEndian.Uint32(b[off:])
}

func parseTTF(data []byte) (*ttf, error) {
	if len(data) < 12 {
		return nil, errors.New("pdf: font too short")
	}
	f := &ttf{data: data, tables: map[string][]byte{}}
	n := u16(data, 4)
	for i := 0; i < n; i++ {
		rec := 12 + 16*i
		tag := string(data[rec : rec+4])
		off, length := int(u32(data, rec+8)), int(u32(data, rec+12))
		if off+length > len(data) {
			return nil, fmt.Errorf("pdf: font table %q out of range", tag)
		}
		f.tables[tag] = data[off : off+length]
	}
	for _, t := range []string{"head", "hhea", "maxp", "hmtx", "loca", "glyf", "cmap", "name", "post"} {
		if f.tables[t] == nil {
			return nil, fmt.Errorf("pdf: font lacks table %q (need a TrueType font with glyf outlines)", t)
		}
	}
	head := f.tables["head"]
	f.unitsPerEm = u16(head, 18)
	longLoca := u16(head, 50) == 1
	f.numGlyphs = u16(f.tables["maxp"], 4)
	f.numHMetric = u16(f.tables["hhea"], 34)
	loca := f.tables["loca"]
	f.loca = make([]uint32, f.numGlyphs+1)
	for i := range f.loca {
		if longLoca {
			f.loca[i] = u32(loca, 4*i)
		} else {
			f.loca[i] = uint32(u16(loca, 2*i)) * 2
		}
	}
	hmtx := f.tables["hmtx"]
	f.advance = make([]uint16, f.numGlyphs)
	f.lsb = make([]int16, f.numGlyphs)
	var last uint16
	for g := 0; g < f.numGlyphs; g++ {
		if g < f.numHMetric {
			last = uint16(u16(hmtx, 4*g))
			f.advance[g] = last
			f.lsb[g] = int16(u16(hmtx, 4*g+2))
		} else {
			f.advance[g] = last
			off := 4*f.numHMetric + 2*(g-f.numHMetric)
			if off+2 <= len(hmtx) {
				f.lsb[g] = int16(u16(hmtx, off))
			}
		}
	}
	if err := f.parseCmap(); err != nil {
		return nil, err
	}
	return f, nil
}

func (f *ttf) parseCmap() error {
	cm := f.tables["cmap"]
	n := u16(cm, 2)
	var fmt4, fmt12 []byte
	for i := 0; i < n; i++ {
		pid, eid, off := u16(cm, 4+8*i), u16(cm, 6+8*i), int(u32(cm, 8+8*i))
		sub := cm[off:]
		switch u16(sub, 0) {
		case 4:
			if (pid == 3 && eid == 1) || pid == 0 {
				fmt4 = sub
			}
		case 12:
			if (pid == 3 && eid == 10) || pid == 0 {
				fmt12 = sub
			}
		}
	}
	f.cmap = map[rune]uint16{}
	switch {
	case fmt12 != nil:
		groups := int(u32(fmt12, 12))
		for i := 0; i < groups; i++ {
			g := fmt12[16+12*i:]
			start, end, gid := u32(g, 0), u32(g, 4), u32(g, 8)
			for c := start; c <= end && c < 0x110000; c++ {
				f.cmap[rune(c)] = uint16(gid + c - start)
			}
		}
	case fmt4 != nil:
		segs := u16(fmt4, 6) / 2
		ends, starts, deltas, ranges := 14, 16+2*segs, 16+4*segs, 16+6*segs
		for s := 0; s < segs; s++ {
			end, start := u16(fmt4, ends+2*s), u16(fmt4, starts+2*s)
			delta, ro := u16(fmt4, deltas+2*s), u16(fmt4, ranges+2*s)
			for c := start; c <= end && c != 0xFFFF; c++ {
				var gid int
				if ro == 0 {
					gid = (c + delta) & 0xFFFF
				} else {
					p := ranges + 2*s + ro + 2*(c-start)
					if p+2 > len(fmt4) {
						continue
					}
					if gid = u16(fmt4, p); gid != 0 {
						gid = (gid + delta) & 0xFFFF
					}
				}
				if gid != 0 {
					f.cmap[rune(c)] = uint16(gid)
				}
			}
		}
	default:
		return errors.New("pdf: font has no Unicode cmap")
	}
	return nil
}

// Has reports whether the font can draw r in a way gofpdf can encode (Basic Multilingual Plane only:
// gofpdf writes text as 16-bit CIDs equal to the code point).
func (f *ttf) Has(r rune) bool {
	if r > 0xFFFF {
		return false
	}
	g, ok := f.cmap[r]
	return ok && g != 0
}

// Advance is the advance width of r in font units (0 when missing).
func (f *ttf) Advance(r rune) int {
	g, ok := f.cmap[r]
	if !ok {
		return 0
	}
	return int(f.advance[g])
}

func (f *ttf) glyph(g int) []byte {
	if g >= f.numGlyphs {
		return nil
	}
	a, b := f.loca[g], f.loca[g+1]
	if b <= a || int(b) > len(f.tables["glyf"]) {
		return nil
	}
	return f.tables["glyf"][a:b]
}

// components lists the glyph ids a composite glyph refers to, with the offsets of their ids in the data.
func components(data []byte) (ids []int, offsets []int) {
	if len(data) < 10 || int16(u16(data, 0)) >= 0 {
		return nil, nil
	}
	p := 10
	for {
		if p+4 > len(data) {
			return
		}
		flags := u16(data, p)
		ids = append(ids, u16(data, p+2))
		offsets = append(offsets, p+2)
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

// subset builds a TrueType font holding .notdef and the glyphs of runes (BMP only, present in the font),
// renumbered, with a format 4 cmap, long loca and full metrics.
func (f *ttf) subset(runes []rune) []byte {
	sort.Slice(runes, func(i, j int) bool { return runes[i] < runes[j] })
	newID := map[int]int{0: 0}
	order := []int{0}
	var visit func(g int)
	visit = func(g int) {
		if _, ok := newID[g]; ok {
			return
		}
		newID[g] = len(order)
		order = append(order, g)
		ids, _ := components(f.glyph(g))
		for _, c := range ids {
			visit(c)
		}
	}
	type pair struct {
		r   rune
		gid int
	}
	var mapped []pair
	for _, r := range runes {
		if !f.Has(r) {
			continue
		}
		g := int(f.cmap[r])
		visit(g)
		mapped = append(mapped, pair{r, newID[g]})
	}
	// glyf + loca
	var glyf []byte
	loca := make([]byte, 4*(len(order)+1))
	for i, g := range order {
		binary.BigEndian.PutUint32(loca[4*i:], uint32(len(glyf)))
		data := append([]byte(nil), f.glyph(g)...)
		ids, offs := components(data)
		for k, c := range ids {
			binary.BigEndian.PutUint16(data[offs[k]:], uint16(newID[c]))
		}
		glyf = append(glyf, data...)
		for len(glyf)%4 != 0 {
			glyf = append(glyf, 0)
		}
	}
	binary.BigEndian.PutUint32(loca[4*len(order):], uint32(len(glyf)))
	// hmtx
	hmtx := make([]byte, 4*len(order))
	for i, g := range order {
		binary.BigEndian.PutUint16(hmtx[4*i:], f.advance[g])
		binary.BigEndian.PutUint16(hmtx[4*i+2:], uint16(f.lsb[g]))
	}
	head := append([]byte(nil), f.tables["head"]...)
	binary.BigEndian.PutUint32(head[8:], 0)  // checkSumAdjustment
	binary.BigEndian.PutUint16(head[50:], 1) // long loca
	hhea := append([]byte(nil), f.tables["hhea"]...)
	binary.BigEndian.PutUint16(hhea[34:], uint16(len(order)))
	maxp := append([]byte(nil), f.tables["maxp"]...)
	binary.BigEndian.PutUint16(maxp[4:], uint16(len(order)))
	post := make([]byte, 32)
	copy(post, f.tables["post"][:32])
	binary.BigEndian.PutUint32(post[0:], 0x00030000) // no glyph names
	// cmap format 4: one segment per run of consecutive code points with consecutive glyph ids.
	type seg struct{ start, end, delta int }
	var segs []seg
	for _, p := range mapped {
		if n := len(segs); n > 0 && int(p.r) == segs[n-1].end+1 && p.gid-int(p.r) == segs[n-1].delta {
			segs[n-1].end++
			continue
		}
		segs = append(segs, seg{int(p.r), int(p.r), p.gid - int(p.r)})
	}
	segs = append(segs, seg{0xFFFF, 0xFFFF, 1})
	sc := len(segs)
	sub := make([]byte, 16+8*sc)
	binary.BigEndian.PutUint16(sub[0:], 4)
	binary.BigEndian.PutUint16(sub[2:], uint16(len(sub)))
	binary.BigEndian.PutUint16(sub[6:], uint16(2*sc))
	sr := 1
	es := 0
	for sr*2 <= sc {
		sr *= 2
		es++
	}
	binary.BigEndian.PutUint16(sub[8:], uint16(2*sr))
	binary.BigEndian.PutUint16(sub[10:], uint16(es))
	binary.BigEndian.PutUint16(sub[12:], uint16(2*sc-2*sr))
	for i, s := range segs {
		binary.BigEndian.PutUint16(sub[14+2*i:], uint16(s.end))
		binary.BigEndian.PutUint16(sub[16+2*sc+2*i:], uint16(s.start))
		binary.BigEndian.PutUint16(sub[16+4*sc+2*i:], uint16(s.delta&0xFFFF))
		// idRangeOffset stays 0
	}
	cmap := make([]byte, 12, 12+len(sub))
	binary.BigEndian.PutUint16(cmap[2:], 1)
	binary.BigEndian.PutUint16(cmap[4:], 3)
	binary.BigEndian.PutUint16(cmap[6:], 1)
	binary.BigEndian.PutUint32(cmap[8:], 12)
	cmap = append(cmap, sub...)

	tables := map[string][]byte{"head": head, "hhea": hhea, "maxp": maxp, "hmtx": hmtx, "loca": loca, "glyf": glyf,
		"cmap": cmap, "post": post, "name": f.tables["name"]}
	for _, t := range []string{"OS/2", "cvt ", "fpgm", "prep"} {
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
