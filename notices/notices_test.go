package notices_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"fuyi/cases"
	"fuyi/internal/calendar"
	"fuyi/internal/date"
	"fuyi/internal/testapp"
	"fuyi/notices"
)

var today = date.MustParse("2026-11-22")

func cal(t testing.TB) *calendar.Calendar {
	f, err := os.Open("../data/cn_holidays.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	days, _ := calendar.ParseCSV(f)
	return calendar.New(days, []int{2024, 2025, 2026})
}

// Levels around 国庆 and the 调休 Saturday 2025-10-11: approaching = within the next 3 working days.
func TestLevelsAroundHolidays(t *testing.T) {
	c := cal(t)
	on := date.MustParse("2025-09-29")
	end := notices.WindowEnd(c, on, 3) // 09-30, 10-09, 10-10
	if end.String() != "2025-10-10" {
		t.Fatalf("window end %s", end)
	}
	cases := map[string]string{"2025-09-28": "overdue", "2025-09-29": "due", "2025-10-08": "approaching", "2025-10-10": "approaching", "2025-10-11": ""}
	for due, want := range cases {
		if got := notices.Level(on, date.MustParse(due), end); got != want {
			t.Errorf("due %s on %s: %q, want %q", due, on, got, want)
		}
	}
	if end := notices.WindowEnd(c, date.MustParse("2025-10-09"), 3); end.String() != "2025-10-13" { // 10-10, Sat 10-11 (调休), 10-13
		t.Fatalf("window over the 调休 Saturday: %s", end)
	}
}

func runner(a *testapp.App, out *notices.Outbox) *notices.Runner {
	r := *a.Server.Alerts
	r.Outbox = out
	r.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	return &r
}

func count(t *testing.T, a *testapp.App, q string, args ...any) int {
	t.Helper()
	var n int
	if err := a.DB.Get(&n, q, args...); err != nil {
		t.Fatal(err)
	}
	return n
}

// Each (deadline, level) makes exactly one notice per person who must know, however often the job runs.
func TestAlertsIdempotentAndRecipients(t *testing.T) {
	a := testapp.New(t, today)
	id := a.Register("window1", "2025-09-26") // review due 2025-10-10
	r := runner(a, nil)
	ctx := context.Background()
	res, err := r.RunOn(ctx, date.MustParse("2025-10-08")) // approaching
	if err != nil {
		t.Fatal(err)
	}
	// recipients of a review deadline: chief1 and the window that registered it (window1), not window2
	if res.Created != 2 {
		t.Fatalf("created %d, want 2", res.Created)
	}
	if n := count(t, a, `SELECT count(*) FROM notices n JOIN users u ON u.id = n.user_id WHERE n.kind = 'deadline' AND u.username IN ('chief1', 'window1') AND n.level = 'approaching'`); n != 2 {
		t.Fatalf("recipients: %d", n)
	}
	for i := 0; i < 3; i++ {
		if res, _ := r.RunOn(ctx, date.MustParse("2025-10-08")); res.Created != 0 || res.Digests != 0 {
			t.Fatalf("rerun created %+v", res)
		}
	}
	res, _ = r.RunOn(ctx, date.MustParse("2025-10-10"))
	if res.Created != 2 {
		t.Fatalf("due day: %d", res.Created)
	}
	res, _ = r.RunOn(ctx, date.MustParse("2025-10-13"))
	if res.Created != 2 || res.Lapsed != 2 {
		t.Fatalf("overdue and lapsed: %+v", res)
	}
	// a deadline met before the next run raises nothing more; the new copy deadline belongs to the team
	a.Accept(id, "2025-10-10", "ordinary")
	a.Assign(id, "officer1", "officer2")
	before := count(t, a, `SELECT count(*) FROM notices WHERE deadline_kind = 'review'`)
	res, _ = r.RunOn(ctx, date.MustParse("2025-10-14"))
	if n := count(t, a, `SELECT count(*) FROM notices WHERE deadline_kind = 'review'`); n != before {
		t.Fatalf("review notices after the review was met: %d, before %d", n, before)
	}
	// the copy deadline (due 2025-10-21) is approaching on 10-16 for the team and the chief
	res, _ = r.RunOn(ctx, date.MustParse("2025-10-16"))
	if n := count(t, a, `SELECT count(*) FROM notices WHERE deadline_kind = 'copy' AND level = 'approaching'`); n != 3 {
		t.Fatalf("copy deadline recipients: %d (res %+v)", n, res)
	}
	if n := count(t, a, `SELECT count(*) FROM notices WHERE kind = 'digest'`); n < 2 {
		t.Fatalf("digests for chief and bureau: %d", n)
	}
}

// Two schedulers (two server processes) running at the same moment create each notice once.
func TestTwoSchedulersAtOnce(t *testing.T) {
	a := testapp.New(t, today)
	for i := 0; i < 10; i++ {
		a.Register("window1", "2025-09-26")
	}
	r1, r2 := runner(a, nil), runner(a, nil)
	var wg sync.WaitGroup
	var total atomic.Int64
	for _, r := range []*notices.Runner{r1, r2, r1, r2} {
		wg.Add(1)
		go func(r *notices.Runner) {
			defer wg.Done()
			res, err := r.RunOn(context.Background(), date.MustParse("2025-10-13"))
			if err != nil {
				t.Error(err)
			}
			total.Add(int64(res.Created))
		}(r)
	}
	wg.Wait()
	if total.Load() != 20 { // 10 deadlines × (chief1 + window1)
		t.Fatalf("created %d in all, want 20", total.Load())
	}
	if n := count(t, a, `SELECT count(*) FROM notices WHERE kind = 'deadline'`); n != 20 {
		t.Fatalf("%d deadline notices stored", n)
	}
}

// fakeSMTP accepts mail after refusing the first `failFirst` connections.
type fakeSMTP struct {
	ln        net.Listener
	failFirst int32
	conns     atomic.Int32
	mu        sync.Mutex
	messages  []string
}

func startSMTP(t *testing.T, failFirst int32) *fakeSMTP {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &fakeSMTP{ln: ln, failFirst: failFirst}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return s
}

func (s *fakeSMTP) serve(c net.Conn) {
	defer c.Close()
	n := s.conns.Add(1)
	w := bufio.NewWriter(c)
	rd := bufio.NewReader(c)
	say := func(l string) { w.WriteString(l + "\r\n"); w.Flush() }
	if n <= s.failFirst {
		say("421 service not available")
		return
	}
	say("220 fake ESMTP")
	var data strings.Builder
	inData := false
	for {
		line, err := rd.ReadString('\n')
		if err != nil {
			return
		}
		if inData {
			if line == ".\r\n" {
				inData = false
				s.mu.Lock()
				s.messages = append(s.messages, data.String())
				s.mu.Unlock()
				say("250 ok")
				continue
			}
			data.WriteString(line)
			continue
		}
		switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250 fake")
		case strings.HasPrefix(cmd, "DATA"):
			inData = true
			say("354 go ahead")
		case strings.HasPrefix(cmd, "QUIT"):
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

// The mail server is down at the first attempt: nothing is lost, the retry delivers once.
func TestOutboxRetriesWithFakeSMTP(t *testing.T) {
	a := testapp.New(t, today)
	a.DB.MustExec(`UPDATE users SET email = username || '@example.cn' WHERE username IN ('chief1', 'window1')`)
	smtpd := startSMTP(t, 1)
	out := &notices.Outbox{DB: a.DB, SMTP: notices.SMTPConfig{Addr: smtpd.ln.Addr().String(), From: "fuyi@example.cn", TLS: "none"}, Label: cases.DeadlineLabel}
	a.Register("window1", "2025-09-26")
	if _, err := runner(a, out).RunOn(context.Background(), date.MustParse("2025-10-10")); err != nil {
		t.Fatal(err)
	}
	queued := count(t, a, `SELECT count(*) FROM outbox WHERE channel = 'email'`)
	if queued < 2 {
		t.Fatalf("queued %d e-mails", queued)
	}
	sent, failed, err := out.Deliver(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if failed < 1 {
		t.Fatalf("first delivery should meet the failing server: sent %d failed %d", sent, failed)
	}
	if n := count(t, a, `SELECT count(*) FROM outbox WHERE sent_at IS NULL AND last_error <> '' AND next_attempt_at > now()`); n < 1 {
		t.Fatal("a failed message must wait for its backoff")
	}
	a.DB.MustExec(`UPDATE outbox SET next_attempt_at = now() WHERE sent_at IS NULL`) // the backoff has passed
	if _, _, err := out.Deliver(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, _, err := out.Deliver(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := count(t, a, `SELECT count(*) FROM outbox WHERE sent_at IS NULL`); n != 0 {
		t.Fatalf("%d messages unsent", n)
	}
	smtpd.mu.Lock()
	got := len(smtpd.messages)
	body := strings.Join(smtpd.messages, "\n")
	smtpd.mu.Unlock()
	if got != queued {
		t.Fatalf("server received %d messages for %d queued: nothing lost, nothing twice", got, queued)
	}
	for _, secret := range []string{"张三", "11010519491231002X", "13800138000"} {
		if strings.Contains(body, secret) {
			t.Fatalf("mail carries personal data %q", secret)
		}
	}
}

// The webhook is signed (HMAC-SHA256 over timestamp.body) and retried after a failure.
func TestWebhookSignedAndRetried(t *testing.T) {
	a := testapp.New(t, today)
	var calls atomic.Int32
	var valid atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if "sha256="+notices.Sign("s3cret", r.Header.Get("X-Fuyi-Timestamp"), b) == r.Header.Get("X-Fuyi-Signature") {
			valid.Add(1)
		}
		if calls.Add(1) == 1 {
			w.WriteHeader(500)
			return
		}
		w.WriteHeader(204)
	}))
	defer srv.Close()
	out := &notices.Outbox{DB: a.DB, Webhook: notices.WebhookConfig{URL: srv.URL, Secret: "s3cret"}, Label: cases.DeadlineLabel}
	a.Register("window1", "2025-09-26")
	runner(a, out).RunOn(context.Background(), date.MustParse("2025-10-10"))
	queued := count(t, a, `SELECT count(*) FROM outbox WHERE channel = 'webhook'`)
	out.Deliver(context.Background())
	a.DB.MustExec(`UPDATE outbox SET next_attempt_at = now() WHERE sent_at IS NULL`)
	out.Deliver(context.Background())
	if n := count(t, a, `SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL`); n != queued {
		t.Fatalf("sent %d of %d", n, queued)
	}
	if int(calls.Load()) != queued+1 || valid.Load() != calls.Load() {
		t.Fatalf("calls %d (valid signatures %d) for %d messages", calls.Load(), valid.Load(), queued)
	}
}

func TestInboxAPI(t *testing.T) {
	a := testapp.New(t, today)
	a.Register("window1", "2025-09-26")
	runner(a, nil).RunOn(context.Background(), date.MustParse("2025-10-10"))
	var list struct {
		Items []struct {
			ID           int64  `json:"id"`
			Kind         string `json:"kind"`
			CaseID       int64  `json:"case_id"`
			DeadlineKind string `json:"deadline_kind"`
			DueOn        string `json:"due_on"`
			Level        string `json:"level"`
			CreatedAt    string `json:"created_at"`
			ReadAt       *string
		} `json:"items"`
		Total int `json:"total"`
	}
	a.Do("GET", "/api/v1/notices", a.Login("window1"), nil).JSON(t, &list)
	if list.Total != 1 || list.Items[0].Level != "due" || list.Items[0].DeadlineKind != "review" || list.Items[0].DueOn != "2025-10-10" {
		t.Fatalf("window1 inbox: %+v", list)
	}
	id := list.Items[0].ID
	if r := a.Do("POST", fmt.Sprintf("/api/v1/notices/%d/read", id), a.Login("window2"), nil); r.Status != 404 {
		t.Fatalf("another user's notice: %d", r.Status)
	}
	if r := a.Do("POST", fmt.Sprintf("/api/v1/notices/%d/read", id), a.Login("window1"), nil); r.Status != 204 {
		t.Fatalf("read: %d", r.Status)
	}
	a.Do("GET", "/api/v1/notices?unread=true", a.Login("window1"), nil).JSON(t, &list)
	if list.Total != 0 {
		t.Fatalf("unread after reading: %d", list.Total)
	}
	page := string(a.NewBrowserAs("chief1").Get("/notices").Body)
	if !strings.Contains(page, "今日届满") || !strings.Contains(page, `class="count"`) {
		t.Fatal("inbox page lacks the notice or the unread badge")
	}
}
