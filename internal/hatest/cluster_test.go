//go:build ha

package hatest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
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
