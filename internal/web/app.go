// Package web is the HTTP plumbing shared by the features: the Fiber app, error mapping, logging,
// authentication and CSRF middleware, JSON binding, pagination and the HTML view engine.
package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"fuyi/internal/apperr"
	"fuyi/internal/auth"
	"fuyi/internal/database"
)

// Options configure the app.
type Options struct {
	Logger *slog.Logger
	Views  fiber.Views
	// Bodies are the request body allowances (default and per route); nil: NewBodyLimits(BodyLimit).
	Bodies       *BodyLimits
	BodyLimit    int
	CookieSecure bool
	// TrustedProxies (FUYI_TRUSTED_PROXIES) are believed about the client's address (X-Forwarded-For).
	TrustedProxies Proxies
	// RequestTimeout is the deadline of every request, database work included (default 5 s).
	RequestTimeout time.Duration
	// Observe, when set, is told of every finished request (the metrics).
	Observe func(c *fiber.Ctx, took time.Duration)
}

// ReadBufferSize bounds the request line and headers together: a request whose headers do not fit is
// answered 431 (fasthttp's default of 4 KB refused ordinary requests carrying several cookies).
const ReadBufferSize = 16 << 10

// New builds the Fiber app with the shared error handler, request logging and the input check (CheckInput)
// that refuses unacceptable text in any part of a request before it is routed.
func New(o Options) *fiber.App {
	if o.BodyLimit == 0 {
		o.BodyLimit = 2 << 20
	}
	if o.Bodies == nil {
		o.Bodies = NewBodyLimits(o.BodyLimit)
	}
	app := fiber.New(fiber.Config{
		AppName:   "fuyi",
		BodyLimit: o.BodyLimit,
		// bodies are read as they arrive, never reserved from the declared Content-Length; BodyLimits.Gate
		// bounds them per route, and multipart forms are parsed (files to disk) only when a handler asks
		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true,
		Views:                        o.Views,
		ErrorHandler:                 ErrorHandler(o.Logger),
		DisableStartupMessage:        true,
		ReadTimeout:                  30 * time.Second,
		WriteTimeout:                 60 * time.Second,
		IdleTimeout:                  120 * time.Second,
		ReadBufferSize:               ReadBufferSize,
	})
	if o.RequestTimeout == 0 {
		o.RequestTimeout = 5 * time.Second
	}
	app.Use(recoverer(o.Logger), clientAddr(o.TrustedProxies), requestLog(o.Logger, o.RequestTimeout, o.Observe), o.Bodies.Gate, CheckInput)
	return app
}

// Extended gives one handler a longer deadline than the default (statistics exports over many years): its
// context keeps the request's values but not its deadline.
func Extended(d time.Duration, h fiber.Handler) fiber.Handler {
	if d <= 0 {
		return h
	}
	return func(c *fiber.Ctx) error {
		parent := c.UserContext()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(parent), d)
		defer cancel()
		c.SetUserContext(ctx)
		defer c.SetUserContext(parent)
		return h(c)
	}
}

func newID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error: it crashes the program instead
	return hex.EncodeToString(b)
}

// HeaderRequestID carries the request's id in and out: a client's own id is kept when it is sane (1–64
// letters, digits, '.', '_', '-'), otherwise the server makes one. Every log line of the request names it.
const HeaderRequestID = "X-Request-ID"

var requestIDRe = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// recoverer turns a panic into a logged 500 with an error number.
func recoverer(log *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) (err error) {
		defer func() {
			if r := recover(); r != nil {
				log.Error("panic", "request_id", c.Locals("request_id"), "path", c.Path(), "panic", r, "stack", string(debug.Stack()))
				err = errors.New("panic")
			}
		}()
		return c.Next()
	}
}

// requestLog runs every request under a deadline and logs it. c.UserContext() ends after timeout, so a
// request that cannot get a database connection or whose statements take too long gives up (503) instead
// of waiting forever; the deadline also covers the error page, which is drawn before the context ends.
func requestLog(log *slog.Logger, timeout time.Duration, observe func(c *fiber.Ctx, d time.Duration)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		id := c.Get(HeaderRequestID)
		if !requestIDRe.MatchString(id) {
			id = newID()
		}
		c.Locals("request_id", id)
		c.Set(HeaderRequestID, id)
		ctx, cancel := context.WithTimeout(c.UserContext(), timeout)
		defer cancel()
		c.SetUserContext(ctx)
		err := c.Next()
		if err != nil {
			if herr := c.App().ErrorHandler(c, err); herr != nil {
				log.Error("error page failed", "request_id", id, "path", c.Path(), "error", herr.Error())
				if serr := c.SendStatus(fiber.StatusInternalServerError); serr != nil {
					log.Error("answer failed", "request_id", id, "error", serr.Error())
				}
			}
		}
		var uid int64
		if u := CurrentUser(c); u != nil {
			uid = u.ID
		}
		took := time.Since(start)
		log.Info("request", "request_id", id, "method", c.Method(), "path", c.Path(),
			"status", c.Response().StatusCode(), "duration_ms", took.Milliseconds(), "user_id", uid)
		if observe != nil {
			observe(c, took)
		}
		return nil
	}
}

// IsAPI reports whether the request is for the JSON API.
func IsAPI(c *fiber.Ctx) bool {
	return strings.HasPrefix(c.Path(), "/api/")
}

var statusOf = map[apperr.Kind]int{
	apperr.Invalid:      fiber.StatusUnprocessableEntity,
	apperr.BadRequest:   fiber.StatusBadRequest,
	apperr.Unauthorized: fiber.StatusUnauthorized,
	apperr.Forbidden:    fiber.StatusForbidden,
	apperr.NotFound:     fiber.StatusNotFound,
	apperr.Conflict:     fiber.StatusConflict,
	apperr.TooLarge:     fiber.StatusRequestEntityTooLarge,
	apperr.TooMany:      fiber.StatusTooManyRequests,
	apperr.Unavailable:  fiber.StatusServiceUnavailable,
	apperr.Precondition: fiber.StatusPreconditionFailed,
}

// ErrUnavailable is shown when the database cannot be reached.
var ErrUnavailable = apperr.New(apperr.Unavailable, "service.unavailable", "系统暂时无法访问数据库，请稍后重试；您提交的内容未被保存")

// ErrBusy is shown when a request ran out of time (no free database connection in time, or a statement too
// slow): nothing was saved and a retry a moment later usually succeeds.
var ErrBusy = apperr.New(apperr.Unavailable, "service.busy", "系统繁忙，请求未能及时处理，请稍后重试；您提交的内容未被保存")

// RetryAfterSeconds is the Retry-After of every 503 answer.
const RetryAfterSeconds = "2"

// RetryAfterTooMany is the Retry-After of a 429 that names no delay of its own.
const RetryAfterTooMany = "900"

// SetRetryAfter sets the Retry-After of a 429: the seconds the error names, else RetryAfterTooMany unless
// the handler set its own.
func SetRetryAfter(c *fiber.Ctx, e *apperr.Error) {
	if e.RetryAfter > 0 {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(e.RetryAfter))
	} else if c.GetRespHeader(fiber.HeaderRetryAfter) == "" {
		c.Set(fiber.HeaderRetryAfter, RetryAfterTooMany)
	}
}

// Classify maps any error to a user-facing *apperr.Error and the HTTP status.
func Classify(err error) (*apperr.Error, int, bool) {
	if e, ok := apperr.As(err); ok {
		return e, statusOf[e.Kind], true
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		switch fe.Code {
		case fiber.StatusNotFound:
			return apperr.New(apperr.NotFound, "not_found", "页面或记录不存在"), fe.Code, true
		case fiber.StatusRequestEntityTooLarge:
			return apperr.New(apperr.TooLarge, "request.too_large", "提交的内容过大，请精简后再提交"), fe.Code, true
		case fiber.StatusMethodNotAllowed:
			return apperr.New(apperr.BadRequest, "method_not_allowed", "不支持该请求方法"), fe.Code, true
		case fiber.StatusRequestTimeout:
			// the client opened a connection and sent nothing in time (browsers' speculative connections)
			return apperr.New(apperr.BadRequest, "request.timeout", "请求超时，请重试"), fe.Code, true
		case fiber.StatusBadRequest:
			return apperr.New(apperr.BadRequest, "request.malformed", "请求格式错误"), fe.Code, true
		case fiber.StatusRequestHeaderFieldsTooLarge:
			return apperr.New(apperr.BadRequest, "request.headers_too_large",
				fmt.Sprintf("请求头过大（地址与请求头合计不得超过%dKB），请清除本站的 Cookie 或缩短地址后重试", ReadBufferSize>>10)), fe.Code, true
		}
	}
	if e, status, ok := dataException(err); ok {
		return e, status, true
	}
	if database.IsTimeout(err) || database.IsRetryable(err) {
		// out of time, or a deadlock that kept recurring after database.Tx ran the transaction again
		return ErrBusy, fiber.StatusServiceUnavailable, true
	}
	if database.IsUnavailable(err) {
		return ErrUnavailable, fiber.StatusServiceUnavailable, true
	}
	if name, code := database.Constraint(err); strings.HasPrefix(code, "23") {
		// an invariant held by the database caught what the Go rules did not (e.g. a concurrent change)
		if e, ok := ConstraintErrors[name]; ok {
			return e, statusOf[e.Kind], true
		}
		return apperr.New(apperr.Conflict, "conflict", "操作与其他人同时进行的修改冲突，未保存；请刷新后重试"), fiber.StatusConflict, true
	}
	return nil, fiber.StatusInternalServerError, false
}

// dataExceptions are the PostgreSQL data exceptions (SQLSTATE class 22) that only bad input causes. They
// are a second guard: the handlers' input checks should refuse such values first, naming the field. The
// rest of class 22 (division by zero, a null where none is allowed, …) are faults of the server and stay 500.
var dataExceptions = map[string]int{
	"22001": fiber.StatusUnprocessableEntity, // string data right truncation (too long for its column)
	"22003": fiber.StatusUnprocessableEntity, // numeric value out of range (an integer ≥ 2^31)
	"22007": fiber.StatusUnprocessableEntity, // invalid datetime format
	"22008": fiber.StatusUnprocessableEntity, // datetime field overflow (2025-02-30)
	"22021": fiber.StatusBadRequest,          // character not in repertoire (NUL, invalid UTF-8)
	"22025": fiber.StatusBadRequest,          // invalid escape sequence (a LIKE pattern ending in \)
	"22P02": fiber.StatusBadRequest,          // invalid text representation
	"22P05": fiber.StatusBadRequest,          // untranslatable character
}

func dataException(err error) (*apperr.Error, int, bool) {
	_, code := database.Constraint(err)
	status, ok := dataExceptions[code]
	if !ok {
		return nil, 0, false
	}
	kind := apperr.Invalid
	if status == fiber.StatusBadRequest {
		kind = apperr.BadRequest
	}
	return apperr.New(kind, "request.data", "提交的数据无法保存：数值超出范围、日期不存在或含有无效字符，请检查后重试"), status, true
}

// ConstraintErrors maps database constraint names to the message users see when that constraint refuses
// a change. Features register their constraints here.
var ConstraintErrors = map[string]*apperr.Error{
	"team_size":           apperr.New(apperr.Invalid, "assignment.too_few_officers", "办案人员人数不足，未保存"),
	"team_qualified":      apperr.New(apperr.Invalid, "assignment.unqualified", "办案人员须具备法律职业资格，未保存"),
	"team_lead":           apperr.New(apperr.Invalid, "assignment.lead", "每个案件须有且只有一名主办人，未保存"),
	"cases_number_unique": apperr.New(apperr.Conflict, "case.number_conflict", "案号分配冲突，请重试"),
	"decision_four_eyes": apperr.New(apperr.Forbidden, "approval.four_eyes",
		"不能批准自己起草或主办的决定（审批须由起草人、主办人以外的负责人作出），请由其他负责人批准或提交集体讨论"),
	"case_extensions_pkey": apperr.New(apperr.Conflict, "extension.once", "审理期限只能延长一次（复议法第62条第1款）"),
}

// ErrorHandler writes every error as the JSON error shape of API.md or as an HTML error page.
func ErrorHandler(log *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		e, status, ok := Classify(err)
		if ok && e.Code == apperr.Stale.Code && c.Locals(ifMatchKey) != nil {
			// the version came from If-Match: its failure is a failed precondition (RFC 9110 §13.1.1)
			e, status = ErrPreconditionFailed, fiber.StatusPreconditionFailed
		}
		if !ok {
			id, _ := c.Locals("request_id").(string)
			log.Error("internal error", "request_id", id, "path", c.Path(), "error", err.Error())
			e = apperr.New(apperr.Invalid, "internal", "系统内部错误，请稍后重试（错误编号："+id+"）")
		} else if status == fiber.StatusServiceUnavailable {
			log.Warn("database unavailable", "request_id", c.Locals("request_id"), "error", err.Error())
			c.Set(fiber.HeaderRetryAfter, RetryAfterSeconds)
		} else if status == fiber.StatusTooManyRequests {
			SetRetryAfter(c, e)
		} else if status == fiber.StatusUnauthorized {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="fuyi"`)
		} else if status == fiber.StatusMethodNotAllowed {
			if allow, _ := c.Locals("allow").(string); allow != "" {
				c.Set(fiber.HeaderAllow, allow)
			}
		} else if _, code := database.Constraint(err); strings.HasPrefix(code, "22") {
			// the input check of the handler missed something the database refused: worth fixing there
			log.Warn("database refused input", "request_id", c.Locals("request_id"), "path", c.Path(), "sqlstate", code)
		}
		if IsAPI(c) || strings.Contains(c.Get(fiber.HeaderAccept), "application/json") && !strings.Contains(c.Get(fiber.HeaderAccept), "text/html") {
			body := fiber.Map{"code": e.Code, "message": e.Message}
			if len(e.Fields) > 0 {
				body["fields"] = e.Fields
			}
			return c.Status(status).JSON(fiber.Map{"error": body})
		}
		if status == fiber.StatusUnauthorized {
			return c.Redirect("/login?next=" + url.QueryEscape(c.OriginalURL()))
		}
		c.Status(status)
		// the page says it in Chinese only; the code stays in an attribute for support (data-code)
		if rerr := Render(c, "error", fiber.Map{"Title": errorTitle(status), "Status": status, "Message": e.Message, "Code": e.Code}); rerr != nil {
			// the page cannot be drawn (a request too broken to read has no context): the message still goes out
			log.Error("render error page", "request_id", c.Locals("request_id"), "error", rerr.Error())
			c.Status(status).Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
			return c.SendString(e.Message)
		}
		return nil
	}
}

// CurrentUser is the logged-in user or nil.
func CurrentUser(c *fiber.Ctx) *auth.User {
	s, _ := c.Locals("session").(*auth.Session)
	if s == nil {
		return nil
	}
	return s.User
}

// CurrentSession is the session or nil.
func CurrentSession(c *fiber.Ctx) *auth.Session {
	s, _ := c.Locals("session").(*auth.Session)
	return s
}

// errorTitle is the heading of the error page for an HTTP status.
func errorTitle(status int) string {
	switch status {
	case fiber.StatusNotFound:
		return "找不到要查看的内容"
	case fiber.StatusForbidden:
		return "无权进行此操作"
	case fiber.StatusConflict:
		return "操作与当前状态冲突"
	case fiber.StatusServiceUnavailable:
		return "系统繁忙，请稍后重试"
	case fiber.StatusRequestEntityTooLarge:
		return "提交的内容过大"
	case fiber.StatusTooManyRequests:
		return "操作过于频繁"
	}
	if status >= 500 {
		return "系统内部错误"
	}
	return "无法办理此请求"
}
