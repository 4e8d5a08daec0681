package web

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"fuyi/internal/apperr"
)

// Slots bound how many requests run an expensive handler at once (the public search): a request waits at
// most Wait for a free slot and is otherwise answered 503 with Retry-After, and the handler's work runs
// under a deadline of Timeout (its statements are cancelled then: 503 too). However many such requests
// arrive, they hold at most n database connections and n cores' worth of work, so staff requests keep
// answering.
type Slots struct {
	ch      chan struct{}
	Wait    time.Duration
	Timeout time.Duration
}

// NewSlots makes n slots (n < 1 is taken as 1).
func NewSlots(n int, wait, timeout time.Duration) *Slots {
	return &Slots{ch: make(chan struct{}, max(n, 1)), Wait: wait, Timeout: timeout}
}

// ErrSaturated answers a request that found every slot busy.
var ErrSaturated = apperr.New(apperr.Unavailable, "service.saturated", "检索请求过多，系统繁忙，请稍后重试")

// Wrap runs h in a slot. A nil *Slots runs h unbounded.
func (s *Slots) Wrap(h fiber.Handler) fiber.Handler {
	if s == nil {
		return h
	}
	return func(c *fiber.Ctx) error {
		t := time.NewTimer(s.Wait)
		defer t.Stop()
		select {
		case s.ch <- struct{}{}:
		case <-t.C:
			return ErrSaturated
		case <-c.UserContext().Done():
			return ErrSaturated
		}
		defer func() { <-s.ch }()
		if s.Timeout > 0 {
			parent := c.UserContext()
			ctx, cancel := context.WithTimeout(parent, s.Timeout)
			defer cancel()
			c.SetUserContext(ctx)
			defer c.SetUserContext(parent)
		}
		return h(c)
	}
}
