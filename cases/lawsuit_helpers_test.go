package cases_test

import (
	"testing"

	"fuyi/internal/testapp"
)

// The lawsuit helpers of the tests that follow a 复议 case into court (the lawsuits feature has its own tests).

type lawsuitView = testapp.LawsuitView

func lawsuit(no, instance string, agency int, organ bool, received string) map[string]any {
	return testapp.Lawsuit(no, instance, agency, organ, received)
}

func registerLawsuit(t *testing.T, a *testapp.App, body map[string]any) lawsuitView {
	t.Helper()
	return a.RegisterLawsuit(t, body)
}
