package pdf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// CFF (Compact Font Format, Adobe TN 5176) and Type 2 charstrings (TN 5177): enough to cut a subset out of a
// CID-keyed or name-keyed CFF table. A subset is always written as a CID-keyed CFF whose charstrings have
// their subroutines inlined ("desubroutinized"), so that no global or local subroutine has to be kept: the
// subset holds only the charstrings of the glyphs a document uses (a few hundred of 30,000–65,000).

type cffFont struct {
	data        []byte
	name        []byte
	charStrings [][]byte
	gsubrs      [][]byte
	cid         bool
	registry    string
	ordering    string
	supplement  int
	fontMatrix  []byte // Top DICT FontMatrix operands+operator, copied as is (nil when absent)
	gidToCID    []uint16
	maxCIDv     uint16
	fdSelect    []uint8 // per glyph (all 0 for a name-keyed font)
	fds         []cffFD
}

type cffFD struct {
	dict    []cffEntry // Font DICT entries other than Private and FontName
	private []cffEntry // Private DICT entries other than Subrs
	subrs   [][]byte
}

type cffEntry struct {
	op   int // 0–21 or 1200+escape
	args []float64
	raw  []byte // the operands as encoded
}

func cffIndex(b []byte, off int) (items [][]byte, end int, err error) {
	if off+2 > len(b) {
		return nil, 0, errors.New("cff: index out of range")
	}
	count := u16(b, off)
	if count == 0 {
		return nil, off + 2, nil
	}
	offSize := int(b[off+2])
	if offSize < 1 || offSize > 4 {
		return nil, 0, errors.New("cff: bad offSize")
	}
	rd := func(i int) int {
		p := off + 3 + i*offSize
		v := 0
		for k := 0; k < offSize; k++ {
			v = v<<8 | int(b[p+k])
		}
		return v
	}
	if off+3+(count+1)*offSize > len(b) {
		return nil, 0, errors.New("cff: index out of range")
	}
	base := off + 3 + (count+1)*offSize - 1
	items = make([][]byte, count)
	for i := 0; i < count; i++ {
		s, e := base+rd(i), base+rd(i+1)
		if s > e || e > len(b) {
			return nil, 0, errors.New("cff: index item out of range")
		}
		items[i] = b[s:e]
	}
	return items, base + rd(count), nil
}

func parseDict(b []byte) ([]cffEntry, error) {
	var out []cffEntry
	var args []float64
	start := 0
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c <= 21:
			op := int(c)
			j := i + 1
			if c == 12 {
				if i+1 >= len(b) {
					return nil, errors.New("cff: dict escape at end")
				}
				op, j = 1200+int(b[i+1]), i+2
			}
			out = append(out, cffEntry{op: op, args: args, raw: b[start:i]})
			args, start, i = nil, j, j
		case c == 28:
			if i+3 > len(b) {
				return nil, errors.New("cff: dict short")
			}
			args = append(args, float64(int16(u16(b, i+1))))
			i += 3
		case c == 29:
			if i+5 > len(b) {
				return nil, errors.New("cff: dict short")
			}
			args = append(args, float64(int32(u32(b, i+1))))
			i += 5
		case c == 30: // real: nibbles until 0xf
			i++
			for i < len(b) {
				n := b[i]
				i++
				if n&0x0f == 0x0f || n>>4 == 0x0f {
					break
				}
			}
			args = append(args, 0) // reals only occur in operands we copy raw
		case c >= 32 && c <= 246:
			args = append(args, float64(int(c)-139))
			i++
		case c >= 247 && c <= 250:
			args = append(args, float64((int(c)-247)*256+int(b[i+1])+108))
			i += 2
		case c >= 251 && c <= 254:
			args = append(args, float64(-(int(c)-251)*256-int(b[i+1])-108))
			i += 2
		default:
			return nil, fmt.Errorf("cff: bad dict byte %d", c)
		}
	}
	return out, nil
}

func dictGet(d []cffEntry, op int) []float64 {
	for _, e := range d {
		if e.op == op {
			return e.args
		}
	}
	return nil
}

const (
	opCharset     = 15
	opCharStrings = 17
	opPrivate     = 18
	opSubrs       = 19
	opFontMatrix  = 1207
	opROS         = 1230
	opCIDCount    = 1234
	opFDArray     = 1236
	opFDSelect    = 1237
	opFontName    = 1238
)

func parseCFF(b []byte) (f *cffFont, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("cff: malformed (%v)", r)
		}
	}()
	f = &cffFont{data: b}
	names, p, err := cffIndex(b, int(b[2]))
	if err != nil || len(names) == 0 {
		return nil, errors.New("cff: no name")
	}
	f.name = names[0]
	tops, p, err := cffIndex(b, p)
	if err != nil || len(tops) == 0 {
		return nil, errors.New("cff: no top dict")
	}
	stringsIdx, p, err := cffIndex(b, p)
	if err != nil {
		return nil, err
	}
	if f.gsubrs, _, err = cffIndex(b, p); err != nil {
		return nil, err
	}
	top, err := parseDict(tops[0])
	if err != nil {
		return nil, err
	}
	sid := func(v float64) string {
		i := int(v) - 391
		if i >= 0 && i < len(stringsIdx) {
			return string(stringsIdx[i])
		}
		return "Adobe"
	}
	cs := dictGet(top, opCharStrings)
	if cs == nil {
		return nil, errors.New("cff: no CharStrings")
	}
	if f.charStrings, _, err = cffIndex(b, int(cs[0])); err != nil {
		return nil, err
	}
	n := len(f.charStrings)
	for _, e := range top {
		if e.op == opFontMatrix {
			f.fontMatrix = append(append([]byte(nil), e.raw...), 12, 7)
		}
	}
	f.gidToCID = make([]uint16, n)
	f.fdSelect = make([]uint8, n)
	if ros := dictGet(top, opROS); len(ros) == 3 {
		f.cid, f.registry, f.ordering, f.supplement = true, sid(ros[0]), sid(ros[1]), int(ros[2])
		if cs := dictGet(top, opCharset); len(cs) == 1 && cs[0] > 2 {
			if err := f.parseCharset(int(cs[0])); err != nil {
				return nil, err
			}
		} else {
			for g := range f.gidToCID {
				f.gidToCID[g] = uint16(g)
			}
		}
		fa := dictGet(top, opFDArray)
		if fa == nil {
			return nil, errors.New("cff: CID font without FDArray")
		}
		fdicts, _, err := cffIndex(b, int(fa[0]))
		if err != nil {
			return nil, err
		}
		for _, raw := range fdicts {
			d, err := parseDict(raw)
			if err != nil {
				return nil, err
			}
			fd, err := f.parseFD(d)
			if err != nil {
				return nil, err
			}
			f.fds = append(f.fds, fd)
		}
		if fs := dictGet(top, opFDSelect); fs != nil {
			if err := f.parseFDSelect(int(fs[0])); err != nil {
				return nil, err
			}
		}
		for _, fd := range f.fdSelect {
			if int(fd) >= len(f.fds) {
				return nil, errors.New("cff: FDSelect out of range")
			}
		}
	} else {
		f.registry, f.ordering = "Adobe", "Identity"
		for g := range f.gidToCID {
			f.gidToCID[g] = uint16(g)
		}
		fd, err := f.parseFD(top)
		if err != nil {
			return nil, err
		}
		fd.dict = nil
		f.fds = []cffFD{fd}
	}
	for _, c := range f.gidToCID {
		f.maxCIDv = max(f.maxCIDv, c)
	}
	return f, nil
}

func (f *cffFont) parseFD(d []cffEntry) (cffFD, error) {
	var fd cffFD
	for _, e := range d {
		if e.op != opPrivate && e.op != opFontName {
			fd.dict = append(fd.dict, e)
		}
	}
	pv := dictGet(d, opPrivate)
	if len(pv) != 2 {
		return fd, nil
	}
	size, off := int(pv[0]), int(pv[1])
	if off+size > len(f.data) {
		return fd, errors.New("cff: private dict out of range")
	}
	priv, err := parseDict(f.data[off : off+size])
	if err != nil {
		return fd, err
	}
	for _, e := range priv {
		if e.op != opSubrs {
			fd.private = append(fd.private, e)
		}
	}
	if s := dictGet(priv, opSubrs); len(s) == 1 {
		if fd.subrs, _, err = cffIndex(f.data, off+int(s[0])); err != nil {
			return fd, err
		}
	}
	return fd, nil
}

func (f *cffFont) parseCharset(off int) error {
	b := f.data
	n := len(f.gidToCID)
	switch b[off] {
	case 0:
		for g := 1; g < n; g++ {
			f.gidToCID[g] = uint16(u16(b, off+1+2*(g-1)))
		}
	case 1, 2:
		g, p := 1, off+1
		for g < n {
			first := u16(b, p)
			var left int
			if b[off] == 1 {
				left, p = int(b[p+2]), p+3
			} else {
				left, p = u16(b, p+2), p+4
			}
			for k := 0; k <= left && g < n; k++ {
				f.gidToCID[g] = uint16(first + k)
				g++
			}
		}
	default:
		return errors.New("cff: bad charset format")
	}
	return nil
}

func (f *cffFont) parseFDSelect(off int) error {
	b := f.data
	switch b[off] {
	case 0:
		copy(f.fdSelect, b[off+1:off+1+len(f.fdSelect)])
	case 3:
		nr := u16(b, off+1)
		for i := 0; i < nr; i++ {
			r := off + 3 + 3*i
			first, fd, next := u16(b, r), b[r+2], u16(b, r+3)
			for g := first; g < next && g < len(f.fdSelect); g++ {
				f.fdSelect[g] = fd
			}
		}
	default:
		return errors.New("cff: bad FDSelect format")
	}
	return nil
}

func subrBias(n int) int {
	switch {
	case n < 1240:
		return 107
	case n < 33900:
		return 1131
	}
	return 32768
}

// flatten returns the charstring of glyph g with every callsubr/callgsubr replaced by the body it calls.
func (f *cffFont) flatten(g int) ([]byte, error) {
	fl := flattener{f: f, local: f.fds[f.fdSelect[g]].subrs}
	if err := fl.run(f.charStrings[g], 0); err != nil {
		return nil, err
	}
	if !fl.ended {
		fl.out = append(fl.out, 14) // endchar
	}
	return fl.out, nil
}

type flattener struct {
	f      *cffFont
	local  [][]byte
	out    []byte
	nargs  int // operands on the stack
	lastN  int // value of the last number pushed
	lastAt int // where that number starts in out
	stems  int
	ended  bool
}

func (fl *flattener) run(cs []byte, depth int) error {
	if depth > 10 {
		return errors.New("cff: subroutines nested too deep")
	}
	for i := 0; i < len(cs) && !fl.ended; {
		c := cs[i]
		switch {
		case c == 28 || c >= 32: // a number
			start := len(fl.out)
			var size int
			var v int
			switch {
			case c == 28:
				size, v = 3, int(int16(binary.BigEndian.Uint16(cs[i+1:])))
			case c <= 246:
				size, v = 1, int(c)-139
			case c <= 250:
				size, v = 2, (int(c)-247)*256+int(cs[i+1])+108
			case c <= 254:
				size, v = 2, -(int(c)-251)*256-int(cs[i+1])-108
			default:
				size, v = 5, int(int32(binary.BigEndian.Uint32(cs[i+1:])))>>16
			}
			if i+size > len(cs) {
				return errors.New("cff: charstring number cut")
			}
			fl.out = append(fl.out, cs[i:i+size]...)
			fl.nargs++
			fl.lastN, fl.lastAt = v, start
			i += size
		case c == 10 || c == 29: // callsubr, callgsubr
			if fl.nargs == 0 {
				return errors.New("cff: call without index")
			}
			subrs := fl.local
			if c == 29 {
				subrs = fl.f.gsubrs
			}
			idx := fl.lastN + subrBias(len(subrs))
			if idx < 0 || idx >= len(subrs) {
				return errors.New("cff: subroutine out of range")
			}
			fl.out = fl.out[:fl.lastAt]
			fl.nargs--
			fl.lastAt = len(fl.out)
			if err := fl.run(subrs[idx], depth+1); err != nil {
				return err
			}
			i++
		case c == 11: // return
			return nil
		case c == 14: // endchar
			fl.out = append(fl.out, c)
			fl.ended = true
			return nil
		case c == 1 || c == 3 || c == 18 || c == 23: // stem hints
			fl.stems += fl.nargs / 2
			fl.out = append(fl.out, c)
			fl.nargs = 0
			i++
		case c == 19 || c == 20: // hintmask, cntrmask: implied vstems, then the mask bytes
			fl.stems += fl.nargs / 2
			nb := (fl.stems + 7) / 8
			if i+1+nb > len(cs) {
				return errors.New("cff: hintmask cut")
			}
			fl.out = append(fl.out, cs[i:i+1+nb]...)
			fl.nargs = 0
			i += 1 + nb
		case c == 12:
			if i+1 >= len(cs) {
				return errors.New("cff: escape cut")
			}
			fl.out = append(fl.out, cs[i:i+2]...)
			if op := cs[i+1]; op < 34 || op > 37 { // arithmetic operators leave results on the stack
				fl.nargs = int(math.Max(0, float64(fl.nargs-1)))
			} else {
				fl.nargs = 0
			}
			i += 2
		default:
			fl.out = append(fl.out, c)
			fl.nargs = 0
			i++
		}
	}
	return nil
}

// subset writes a CID-keyed CFF holding .notdef and glyphs gids (sorted, unique, 0 excluded), renumbered
// 1…n, with their original CIDs in the charset: a PDF addresses them by those CIDs.
func (f *cffFont) subset(gids []int) ([]byte, error) {
	glyphs := append([]int{0}, gids...)
	charStrings := make([][]byte, len(glyphs))
	usedFD := map[uint8]int{}
	var fdOrder []uint8
	for i, g := range glyphs {
		cs, err := f.flatten(g)
		if err != nil {
			return nil, fmt.Errorf("glyph %d: %w", g, err)
		}
		charStrings[i] = cs
		fd := f.fdSelect[g]
		if _, ok := usedFD[fd]; !ok {
			usedFD[fd] = len(fdOrder)
			fdOrder = append(fdOrder, fd)
		}
	}
	// Private DICTs (without Subrs) and their Font DICTs
	var privs [][]byte
	for _, fd := range fdOrder {
		privs = append(privs, encodeDict(f.fds[fd].private))
	}
	charset := []byte{0}
	for _, g := range glyphs[1:] {
		charset = binary.BigEndian.AppendUint16(charset, f.gidToCID[g])
	}
	fdsel := []byte{0}
	for _, g := range glyphs {
		fdsel = append(fdsel, uint8(usedFD[f.fdSelect[g]]))
	}
	strs := [][]byte{[]byte(f.registry), []byte(f.ordering)}
	csIndex := encodeIndex(charStrings)
	header := []byte{1, 0, 4, 4}
	nameIndex := encodeIndex([][]byte{f.name})
	stringIndex := encodeIndex(strs)
	gsubrIndex := []byte{0, 0}
	// Font DICTs depend on the private offsets, the top dict on the others: every offset is a 5-byte
	// integer, so sizes are known before the offsets are.
	fdDict := func(i int, privOff int) []byte {
		var d []byte
		d = append(d, encodeDict(f.fds[fdOrder[i]].dict)...)
		d = append(d, intOp(len(privs[i]))...)
		d = append(d, intOp(privOff)...)
		return append(d, opPrivate)
	}
	fdArraySize := len(encodeIndex(func() [][]byte {
		var ds [][]byte
		for i := range fdOrder {
			ds = append(ds, fdDict(i, 0))
		}
		return ds
	}()))
	topDict := func(csOff, charsetOff, fdselOff, fdArrOff int) []byte {
		var d []byte
		d = append(d, intOp(391)...)
		d = append(d, intOp(392)...)
		d = append(d, intOp(f.supplement)...)
		d = append(d, 12, 30)
		d = append(d, f.fontMatrix...)
		d = append(d, intOp(int(f.maxCID())+1)...)
		d = append(d, 12, 34)
		d = append(d, intOp(charsetOff)...)
		d = append(d, opCharset)
		d = append(d, intOp(csOff)...)
		d = append(d, opCharStrings)
		d = append(d, intOp(fdselOff)...)
		d = append(d, 12, 37)
		d = append(d, intOp(fdArrOff)...)
		return append(d, 12, 36)
	}
	topSize := len(encodeIndex([][]byte{topDict(0, 0, 0, 0)}))
	pos := len(header) + len(nameIndex) + topSize + len(stringIndex) + len(gsubrIndex)
	csOff := pos
	pos += len(csIndex)
	charsetOff := pos
	pos += len(charset)
	fdselOff := pos
	pos += len(fdsel)
	fdArrOff := pos
	pos += fdArraySize
	var fdDicts [][]byte
	for i := range fdOrder {
		fdDicts = append(fdDicts, fdDict(i, pos))
		pos += len(privs[i])
	}
	out := make([]byte, 0, pos)
	out = append(out, header...)
	out = append(out, nameIndex...)
	out = append(out, encodeIndex([][]byte{topDict(csOff, charsetOff, fdselOff, fdArrOff)})...)
	out = append(out, stringIndex...)
	out = append(out, gsubrIndex...)
	out = append(out, csIndex...)
	out = append(out, charset...)
	out = append(out, fdsel...)
	out = append(out, encodeIndex(fdDicts)...)
	for _, p := range privs {
		out = append(out, p...)
	}
	if len(out) != pos {
		return nil, fmt.Errorf("cff: subset layout %d != %d", len(out), pos)
	}
	return out, nil
}

func (f *cffFont) maxCID() uint16 { return f.maxCIDv }

// cid is the CID a PDF uses for glyph g of this font.
func (f *cffFont) cidOf(g uint16) uint16 { return f.gidToCID[g] }

func intOp(v int) []byte {
	return []byte{29, byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}
}

func encodeDict(d []cffEntry) []byte {
	var out []byte
	for _, e := range d {
		out = append(out, e.raw...)
		if e.op >= 1200 {
			out = append(out, 12, byte(e.op-1200))
		} else {
			out = append(out, byte(e.op))
		}
	}
	return out
}

func encodeIndex(items [][]byte) []byte {
	if len(items) == 0 {
		return []byte{0, 0}
	}
	total := 1
	for _, it := range items {
		total += len(it)
	}
	offSize := 1
	for total >= 1<<(8*offSize) {
		offSize++
	}
	out := make([]byte, 0, 3+(len(items)+1)*offSize+total)
	out = append(out, byte(len(items)>>8), byte(len(items)), byte(offSize))
	put := func(v int) {
		for k := offSize - 1; k >= 0; k-- {
			out = append(out, byte(v>>(8*k)))
		}
	}
	o := 1
	put(o)
	for _, it := range items {
		o += len(it)
		put(o)
	}
	for _, it := range items {
		out = append(out, it...)
	}
	return out
}
