// Package faults runs the real fuyi binary against its own private PostgreSQL and breaks things: kill -9 of
// the server during a stream of intake requests, a PostgreSQL restart under load, and two servers sharing
// one database.
package faults

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"

	"fuyi/internal/testapp"
)

type env struct {
	t     *testing.T
	root  string
	bin   string
	pgDir string
	dbURL string
	db    *sqlx.DB
}

func repoRoot(t *testing.T) string {
	wd, _ := os.Getwd()
	for d := wd; d != "/"; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
	}
	t.Fatal("no go.mod above the test")
	return ""
}

func setup(t *testing.T) *env {
	if _, err := exec.LookPath("go"); err != nil {
		t.Fatal("go toolchain needed to build the binary")
	}
	root := repoRoot(t)
	e := &env{t: t, root: root}
	tmp, err := os.MkdirTemp("", "fuyi-faults-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(tmp, 0o755)
	e.bin = filepath.Join(tmp, "fuyi")
	build := exec.Command("go", "build", "-o", e.bin, "./cmd/fuyi")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	e.pgDir = filepath.Join(tmp, "pg")
	out, err := exec.Command("bash", filepath.Join(root, "scripts/pg.sh"), "start", e.pgDir).Output()
	if err != nil {
		t.Fatalf("private PostgreSQL: %v", err)
	}
	e.dbURL = strings.TrimPrefix(strings.TrimSpace(string(out)), "DATABASE_URL=")
	t.Cleanup(func() {
		if e.db != nil {
			e.db.Close()
		}
		exec.Command("bash", filepath.Join(root, "scripts/pg.sh"), "stop", e.pgDir).Run()
		os.RemoveAll(tmp)
	})
	e.run("migrate")
	e.run("seed-demo")
	if e.db, err = sqlx.Open("postgres", e.dbURL); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) run(args ...string) string {
	cmd := exec.Command(e.bin, args...)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+e.dbURL)
	out, err := cmd.CombinedOutput()
	if err != nil {
		e.t.Fatalf("fuyi %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// serve starts `fuyi serve` on addr (with extra environment variables) and waits until it answers.
func (e *env) serve(addr string, extraEnv ...string) *exec.Cmd {
	cmd := exec.Command(e.bin, "serve")
	cmd.Env = append(append(os.Environ(), "DATABASE_URL="+e.dbURL, "FUYI_ADDR="+addr, "FUYI_LOG_FORMAT=text"), extraEnv...)
	logf, err := os.CreateTemp("", "fuyi-faults-log-")
	if err != nil {
		e.t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		// a failed test shows what the server logged as an internal error
		if b, err := os.ReadFile(logf.Name()); err == nil && e.t.Failed() {
			for _, l := range strings.Split(string(b), "\n") {
				if strings.Contains(l, "internal error") || strings.Contains(l, "panic") {
					e.t.Log("server: " + l)
				}
			}
		}
		_ = logf.Close()
		_ = os.Remove(logf.Name())
	})
	for i := 0; i < 100; i++ {
		if r, err := http.Get("http://" + addr + "/status"); err == nil {
			r.Body.Close()
			return cmd
		}
		time.Sleep(100 * time.Millisecond)
	}
	e.t.Fatal("server did not start")
	return nil
}

var client = &http.Client{Timeout: 10 * time.Second}

func call(method, url, token string, body any, headers ...string) (int, []byte, error) {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, url, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out, nil
}

func login(t *testing.T, addr, user string) string {
	for i := 0; i < 50; i++ {
		st, b, err := call("POST", "http://"+addr+"/api/v1/sessions", "", map[string]string{"username": user, "password": "fuyi-demo-2025"})
		if err == nil && st == 201 {
			var out struct {
				Token string `json:"token"`
			}
			json.Unmarshal(b, &out)
			return out.Token
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("login %s failed", user)
	return ""
}

// kill -9 in the middle of a stream of intake POSTs: every request answered 201 is in the database exactly
// once, and retrying every request with its Idempotency-Key never creates a duplicate.
func TestKillDuringIntake(t *testing.T) {
	e := setup(t)
	addr := freePort(t)
	srv := e.serve(addr)
	token := login(t, addr, "window1")
	const n = 300
	created := make([]string, n) // key → case id answered 201
	var sent atomic.Int32
	var wg sync.WaitGroup
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < n; i += 6 {
				key := fmt.Sprintf("kill-%d", i)
				st, b, err := call("POST", "http://"+addr+"/api/v1/cases", token, testapp.Application("2025-09-26"), "Idempotency-Key", key)
				sent.Add(1)
				if err == nil && st == 201 {
					var v struct {
						ID int64 `json:"id"`
					}
					json.Unmarshal(b, &v)
					created[i] = fmt.Sprint(v.ID)
				}
			}
		}(w)
	}
	for sent.Load() < n/3 {
		time.Sleep(5 * time.Millisecond)
	}
	srv.Process.Signal(syscall.SIGKILL) // no graceful shutdown
	wg.Wait()
	answered := 0
	for _, id := range created {
		if id != "" {
			answered++
		}
	}
	if answered == 0 || answered == n {
		t.Fatalf("the kill should land mid-stream: %d of %d answered", answered, n)
	}
	// restart and retry everything with the same keys
	addr2 := freePort(t)
	e.serve(addr2)
	token = login(t, addr2, "window1")
	for i := 0; i < n; i++ {
		st, b, err := call("POST", "http://"+addr2+"/api/v1/cases", token, testapp.Application("2025-09-26"), "Idempotency-Key", fmt.Sprintf("kill-%d", i))
		if err != nil || st != 201 {
			t.Fatalf("retry %d: %d %v %s", i, st, err, b)
		}
		var v struct {
			ID int64 `json:"id"`
		}
		json.Unmarshal(b, &v)
		if created[i] != "" && created[i] != fmt.Sprint(v.ID) {
			t.Fatalf("retry of an answered request %d returned another case (%s vs %d)", i, created[i], v.ID)
		}
	}
	var cases, keys, parties int
	e.db.Get(&cases, `SELECT count(*) FROM cases`)
	e.db.Get(&keys, `SELECT count(*) FROM idempotency_keys WHERE key LIKE 'kill-%' AND status = 201`)
	e.db.Get(&parties, `SELECT count(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM case_parties p WHERE p.case_id = c.id)
		OR NOT EXISTS (SELECT 1 FROM deadlines d WHERE d.case_id = c.id) OR NOT EXISTS (SELECT 1 FROM events v WHERE v.case_id = c.id)`)
	if cases != n || keys != n {
		t.Fatalf("%d cases and %d keys for %d distinct requests", cases, keys, n)
	}
	if parties != 0 {
		t.Fatalf("%d half-written cases (without parties, deadlines or audit event)", parties)
	}
	t.Logf("killed after %d of %d answered; retries gave exactly %d cases", answered, n, cases)
}

// PostgreSQL restarted under load: requests fail cleanly with 503 and a Chinese message, the server recovers
// by itself, and nothing half-written remains.
func TestDatabaseRestartUnderLoad(t *testing.T) {
	e := setup(t)
	addr := freePort(t)
	e.serve(addr)
	token := login(t, addr, "window1")
	stop := make(chan struct{})
	var mu sync.Mutex
	statuses := map[int]int{}
	bad := []string{}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				st, b, err := call("POST", "http://"+addr+"/api/v1/cases", token, testapp.Application("2025-09-26"), "Idempotency-Key", fmt.Sprintf("pg-%d-%d", w, i))
				mu.Lock()
				if err != nil {
					statuses[-1]++
				} else {
					statuses[st]++
					if st != 201 && !(st == 503 && strings.Contains(string(b), "系统暂时无法访问数据库")) && st != 401 {
						bad = append(bad, fmt.Sprintf("%d %s", st, b))
					}
				}
				mu.Unlock()
				time.Sleep(5 * time.Millisecond)
			}
		}(w)
	}
	time.Sleep(700 * time.Millisecond)
	pg := filepath.Join(e.root, "scripts/pg.sh")
	if out, err := exec.Command("bash", pg, "stop", e.pgDir).CombinedOutput(); err != nil {
		t.Fatalf("stop: %v %s", err, out)
	}
	time.Sleep(1500 * time.Millisecond)
	if out, err := exec.Command("bash", pg, "start", e.pgDir).CombinedOutput(); err != nil {
		t.Fatalf("start: %v %s", err, out)
	}
	// the server recovers by itself
	deadline := time.Now().Add(20 * time.Second)
	for {
		st, _, _ := call("GET", "http://"+addr+"/api/v1/cases", token, nil)
		if st == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not recover: %d", st)
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	close(stop)
	wg.Wait()
	if len(bad) > 0 {
		t.Fatalf("unclean answers during the outage: %v", bad[:min(3, len(bad))])
	}
	if statuses[503] == 0 || statuses[201] == 0 {
		t.Fatalf("expected both 201 and 503 during the restart: %v", statuses)
	}
	e.db.Close()
	e.db = sqlx.MustOpen("postgres", e.dbURL)
	var halfWritten, okKeys, cases int
	e.db.Get(&halfWritten, `SELECT count(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM case_parties p WHERE p.case_id = c.id)
		OR NOT EXISTS (SELECT 1 FROM events v WHERE v.case_id = c.id)`)
	e.db.Get(&okKeys, `SELECT count(*) FROM idempotency_keys WHERE status = 201`)
	e.db.Get(&cases, `SELECT count(*) FROM cases`)
	if halfWritten != 0 || cases != okKeys {
		t.Fatalf("half-written %d, cases %d, answered keys %d", halfWritten, cases, okKeys)
	}
	t.Logf("answers during the restart: %v", statuses)
}

// Two servers on one database: a session opened on one works on the other, concurrent acceptances through
// both give unique gapless numbers, and alert runs on both create each notice once.
func TestTwoServers(t *testing.T) {
	e := setup(t)
	a, b := freePort(t), freePort(t)
	// Acceptance freezes its documents' text in its transaction and renders the PDFs after its answer, on
	// the server's background renderer: twenty simultaneous acceptances wait for their statements only. The
	// deadline is 10 s rather than the default 5 s because the shared 2-core machine of the tests often
	// runs at a load average of 20+.
	e.serve(a, "FUYI_REQUEST_TIMEOUT=10")
	e.serve(b, "FUYI_REQUEST_TIMEOUT=10")
	wtok := login(t, a, "window1")
	if st, _, _ := call("GET", "http://"+b+"/api/v1/cases", wtok, nil); st != 200 {
		t.Fatalf("session from server A refused by server B: %d", st)
	}
	var ids []int64
	for i := 0; i < 20; i++ {
		st, body, _ := call("POST", "http://"+[]string{a, b}[i%2]+"/api/v1/cases", wtok, testapp.Application("2025-09-26"))
		if st != 201 {
			t.Fatalf("register: %d %s", st, body)
		}
		var v struct {
			ID int64 `json:"id"`
		}
		json.Unmarshal(body, &v)
		ids = append(ids, v.ID)
	}
	ctok := login(t, b, "chief1")
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func(i int, id int64) {
			defer wg.Done()
			st, body, _ := call("POST", fmt.Sprintf("http://%s/api/v1/cases/%d/review", []string{a, b}[i%2], id), ctok,
				map[string]any{"outcome": "accept", "on": "2025-09-30", "procedure": "ordinary"})
			if st != 200 {
				t.Errorf("accept: %d %s", st, body)
			}
		}(i, id)
	}
	wg.Wait()
	var serials []int
	e.db.Select(&serials, `SELECT case_serial FROM cases ORDER BY 1`)
	for i, s := range serials {
		if s != i+1 {
			t.Fatalf("numbers not gapless and unique across servers: %v", serials)
		}
	}
	// the two servers' schedulers ran their start-up alert runs; run both CLIs at once as well
	var wg2 sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg2.Add(1)
		go func() { defer wg2.Done(); e.run("alerts", "run", "--date", "2025-10-13") }()
	}
	wg2.Wait()
	var dup int
	e.db.Get(&dup, `SELECT count(*) FROM (SELECT user_id, dedupe_key FROM notices GROUP BY 1, 2 HAVING count(*) > 1) d`)
	var n int
	e.db.Get(&n, `SELECT count(*) FROM notices WHERE kind = 'deadline' AND deadline_kind = 'copy'`)
	if dup != 0 || n == 0 {
		t.Fatalf("duplicates %d, notices %d", dup, n)
	}
	_ = context.Background
}
