package faults

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"fuyi/internal/testapp"
)

// uploadOnce sends one multipart upload of content, slowly (in 256 KB pieces), and returns the status and
// the SHA-256 the server answered.
func uploadOnce(url, token string, content []byte) (int, string, error) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		_ = mw.WriteField("category", "evidence")
		_ = mw.WriteField("title", "证据扫描件")
		fw, err := mw.CreateFormFile("file", "evidence.pdf")
		if err != nil {
			pw.CloseWithError(err)
			return
		}
		for i := 0; i < len(content); i += 256 << 10 {
			end := min(i+256<<10, len(content))
			if _, err := fw.Write(content[i:end]); err != nil {
				pw.CloseWithError(err)
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
		pw.CloseWithError(mw.Close())
	}()
	req, _ := http.NewRequest("POST", url, pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := (&http.Client{Timeout: 60 * time.Second}).Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	var out struct {
		SHA256 string `json:"sha256"`
	}
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &out)
	return resp.StatusCode, out.SHA256, nil
}

// kill -9 while files are being written: afterwards every record has all its bytes (hashing to its
// SHA-256), no bytes are without a record, every upload answered 201 is there intact, and the restarted
// server serves them.
func TestKillDuringUpload(t *testing.T) {
	e := setup(t)
	addr := freePort(t)
	limits := []string{"FUYI_BODY_LIMIT_KB=20480", "FUYI_UPLOAD_LIMIT=16MB", "FUYI_REQUEST_TIMEOUT=60"}
	t0 := time.Now()
	srv := e.serve(addr, limits...)
	token := login(t, addr, "window1")
	st, b, err := call("POST", "http://"+addr+"/api/v1/cases", token, testapp.Application("2025-09-26"))
	if err != nil || st != 201 {
		t.Fatalf("register: %d %v %s", st, err, b)
	}
	var c struct {
		ID int64 `json:"id"`
	}
	json.Unmarshal(b, &c)
	path := fmt.Sprintf("/api/v1/cases/%d/files", c.ID)

	var mu sync.Mutex
	answered := map[string]bool{} // SHA-256 answered 201
	var done atomic.Int32
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				content := make([]byte, 4<<20)
				rand.Read(content)
				copy(content, "%PDF-1.7\n")
				st, sum, err := uploadOnce("http://"+addr+path, token, content)
				if err != nil {
					return // the server is gone
				}
				want := sha256.Sum256(content)
				if st == 201 {
					if sum != hex.EncodeToString(want[:]) {
						t.Errorf("answered SHA-256 %s for %x", sum, want)
					}
					mu.Lock()
					answered[sum] = true
					mu.Unlock()
					done.Add(1)
				}
			}
		}()
	}
	// kill once some uploads are committed and another is writing its bytes into the database
	deadline := time.Now().Add(60 * time.Second)
	writing := false
	for time.Now().Before(deadline) {
		if done.Load() >= 2 {
			var n int
			e.db.Get(&n, `SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'INSERT INTO file_chunks%' AND state <> 'idle'`)
			if n > 0 {
				writing = true
				break
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Logf("kill after %v", time.Since(t0))
	srv.Process.Signal(syscall.SIGKILL)
	close(stop)
	wg.Wait()
	t.Logf("clients done after %v", time.Since(t0))
	if !writing {
		t.Fatalf("the kill did not land while bytes were being written (%d uploads done)", done.Load())
	}
	// PostgreSQL ends the killed server's sessions; wait until their transactions are gone
	for i := 0; i < 100; i++ {
		var n int
		e.db.Get(&n, `SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'INSERT INTO file_chunks%' AND state <> 'idle'`)
		if n == 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	var records, incomplete, orphans int
	e.db.Get(&records, `SELECT count(*) FROM case_files`)
	e.db.Get(&incomplete, `SELECT count(*) FROM case_files f WHERE f.size <> coalesce((SELECT sum(length(data)) FROM file_chunks c WHERE c.file_id = f.id), 0)
		OR f.sha256 <> sha256(coalesce((SELECT string_agg(data, ''::bytea ORDER BY seq) FROM file_chunks c WHERE c.file_id = f.id), ''::bytea))`)
	e.db.Get(&orphans, `SELECT count(*) FROM file_chunks c WHERE NOT EXISTS (SELECT 1 FROM case_files f WHERE f.id = c.file_id)`)
	if incomplete != 0 || orphans != 0 {
		t.Fatalf("after kill -9: %d records without all their bytes, %d chunks without a record", incomplete, orphans)
	}
	var stored []string
	e.db.Select(&stored, `SELECT encode(sha256, 'hex') FROM case_files`)
	have := map[string]bool{}
	for _, s := range stored {
		have[s] = true
	}
	for sum := range answered {
		if !have[sum] {
			t.Fatalf("an upload answered 201 (%s) is not stored", sum)
		}
	}
	// the restarted server serves a stored file byte for byte
	addr2 := freePort(t)
	e.serve(addr2, limits...)
	token = login(t, addr2, "window1")
	var id int64
	e.db.Get(&id, `SELECT min(id) FROM case_files`)
	req, _ := http.NewRequest("GET", fmt.Sprintf("http://%s%s/%d", addr2, path, id), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	sum := sha256.Sum256(body)
	var want string
	e.db.Get(&want, `SELECT encode(sha256, 'hex') FROM case_files WHERE id = $1`, id)
	if resp.StatusCode != 200 || hex.EncodeToString(sum[:]) != want || !bytes.HasPrefix(body, []byte("%PDF-")) {
		t.Fatalf("download after restart: %d, %d bytes, sha %x want %s", resp.StatusCode, len(body), sum, want)
	}
	t.Logf("killed while writing: %d uploads answered 201, %d records after the kill, all complete, no orphan bytes", len(answered), records)
}
