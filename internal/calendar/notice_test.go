package calendar

import (
	"os"
	"strings"
	"testing"
)

// The notices of the 国务院办公厅 for 2025 (国办发明电〔2024〕12号) and 2026, pasted as published (title,
// items, closing words and date), give exactly the verified days of data/cn_holidays.csv for that year.
const notice2025 = `国务院办公厅关于2025年部分节假日安排的通知
国办发明电〔2024〕12号
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
　　根据《国务院关于修改〈全国年节及纪念日放假办法〉的决定》，为便于各地区、各部门及早合理安排节假日旅游、交通运输、生产经营等有关工作，经国务院批准，现将2025年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
　　一、元旦：1月1日（周三）放假1天，不调休。
　　二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
　　三、清明节：4月4日（周五）至6日（周日）放假，共3天。
　　四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。
　　五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
　　六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。
　　节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作，遇有重大突发事件，要按规定及时报告并妥善处置，确保人民群众祥和平安度过节日假期。
国务院办公厅
2024年11月12日`

const notice2026 = `国务院办公厅关于2026年部分节假日安排的通知
经国务院批准，现将2026年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作。
国务院办公厅
2025年11月4日`

func TestParseNoticeGivesTheVerifiedCalendar(t *testing.T) {
	raw, err := os.ReadFile("../../data/cn_holidays.csv")
	if err != nil {
		t.Fatal(err)
	}
	all, err := ParseCSV(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		year int
		text string
	}{{2025, notice2025}, {2026, notice2026}} {
		y, days, err := ParseNotice(c.text, 1999)
		if err != nil || y != c.year {
			t.Fatalf("%d: year %d, %v", c.year, y, err)
		}
		var want, got []string
		for _, d := range all {
			if d.Date.Year() == c.year {
				want = append(want, d.Date.String()+","+string(d.Kind)+","+d.Name)
			}
		}
		for _, d := range days {
			got = append(got, d.Date.String()+","+string(d.Kind)+","+d.Name)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%d notice read as\n%s\nwant\n%s", c.year, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// What cannot be read is said, not guessed: no items; a 调休 working day that is not a weekend.
func TestParseNoticeRefusesWhatItCannotRead(t *testing.T) {
	if _, _, err := ParseNotice("明年放假安排另行通知", 2027); err == nil || !strings.Contains(err.Error(), "没有找到") {
		t.Fatalf("no items: %v", err)
	}
	if _, _, err := ParseNotice("关于2027年部分节假日安排的通知\n一、元旦：1月1日至3日放假调休，共3天。1月5日上班。", 0); err == nil || !strings.Contains(err.Error(), "不是周末") {
		t.Fatalf("a weekday 调休: %v", err)
	}
	y, days, err := ParseNotice("一、元旦：1月1日（周五）放假1天，不调休。", 2027)
	if err != nil || y != 2027 || len(days) != 1 || days[0].Name != "元旦" {
		t.Fatalf("fallback year: %d %v %v", y, days, err)
	}
}
