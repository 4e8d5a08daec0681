package pdf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/tiff"
)

// Image is a raster drawn on a page of its own by a Figure block (a scanned page of the case file). JPEG
// data is embedded as it is (DCTDecode); other rasters are decoded and stored deflated. Colours are
// ICC-based (gray gamma 2.2, or sRGB) so the file stays PDF/A-2b.
type Image struct {
	W, H        int    // pixels as stored
	Gray        bool   // one component (else RGB)
	Bits        int    // 8, or 1 for bilevel gray
	DCT         bool   // Data is a JPEG stream
	Data        []byte // JPEG bytes, or raw rows (uncompressed; deflated when written)
	Orientation int    // EXIF orientation of a JPEG (1–8: upright, mirrored, turned, as the camera says)
}

// shown is the size of the image as displayed (orientations 6 and 8 swap the sides).
func (im *Image) shown() (w, h int) {
	if im.Orientation >= 5 && im.Orientation <= 8 {
		return im.H, im.W
	}
	return im.W, im.H
}

// MaxPixels bounds a decoded raster; larger ones are reduced by an integer factor (a 300 dpi A4 scan has
// 8.7 million pixels).
const MaxPixels = 16 << 20

// ErrImage is returned for data that is not a raster this package can draw.
var ErrImage = errors.New("pdf: not a drawable image")

// JPEGImage checks that b is a complete baseline or progressive JPEG that decodes, and embeds it unchanged
// when it is gray or YCbCr; a CMYK JPEG is decoded and stored as RGB.
func JPEGImage(b []byte) (*Image, error) {
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrImage, err)
	}
	if int64(cfg.Width)*int64(cfg.Height) > 4*MaxPixels {
		return nil, fmt.Errorf("%w: %d×%d pixels", ErrImage, cfg.Width, cfg.Height)
	}
	img, err := jpeg.Decode(bytes.NewReader(b)) // the whole stream must decode: a truncated scan is not passed on
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrImage, err)
	}
	switch cfg.ColorModel {
	case color.GrayModel, color.YCbCrModel:
		return &Image{W: cfg.Width, H: cfg.Height, Gray: cfg.ColorModel == color.GrayModel, Bits: 8, DCT: true, Data: b,
			Orientation: exifOrientation(b)}, nil
	}
	im := Raster(img)
	im.Orientation = exifOrientation(b)
	return im, nil
}

// PNGImage decodes a PNG.
func PNGImage(b []byte) (*Image, error) {
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrImage, err)
	}
	if int64(cfg.Width)*int64(cfg.Height) > 4*MaxPixels {
		return nil, fmt.Errorf("%w: %d×%d pixels", ErrImage, cfg.Width, cfg.Height)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrImage, err)
	}
	return Raster(img), nil
}

// TIFFImages decodes every page (IFD) of a TIFF, up to max pages and until the decoded pages hold more than
// maxBytes; more reports whether pages were left.
func TIFFImages(b []byte, max, maxBytes int) (pages []*Image, more bool, err error) {
	offs, err := tiffIFDs(b)
	if err != nil {
		return nil, false, err
	}
	if len(offs) > max {
		offs, more = offs[:max], true
	}
	held := 0
	for _, off := range offs {
		if held > maxBytes {
			return pages, true, nil
		}
		// the decoder reads the first IFD: present each page as the first one
		page := &tiffPage{b: b}
		copy(page.head[:], b[:8])
		tiffOrder(b).PutUint32(page.head[4:], off)
		cfg, err := tiff.DecodeConfig(page)
		if err != nil {
			return nil, false, fmt.Errorf("%w: tiff page %d: %v", ErrImage, len(pages)+1, err)
		}
		if int64(cfg.Width)*int64(cfg.Height) > 4*MaxPixels {
			return nil, false, fmt.Errorf("%w: tiff page %d: %d×%d pixels", ErrImage, len(pages)+1, cfg.Width, cfg.Height)
		}
		img, err := tiff.Decode(page)
		if err != nil {
			return nil, false, fmt.Errorf("%w: tiff page %d: %v", ErrImage, len(pages)+1, err)
		}
		im := Raster(img)
		held += len(im.Data)
		pages = append(pages, im)
	}
	return pages, more, nil
}

// tiffPage reads a TIFF whose header names another directory as the first (the decoder takes an
// io.ReaderAt as it is, without copying the file).
type tiffPage struct {
	b    []byte
	head [8]byte
	pos  int64
}

func (p *tiffPage) ReadAt(q []byte, off int64) (int, error) {
	if off >= int64(len(p.b)) {
		return 0, io.EOF
	}
	n := copy(q, p.b[off:])
	for i := off; i < 8 && i-off < int64(n); i++ {
		q[i-off] = p.head[i]
	}
	if n < len(q) {
		return n, io.EOF
	}
	return n, nil
}

func (p *tiffPage) Read(q []byte) (int, error) {
	n, err := p.ReadAt(q, p.pos)
	p.pos += int64(n)
	return n, err
}

func tiffOrder(b []byte) binary.ByteOrder {
	if b[0] == 'M' {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

// tiffIFDs follows the chain of image file directories of a classic TIFF.
func tiffIFDs(b []byte) ([]uint32, error) {
	if len(b) < 8 || !(string(b[:4]) == "II*\x00" || string(b[:4]) == "MM\x00*") {
		return nil, fmt.Errorf("%w: not a classic TIFF", ErrImage)
	}
	o := tiffOrder(b)
	var out []uint32
	seen := map[uint32]bool{}
	for off := o.Uint32(b[4:]); off != 0; {
		if seen[off] || int64(off)+2 > int64(len(b)) || len(out) >= 10000 {
			return nil, fmt.Errorf("%w: broken TIFF directory chain", ErrImage)
		}
		seen[off] = true
		out = append(out, off)
		n := int64(o.Uint16(b[off:]))
		next := int64(off) + 2 + 12*n
		if next+4 > int64(len(b)) {
			return nil, fmt.Errorf("%w: broken TIFF directory", ErrImage)
		}
		off = o.Uint32(b[next:])
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: TIFF without pages", ErrImage)
	}
	return out, nil
}

// Raster turns a decoded image into gray or RGB rows (transparency over white), bilevel gray packed to one
// bit per pixel, reduced by an integer factor when it has more than MaxPixels.
func Raster(img image.Image) *Image {
	r := img.Bounds()
	k := 1
	for int64(r.Dx()/k)*int64(r.Dy()/k) > MaxPixels {
		k++
	}
	w, h := r.Dx()/k, r.Dy()/k
	gray := isGray(img)
	comps := 3
	if gray {
		comps = 1
	}
	data := make([]byte, 0, w*h*comps)
	bilevel := gray
	if g, ok := img.(*image.Gray); ok && k == 1 {
		for y := 0; y < h; y++ {
			row := g.Pix[y*g.Stride : y*g.Stride+w]
			data = append(data, row...)
		}
		for _, v := range data {
			if v != 0 && v != 255 {
				bilevel = false
				break
			}
		}
		if bilevel {
			return &Image{W: w, H: h, Gray: true, Bits: 1, Data: packBits(data, w, h), Orientation: 1}
		}
		return &Image{W: w, H: h, Gray: true, Bits: 8, Data: data, Orientation: 1}
	}
	n := uint32(k * k)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var sr, sg, sb uint32
			for dy := 0; dy < k; dy++ {
				for dx := 0; dx < k; dx++ {
					cr, cg, cb, ca := img.At(r.Min.X+x*k+dx, r.Min.Y+y*k+dy).RGBA()
					sr += cr + 0xffff - ca // over white
					sg += cg + 0xffff - ca
					sb += cb + 0xffff - ca
				}
			}
			if gray {
				v := byte(sr / n >> 8)
				bilevel = bilevel && (v == 0 || v == 255)
				data = append(data, v)
			} else {
				data = append(data, byte(sr/n>>8), byte(sg/n>>8), byte(sb/n>>8))
			}
		}
	}
	im := &Image{W: w, H: h, Gray: gray, Bits: 8, Data: data, Orientation: 1}
	if bilevel {
		im.Bits, im.Data = 1, packBits(data, w, h)
	}
	return im
}

func isGray(img image.Image) bool {
	switch m := img.(type) {
	case *image.Gray, *image.Gray16:
		return true
	case *image.Paletted:
		for _, c := range m.Palette {
			r, g, b, _ := c.RGBA()
			if r != g || g != b {
				return false
			}
		}
		return true
	}
	return false
}

// packBits packs 0/255 gray rows to one bit per pixel, rows padded to a byte (1 = white in DeviceGray).
func packBits(v []byte, w, h int) []byte {
	stride := (w + 7) / 8
	out := make([]byte, stride*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if v[y*w+x] != 0 {
				out[y*stride+x/8] |= 0x80 >> (x % 8)
			}
		}
	}
	return out
}

// exifOrientation reads the orientation tag (0x0112) of a JPEG's Exif segment; 1 when there is none.
func exifOrientation(b []byte) int {
	for i := 2; i+4 <= len(b) && b[i] == 0xFF; {
		marker, n := b[i+1], int(binary.BigEndian.Uint16(b[i+2:]))
		if marker == 0xDA || n < 2 || i+2+n > len(b) {
			break
		}
		seg := b[i+4 : i+2+n]
		if marker == 0xE1 && len(seg) > 14 && string(seg[:6]) == "Exif\x00\x00" {
			t := seg[6:]
			var o binary.ByteOrder = binary.LittleEndian
			if t[0] == 'M' {
				o = binary.BigEndian
			}
			off := int(o.Uint32(t[4:]))
			if off+2 > len(t) {
				return 1
			}
			cnt := int(o.Uint16(t[off:]))
			for e := 0; e < cnt; e++ {
				p := off + 2 + 12*e
				if p+12 > len(t) {
					return 1
				}
				if o.Uint16(t[p:]) == 0x0112 {
					if v := int(o.Uint16(t[p+8:])); v >= 1 && v <= 8 {
						return v
					}
					return 1
				}
			}
			return 1
		}
		i += 2 + n
	}
	return 1
}

// figure area of a page (mm from the top-left corner): the scan is scaled to fit inside it, centred,
// above the page number and below its caption.
const (
	figTop    = 20.0
	figBottom = 262.0
	figSide   = 15.0
	capTop    = 13.0 // baseline of the caption line
)

// placeFigure gives the cm matrix (points, origin bottom-left) that draws im inside the figure area.
func placeFigure(im *Image, pageW, pageH float64) [6]float64 {
	sw, sh := im.shown()
	aw, ah := pageW-2*figSide, figBottom-figTop
	scale := min(aw/float64(sw), ah/float64(sh))
	w, h := float64(sw)*scale, float64(sh)*scale
	x := (pageW - w) / 2
	yTop := figTop + (ah-h)/2
	X, Y, W, H := x*mmToPt, (pageH-yTop-h)*mmToPt, w*mmToPt, h*mmToPt
	// image space (u right, v up) onto the box shown, after EXIF: 2 mirrored, 3 turned half, 4 flipped,
	// 5 transposed, 6 turned clockwise, 7 transversed, 8 turned counter-clockwise
	switch im.Orientation {
	case 2:
		return [6]float64{-W, 0, 0, H, X + W, Y}
	case 3:
		return [6]float64{-W, 0, 0, -H, X + W, Y + H}
	case 4:
		return [6]float64{W, 0, 0, -H, X, Y + H}
	case 5:
		return [6]float64{0, -H, -W, 0, X + W, Y + H}
	case 6:
		return [6]float64{0, -H, W, 0, X, Y + H}
	case 7:
		return [6]float64{0, H, W, 0, X, Y}
	case 8:
		return [6]float64{0, H, -W, 0, X + W, Y}
	}
	return [6]float64{W, 0, 0, H, X, Y}
}
