package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"golang.org/x/crypto/bcrypt"

	"fuyi/internal/apperr"
	"fuyi/internal/database"
)

var (
	ErrBadLogin    = apperr.New(apperr.Unauthorized, "auth.bad_credentials", "用户名或密码错误")
	ErrNotLoggedIn = apperr.New(apperr.Unauthorized, "auth.required", "请先登录")
	ErrTooMany     = apperr.New(apperr.TooMany, "auth.rate_limited", "登录失败次数过多，请稍后再试")
)

// Login throttling: progressive delays, never a lockout. Failures are counted per username and client
// address together: after FreeFailures failures since the pair's last success, each further try must wait
// LoginDelay since the pair's last failure (1 s, 2 s, 4 s … at most MaxLoginDelay). Someone guessing
// another person's password from their own address therefore slows only themselves: the owner logs in
// from their address at once. An address is also limited as a whole (limitPerIP failures over
// addressWindow, any usernames), which stops one address trying many accounts. A refused try is not
// counted and answers 429 with Retry-After. A try must wait even with the right password, or the
// delay would not slow guessing.
const (
	FreeFailures  = 3
	MaxLoginDelay = 15 * time.Minute
	pairWindow    = 24 * time.Hour // failures older than this are forgotten (and purged)
	addressWindow = 15 * time.Minute
	limitPerIP    = 30
	// AlertFailures failures of one username over addressWindow, from any addresses, are logged as a
	// warning (guessing spread over many addresses is slowed per address only: nobody may lock the owner
	// out, so it is made visible to the operators instead).
	AlertFailures = 20
)

// LoginDelay is the wait required after n failures of one username from one address.
func LoginDelay(n int) time.Duration {
	if n < FreeFailures {
		return 0
	}
	if n-FreeFailures >= 10 {
		return MaxLoginDelay
	}
	return min(time.Second<<(n-FreeFailures), MaxLoginDelay)
}

// tooMany is the 429 of a throttled login, saying in Chinese how long to wait.
func tooMany(wait time.Duration, byAddress bool) error {
	secs := int((wait + time.Second - 1) / time.Second)
	secs = max(secs, 1)
	when := fmt.Sprintf("%d秒", secs)
	if secs >= 60 {
		when = fmt.Sprintf("%d分钟", (secs+59)/60)
	}
	msg := "该账号在本机登录失败次数较多，为防止密码被猜测，请" + when + "后再试（账号未被锁定，其他电脑登录不受影响）"
	if byAddress {
		msg = "本机所在网络地址登录失败次数过多，请" + when + "后再试"
	}
	return &apperr.Error{Kind: apperr.TooMany, Code: ErrTooMany.Code, Message: msg, RetryAfter: secs}
}

// Session is a logged-in user with its CSRF token.
type Session struct {
	User  *User
	Token string
	CSRF  string
}

// Sessions creates, finds and ends sessions.
type Sessions struct {
	db  *sqlx.DB
	TTL time.Duration
	Log *slog.Logger // where repeated login failures are reported (nil: nowhere)

	mu    sync.Mutex
	found map[string]cachedSession // by token: sessions found in the last CacheFor
}

func NewSessions(db *sqlx.DB, ttl time.Duration) *Sessions {
	return &Sessions{db: db, TTL: ttl, found: map[string]cachedSession{}}
}

// CacheFor is how long a session found by its token is reused without asking the database again (issue 13:
// the lookup and the two organ-binding round trips around it were a third of a registration's statements).
// Every change this process makes to users or sessions (logout, password, contacts, deactivation, new or
// updated users) forgets all of them at once; a change made by another server process takes effect here
// within CacheFor.
const CacheFor = time.Second

// changes counts the changes to users and sessions made by this process; a cached session found before the
// last change is not used.
var changes atomic.Uint64

// changed forgets every cached session (after a change to users or sessions).
func changed() { changes.Add(1) }

type cachedSession struct {
	csrf   string
	user   User
	until  time.Time
	change uint64
}

// cached is the session of token found less than CacheFor ago, before no change.
func (s *Sessions) cached(token string, now time.Time) (*Session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.found[token]
	if !ok || now.After(c.until) || c.change != changes.Load() {
		return nil, false
	}
	u := c.user // each request gets its own copy
	return &Session{User: &u, Token: token, CSRF: c.csrf}, true
}

// remember keeps a session found at now (read when the change counter was change); expired entries go
// when the map has grown.
func (s *Sessions) remember(token string, sess *Session, now time.Time, change uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.found) >= 256 {
		for k, c := range s.found {
			if now.After(c.until) || c.change != changes.Load() {
				delete(s.found, k)
			}
		}
		if len(s.found) >= 4096 { // many live tokens at once: start afresh rather than grow
			clear(s.found)
		}
	}
	// the token may be a view of the server's request buffer (Fiber), reused by the next request: copy it
	s.found[strings.Clone(token)] = cachedSession{csrf: sess.CSRF, user: *sess.User, until: now.Add(CacheFor), change: change}
}

func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(t string) []byte { h := sha256.Sum256([]byte(t)); return h[:] }

// countFailures: the pair's failures since its last success (and within pairWindow) with the seconds since
// the last of them, and the address's failures within addressWindow with the seconds until the oldest
// leaves the window.
const countFailures = `WITH pair AS (
	SELECT count(*) AS n, coalesce(extract(epoch FROM now() - max(at)), 0)::float8 AS since
	FROM login_attempts WHERE username = $1 AND ip = $2 AND NOT ok AND at > now() - $3::interval
	AND at > coalesce((SELECT max(at) FROM login_attempts WHERE username = $1 AND ip = $2 AND ok), '-infinity')
), addr AS (
	SELECT count(*) AS n, coalesce(extract(epoch FROM min(at) + $4::interval - now()), 0)::float8 AS left
	FROM login_attempts WHERE ip = $2 AND NOT ok AND at > now() - $4::interval
), usr AS (
	SELECT count(*) AS n, count(DISTINCT ip) AS ips FROM login_attempts WHERE username = $1 AND NOT ok AND at > now() - $4::interval
)
SELECT pair.n, pair.since, addr.n, addr.left, usr.n, usr.ips FROM pair, addr, usr`

const queryLogin = `SELECT id, password_hash FROM users WHERE username = $1 AND active`

const (
	insertAttempt = `INSERT INTO login_attempts (username, ip, ok) VALUES ($1, $2, $3)`
	insertSession = `INSERT INTO sessions (token_hash, user_id, kind, csrf_token, expires_at)
VALUES ($1, $2, $3, $4, now() + $5::interval)`
	deleteSession     = `DELETE FROM sessions WHERE token_hash = $1`
	deleteUserSession = `DELETE FROM sessions WHERE user_id = $1`
	purgeSessions     = `DELETE FROM sessions WHERE expires_at < now()`
	purgeAttempts     = `DELETE FROM login_attempts WHERE at < now() - interval '1 day'`
)

func seconds(d time.Duration) string { return fmt.Sprintf("%d seconds", int(d.Seconds())) }

// dummyHash makes failed lookups cost as much as a real comparison, so timing does not reveal usernames.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("fuyi-dummy-password"), bcrypt.DefaultCost)

// failures are the recent failed logins around one try.
type failures struct {
	byUser, addresses int // of the username over addressWindow, from any addresses, and from how many
}

// throttle refuses a try of username from ip while the pair's delay or the address limit runs.
func (s *Sessions) throttle(ctx context.Context, username, ip string) (failures, error) {
	var byPair, byIP int
	var since, left float64
	var f failures
	if err := s.db.QueryRowxContext(ctx, countFailures, username, ip, seconds(pairWindow), seconds(addressWindow)).
		Scan(&byPair, &since, &byIP, &left, &f.byUser, &f.addresses); err != nil {
		return f, fmt.Errorf("auth: count failures: %w", err)
	}
	if byIP >= limitPerIP {
		return f, tooMany(time.Duration(left*float64(time.Second)), true)
	}
	if wait := LoginDelay(byPair) - time.Duration(since*float64(time.Second)); wait > 0 {
		return f, tooMany(wait, false)
	}
	return f, nil
}

// verify checks a password under the throttle and records the attempt; id is the active user's when ok.
func (s *Sessions) verify(ctx context.Context, username, password, ip string) (id int64, ok bool, err error) {
	f, err := s.throttle(ctx, username, ip)
	if err != nil {
		return 0, false, err
	}
	var row struct {
		ID   int64  `db:"id"`
		Hash string `db:"password_hash"`
	}
	err = s.db.GetContext(ctx, &row, queryLogin, username)
	if errors.Is(err, sql.ErrNoRows) {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password)) // only to spend the same time: it always fails
	} else if err != nil {
		return 0, false, fmt.Errorf("auth: login: %w", err)
	}
	ok = err == nil && bcrypt.CompareHashAndPassword([]byte(row.Hash), []byte(password)) == nil
	if _, err := s.db.ExecContext(ctx, insertAttempt, username, ip, ok); err != nil {
		return 0, false, fmt.Errorf("auth: record attempt: %w", err)
	}
	if !ok && f.byUser+1 == AlertFailures && s.Log != nil {
		s.Log.Warn("repeated login failures for one username", "username", username, "failures", AlertFailures,
			"addresses", f.addresses, "window_minutes", int(addressWindow.Minutes()))
	}
	return row.ID, ok, nil
}

// Login checks the credentials under the throttle and opens a session of the given kind ("web" or "api").
func (s *Sessions) Login(ctx context.Context, username, password, ip, kind string) (*Session, error) {
	id, ok, err := s.verify(ctx, username, password, ip)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrBadLogin
	}
	token, csrf := randomToken(32), randomToken(24)
	_, err = s.db.ExecContext(ctx, insertSession, hashToken(token), id, kind, csrf,
		fmt.Sprintf("%d seconds", int(s.TTL.Seconds())))
	if err != nil {
		return nil, fmt.Errorf("auth: create session: %w", err)
	}
	u, err := NewStore(s.db).ByID(ctx, id)
	if err != nil {
		return nil, err
	}
	return &Session{User: u, Token: token, CSRF: csrf}, nil
}

// ChangeOwnPassword sets the password of the session's user, who gives the current one (checked under the
// login throttle, so a borrowed session cannot guess it); the user's other sessions end, this one stays.
func (s *Sessions) ChangeOwnPassword(ctx context.Context, cur *Session, current, next, ip string) error {
	if msg := CheckPassword(next); msg != "" {
		f := apperr.Fields{}
		f.Add("new_password", "%s", msg)
		return f.Err()
	}
	_, ok, err := s.verify(ctx, cur.User.Username, current, ip)
	if err != nil {
		return err
	}
	if !ok {
		f := apperr.Fields{}
		f.Add("current_password", "当前密码不正确")
		return f.Err()
	}
	return NewStore(s.db).setPassword(ctx, cur.User.ID, next, "new_password", cur.Token)
}

var querySession = database.Prepared(`SELECT s.csrf_token, ` + userColumns + ` FROM sessions s JOIN users u ON u.id = s.user_id
LEFT JOIN windows w ON w.id = u.window_id WHERE s.token_hash = $1 AND s.expires_at > now() AND u.active`)

// Find returns the session for a token, or ErrNotLoggedIn (one query: session, user and window together; a
// session found less than CacheFor ago is reused).
func (s *Sessions) Find(ctx context.Context, token string) (*Session, error) {
	if token == "" {
		return nil, ErrNotLoggedIn
	}
	now := time.Now()
	if sess, ok := s.cached(token, now); ok {
		return sess, nil
	}
	change := changes.Load()
	var row struct {
		CSRF string `db:"csrf_token"`
		User
	}
	if err := s.db.GetContext(ctx, &row, querySession, hashToken(token)); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotLoggedIn
		}
		return nil, fmt.Errorf("auth: find session: %w", err)
	}
	u := row.User
	sess := &Session{User: &u, Token: token, CSRF: row.CSRF}
	s.remember(token, sess, now, change)
	return sess, nil
}

// Logout ends the session of a token.
func (s *Sessions) Logout(ctx context.Context, token string) error {
	defer changed()
	if _, err := s.db.ExecContext(ctx, deleteSession, hashToken(token)); err != nil {
		return fmt.Errorf("auth: logout: %w", err)
	}
	return nil
}

// Purge removes expired sessions and old login attempts.
func (s *Sessions) Purge(ctx context.Context) error {
	defer changed()
	if _, err := s.db.ExecContext(ctx, purgeSessions); err != nil {
		return fmt.Errorf("auth: purge sessions: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, purgeAttempts); err != nil {
		return fmt.Errorf("auth: purge login attempts: %w", err)
	}
	return nil
}
