package casefile

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/url"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"fuyi/cases"
	"fuyi/cases/lawsuits"
	"fuyi/internal/apperr"
	"fuyi/internal/audit"
	"fuyi/internal/auth"
	"fuyi/internal/database"
)

// DefaultLimit is the largest file accepted unless FUYI_UPLOAD_LIMIT says otherwise.
const DefaultLimit = 50 << 20

// Service files, lists, reads and withdraws the files of cases and lawsuits, each change in one transaction
// with its audit event.
type Service struct {
	DB    *sqlx.DB
	Blobs Blobs
	Limit int64 // largest accepted file in bytes
}

// NewService builds the service with the default storage (PostgreSQL).
func NewService(db *sqlx.DB, limit int64) *Service {
	if limit <= 0 {
		limit = DefaultLimit
	}
	return &Service{DB: db, Blobs: PGBlobs{}, Limit: limit}
}

// Owner is the case or the lawsuit a file belongs to.
type Owner struct {
	ID      int64
	Lawsuit bool
}

// FileURL is where the bytes of a file of the owner are served.
func (o Owner) FileURL(id int64) string {
	if o.Lawsuit {
		return fmt.Sprintf("/api/v1/lawsuits/%d/files/%d", o.ID, id)
	}
	return fmt.Sprintf("/api/v1/cases/%d/files/%d", o.ID, id)
}

// visible checks that u may see the owner (not found otherwise, never revealing that it exists).
func visible(ctx context.Context, db sqlx.ExtContext, u *auth.User, o Owner) error {
	if o.Lawsuit {
		_, err := lawsuits.NewStore(db).GetLawsuit(ctx, o.ID, u)
		return err
	}
	_, err := cases.NewStore(db).GetVisible(ctx, o.ID, u)
	return err
}

func record(ctx context.Context, tx *sqlx.Tx, o Owner, actor int64, action, summary string, old, new any) error {
	if o.Lawsuit {
		return audit.RecordLawsuit(ctx, tx, o.ID, actor, action, summary, old, new)
	}
	return audit.Record(ctx, tx, o.ID, actor, action, summary, old, new)
}

// maxField bounds the text fields of the multipart form (category, title).
const maxField = 4 << 10

// Upload files the multipart form read from body (fields file, category, title, in any order) for the
// owner, in one transaction: the bytes, their record with the SHA-256 and the detected type, and the audit
// event commit together or not at all. The file is streamed through: one chunk is held at a time.
func (s *Service) Upload(ctx context.Context, u *auth.User, o Owner, body io.Reader, boundary string) (*File, error) {
	return s.UploadKeeping(ctx, u, o, body, boundary, nil)
}

// UploadKeeping is Upload that also puts the text fields it read into kept (when not nil), so that a page
// can show a refused form again with what was typed.
func (s *Service) UploadKeeping(ctx context.Context, u *auth.User, o Owner, body io.Reader, boundary string, kept url.Values) (*File, error) {
	var out *File
	err := database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
		if err := visible(ctx, tx, u, o); err != nil {
			return err
		}
		if boundary == "" {
			return apperr.New(apperr.BadRequest, "file.not_multipart", "请以 multipart/form-data 表单上传文件（字段 file、category、title）")
		}
		st := NewStore(tx)
		id, err := st.NextID(ctx)
		if err != nil {
			return err
		}
		f := &File{ID: id, UploadedByID: u.ID}
		if o.Lawsuit {
			f.LawsuitID = &o.ID
		} else {
			f.CaseID = &o.ID
		}
		mr := multipart.NewReader(body, boundary)
		seen, supplement := false, ""
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return apperr.New(apperr.BadRequest, "file.malformed", "上传的表单格式错误（multipart 不完整），请重新上传")
			}
			switch p.FormName() {
			case "file":
				if seen {
					return fieldErr("file.several", "file", "一次只能上传一个文件")
				}
				seen = true
				f.Name = cleanName(p.FileName())
				if err := s.store(ctx, tx, f, p); err != nil {
					return err
				}
			case "category", "title", "party", "purpose", "supplement_reason":
				v, err := io.ReadAll(io.LimitReader(p, maxField+1))
				if err != nil {
					return apperr.New(apperr.BadRequest, "file.malformed", "上传的表单格式错误（multipart 不完整），请重新上传")
				}
				val := strings.TrimSpace(strings.ToValidUTF8(string(v), ""))
				if kept != nil {
					kept.Set(p.FormName(), val)
				}
				switch p.FormName() {
				case "category":
					f.Category = val
				case "title":
					f.Title = val
				case "party":
					f.Party = val
				case "purpose":
					f.Purpose = val
				case "supplement_reason":
					supplement = val
				}
			default:
				if _, err := io.Copy(io.Discard, io.LimitReader(p, maxField)); err != nil {
					return apperr.New(apperr.BadRequest, "file.malformed", "上传的表单格式错误（multipart 不完整），请重新上传")
				}
			}
		}
		if !seen {
			return ErrNoFile
		}
		if f.Title == "" {
			f.Title = strings.TrimSuffix(f.Name, path.Ext(f.Name))
		}
		fs := apperr.Fields{}
		if CategoryLabel(f.Category) == "" {
			fs.Add("category", "请选择材料类别（申请材料、身份证明、被申请行政行为、补正材料、答复书、证据、证据目录、听证笔录、委员会意见、送达回证、法院文书或其他）")
		}
		if !utf8.ValidString(f.Title) || strings.ContainsFunc(f.Title, unicode.IsControl) {
			fs.Add("title", "材料名称含有无法识别的字符")
		} else if utf8.RuneCountInString(f.Title) > 200 {
			fs.Add("title", "材料名称不能超过200字")
		} else if f.Title == "" {
			fs.Add("title", "请填写材料名称")
		}
		checkEvidence(fs, f)
		if err := fs.Err(); err != nil {
			return err
		}
		archived := false
		if !o.Lawsuit {
			if _, err := st.GetArchive(ctx, o.ID); err == nil {
				archived = true
			} else if err != ErrNotArchived {
				return err
			}
		}
		if archived && supplement == "" {
			return ErrSupplementReason
		}
		if utf8.RuneCountInString(supplement) > 500 {
			return fieldErr("archive.supplement_reason", "supplement_reason", "补充归档理由不能超过500字")
		}
		if err := st.Insert(ctx, f); err != nil {
			return err
		}
		action, what := "file.uploaded", "上传材料"
		if archived {
			if _, err := tx.ExecContext(ctx, insertSupplement, o.ID, f.ID, supplement, u.ID); err != nil {
				return fmt.Errorf("casefile: supplement %d: %w", f.ID, err)
			}
			action, what = "file.supplemented", "补充归档（"+supplement+"）"
		}
		if err := record(ctx, tx, o, u.ID, action, fmt.Sprintf("%s（%s）：%s，%s", what, CategoryLabel(f.Category), f.Title, sizeText(f.Size)),
			nil, map[string]any{"file_id": f.ID, "category": f.Category, "size": f.Size, "sha256": fmt.Sprintf("%x", f.SHA256Bytes), "content_type": f.ContentType}); err != nil {
			return err
		}
		out, err = st.Get(ctx, o, id)
		return err
	})
	return out, err
}

// checkEvidence: a piece of evidence may name the party that submitted it (the 证据目录 lists the evidence
// of each party: 复议法第44–46条 the burden of proof of the respondent and the evidence of the applicant and
// the third party; evidence gathered by the organ) and its 证明目的, at most 500 characters.
func checkEvidence(fs apperr.Fields, f *File) {
	if f.Party != "" && PartyLabel(f.Party) == "" {
		fs.Add("party", "请选择证据的提交人（申请人、被申请人、第三人或复议机构调取）")
	}
	if utf8.RuneCountInString(f.Purpose) > 500 {
		fs.Add("purpose", "证明目的不能超过500字")
	} else if strings.ContainsFunc(f.Purpose, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' }) {
		fs.Add("purpose", "证明目的含有无法识别的字符")
	}
}

// store streams one file part into the blobs: it detects the type from the first bytes, hashes and counts
// as the bytes pass and refuses a file over the limit as soon as it is over.
func (s *Service) store(ctx context.Context, tx *sqlx.Tx, f *File, p io.Reader) error {
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(p, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return apperr.New(apperr.BadRequest, "file.malformed", "上传的表单格式错误（multipart 不完整），请重新上传")
	}
	head = head[:n]
	if n == 0 {
		return ErrEmpty
	}
	typ, zip := Detect(head)
	if typ == "" && !zip {
		return ErrWrongType
	}
	h := sha256.New()
	var ofd *ofdScanner
	w := io.Writer(h)
	if zip {
		ofd = &ofdScanner{}
		w = io.MultiWriter(h, ofd)
	}
	lr := &limitReader{r: io.MultiReader(bytes.NewReader(head), p), left: s.Limit}
	size, err := s.Blobs.Put(ctx, tx, f.ID, io.TeeReader(lr, w))
	if errors.Is(err, errTooLarge) || lr.over {
		return TooLarge(s.Limit)
	}
	if err != nil {
		if _, ok := apperr.As(err); ok || database.IsUnavailable(err) || database.IsTimeout(err) {
			return err
		}
		if errors.Is(err, multipart.ErrMessageTooLarge) || errors.Is(err, io.ErrUnexpectedEOF) {
			return apperr.New(apperr.BadRequest, "file.malformed", "上传的表单格式错误（multipart 不完整），请重新上传")
		}
		return err
	}
	if zip {
		if !ofd.found {
			return ErrWrongType
		}
		typ = TypeOFD
	}
	f.ContentType, f.Size, f.SHA256Bytes = typ, size, h.Sum(nil)
	return nil
}

var errTooLarge = errors.New("casefile: over the limit")

// limitReader fails once more than left bytes pass.
type limitReader struct {
	r    io.Reader
	left int64
	over bool
}

func (l *limitReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		l.over = true
		return 0, errTooLarge
	}
	return n, err
}

// cleanName keeps the base name of an uploaded file, without control characters, at most 255 bytes.
func cleanName(s string) string {
	s = strings.ToValidUTF8(s, "")
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	for len(s) > 255 {
		_, n := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-n]
	}
	if s == "" {
		s = "未命名文件"
	}
	return s
}

// List gives the files of a case or lawsuit the user may see.
func (s *Service) List(ctx context.Context, u *auth.User, o Owner) ([]File, error) {
	if err := visible(ctx, s.DB, u, o); err != nil {
		return nil, err
	}
	return NewStore(s.DB).List(ctx, o)
}

// Open gives a file's record and its bytes, and logs the reading (kind "view" or "download") in the 阅卷
// log. The caller closes the reader.
func (s *Service) Open(ctx context.Context, u *auth.User, o Owner, id int64, kind string) (*File, io.ReadCloser, error) {
	var f *File
	err := database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
		if err := visible(ctx, tx, u, o); err != nil {
			return err
		}
		st := NewStore(tx)
		var err error
		if f, err = st.Get(ctx, o, id); err != nil {
			return err
		}
		return st.LogRead(ctx, id, u.ID, kind)
	})
	if err != nil {
		return nil, nil, err
	}
	return f, s.Blobs.Open(s.DB, id), nil
}

// Withdraw withdraws a file with a reason: the uploader or the chief may; the file stays in the record,
// marked withdrawn, with the reason in the audit trail.
func (s *Service) Withdraw(ctx context.Context, u *auth.User, o Owner, id int64, reason string) (*File, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, fieldErr("file.reason", "reason", "请填写撤回理由")
	}
	if utf8.RuneCountInString(reason) > 500 {
		return nil, fieldErr("file.reason", "reason", "撤回理由不能超过500字")
	}
	var out *File
	err := database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
		if err := visible(ctx, tx, u, o); err != nil {
			return err
		}
		st := NewStore(tx)
		f, err := st.Get(ctx, o, id)
		if err != nil {
			return err
		}
		if f.UploadedByID != u.ID && u.Role != auth.RoleChief {
			return ErrNoWithdraw
		}
		if f.Withdrawn() {
			return ErrWithdrawn
		}
		if err := st.Withdraw(ctx, id, u.ID, reason); err != nil {
			return err
		}
		if err := record(ctx, tx, o, u.ID, "file.withdrawn", fmt.Sprintf("撤回材料：%s；理由：%s", f.Title, reason),
			map[string]any{"file_id": id, "withdrawn": false}, map[string]any{"file_id": id, "withdrawn": true, "reason": reason}); err != nil {
			return err
		}
		out, err = st.Get(ctx, o, id)
		return err
	})
	if cases.Archived(err) {
		return nil, cases.ErrArchived
	}
	return out, err
}
