package cases

import (
	"fuyi/internal/calendar"
	"fuyi/internal/date"
)

// MetStatus is the stored state of a deadline met on on (open while on is zero), for the deadline engines
// of features built on cases.
func MetStatus(on date.Date) string { return met(on) }

// LitigationPeriodEnd ends a natural-day period of a lawsuit whose last day is last (民事诉讼法第85条第3款,
// applied by 行政诉讼法第101条): the due date and the words the basis adds (the rest day it moved past, a
// 调休 working day it falls on).
func LitigationPeriodEnd(cal *calendar.Calendar, last date.Date) (date.Date, string, error) {
	due, roll, err := naturalEnd(cal, last, viaLitigation)
	if err != nil {
		return due, "", err
	}
	return due, roll + adjustedWorkday(cal, due), nil
}
