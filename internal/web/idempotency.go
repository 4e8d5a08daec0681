package web

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/apperr"
)

// Replay is a stored answer to an earlier request with the same Idempotency-Key.
type Replay struct {
	Status int
	Body   []byte
}

var errKeyReused = apperr.New(apperr.Conflict, "idempotency.key_reused", "该 Idempotency-Key 已用于另一内容不同的请求，请为新请求使用新的键")

// ClaimKey reserves an Idempotency-Key inside tx. When the key was already used by a committed request it
// returns that request's answer. A concurrent request with the same key waits on the unique index until
// the first commits (then replays) or rolls back (then proceeds). An empty key claims nothing.
func ClaimKey(ctx context.Context, tx *sqlx.Tx, userID int64, key string, body []byte) (*Replay, error) {
	if key == "" {
		return nil, nil
	}
	if len(key) > 200 {
		return nil, apperr.New(apperr.BadRequest, "idempotency.key_invalid", "Idempotency-Key 不能超过200个字符")
	}
	h := sha256.Sum256(body)
	res, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES ($1, $2, $3)
		ON CONFLICT (user_id, key) DO NOTHING`, userID, key, h[:])
	if err != nil {
		return nil, fmt.Errorf("web: claim idempotency key: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil, nil
	}
	var row struct {
		Hash   []byte        `db:"request_hash"`
		Status sql.NullInt64 `db:"status"`
		Body   []byte        `db:"body"`
	}
	if err := tx.GetContext(ctx, &row, `SELECT request_hash, status, body FROM idempotency_keys WHERE user_id = $1 AND key = $2`, userID, key); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, apperr.New(apperr.Conflict, "idempotency.in_progress", "相同 Idempotency-Key 的请求正在处理，请稍后重试")
		}
		return nil, err
	}
	if string(row.Hash) != string(h[:]) {
		return nil, errKeyReused
	}
	if !row.Status.Valid {
		return nil, apperr.New(apperr.Conflict, "idempotency.in_progress", "相同 Idempotency-Key 的请求正在处理，请稍后重试")
	}
	return &Replay{Status: int(row.Status.Int64), Body: row.Body}, nil
}

// StoreAnswer saves the answer for a claimed key, in the same transaction as the work it answers.
func StoreAnswer(ctx context.Context, tx *sqlx.Tx, userID int64, key string, status int, body []byte) error {
	if key == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE idempotency_keys SET status = $3, body = $4 WHERE user_id = $1 AND key = $2`, userID, key, status, body)
	return err
}
