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
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"

	"fuyi/internal/database"
)

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
