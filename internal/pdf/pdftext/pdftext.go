// Package pdftext reads a rendered PDF back as text for tests, with pdftotext (poppler-utils).
package pdftext

import (
	"os"
	"os/exec"
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
	f.Close()
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
