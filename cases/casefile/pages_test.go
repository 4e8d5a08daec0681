package casefile_test

import (
	"bytes"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"fuyi/internal/date"
	"fuyi/internal/testapp"
)

// pageUpload posts the upload form of the case page as a browser does: multipart, the CSRF token in the
// form's action (query string).
func pageUpload(t *testing.T, b *testapp.Browser, action, name string, content []byte, fields ...string) *testapp.Response {
	t.Helper()
	body, ct := form(t, name, content, false, fields...)
	return b.Send("POST", action+"?_csrf="+url.QueryEscape(b.CSRF), bytes.NewReader(body), ct)
}

func page(r *testapp.Response) string { return html.UnescapeString(string(r.Body)) }

// The case page's file section: the window uploads at intake (the form is on the receipt), a refused upload
// shows its message next to the field with the typed fields kept, evidence goes into the evidence
// catalogue with its party and purpose, a file is viewed in the browser with its exact bytes, and a
// withdrawal needs a reason and the word 撤回 typed as confirmation.
func TestCasePageFiles(t *testing.T) {
	t.Setenv("FUYI_UPLOAD_LIMIT", "64KB")
	a := testapp.New(t, date.MustParse("2025-10-10"))
	id := a.Register("window1", "2025-09-26")
	b := a.NewBrowserAs("window1")
	action := fmt.Sprintf("/cases/%d/files", id)
	if r := b.Get(fmt.Sprintf("/cases/%d/receipt", id)); r.Status != 200 || !strings.Contains(page(r), `action="`+action+`?_csrf=`) {
		t.Fatalf("receipt page without the upload form: %d", r.Status)
	}
	scan := randomBytes(t, []byte("%PDF-1.7\n"), 5000)
	if r := pageUpload(t, b, action, "scan.pdf", scan, "category", "application", "title", "行政复议申请书"); r.Status != 303 {
		t.Fatalf("upload at the window: %d %s", r.Status, r.Body)
	}
	// without the token in the action the upload is refused
	body, ct := form(t, "x.pdf", scan, false, "category", "application")
	if r := b.Send("POST", action, bytes.NewReader(body), ct); r.Status != 403 {
		t.Fatalf("upload without CSRF token: %d", r.Status)
	}
	// an empty file: message beside the field, the typed fields kept
	r := pageUpload(t, b, action, "合同.pdf", nil, "category", "evidence", "party", "applicant", "title", "买卖合同复印件", "purpose", "证明双方存在买卖关系")
	p := page(r)
	if r.Status != 422 || !strings.Contains(p, "上传的文件是空的") || !regexp.MustCompile(`<option value="applicant"\s+selected>`).MatchString(p) || !strings.Contains(p, `value="买卖合同复印件"`) ||
		!strings.Contains(p, `value="证明双方存在买卖关系"`) || !regexp.MustCompile(`<option value="evidence"\s+selected>`).MatchString(p) {
		t.Fatalf("empty file: %d\n%s", r.Status, p)
	}
	// a Word file: refused with the type message, title kept
	r = pageUpload(t, b, action, "申请书.docx", ofdFile(t, "word/document.xml"), "category", "application", "title", "申请书Word版")
	if p := page(r); r.Status != 422 || !strings.Contains(p, "只接受 PDF、JPEG、PNG、TIFF 和 OFD") || !strings.Contains(p, `value="申请书Word版"`) {
		t.Fatalf("wrong type: %d", r.Status)
	}
	// over the limit: 413 with the message on the page
	r = pageUpload(t, b, action, "大.pdf", randomBytes(t, []byte("%PDF-1.7\n"), 64<<10+1), "category", "evidence", "party", "applicant", "title", "大证据")
	if p := page(r); r.Status != 413 || !strings.Contains(p, "文件超过上传上限（64 KB）") || !strings.Contains(p, `value="大证据"`) {
		t.Fatalf("oversized: %d", r.Status)
	}
	ev := randomBytes(t, []byte{0xFF, 0xD8, 0xFF, 0xE0}, 3000)
	if r := pageUpload(t, b, action, "合同.jpg", ev, "category", "evidence", "party", "applicant", "title", "买卖合同复印件",
		"purpose", "证明双方存在买卖关系"); r.Status != 303 {
		t.Fatalf("evidence: %d %s", r.Status, r.Body)
	}
	p = page(b.Get(fmt.Sprintf("/cases/%d", id)))
	for _, want := range []string{"行政复议申请书", "证据目录", "申请人提交", "证明目的：证明双方存在买卖关系", "image/jpeg", "在浏览器中查看", "下载原件"} {
		if !strings.Contains(p, want) {
			t.Fatalf("case page lacks %q", want)
		}
	}
	m := regexp.MustCompile(`href="(/cases/\d+/files/(\d+))" target="_blank" rel="noopener">在浏览器中查看`).FindAllStringSubmatch(p, -1)
	if len(m) != 2 {
		t.Fatalf("%d view links", len(m))
	}
	if v := b.Get(m[1][1]); v.Status != 200 || !bytes.Equal(v.Body, ev) || !strings.HasPrefix(v.Header.Get("Content-Disposition"), "inline") {
		t.Fatalf("view in the browser: %d", v.Status)
	}
	// withdrawal: the typed confirmation is required, the reason kept on refusal
	w := m[0][1] + "/withdrawal"
	r = b.Post(w, url.Values{"reason": {"扫描不清，重新上传"}, "confirm": {""}})
	if p := page(r); r.Status != 422 || !strings.Contains(p, "请输入“撤回”以确认") || !strings.Contains(p, `value="扫描不清，重新上传"`) {
		t.Fatalf("withdraw without confirmation: %d", r.Status)
	}
	if r := b.Post(w, url.Values{"reason": {"扫描不清，重新上传"}, "confirm": {"撤回"}}); r.Status != 303 {
		t.Fatalf("withdraw: %d %s", r.Status, r.Body)
	}
	if p := page(b.Get(fmt.Sprintf("/cases/%d", id))); !strings.Contains(p, "已撤回") || !strings.Contains(p, "理由：扫描不清，重新上传") {
		t.Fatal("the withdrawn file is not marked with its reason")
	}
}

var docRowRe = regexp.MustCompile(`<a href="(/cases/\d+/documents/acceptance\.pdf\?doc=(\d+))">行政复议受理通知书</a></td><td>([^<]+)</td><td>(\d{4}-\d\d-\d\d)</td>`)

// The case page's documents: each issued document with its 文号, date and hash; the service form records a
// 送达 with the 送达回证 attached (and keeps what was typed when refused); the correction form needs a
// reason, keeps the typed data when refused, is offered after acceptance only to the chief and the lead
// officer, and shows old → new in the timeline.
func TestCasePageDocumentsAndCorrections(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-10-20"))
	id := a.AcceptedCase(t, "ordinary")
	lead := a.NewBrowserAs("officer1")
	p := page(lead.Get(fmt.Sprintf("/cases/%d", id)))
	m := docRowRe.FindStringSubmatch(p)
	if m == nil || !strings.Contains(m[3], "号") || m[4] != "2025-09-30" {
		t.Fatalf("no 受理通知书 row with 文号 and date:\n%s", p)
	}
	receipt := randomBytes(t, []byte("%PDF-1.7\n"), 2000)
	if r := pageUpload(t, lead, fmt.Sprintf("/cases/%d/files", id), "回证.pdf", receipt, "category", "service_receipt", "title", "受理通知书送达回证"); r.Status != 303 {
		t.Fatalf("upload 送达回证: %d %s", r.Status, r.Body)
	}
	var fileID int64
	if err := a.DB.Get(&fileID, `SELECT id FROM case_files WHERE case_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page(lead.Get(fmt.Sprintf("/cases/%d", id))))[1]
	svc := fmt.Sprintf("/cases/%d/documents/%s/service", id, m[2])
	r := lead.Post(svc, url.Values{"method": {"electronic"}, "recipient": {"张三"}, "served_on": {"2025-10-08"}, "version": {version}})
	if p := page(r); r.Status != 422 || !strings.Contains(p, "电子送达须经受送达人同意") || !strings.Contains(p, `value="张三"`) ||
		!regexp.MustCompile(`<option value="electronic"\s+selected>`).MatchString(p) {
		t.Fatalf("electronic service without consent: %d", r.Status)
	}
	if r := lead.Post(svc, url.Values{"method": {"post"}, "recipient": {"张三"}, "served_on": {"2025-10-08"}, "version": {version},
		"receipt_file_id": {fmt.Sprint(fileID)}}); r.Status != 303 {
		t.Fatalf("service: %d %s", r.Status, r.Body)
	}
	p = page(lead.Get(fmt.Sprintf("/cases/%d", id)))
	if !strings.Contains(p, "邮寄送达 · 张三 · 2025-10-08") || !strings.Contains(p, fmt.Sprintf(`href="/cases/%d/files/%d" target="_blank" rel="noopener">送达回证`, id, fileID)) {
		t.Fatalf("service record not shown:\n%s", p)
	}

	// corrections: offered to the lead officer, not to the other officer
	corr := fmt.Sprintf("/cases/%d/corrections", id)
	if !strings.Contains(p, `href="`+corr+`"`) {
		t.Fatal("no correction link for the lead officer")
	}
	other := a.NewBrowserAs("officer2")
	if strings.Contains(page(other.Get(fmt.Sprintf("/cases/%d", id))), `href="`+corr+`"`) {
		t.Fatal("correction link offered to an officer who is not the lead")
	}
	if r := other.Get(corr); r.Status != 403 {
		t.Fatalf("correction page for officer2: %d", r.Status)
	}
	f := lead.Get(corr)
	if f.Status != 200 || !strings.Contains(page(f), `value="张三"`) {
		t.Fatalf("correction form: %d", f.Status)
	}
	values := formValues(page(f))
	values.Set("applicants[0].name", "张叁")
	values.Set("reason", "")
	r = lead.Post(corr, values)
	if p := page(r); r.Status != 422 || !strings.Contains(p, "更正理由不能为空") || !strings.Contains(p, `value="张叁"`) {
		t.Fatalf("correction without reason: %d\n%s", r.Status, p)
	}
	values.Set("reason", "申请人姓名登记错误，依身份证更正")
	if r := lead.Post(corr, values); r.Status != 303 {
		t.Fatalf("correction: %d %s", r.Status, r.Body)
	}
	p = page(lead.Get(fmt.Sprintf("/cases/%d", id)))
	if !strings.Contains(p, "申请人：张三（南京市栖霞区某路1号）、") || !strings.Contains(p, "→ 张叁（南京市栖霞区某路1号）") ||
		!strings.Contains(p, "更正理由：申请人姓名登记错误，依身份证更正") {
		t.Fatalf("timeline or superseded document without the correction:\n%s", p)
	}
	if other.Post(corr, values).Status != 403 {
		t.Fatal("officer2 corrected an accepted case")
	}
}

var inputRe = regexp.MustCompile(`<(input|textarea|select)[^>]*\bname="([^"]+)"[^>]*>`)

// formValues reads the fields of the first form of a page as a browser would submit them (inputs' values,
// textareas' text, selects' selected option; unchecked boxes left out).
func formValues(p string) url.Values {
	v := url.Values{}
	for _, m := range inputRe.FindAllStringSubmatchIndex(p, -1) {
		tag, name := p[m[2]:m[3]], p[m[4]:m[5]]
		el := p[m[0]:m[1]]
		switch tag {
		case "input":
			if strings.Contains(el, `type="checkbox"`) && !strings.Contains(el, "checked") {
				continue
			}
			val := ""
			if x := regexp.MustCompile(`value="([^"]*)"`).FindStringSubmatch(el); x != nil {
				val = x[1]
			}
			v.Set(name, val)
		case "textarea":
			end := strings.Index(p[m[1]:], "</textarea>")
			v.Set(name, p[m[1]:m[1]+end])
		case "select":
			end := strings.Index(p[m[1]:], "</select>")
			opts := p[m[1] : m[1]+end]
			sel := regexp.MustCompile(`<option(?: value="([^"]*)")?\s*selected>([^<]*)`).FindStringSubmatch(opts)
			if sel == nil {
				sel = regexp.MustCompile(`<option(?: value="([^"]*)")?[^>]*>([^<]*)`).FindStringSubmatch(opts)
			}
			if sel != nil {
				if strings.Contains(sel[0], "value=") {
					v.Set(name, sel[1])
				} else {
					v.Set(name, sel[2])
				}
			}
		}
	}
	v.Del("_csrf")
	return v
}
