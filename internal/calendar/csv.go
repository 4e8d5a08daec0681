package calendar

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"fuyi/internal/date"
)

// ParseCSV reads calendar days in the format of data/cn_holidays.csv (date,kind,name; a header line is
// optional). The bureau pastes next year's calendar in this format.
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
		parts := strings.Split(s, ",")
		if len(parts) != 3 {
			return nil, fmt.Errorf("第%d行应为“日期,类型,名称”三列", line)
		}
		d, err := date.Parse(strings.TrimSpace(parts[0]))
		if err != nil {
			return nil, fmt.Errorf("第%d行日期格式应为YYYY-MM-DD", line)
		}
		k := Kind(strings.TrimSpace(parts[1]))
		if k != Holiday && k != Workday {
			return nil, fmt.Errorf("第%d行类型应为 holiday（放假）或 workday（调休上班）", line)
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
