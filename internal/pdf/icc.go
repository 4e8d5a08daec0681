package pdf

import "encoding/binary"

// iccGray builds a small ICC v2 monochrome display profile (D50 white, gamma 2.2): the output intent a
// PDF/A file needs for its DeviceGray text and rules, and the colour space of gray scans.
func iccGray() []byte {
	trc := []byte("curv\x00\x00\x00\x00\x00\x00\x00\x01\x02\x33\x00\x00") // gamma 2.2 (u8Fixed8 0x0233)
	return iccProfile("GRAY", "Gray gamma 2.2", []iccTag{{"kTRC", trc}})
}

// iccSRGB builds an ICC v2 RGB display profile with the sRGB primaries adapted to D50 (Bradford) and a
// gamma 2.2 curve (close to the sRGB curve): the colour space of colour scans.
func iccSRGB() []byte {
	trc := []byte("curv\x00\x00\x00\x00\x00\x00\x00\x01\x02\x33\x00\x00")
	return iccProfile("RGB ", "sRGB primaries, gamma 2.2", []iccTag{
		{"rXYZ", iccXYZ(0x6FA2, 0x38F5, 0x0390)}, {"gXYZ", iccXYZ(0x6299, 0xB785, 0x18DA)}, {"bXYZ", iccXYZ(0x24A0, 0x0F84, 0xB6CF)},
		{"rTRC", trc}, {"gTRC", trc}, {"bTRC", trc}})
}

type iccTag struct {
	sig  string
	data []byte
}

func iccXYZ(x, y, z uint32) []byte {
	be := binary.BigEndian
	b := []byte("XYZ \x00\x00\x00\x00")
	b = be.AppendUint32(b, x)
	b = be.AppendUint32(b, y)
	return be.AppendUint32(b, z)
}

// iccProfile writes a display profile of colour space space ("GRAY", "RGB ") with the description, the
// copyright and the D50 white point tags followed by extra.
func iccProfile(space, name string, extra []iccTag) []byte {
	be := binary.BigEndian
	desc := func() []byte {
		s := name + "\x00"
		b := []byte("desc\x00\x00\x00\x00")
		b = be.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
		b = append(b, make([]byte, 4+4+2+1+67)...) // no Unicode or ScriptCode description
		return b
	}()
	cprt := append([]byte("text\x00\x00\x00\x00"), "No copyright, use freely\x00"...)
	tags := append([]iccTag{{"desc", desc}, {"cprt", cprt}, {"wtpt", iccXYZ(0xF6D6, 0x10000, 0xD32D)}}, extra...)
	off := 128 + 4 + 12*len(tags)
	var table, data []byte
	table = be.AppendUint32(table, uint32(len(tags)))
	for _, t := range tags {
		for len(data)%4 != 0 {
			data = append(data, 0)
		}
		table = append(table, t.sig...)
		table = be.AppendUint32(table, uint32(off+len(data)))
		table = be.AppendUint32(table, uint32(len(t.data)))
		data = append(data, t.data...)
	}
	for len(data)%4 != 0 {
		data = append(data, 0)
	}
	h := make([]byte, 128)
	be.PutUint32(h[0:], uint32(128+len(table)+len(data)))
	be.PutUint32(h[8:], 0x02100000)
	copy(h[12:], "mntr"+space+"XYZ ")
	for i, v := range []uint16{2024, 1, 1, 0, 0, 0} {
		be.PutUint16(h[24+2*i:], v)
	}
	copy(h[36:], "acsp")
	be.PutUint32(h[68:], 0xF6D6)
	be.PutUint32(h[72:], 0x10000)
	be.PutUint32(h[76:], 0xD32D)
	return append(append(h, table...), data...)
}
