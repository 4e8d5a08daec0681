package cases_test

import (
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// pdfText extracts a PDF's text with pdftotext and removes all whitespace.
func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "*.pdf")
	if err != nil {
		t.Fatal(err)
	}
	f.Write(b)
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

func nil2() url.Values { return url.Values{} }
