package pdf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
)

// Font is one face of an OpenType file (TrueType glyf outlines or CFF), parsed once and shared by all
// documents. Subsets for a document are built by subsetCFF or subsetTrueType.
type Font struct {
	File       string // where it was loaded from (file name only in logs)
	PSName     string // PostScript name (name ID 6), used as the PDF BaseFont after the subset tag
	Family     string // family names joined by "|" (name IDs 1 and 16, every language)
	unitsPerEm int
	numGlyphs  int
	cmap       map[rune]uint16
	advance    []uint16 // per glyph
	ascent     int      // hhea/OS/2 metrics, font units
	descent    int
	capHeight  int
	bbox       [4]int
	tables     map[string][]byte
	cff        *cffFont // CFF outlines; nil for TrueType
	loca       []uint32 // TrueType
}

func u16(b []byte, off int) int { return int(binary.BigEndian.Uint16(b[off:])) }
func u32(b []byte, off int) uint32 {
	return binary.BigEndian.Uint32(b[off:])
}

// parseFonts reads a font file: one face for .ttf/.otf, every face of a .ttc collection.
func parseFonts(data []byte, file string) ([]*Font, error) {
	if len(data) < 12 {
		return nil, errors.New("pdf: font file too short")
	}
	if string(data[:4]) != "ttcf" {
		f, err := parseFace(data, 0, file)
		if err != nil {
			return nil, err
		}
		return []*Font{f}, nil
	}
	n := int(u32(data, 8))
	if 12+4*n > len(data) {
		return nil, errors.New("pdf: font collection header out of range")
	}
	var out []*Font
	for i := 0; i < n; i++ {
		f, err := parseFace(data, int(u32(data, 12+4*i)), file)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

func parseFace(data []byte, at int, file string) (f *Font, err error) {
	defer func() {
		if r := recover(); r != nil { // a truncated table: index out of range
			f, err = nil, fmt.Errorf("pdf: font %s: malformed (%v)", file, r)
		}
	}()
	f = &Font{File: file, tables: map[string][]byte{}}
	n := u16(data, at+4)
	for i := 0; i < n; i++ {
		rec := at + 12 + 16*i
		tag := string(data[rec : rec+4])
		off, length := int(u32(data, rec+8)), int(u32(data, rec+12))
		if off+length > len(data) {
			return nil, fmt.Errorf("pdf: font table %q out of range", tag)
		}
		f.tables[tag] = data[off : off+length]
	}
	for _, t := range []string{"head", "hhea", "maxp", "hmtx", "cmap"} {
		if f.tables[t] == nil {
			return nil, fmt.Errorf("pdf: font %s lacks table %q", file, t)
		}
	}
	head := f.tables["head"]
	f.unitsPerEm = u16(head, 18)
	f.bbox = [4]int{int(int16(u16(head, 36))), int(int16(u16(head, 38))), int(int16(u16(head, 40))), int(int16(u16(head, 42)))}
	f.numGlyphs = u16(f.tables["maxp"], 4)
	hhea := f.tables["hhea"]
	f.ascent, f.descent = int(int16(u16(hhea, 4))), int(int16(u16(hhea, 6)))
	if f.descent > 0 { // some fonts (FandolSong) store it with the wrong sign
		f.descent = -f.descent
	}
	f.capHeight = f.ascent
	if os2 := f.tables["OS/2"]; len(os2) >= 90 && u16(os2, 0) >= 2 {
		f.capHeight = int(int16(u16(os2, 88)))
	}
	numHMetric := u16(hhea, 34)
	hmtx := f.tables["hmtx"]
	f.advance = make([]uint16, f.numGlyphs)
	var last uint16
	for g := 0; g < f.numGlyphs; g++ {
		if g < numHMetric && 4*g+2 <= len(hmtx) {
			last = uint16(u16(hmtx, 4*g))
		}
		f.advance[g] = last
	}
	f.parseNames()
	if err := f.parseCmap(); err != nil {
		return nil, err
	}
	switch {
	case f.tables["CFF "] != nil:
		if f.cff, err = parseCFF(f.tables["CFF "]); err != nil {
			return nil, fmt.Errorf("pdf: font %s: %w", file, err)
		}
	case f.tables["glyf"] != nil && f.tables["loca"] != nil:
		longLoca := u16(head, 50) == 1
		loca := f.tables["loca"]
		f.loca = make([]uint32, f.numGlyphs+1)
		for i := range f.loca {
			if longLoca {
				f.loca[i] = u32(loca, 4*i)
			} else {
				f.loca[i] = uint32(u16(loca, 2*i)) * 2
			}
		}
	default:
		return nil, fmt.Errorf("pdf: font %s has neither CFF nor glyf outlines", file)
	}
	return f, nil
}

// parseNames reads the PostScript name and the family names (Windows Unicode and Mac Roman records).
func (f *Font) parseNames() {
	nt := f.tables["name"]
	if len(nt) < 6 {
		return
	}
	count, strOff := u16(nt, 2), u16(nt, 4)
	fam := map[string]bool{}
	var fams []string
	for i := 0; i < count; i++ {
		rec := 6 + 12*i
		if rec+12 > len(nt) {
			break
		}
		pid, id, length, off := u16(nt, rec), u16(nt, rec+6), u16(nt, rec+8), u16(nt, rec+10)
		if id != 1 && id != 4 && id != 6 && id != 16 {
			continue
		}
		start := strOff + off
		if start+length > len(nt) {
			continue
		}
		raw := nt[start : start+length]
		var s string
		if pid == 3 || pid == 0 {
			u := make([]uint16, len(raw)/2)
			for k := range u {
				u[k] = uint16(u16(raw, 2*k))
			}
			s = string(utf16.Decode(u))
		} else {
			s = string(raw)
		}
		switch id {
		case 6:
			if f.PSName == "" {
				f.PSName = s
			}
		default:
			if !fam[s] {
				fam[s] = true
				fams = append(fams, s)
			}
		}
	}
	f.Family = strings.Join(fams, "|")
}

func (f *Font) parseCmap() error {
	cm := f.tables["cmap"]
	n := u16(cm, 2)
	var fmt4, fmt12 []byte
	for i := 0; i < n; i++ {
		pid, eid, off := u16(cm, 4+8*i), u16(cm, 6+8*i), int(u32(cm, 8+8*i))
		if off+4 > len(cm) {
			continue
		}
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
				if id := gid + c - start; id != 0 && int(id) < f.numGlyphs {
					f.cmap[rune(c)] = uint16(id)
				}
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
				if gid != 0 && gid < f.numGlyphs {
					f.cmap[rune(c)] = uint16(gid)
				}
			}
		}
	default:
		return fmt.Errorf("pdf: font %s has no Unicode cmap", f.File)
	}
	return nil
}

// Has reports whether the font draws r.
func (f *Font) Has(r rune) bool {
	_, ok := f.cmap[r]
	return ok
}

// advanceOf is the advance width of r in thousandths of the font size (0 when missing).
func (f *Font) advanceOf(r rune) float64 {
	g, ok := f.cmap[r]
	if !ok {
		return 0
	}
	return float64(f.advance[g]) * 1000 / float64(f.unitsPerEm)
}
