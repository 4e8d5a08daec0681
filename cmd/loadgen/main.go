// Command loadgen drives POST /api/v1/cases on a running fuyi server: either as fast as it can with C
// workers for N requests (throughput), or at a fixed rate for a duration (latency). It prints requests per
// second, p50/p99 latency and errors. Loopback only: it refuses any host but 127.0.0.1 or localhost.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "server")
	user := flag.String("user", "window1", "login")
	pass := flag.String("password", "fuyi-demo-2025", "password")
	n := flag.Int("n", 2000, "requests (throughput mode)")
	c := flag.Int("c", 8, "concurrent workers")
	rate := flag.Int("rate", 0, "fixed rate in requests per second (latency mode); 0 = as fast as possible")
	dur := flag.Duration("duration", 20*time.Second, "duration of the fixed-rate run")
	flag.Parse()
	u, err := url.Parse(*base)
	if err != nil || (u.Hostname() != "127.0.0.1" && u.Hostname() != "localhost") {
		fmt.Fprintln(os.Stderr, "loadgen: only loopback targets are allowed")
		os.Exit(2)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}, Timeout: 30 * time.Second}
	body, _ := json.Marshal(map[string]string{"username": *user, "password": *pass})
	resp, err := client.Post(*base+"/api/v1/sessions", "application/json", bytes.NewReader(body))
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

	app := func(i int64) []byte {
		b, _ := json.Marshal(map[string]any{"received_on": "2025-09-26", "channel": "window",
			"applicants":           []map[string]any{{"kind": "person", "name": fmt.Sprintf("压测申请人%d", i), "id_number": "11010519491231002X", "phone": "13800138000", "address": "南京市栖霞区某路1号"}},
			"respondent_agency_id": 1 + i%6, "act": map[string]any{"title": "行政处罚决定书", "doc_no": "栖市监罚〔2025〕345号", "made_on": "2025-08-01", "known_on": "2025-08-05", "matter": "行政处罚"},
			"requests": "请求撤销被申请人作出的行政处罚决定。", "facts": "申请人认为处罚认定事实不清，适用依据错误。"})
		return b
	}
	var seq atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	var errs atomic.Int64
	one := func() {
		i := seq.Add(1)
		req, _ := http.NewRequest("POST", *base+"/api/v1/cases", bytes.NewReader(app(i)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+s.Token)
		req.Header.Set("Idempotency-Key", fmt.Sprintf("load-%d-%d", time.Now().UnixNano(), i))
		t0 := time.Now()
		resp, err := client.Do(req)
		d := time.Since(t0)
		if err != nil {
			errs.Add(1)
			return
		}
		_, rerr := io.Copy(io.Discard, resp.Body)
		if cerr := resp.Body.Close(); rerr == nil {
			rerr = cerr
		}
		if rerr != nil || resp.StatusCode != 201 {
			errs.Add(1)
			return
		}
		mu.Lock()
		lat = append(lat, d)
		mu.Unlock()
	}
	start := time.Now()
	if *rate == 0 {
		var wg sync.WaitGroup
		var next atomic.Int64
		for w := 0; w < *c; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for next.Add(1) <= int64(*n) {
					one()
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
			go func() { defer wg.Done(); one() }()
		}
		tick.Stop()
		wg.Wait()
	}
	elapsed := time.Since(start)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	q := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[int(float64(len(lat)-1)*p)]
	}
	mode := fmt.Sprintf("throughput, %d workers", *c)
	if *rate > 0 {
		mode = fmt.Sprintf("fixed rate %d/s", *rate)
	}
	fmt.Printf("intake (%s): %d ok, %d errors in %.1fs = %.0f req/s; p50 %.1f ms, p99 %.1f ms\n", mode, len(lat), errs.Load(),
		elapsed.Seconds(), float64(len(lat))/elapsed.Seconds(), float64(q(0.5).Microseconds())/1000, float64(q(0.99).Microseconds())/1000)
}
