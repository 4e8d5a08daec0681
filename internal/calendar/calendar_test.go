package calendar

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"fuyi/internal/date"
)

// fromCSV loads the verified calendar shipped in data/cn_holidays.csv.
func fromCSV(t *testing.T) *Calendar {
	t.Helper()
	days := readCSV(t)
	return New(days, []int{2024, 2025, 2026})
}

func readCSV(t *testing.T) []Day {
	t.Helper()
	f, err := os.Open("../../data/cn_holidays.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	days, err := ParseCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(days) != 108 {
		t.Fatalf("read %d days from the CSV, want 108", len(days))
	}
	return days
}

func TestWorkingDaysPerYear(t *testing.T) {
	// DOMAIN.md §1: 248 working days in 2025 and in 2026.
	c := fromCSV(t)
	for _, year := range []int{2025, 2026} {
		n := 0
		for d := date.New(year, 1, 1); d.Year() == year; d = d.AddDays(1) {
			ok, err := c.IsWorkday(d)
			if err != nil {
				t.Fatal(err)
			}
			if ok {
				n++
			}
		}
		if n != 248 {
			t.Errorf("%d: %d working days, want 248", year, n)
		}
	}
}

func TestAddWorkdays(t *testing.T) {
	c := fromCSV(t)
	cases := []struct {
		name, from string
		n          int
		want       string
		skipped    string
	}{
		// 复议法第30条 example of API.md: received Fri 2025-09-26; Sun 09-28 is a 调休 working day (1),
		// 09-29 (2), 09-30 (3), 国庆 10-01..08 skipped, 10-09 (4), 10-10 (5).
		{"国庆 with 调休 Sunday", "2025-09-26", 5, "2025-10-10", "国庆节、中秋节"},
		{"调休 Saturday 2025-10-11 counts", "2025-10-09", 2, "2025-10-11", ""},
		{"春节 2025", "2025-01-24", 5, "2025-02-07", "春节"}, // Sun 01-26 workday(1), 01-27(2), 01-28..02-04 holiday, 02-05(3) 02-06(4) 02-07(5)
		{"春节 2026 with 调休 Saturday 02-14", "2026-02-12", 3, "2026-02-24", "春节"},
		{"plain weekend", "2025-11-07", 1, "2025-11-10", ""},
		{"元旦 2026 and 调休 Sunday 01-04", "2025-12-31", 2, "2026-01-05", "元旦"}, // 01-01..03 holiday, 01-04 Sun workday (1), 01-05 (2)
		{"10 working days from 补正 before 劳动节 2025 (Sun 04-27 is a 调休 day)", "2025-04-25", 10, "2025-05-13", "劳动节"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := c.AddWorkdays(date.MustParse(tc.from), tc.n)
			if err != nil {
				t.Fatal(err)
			}
			if r.Date.String() != tc.want {
				t.Errorf("got %s, want %s", r.Date, tc.want)
			}
			if strings.Join(r.Skipped, "、") != tc.skipped {
				t.Errorf("skipped %v, want %q", r.Skipped, tc.skipped)
			}
		})
	}
}

func TestAddNaturalDaysRollsForward(t *testing.T) {
	c := fromCSV(t)
	cases := []struct {
		from string
		n    int
		want string
	}{
		{"2025-09-30", 60, "2025-12-01"}, // 11-29 is a Saturday (DOMAIN.md §2 example)
		{"2025-09-01", 30, "2025-10-09"}, // 10-01 in 国庆: first working day after is 10-09
		{"2025-08-12", 60, "2025-10-11"}, // 10-11 is a 调休 Saturday: a working day, no roll
		{"2025-12-02", 60, "2026-02-02"}, // 2026-01-31 is a Saturday → Monday 02-02
	}
	for _, tc := range cases {
		r, err := c.AddNaturalDays(date.MustParse(tc.from), tc.n)
		if err != nil {
			t.Fatal(err)
		}
		if r.Date.String() != tc.want {
			t.Errorf("%s + %d: got %s, want %s", tc.from, tc.n, r.Date, tc.want)
		}
	}
}

func TestRefusesYearWithoutCalendar(t *testing.T) {
	c := fromCSV(t)
	_, err := c.AddWorkdays(date.MustParse("2026-12-28"), 5)
	if err == nil || !strings.Contains(err.Error(), "calendar.year_missing") {
		t.Fatalf("want calendar.year_missing, got %v", err)
	}
	if _, err := c.AddNaturalDays(date.MustParse("2026-11-20"), 60); err == nil {
		t.Fatal("a natural-day period ending in 2027 must not be computed without the 2027 calendar")
	}
	if _, err := c.IsWorkday(date.MustParse("2023-06-01")); err == nil {
		t.Fatal("2023 has no calendar")
	}
}

func TestWorkdaysBefore(t *testing.T) {
	c := fromCSV(t)
	d, err := c.WorkdaysBefore(date.MustParse("2025-10-10"), 3)
	if err != nil {
		t.Fatal(err)
	}
	if d.String() != "2025-09-29" { // 10-09 (1), back over the holiday: 09-30 (2), 09-29 (3)
		t.Fatalf("got %s", d)
	}
}

// The migration that loads the calendar must hold exactly the rows of data/cn_holidays.csv.
func TestMigrationMatchesCSV(t *testing.T) {
	b, err := os.ReadFile("../../migrations/0002_calendar_2024_2026.sql")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`\('(\d{4}-\d{2}-\d{2})', '(holiday|workday)', '([^']*)'\)`)
	var rows []string
	for _, m := range re.FindAllStringSubmatch(string(b), -1) {
		rows = append(rows, m[1]+","+m[2]+","+m[3])
	}
	var want []string
	for _, d := range readCSV(t) {
		want = append(want, d.Date.String()+","+string(d.Kind)+","+d.Name)
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Fatalf("migration rows (%d) differ from CSV (%d)", len(rows), len(want))
	}
}
