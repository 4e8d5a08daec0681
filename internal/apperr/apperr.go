// Package apperr carries errors meant for users: a stable code for programs and a Chinese message for
// people. Features declare their own errors with it; the web layer maps Kind to an HTTP status.
package apperr

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Kind says what went wrong, independent of transport.
type Kind int

const (
	Invalid      Kind = iota // a field or a legal rule is violated (422)
	BadRequest               // malformed request (400)
	Unauthorized             // not logged in (401)
	Forbidden                // the role may not do this (403)
	NotFound                 // missing or invisible to the caller (404)
	Conflict                 // wrong state, stale version, booking conflict (409)
	TooLarge                 // body too large (413)
	TooMany                  // rate limited (429)
	Unavailable              // a dependency is down (503)
	Precondition             // If-Match names another version than the record's (412)
)

// Error is an error a user may read.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	Fields  map[string]string
	// RetryAfter is, for TooMany, the seconds after which a new try may succeed (0: the transport's default).
	RetryAfter int
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Code
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return e.Code + " [" + strings.Join(keys, ",") + "]"
}

// Is matches errors of the same code, so sentinel errors work with errors.Is.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

func New(kind Kind, code, message string) *Error {
	return &Error{Kind: kind, Code: code, Message: message}
}

func Newf(kind Kind, code, format string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Rule is a violated legal or business rule (422).
func Rule(code, format string, args ...any) *Error { return Newf(Invalid, code, format, args...) }

// State is an action in the wrong state (409).
func State(code, format string, args ...any) *Error { return Newf(Conflict, code, format, args...) }

// As extracts an *Error.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// Stale is the answer to an edit based on an old version of a record.
var Stale = New(Conflict, "stale_version", "该记录已被他人修改，请刷新页面查看最新内容后再操作")

// Fields collects per-field messages while validating input.
type Fields map[string]string

// Add records the first message for a field.
func (f Fields) Add(field, format string, args ...any) {
	if _, ok := f[field]; !ok {
		f[field] = fmt.Sprintf(format, args...)
	}
}

func (f Fields) Has(field string) bool { _, ok := f[field]; return ok }

// Err returns nil when no field failed, else one Invalid error listing them.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	msg := "提交的信息有误：" + f[keys[0]]
	if len(keys) > 1 {
		msg += fmt.Sprintf("（另有%d处需修改）", len(keys)-1)
	}
	return &Error{Kind: Invalid, Code: "validation.failed", Message: msg, Fields: map[string]string(f)}
}
