package calendar

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"fuyi/internal/date"
)

// ParseCSV reads calendar days in the format of data/cn_holidays.csv (date,kind,name; a header line is
// optional). The bureau pastes next year's calendar in this format; on the page the kind is written 休
// (放假) or 班 (调休上班), and a full-width comma separates as well as a comma.
func ParseCSV(r io.Reader) ([]Day, error) {
	var days []Day
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\uFEFF"))
		if s == "" || (line == 1 && strings.HasPrefix(s, "date,")) {
			continue
		}
		parts := strings.Split(strings.ReplaceAll(s, "，", ","), ",")
		if len(parts) != 3 {
			return nil, fmt.Errorf("第%d行应为“日期,类型,名称”三列", line)
		}
		d, err := date.Parse(strings.TrimSpace(parts[0]))
		if err != nil {
			return nil, fmt.Errorf("第%d行日期格式应为YYYY-MM-DD", line)
		}
		k, ok := kindOf(strings.TrimSpace(parts[1]))
		if !ok {
			return nil, fmt.Errorf("第%d行类型应为“休”（放假）或“班”（调休上班）", line)
		}
		if k == Workday && !d.IsWeekend() {
			return nil, fmt.Errorf("第%d行：调休上班日%s不是周末", line, d)
		}
		name := strings.TrimSpace(parts[2])
		if name == "" {
			return nil, fmt.Errorf("第%d行缺少节日名称", line)
		}
		days = append(days, Day{Date: d, Kind: k, Name: name})
	}
	return days, sc.Err()
}

// kindOf reads the kind of a calendar line: 休/放假/holiday or 班/上班/调休上班/workday.
func kindOf(s string) (Kind, bool) {
	switch s {
	case "休", "放假", string(Holiday):
		return Holiday, true
	case "班", "上班", "调休上班", string(Workday):
		return Workday, true
	}
	return "", false
}

// Mark is the one-character mark of the kind on the bureau's page: 休 or 班.
func (k Kind) Mark() string {
	if k == Workday {
		return "班"
	}
	return "休"
}
