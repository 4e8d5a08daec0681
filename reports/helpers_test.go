package reports_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"unicode"
)

func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	f, _ := os.CreateTemp(t.TempDir(), "*.pdf")
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
