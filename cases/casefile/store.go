package casefile

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jmoiron/sqlx"
)

// Store reads and writes the records of files; it works on a *sqlx.DB or a *sqlx.Tx alike.
type Store struct{ db sqlx.ExtContext }

func NewStore(db sqlx.ExtContext) *Store { return &Store{db: db} }

const nextFileID = `SELECT nextval('case_files_id_seq')`

// NextID reserves the id of a new file (its chunks are written before its record).
func (s *Store) NextID(ctx context.Context) (int64, error) {
	var id int64
	if err := sqlx.GetContext(ctx, s.db, &id, nextFileID); err != nil {
		return 0, fmt.Errorf("casefile: next id: %w", err)
	}
	return id, nil
}

const insertFile = `INSERT INTO case_files (id, case_id, lawsuit_id, category, title, name, content_type, size, sha256, uploaded_by, party, purpose)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`

// Insert writes the record of a file whose chunks are written.
func (s *Store) Insert(ctx context.Context, f *File) error {
	if _, err := s.db.ExecContext(ctx, insertFile, f.ID, f.CaseID, f.LawsuitID, f.Category, f.Title, f.Name, f.ContentType,
		f.Size, f.SHA256Bytes, f.UploadedByID, f.Party, f.Purpose); err != nil {
		return fmt.Errorf("casefile: insert %d: %w", f.ID, err)
	}
	return nil
}

// fileColumns: a file copied by a transfer (migration 0032) has no uploader in the competent organ.
const fileColumns = `f.id, f.case_id, f.lawsuit_id, f.name, f.title, f.category, f.party, f.purpose, f.size, f.sha256, f.content_type,
	coalesce(f.uploaded_by, 0) AS uploaded_by_id, coalesce(u.name, '转送时随申请移交') AS uploaded_by, f.uploaded_at, f.withdrawn_at,
	w.name AS withdrawn_by, f.withdraw_reason
FROM case_files f LEFT JOIN users u ON u.id = f.uploaded_by LEFT JOIN users w ON w.id = f.withdrawn_by`

const queryCaseFiles = `SELECT ` + fileColumns + ` WHERE f.case_id = $1 ORDER BY f.id`

const queryLawsuitFiles = `SELECT ` + fileColumns + ` WHERE f.lawsuit_id = $1 ORDER BY f.id`

// List gives the files of a case or a lawsuit, withdrawn ones included, in the order they were filed.
func (s *Store) List(ctx context.Context, o Owner) ([]File, error) {
	q := queryCaseFiles
	if o.Lawsuit {
		q = queryLawsuitFiles
	}
	var fs []File
	if err := sqlx.SelectContext(ctx, s.db, &fs, q, o.ID); err != nil {
		return nil, fmt.Errorf("casefile: list: %w", err)
	}
	for i := range fs {
		fs[i].fill()
		fs[i].URL = o.FileURL(fs[i].ID)
	}
	return fs, nil
}

const queryCaseFile = `SELECT ` + fileColumns + ` WHERE f.id = $1 AND f.case_id = $2`

const queryLawsuitFile = `SELECT ` + fileColumns + ` WHERE f.id = $1 AND f.lawsuit_id = $2`

// Get loads one file of a case or a lawsuit.
func (s *Store) Get(ctx context.Context, o Owner, id int64) (*File, error) {
	q := queryCaseFile
	if o.Lawsuit {
		q = queryLawsuitFile
	}
	var f File
	if err := sqlx.GetContext(ctx, s.db, &f, q, id, o.ID); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("casefile: get %d: %w", id, err)
	}
	f.fill()
	f.URL = o.FileURL(f.ID)
	return &f, nil
}

const lockFile = `SELECT id FROM case_files WHERE id = $1 FOR UPDATE`

const withdrawFile = `UPDATE case_files SET withdrawn_at = now(), withdrawn_by = $2, withdraw_reason = $3 WHERE id = $1 AND withdrawn_at IS NULL`

// Withdraw marks a file withdrawn (the record and the bytes stay).
func (s *Store) Withdraw(ctx context.Context, id, by int64, reason string) error {
	var got int64
	if err := sqlx.GetContext(ctx, s.db, &got, lockFile, id); err != nil {
		return fmt.Errorf("casefile: lock %d: %w", id, err)
	}
	r, err := s.db.ExecContext(ctx, withdrawFile, id, by, reason)
	if err != nil {
		return fmt.Errorf("casefile: withdraw %d: %w", id, err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return ErrWithdrawn
	}
	return nil
}

const insertRead = `INSERT INTO file_reads (file_id, user_id, kind) VALUES ($1, $2, $3)`

// LogRead records that a user viewed or downloaded a file (阅卷 log).
func (s *Store) LogRead(ctx context.Context, fileID, userID int64, kind string) error {
	if _, err := s.db.ExecContext(ctx, insertRead, fileID, userID, kind); err != nil {
		return fmt.Errorf("casefile: log read %d: %w", fileID, err)
	}
	return nil
}

// Read is one reading of a file.
type Read struct {
	FileID int64  `db:"file_id" json:"file_id"`
	Title  string `db:"title" json:"title"`
	User   string `db:"user_name" json:"user"`
	Kind   string `db:"kind" json:"kind"`
	At     string `db:"at" json:"at"`
}

const queryCaseReads = `SELECT r.file_id, f.title, u.name AS user_name, r.kind, to_char(r.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') AS at
FROM file_reads r JOIN case_files f ON f.id = r.file_id JOIN users u ON u.id = r.user_id
WHERE f.case_id = $1 ORDER BY r.id DESC LIMIT 200`

// Reads lists the latest readings of the files of a case (阅卷 log), newest first.
func (s *Store) Reads(ctx context.Context, caseID int64) ([]Read, error) {
	var rs []Read
	if err := sqlx.SelectContext(ctx, s.db, &rs, queryCaseReads, caseID); err != nil {
		return nil, fmt.Errorf("casefile: reads: %w", err)
	}
	return rs, nil
}

// Blobs keeps the bytes of files. Put writes them inside the transaction that writes the record, so the
// two commit together; Open reads them back. The default, PGBlobs, needs no set-up, serves every app
// server on the same database and is backed up with it (pg_dump, base backups, replicas).
type Blobs interface {
	Put(ctx context.Context, tx sqlx.ExecerContext, fileID int64, r io.Reader) (int64, error)
	Open(db sqlx.QueryerContext, fileID int64) io.ReadCloser
}

// ChunkSize is the size of the pieces PGBlobs stores (rows of file_chunks).
const ChunkSize = 1 << 20

// PGBlobs stores bytes in PostgreSQL, in rows of at most ChunkSize bytes.
type PGBlobs struct{}

const insertChunk = `INSERT INTO file_chunks (file_id, seq, data) VALUES ($1, $2, $3)`

// Put writes all of r as the bytes of the file; it holds one chunk in memory at a time.
func (PGBlobs) Put(ctx context.Context, tx sqlx.ExecerContext, fileID int64, r io.Reader) (int64, error) {
	buf := make([]byte, ChunkSize)
	var total int64
	for seq := 0; ; seq++ {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			if _, xerr := tx.ExecContext(ctx, insertChunk, fileID, seq, buf[:n]); xerr != nil {
				return total, fmt.Errorf("casefile: chunk %d of %d: %w", seq, fileID, xerr)
			}
			total += int64(n)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

const queryChunk = `SELECT data FROM file_chunks WHERE file_id = $1 AND seq = $2`

// Open reads the bytes chunk by chunk as they are consumed, each chunk with its own query on db (the
// pool: files never change once written, so no transaction is needed).
func (PGBlobs) Open(db sqlx.QueryerContext, fileID int64) io.ReadCloser {
	ctx, cancel := context.WithTimeout(context.Background(), ReadTimeout)
	return &chunkReader{ctx: ctx, cancel: cancel, db: db, id: fileID}
}

// ReadTimeout bounds the sending of one file to a client.
const ReadTimeout = 10 * time.Minute

type chunkReader struct {
	ctx    context.Context
	cancel context.CancelFunc
	db     sqlx.QueryerContext
	id     int64
	seq    int
	cur    []byte
	done   bool
}

func (r *chunkReader) Read(p []byte) (int, error) {
	for len(r.cur) == 0 {
		if r.done {
			return 0, io.EOF
		}
		var data []byte
		err := sqlx.GetContext(r.ctx, r.db, &data, queryChunk, r.id, r.seq)
		if errors.Is(err, sql.ErrNoRows) {
			r.done = true
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("casefile: read chunk %d of %d: %w", r.seq, r.id, err)
		}
		r.cur, r.seq = data, r.seq+1
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}

func (r *chunkReader) Close() error {
	r.cancel()
	return nil
}
