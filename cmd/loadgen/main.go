// Command loadgen drives POST /api/v1/cases on a running fuyi server: either as fast as it can with C
// workers for N requests or for a duration (throughput), or at a fixed rate for a duration (latency). It
// prints requests per second, p50/p99 latency and the answers by status. Loopback only: it refuses any host
// but 127.0.0.1 or localhost.
//
// Every request carries its own Idempotency-Key (PREFIX-SEQ) and a body that depends only on SEQ, so a
// request can be repeated exactly. With -keys FILE every attempt is written as one JSON line (key, status,
// Retry-After, case id, start and end times); with -retry D every key that did not get a 201 during the run
// is sent again, same key and same body, until it gets one or D has passed — the way a 司法所 window
// would resubmit after an outage. After a 503 (or a transport error) a worker waits for Retry-After, at
// most -backoff, before its next request.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Attempt is one request and its answer, as written to the -keys file.
type Attempt struct {
	Key        string `json:"key"`
	Seq        int64  `json:"seq"`
	Retry      int    `json:"retry"`                 // 0 during the run, 1… in the retry phase
	Status     int    `json:"status"`                // 0: no HTTP answer (transport error or timeout)
	RetryAfter string `json:"retry_after,omitempty"` // the Retry-After header of the answer
	Code       string `json:"code,omitempty"`        // error.code of a JSON error answer
	CaseID     int64  `json:"case_id,omitempty"`     // id of the case answered with 201
	StartUS    int64  `json:"start_us"`              // Unix microseconds
	EndUS      int64  `json:"end_us"`
	Error      string `json:"error,omitempty"` // transport error
}

func (a Attempt) duration() time.Duration { return time.Duration(a.EndUS-a.StartUS) * time.Microsecond }

type generator struct {
	base, token, prefix string
	client              *http.Client
	backoff             time.Duration
	mu                  sync.Mutex
	attempts            []Attempt
}

// application is the body of request seq: the same bytes every time, so a retry matches its key.
func application(seq int64) []byte {
	b, _ := json.Marshal(map[string]any{"received_on": "2025-09-26", "channel": "window",
		"applicants":           []map[string]any{{"kind": "person", "name": fmt.Sprintf("压测申请人%d", seq), "id_number": "11010519491231002X", "phone": "13800138000", "address": "南京市栖霞区某路1号"}},
		"respondent_agency_id": 1 + seq%6, "act": map[string]any{"title": "行政处罚决定书", "doc_no": "栖市监罚〔2025〕345号", "made_on": "2025-08-01", "known_on": "2025-08-05", "matter": "行政处罚"},
		"requests": "请求撤销被申请人作出的行政处罚决定。", "facts": "申请人认为处罚认定事实不清，适用依据错误。"})
	return b
}

// send posts application seq once and records the attempt; after a refusal it waits as the answer asks.
func (g *generator) send(seq int64, retry int) Attempt {
	key := fmt.Sprintf("%s-%d", g.prefix, seq)
	req, _ := http.NewRequest("POST", g.base+"/api/v1/cases", bytes.NewReader(application(seq)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+g.token)
	req.Header.Set("Idempotency-Key", key)
	a := Attempt{Key: key, Seq: seq, Retry: retry, StartUS: time.Now().UnixMicro()}
	resp, err := g.client.Do(req)
	if err != nil {
		a.EndUS, a.Error = time.Now().UnixMicro(), err.Error()
	} else {
		body, rerr := io.ReadAll(resp.Body)
		if cerr := resp.Body.Close(); rerr == nil {
			rerr = cerr
		}
		a.EndUS, a.Status, a.RetryAfter = time.Now().UnixMicro(), resp.StatusCode, resp.Header.Get("Retry-After")
		var v struct {
			ID    int64 `json:"id"`
			Error struct {
				Code string `json:"code"`
			} `json:"error"`
		}
		if rerr != nil {
			a.Status, a.Error = 0, "reading the answer: "+rerr.Error() // an answer cut short counts as none
		} else if err := json.Unmarshal(body, &v); err != nil && a.Status == 201 {
			a.Error = "201 without a JSON body: " + err.Error()
		}
		a.CaseID, a.Code = v.ID, v.Error.Code
	}
	g.mu.Lock()
	g.attempts = append(g.attempts, a)
	g.mu.Unlock()
	if a.Status != 201 && g.backoff > 0 {
		wait := g.backoff
		if s, err := strconv.Atoi(a.RetryAfter); err == nil && time.Duration(s)*time.Second < wait {
			wait = time.Duration(s) * time.Second
		}
		time.Sleep(wait)
	}
	return a
}

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "server")
	user := flag.String("user", "window1", "login")
	pass := flag.String("password", "fuyi-demo-2025", "password")
	n := flag.Int("n", 2000, "requests (throughput mode); 0 = run for -duration")
	c := flag.Int("c", 8, "concurrent workers")
	rate := flag.Int("rate", 0, "fixed rate in requests per second (latency mode); 0 = as fast as possible")
	dur := flag.Duration("duration", 20*time.Second, "duration of the fixed-rate run, or of the throughput run with -n 0")
	prefix := flag.String("prefix", fmt.Sprintf("load-%d", time.Now().UnixNano()), "Idempotency-Key prefix (key = PREFIX-SEQ)")
	keysOut := flag.String("keys", "", "write every attempt as a JSON line to this file")
	retryFor := flag.Duration("retry", 0, "after the run, resend every key without a 201 (same key, same body) for at most this long")
	backoff := flag.Duration("backoff", 250*time.Millisecond, "after a 503 or a transport error, wait Retry-After but at most this long")
	timeout := flag.Duration("timeout", 30*time.Second, "client timeout of one request")
	flag.Parse()
	u, err := url.Parse(*base)
	if err != nil || (u.Hostname() != "127.0.0.1" && u.Hostname() != "localhost") {
		fmt.Fprintln(os.Stderr, "loadgen: only loopback targets are allowed")
		os.Exit(2)
	}
	g := &generator{base: *base, prefix: *prefix, backoff: *backoff,
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}, Timeout: *timeout}}
	body, _ := json.Marshal(map[string]string{"username": *user, "password": *pass})
	resp, err := g.client.Post(*base+"/api/v1/sessions", "application/json", bytes.NewReader(body))
	if err != nil || resp.StatusCode != 201 {
		fmt.Fprintln(os.Stderr, "loadgen: login failed", err)
		os.Exit(1)
	}
	var s struct {
		Token string `json:"token"`
	}
	derr := json.NewDecoder(resp.Body).Decode(&s)
	if cerr := resp.Body.Close(); derr == nil {
		derr = cerr
	}
	if derr != nil {
		fmt.Fprintln(os.Stderr, "loadgen: login answer:", derr)
		os.Exit(1)
	}
	g.token = s.Token

	var seq atomic.Int64
	start := time.Now()
	if *rate == 0 {
		end := start.Add(*dur)
		var wg sync.WaitGroup
		for w := 0; w < *c; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					if *n == 0 && !time.Now().Before(end) {
						return
					}
					i := seq.Add(1)
					if *n > 0 && i > int64(*n) {
						return
					}
					g.send(i, 0)
				}
			}()
		}
		wg.Wait()
	} else {
		tick := time.NewTicker(time.Second / time.Duration(*rate))
		var wg sync.WaitGroup
		end := time.Now().Add(*dur)
		for time.Now().Before(end) {
			<-tick.C
			wg.Add(1)
			go func() { defer wg.Done(); g.send(seq.Add(1), 0) }()
		}
		tick.Stop()
		wg.Wait()
	}
	elapsed := time.Since(start)
	run := append([]Attempt(nil), g.attempts...)
	report(run, elapsed, *c, *rate)

	if *retryFor > 0 {
		retried, ok, failed := g.retry(run, *c, *retryFor)
		fmt.Printf("retry: %d keys without a 201 resent: %d now 201, %d still failing\n", retried, ok, failed)
		if failed > 0 {
			defer os.Exit(1)
		}
	}
	if *keysOut != "" {
		if err := writeAttempts(*keysOut, g.attempts); err != nil {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
			os.Exit(1)
		}
	}
}

// retry resends every key of run that has no 201 until it gets one or the time is up.
func (g *generator) retry(run []Attempt, workers int, limit time.Duration) (retried, ok, failed int) {
	got := map[int64]bool{}
	for _, a := range run {
		if a.Status == 201 {
			got[a.Seq] = true
		}
	}
	var todo []int64
	seen := map[int64]bool{}
	for _, a := range run {
		if !got[a.Seq] && !seen[a.Seq] {
			seen[a.Seq] = true
			todo = append(todo, a.Seq)
		}
	}
	end := time.Now().Add(limit)
	var next atomic.Int64
	var okN, failN atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := next.Add(1) - 1
				if k >= int64(len(todo)) {
					return
				}
				for try := 1; ; try++ {
					if a := g.send(todo[k], try); a.Status == 201 {
						okN.Add(1)
						break
					}
					if time.Now().After(end) {
						failN.Add(1)
						break
					}
					if g.backoff == 0 {
						time.Sleep(100 * time.Millisecond)
					}
				}
			}
		}()
	}
	wg.Wait()
	return len(todo), int(okN.Load()), int(failN.Load())
}

func report(run []Attempt, elapsed time.Duration, workers, rate int) {
	var lat []time.Duration
	statuses := map[int]int{}
	noRetryAfter, errs := 0, 0
	var slowest time.Duration
	for _, a := range run {
		statuses[a.Status]++
		if a.Status == 201 {
			lat = append(lat, a.duration())
		} else {
			errs++
		}
		if a.Status == 503 && a.RetryAfter == "" {
			noRetryAfter++
		}
		slowest = max(slowest, a.duration())
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	q := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[int(float64(len(lat)-1)*p)]
	}
	mode := fmt.Sprintf("throughput, %d workers", workers)
	if rate > 0 {
		mode = fmt.Sprintf("fixed rate %d/s", rate)
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	fmt.Printf("intake (%s): %d ok, %d errors in %.1fs = %.0f req/s; p50 %.1f ms, p99 %.1f ms\n", mode, len(lat), errs,
		elapsed.Seconds(), float64(len(lat))/elapsed.Seconds(), ms(q(0.5)), ms(q(0.99)))
	if errs > 0 {
		codes := make([]int, 0, len(statuses))
		for st := range statuses {
			codes = append(codes, st)
		}
		sort.Ints(codes)
		line := "answers:"
		for _, st := range codes {
			name := strconv.Itoa(st)
			if st == 0 {
				name = "no answer"
			}
			line += fmt.Sprintf(" %s×%d", name, statuses[st])
		}
		fmt.Printf("%s; 503 without Retry-After: %d; slowest answer %.0f ms\n", line, noRetryAfter, ms(slowest))
	}
}

func writeAttempts(path string, as []Attempt) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for _, a := range as {
		if err := enc.Encode(a); err != nil {
			return errors.Join(err, f.Close())
		}
	}
	return errors.Join(w.Flush(), f.Close())
}
