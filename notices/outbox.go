package notices

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/smtp"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/date"
)

// SMTPConfig configures e-mail delivery (empty Addr: no e-mail).
type SMTPConfig struct {
	Addr     string // host:port
	From     string
	Username string
	Password string
}

// WebhookConfig configures the signed webhook for SMS or WeChat gateways (empty URL: no webhook).
type WebhookConfig struct {
	URL    string
	Secret string
}

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
	return "【复议】" + m.Title, m.Title
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
			payload, err := json.Marshal(map[string]any{"notice_id": m.ID, "user": m.Username, "kind": m.Kind, "level": m.Level,
				"deadline": m.DeadlineKind, "deadline_label": o.Label(m.DeadlineKind), "due_on": m.DueOn, "title": m.Title, "text": subject})
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
			serr = o.sendMail(j)
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

func (o *Outbox) sendMail(j job) error {
	host, _, err := net.SplitHostPort(o.SMTP.Addr)
	if err != nil {
		return err
	}
	var a smtp.Auth
	if o.SMTP.Username != "" {
		a = smtp.PlainAuth("", o.SMTP.Username, o.SMTP.Password, host)
	}
	var msg bytes.Buffer
	fmt.Fprintf(&msg, "From: %s\r\nTo: %s\r\nSubject: =?UTF-8?B?%s?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"+
		"Content-Transfer-Encoding: 8bit\r\nMessage-ID: <outbox-%d@fuyi>\r\n\r\n%s\r\n",
		o.SMTP.From, j.Recipient, b64(j.Subject), j.ID, j.Body)
	return smtp.SendMail(o.SMTP.Addr, a, o.SMTP.From, []string{j.Recipient}, msg.Bytes())
}

// Sign is the webhook signature: hex HMAC-SHA256 of "timestamp.body" with the shared secret.
func Sign(secret, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write([]byte("."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

func (o *Outbox) sendWebhook(ctx context.Context, j job) error {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.Webhook.URL, strings.NewReader(j.Body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("X-Fuyi-Delivery", strconv.FormatInt(j.ID, 10))
	req.Header.Set("X-Fuyi-Timestamp", ts)
	req.Header.Set("X-Fuyi-Signature", "sha256="+Sign(o.Webhook.Secret, ts, []byte(j.Body)))
	c := o.Client
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	if err := resp.Body.Close(); err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook answered %d", resp.StatusCode)
	}
	return nil
}

// Statements of the outbox.
const (
	queryNewNotices = `SELECT n.id, u.username, u.email, n.kind, n.level, n.deadline_kind, n.due_on, n.title
		FROM notices n JOIN users u ON u.id = n.user_id WHERE n.created_at = now() AND n.kind IN ('deadline', 'review_lapsed', 'digest', 'calendar_missing')`
	enqueueEmail = `INSERT INTO outbox (notice_id, channel, recipient, subject, body) VALUES ($1, 'email', $2, $3, $4)
				ON CONFLICT DO NOTHING`
	enqueueWebhook = `INSERT INTO outbox (notice_id, channel, recipient, subject, body) VALUES ($1, 'webhook', $2, $3, $4)
				ON CONFLICT DO NOTHING`
	markSent   = `UPDATE outbox SET sent_at = now(), last_error = '' WHERE id = $1`
	markFailed = `UPDATE outbox SET failed_at = now(), last_error = $2 WHERE id = $1`
	markRetry  = `UPDATE outbox SET next_attempt_at = now() + $2::interval, last_error = $3 WHERE id = $1`
)
