package pdf

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

func jpegOf(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withOrientation inserts an Exif segment carrying the orientation tag after the JPEG's SOI.
func withOrientation(b []byte, o uint16) []byte {
	le := binary.LittleEndian
	tiffHdr := []byte("II*\x00\x08\x00\x00\x00")
	ifd := le.AppendUint16(nil, 1)
	ifd = le.AppendUint16(ifd, 0x0112)
	ifd = le.AppendUint16(ifd, 3)
	ifd = le.AppendUint32(ifd, 1)
	ifd = le.AppendUint16(ifd, o)
	ifd = append(ifd, 0, 0, 0, 0, 0, 0)
	seg := append(append([]byte("Exif\x00\x00"), tiffHdr...), ifd...)
	app1 := append([]byte{0xFF, 0xE1}, byte((len(seg)+2)>>8), byte(len(seg)+2))
	app1 = append(app1, seg...)
	return append(append(append([]byte{}, b[:2]...), app1...), b[2:]...)
}

// grayTIFF writes an uncompressed 8-bit gray TIFF with one page per image (x/image/tiff writes one page only).
func grayTIFF(pages ...*image.Gray) []byte {
	le := binary.LittleEndian
	out := []byte("II*\x00\x00\x00\x00\x00")
	prevNext := 4
	for _, p := range pages {
		w, h := p.Bounds().Dx(), p.Bounds().Dy()
		dataAt := len(out)
		out = append(out, p.Pix...)
		if len(out)%2 == 1 {
			out = append(out, 0)
		}
		ifdAt := len(out)
		le.PutUint32(out[prevNext:], uint32(ifdAt))
		tags := [][2]uint32{{256, uint32(w)}, {257, uint32(h)}, {258, 8}, {259, 1}, {262, 1}, {273, uint32(dataAt)}, {277, 1}, {278, uint32(h)}, {279, uint32(w * h)}}
		out = le.AppendUint16(out, uint16(len(tags)))
		for _, tg := range tags {
			out = le.AppendUint16(out, uint16(tg[0]))
			out = le.AppendUint16(out, 4) // LONG
			out = le.AppendUint32(out, 1)
			out = le.AppendUint32(out, tg[1])
		}
		prevNext = len(out)
		out = le.AppendUint32(out, 0)
	}
	return out
}

func halves(w, h int, vertical bool, a, b color.Color) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := a
			if (vertical && y >= h/2) || (!vertical && x >= w/2) {
				c = b
			}
			img.Set(x, y, c)
		}
	}
	return img
}

// pageImage rasterises one page at 25.4 dpi (one pixel per millimetre) with pdftoppm.
func pageImage(t *testing.T, pdf []byte, page int) image.Image {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/in.pdf", pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-r", "25.4", "-png", "-singlefile", "-f", strconv.Itoa(page), "-l", strconv.Itoa(page),
		dir+"/in.pdf", dir+"/page").CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm page %d: %v %s", page, err, out)
	}
	out, err := os.ReadFile(dir + "/page.png")
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func near(c color.Color, r, g, b uint8) bool {
	cr, cg, cb, _ := c.RGBA()
	d := func(x uint32, y uint8) bool { v := int(x>>8) - int(y); return v < 40 && v > -40 }
	return d(cr, r) && d(cg, g) && d(cb, b)
}

// Scans drawn as pages: a colour JPEG embedded as it is (DCTDecode), a gray PNG, a two-page TIFF and a JPEG
// turned by its Exif orientation each fill a page of their own, scaled into the figure area; page
// rasters (pdftoppm) show the pictures the right way up, pdfimages lists the encodings and colour
// spaces, and each page carries its caption as text.
func TestFiguresDrawScansAsPages(t *testing.T) {
	for _, tool := range []string{"pdftoppm", "pdfimages", "pdftotext"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skip(tool + " not installed (poppler-utils)")
		}
	}
	red, blue := color.RGBA{220, 30, 30, 255}, color.RGBA{30, 30, 220, 255}
	colour := jpegOf(t, halves(300, 400, true, red, blue))
	jp, err := JPEGImage(colour)
	if err != nil || !jp.DCT || jp.Gray {
		t.Fatalf("colour jpeg: %+v %v", jp, err)
	}
	var pngBuf bytes.Buffer
	gray := image.NewGray(image.Rect(0, 0, 200, 100))
	for i := range gray.Pix {
		gray.Pix[i] = uint8(i % 200)
	}
	if err := png.Encode(&pngBuf, gray); err != nil {
		t.Fatal(err)
	}
	pg, err := PNGImage(pngBuf.Bytes())
	if err != nil || !pg.Gray || pg.Bits != 8 {
		t.Fatalf("gray png: %v", err)
	}
	p1, p2 := image.NewGray(image.Rect(0, 0, 100, 140)), image.NewGray(image.Rect(0, 0, 100, 140))
	for y := 0; y < 140; y++ {
		for x := 0; x < 100; x++ {
			p1.Pix[y*100+x], p2.Pix[y*100+x] = 255, 255
			if x < 50 {
				p1.Pix[y*100+x] = 0
			} else {
				p2.Pix[y*100+x] = 0
			}
		}
	}
	tp, more, err := TIFFImages(grayTIFF(p1, p2), 10, 1<<20)
	if err != nil || more || len(tp) != 2 || tp[0].Bits != 1 {
		t.Fatalf("tiff: %d pages, more %v, %v", len(tp), more, err)
	}
	if cut, more, err := TIFFImages(grayTIFF(p1, p2), 10, 1000); err != nil || !more || len(cut) != 1 {
		t.Fatalf("tiff over its byte budget: %d pages, more %v, %v", len(cut), more, err)
	}
	turned, err := JPEGImage(withOrientation(jpegOf(t, halves(400, 200, false, color.Black, color.White)), 6))
	if err != nil || turned.Orientation != 6 {
		t.Fatalf("oriented jpeg: %v", err)
	}
	// a quadrant image, black top-left only (400×200): mirrored (2) black top-right; transposed (5, shown
	// 200×400) black top-left, the black quadrant now tall
	quad := image.NewRGBA(image.Rect(0, 0, 400, 200))
	for y := 0; y < 200; y++ {
		for x := 0; x < 400; x++ {
			c := color.RGBA{255, 255, 255, 255}
			if x < 200 && y < 100 {
				c = color.RGBA{0, 0, 0, 255}
			}
			quad.Set(x, y, c)
		}
	}
	mirrored, err := JPEGImage(withOrientation(jpegOf(t, quad), 2))
	if err != nil {
		t.Fatal(err)
	}
	transposed, err := JPEGImage(withOrientation(jpegOf(t, quad), 5))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := JPEGImage(append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, make([]byte, 100)...)); err == nil {
		t.Fatal("a broken JPEG was accepted")
	}
	doc := Document{Title: "扫描件", PageNumbers: true, Blocks: []Block{
		{Kind: Title, Text: "卷内材料：合同"},
		{Kind: Figure, Image: jp, Text: "合同 第1页"},
		{Kind: Figure, Image: pg, Text: "渐变 第1页"},
		{Kind: Figure, Image: tp[0], Text: "送达回证 第1页，共2页"},
		{Kind: Figure, Image: tp[1], Text: "送达回证 第2页，共2页"},
		{Kind: Figure, Image: turned, Text: "身份证 第1页"},
		{Kind: Figure, Image: mirrored, Text: "镜像 第1页"},
		{Kind: Figure, Image: transposed, Text: "转置 第1页"},
		{Kind: Plain, Text: "以下空白"}}}
	b, err := Render(doc)
	if err != nil {
		t.Fatal(err)
	}
	if n := PageCount(b); n != 9 {
		t.Fatalf("%d pages, want 9 (a text page, seven figures, a text page)", n)
	}
	list := pdfimagesList(t, b)
	want := []string{"300 400 icc 3 8 jpeg", "200 100 icc 1 8 image", "100 140 icc 1 1 image", "100 140 icc 1 1 image", "400 200 icc 3 8 jpeg",
		"400 200 icc 3 8 jpeg", "400 200 icc 3 8 jpeg"}
	if len(list) != len(want) {
		t.Fatalf("pdfimages lists %d images: %q", len(list), list)
	}
	for i, w := range want {
		if list[i] != w {
			t.Fatalf("image %d: %q, want %q", i+1, list[i], w)
		}
	}
	// one pixel per mm: the colour JPEG (300×400 → 180×240 mm at x 15–195, y 21–261) red above, blue below
	img := pageImage(t, b, 2)
	if !near(img.At(105, 80), 220, 30, 30) || !near(img.At(105, 200), 30, 30, 220) {
		t.Fatalf("page 2: %v at the top, %v at the bottom", img.At(105, 80), img.At(105, 200))
	}
	if img := pageImage(t, b, 4); !near(img.At(80, 140), 0, 0, 0) || !near(img.At(130, 140), 255, 255, 255) {
		t.Fatalf("tiff page 1: %v left, %v right", img.At(80, 140), img.At(130, 140))
	}
	if img := pageImage(t, b, 5); !near(img.At(80, 140), 255, 255, 255) || !near(img.At(130, 140), 0, 0, 0) {
		t.Fatalf("tiff page 2: %v left, %v right", img.At(80, 140), img.At(130, 140))
	}
	// stored 400×200 black|white, Exif 6 (turn clockwise): shown 200×400 black above, white below
	if img := pageImage(t, b, 6); !near(img.At(105, 80), 0, 0, 0) || !near(img.At(105, 200), 255, 255, 255) {
		t.Fatalf("turned jpeg: %v at the top, %v at the bottom", img.At(105, 80), img.At(105, 200))
	}
	// mirrored: shown 400×200 → 180×90 mm at x 15–195, y 96–186: black quadrant top-right
	if img := pageImage(t, b, 7); !near(img.At(150, 110), 0, 0, 0) || !near(img.At(60, 110), 255, 255, 255) {
		t.Fatalf("mirrored jpeg: %v top-right, %v top-left", img.At(150, 110), img.At(60, 110))
	}
	// transposed: shown 200×400 → 121×242 mm at x 44.5–165.5, y 20–262: black quadrant top-left, tall
	if img := pageImage(t, b, 8); !near(img.At(60, 80), 0, 0, 0) || !near(img.At(140, 80), 255, 255, 255) || !near(img.At(60, 200), 255, 255, 255) {
		t.Fatalf("transposed jpeg: %v top-left, %v top-right, %v bottom-left", img.At(60, 80), img.At(140, 80), img.At(60, 200))
	}
	cmd := exec.Command("pdftotext", "-f", "5", "-l", "5", "-", "-")
	cmd.Stdin = bytes.NewReader(b)
	txt, err := cmd.Output()
	if err != nil || !strings.Contains(squash(string(txt)), "送达回证第2页，共2页") || !strings.Contains(string(txt), "5") {
		t.Fatalf("caption of page 5: %q %v", txt, err)
	}
	again, _ := Render(doc)
	if !bytes.Equal(again, b) {
		t.Fatal("the same document gave different bytes")
	}
}

// pdfimagesList gives "width height color comp bpc enc" of each image pdfimages finds.
func pdfimagesList(t *testing.T, b []byte) []string {
	t.Helper()
	f := t.TempDir() + "/x.pdf"
	if err := os.WriteFile(f, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdfimages", "-list", f).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfimages: %v %s", err, out)
	}
	var rows []string
	for _, ln := range strings.Split(string(out), "\n")[2:] {
		f := strings.Fields(ln)
		if len(f) < 10 {
			continue
		}
		rows = append(rows, strings.Join(f[3:9], " ")) // width height color comp bpc enc
	}
	return rows
}
