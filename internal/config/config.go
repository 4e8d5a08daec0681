// Package config reads the configuration from the environment. Every variable is listed in the README.
package config

import (
	"fuyi/internal/web"

	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config of the server and commands.
type Config struct {
	DatabaseURL    string        // DATABASE_URL
	ReplicaURL     string        // DATABASE_REPLICA_URL: reads that may lag (public site, statistics); empty: the primary
	ReplicaMaxLag  time.Duration // FUYI_REPLICA_MAX_LAG seconds: a replica further behind is not used
	Addr           string        // FUYI_ADDR
	LogFormat      string        // FUYI_LOG_FORMAT: json or text
	DBMaxConns     int           // FUYI_DB_MAX_CONNS
	SessionTTL     time.Duration // FUYI_SESSION_HOURS
	CookieSecure   bool          // FUYI_COOKIE_SECURE
	BodyLimit      int           // FUYI_BODY_LIMIT_KB
	UploadLimit    int64         // FUYI_UPLOAD_LIMIT: largest file of the case file (e.g. 50MB, 512KB, bytes)
	RequestTimeout time.Duration // FUYI_REQUEST_TIMEOUT: deadline of every request (database included)
	ExportTimeout  time.Duration // FUYI_EXPORT_TIMEOUT: deadline of the statistics exports and reports
	AlertWorkdays  int           // FUYI_ALERT_WORKDAYS: "approaching" this many working days before
	// PublicSearchSlots is FUYI_PUBLIC_SEARCH_SLOTS: public searches running at once (more wait, then 503)
	PublicSearchSlots int
	Scheduler         bool   // FUYI_SCHEDULER: off disables the scheduled jobs in this process
	SMTPAddr          string // FUYI_SMTP_ADDR host:port
	SMTPFrom          string // FUYI_SMTP_FROM
	SMTPUser          string // FUYI_SMTP_USER
	SMTPPassword      string // FUYI_SMTP_PASSWORD
	WebhookURL        string // FUYI_WEBHOOK_URL
	WebhookSecret     string // FUYI_WEBHOOK_SECRET
	MetricsAddr       string // FUYI_METRICS_ADDR: /metrics on its own address (no token)
	MetricsToken      string // FUYI_METRICS_TOKEN: /metrics on FUYI_ADDR with Authorization: Bearer TOKEN
	WebhookFormat     string // FUYI_WEBHOOK_FORMAT: fuyi (signed JSON), wecom or dingtalk (group robots)
	SMTPTLS           string // FUYI_SMTP_TLS: starttls, tls (implicit, port 465) or none; default by port
	PublicURL         string // FUYI_PUBLIC_URL: the site's address as the public sees it (Atom links and ids)
	// TrustedProxies is FUYI_TRUSTED_PROXIES: comma-separated addresses or CIDR ranges of reverse proxies
	// whose X-Forwarded-For names the client (login delays, audit); empty: the connection's peer
	TrustedProxies string
}

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func envInt(key string, def, min, max int) (int, error) {
	v := os.Getenv(key)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		return 0, fmt.Errorf("config: %s must be an integer between %d and %d, got %q", key, min, max, v)
	}
	return n, nil
}

// envSize reads a size in bytes, written as a number with an optional KB, MB or GB suffix (binary units).
func envSize(key string, def, min, max int64) (int64, error) {
	v := strings.ToUpper(strings.TrimSpace(os.Getenv(key)))
	if v == "" {
		return def, nil
	}
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}} {
		if strings.HasSuffix(v, u.suffix) {
			v, mult = strings.TrimSpace(strings.TrimSuffix(v, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 || n > max/mult || n*mult < min {
		return 0, fmt.Errorf("config: %s must be a size between %d bytes and %d MB (e.g. 50MB), got %q", key, min, max>>20, os.Getenv(key))
	}
	return n * mult, nil
}

// Load reads the environment.
func Load() (Config, error) {
	c := Config{
		DatabaseURL:  os.Getenv("DATABASE_URL"),
		ReplicaURL:   os.Getenv("DATABASE_REPLICA_URL"),
		Addr:         env("FUYI_ADDR", "127.0.0.1:8080"),
		LogFormat:    env("FUYI_LOG_FORMAT", "json"),
		CookieSecure: os.Getenv("FUYI_COOKIE_SECURE") == "true",
	}
	var err error
	if c.DBMaxConns, err = envInt("FUYI_DB_MAX_CONNS", 20, 2, 500); err != nil {
		return c, err
	}
	hours, err := envInt("FUYI_SESSION_HOURS", 12, 1, 24*30)
	if err != nil {
		return c, err
	}
	c.SessionTTL = time.Duration(hours) * time.Hour
	lag, err := envInt("FUYI_REPLICA_MAX_LAG", 30, 1, 3600)
	if err != nil {
		return c, err
	}
	c.ReplicaMaxLag = time.Duration(lag) * time.Second
	kb, err := envInt("FUYI_BODY_LIMIT_KB", 2048, 64, 102400)
	if err != nil {
		return c, err
	}
	c.BodyLimit = kb * 1024
	if c.UploadLimit, err = envSize("FUYI_UPLOAD_LIMIT", 50<<20, 1<<10, 2<<30); err != nil {
		return c, err
	}
	secs, err := envInt("FUYI_REQUEST_TIMEOUT", 5, 1, 300)
	if err != nil {
		return c, err
	}
	c.RequestTimeout = time.Duration(secs) * time.Second
	if secs, err = envInt("FUYI_EXPORT_TIMEOUT", 60, 1, 3600); err != nil {
		return c, err
	}
	c.ExportTimeout = time.Duration(secs) * time.Second
	if c.ExportTimeout < c.RequestTimeout {
		c.ExportTimeout = c.RequestTimeout
	}
	if c.AlertWorkdays, err = envInt("FUYI_ALERT_WORKDAYS", 3, 1, 30); err != nil {
		return c, err
	}
	if c.PublicSearchSlots, err = envInt("FUYI_PUBLIC_SEARCH_SLOTS", 2, 1, 64); err != nil {
		return c, err
	}
	c.Scheduler = os.Getenv("FUYI_SCHEDULER") != "off"
	c.SMTPAddr, c.SMTPFrom = os.Getenv("FUYI_SMTP_ADDR"), env("FUYI_SMTP_FROM", "fuyi@localhost")
	c.SMTPUser, c.SMTPPassword = os.Getenv("FUYI_SMTP_USER"), os.Getenv("FUYI_SMTP_PASSWORD")
	c.WebhookURL, c.WebhookSecret = os.Getenv("FUYI_WEBHOOK_URL"), os.Getenv("FUYI_WEBHOOK_SECRET")
	c.WebhookFormat, c.SMTPTLS = env("FUYI_WEBHOOK_FORMAT", "fuyi"), os.Getenv("FUYI_SMTP_TLS")
	switch c.WebhookFormat {
	case "fuyi":
		if c.WebhookURL != "" && c.WebhookSecret == "" {
			return c, fmt.Errorf("config: FUYI_WEBHOOK_SECRET is required with FUYI_WEBHOOK_URL (messages are signed)")
		}
	case "wecom", "dingtalk":
	default:
		return c, fmt.Errorf("config: FUYI_WEBHOOK_FORMAT must be fuyi, wecom or dingtalk, got %q", c.WebhookFormat)
	}
	switch c.SMTPTLS {
	case "", "starttls", "tls", "none":
	default:
		return c, fmt.Errorf("config: FUYI_SMTP_TLS must be starttls, tls or none, got %q", c.SMTPTLS)
	}
	c.PublicURL = strings.TrimRight(env("FUYI_PUBLIC_URL", "http://"+c.Addr), "/")
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
		return c, fmt.Errorf("config: FUYI_PUBLIC_URL must be an http(s) address such as https://fuyi.example.gov.cn, got %q", c.PublicURL)
	}
	c.MetricsAddr, c.MetricsToken = os.Getenv("FUYI_METRICS_ADDR"), os.Getenv("FUYI_METRICS_TOKEN")
	if c.MetricsToken != "" && len(c.MetricsToken) < 16 {
		return c, fmt.Errorf("config: FUYI_METRICS_TOKEN must be at least 16 characters")
	}
	c.TrustedProxies = os.Getenv("FUYI_TRUSTED_PROXIES")
	if _, err := web.ParseProxies(c.TrustedProxies); err != nil {
		return c, fmt.Errorf("config: FUYI_TRUSTED_PROXIES: %v", err)
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		return c, fmt.Errorf("config: FUYI_LOG_FORMAT must be json or text, got %q", c.LogFormat)
	}
	return c, nil
}
