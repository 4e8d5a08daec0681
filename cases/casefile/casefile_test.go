package casefile_test

import (
	"archive/zip"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime/multipart"
	"strings"
	"testing"

	"fuyi/cases/casefile"
	"fuyi/internal/date"
	"fuyi/internal/testapp"
)

// form builds a multipart upload body: fields in the given order, then the file (or the file first).
func form(t testing.TB, name string, content []byte, fileFirst bool, fields ...string) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	writeFields := func() {
		for i := 0; i+1 < len(fields); i += 2 {
			if err := w.WriteField(fields[i], fields[i+1]); err != nil {
				t.Fatal(err)
			}
		}
	}
	if !fileFirst {
		writeFields()
	}
	fw, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(content); err != nil {
		t.Fatal(err)
	}
	if fileFirst {
		writeFields()
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), w.FormDataContentType()
}

func upload(a *testapp.App, user, path, name string, content []byte, fields ...string) *testapp.Response {
	a.T.Helper()
	body, ct := form(a.T, name, content, false, fields...)
	return a.Do("POST", path, a.Login(user), body, "Content-Type", ct)
}

func randomBytes(t testing.TB, prefix []byte, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	copy(b, prefix)
	return b
}

func ofdFile(t testing.TB, entry string) []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for _, name := range []string{"Doc_0/Document.xml", entry} {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(w, "<ofd:OFD xmlns:ofd=\"http://www.ofdspec.org/2016\">%s</ofd:OFD>", name)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type fileAnswer struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Title       string `json:"title"`
	Category    string `json:"category"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	ContentType string `json:"content_type"`
	UploadedBy  string `json:"uploaded_by"`
	UploadedAt  string `json:"uploaded_at"`
	WithdrawnAt string `json:"withdrawn_at"`
	Reason      string `json:"withdraw_reason"`
	URL         string `json:"url"`
}

func countRows(a *testapp.App) (files, chunks int) {
	a.T.Helper()
	if err := a.DB.Get(&files, `SELECT count(*) FROM case_files`); err != nil {
		a.T.Fatal(err)
	}
	if err := a.DB.Get(&chunks, `SELECT count(*) FROM file_chunks`); err != nil {
		a.T.Fatal(err)
	}
	return
}

// Upload → download is byte-identical for every accepted type, the SHA-256 is recorded and served, the
// type comes from the content (not the name), and a file bigger than one stored chunk comes back whole.
func TestUploadDownloadByteIdentical(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-10-10"))
	id := a.Register("window1", "2025-09-26")
	base := fmt.Sprintf("/api/v1/cases/%d/files", id)
	for _, tc := range []struct {
		name, typ string
		content   []byte
	}{
		{"申请书扫描件.pdf", casefile.TypePDF, randomBytes(t, []byte("%PDF-1.7\n"), casefile.ChunkSize+12345)},
		{"身份证.jpg", casefile.TypeJPEG, randomBytes(t, []byte{0xFF, 0xD8, 0xFF, 0xE0}, 70000)},
		{"scan.png", casefile.TypePNG, randomBytes(t, []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, 5000)},
		{"传真.tif", casefile.TypeTIFF, randomBytes(t, []byte{'I', 'I', 42, 0}, 3000)},
		{"决定书.ofd", casefile.TypeOFD, ofdFile(t, "OFD.xml")},
		{"named-wrong.txt", casefile.TypePDF, randomBytes(t, []byte("%PDF-1.4\n"), 100)},
	} {
		r := upload(a, "window1", base, tc.name, tc.content, "category", "application", "title", "申请材料 "+tc.name)
		if r.Status != 201 {
			t.Fatalf("%s: %d %s", tc.name, r.Status, r.Body)
		}
		var f fileAnswer
		r.JSON(t, &f)
		sum := sha256.Sum256(tc.content)
		if f.SHA256 != hex.EncodeToString(sum[:]) || f.Size != int64(len(tc.content)) || f.ContentType != tc.typ || f.Name != tc.name ||
			f.Category != "application" || f.UploadedBy == "" || f.UploadedAt == "" {
			t.Fatalf("%s: answer %+v", tc.name, f)
		}
		d := a.Do("GET", f.URL, a.Login("window1"), nil)
		if d.Status != 200 || !bytes.Equal(d.Body, tc.content) {
			t.Fatalf("%s: download %d, %d bytes, identical %v", tc.name, d.Status, len(d.Body), bytes.Equal(d.Body, tc.content))
		}
		if d.Header.Get("Content-Type") != tc.typ || d.Header.Get("X-Content-SHA256") != f.SHA256 ||
			!strings.HasPrefix(d.Header.Get("Content-Disposition"), "inline") {
			t.Fatalf("%s: headers %v", tc.name, d.Header)
		}
		if dl := a.Do("GET", f.URL+"?download=1", a.Login("window1"), nil); !strings.HasPrefix(dl.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("%s: download disposition %q", tc.name, dl.Header.Get("Content-Disposition"))
		}
	}
	// the fields may also follow the file in the form
	pdf := randomBytes(t, []byte("%PDF-1.7\n"), 999)
	b, ct := form(t, "后置字段.pdf", pdf, true, "category", "evidence", "title", "证据一")
	if r := a.Do("POST", base, a.Login("window1"), b, "Content-Type", ct); r.Status != 201 {
		t.Fatalf("fields after the file: %d %s", r.Status, r.Body)
	}
	var list struct {
		Items []fileAnswer `json:"items"`
		Total int          `json:"total"`
	}
	a.Do("GET", base, a.Login("chief1"), nil).JSON(t, &list)
	if list.Total != 7 || list.Items[6].Title != "证据一" || list.Items[6].Category != "evidence" {
		t.Fatalf("list: %+v", list)
	}
	// the stored bytes hash to the recorded SHA-256 (checked in the database itself)
	var bad int
	if err := a.DB.Get(&bad, `SELECT count(*) FROM case_files f WHERE sha256(
		(SELECT string_agg(data, ''::bytea ORDER BY seq) FROM file_chunks c WHERE c.file_id = f.id)) <> f.sha256`); err != nil || bad != 0 {
		t.Fatalf("%d files whose bytes do not hash to their SHA-256 (%v)", bad, err)
	}
	// another 司法所's window sees neither the list nor a file
	if r := a.Do("GET", base, a.Login("window2"), nil); r.Status != 404 {
		t.Fatalf("window2 list: %d", r.Status)
	}
	if r := a.Do("GET", list.Items[0].URL, a.Login("window2"), nil); r.Status != 404 {
		t.Fatalf("window2 file: %d", r.Status)
	}
	// every reading is in the 阅卷 log
	var reads int
	if err := a.DB.Get(&reads, `SELECT count(*) FROM file_reads`); err != nil || reads != 12 {
		t.Fatalf("%d readings logged, want 12 (%v)", reads, err)
	}
}

// A file of another type is refused with a Chinese message naming the field, and nothing is stored.
func TestWrongTypeRefused(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-10-10"))
	id := a.Register("window1", "2025-09-26")
	base := fmt.Sprintf("/api/v1/cases/%d/files", id)
	for _, tc := range []struct {
		name    string
		content []byte
	}{
		{"申请书.docx", ofdFile(t, "word/document.xml")}, // a ZIP, but no OFD.xml: a Word file
		{"说明.txt", []byte("这是一段文字，不是扫描件。")},
		{"setup.pdf", append([]byte("MZ\x90\x00"), make([]byte, 4000)...)}, // a program named .pdf
		{"图.gif", []byte("GIF89a\x01\x00\x01\x00")},
	} {
		r := upload(a, "window1", base, tc.name, tc.content, "category", "application", "title", "材料")
		if r.Status != 422 || r.ErrorCode(t) != "file.type" || !strings.Contains(r.Fields(t)["file"], "只接受 PDF、JPEG、PNG、TIFF 和 OFD") {
			t.Fatalf("%s: %d %s", tc.name, r.Status, r.Body)
		}
	}
	if r := upload(a, "window1", base, "空.pdf", nil, "category", "application"); r.Status != 422 || r.ErrorCode(t) != "file.empty" {
		t.Fatalf("empty: %d %s", r.Status, r.Body)
	}
	if r := upload(a, "window1", base, "a.pdf", []byte("%PDF-1.4 x"), "category", "photos"); r.Status != 422 || r.Fields(t)["category"] == "" {
		t.Fatalf("unknown category: %d %s", r.Status, r.Body)
	}
	if r := a.Do("POST", base, a.Login("window1"), `{"file":"x"}`); r.Status != 400 || r.ErrorCode(t) != "file.not_multipart" {
		t.Fatalf("JSON body: %d %s", r.Status, r.Body)
	}
	if files, chunks := countRows(a); files != 0 || chunks != 0 {
		t.Fatalf("refused uploads left %d records and %d chunks", files, chunks)
	}
}

// A file over FUYI_UPLOAD_LIMIT is refused (413) with the limit in the message, and nothing is stored.
func TestOversizedRefused(t *testing.T) {
	t.Setenv("FUYI_UPLOAD_LIMIT", "64KB")
	a := testapp.New(t, date.MustParse("2025-10-10"))
	id := a.Register("window1", "2025-09-26")
	base := fmt.Sprintf("/api/v1/cases/%d/files", id)
	r := upload(a, "window1", base, "大文件.pdf", randomBytes(t, []byte("%PDF-1.7\n"), 64<<10+1), "category", "evidence", "title", "证据")
	if r.Status != 413 || r.ErrorCode(t) != "file.too_large" || !strings.Contains(r.Fields(t)["file"], "文件超过上传上限（64 KB）") {
		t.Fatalf("oversized: %d %s", r.Status, r.Body)
	}
	if files, chunks := countRows(a); files != 0 || chunks != 0 {
		t.Fatalf("a refused upload left %d records and %d chunks", files, chunks)
	}
	if r := upload(a, "window1", base, "刚好.pdf", randomBytes(t, []byte("%PDF-1.7\n"), 64<<10), "category", "evidence"); r.Status != 201 {
		t.Fatalf("at the limit: %d %s", r.Status, r.Body)
	}
}

// Withdrawal needs a reason and the uploader or the chief; the file stays (listed as withdrawn, bytes
// readable), the audit trail has the reason, and the database refuses to delete a file.
func TestWithdrawKeepsTheFile(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-10-10"))
	id := a.AcceptedCase(t, "ordinary")
	base := fmt.Sprintf("/api/v1/cases/%d/files", id)
	content := randomBytes(t, []byte("%PDF-1.7\n"), 2000)
	r := upload(a, "officer1", base, "答复书.pdf", content, "category", "reply", "title", "答复书")
	if r.Status != 201 {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	var f fileAnswer
	r.JSON(t, &f)
	w := f.URL + "/withdrawal"
	if r := a.Do("POST", w, a.Login("officer2"), map[string]any{"reason": "重复上传"}); r.Status != 403 {
		t.Fatalf("another officer: %d %s", r.Status, r.Body)
	}
	if r := a.Do("POST", w, a.Login("officer1"), map[string]any{"reason": " "}); r.Status != 422 || r.Fields(t)["reason"] == "" {
		t.Fatalf("no reason: %d %s", r.Status, r.Body)
	}
	if r := a.Do("POST", w, a.Login("officer1"), map[string]any{"reason": "重复上传"}); r.Status != 200 {
		t.Fatalf("withdraw: %d %s", r.Status, r.Body)
	}
	if r := a.Do("POST", w, a.Login("chief1"), map[string]any{"reason": "再撤回"}); r.Status != 409 {
		t.Fatalf("withdraw twice: %d %s", r.Status, r.Body)
	}
	var list struct {
		Items []fileAnswer `json:"items"`
	}
	a.Do("GET", base, a.Login("officer1"), nil).JSON(t, &list)
	if len(list.Items) != 1 || list.Items[0].WithdrawnAt == "" || list.Items[0].Reason != "重复上传" {
		t.Fatalf("list after withdrawal: %+v", list.Items)
	}
	if d := a.Do("GET", f.URL, a.Login("chief1"), nil); d.Status != 200 || !bytes.Equal(d.Body, content) {
		t.Fatalf("bytes of a withdrawn file: %d", d.Status)
	}
	v := a.Case(t, "chief1", id)
	found := false
	for _, e := range v.Events {
		found = found || e.Action == "file.withdrawn" && strings.Contains(e.Summary, "重复上传")
	}
	if !found {
		t.Fatal("no file.withdrawn event with the reason")
	}
	if _, err := a.DB.Exec(`DELETE FROM case_files`); err == nil || !strings.Contains(err.Error(), "never deleted") {
		t.Fatalf("delete of a file: %v", err)
	}
	if _, err := a.DB.Exec(`DELETE FROM file_chunks`); err == nil {
		t.Fatal("delete of the bytes allowed")
	}
}

// A record without all its bytes cannot commit.
func TestRecordNeedsItsBytes(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-10-10"))
	id := a.Register("window1", "2025-09-26")
	_, err := a.DB.Exec(`INSERT INTO case_files (case_id, category, title, name, content_type, size, sha256, uploaded_by)
		VALUES ($1, 'other', 't', 'n.pdf', 'application/pdf', 10, decode(repeat('00', 32), 'hex'), $2)`, id, a.UserID("window1"))
	if err == nil || !strings.Contains(err.Error(), "bytes stored") {
		t.Fatalf("a record without bytes committed: %v", err)
	}
}

// Files of a lawsuit (法院文书) go through the same routes under /lawsuits.
func TestLawsuitFiles(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-10-10"))
	l := a.RegisterLawsuit(t, testapp.Lawsuit("（2025）苏0113行初7号", "first", 1, true, "2025-10-01"))
	base := fmt.Sprintf("/api/v1/lawsuits/%d/files", l.ID)
	content := randomBytes(t, []byte("%PDF-1.7\n"), 3000)
	r := upload(a, "bureau1", base, "起诉状副本.pdf", content, "category", "court_document", "title", "起诉状副本")
	if r.Status != 201 {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	var f fileAnswer
	r.JSON(t, &f)
	if d := a.Do("GET", f.URL, a.Login("bureau1"), nil); d.Status != 200 || !bytes.Equal(d.Body, content) {
		t.Fatalf("download: %d", d.Status)
	}
	if r := a.Do("GET", base, a.Login("officer1"), nil); r.Status != 404 {
		t.Fatalf("an officer who does not handle the lawsuit: %d", r.Status)
	}
}
