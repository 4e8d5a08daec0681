package calendarweb_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"fuyi/internal/testapp"
)

// a notice in the form of the 国务院办公厅's (test days, not the real 2027 arrangement)
const notice2027 = `国务院办公厅关于2027年部分节假日安排的通知
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历除夕、周五）至11日（周四）放假调休，共7天。2月14日（周日）上班。
国务院办公厅`

// The notice pasted on the calendar page is read into days shown on the month grids and in the text box
// for checking — nothing is saved until 保存; a notice of another year is refused with the text kept. The
// deadline preview shows what 5 working days and 60 days from a date become with the saved calendar and
// with the year as edited, again without saving.
func TestCalendarImportAndPreview(t *testing.T) {
	a := testapp.New(t, today)
	b := a.NewBrowserAs("bureau1")
	saved := func() int {
		var n int
		if err := a.DB.Get(&n, `SELECT count(*) FROM calendar_days WHERE extract(year FROM day) = 2027`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	r := b.Post("/admin/calendar", url.Values{"year": {"2027"}, "step": {"import"}, "notice_content": {notice2027}, "csv": {""}})
	page := string(r.Body)
	if r.Status != 200 || !strings.Contains(page, "已从通知中识别出10个放假日、1个调休上班日") {
		t.Fatalf("import: %d %s", r.Status, regexp.MustCompile(`(?s)<p class="error"[^>]*>.*?</p>`).FindString(page))
	}
	for _, want := range []string{"2027-01-01,休,元旦", "2027-02-11,休,春节", "2027-02-14,班,春节", `value="国务院办公厅关于2027年部分节假日安排的通知"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the imported page lacks %s", want)
		}
	}
	if !regexp.MustCompile(`class="cal-day weekend hol" data-date="2027-01-03"`).MatchString(page) ||
		!regexp.MustCompile(`class="cal-day weekend work" data-date="2027-02-14"`).MatchString(page) ||
		!regexp.MustCompile(`class="cal-day hol" data-date="2027-02-05"`).MatchString(page) {
		t.Error("the month grids do not show the imported days")
	}
	if strings.Contains(page, `class="flash`) || saved() != 0 {
		t.Fatal("the import saved something or spoke in the success box")
	}
	r = b.Post("/admin/calendar", url.Values{"year": {"2027"}, "step": {"import"}, "notice_content": {strings.ReplaceAll(notice2027, "2027年", "2028年")}})
	if page := string(r.Body); r.Status != 422 || !strings.Contains(page, "这是2028年的通知") || !strings.Contains(page, "2028年部分节假日安排") {
		t.Fatalf("a notice of another year: %d %s", r.Status, regexp.MustCompile(`(?s)<p class="error"[^>]*>.*?</p>`).FindString(page))
	}
	// preview: 2026-12-28 + 5 working days reaches 2027, unknown to the saved calendar; as edited, the
	// 元旦 days are skipped; the text as typed comes back
	csv := "2027-01-01,休,元旦\n2027-01-02,休,元旦\n2027-01-03,休,元旦"
	r = b.Post("/admin/calendar", url.Values{"year": {"2027"}, "step": {"preview"}, "csv": {csv}, "preview_from": {"2026-12-28"}})
	page = string(r.Body)
	if r.Status != 200 || !strings.Contains(page, `id="calendar-preview"`) {
		t.Fatalf("preview: %d", r.Status)
	}
	for _, want := range []string{"期限跨入日历尚未录入完整的年份，不计算", "2027-01-05（周二），遇元旦顺延", csv} {
		if !strings.Contains(page, want) {
			t.Errorf("the preview lacks %s", want)
		}
	}
	if saved() != 0 {
		t.Fatal("the preview saved the year")
	}
	// the effect on a case waiting for 2027: its decision due date (2026-11-20 + 60 = 2027-01-19, a holiday
	// in this test's arrangement → 2027-01-20) appears before saving, and stays pending until saved
	id := a.Register("window1", "2026-11-20")
	a.Accept(id, "2026-11-20", "ordinary")
	r = b.Post("/admin/calendar", url.Values{"year": {"2027"}, "step": {"preview"}, "csv": {"2027-01-18,休,测试假日\n2027-01-19,休,测试假日"}, "preview_from": {"2026-12-28"}})
	page = string(r.Body)
	if r.Status != 200 || !regexp.MustCompile(`<td>作出行政复议决定</td><td>[^<]+</td><td>2027-01-20</td>`).MatchString(page) {
		t.Fatalf("the effect on the waiting case: %d %s", r.Status, regexp.MustCompile(`(?s)<p id="calendar-effect">.*?</table>`).FindString(page))
	}
	if due, st := get(t, a, "chief1", id).Deadline("decision"); due != "" || st != "pending" {
		t.Fatalf("the preview changed the case: %q %q", due, st)
	}
}
