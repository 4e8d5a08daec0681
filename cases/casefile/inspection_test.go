package casefile_test

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"fuyi/internal/date"
	"fuyi/internal/testapp"
)

// 阅卷 (复议法第47条): the officer records on the 阅卷 page that the applicant read and copied the respondent's
// 答复书; internal materials are never offered (the committee's file is not on the form and is refused when
// posted), officers of other cases and the window cannot record; the record is listed on the page and on the
// case page, lands in the 正卷 as its 阅卷记录 part (listed in the 目录 on its page), the staff's reading log in
// the 副卷; after archiving no 阅卷 is recorded.
func TestInspectionRecords(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-11-25"))
	id := a.AcceptedCase(t, "ordinary")
	base := fmt.Sprintf("/api/v1/cases/%d", id)
	var reply, internal struct {
		ID int64 `json:"id"`
	}
	r := upload(a, "officer1", base+"/files", "答复书.pdf", randomBytes(t, []byte("%PDF-1.7\n"), 800), "category", "reply", "title", "被申请人答复书")
	r.JSON(t, &reply)
	r = upload(a, "officer1", base+"/files", "委员会.pdf", randomBytes(t, []byte("%PDF-1.7\n"), 800), "category", "committee_opinion", "title", "委员会讨论记录")
	r.JSON(t, &internal)
	if reply.ID == 0 || internal.ID == 0 {
		t.Fatal("uploads failed")
	}
	a.Do("GET", fmt.Sprintf("%s/files/%d", base, reply.ID), a.Login("officer2"), nil) // a staff reading, logged
	path := fmt.Sprintf("/cases/%d/inspections", id)
	off := a.NewBrowserAs("officer1")
	page := string(off.Get(path).Body)
	if !strings.Contains(page, `value="applicant:0"`) || !strings.Contains(page, "申请人 张三") ||
		!strings.Contains(page, fmt.Sprintf(`value="%d"`, reply.ID)) || strings.Contains(page, "委员会讨论记录") {
		t.Fatalf("阅卷 form:\n%s", page)
	}
	form := url.Values{"reader": {"applicant:0"}, "inspected_on": {"2025-10-20"}, "kind": {"read_copy"}, "copy_pages": {"12"},
		"file_ids": {strconv.FormatInt(internal.ID, 10)}}
	if r := off.Post(path, form); r.Status != 422 || !strings.Contains(string(r.Body), "内部材料和已撤回的文件不提供阅卷") {
		t.Fatalf("internal file offered: %d", r.Status)
	}
	form.Set("file_ids", strconv.FormatInt(reply.ID, 10))
	form.Del("_csrf") // each browser posts with its own token
	win, other := a.NewBrowserAs("window1"), a.NewBrowserAs("officer3")
	if r := win.Post(path, form); r.Status != 403 {
		t.Fatalf("window records 阅卷: %d", r.Status)
	}
	form.Del("_csrf")
	if r := other.Post(path, form); r.Status != 404 {
		t.Fatalf("an officer of another case records 阅卷: %d %s", r.Status, r.Body)
	}
	form.Del("_csrf")
	if r := off.Post(path, form); r.Status != 303 {
		t.Fatalf("record: %d %s", r.Status, r.Body)
	}
	page = string(off.Get(path).Body)
	if !strings.Contains(page, "已登记阅卷：申请人 张三，查阅并复制材料1件") || !strings.Contains(page, "复制12页") {
		t.Fatalf("阅卷 page after recording:\n%s", page)
	}
	if p := string(off.Get(fmt.Sprintf("/cases/%d", id)).Body); !strings.Contains(p, "阅卷记录（1）") || !strings.Contains(p, "被申请人答复书") {
		t.Fatal("the case page does not list the 阅卷")
	}

	// the 卷宗
	if r := a.Propose("officer1", id, "maintain", nil); r.Status != 200 {
		t.Fatalf("propose: %d %s", r.Status, r.Body)
	}
	a.Post("chief1", id, "decision/approval", map[string]any{"approve": true})
	a.Post("officer1", id, "decision/service", map[string]any{"served_on": "2025-11-21"})
	r = a.Do("POST", base+"/archive", a.Login("chief1"), map[string]any{"retention": "30y"})
	if r.Status != 201 {
		t.Fatalf("archive: %d %s", r.Status, r.Body)
	}
	var ar struct {
		SubPages int `json:"sub_pages"`
	}
	r.JSON(t, &ar)
	main := a.Do("GET", base+"/archive.pdf", a.Login("chief1"), nil).Body
	at := 0
	for _, m := range tocRowRe.FindAllStringSubmatch(pageText(t, main, 2), -1) {
		if m[2] == "阅卷记录" {
			at, _ = strconv.Atoi(m[3])
		}
	}
	if at == 0 {
		t.Fatalf("目录 has no 阅卷记录:\n%s", pageText(t, main, 2))
	}
	got := squashText(pageText(t, main, at))
	for _, want := range []string{"阅卷记录", "第四十七条", "2025-10-20", "申请人张三", "查阅并复", "12页", "被申请人答复书"} { // a cell may wrap
		if !strings.Contains(got, want) {
			t.Fatalf("阅卷记录 page %d lacks %q:\n%s", at, want, got)
		}
	}
	sub := a.Do("GET", base+"/archive.pdf?volume=sub", a.Login("chief1"), nil).Body
	subText := ""
	for p := 1; p <= ar.SubPages; p++ {
		subText += squashText(pageText(t, sub, p))
	}
	if !strings.Contains(subText, "材料阅览日志") || !strings.Contains(subText, "被申请人答复书") {
		t.Fatal("the 副卷 lacks the staff's reading log")
	}
	if r := off.Post(path, form); r.Status != 409 {
		t.Fatalf("阅卷 recorded after archiving: %d", r.Status)
	}
}
