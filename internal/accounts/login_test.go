package accounts_test

import (
	"bytes"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"fuyi/internal/auth"
	"fuyi/internal/date"
	"fuyi/internal/demo"
	"fuyi/internal/testapp"
)

// TestLoginDelay: the wait grows with the failures of one username from one address, up to its maximum.
func TestLoginDelay(t *testing.T) {
	for n, want := range map[int]time.Duration{0: 0, auth.FreeFailures - 1: 0, auth.FreeFailures: time.Second,
		auth.FreeFailures + 3: 8 * time.Second, auth.FreeFailures + 9: 512 * time.Second, 40: auth.MaxLoginDelay, 1 << 20: auth.MaxLoginDelay} {
		if got := auth.LoginDelay(n); got != want {
			t.Errorf("LoginDelay(%d) = %v, want %v", n, got, want)
		}
	}
}

// TestLoginDelaysNotLockout (issue 17, lockout as a weapon): wrong passwords for a user from one address
// slow down that address for that user with growing delays (429, Retry-After, a Chinese message) but never
// lock the account: its owner logs in at once from another address. The address limit is kept.
func TestLoginDelaysNotLockout(t *testing.T) {
	t.Setenv("FUYI_TRUSTED_PROXIES", "0.0.0.0/32") // app.Test's peer: X-Forwarded-For names the client
	a := testapp.New(t, date.MustParse("2026-11-22"))
	login := func(user, pw, from string) *testapp.Response {
		return a.Do("POST", "/api/v1/sessions", "", map[string]string{"username": user, "password": pw}, "X-Forwarded-For", from)
	}
	const attacker, owner = "203.0.113.9", "198.51.100.7"
	for i := range auth.FreeFailures {
		if r := login("chief1", "wrong-guess", attacker); r.Status != 401 {
			t.Fatalf("failure %d: %d %s", i, r.Status, r.Body)
		}
	}
	for range 8 { // the old rule locked the account after 5 failures
		if r := login("chief1", "wrong-guess", attacker); r.Status != 401 && r.Status != 429 {
			t.Fatalf("guess: %d %s", r.Status, r.Body)
		}
	}
	r := login("chief1", demo.Password, attacker)
	if r.Status != 429 || r.ErrorCode(t) != "auth.rate_limited" || !strings.Contains(string(r.Body), "秒后再试") {
		t.Fatalf("the guessing address must wait, also with the right password: %d %s", r.Status, r.Body)
	}
	if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 || s > int(auth.MaxLoginDelay.Seconds()) {
		t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
	}
	if r := login("chief1", demo.Password, owner); r.Status != 201 {
		t.Fatalf("the owner must log in from another address at once: %d %s", r.Status, r.Body)
	}

	// the delay grows: 12 failures of the pair ask for 2^9 s
	a.DB.MustExec(`DELETE FROM login_attempts`)
	a.DB.MustExec(`INSERT INTO login_attempts (username, ip, ok) SELECT 'chief1', $1, false FROM generate_series(1, 12)`, attacker)
	r = login("chief1", demo.Password, attacker)
	if s, _ := strconv.Atoi(r.Header.Get("Retry-After")); r.Status != 429 || s < 500 || s > 512 || !strings.Contains(string(r.Body), "9分钟") {
		t.Fatalf("12 failures: %d Retry-After %q %s", r.Status, r.Header.Get("Retry-After"), r.Body)
	}
	// the login page answers the same, with the message on the page
	b := a.NewBrowser()
	r = b.RequestWith("POST", "/login", url.Values{"username": {"chief1"}, "password": {demo.Password}}, "X-Forwarded-For", attacker)
	if r.Status != 429 || r.Header.Get("Retry-After") == "" || !strings.Contains(string(r.Body), "账号未被锁定") {
		t.Fatalf("login page: %d Retry-After %q", r.Status, r.Header.Get("Retry-After"))
	}
	// once waited, the right password works and clears the pair's count
	a.DB.MustExec(`UPDATE login_attempts SET at = at - interval '20 minutes'`)
	if r := login("chief1", demo.Password, attacker); r.Status != 201 {
		t.Fatalf("after the wait: %d %s", r.Status, r.Body)
	}
	if r := login("chief1", "wrong-guess", attacker); r.Status != 401 {
		t.Fatalf("a success clears the count: %d %s", r.Status, r.Body)
	}

	// one address trying many accounts is still limited as a whole (30 failures in 15 minutes)
	const sprayer = "192.0.2.50"
	a.DB.MustExec(`INSERT INTO login_attempts (username, ip, ok) SELECT 'user' || i, $1, false FROM generate_series(1, 30) i`, sprayer)
	r = login("officer1", demo.Password, sprayer)
	if r.Status != 429 || !strings.Contains(string(r.Body), "网络地址") || r.Header.Get("Retry-After") == "" {
		t.Fatalf("address limit: %d %s", r.Status, r.Body)
	}
	if r := login("officer1", demo.Password, owner); r.Status != 201 {
		t.Fatalf("another address: %d %s", r.Status, r.Body)
	}
}

// TestLoginFailuresAcrossAddressesAreLogged: guessing one account from many addresses locks nothing (each
// address is slowed only for itself) but is reported: the failure that reaches auth.AlertFailures over 15
// minutes logs a warning naming the username and the number of addresses; the owner still logs in.
func TestLoginFailuresAcrossAddressesAreLogged(t *testing.T) {
	t.Setenv("FUYI_TRUSTED_PROXIES", "0.0.0.0/32")
	a := testapp.New(t, date.MustParse("2026-11-22"))
	var buf bytes.Buffer
	a.Server.Sessions.Log = slog.New(slog.NewTextHandler(&buf, nil))
	a.DB.MustExec(`INSERT INTO login_attempts (username, ip, ok) SELECT 'chief1', '203.0.113.' || i, false FROM generate_series(1, $1) i`, auth.AlertFailures-1)
	r := a.Do("POST", "/api/v1/sessions", "", map[string]string{"username": "chief1", "password": "wrong-guess"}, "X-Forwarded-For", "203.0.113.200")
	if r.Status != 401 {
		t.Fatalf("guess: %d %s", r.Status, r.Body)
	}
	if s := buf.String(); !strings.Contains(s, "repeated login failures") || !strings.Contains(s, "username=chief1") || !strings.Contains(s, "addresses=") {
		t.Fatalf("no warning: %q", s)
	}
	if r := a.Do("POST", "/api/v1/sessions", "", map[string]string{"username": "chief1", "password": demo.Password}, "X-Forwarded-For", "198.51.100.7"); r.Status != 201 {
		t.Fatalf("the owner: %d %s", r.Status, r.Body)
	}
}
