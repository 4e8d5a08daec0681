package notices

import (
	"context"
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
func Schedule(ctx context.Context, r *Runner, out *Outbox, log *slog.Logger, extra ...Job) *cron.Cron {
	logger := cron.VerbosePrintfLogger(slogPrintf{log})
	c := cron.New(cron.WithLocation(date.Shanghai), cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)))
	c.AddFunc("0 7 * * *", func() { r.RunOn(ctx, r.Today()) })
	c.AddFunc("* * * * *", func() {
		if sent, failed, err := out.Deliver(ctx); err != nil {
			log.Warn("outbox", "error", err.Error())
		} else if sent+failed > 0 {
			log.Info("outbox", "sent", sent, "failed", failed)
		}
	})
	for _, j := range extra {
		j := j
		c.AddFunc(j.Spec, func() {
			if err := j.Run(ctx); err != nil {
				log.Error("job failed", "job", j.Name, "error", err.Error())
			}
		})
	}
	c.Start()
	go r.RunOn(ctx, r.Today()) // catch up at start-up
	return c
}

type slogPrintf struct{ l *slog.Logger }

func (s slogPrintf) Printf(format string, args ...any) {
	s.l.Info("cron", "detail", sprintf(format, args...))
}
