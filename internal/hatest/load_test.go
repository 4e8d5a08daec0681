//go:build ha

package hatest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
)

// ---------------------------------------------------------------------------------------------------
// The application

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

func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func build(t *testing.T, root, dir, pkg string) string {
	out := filepath.Join(dir, filepath.Base(pkg))
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build %s: %v\n%s", pkg, err, b)
	}
	return out
}

// attempt is one line of loadgen's -keys file.
type attempt struct {
	Key        string `json:"key"`
	Seq        int64  `json:"seq"`
	Retry      int    `json:"retry"`
	Status     int    `json:"status"`
	RetryAfter string `json:"retry_after"`
	Code       string `json:"code"`
	CaseID     int64  `json:"case_id"`
	StartUS    int64  `json:"start_us"`
	EndUS      int64  `json:"end_us"`
	Error      string `json:"error"`
}

func (a attempt) start() time.Time { return time.UnixMicro(a.StartUS) }
func (a attempt) end() time.Time   { return time.UnixMicro(a.EndUS) }

type loadRun struct {
	prefix   string
	cmd      *exec.Cmd
	out      bytes.Buffer
	keysFile string
	attempts []attempt
}

func startLoad(t *testing.T, loadgen, addr, outDir, prefix string, d time.Duration) *loadRun {
	r := &loadRun{prefix: prefix, keysFile: filepath.Join(outDir, prefix+"-keys.jsonl")}
	r.cmd = exec.Command(loadgen, "-url", "http://"+addr, "-n", "0", "-c", "8", "-duration", d.String(),
		"-prefix", prefix, "-keys", r.keysFile, "-retry", "90s", "-timeout", "60s")
	r.cmd.Stdout, r.cmd.Stderr = &r.out, &r.out
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *loadRun) wait(t *testing.T) {
	err := r.cmd.Wait()
	t.Logf("loadgen %s:\n%s", r.prefix, r.out.String())
	if err != nil {
		t.Fatalf("loadgen %s: %v (some keys never got a 201)", r.prefix, err)
	}
	f, err := os.Open(r.keysFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var a attempt
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatal(err)
		}
		r.attempts = append(r.attempts, a)
	}
}

// figures of one load run around an instant (the kill)
type figures struct {
	requests, keys, retriedKeys, retryAttempts int
	statuses                                   map[int]int
	noRetryAfter                               int
	slowest                                    time.Duration
	before, after                              float64       // acknowledged registrations per second
	outage                                     time.Duration // kill → first acknowledgement of a request sent after it
	firstRefusal, lastRefusal                  time.Time
	ids                                        map[int64]int64 // seq → case id answered 201
}

func analyse(t *testing.T, r *loadRun, at time.Time) figures {
	f := figures{statuses: map[int]int{}, ids: map[int64]int64{}}
	var okEnds []time.Time
	runEnd := time.Time{}
	seqs := map[int64]bool{}
	retried := map[int64]bool{}
	for _, a := range r.attempts {
		if a.Retry == 0 {
			f.requests++
			f.statuses[a.Status]++
			seqs[a.Seq] = true
			if a.end().After(runEnd) {
				runEnd = a.end()
			}
			if a.Status == 201 {
				okEnds = append(okEnds, a.end())
			}
		} else {
			f.retryAttempts++
			retried[a.Seq] = true
		}
		if a.Status == 503 && a.RetryAfter == "" {
			f.noRetryAfter++
		}
		if d := a.end().Sub(a.start()); d > f.slowest {
			f.slowest = d
		}
		if a.Status == 201 {
			if prev, ok := f.ids[a.Seq]; ok && prev != a.CaseID {
				t.Errorf("key %s answered 201 with two different cases %d and %d", a.Key, prev, a.CaseID)
			}
			f.ids[a.Seq] = a.CaseID
		}
	}
	f.keys, f.retriedKeys = len(seqs), len(retried)
	sort.Slice(okEnds, func(i, j int) bool { return okEnds[i].Before(okEnds[j]) })
	if at.IsZero() {
		return f
	}
	// service is back when a request sent after the kill is acknowledged
	var first time.Time
	var nBefore, nAfter int
	for _, a := range r.attempts {
		if a.Retry == 0 && a.Status == 201 && a.start().After(at) && (first.IsZero() || a.end().Before(first)) {
			first = a.end()
		}
		if a.Retry == 0 && a.Status != 201 {
			if f.firstRefusal.IsZero() || a.start().Before(f.firstRefusal) {
				f.firstRefusal = a.start()
			}
			if a.end().After(f.lastRefusal) {
				f.lastRefusal = a.end()
			}
		}
	}
	for _, e := range okEnds {
		if e.Before(at) && e.After(at.Add(-10*time.Second)) {
			nBefore++
		}
	}
	if first.IsZero() {
		t.Fatalf("%s: no request sent after %s was acknowledged", r.prefix, at.Format("15:04:05.000"))
	}
	f.outage = first.Sub(at)
	from := first.Add(5 * time.Second)
	for _, e := range okEnds {
		if !e.Before(from) {
			nAfter++
		}
	}
	f.before = float64(nBefore) / 10
	if span := runEnd.Sub(from).Seconds(); span > 0 {
		f.after = float64(nAfter) / span
	}
	return f
}

// checkExactlyOnce: every key of the run has exactly one answered idempotency record and one case, every
// acknowledged case exists, and no case lacks its parties, deadlines or audit event.
func checkExactlyOnce(t *testing.T, db *sqlx.DB, prefix string, f figures) {
	if len(f.ids) != f.keys {
		t.Fatalf("%s: %d keys, %d with a 201 after the retries", prefix, f.keys, len(f.ids))
	}
	var answered, claimed, distinct int
	db.Get(&claimed, `SELECT count(*) FROM idempotency_keys WHERE key LIKE $1`, prefix+"-%")
	db.Get(&answered, `SELECT count(*) FROM idempotency_keys WHERE key LIKE $1 AND status = 201`, prefix+"-%")
	db.Get(&distinct, `SELECT count(DISTINCT convert_from(body, 'UTF8')::json->>'id') FROM idempotency_keys WHERE key LIKE $1`, prefix+"-%")
	if claimed != f.keys || answered != f.keys || distinct != f.keys {
		t.Fatalf("%s: %d keys sent; %d claimed, %d answered, %d distinct cases in the database", prefix, f.keys, claimed, answered, distinct)
	}
	ids := make([]string, 0, len(f.ids))
	for _, id := range f.ids {
		ids = append(ids, strconv.FormatInt(id, 10))
	}
	var exist int
	db.Get(&exist, `SELECT count(*) FROM cases WHERE id = ANY(string_to_array($1, ',')::bigint[])`, strings.Join(ids, ","))
	if exist != f.keys {
		t.Fatalf("%s: %d acknowledged registrations, %d of them in the database", prefix, f.keys, exist)
	}
	var half int
	db.Get(&half, `SELECT count(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM case_parties p WHERE p.case_id = c.id)
		OR NOT EXISTS (SELECT 1 FROM deadlines d WHERE d.case_id = c.id) OR NOT EXISTS (SELECT 1 FROM events v WHERE v.case_id = c.id)`)
	if half != 0 {
		t.Fatalf("%d half-written cases (without parties, deadlines or audit event)", half)
	}
}

// committedBeforeRefusal counts keys answered 503 whose registration had in fact committed (the retry
// replayed a case created before the 503 was answered): the connection died during COMMIT.
func committedBeforeRefusal(db *sqlx.DB, r *loadRun, f figures) int {
	refused := map[int64]time.Time{}
	for _, a := range r.attempts {
		if a.Retry == 0 && a.Status != 201 {
			if e, ok := refused[a.Seq]; !ok || a.end().After(e) {
				refused[a.Seq] = a.end()
			}
		}
	}
	n := 0
	for seq, end := range refused {
		var created time.Time
		if db.Get(&created, `SELECT created_at FROM cases WHERE id = $1`, f.ids[seq]) == nil && created.Before(end) {
			n++
		}
	}
	return n
}

func login(t *testing.T, addr, user string) string {
	body, _ := json.Marshal(map[string]string{"username": user, "password": "fuyi-demo-2025"})
	resp, err := http.Post("http://"+addr+"/api/v1/sessions", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v struct {
		Token string `json:"token"`
	}
	if resp.StatusCode != 201 || json.NewDecoder(resp.Body).Decode(&v) != nil {
		t.Fatalf("login %s: %d", user, resp.StatusCode)
	}
	return v.Token
}

func page(t *testing.T, addr, path, token string) (int, string) {
	req, _ := http.NewRequest("GET", "http://"+addr+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}
