// Package idempotency keeps the answers of requests sent with an Idempotency-Key. A key is claimed and its
// answer stored inside the same transaction as the work it answers, so a retried request either sees the
// committed answer or does the work itself — never both, never half.
package idempotency

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/apperr"
	"fuyi/internal/database"
)

// Replay is a stored answer to an earlier request with the same Idempotency-Key.
type Replay struct {
	Status int
	Body   []byte
}

// Key identifies a request: who sent it, the key they chose and a fingerprint of what they sent.
type Key struct {
	UserID int64
	Key    string
	Body   []byte
}

var errKeyReused = apperr.New(apperr.Conflict, "idempotency.key_reused", "该 Idempotency-Key 已用于另一内容不同的请求，请为新请求使用新的键")

var claimKey = database.Prepared(`INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES ($1, $2, $3)
ON CONFLICT (user_id, key) DO NOTHING`)

const queryKey = `SELECT request_hash, status, body FROM idempotency_keys WHERE user_id = $1 AND key = $2`

var storeAnswer = database.Prepared(`UPDATE idempotency_keys SET status = $3, body = $4 WHERE user_id = $1 AND key = $2`)

const releaseKey = `DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND status IS NULL`

// Statements lists the SQL of this package (checked against the schema by the statement test).
func Statements() []string { return []string{claimKey, queryKey, storeAnswer, releaseKey} }

// Claim reserves an Idempotency-Key inside tx. When the key was already used by a committed request it
// returns that request's answer. A concurrent request with the same key waits on the unique index until
// the first commits (then replays) or rolls back (then proceeds). An empty key claims nothing.
func Claim(ctx context.Context, tx sqlx.ExtContext, k Key) (*Replay, error) {
	if k.Key == "" {
		return nil, nil
	}
	if len(k.Key) > 200 {
		return nil, apperr.New(apperr.BadRequest, "idempotency.key_invalid", "Idempotency-Key 不能超过200个字符")
	}
	userID, key := k.UserID, k.Key
	h := sha256.Sum256(k.Body)
	res, err := tx.ExecContext(ctx, claimKey, userID, key, h[:])
	if err != nil {
		return nil, fmt.Errorf("idempotency: claim: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return nil, fmt.Errorf("idempotency: claim: %w", err)
	}
	if n == 1 {
		return nil, nil
	}
	var row struct {
		Hash   []byte        `db:"request_hash"`
		Status sql.NullInt64 `db:"status"`
		Body   []byte        `db:"body"`
	}
	if err := sqlx.GetContext(ctx, tx, &row, queryKey, userID, key); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, apperr.New(apperr.Conflict, "idempotency.in_progress", "相同 Idempotency-Key 的请求正在处理，请稍后重试")
		}
		return nil, fmt.Errorf("idempotency: replay: %w", err)
	}
	if string(row.Hash) != string(h[:]) {
		return nil, errKeyReused
	}
	if !row.Status.Valid {
		return nil, apperr.New(apperr.Conflict, "idempotency.in_progress", "相同 Idempotency-Key 的请求正在处理，请稍后重试")
	}
	return &Replay{Status: int(row.Status.Int64), Body: row.Body}, nil
}

// Release gives up a claim whose request did nothing (it was refused or failed), so that a retry runs again.
func Release(ctx context.Context, db sqlx.ExecerContext, k Key) error {
	if k.Key == "" {
		return nil
	}
	if _, err := db.ExecContext(ctx, releaseKey, k.UserID, k.Key); err != nil {
		return fmt.Errorf("idempotency: release: %w", err)
	}
	return nil
}

// Store saves the answer for a claimed key, in the same transaction as the work it answers.
func Store(ctx context.Context, tx sqlx.ExecerContext, k Key, status int, body []byte) error {
	if k.Key == "" {
		return nil
	}
	if _, err := tx.ExecContext(ctx, storeAnswer, k.UserID, k.Key, status, body); err != nil {
		return fmt.Errorf("idempotency: store answer: %w", err)
	}
	return nil
}
