package lawsuitweb_test

import (
	"net/url"
	"testing"

	"fuyi/internal/date"
	"fuyi/internal/testapp"
)

var today = date.MustParse("2026-11-22")

func acceptedCase(t testing.TB, a *testapp.App, procedure string) int64 {
	t.Helper()
	return a.AcceptedCase(t, procedure)
}

func post(a *testapp.App, user string, id int64, action string, body any) *testapp.Response {
	return a.Post(user, id, action, body)
}

func propose(a *testapp.App, user string, id int64, typ string, extra map[string]any) *testapp.Response {
	return a.Propose(user, id, typ, extra)
}

func nil2() url.Values { return url.Values{} }
