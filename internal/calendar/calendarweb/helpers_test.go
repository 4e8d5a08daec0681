package calendarweb_test

import (
	"testing"

	"fuyi/internal/date"
	"fuyi/internal/testapp"
)

var today = date.MustParse("2026-11-22")

func get(t *testing.T, a *testapp.App, user string, id int64) testapp.CaseView {
	return a.Case(t, user, id)
}
