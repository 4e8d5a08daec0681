package faults

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"fuyi/internal/testapp"
)

// The request deadline and pool of the burst tests: 200 requests at once against 10 connections.
const (
	burstTimeout = 3 * time.Second
	burstPool    = "10"
	burstSize    = 200
	// slack for the answer to travel after the deadline on a busy 2-core machine
	burstSlack = 2 * time.Second
	// burstBound is the longest any answer may take. The freeze these tests guard against is an answer that
	// never comes (connections held idle in transaction, a pool that never frees): such a request runs into
	// the client's timeout, far beyond this bound. Below it, lateness is the machine's (make test runs the
	// other packages on the same two cores: 5.3 s was seen), not the server's, and is only logged.
	burstBound = 3 * burstTimeout
)

type outcome struct {
	status     int
	retryAfter string
	body       string
	took       time.Duration
	err        error
}

// burst sends n requests at the same moment (each built by req(i)) and waits for all of them.
func burst(n int, req func(i int) *http.Request) []outcome {
	c := &http.Client{Timeout: burstBound + 3*burstSlack, Transport: &http.Transport{MaxIdleConnsPerHost: n}}
	out := make([]outcome, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r := req(i)
			<-start
			t0 := time.Now()
			resp, err := c.Do(r)
			o := outcome{err: err}
			if err == nil {
				b, rerr := io.ReadAll(resp.Body)
				o.err = rerr
				if cerr := resp.Body.Close(); o.err == nil {
					o.err = cerr
				}
				o.status, o.retryAfter, o.body = resp.StatusCode, resp.Header.Get("Retry-After"), string(b)
			}
			o.took = time.Since(t0)
			out[i] = o
		}(i)
	}
	close(start)
	wg.Wait()
	return out
}

func jsonRequest(method, url, token string, body any, headers ...string) *http.Request {
	b, err := json.Marshal(body)
	if err != nil {
		panic(err)
	}
	r, err := http.NewRequest(method, url, bytes.NewReader(b))
	if err != nil {
		panic(err)
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Authorization", "Bearer "+token)
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	return r
}

// checkBurst asserts that every request ended within its deadline with success or a 503 that says in
// Chinese to retry and carries Retry-After; it returns the count per status and the slowest answer.
func checkBurst(t *testing.T, out []outcome, success int) (map[int]int, time.Duration) {
	t.Helper()
	counts := map[int]int{}
	var slowest time.Duration
	late := 0
	for i, o := range out {
		if o.err != nil {
			t.Fatalf("request %d did not end: %v after %s", i, o.err, o.took)
		}
		counts[o.status]++
		slowest = max(slowest, o.took)
		switch {
		case o.status == success:
		case o.status == http.StatusServiceUnavailable:
			if o.retryAfter == "" || !strings.Contains(o.body, "请稍后重试") {
				t.Fatalf("request %d: 503 without Retry-After or Chinese message: %q %s", i, o.retryAfter, o.body)
			}
		default:
			t.Fatalf("request %d: %d %s", i, o.status, o.body)
		}
		if o.took > burstBound {
			t.Fatalf("request %d took %s, beyond %s (its deadline is %s): the server froze", i, o.took, burstBound, burstTimeout)
		}
		if o.took > burstTimeout+burstSlack {
			late++
		}
	}
	if late > 0 {
		t.Logf("%d answers came later than deadline + %s (a loaded machine); none beyond %s", late, burstSlack, burstBound)
	}
	if counts[success] == 0 {
		t.Fatalf("no request succeeded: %v", counts)
	}
	return counts, slowest
}

// afterBurst checks that no session is left idle inside a transaction and that a login answers at once.
//
// A session seen idle in transaction at the instant the last answer arrived may be one whose client has
// already ended it: a statement cancelled at the deadline makes lib/pq close the connection, and the server
// process leaves pg_stat_activity a moment later (on a loaded machine, after the answers; a single count
// right away failed one run in four). A session left idle in transaction stays until the pool's
// idle_in_transaction_session_timeout (10 s here), far longer than leftGrace: what is still there after
// leftGrace is a leak.
func (e *env) afterBurst(t *testing.T, addr string) time.Duration {
	t.Helper()
	const leftGrace = time.Second
	var seen int // sessions idle in transaction at the first look
	for start := time.Now(); ; {
		waited := time.Since(start)
		var what []string
		if err := e.db.Select(&what, `SELECT state || ' (pid ' || pid || ', transaction open '
			|| coalesce(round(extract(epoch FROM now() - xact_start)::numeric, 3)::text, '?') || ' s): '
			|| coalesce(left(regexp_replace(query, '\s+', ' ', 'g'), 200), '') FROM pg_stat_activity
			WHERE datname = current_database() AND state IN ('idle in transaction', 'idle in transaction (aborted)')`); err != nil {
			t.Fatal(err)
		}
		if len(what) == 0 {
			if seen > 0 {
				t.Logf("%d sessions idle in transaction at the last answer, gone %s later", seen, waited)
			}
			break
		}
		if seen == 0 {
			seen = len(what)
		}
		if waited >= leftGrace {
			for _, w := range what {
				t.Log(w)
			}
			t.Fatalf("%d connections left idle in transaction after the burst (still there %s after the last answer)", len(what), waited)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t0 := time.Now()
	st, b, err := call("POST", "http://"+addr+"/api/v1/sessions", "", map[string]string{"username": "chief1", "password": "fuyi-demo-2025"})
	took := time.Since(t0)
	if err != nil || st != http.StatusCreated {
		t.Fatalf("login after the burst: %d %v %s", st, err, b)
	}
	// before the fix the login never answered; now it must answer well within one request deadline (the
	// whole test suite may be running on the same two cores: bcrypt alone can take a second then)
	if took > burstBound {
		t.Fatalf("login after the burst took %s (bound %s)", took, burstBound)
	}
	return took
}

func percentile(out []outcome, p float64) time.Duration {
	ds := make([]time.Duration, len(out))
	for i, o := range out {
		ds[i] = o.took
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[int(p*float64(len(ds)-1))]
}

// 200 registrations at once against a pool of 10 connections: every request ends within its deadline (201,
// or 503 with Retry-After), no connection stays idle in transaction, a login right after answers at once,
// and every answered registration is complete in the database.
func TestBurstRegistrations(t *testing.T) {
	e := setup(t)
	addr := freePort(t)
	e.serve(addr, "FUYI_DB_MAX_CONNS="+burstPool, fmt.Sprintf("FUYI_REQUEST_TIMEOUT=%d", int(burstTimeout.Seconds())))
	token := login(t, addr, "window1")
	out := burst(burstSize, func(i int) *http.Request {
		return jsonRequest("POST", "http://"+addr+"/api/v1/cases", token, testapp.Application("2025-09-26"),
			"Idempotency-Key", fmt.Sprintf("burst-%d", i))
	})
	counts, slowest := checkBurst(t, out, http.StatusCreated)
	login := e.afterBurst(t, addr)
	var cases, halfWritten int
	if err := e.db.Get(&cases, `SELECT count(*) FROM cases`); err != nil {
		t.Fatal(err)
	}
	if err := e.db.Get(&halfWritten, `SELECT count(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM case_parties p WHERE p.case_id = c.id)
		OR NOT EXISTS (SELECT 1 FROM deadlines d WHERE d.case_id = c.id) OR NOT EXISTS (SELECT 1 FROM events v WHERE v.case_id = c.id)`); err != nil {
		t.Fatal(err)
	}
	if cases != counts[http.StatusCreated] || halfWritten != 0 {
		t.Fatalf("%d cases for %d answered 201, %d half-written", cases, counts[http.StatusCreated], halfWritten)
	}
	t.Logf("registrations: %v; median %s, p95 %s, slowest %s; login after %s", counts, percentile(out, 0.5), percentile(out, 0.95), slowest, login)
}

// 200 hearing bookings at once on one case against a pool of 10: the same guarantees. Each booking takes the
// case's row lock, so they queue; those that cannot finish in time answer 503.
func TestBurstHearingBookings(t *testing.T) {
	e := setup(t)
	addr := freePort(t)
	e.serve(addr, "FUYI_DB_MAX_CONNS="+burstPool, fmt.Sprintf("FUYI_REQUEST_TIMEOUT=%d", int(burstTimeout.Seconds())))
	wtok, ctok := login(t, addr, "window1"), login(t, addr, "chief1")
	base := "http://" + addr + "/api/v1"
	st, b, err := call("POST", base+"/cases", wtok, testapp.Application("2025-09-26"))
	if err != nil || st != http.StatusCreated {
		t.Fatalf("register: %d %v %s", st, err, b)
	}
	var c struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	if st, b, err := call("POST", fmt.Sprintf("%s/cases/%d/review", base, c.ID), ctok,
		map[string]any{"outcome": "accept", "on": "2025-09-30", "procedure": "ordinary"}); err != nil || st != http.StatusOK {
		t.Fatalf("accept: %d %v %s", st, err, b)
	}
	ids := map[string]int64{}
	for _, u := range []string{"officer1", "officer2", "officer3", "clerk1"} {
		var id int64
		if err := e.db.Get(&id, `SELECT id FROM users WHERE username = $1`, u); err != nil {
			t.Fatal(err)
		}
		ids[u] = id
	}
	if st, b, err := call("PUT", fmt.Sprintf("%s/cases/%d/assignment", base, c.ID), ctok,
		map[string]any{"officer_ids": []int64{ids["officer1"], ids["officer2"]}, "lead_officer_id": ids["officer1"]}); err != nil || st != http.StatusOK {
		t.Fatalf("assign: %d %v %s", st, err, b)
	}
	first := time.Date(2025, 12, 1, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
	out := burst(burstSize, func(i int) *http.Request {
		starts := first.Add(time.Duration(i) * time.Hour) // one-hour slots: no two bookings overlap
		return jsonRequest("POST", fmt.Sprintf("%s/cases/%d/hearings", base, c.ID), ctok, map[string]any{
			"starts_at": starts.Format(time.RFC3339), "ends_at": starts.Add(50 * time.Minute).Format(time.RFC3339),
			"online_link": "https://meeting.example/" + fmt.Sprint(i), "notified_on": "2025-11-03",
			"host_id": ids["officer1"], "panel_ids": []int64{ids["officer2"], ids["officer3"]}, "clerk_id": ids["clerk1"]})
	})
	counts, slowest := checkBurst(t, out, http.StatusCreated)
	login := e.afterBurst(t, addr)
	var hearings, panel int
	if err := e.db.Get(&hearings, `SELECT count(*) FROM hearings`); err != nil {
		t.Fatal(err)
	}
	if err := e.db.Get(&panel, `SELECT count(*) FROM hearing_panel`); err != nil {
		t.Fatal(err)
	}
	if hearings != counts[http.StatusCreated] || panel != 4*hearings {
		t.Fatalf("%d hearings (%d panel rows) for %d answered 201", hearings, panel, counts[http.StatusCreated])
	}
	t.Logf("bookings: %v; median %s, p95 %s, slowest %s; login after %s", counts, percentile(out, 0.5), percentile(out, 0.95), slowest, login)
}
