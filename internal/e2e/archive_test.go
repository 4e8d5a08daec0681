//go:build e2e

package e2e

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"fuyi/internal/testapp"
)

// scanFile writes a JPEG standing in for a scanned ID card and returns its path and bytes.
func scanFile(t *testing.T) (string, []byte) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 856, 540)) // 85.6 × 54 mm at 254 dpi
	for y := 0; y < 540; y++ {
		for x := 0; x < 856; x++ {
			img.Set(x, y, color.RGBA{uint8(200 + x%50), uint8(220 - y%40), 235, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "身份证.jpg")
	if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p, b.Bytes()
}

var tocRow = regexp.MustCompile(`(?m)^\s*(\d+)\s+(\S+)\s.*?\s(\d+)(?:–(\d+))?\s*$`)

// scanInArchive checks that the archived case's ZIP holds the scan byte for byte (named in manifest.json)
// and that the 正卷's 卷内目录 lists it on the page where its sheet is, followed by the drawn scan page.
func scanInArchive(t *testing.T, a *testapp.App, id int64, scan []byte, title string) {
	t.Helper()
	z := a.Do("GET", fmt.Sprintf("/api/v1/cases/%d/archive.zip", id), a.Login("chief1"), nil)
	zr, err := zip.NewReader(bytes.NewReader(z.Body), int64(len(z.Body)))
	if z.Status != 200 || err != nil {
		t.Fatalf("archive.zip: %d %v", z.Status, err)
	}
	entries := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		entries[f.Name], _ = io.ReadAll(rc)
		_ = rc.Close()
	}
	var man struct {
		Entries []struct{ Path, Title, Kind string } `json:"entries"`
	}
	if err := json.Unmarshal(entries["manifest.json"], &man); err != nil {
		t.Fatal(err)
	}
	found := ""
	for _, e := range man.Entries {
		if e.Kind == "file" && e.Title == title && bytes.Equal(entries[e.Path], scan) {
			found = e.Path
		}
	}
	if found == "" {
		t.Fatalf("the ZIP holds no entry %q with the uploaded bytes (%d entries)", title, len(man.Entries))
	}
	pdf := a.Do("GET", fmt.Sprintf("/api/v1/cases/%d/archive.pdf", id), a.Login("chief1"), nil)
	if pdf.Status != 200 {
		t.Fatalf("archive.pdf: %d", pdf.Status)
	}
	page := func(n int) string {
		cmd := exec.Command("pdftotext", "-layout", "-f", strconv.Itoa(n), "-l", strconv.Itoa(n), "-", "-")
		cmd.Stdin = bytes.NewReader(pdf.Body)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("pdftotext page %d: %v", n, err)
		}
		return string(out)
	}
	toc := page(2)
	for _, m := range tocRow.FindAllStringSubmatch(toc, -1) {
		if m[2] != title {
			continue
		}
		first, _ := strconv.Atoi(m[3])
		last, _ := strconv.Atoi(m[4])
		if !strings.Contains(page(first), "卷内材料："+title) || last != first+1 ||
			!strings.Contains(strings.Join(strings.Fields(page(last)), ""), title+"（原件第1页，共1页）") {
			t.Fatalf("目录 row %q: pages %d–%d do not hold the sheet and the drawn scan", strings.TrimSpace(m[0]), first, last)
		}
		t.Logf("卷宗: ZIP entry %s; 目录 row %q", found, strings.Join(strings.Fields(m[0]), " "))
		return
	}
	t.Fatalf("the 卷内目录 lists no %q:\n%s", title, toc)
}
