package faults

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// rssMB reads the resident memory of a process from /proc.
func rssMB(t *testing.T, pid int) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, err := strconv.Atoi(f[1])
			if err != nil {
				t.Fatal(err)
			}
			return kb >> 10
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

// 1,000 connections each declare a 2 MB body (within the default allowance) and send nothing: the server
// reserves nothing for bodies that have not arrived (before the fix each connection cost ~2 MB: 1.1 → 3.1 GB),
// its RSS stays under 200 MB, and a cheap request still answers at once. A body declared over the allowance
// is refused with 413 after its first kilobytes.
func TestSlowClientsDeclaringLargeBodies(t *testing.T) {
	e := setup(t)
	addr := freePort(t)
	srv := e.serve(addr)
	const n = 1000
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	head := "POST /api/v1/cases HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: application/json\r\n" +
		"Content-Length: 2097152\r\n\r\n"
	for i := 0; i < n; i++ {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		if _, err := c.Write([]byte(head)); err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		conns = append(conns, c)
	}
	// the server has read every header (it answers later requests in order); give it time to allocate
	time.Sleep(2 * time.Second)
	rss := rssMB(t, srv.Process.Pid)
	t.Logf("%d idle connections declaring 2 MB each: server RSS %d MB", n, rss)
	t0 := time.Now()
	r, err := (&http.Client{Timeout: 10 * time.Second}).Get("http://" + addr + "/status")
	if err != nil {
		t.Fatalf("a cheap request with %d slow connections open: %v", n, err)
	}
	r.Body.Close()
	took := time.Since(t0)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("/status: %d", r.StatusCode)
	}
	t.Logf("/status answered in %s", took)
	if rss >= 200 {
		t.Fatalf("server RSS %d MB with %d idle connections declaring 2 MB bodies (limit 200 MB)", rss, n)
	}

	// over the allowance: 413 in Chinese after the first few kilobytes (never the whole body read), and the
	// connection is closed
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("POST /api/v1/cases HTTP/1.1\r\nHost: " + addr +
		"\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: 104857600\r\n\r\n" + strings.Repeat(" ", 16<<10))); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("100 MB declared: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !resp.Close {
		t.Fatalf("100 MB declared: %d, close=%v", resp.StatusCode, resp.Close)
	}
}
