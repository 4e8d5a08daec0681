package lawsuits

import (
	"os"
	"testing"

	"fuyi/cases"
	"fuyi/internal/calendar"
	"fuyi/internal/date"
)

func testCalendar(t *testing.T) *calendar.Calendar {
	t.Helper()
	f, err := os.Open("../../data/cn_holidays.csv")
	if err != nil {
		t.Fatal(err)
	}
	days, err := calendar.ParseCSV(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	var years []int
	for y := 2024; y <= 2026; y++ {
		years = append(years, y)
	}
	return calendar.New(days, years)
}

func d(s string) date.Date { return date.MustParse(s) }

func find(ds []cases.Deadline, kind string) cases.Deadline {
	for _, d := range ds {
		if d.Kind == kind {
			return d
		}
	}
	return cases.Deadline{}
}
