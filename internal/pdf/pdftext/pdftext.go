// Package pdftext reads a rendered PDF back as text for tests, with pdftotext (poppler-utils).
package pdftext

import (
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// Extract returns the PDF's text with all whitespace (also U+3000) removed, so assertions do not depend on
// where lines break.
func Extract(t testing.TB, b []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext (poppler-utils) is required: make test installs it, or apt-get install poppler-utils")
	}
	f, err := os.CreateTemp(t.TempDir(), "*.pdf")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", f.Name(), "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, string(out))
}

// Line is one line of text as pdftotext -bbox-layout sees it: page (from 1), its box in points from the
// page's top-left corner, and its text without spaces.
type Line struct {
	Page                   int
	XMin, YMin, XMax, YMax float64
	Text                   string
}

// Lines returns every text line of the PDF with its position.
func Lines(t testing.TB, b []byte) []Line {
	t.Helper()
	out := run(t, b, "pdftotext", "-bbox-layout", "-enc", "UTF-8", "%s", "-")
	var lines []Line
	page := 0
	var cur *Line
	for _, raw := range strings.Split(out, "\n") {
		s := strings.TrimSpace(raw)
		switch {
		case strings.HasPrefix(s, "<page "):
			page++
		case strings.HasPrefix(s, "<line "):
			lines = append(lines, Line{Page: page, XMin: attr(s, "xMin"), YMin: attr(s, "yMin"), XMax: attr(s, "xMax"), YMax: attr(s, "yMax")})
			cur = &lines[len(lines)-1]
		case strings.HasPrefix(s, "<word ") && cur != nil:
			if i := strings.Index(s, ">"); i >= 0 {
				w := strings.TrimSuffix(s[i+1:], "</word>")
				cur.Text += html.UnescapeString(w)
			}
		case strings.HasPrefix(s, "</line>"):
			cur = nil
		}
	}
	return lines
}

func attr(s, name string) float64 {
	i := strings.Index(s, name+"=\"")
	if i < 0 {
		return 0
	}
	rest := s[i+len(name)+2:]
	v, _ := strconv.ParseFloat(rest[:strings.IndexByte(rest, '"')], 64)
	return v
}

// Font is one row of pdffonts.
type Font struct {
	Name, Type       string
	Embedded, Subset bool
	ToUnicode        bool
}

// Fonts lists the fonts of the PDF (pdffonts).
func Fonts(t testing.TB, b []byte) []Font {
	t.Helper()
	out := run(t, b, "pdffonts", "%s")
	var fonts []Font
	for i, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		if i < 2 || len(f) < 7 {
			continue
		}
		// name type… encoding emb sub uni object ID: the last five fields are fixed
		n := len(f)
		fonts = append(fonts, Font{Name: f[0], Type: strings.Join(f[1:n-6], " "), Embedded: f[n-5] == "yes",
			Subset: f[n-4] == "yes", ToUnicode: f[n-3] == "yes"})
	}
	return fonts
}

// Info returns pdfinfo's fields (Title, PDF version, Tagged, CreationDate …).
func Info(t testing.TB, b []byte) map[string]string {
	t.Helper()
	out := run(t, b, "pdfinfo", "-isodates", "%s")
	m := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok {
			m[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return m
}

// run writes b to a temporary file and runs a poppler tool with it in place of %s.
func run(t testing.TB, b []byte, tool string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		t.Fatalf("%s (poppler-utils) is required: make test installs it, or apt-get install poppler-utils", tool)
	}
	f, err := os.CreateTemp(t.TempDir(), "*.pdf")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	for i, a := range args {
		if a == "%s" {
			args[i] = f.Name()
		}
	}
	var stderr strings.Builder
	cmd := exec.Command(tool, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", tool, err, stderr.String())
	}
	if strings.Contains(stderr.String(), "Error") { // poppler reports broken fonts or objects here
		t.Fatalf("%s reports errors in the PDF:\n%s", tool, stderr.String())
	}
	return string(out)
}

// Image writes page images of the PDF at dpi to dir/name-N.png (pdftoppm) for people to look at.
func Image(t testing.TB, b []byte, dir, name string, dpi int) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	run(t, b, "pdftoppm", "-r", strconv.Itoa(dpi), "-png", "%s", filepath.Join(dir, name))
}
