package notices

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/robfig/cron/v3"

	"fuyi/internal/date"
)

// Job is an extra scheduled job (e.g. the monthly report draft).
type Job struct {
	Spec string
	Name string
	Run  func(ctx context.Context) error
}

// Schedule starts the scheduler in China time with panic recovery and skip-if-still-running:
// deadline alerts every morning at 07:00 (and once now, catching up on days the server was down — the
// levels depend on today's date, so everything that fell due meanwhile is alerted at its current level),
// outbox delivery every minute, and any extra jobs.
// A job's failure is logged where it happens (RunOn logs its own). observe, when not nil, is told of every
// run and its error (the metrics).
func Schedule(ctx context.Context, r *Runner, out *Outbox, log *slog.Logger, observe func(job string, err error), extra ...Job) (*cron.Cron, error) {
	if observe == nil {
		observe = func(string, error) {}
	}
	logger := cron.VerbosePrintfLogger(slogPrintf{log})
	c := cron.New(cron.WithLocation(date.Shanghai), cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)))
	alerts := func() {
		_, err := r.RunOn(ctx, r.Today()) // RunOn logs a failure; the next run catches up
		observe("alerts", err)
	}
	if _, err := c.AddFunc("0 7 * * *", alerts); err != nil {
		return nil, fmt.Errorf("notices: schedule alerts: %w", err)
	}
	if _, err := c.AddFunc("* * * * *", func() {
		sent, failed, err := out.Deliver(ctx)
		observe("outbox", err)
		if err != nil {
			log.Warn("outbox", "error", err.Error())
		} else if sent+failed > 0 {
			log.Info("outbox", "sent", sent, "failed", failed)
		}
	}); err != nil {
		return nil, fmt.Errorf("notices: schedule outbox: %w", err)
	}
	for _, j := range extra {
		if _, err := c.AddFunc(j.Spec, func() {
			err := j.Run(ctx)
			observe(j.Name, err)
			if err != nil {
				log.Error("job failed", "job", j.Name, "error", err.Error())
			}
		}); err != nil {
			return nil, fmt.Errorf("notices: schedule %s: %w", j.Name, err)
		}
	}
	c.Start()
	go alerts() // catch up at start-up
	return c, nil
}

type slogPrintf struct{ l *slog.Logger }

func (s slogPrintf) Printf(format string, args ...any) {
	s.l.Info("cron", "detail", sprintf(format, args...))
}
