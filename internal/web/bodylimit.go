package web

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"fuyi/internal/apperr"
)

// BodyLimits bounds request bodies. The server streams request bodies (fasthttp StreamRequestBody), so a
// connection that declares a large Content-Length and then sends nothing reserves nothing: the body is read
// only as it arrives, and only up to the route's allowance. Every route gets the default allowance
// (FUYI_BODY_LIMIT_KB); a route that takes larger bodies (file uploads) declares its own with
// Router.AllowBody, next to its registration:
//
//	r.AllowBody(fiber.MethodPost, "/api/v1/cases/:id/files", uploadLimit)
//	r.Staff(fiber.MethodPost, "/api/v1/cases/:id/files", h.upload, ...)
//
// A body over the allowance is answered 413 in Chinese and the connection is closed (its unread bytes are
// never parsed as a next request). Compressed request bodies (Content-Encoding) are refused (400): they
// would be inflated in memory without bound.
type BodyLimits struct {
	def int

	mu     sync.RWMutex
	routes []allowance
}

type allowance struct {
	method string
	segs   []string
	limit  int
}

// NewBodyLimits makes the limits with a default allowance of def bytes.
func NewBodyLimits(def int) *BodyLimits {
	if def <= 0 {
		def = 2 << 20
	}
	return &BodyLimits{def: def}
}

// Default is the allowance of a route that declared none.
func (l *BodyLimits) Default() int { return l.def }

// Allow gives the route method+path (a Fiber path: ":name" matches one segment, "*" the rest) an allowance
// of limit bytes instead of the default.
func (l *BodyLimits) Allow(method, path string, limit int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.routes = append(l.routes, allowance{method: method, segs: splitPath(path), limit: limit})
}

// For is the allowance of a request.
func (l *BodyLimits) For(method, path string) int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if len(l.routes) == 0 {
		return l.def
	}
	segs := splitPath(path)
	for _, a := range l.routes {
		if a.method == method && matchSegs(a.segs, segs) {
			return a.limit
		}
	}
	return l.def
}

func splitPath(p string) []string {
	return strings.Split(strings.Trim(p, "/"), "/")
}

func matchSegs(pattern, segs []string) bool {
	for i, p := range pattern {
		if p == "*" {
			return true
		}
		if i >= len(segs) {
			return false
		}
		if strings.HasPrefix(p, ":") {
			if segs[i] == "" {
				return false
			}
			continue
		}
		if p != segs[i] {
			return false
		}
	}
	return len(pattern) == len(segs)
}

// ErrBodyTooLarge is the answer to a body over its route's allowance.
func ErrBodyTooLarge(limit int) *apperr.Error {
	return apperr.Newf(apperr.TooLarge, "request.too_large", "提交的内容过大（本项不得超过%s），请精简后再提交", sizeText(limit))
}

func sizeText(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%dMB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%dKB", n>>10)
	}
	return fmt.Sprintf("%d字节", n)
}

var errEncoding = apperr.New(apperr.BadRequest, "request.encoding_unsupported", "不接受压缩的请求内容（Content-Encoding），请以未压缩的形式提交")

// Gate enforces the allowance before anything reads the body: a declared length over it answers 413 at
// once; a chunked body is read up to the allowance (and refused beyond it); a body within its allowance
// is left to be read as it arrives.
func (l *BodyLimits) Gate(c *fiber.Ctx) error {
	h := &c.Request().Header
	if ce := strings.TrimSpace(string(h.Peek(fiber.HeaderContentEncoding))); ce != "" && !strings.EqualFold(ce, "identity") {
		c.Context().SetConnectionClose()
		return errEncoding
	}
	limit := l.For(c.Method(), c.Path())
	cl := h.ContentLength()
	switch {
	case cl > limit:
		refuse(c)
		return ErrBodyTooLarge(limit)
	case cl == -1: // chunked: read at most limit+1 bytes
		if s := c.Request().BodyStream(); s != nil {
			b, err := io.ReadAll(io.LimitReader(s, int64(limit)+1))
			if err != nil {
				c.Context().SetConnectionClose()
				return apperr.New(apperr.BadRequest, "request.malformed", "请求格式错误：请求内容不完整")
			}
			if len(b) > limit {
				refuse(c)
				return ErrBodyTooLarge(limit)
			}
			c.Request().SetBodyRaw(b)
		}
	}
	err := c.Next()
	if cl > 0 && limit > l.def {
		// a large-allowance route may leave part of its body unread: never parse it as a next request
		c.Context().SetConnectionClose()
	}
	return err
}

// refuse closes the connection after the answer, first discarding for a moment (at most 1 MB, 200 ms)
// what the client has already sent: closing a socket with unread input resets it, and the client would
// lose the 413 that explains why.
func refuse(c *fiber.Ctx) {
	c.Context().SetConnectionClose()
	s := c.Request().BodyStream()
	if s == nil {
		return
	}
	if conn := c.Context().Conn(); conn != nil {
		_ = conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	}
	_, _ = io.CopyN(io.Discard, s, 1<<20)
}
