package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Freshness says where a read was served from and how old its data may be.
type Freshness struct {
	Replica bool          // served by a streaming replica; false: by the primary (current data)
	Lag     time.Duration // how far the replica's replay is behind; 0 when it has applied all it received
	AsOf    time.Time     // commit time of the last transaction the replica replayed (zero on the primary)
}

// Text is the sentence a page that read a replica shows about its freshness ("" on the primary).
func (f Freshness) Text() string {
	if !f.Replica {
		return ""
	}
	if f.Lag < time.Second {
		return "本页数据来自只读副本，与主库同步（延迟不足1秒）"
	}
	return fmt.Sprintf("本页数据来自只读副本，约为%d秒前的状态", int(f.Lag.Round(time.Second)/time.Second))
}

// Replica sends reads that may lag (the public site, statistics) to a streaming replica and falls back to
// the primary when no replica is configured, when the replica cannot be reached, or when it is further
// behind than MaxLag. The replica's state is checked at most once a second, by one request at a time; the
// others use the last result.
type Replica struct {
	primary *sqlx.DB
	standby *sqlx.DB // nil: no replica configured
	maxLag  time.Duration

	check   sync.Mutex // held by the one request that refreshes the state
	mu      sync.Mutex // guards the fields below
	checked time.Time
	usable  bool
	fresh   Freshness
}

// checkEvery is how long a replica state is trusted before it is read again.
const checkEvery = time.Second

// OpenReplica prepares the replica pool for url (empty: every read goes to the primary) with the same
// session options as the primary's pool. It does not connect: a replica that is down when the server starts
// is simply not used until it answers.
func OpenReplica(primary *sqlx.DB, url string, o Options, maxLag time.Duration) (*Replica, error) {
	r := &Replica{primary: primary, maxLag: maxLag}
	if url == "" {
		return r, nil
	}
	db, err := pool(url, o)
	if err != nil {
		return nil, fmt.Errorf("database: replica: %w", err)
	}
	r.standby = db
	return r, nil
}

// Close closes the replica pool (not the primary).
func (r *Replica) Close() error {
	if r.standby == nil {
		return nil
	}
	return r.standby.Close()
}

// Configured reports whether a replica URL was given.
func (r *Replica) Configured() bool { return r.standby != nil }

// Read runs fn against the replica when it is usable and against the primary otherwise, and says which.
// fn should only read. When the replica fails during fn (gone, or a query cancelled by a conflict with
// recovery), fn runs again on the primary, and the replica is left alone until its next check; when fn
// tried to write (a read-only transaction), fn runs again on the primary.
func (r *Replica) Read(ctx context.Context, fn func(db *sqlx.DB) error) (Freshness, error) {
	fresh, ok := r.state(ctx)
	if !ok {
		return Freshness{}, fn(r.primary)
	}
	err := fn(r.standby)
	if err == nil || ctx.Err() != nil {
		return fresh, err
	}
	if isReadOnly(err) {
		return Freshness{}, fn(r.primary)
	}
	if IsUnavailable(err) || recoveryConflict(err) {
		r.mu.Lock()
		r.usable, r.checked = false, time.Now()
		r.mu.Unlock()
		return Freshness{}, fn(r.primary)
	}
	return fresh, err
}

func isReadOnly(err error) bool {
	var pe *pq.Error
	return errors.As(err, &pe) && pe.Code == "25006"
}

// Status reads the replica's state now (for health pages and tests): its freshness, or why it is not used.
func (r *Replica) Status(ctx context.Context) (Freshness, error) {
	if r.standby == nil {
		return Freshness{}, errors.New("database: no replica configured")
	}
	f, err := r.measure(ctx)
	r.mu.Lock()
	r.checked, r.usable, r.fresh = time.Now(), err == nil, f
	r.mu.Unlock()
	return f, err
}

// state returns the last known freshness and whether the replica may be used, refreshing it when stale.
func (r *Replica) state(ctx context.Context) (Freshness, bool) {
	if r.standby == nil {
		return Freshness{}, false
	}
	r.mu.Lock()
	stale := time.Since(r.checked) >= checkEvery
	f, ok := r.fresh, r.usable
	r.mu.Unlock()
	if stale && r.check.TryLock() {
		defer r.check.Unlock()
		f, err := r.Status(ctx)
		return f, err == nil
	}
	return f, ok
}

// replicaState asks the replica how far behind it is. A replica that has replayed everything it received
// while its WAL receiver runs is current (the primary's synchronous standby is); otherwise the lag is the
// age of the last replayed commit. A server that is not in recovery (a promoted replica) is current.
const replicaState = `SELECT pg_is_in_recovery() AS recovery,
	coalesce(pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(), false) AS caught_up,
	EXISTS (SELECT 1 FROM pg_stat_wal_receiver) AS receiving,
	pg_last_xact_replay_timestamp() AS replayed_at,
	coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0)::float8 AS age`

func (r *Replica) measure(ctx context.Context) (Freshness, error) {
	cctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	var s struct {
		Recovery   bool         `db:"recovery"`
		CaughtUp   bool         `db:"caught_up"`
		Receiving  bool         `db:"receiving"`
		ReplayedAt sql.NullTime `db:"replayed_at"`
		Age        float64      `db:"age"`
	}
	if err := r.standby.GetContext(cctx, &s, replicaState); err != nil {
		return Freshness{}, fmt.Errorf("database: replica state: %w", err)
	}
	f := Freshness{Replica: true}
	if s.ReplayedAt.Valid {
		f.AsOf = s.ReplayedAt.Time
	}
	switch {
	case !s.Recovery:
		return Freshness{Replica: true}, nil
	case s.CaughtUp && s.Receiving:
	case !s.ReplayedAt.Valid:
		return f, errors.New("database: the replica has replayed nothing yet")
	default:
		f.Lag = time.Duration(s.Age * float64(time.Second))
	}
	if r.maxLag > 0 && f.Lag > r.maxLag {
		return f, fmt.Errorf("database: replica %s behind (limit %s)", f.Lag.Round(time.Second), r.maxLag)
	}
	return f, nil
}

// recoveryConflict reports a query that a replica cancelled because replay needed what it read.
func recoveryConflict(err error) bool {
	var pe *pq.Error
	return errors.As(err, &pe) && pe.Code == "40001" && strings.Contains(pe.Message, "conflict with recovery")
}
