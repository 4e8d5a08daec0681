package pdf

import "encoding/binary"

// iccGray builds a small ICC v2 monochrome display profile (D50 white, gamma 2.2): the output intent a
// PDF/A file needs for its DeviceGray text and rules.
func iccGray() []byte {
	be := binary.BigEndian
	desc := func() []byte {
		s := "Gray gamma 2.2\x00"
		b := []byte("desc\x00\x00\x00\x00")
		b = be.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
		b = append(b, make([]byte, 4+4+2+1+67)...) // no Unicode or ScriptCode description
		return b
	}()
	cprt := append([]byte("text\x00\x00\x00\x00"), "No copyright, use freely\x00"...)
	xyz := func(x, y, z uint32) []byte {
		b := []byte("XYZ \x00\x00\x00\x00")
		b = be.AppendUint32(b, x)
		b = be.AppendUint32(b, y)
		return be.AppendUint32(b, z)
	}
	wtpt := xyz(0xF6D6, 0x10000, 0xD32D)
	trc := []byte("curv\x00\x00\x00\x00\x00\x00\x00\x01\x02\x33\x00\x00") // gamma 2.2 (u8Fixed8 0x0233)
	tags := []struct {
		sig  string
		data []byte
	}{{"desc", desc}, {"cprt", cprt}, {"wtpt", wtpt}, {"kTRC", trc}}
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
	copy(h[12:], "mntrGRAYXYZ ")
	for i, v := range []uint16{2024, 1, 1, 0, 0, 0} {
		be.PutUint16(h[24+2*i:], v)
	}
	copy(h[36:], "acsp")
	be.PutUint32(h[68:], 0xF6D6)
	be.PutUint32(h[72:], 0x10000)
	be.PutUint32(h[76:], 0xD32D)
	return append(append(h, table...), data...)
}
