package casefile_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"fuyi/internal/date"
	"fuyi/internal/testapp"
)

// pageText extracts one page of a PDF with pdftotext (-layout keeps a table row on one line).
func pageText(t *testing.T, b []byte, page int) string {
	t.Helper()
	cmd := exec.Command("pdftotext", "-layout", "-f", strconv.Itoa(page), "-l", strconv.Itoa(page), "-", "-")
	cmd.Stdin = bytes.NewReader(b)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext page %d: %v", page, err)
	}
	return string(out)
}

var tocRowRe = regexp.MustCompile(`(?m)^\s*(\d+)\s+(\S+)\s.*?\s(\d+)(?:–\d+)?\s*$`)

// The 卷宗 of a concluded case: the chief archives it; the 正卷's cover names the case, its 卷内目录's page
// numbers are the pages where each document and file begins (checked page by page with pdftotext), the
// internal materials (committee opinion, decision drafts and approval) are in the 副卷 only; the ZIP holds
// every original file byte for byte with a manifest of SHA-256; the archived case is read-only (service and
// database) and a later file is a 补充归档.
func TestArchiveVolumes(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-11-25"))
	id := a.AcceptedCase(t, "ordinary")
	base := fmt.Sprintf("/api/v1/cases/%d", id)
	scan := randomBytes(t, []byte("%PDF-1.7\n"), 3000)
	photo := randomBytes(t, []byte{0xFF, 0xD8, 0xFF, 0xE0}, 2000)
	internal := randomBytes(t, []byte("%PDF-1.7\n"), 1000)
	for _, u := range []struct {
		name    string
		content []byte
		fields  []string
	}{
		{"申请书.pdf", scan, []string{"category", "application", "title", "行政复议申请书"}},
		{"合同.jpg", photo, []string{"category", "evidence", "party", "applicant", "title", "买卖合同", "purpose", "证明交易"}},
		{"委员会.pdf", internal, []string{"category", "committee_opinion", "title", "委员会讨论记录"}},
	} {
		if r := upload(a, "officer1", base+"/files", u.name, u.content, u.fields...); r.Status != 201 {
			t.Fatalf("upload %s: %d %s", u.name, r.Status, r.Body)
		}
	}
	if r := a.Post("officer1", id, "committee-opinion", map[string]any{"on": "2025-11-12", "opinion": "建议维持原行政行为"}); r.Status != 200 {
		t.Fatalf("committee opinion: %d %s", r.Status, r.Body)
	}
	if r := a.Do("POST", base+"/archive", a.Login("chief1"), map[string]any{"retention": "30y"}); r.Status != 409 {
		t.Fatalf("archive before conclusion: %d %s", r.Status, r.Body)
	}
	if r := a.Propose("officer1", id, "maintain", nil); r.Status != 200 {
		t.Fatalf("propose: %d %s", r.Status, r.Body)
	}
	if r := a.Post("chief1", id, "decision/approval", map[string]any{"approve": true}); r.Status != 200 {
		t.Fatalf("approve: %d %s", r.Status, r.Body)
	}
	if r := a.Do("POST", base+"/archive", a.Login("officer1"), map[string]any{"retention": "30y"}); r.Status != 403 {
		t.Fatalf("archive by an officer: %d", r.Status)
	}
	if r := a.Do("POST", base+"/archive", a.Login("chief1"), map[string]any{"retention": "forever"}); r.Status != 422 {
		t.Fatalf("unknown retention: %d", r.Status)
	}
	r := a.Do("POST", base+"/archive", a.Login("chief1"), map[string]any{"retention": "30y"})
	if r.Status != 201 {
		t.Fatalf("archive: %d %s", r.Status, r.Body)
	}
	var ar struct {
		MainPages  int    `json:"main_pages"`
		SubPages   int    `json:"sub_pages"`
		MainSHA256 string `json:"main_sha256"`
	}
	r.JSON(t, &ar)
	main := a.Do("GET", base+"/archive.pdf", a.Login("officer2"), nil)
	if main.Status != 200 || main.Header.Get("X-Content-SHA256") != ar.MainSHA256 {
		t.Fatalf("正卷: %d", main.Status)
	}
	if sum := sha256.Sum256(main.Body); hex.EncodeToString(sum[:]) != ar.MainSHA256 {
		t.Fatal("正卷 bytes do not hash to the recorded SHA-256")
	}
	cover := pageText(t, main.Body, 1)
	for _, want := range []string{"行政复议案件卷宗", "正卷", "栖政复〔2025〕1号", "张三", "定期30年"} {
		if !strings.Contains(cover, want) {
			t.Fatalf("cover lacks %q:\n%s", want, cover)
		}
	}
	toc := pageText(t, main.Body, 2)
	rows := tocRowRe.FindAllStringSubmatch(toc, -1)
	titles := map[string]bool{}
	for _, m := range rows {
		title, page := m[2], m[3]
		n, _ := strconv.Atoi(page)
		if n < 3 || n > ar.MainPages {
			t.Fatalf("目录 row %q: page %d outside 3..%d", m[0], n, ar.MainPages)
		}
		if got := pageText(t, main.Body, n); !strings.Contains(got, title) {
			t.Fatalf("目录 says %q begins on page %d, which reads:\n%s", title, n, got)
		}
		titles[title] = true
	}
	for _, want := range []string{"行政复议受理通知书", "提出答复通知书", "行政复议申请书", "买卖合同"} {
		if !titles[want] {
			t.Fatalf("目录 lacks %q (rows %q):\n%s", want, rows, toc)
		}
	}
	if !strings.Contains(pageText(t, main.Body, ar.MainPages), "备考表") {
		t.Fatal("the last page of the 正卷 is not the 备考表")
	}
	whole := ""
	for p := 1; p <= ar.MainPages; p++ {
		whole += pageText(t, main.Body, p)
	}
	if strings.Contains(whole, "委员会讨论记录") || strings.Contains(whole, "建议维持原行政行为") || strings.Contains(whole, "审批稿") {
		t.Fatal("internal materials in the 正卷")
	}
	sub := a.Do("GET", base+"/archive.pdf?volume=sub", a.Login("chief1"), nil)
	subText := ""
	for p := 1; p <= ar.SubPages; p++ {
		subText += pageText(t, sub.Body, p)
	}
	for _, want := range []string{"副卷", "委员会讨论记录", "建议维持原行政行为", "决定书审批稿"} {
		if !strings.Contains(subText, want) {
			t.Fatalf("副卷 lacks %q", want)
		}
	}

	// the ZIP: originals byte for byte, manifest hashes
	z := a.Do("GET", base+"/archive.zip", a.Login("chief1"), nil)
	zr, err := zip.NewReader(bytes.NewReader(z.Body), int64(len(z.Body)))
	if z.Status != 200 || err != nil {
		t.Fatalf("zip: %d %v", z.Status, err)
	}
	got := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		_ = rc.Close()
		got[f.Name] = b
	}
	var man struct {
		Entries []struct {
			Path, Kind, SHA256 string
			Size               int64
		} `json:"entries"`
	}
	if err := json.Unmarshal(got["manifest.json"], &man); err != nil {
		t.Fatal(err)
	}
	originals := 0
	for _, e := range man.Entries {
		sum := sha256.Sum256(got[e.Path])
		if hex.EncodeToString(sum[:]) != e.SHA256 || int64(len(got[e.Path])) != e.Size {
			t.Fatalf("%s: bytes do not match the manifest", e.Path)
		}
		for _, o := range [][]byte{scan, photo, internal} {
			if bytes.Equal(got[e.Path], o) {
				originals++
			}
		}
	}
	if originals != 3 || len(man.Entries) < 7 {
		t.Fatalf("zip: %d originals, %d entries", originals, len(man.Entries))
	}

	// read-only: a correction answers 409, the database refuses a change, a later file is a 补充归档
	if r := a.Do("PATCH", base, a.Login("chief1"), map[string]any{"facts": "改", "reason": "更正"}); r.Status != 409 || r.ErrorCode(t) != "case.archived" {
		t.Fatalf("correction of an archived case: %d %s", r.Status, r.Body)
	}
	if _, err := a.DB.Exec(`UPDATE cases SET facts = 'x' WHERE id = $1`, id); err == nil || !strings.Contains(err.Error(), "archived") {
		t.Fatalf("database update of an archived case: %v", err)
	}
	if r := a.Do("POST", base+"/archive", a.Login("chief1"), map[string]any{"retention": "30y"}); r.Status != 409 {
		t.Fatalf("archive twice: %d", r.Status)
	}
	late := randomBytes(t, []byte("%PDF-1.7\n"), 500)
	if r := upload(a, "chief1", base+"/files", "回证.pdf", late, "category", "service_receipt", "title", "决定书送达回证"); r.Status != 422 || r.Fields(t)["supplement_reason"] == "" {
		t.Fatalf("late file without reason: %d %s", r.Status, r.Body)
	}
	if r := upload(a, "chief1", base+"/files", "回证.pdf", late, "category", "service_receipt", "title", "决定书送达回证",
		"supplement_reason", "送达回证归档后寄回"); r.Status != 201 {
		t.Fatalf("补充归档: %d %s", r.Status, r.Body)
	}
	var n int
	if err := a.DB.Get(&n, `SELECT count(*) FROM archive_supplements WHERE case_id = $1`, id); err != nil || n != 1 {
		t.Fatalf("%d supplements (%v)", n, err)
	}
	if _, err := a.DB.Exec(`INSERT INTO case_files (case_id, category, title, name, content_type, size, sha256, uploaded_by)
		SELECT case_id, category, title, name, content_type, 0, sha256, uploaded_by FROM case_files WHERE case_id = $1 LIMIT 1`, id); err == nil {
		t.Fatal("a file added to an archived case without a 补充归档 record committed")
	}
}
