package notices_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"fuyi/cases/lawsuits"
	"fuyi/internal/date"
	"fuyi/internal/testapp"
	"fuyi/notices"
)

// testTLS makes a certificate for 127.0.0.1 and the client configuration that trusts it.
func testTLS(t *testing.T) (server, client *tls.Config) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mail.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames: []string{"mail.test"}, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}},
		&tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}

// mailbox is an in-process SMTP server (emersion/go-smtp) that records what it receives and whether the
// connection was encrypted when the message came.
type mailbox struct {
	mu   sync.Mutex
	msgs []received
}

type received struct {
	from, to string
	data     []byte
	tls      bool
	user     string
}

type session struct {
	box  *mailbox
	conn *smtp.Conn
	cur  received
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "alerts" || pass != "mail-pass" {
			return errors.New("bad credentials")
		}
		s.cur.user = user
		return nil
	}), nil
}
func (s *session) Mail(from string, _ *smtp.MailOptions) error { s.cur.from = from; return nil }
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error   { s.cur.to = to; return nil }
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, s.cur.tls = s.conn.TLSConnectionState()
	s.box.mu.Lock()
	s.box.msgs = append(s.box.msgs, received{s.cur.from, s.cur.to, b, s.cur.tls, s.cur.user})
	s.box.mu.Unlock()
	return nil
}
func (s *session) Reset()        {}
func (s *session) Logout() error { return nil }

// startMailbox serves SMTP on a loopback port: implicit TLS when implicit, else plain with STARTTLS.
func startMailbox(t *testing.T, implicit bool, serverTLS *tls.Config) (*mailbox, string) {
	box := &mailbox{}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{box: box, conn: c}, nil }))
	srv.Domain, srv.TLSConfig, srv.ReadTimeout, srv.WriteTimeout = "mail.test", serverTLS, 10*time.Second, 10*time.Second
	var ln net.Listener
	var err error
	if implicit {
		ln, err = tls.Listen("tcp", "127.0.0.1:0", serverTLS)
	} else {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return box, ln.Addr().String()
}

// A real mail client (wneessen/go-mail) delivers the alerts over implicit TLS (port 465 style) and over
// STARTTLS, with SMTP AUTH; each delivered message has a Date header, an FQDN Message-ID, an encoded Chinese
// subject and a Chinese body without internal codes.
func TestMailOverImplicitTLSAndSTARTTLS(t *testing.T) {
	serverTLS, clientTLS := testTLS(t)
	for _, mode := range []string{"tls", "starttls"} {
		t.Run(mode, func(t *testing.T) {
			box, addr := startMailbox(t, mode == "tls", serverTLS)
			a := testapp.New(t, today)
			a.DB.MustExec(`UPDATE users SET email = username || '@example.gov.cn' WHERE username IN ('chief1', 'window1')`)
			out := &notices.Outbox{DB: a.DB, Label: lawsuits.DeadlineLabel, SMTP: notices.SMTPConfig{Addr: addr,
				From: "复议提醒 <alerts@fuyi.example.gov.cn>", Username: "alerts", Password: "mail-pass", TLS: mode, TLSConfig: clientTLS}}
			a.Register("window1", "2025-09-26")
			if _, err := runner(a, out).RunOn(context.Background(), date.MustParse("2025-10-10")); err != nil {
				t.Fatal(err)
			}
			queued := count(t, a, `SELECT count(*) FROM outbox WHERE channel = 'email'`)
			sent, failed, err := out.Deliver(context.Background())
			if err != nil || failed != 0 || sent != queued || queued < 2 {
				var last string
				a.DB.Get(&last, `SELECT coalesce(max(last_error), '') FROM outbox`)
				t.Fatalf("sent %d failed %d of %d: %v %s", sent, failed, queued, err, last)
			}
			box.mu.Lock()
			defer box.mu.Unlock()
			if len(box.msgs) != queued {
				t.Fatalf("the server received %d messages for %d", len(box.msgs), queued)
			}
			dec := new(mime.WordDecoder)
			for _, r := range box.msgs {
				if !r.tls || r.user != "alerts" {
					t.Fatalf("delivered without TLS (%v) or without AUTH (%q)", r.tls, r.user)
				}
				m, err := netmail.ReadMessage(bytes.NewReader(r.data))
				if err != nil {
					t.Fatal(err)
				}
				when, err := m.Header.Date()
				if err != nil || time.Since(when) > time.Minute || time.Since(when) < -time.Minute {
					t.Fatalf("Date header %q: %v", m.Header.Get("Date"), err)
				}
				id := m.Header.Get("Message-ID")
				if !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@fuyi.example.gov.cn>") {
					t.Fatalf("Message-ID %q: the right-hand side must be the sender's FQDN", id)
				}
				subject, err := dec.DecodeHeader(m.Header.Get("Subject"))
				if err != nil || !strings.HasPrefix(subject, "【复议】") || strings.Contains(m.Header.Get("Subject"), "复议") {
					t.Fatalf("Subject %q (decoded %q): must be an encoded Chinese subject", m.Header.Get("Subject"), subject)
				}
				body := decodeBody(t, m)
				if !strings.Contains(body, "请登录复议案件管理系统查看") {
					t.Fatalf("body %q", body)
				}
				for _, code := range []string{"review", "copy", "approaching", "overdue", "deadline"} {
					if strings.Contains(subject+body, code) {
						t.Fatalf("internal code %q in %q / %q", code, subject, body)
					}
				}
			}
		})
	}
}

func decodeBody(t *testing.T, m *netmail.Message) string {
	b, err := io.ReadAll(m.Body)
	if err != nil {
		t.Fatal(err)
	}
	if strings.EqualFold(m.Header.Get("Content-Transfer-Encoding"), "base64") {
		var out bytes.Buffer
		dec := newB64(bytes.NewReader(b))
		if _, err := io.Copy(&out, dec); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	return string(b)
}

// The 企业微信 and 钉钉 group robots get the markdown message they accept (msgtype markdown); 钉钉's 加签
// (timestamp and sign in the query) verifies; a robot's errcode ≠ 0 counts as a failed attempt.
func TestGroupRobotWebhooks(t *testing.T) {
	for _, format := range []string{"wecom", "dingtalk"} {
		t.Run(format, func(t *testing.T) {
			var mu sync.Mutex
			var bodies []map[string]any
			refuse := true
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				defer mu.Unlock()
				if format == "dingtalk" {
					ts := r.URL.Query().Get("timestamp")
					var ms int64
					if _, err := fmtSscan(ts, &ms); err != nil || r.URL.Query().Get("sign") != notices.DingTalkSign("SECdingtalk", ms) {
						w.Write([]byte(`{"errcode":310000,"errmsg":"sign not match"}`))
						return
					}
				}
				if refuse { // the first answer: 200 but a refusal
					refuse = false
					w.Write([]byte(`{"errcode":45009,"errmsg":"api freq out of limit"}`))
					return
				}
				var m map[string]any
				if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
					t.Error(err)
				}
				bodies = append(bodies, m)
				w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
			}))
			defer srv.Close()
			a := testapp.New(t, today)
			secret := ""
			if format == "dingtalk" {
				secret = "SECdingtalk"
			}
			out := &notices.Outbox{DB: a.DB, Label: lawsuits.DeadlineLabel, Webhook: notices.WebhookConfig{URL: srv.URL + "/robot/send?key=k1", Secret: secret, Format: format}}
			a.Register("window1", "2025-09-26")
			if _, err := runner(a, out).RunOn(context.Background(), date.MustParse("2025-10-10")); err != nil {
				t.Fatal(err)
			}
			queued := count(t, a, `SELECT count(*) FROM outbox WHERE channel = 'webhook'`)
			if _, failed, err := out.Deliver(context.Background()); err != nil || failed != 1 {
				t.Fatalf("the refused message must count as failed: %d %v", failed, err)
			}
			a.DB.MustExec(`UPDATE outbox SET next_attempt_at = now() WHERE sent_at IS NULL`)
			if _, _, err := out.Deliver(context.Background()); err != nil {
				t.Fatal(err)
			}
			if n := count(t, a, `SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL`); n != queued {
				t.Fatalf("sent %d of %d", n, queued)
			}
			mu.Lock()
			defer mu.Unlock()
			for _, b := range bodies {
				md, _ := b["markdown"].(map[string]any)
				if b["msgtype"] != "markdown" || md == nil {
					t.Fatalf("not a markdown robot message: %v", b)
				}
				text, _ := md["content"].(string)
				if format == "dingtalk" {
					text, _ = md["text"].(string)
					if title, _ := md["title"].(string); !strings.HasPrefix(title, "【复议】") {
						t.Fatalf("dingtalk markdown needs a title: %v", md)
					}
				}
				if !strings.HasPrefix(text, "### 【复议】") || strings.Contains(text, "copy") || strings.Contains(text, "review") {
					t.Fatalf("markdown text %q", text)
				}
			}
		})
	}
}
