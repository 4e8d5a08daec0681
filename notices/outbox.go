package notices

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/wneessen/go-mail"

	"fuyi/internal/date"
)

// SMTPConfig configures e-mail delivery (empty Addr: no e-mail).
type SMTPConfig struct {
	Addr     string // host:port
	From     string
	Username string
	Password string
	// TLS is "starttls" (the connection must be upgraded with STARTTLS), "tls" (implicit TLS from the first
	// byte, port 465 — Tencent and Aliyun enterprise mail) or "none" (a relay on the same machine). Empty:
	// "tls" on port 465, else "starttls".
	TLS string
	// TLSConfig, when set, replaces the default (system roots, ServerName = the host); tests give their CA.
	TLSConfig *tls.Config
}

// SMTPModes are the accepted values of FUYI_SMTP_TLS.
var SMTPModes = []string{"starttls", "tls", "none"}

// mode is the TLS mode in effect.
func (c SMTPConfig) mode() string {
	if c.TLS != "" {
		return c.TLS
	}
	if _, port, _ := net.SplitHostPort(c.Addr); port == "465" {
		return "tls"
	}
	return "starttls"
}

// WebhookConfig configures the webhook (empty URL: no webhook).
type WebhookConfig struct {
	URL    string
	Secret string
	// Format is "fuyi" (the signed JSON of the README, for an SMS or WeChat gateway), "wecom" (a 企业微信 group
	// robot: markdown message, the key is in the URL) or "dingtalk" (a 钉钉 group robot: markdown message,
	// signed with Secret when set — 加签). Empty: "fuyi".
	Format string
}

// WebhookFormats are the accepted values of FUYI_WEBHOOK_FORMAT.
var WebhookFormats = []string{"fuyi", "wecom", "dingtalk"}

// Outbox turns notices into messages and delivers them with retries. A message is claimed with a lease
// (FOR UPDATE SKIP LOCKED), so several server processes never send the same message at the same time;
// a failed attempt is retried with exponential backoff; after MaxAttempts it is marked failed and kept.
type Outbox struct {
	DB          *sqlx.DB
	SMTP        SMTPConfig
	Webhook     WebhookConfig
	Label       func(kind string) string // deadline kind → Chinese
	Log         *slog.Logger
	MaxAttempts int
	Client      *http.Client
}

// message is what one notice says; it carries no personal data beyond the case number and deadline.
type message struct {
	ID           int64     `db:"id"`
	Username     string    `db:"username"`
	Email        string    `db:"email"`
	Kind         string    `db:"kind"`
	Level        *string   `db:"level"`
	DeadlineKind string    `db:"deadline_kind"`
	DueOn        date.Date `db:"due_on"`
	Title        string    `db:"title"`
}

func (o *Outbox) text(m message) (string, string) {
	switch m.Kind {
	case "deadline":
		lvl := ""
		if m.Level != nil {
			lvl = LevelLabel(*m.Level)
		}
		s := fmt.Sprintf("【复议】%s：%s %s，届满日%s", lvl, m.Title, o.Label(m.DeadlineKind), m.DueOn)
		return s, s + "。请登录复议案件管理系统查看。"
	case "review_lapsed":
		s := fmt.Sprintf("【复议】登记号%s的受理审查期限已于%s届满，依复议法第30条第3款视为受理", m.Title, m.DueOn)
		return s, s + "，请尽快作出受理处理。"
	}
	return "【复议】" + m.Title, m.Title + "。请登录复议案件管理系统查看。"
}

// Enqueue creates the outgoing messages of the notices created in tx (created_at = now() of tx).
func (o *Outbox) Enqueue(ctx context.Context, tx *sqlx.Tx, today date.Date) error {
	if o.SMTP.Addr == "" && o.Webhook.URL == "" {
		return nil
	}
	var ms []message
	if err := tx.SelectContext(ctx, &ms, queryNewNotices); err != nil {
		return err
	}
	for _, m := range ms {
		subject, body := o.text(m)
		if o.SMTP.Addr != "" && m.Email != "" {
			if _, err := tx.ExecContext(ctx, enqueueEmail, m.ID, m.Email, subject, body); err != nil {
				return err
			}
		}
		if o.Webhook.URL != "" {
			payload, err := o.webhookBody(m, subject)
			if err != nil {
				return fmt.Errorf("notices: webhook payload: %w", err)
			}
			if _, err := tx.ExecContext(ctx, enqueueWebhook, m.ID, m.Username, subject, string(payload)); err != nil {
				return err
			}
		}
	}
	return nil
}

// webhookBody is the body of the webhook message in the configured format.
func (o *Outbox) webhookBody(m message, subject string) ([]byte, error) {
	switch o.Webhook.Format {
	case "wecom":
		// https://developer.work.weixin.qq.com/document/path/91770 (群机器人): msgtype markdown, content ≤ 4096 bytes
		return json.Marshal(map[string]any{"msgtype": "markdown", "markdown": map[string]string{"content": o.markdown(m, subject)}})
	case "dingtalk":
		// https://open.dingtalk.com/document/robots/custom-robot-access: msgtype markdown with title and text
		return json.Marshal(map[string]any{"msgtype": "markdown", "markdown": map[string]string{"title": subject, "text": o.markdown(m, subject)}})
	}
	return json.Marshal(map[string]any{"notice_id": m.ID, "user": m.Username, "kind": m.Kind, "level": m.Level,
		"deadline": m.DeadlineKind, "deadline_label": o.Label(m.DeadlineKind), "due_on": m.DueOn, "title": m.Title, "text": subject})
}

// markdown is the group robots' message: Chinese only, no internal codes.
func (o *Outbox) markdown(m message, subject string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### %s\n", subject)
	if m.Kind == "deadline" {
		fmt.Fprintf(&b, "> 案号：%s\n> 期限：%s\n> 届满日：%s\n", m.Title, o.Label(m.DeadlineKind), m.DueOn)
	} else {
		fmt.Fprintf(&b, "> %s\n", strings.TrimPrefix(subject, "【复议】"))
	}
	fmt.Fprintf(&b, "\n接收人：%s。请登录复议案件管理系统查看。", m.Username)
	return b.String()
}

// Backoff is the wait before attempt n+1 after n failed attempts: 1, 2, 4 … minutes, at most an hour.
func Backoff(n int) time.Duration {
	d := time.Minute << uint(n-1)
	if n < 1 || d > time.Hour || d <= 0 {
		return time.Hour
	}
	return d
}

type job struct {
	ID        int64  `db:"id"`
	Channel   string `db:"channel"`
	Recipient string `db:"recipient"`
	Subject   string `db:"subject"`
	Body      string `db:"body"`
	Attempts  int    `db:"attempts"`
}

// claim leases due messages for 5 minutes.
const claim = `UPDATE outbox SET attempts = attempts + 1, next_attempt_at = now() + interval '5 minutes'
WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
	ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
RETURNING id, channel, recipient, subject, body, attempts`

// Deliver sends the messages that are due; it returns how many were sent and how many failed this time.
func (o *Outbox) Deliver(ctx context.Context) (sent, failed int, err error) {
	var jobs []job
	if err := o.DB.SelectContext(ctx, &jobs, claim, 100); err != nil {
		return 0, 0, err
	}
	max := o.MaxAttempts
	if max == 0 {
		max = 10
	}
	for _, j := range jobs {
		var serr error
		switch j.Channel {
		case "email":
			serr = o.sendMail(ctx, j)
		case "webhook":
			serr = o.sendWebhook(ctx, j)
		}
		if serr == nil {
			if _, err := o.DB.ExecContext(ctx, markSent, j.ID); err != nil {
				return sent, failed, err
			}
			sent++
			continue
		}
		failed++
		msg := serr.Error()
		if len(msg) > 500 {
			msg = msg[:500]
		}
		if j.Attempts >= max {
			_, err = o.DB.ExecContext(ctx, markFailed, j.ID, msg)
		} else {
			_, err = o.DB.ExecContext(ctx, markRetry,
				j.ID, fmt.Sprintf("%d seconds", int(Backoff(j.Attempts).Seconds())), msg)
		}
		if err != nil {
			return sent, failed, err
		}
		if o.Log != nil {
			o.Log.Warn("outbox delivery failed", "outbox_id", j.ID, "channel", j.Channel, "attempt", j.Attempts, "error", msg)
		}
	}
	return sent, failed, nil
}

// mailMessage builds the message of an outbox row: encoded Chinese subject, UTF-8 text body, a Date header
// and a Message-ID whose right-hand side is the sender's domain (an FQDN).
func (o *Outbox) mailMessage(j job, now time.Time) (*mail.Msg, error) {
	m := mail.NewMsg(mail.WithEncoding(mail.EncodingB64), mail.WithCharset(mail.CharsetUTF8))
	if err := m.From(o.SMTP.From); err != nil {
		return nil, fmt.Errorf("mail: sender %q: %w", o.SMTP.From, err)
	}
	if err := m.To(j.Recipient); err != nil {
		return nil, fmt.Errorf("mail: recipient: %w", err)
	}
	m.Subject(j.Subject)
	m.SetDateWithValue(now)
	m.SetMessageIDWithValue(fmt.Sprintf("outbox-%d.%d@%s", j.ID, now.UnixNano(), mailDomain(o.SMTP.From)))
	m.SetBodyString(mail.TypeTextPlain, j.Body)
	return m, nil
}

// mailDomain is the domain of the sender address (the Message-ID's right-hand side).
func mailDomain(from string) string {
	if a, err := netmail.ParseAddress(from); err == nil {
		from = a.Address
	}
	_, domain, ok := strings.Cut(from, "@")
	if !ok || domain == "" {
		return "localhost"
	}
	return domain
}

func (o *Outbox) sendMail(ctx context.Context, j job) error {
	host, portStr, err := net.SplitHostPort(o.SMTP.Addr)
	if err != nil {
		return err
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		return fmt.Errorf("mail: port %q: %w", portStr, err)
	}
	msg, err := o.mailMessage(j, time.Now())
	if err != nil {
		return err
	}
	tc := o.SMTP.TLSConfig
	if tc == nil {
		tc = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	opts := []mail.Option{mail.WithPort(port), mail.WithTimeout(15 * time.Second), mail.WithTLSConfig(tc)}
	switch o.SMTP.mode() {
	case "tls":
		opts = append(opts, mail.WithSSL())
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	if o.SMTP.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthPlain), mail.WithUsername(o.SMTP.Username), mail.WithPassword(o.SMTP.Password))
	}
	c, err := mail.NewClient(host, opts...)
	if err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	return c.DialAndSendWithContext(ctx, msg)
}

// Sign is the webhook signature: hex HMAC-SHA256 of "timestamp.body" with the shared secret.
func Sign(secret, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write([]byte("."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// DingTalkSign is the 钉钉 robot's 加签: base64(HMAC-SHA256(secret, timestamp + "\n" + secret)), timestamp
// in milliseconds; both go in the query string.
func DingTalkSign(secret string, timestampMS int64) string {
	m := hmac.New(sha256.New, []byte(secret))
	_, _ = fmt.Fprintf(m, "%d\n%s", timestampMS, secret) // a hash never fails to write
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func (o *Outbox) sendWebhook(ctx context.Context, j job) error {
	now := time.Now()
	target := o.Webhook.URL
	if o.Webhook.Format == "dingtalk" && o.Webhook.Secret != "" {
		u, err := url.Parse(target)
		if err != nil {
			return fmt.Errorf("webhook: %w", err)
		}
		q := u.Query()
		q.Set("timestamp", strconv.FormatInt(now.UnixMilli(), 10))
		q.Set("sign", DingTalkSign(o.Webhook.Secret, now.UnixMilli()))
		u.RawQuery = q.Encode()
		target = u.String()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(j.Body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	if o.Webhook.Format == "" || o.Webhook.Format == "fuyi" {
		ts := strconv.FormatInt(now.Unix(), 10)
		req.Header.Set("X-Fuyi-Delivery", strconv.FormatInt(j.ID, 10))
		req.Header.Set("X-Fuyi-Timestamp", ts)
		req.Header.Set("X-Fuyi-Signature", "sha256="+Sign(o.Webhook.Secret, ts, []byte(j.Body)))
	}
	c := o.Client
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	answer, rerr := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if err := errors.Join(rerr, resp.Body.Close()); err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook answered %d", resp.StatusCode)
	}
	if o.Webhook.Format == "wecom" || o.Webhook.Format == "dingtalk" {
		// the robots answer 200 with {"errcode":0,"errmsg":"ok"}; anything else is a refusal
		var r struct {
			Code *int   `json:"errcode"`
			Msg  string `json:"errmsg"`
		}
		if err := json.Unmarshal(answer, &r); err != nil || r.Code == nil || *r.Code != 0 {
			return fmt.Errorf("robot refused the message: %.200s", answer)
		}
	}
	return nil
}

// Statements of the outbox.
const (
	queryNewNotices = `SELECT n.id, u.username, u.email, n.kind, n.level, n.deadline_kind, n.due_on, n.title
		FROM notices n JOIN users u ON u.id = n.user_id WHERE n.created_at = now() AND n.kind IN ('deadline', 'review_lapsed', 'digest', 'calendar_missing', 'assignment')`
	enqueueEmail = `INSERT INTO outbox (notice_id, channel, recipient, subject, body) VALUES ($1, 'email', $2, $3, $4)
				ON CONFLICT DO NOTHING`
	enqueueWebhook = `INSERT INTO outbox (notice_id, channel, recipient, subject, body) VALUES ($1, 'webhook', $2, $3, $4)
				ON CONFLICT DO NOTHING`
	markSent   = `UPDATE outbox SET sent_at = now(), last_error = '' WHERE id = $1`
	markFailed = `UPDATE outbox SET failed_at = now(), last_error = $2 WHERE id = $1`
	markRetry  = `UPDATE outbox SET next_attempt_at = now() + $2::interval, last_error = $3 WHERE id = $1`
)
