package casefile_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/image/tiff"

	"fuyi/cases/casefile"
	"fuyi/internal/apperr"
	"fuyi/internal/auth"
	"fuyi/internal/date"
	"fuyi/internal/pdf"
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

var tocRowRe = regexp.MustCompile(`(?m)^\s*(\d+)\s+(\S+)\s.*?\s(\d+)(?:–(\d+))?\s*$`)

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
	sc := scanFixtures(t)
	for _, u := range []struct {
		name    string
		content []byte
		fields  []string
	}{
		{"申请书.pdf", scan, []string{"category", "application", "title", "行政复议申请书"}},
		{"合同.jpg", photo, []string{"category", "evidence", "party", "applicant", "title", "买卖合同", "purpose", "证明交易"}},
		{"委员会.pdf", internal, []string{"category", "committee_opinion", "title", "委员会讨论记录"}},
		{"身份证.jpg", sc.jpeg, []string{"category", "identity", "title", "申请人身份证扫描件"}},
		{"处罚决定.png", sc.png, []string{"category", "contested_act", "title", "行政处罚决定书照片"}},
		{"收据.tif", sc.tiff, []string{"category", "evidence", "party", "applicant", "title", "缴款收据"}},
		{"答复书.pdf", sc.pdf, []string{"category", "reply", "title", "被申请人答复书"}},
		{"电子证照.ofd", ofdFile(t, "OFD.xml"), []string{"category", "other", "title", "电子营业执照"}},
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
	if r := a.Do("POST", base+"/archive", a.Login("chief1"), map[string]any{"retention": "30y"}); r.Status != 409 || r.ErrorCode(t) != "archive.not_served" {
		t.Fatalf("archive before service: %d %s", r.Status, r.Body)
	}
	if r := a.Post("officer1", id, "decision/service", map[string]any{"served_on": "2025-11-21"}); r.Status != 200 {
		t.Fatalf("service: %d %s", r.Status, r.Body)
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
		// a scanned file: its sheet, then one page per page of the original, captioned
		if want, ok := sc.pages[title]; ok {
			last, _ := strconv.Atoi(m[4])
			if last-n != want {
				t.Fatalf("目录 row %q: pages %d–%d, want the sheet and %d scanned pages", m[0], n, last, want)
			}
			for k := 1; k <= want; k++ {
				if got := pageText(t, main.Body, n+k); !strings.Contains(got, fmt.Sprintf("卷内材料：%s（原件第%d页，共%d页）", title, k, want)) {
					t.Fatalf("page %d is not page %d of %q:\n%s", n+k, k, title, got)
				}
			}
		}
	}
	if titles["履行情况"] {
		t.Fatal("a 维持 decision has no 履行 to record, yet the 目录 lists 履行情况")
	}
	for _, want := range []string{"行政复议受理通知书", "提出答复通知书", "行政复议申请书", "买卖合同", "申请人身份证扫描件", "行政处罚决定书照片",
		"缴款收据", "被申请人答复书", "电子营业执照"} {
		if !titles[want] {
			t.Fatalf("目录 lacks %q (rows %q):\n%s", want, rows, toc)
		}
	}
	// the pictures are drawn (pdfimages: one image per scanned page), the broken and the OFD files say why not
	if n := countImages(t, main.Body); n != 5 {
		t.Fatalf("正卷 holds %d images, want 5 (jpeg, png, tiff, two pdf pages)", n)
	}
	whole0 := ""
	for p := 3; p <= ar.MainPages; p++ {
		whole0 += pageText(t, main.Body, p)
	}
	for _, want := range []string{"JPEG图像无法解码", "PDF无法读取", "本系统尚不能绘制OFD版式文件", "由PDF逐页转为150dpi图像"} {
		if !strings.Contains(squashText(whole0), want) {
			t.Fatalf("正卷 lacks the note %q", want)
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

type scans struct {
	jpeg, png, tiff, pdf []byte
	pages                map[string]int // by title: pages of the original drawn into the 卷宗
}

// scanFixtures makes real scans: a colour JPEG, a gray PNG, a bilevel TIFF and a two-page PDF.
func scanFixtures(t *testing.T) scans {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 320, 200))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	var j, p, f bytes.Buffer
	if err := jpeg.Encode(&j, img, nil); err != nil {
		t.Fatal(err)
	}
	g := image.NewGray(image.Rect(0, 0, 300, 420))
	for i := range g.Pix {
		g.Pix[i] = byte(i % 251)
	}
	if err := png.Encode(&p, g); err != nil {
		t.Fatal(err)
	}
	bw := image.NewGray(image.Rect(0, 0, 200, 280))
	for i := range bw.Pix {
		if i%3 == 0 {
			bw.Pix[i] = 255
		}
	}
	if err := tiff.Encode(&f, bw, &tiff.Options{Compression: tiff.Deflate}); err != nil {
		t.Fatal(err)
	}
	doc, err := pdf.Render(pdf.Document{Title: "答复书", Blocks: []pdf.Block{{Kind: pdf.Title, Text: "行政复议答复书"}, {Kind: pdf.Para, Text: "第一页"},
		{Kind: pdf.PageBreak}, {Kind: pdf.Para, Text: "第二页"}}})
	if err != nil {
		t.Fatal(err)
	}
	return scans{jpeg: j.Bytes(), png: p.Bytes(), tiff: f.Bytes(), pdf: doc,
		pages: map[string]int{"申请人身份证扫描件": 1, "行政处罚决定书照片": 1, "缴款收据": 1, "被申请人答复书": 2}}
}

// countImages counts the images of a PDF with pdfimages -list.
func countImages(t *testing.T, b []byte) int {
	t.Helper()
	f := t.TempDir() + "/v.pdf"
	if err := os.WriteFile(f, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdfimages", "-list", f).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfimages: %v %s", err, out)
	}
	return len(strings.Split(strings.TrimSpace(string(out)), "\n")) - 2
}

func squashText(s string) string {
	return strings.Join(strings.Fields(s), "")
}

// Archiving waits for 履行 (复议法第77条): a 撤销 decision served but not performed cannot be archived (the
// archived case is read-only, so the 履行 could never be recorded); once the respondent's 履行 is recorded
// the 正卷 holds a 履行情况 part, listed in the 目录 on the page where it begins, with the served and
// performed dates.
func TestArchiveWaitsForPerformance(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-12-10"))
	id := a.AcceptedCase(t, "ordinary")
	base := fmt.Sprintf("/api/v1/cases/%d", id)
	if r := a.Propose("officer1", id, "revoke", map[string]any{"articles": []string{"第六十四条第一款第一项"},
		"sections": map[string]string{"facts": "经审理查明……", "reasoning": "本机关认为……", "ruling": "撤销被申请人作出的行政处罚决定。"}}); r.Status != 200 {
		t.Fatalf("propose: %d %s", r.Status, r.Body)
	}
	if r := a.Post("chief1", id, "decision/approval", map[string]any{"approve": true}); r.Status != 200 {
		t.Fatalf("approve: %d %s", r.Status, r.Body)
	}
	if r := a.Post("officer1", id, "decision/service", map[string]any{"served_on": "2025-11-21"}); r.Status != 200 {
		t.Fatalf("service: %d %s", r.Status, r.Body)
	}
	r := a.Do("POST", base+"/archive", a.Login("chief1"), map[string]any{"retention": "30y"})
	if r.Status != 409 || r.ErrorCode(t) != "archive.not_performed" || !strings.Contains(string(r.Body), "第77条") {
		t.Fatalf("archive before 履行: %d %s", r.Status, r.Body)
	}
	if r := a.Post("officer1", id, "performance", map[string]any{"performed_on": "2025-12-05", "note": "已退还罚款"}); r.Status != 200 {
		t.Fatalf("performance: %d %s", r.Status, r.Body)
	}
	r = a.Do("POST", base+"/archive", a.Login("chief1"), map[string]any{"retention": "30y"})
	if r.Status != 201 {
		t.Fatalf("archive after 履行: %d %s", r.Status, r.Body)
	}
	var ar struct {
		MainPages int `json:"main_pages"`
	}
	r.JSON(t, &ar)
	main := a.Do("GET", base+"/archive.pdf", a.Login("chief1"), nil)
	page := 0
	for _, m := range tocRowRe.FindAllStringSubmatch(pageText(t, main.Body, 2), -1) {
		if m[2] == "履行情况" {
			page, _ = strconv.Atoi(m[3])
		}
	}
	if page < 3 || page > ar.MainPages {
		t.Fatalf("目录 has no 履行情况 row:\n%s", pageText(t, main.Body, 2))
	}
	got := squashText(pageText(t, main.Body, page))
	for _, want := range []string{"履行情况", "撤销或者部分撤销", "2025-11-21", "2025-12-05", "已退还罚款"} {
		if !strings.Contains(got, want) {
			t.Fatalf("履行情况 page %d lacks %q:\n%s", page, want, got)
		}
	}
}

// A case terminated by decision (复议法第41条) is archived only after its 终止决定书 is served.
func TestArchiveTerminatedWaitsForService(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-12-10"))
	id := a.AcceptedCase(t, "ordinary")
	base := fmt.Sprintf("/api/v1/cases/%d", id)
	if r := a.Propose("officer1", id, "terminate", map[string]any{"ground": "41-2", "articles": []string{"第四十一条第二项"},
		"sections": map[string]string{"ruling": "终止本案的审理。"}}); r.Status != 200 {
		t.Fatalf("propose: %d %s", r.Status, r.Body)
	}
	if r := a.Post("chief1", id, "decision/approval", map[string]any{"approve": true}); r.Status != 200 {
		t.Fatalf("approve: %d %s", r.Status, r.Body)
	}
	if st := a.Case(t, "chief1", id).Status; st != "terminated" {
		t.Fatalf("status %s", st)
	}
	if r := a.Do("POST", base+"/archive", a.Login("chief1"), map[string]any{"retention": "10y"}); r.Status != 409 || r.ErrorCode(t) != "archive.not_served" {
		t.Fatalf("archive before service: %d %s", r.Status, r.Body)
	}
	if r := a.Post("officer1", id, "decision/service", map[string]any{"served_on": "2025-12-01"}); r.Status != 200 {
		t.Fatalf("service: %d %s", r.Status, r.Body)
	}
	if r := a.Do("POST", base+"/archive", a.Login("chief1"), map[string]any{"retention": "10y"}); r.Status != 201 {
		t.Fatalf("archive after service: %d %s", r.Status, r.Body)
	}
}

// Archiving that outruns its deadline (many scans, FUYI_EXPORT_TIMEOUT) stores nothing and says so in
// Chinese (503 archive.timeout), not as an internal error; the case can be archived afterwards.
func TestArchiveTimeoutStoresNothing(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-12-10"))
	id := a.AcceptedCase(t, "ordinary")
	a.Propose("officer1", id, "maintain", nil)
	a.Post("chief1", id, "decision/approval", map[string]any{"approve": true})
	a.Post("officer1", id, "decision/service", map[string]any{"served_on": "2025-12-01"})
	var chief auth.User
	if err := a.DB.Get(&chief, `SELECT id, username, name, role, organ_id FROM users WHERE username = 'chief1'`); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	time.Sleep(2 * time.Millisecond)
	_, err := casefile.NewService(a.DB, 0).Archive(ctx, &chief, id, "30y")
	if e, ok := apperr.As(err); !ok || e.Code != "archive.timeout" || !strings.Contains(e.Message, "未保存任何内容") {
		t.Fatalf("archive past its deadline: %v", err)
	}
	var n int
	if err := a.DB.Get(&n, `SELECT count(*) FROM case_archives WHERE case_id = $1`, id); err != nil || n != 0 {
		t.Fatalf("%d archives stored (%v)", n, err)
	}
	if r := a.Do("POST", fmt.Sprintf("/api/v1/cases/%d/archive", id), a.Login("chief1"), map[string]any{"retention": "30y"}); r.Status != 201 {
		t.Fatalf("archive afterwards: %d %s", r.Status, r.Body)
	}
}
