package calendar

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"fuyi/internal/date"
)

// The yearly notice of the 国务院办公厅 (关于YYYY年部分节假日安排的通知) lists each holiday as a numbered
// item: "二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、
// 2月8日（周六）上班。" ParseNotice reads such a text into calendar days: every day of a 放假 range is a
// holiday named after its item, every day before 上班 a working day. What it cannot read it reports
// instead of guessing; the bureau sees the days on the calendar before saving them.

var (
	noticeYear  = regexp.MustCompile(`关于\s*(\d{4})\s*年`)
	noticeItem  = regexp.MustCompile(`(?:^|[\s。；;])([一二三四五六七八九十]{1,3})、\s*([^：:\s]{1,20})[：:]`)
	noticeDay   = regexp.MustCompile(`(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日`)
	noticeParen = regexp.MustCompile(`[（(][^）)]*[）)]`)
)

// ParseNotice reads the notice text; the year comes from its title, else fallbackYear. It returns the days
// in date order, and a Chinese reason when the text holds no item it can read.
func ParseNotice(text string, fallbackYear int) (int, []Day, error) {
	y := NoticeYear(text, fallbackYear)
	text = strings.ReplaceAll(text, "\u3000", " ")
	locs := noticeItem.FindAllStringSubmatchIndex(text, -1)
	if len(locs) == 0 {
		return y, nil, fmt.Errorf("没有找到“一、元旦：……放假”这样的条目，请粘贴通知的正文")
	}
	byDate := map[date.Date]Day{}
	for i, l := range locs {
		name := text[l[4]:l[5]]
		end := len(text)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		body := noticeParen.ReplaceAllString(text[l[1]:end], "") // （周二）（农历除夕、周二）
		for _, sentence := range strings.FieldsFunc(body, func(r rune) bool { return r == '。' || r == '；' || r == ';' }) {
			days, err := sentenceDays(sentence, y, name)
			if err != nil {
				return y, nil, fmt.Errorf("%s：%w", name, err)
			}
			for _, d := range days {
				byDate[d.Date] = d
			}
		}
	}
	out := make([]Day, 0, len(byDate))
	for _, d := range byDate {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	if len(out) == 0 {
		return y, nil, fmt.Errorf("通知中没有找到放假或上班的日期")
	}
	return y, out, nil
}

// NoticeYear is the year of a notice by its title (关于2027年部分节假日安排的通知), else fallback.
func NoticeYear(text string, fallback int) int {
	if m := noticeYear.FindStringSubmatch(text); m != nil {
		y, _ := strconv.Atoi(m[1])
		return y
	}
	return fallback
}

// sentenceDays reads one sentence: "A至B放假…" or "A放假…" gives holidays from A to B, "A、B上班" working
// days; other sentences (不调休, 鼓励…休息) give nothing.
func sentenceDays(s string, y int, name string) ([]Day, error) {
	var dates []date.Date
	month := 0
	for _, m := range noticeDay.FindAllStringSubmatch(s, -1) {
		yy := y
		if m[1] != "" {
			yy, _ = strconv.Atoi(m[1])
		}
		if m[2] != "" {
			month, _ = strconv.Atoi(m[2])
		}
		if month == 0 {
			return nil, fmt.Errorf("“%s”中的日期缺少月份", strings.TrimSpace(s))
		}
		d, _ := strconv.Atoi(m[3])
		dt, err := date.Parse(fmt.Sprintf("%04d-%02d-%02d", yy, month, d))
		if err != nil {
			return nil, fmt.Errorf("“%s”中有不存在的日期", strings.TrimSpace(s))
		}
		dates = append(dates, dt)
	}
	switch {
	case len(dates) == 0:
		return nil, nil
	case strings.Contains(s, "上班"):
		out := make([]Day, len(dates))
		for i, d := range dates {
			if !d.IsWeekend() {
				return nil, fmt.Errorf("调休上班日%s不是周末，请核对", d)
			}
			out[i] = Day{Date: d, Kind: Workday, Name: name}
		}
		return out, nil
	case strings.Contains(s, "放假"):
		from, to := dates[0], dates[0]
		if strings.Contains(s, "至") && len(dates) >= 2 {
			to = dates[1]
		}
		if to.Before(from) || to.DaysSince(from) > 31 {
			return nil, fmt.Errorf("放假起止日期%s至%s有误", from, to)
		}
		var out []Day
		for d := from; !d.After(to); d = d.AddDays(1) {
			out = append(out, Day{Date: d, Kind: Holiday, Name: name})
		}
		return out, nil
	}
	return nil, nil
}

// WithYear is the calendar with the days of year y replaced (complete: whether y may be counted in), for a
// preview of a year being edited; c itself is not changed.
func (c *Calendar) WithYear(y int, days []Day, complete bool) *Calendar {
	n := &Calendar{days: make(map[date.Date]Day, len(c.days)+len(days)), years: make(map[int]bool, len(c.years)+1)}
	for d, x := range c.days {
		if d.Year() != y {
			n.days[d] = x
		}
	}
	for _, x := range days {
		n.days[x.Date] = x
	}
	for k, v := range c.years {
		n.years[k] = v
	}
	n.years[y] = complete
	return n
}
