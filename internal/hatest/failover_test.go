//go:build ha

// Package hatest is the failover test of `make ha-test`: a fresh Patroni/etcd/HAProxy cluster
// (scripts/ha/ha.sh), the real fuyi binary pointed at HAProxy, intake load from cmd/loadgen with an
// Idempotency-Key per request; kill -9 of the leader's postmaster, then of the replicas one by one. It
// asserts that every acknowledged registration exists exactly once, that nothing is half-written, that
// requests during the switch get 503 with Retry-After (never 500, never a hang), that service resumes, that
// the leader keeps serving alone once its replicas are gone (synchronous mode relaxes), that with
// synchronous_mode_strict a commit waits for a replica instead, that alert runs around the failover create
// every notice once, and that replica reads fall back to the primary. Figures go to test-output/ha/.
package hatest

import (
	"bufio"
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
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"

	"fuyi/internal/database"
)

// ---------------------------------------------------------------------------------------------------
// The cluster, as scripts/ha/ha.sh lays it out (ports from HA_BASE, data under HA_DIR)

type cluster struct {
	t       *testing.T
	root    string
	dir     string
	base    int
	nodes   int
	secrets map[string]string
	rwURL   string
	roURL   string
}

func (c *cluster) env() []string {
	return append(os.Environ(), "HA_DIR="+c.dir, "HA_BASE="+strconv.Itoa(c.base), "HA_NODES="+strconv.Itoa(c.nodes))
}

func (c *cluster) script(args ...string) string {
	cmd := exec.Command("bash", append([]string{filepath.Join(c.root, "scripts/ha/ha.sh")}, args...)...)
	cmd.Env = c.env()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		c.t.Fatalf("ha.sh %v: %v\n%s", args, err, stderr.String())
	}
	return string(out)
}

func (c *cluster) restPort(n int) int { return c.base + 50 + n }
func (c *cluster) pgPort(n int) int   { return c.base + 40 + n }

type member struct {
	Name  string `json:"name"`
	Role  string `json:"role"`
	State string `json:"state"`
	Lag   any    `json:"lag"`
}

func (m member) node() int { n, _ := strconv.Atoi(strings.TrimPrefix(m.Name, "node")); return n }

var rest = &http.Client{Timeout: 2 * time.Second}

// members asks any Patroni that answers for the cluster's members.
func (c *cluster) members() []member {
	for n := 1; n <= c.nodes; n++ {
		resp, err := rest.Get(fmt.Sprintf("http://127.0.0.1:%d/cluster", c.restPort(n)))
		if err != nil {
			continue
		}
		var v struct {
			Members []member `json:"members"`
		}
		err = json.NewDecoder(resp.Body).Decode(&v)
		resp.Body.Close()
		if err == nil {
			return v.Members
		}
	}
	return nil
}

func (c *cluster) withRole(role string) []int {
	var out []int
	for _, m := range c.members() {
		if m.Role == role && m.State == "running" {
			out = append(out, m.node())
		}
	}
	return out
}

func (c *cluster) leader() int {
	if l := c.withRole("leader"); len(l) == 1 {
		return l[0]
	}
	return 0
}

// superuser connects to node n directly (not through HAProxy), for what the app role may not see.
func (c *cluster) superuser(n int) *sqlx.DB {
	db, err := sqlx.Open("postgres", fmt.Sprintf("host=127.0.0.1 port=%d user=postgres password=%s dbname=fuyi sslmode=disable connect_timeout=3",
		c.pgPort(n), c.secrets["SUPERUSER_PASSWORD"]))
	if err != nil {
		c.t.Fatal(err)
	}
	db.SetMaxOpenConns(2)
	return db
}

func (c *cluster) syncNames(n int) (string, error) {
	db := c.superuser(n)
	defer db.Close()
	var s string
	err := db.Get(&s, `SHOW synchronous_standby_names`)
	return s, err
}

// waitUntil polls cond every 200 ms for at most d and returns how long it took.
func (c *cluster) waitUntil(what string, d time.Duration, cond func() bool) time.Duration {
	start := time.Now()
	for !cond() {
		if time.Since(start) > d {
			c.t.Fatalf("%s: not reached in %s; members %+v", what, d, c.members())
		}
		time.Sleep(200 * time.Millisecond)
	}
	return time.Since(start)
}

// healthy: a leader, every node running, a synchronous standby, and the leader's walsenders agree.
func (c *cluster) healthy() bool {
	ms := c.members()
	running, sync, leader := 0, 0, 0
	for _, m := range ms {
		if m.State == "running" {
			running++
		}
		switch m.Role {
		case "sync_standby":
			sync++
		case "leader":
			leader = m.node()
		}
	}
	if running != c.nodes || sync == 0 || leader == 0 {
		return false
	}
	db := c.superuser(leader)
	defer db.Close()
	var streaming, syncs int
	if db.Get(&streaming, `SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'`) != nil {
		return false
	}
	db.Get(&syncs, `SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'`)
	return streaming == c.nodes-1 && syncs == 1
}

func readPID(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	return pid
}

func (c *cluster) postmaster(n int) int {
	return readPID(filepath.Join(c.dir, fmt.Sprintf("node%d/data/postmaster.pid", n)))
}

func kill9(t *testing.T, what string, pid int) {
	if pid <= 0 {
		t.Fatalf("no pid for %s", what)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatalf("kill -9 %s (%d): %v", what, pid, err)
	}
}

// killNode kills node n as a server dies: its Patroni and its PostgreSQL, both with SIGKILL.
func (c *cluster) killNode(n int) {
	kill9(c.t, "patroni", readPID(filepath.Join(c.dir, fmt.Sprintf("node%d/patroni.pid", n))))
	kill9(c.t, "postmaster", c.postmaster(n))
}

func (c *cluster) patchConfig(leader int, body string) {
	req, _ := http.NewRequest("PATCH", fmt.Sprintf("http://127.0.0.1:%d/config", c.restPort(leader)), strings.NewReader(body))
	resp, err := rest.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		c.t.Fatalf("PATCH /config %s: %d", body, resp.StatusCode)
	}
}

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

// ---------------------------------------------------------------------------------------------------

func TestFailover(t *testing.T) {
	began := time.Now()
	root := repoRoot(t)
	outDir := filepath.Join(root, "test-output/ha")
	os.MkdirAll(outDir, 0o755)
	tmp, err := os.MkdirTemp("", "fuyi-ha-test-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(tmp, 0o755)
	nodes := 3
	if v := os.Getenv("HA_NODES"); v != "" {
		nodes, _ = strconv.Atoi(v)
	}
	c := &cluster{t: t, root: root, dir: filepath.Join(tmp, "ha"), base: 26400, nodes: nodes}
	if v := os.Getenv("HA_TEST_BASE"); v != "" {
		c.base, _ = strconv.Atoi(v)
	}
	t.Cleanup(func() {
		cmd := exec.Command("bash", filepath.Join(root, "scripts/ha/ha.sh"), "down")
		cmd.Env = c.env()
		cmd.Run()
		os.RemoveAll(tmp)
	})
	bin := build(t, root, tmp, "./cmd/fuyi")
	loadgen := build(t, root, tmp, "./cmd/loadgen")

	t0 := time.Now()
	for _, line := range strings.Split(c.script("up"), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			switch k {
			case "DATABASE_URL":
				c.rwURL = v
			case "DATABASE_REPLICA_URL":
				c.roURL = v
			}
		}
	}
	bootstrap := time.Since(t0)
	c.secrets = map[string]string{}
	if b, err := os.ReadFile(filepath.Join(c.dir, "secrets.env")); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, "="); ok {
				c.secrets[k] = v
			}
		}
	}
	fuyi := func(extraEnv []string, args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(append(os.Environ(), "DATABASE_URL="+c.rwURL), extraEnv...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	for _, args := range [][]string{{"migrate"}, {"seed-demo"}} {
		if out, err := fuyi(nil, args...); err != nil {
			t.Fatalf("fuyi %v through HAProxy: %v\n%s", args, err, out)
		}
	}
	db, err := sqlx.Open("postgres", c.rwURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	// the server, pointed at HAProxy
	addr := freePort(t)
	serveLog, _ := os.Create(filepath.Join(outDir, "serve.log"))
	srv := exec.Command(bin, "serve")
	srv.Env = append(os.Environ(), "DATABASE_URL="+c.rwURL, "DATABASE_REPLICA_URL="+c.roURL, "FUYI_ADDR="+addr,
		"FUYI_LOG_FORMAT=text", "FUYI_SCHEDULER=off")
	srv.Stdout, srv.Stderr = serveLog, serveLog
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Process.Kill(); srv.Wait(); serveLog.Close() })
	for i := 0; ; i++ {
		if r, err := http.Get("http://" + addr + "/status"); err == nil {
			r.Body.Close()
			break
		}
		if i > 100 {
			t.Fatal("server did not start")
		}
		time.Sleep(100 * time.Millisecond)
	}

	// the public site and the statistics read a replica and say so
	bureau := login(t, addr, "bureau1")
	const fresh = "本页数据来自只读副本"
	for _, path := range []string{"/decisions", "/reports?period=2025-09"} {
		if st, body := page(t, addr, path, bureau); st != 200 || !strings.Contains(body, fresh) {
			t.Fatalf("%s on the healthy cluster: %d, freshness shown: %v", path, st, strings.Contains(body, fresh))
		}
	}

	// replica reads on the healthy cluster
	replica, err := database.OpenReplica(db, c.roURL, database.Options{MaxConns: 4}, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer replica.Close()
	var inRecovery bool
	fr, err := replica.Read(context.Background(), func(d *sqlx.DB) error { return d.Get(&inRecovery, `SELECT pg_is_in_recovery()`) })
	if err != nil || !fr.Replica || !inRecovery {
		t.Fatalf("healthy cluster: replica read %+v, in recovery %v, %v", fr, inRecovery, err)
	}

	// ---- phase 1: kill -9 the leader's postmaster under intake load, with alert runs going on
	oldLeader := c.leader()
	if oldLeader == 0 {
		t.Fatal("no leader")
	}
	phase1 := time.Now()
	load1 := startLoad(t, loadgen, addr, outDir, "ha1", 45*time.Second)
	alertEnv := []string{"FUYI_WEBHOOK_URL=http://127.0.0.1:9/hook", "FUYI_WEBHOOK_SECRET=ha-test"}
	var alertOK, alertFailed int
	var alertErrors []string
	stopAlerts := make(chan struct{})
	var alertsDone sync.WaitGroup
	alertsDone.Add(1)
	go func() {
		defer alertsDone.Done()
		for {
			select {
			case <-stopAlerts:
				return
			case <-time.After(500 * time.Millisecond):
			}
			if out, err := fuyi(alertEnv, "alerts", "run", "--date", "2025-10-13"); err != nil {
				alertFailed++
				alertErrors = append(alertErrors, strings.TrimSpace(out))
			} else {
				alertOK++
			}
		}
	}()
	// sample the replica's lag while the load runs
	var maxLag time.Duration
	var ages []time.Duration
	lagDone := make(chan struct{})
	ro, err := sqlx.Open("postgres", c.roURL)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	go func() {
		defer close(lagDone)
		time.Sleep(2 * time.Second)
		for i := 0; i < 24; i++ {
			if f, err := replica.Status(context.Background()); err == nil && f.Lag > maxLag {
				maxLag = f.Lag
			}
			var age float64
			if ro.Get(&age, `SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())`) == nil {
				ages = append(ages, time.Duration(age*float64(time.Second)))
			}
			time.Sleep(500 * time.Millisecond)
		}
	}()
	time.Sleep(15 * time.Second)
	<-lagDone
	sort.Slice(ages, func(i, j int) bool { return ages[i] < ages[j] })
	var lagMax, lagMedian time.Duration
	if len(ages) > 0 {
		lagMax, lagMedian = ages[len(ages)-1], ages[len(ages)/2]
	}
	pm := c.postmaster(oldLeader)
	killedAt := time.Now()
	kill9(t, "leader postmaster", pm)
	newLeader := 0
	promoted := c.waitUntil("a new leader", 60*time.Second, func() bool {
		newLeader = c.leader()
		return newLeader != 0 && newLeader != oldLeader
	})
	rejoined := make(chan time.Duration, 1)
	go func() {
		for !c.healthy() && time.Since(killedAt) < 3*time.Minute {
			time.Sleep(200 * time.Millisecond)
		}
		rejoined <- time.Since(killedAt)
	}()
	load1.wait(t)
	close(stopAlerts)
	alertsDone.Wait()

	f1 := analyse(t, load1, killedAt)
	for st, n := range f1.statuses {
		if st != 201 && st != 503 {
			t.Errorf("answer %d ×%d during the failover (only 201 and 503 allowed; 0 = no answer)", st, n)
		}
	}
	if f1.noRetryAfter > 0 {
		t.Errorf("%d answers 503 without Retry-After", f1.noRetryAfter)
	}
	if f1.slowest > 15*time.Second {
		t.Errorf("a request took %s: the switch must not hang requests", f1.slowest)
	}
	if f1.statuses[503] == 0 {
		t.Errorf("no 503 at all: the kill did not interrupt service (%v)", f1.statuses)
	}
	checkExactlyOnce(t, db, "ha1", f1)
	hidden := committedBeforeRefusal(db, load1, f1)
	var cases int
	db.Get(&cases, `SELECT count(*) FROM cases`)
	if cases != f1.keys {
		t.Fatalf("%d cases for %d keys", cases, f1.keys)
	}
	var internal int
	if b, err := os.ReadFile(filepath.Join(outDir, "serve.log")); err == nil {
		internal = strings.Count(string(b), "internal error")
	}
	if internal > 0 {
		t.Errorf("%d internal errors in the server log", internal)
	}

	// alert runs around the failover: each notice once, each with its outbox message, no run half-done
	rejoin := <-rejoined
	c.waitUntil("the old leader back as a replica and all nodes streaming", 10*time.Second, c.healthy)
	var finalRuns []string
	for i := 0; i < 2; i++ {
		out, err := fuyi(alertEnv, "alerts", "run", "--date", "2025-10-13")
		if err != nil {
			t.Fatalf("alert run after the failover: %v %s", err, out)
		}
		finalRuns = append(finalRuns, strings.TrimSpace(out))
	}
	if !strings.Contains(finalRuns[1], ": 0 notices created") {
		t.Errorf("a repeated alert run created notices again: %s", finalRuns[1])
	}
	var dupNotices, dupOutbox, withoutOutbox, unfinished, notices int
	db.Get(&notices, `SELECT count(*) FROM notices WHERE created_at >= $1`, phase1)
	db.Get(&dupNotices, `SELECT count(*) FROM (SELECT 1 FROM notices WHERE deadline_id IS NOT NULL GROUP BY user_id, deadline_id, due_on, level HAVING count(*) > 1) d`)
	db.Get(&dupOutbox, `SELECT count(*) FROM (SELECT 1 FROM outbox GROUP BY notice_id, channel HAVING count(*) > 1) d`)
	db.Get(&withoutOutbox, `SELECT count(*) FROM notices n WHERE n.created_at >= $1 AND n.kind IN ('deadline', 'review_lapsed', 'digest', 'calendar_missing')
		AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.notice_id = n.id AND o.channel = 'webhook')`, phase1)
	db.Get(&unfinished, `SELECT count(*) FROM job_runs WHERE finished_at IS NULL`)
	if notices == 0 || dupNotices != 0 || dupOutbox != 0 || withoutOutbox != 0 || unfinished != 0 {
		t.Errorf("alerts across the failover: %d notices, %d duplicated, %d duplicated outbox messages, %d without their message, %d unfinished runs",
			notices, dupNotices, dupOutbox, withoutOutbox, unfinished)
	}
	if alertOK == 0 {
		t.Errorf("no alert run succeeded during phase 1 (%d failed)", alertFailed)
	}

	// ---- phase 2: the replicas die one by one; the leader keeps serving
	leader := c.leader()
	load2 := startLoad(t, loadgen, addr, outDir, "ha2", 40*time.Second)
	time.Sleep(8 * time.Second)
	type death struct {
		node    int
		at      time.Time
		settled time.Duration
		what    string
	}
	var deaths []death
	killed := map[int]bool{} // a killed node stays listed until its member key expires (ttl)
	for {
		var victim int
		for _, role := range []string{"sync_standby", "replica"} {
			for _, n := range c.withRole(role) {
				if victim == 0 && !killed[n] {
					victim = n
				}
			}
		}
		if victim == 0 {
			break
		}
		d := death{node: victim, at: time.Now()}
		c.killNode(victim)
		killed[victim] = true
		left := 0
		for n := 1; n <= c.nodes; n++ {
			if n != leader && !killed[n] {
				left++
			}
		}
		if left > 0 {
			d.what = "another replica became the synchronous standby"
			d.settled = c.waitUntil(d.what, 30*time.Second, func() bool {
				s := c.withRole("sync_standby")
				return len(s) == 1 && !killed[s[0]]
			})
		} else {
			d.what = "the leader dropped synchronous replication (synchronous_standby_names empty)"
			d.settled = c.waitUntil(d.what, 30*time.Second, func() bool {
				s, err := c.syncNames(leader)
				return err == nil && s == ""
			})
		}
		deaths = append(deaths, d)
		time.Sleep(6 * time.Second)
	}
	// alone: replica reads fall back to the primary
	for _, path := range []string{"/decisions", "/reports?period=2025-09"} {
		if st, body := page(t, addr, path, bureau); st != 200 || strings.Contains(body, fresh) {
			t.Errorf("%s with no replica left: %d, freshness shown: %v", path, st, strings.Contains(body, fresh))
		}
	}
	var port int
	fr, err = replica.Read(context.Background(), func(d *sqlx.DB) error { return d.Get(&port, `SELECT current_setting('port')::int`) })
	if err != nil || fr.Replica || port != c.pgPort(leader) {
		t.Errorf("replica read with no replica left: %+v from port %d, %v", fr, port, err)
	}
	load2.wait(t)
	lastDeath := deaths[len(deaths)-1].at
	f2 := analyse(t, load2, time.Time{})
	for st, n := range f2.statuses {
		if st != 201 {
			t.Errorf("phase 2: answer %d ×%d while the leader stayed up (want only 201)", st, n)
		}
	}
	checkExactlyOnce(t, db, "ha2", f2)
	var afterAlone int
	var aloneEnd time.Time
	for _, a := range load2.attempts {
		if a.Status == 201 && a.end().After(lastDeath.Add(deaths[len(deaths)-1].settled)) {
			afterAlone++
		}
		if a.end().After(aloneEnd) {
			aloneEnd = a.end()
		}
	}
	alone := float64(afterAlone) / aloneEnd.Sub(lastDeath.Add(deaths[len(deaths)-1].settled)).Seconds()

	// ---- phase 3: synchronous_mode_strict — the lone leader makes commits wait for a replica
	c.patchConfig(leader, `{"synchronous_mode_strict": true}`)
	strictSet := c.waitUntil("strict: synchronous_standby_names = '*'", 30*time.Second, func() bool {
		s, err := c.syncNames(leader)
		return err == nil && s == "*"
	})
	probe, err := sqlx.Open("postgres", c.rwURL+"&application_name=ha-strict-probe")
	if err != nil {
		t.Fatal(err)
	}
	defer probe.Close()
	committed := make(chan error, 1)
	go func() {
		_, err := probe.Exec(`INSERT INTO login_attempts (username, ip, ok) VALUES ('ha-strict-probe', '127.0.0.1', false)`)
		committed <- err
	}()
	su := c.superuser(leader)
	waiting := c.waitUntil("the commit waiting for a synchronous standby", 10*time.Second, func() bool {
		var n int
		su.Get(&n, `SELECT count(*) FROM pg_stat_activity WHERE application_name = 'ha-strict-probe' AND wait_event = 'SyncRep'`)
		return n == 1
	})
	su.Close()
	select {
	case err := <-committed:
		t.Fatalf("strict mode with no replica: the commit returned (%v) instead of waiting", err)
	case <-time.After(3 * time.Second):
	}
	back := deaths[0].node
	c.script("start-node", strconv.Itoa(back))
	restarted := time.Now()
	var strictWait time.Duration
	select {
	case err := <-committed:
		if err != nil {
			t.Fatalf("the waiting commit failed once a replica returned: %v", err)
		}
		strictWait = time.Since(restarted)
	case <-time.After(90 * time.Second):
		t.Fatal("the waiting commit did not complete after a replica returned")
	}
	c.patchConfig(leader, `{"synchronous_mode_strict": false}`)
	for _, d := range deaths[1:] {
		c.script("start-node", strconv.Itoa(d.node))
	}
	c.waitUntil("all nodes back and streaming", 120*time.Second, c.healthy)

	// ---- the figures
	var sb strings.Builder
	fmt.Fprintf(&sb, "HA failover test (make ha-test), %s, %d nodes, total %s\n", began.Format("2006-01-02 15:04"), c.nodes, time.Since(began).Round(time.Second))
	fmt.Fprintf(&sb, "cluster bootstrap (initdb, base backups, HAProxy): %s\n", bootstrap.Round(100*time.Millisecond))
	fmt.Fprintf(&sb, "\nphase 1 — kill -9 of the leader's postmaster (node%d) under intake load (8 workers, 45 s):\n", oldLeader)
	fmt.Fprintf(&sb, "  new leader node%d seen by Patroni's REST API %s after the kill\n", newLeader, promoted.Round(100*time.Millisecond))
	fmt.Fprintf(&sb, "  time without service (kill → first acknowledgement of a request sent after it): %s\n", f1.outage.Round(10*time.Millisecond))
	fmt.Fprintf(&sb, "  refusals (503) from %s to %s after the kill\n", f1.firstRefusal.Sub(killedAt).Round(10*time.Millisecond),
		f1.lastRefusal.Sub(killedAt).Round(10*time.Millisecond))
	fmt.Fprintf(&sb, "  throughput: %.1f registrations/s in the 10 s before, %.1f/s from 5 s after recovery to the end\n", f1.before, f1.after)
	fmt.Fprintf(&sb, "  requests %d (keys %d): %v (0 = no answer); 503 without Retry-After %d; slowest answer %s\n",
		f1.requests, f1.keys, f1.statuses, f1.noRetryAfter, f1.slowest.Round(time.Millisecond))
	fmt.Fprintf(&sb, "  keys retried after the run %d (%d attempts), all 201; of them answered 503 although committed: %d\n", f1.retriedKeys, f1.retryAttempts, hidden)
	fmt.Fprintf(&sb, "  database: %d cases for %d keys, duplicates 0, half-written 0; internal errors in the log %d\n", cases, f1.keys, internal)
	fmt.Fprintf(&sb, "  old leader back as a replica (pg_rewind), all nodes streaming, a synchronous standby: %s after the kill\n", rejoin.Round(100*time.Millisecond))
	fmt.Fprintf(&sb, "  replicas under load before the kill: age of the last replayed commit at most %s (median %s); reported lag %s\n",
		lagMax.Round(time.Millisecond), lagMedian.Round(time.Millisecond), maxLag.Round(time.Millisecond))
	fmt.Fprintf(&sb, "  alert runs during phase 1: %d succeeded, %d failed during the switch; after it: %q then %q; duplicates 0\n",
		alertOK, alertFailed, finalRuns[0], finalRuns[1])
	fmt.Fprintf(&sb, "\nphase 2 — replicas killed (Patroni and postmaster, kill -9) under load (8 workers, 40 s):\n")
	for _, d := range deaths {
		fmt.Fprintf(&sb, "  node%d killed: %s after %s\n", d.node, d.what, d.settled.Round(100*time.Millisecond))
	}
	fmt.Fprintf(&sb, "  requests %d: %v; slowest answer %s (commits waiting while Patroni relaxed synchronous mode)\n",
		f2.requests, f2.statuses, f2.slowest.Round(time.Millisecond))
	fmt.Fprintf(&sb, "  throughput with the leader alone: %.1f registrations/s\n", alone)
	fmt.Fprintf(&sb, "  replica read with no replica left: served by the primary (port %d); /decisions and /reports answer 200 from the\n", port)
	fmt.Fprintf(&sb, "  primary without the freshness note they showed while a replica served them\n")
	fmt.Fprintf(&sb, "\nphase 3 — synchronous_mode_strict on, leader alone: synchronous_standby_names '*' after %s; a commit waited (SyncRep) within %s,\n",
		strictSet.Round(100*time.Millisecond), waiting.Round(100*time.Millisecond))
	fmt.Fprintf(&sb, "  and completed %s after node%d was started again\n", strictWait.Round(100*time.Millisecond), back)
	if alertFailed > 0 {
		fmt.Fprintf(&sb, "\nfirst failed alert run: %s\n", firstLine(alertErrors[0]))
	}
	os.WriteFile(filepath.Join(outDir, "failover.txt"), []byte(sb.String()), 0o644)
	t.Log("\n" + sb.String())
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
