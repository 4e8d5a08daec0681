package cases

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/apperr"
	"fuyi/internal/audit"
	"fuyi/internal/auth"
	"fuyi/internal/calendar"
	"fuyi/internal/database"
	"fuyi/internal/date"
	"fuyi/internal/pdf"
)

// IssuedDoc is a document as issued: its 文号, issue date and the SHA-256 of its stored PDF.
type IssuedDoc struct {
	ID              int64           `db:"id" json:"id"`
	CaseID          int64           `db:"case_id" json:"-"`
	Type            string          `db:"type" json:"type"`
	Ref             string          `db:"ref" json:"ref,omitempty"`
	Title           string          `db:"title" json:"title"`
	DocNo           string          `db:"doc_no" json:"doc_no"`
	IssuedOn        date.Date       `db:"issued_on" json:"issued_on"`
	Text            string          `db:"text" json:"-"`
	SHA256Bytes     []byte          `db:"sha256" json:"-"`
	SHA256          string          `db:"-" json:"sha256"`
	IssuedBy        string          `db:"issued_by" json:"issued_by"`
	IssuedAt        time.Time       `db:"issued_at" json:"issued_at"`
	SupersededBy    *int64          `db:"superseded_by" json:"superseded_by"`
	SupersedeReason string          `db:"supersede_reason" json:"supersede_reason,omitempty"`
	URL             string          `db:"-" json:"url"`
	Service         []ServiceRecord `db:"-" json:"service"`
}

func (d *IssuedDoc) fill() {
	d.SHA256 = hex.EncodeToString(d.SHA256Bytes)
	d.URL = fmt.Sprintf("/cases/%d/documents/%s.pdf?doc=%d", d.CaseID, d.Type, d.ID)
	if d.Service == nil {
		d.Service = []ServiceRecord{}
	}
}

// ServiceRecord is one 送达 of an issued document.
type ServiceRecord struct {
	ID            int64     `db:"id" json:"id"`
	DocumentID    int64     `db:"document_id" json:"document_id"`
	Method        string    `db:"method" json:"method"`
	MethodLabel   string    `db:"-" json:"method_label"`
	Recipient     string    `db:"recipient" json:"recipient"`
	ServedOn      date.Date `db:"served_on" json:"served_on"`
	ReceiptFileID *int64    `db:"receipt_file_id" json:"receipt_file_id"`
	RecordedBy    string    `db:"recorded_by" json:"recorded_by"`
	RecordedAt    time.Time `db:"recorded_at" json:"recorded_at"`
}

const issuedColumns = `d.id, d.case_id, d.type, d.ref, d.title, d.doc_no, d.issued_on, d.text, d.sha256,
	coalesce(u.name, '系统') AS issued_by, d.issued_at, d.superseded_by, d.supersede_reason
FROM issued_documents d LEFT JOIN users u ON u.id = d.issued_by`

const queryIssuedDocs = `SELECT ` + issuedColumns + ` WHERE d.case_id = $1 ORDER BY d.issued_on, d.id`

const queryIssuedCurrent = `SELECT ` + issuedColumns + ` WHERE d.case_id = $1 AND d.type = $2 AND ($3 = '' OR d.ref = $3)
	AND d.superseded_by IS NULL ORDER BY d.id DESC LIMIT 1`

const queryIssuedByID = `SELECT ` + issuedColumns + ` WHERE d.case_id = $1 AND d.type = $2 AND d.id = $3`

const queryIssuedPDF = `SELECT pdf FROM issued_documents WHERE id = $1`

const queryIssuedKeys = `SELECT type || '/' || ref FROM issued_documents WHERE case_id = $1 AND superseded_by IS NULL`

const insertIssued = `INSERT INTO issued_documents (id, case_id, type, ref, title, doc_no, issued_on, text, pdf, sha256, issued_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`

const supersedeIssued = `UPDATE issued_documents SET superseded_by = $2, supersede_reason = $3 WHERE id = $1 AND superseded_by IS NULL`

const nextIssuedID = `SELECT nextval('issued_documents_id_seq')`

const nextDocSerial = `INSERT INTO doc_serials (year, kind, last) VALUES ($1, $2, 1)
ON CONFLICT (organ_id, year, kind) DO UPDATE SET last = doc_serials.last + 1 RETURNING last`

const queryServices = `SELECT s.id, s.document_id, s.method, s.recipient, s.served_on, s.receipt_file_id, u.name AS recorded_by, s.recorded_at
FROM document_services s JOIN issued_documents d ON d.id = s.document_id JOIN users u ON u.id = s.recorded_by
WHERE d.case_id = $1 ORDER BY s.served_on, s.id`

// IssuedDocs lists every issued document of a case (superseded versions included) with its service records.
func (s *Store) IssuedDocs(ctx context.Context, caseID int64) ([]IssuedDoc, error) {
	var ds []IssuedDoc
	if err := sqlx.SelectContext(ctx, s.db, &ds, queryIssuedDocs, caseID); err != nil {
		return nil, fmt.Errorf("cases: issued documents: %w", err)
	}
	var ss []ServiceRecord
	if err := sqlx.SelectContext(ctx, s.db, &ss, queryServices, caseID); err != nil {
		return nil, fmt.Errorf("cases: services: %w", err)
	}
	for i := range ds {
		for _, r := range ss {
			if r.DocumentID == ds[i].ID {
				r.MethodLabel = ServiceMethods[r.Method]
				ds[i].Service = append(ds[i].Service, r)
			}
		}
		ds[i].fill()
	}
	return ds, nil
}

// IssuedDoc loads the current issued version of a document (ref "": the latest of its type), or the version
// id when id > 0; ErrDocNotFound when there is none.
func (s *Store) IssuedDoc(ctx context.Context, caseID int64, code, ref string, id int64) (*IssuedDoc, error) {
	var d IssuedDoc
	var err error
	if id > 0 {
		err = sqlx.GetContext(ctx, s.db, &d, queryIssuedByID, caseID, code, id)
	} else {
		err = sqlx.GetContext(ctx, s.db, &d, queryIssuedCurrent, caseID, code, ref)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrDocNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("cases: issued document: %w", err)
	}
	d.fill()
	return &d, nil
}

// IssuedPDF reads the stored bytes of an issued document.
func (s *Store) IssuedPDF(ctx context.Context, id int64) ([]byte, error) {
	var b []byte
	if err := sqlx.GetContext(ctx, s.db, &b, queryIssuedPDF, id); err != nil {
		return nil, fmt.Errorf("cases: issued pdf %d: %w", id, err)
	}
	return b, nil
}

func (s *Store) docSerial(ctx context.Context, kind string, year int) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, s.db, &n, nextDocSerial, year, kind); err != nil {
		return 0, fmt.Errorf("cases: document serial: %w", err)
	}
	return n, nil
}

// RenderIssued renders a composed document as the PDF that is stored: its creation date is the issue date,
// so the same text always gives the same bytes.
func RenderIssued(c *Composed) ([]byte, error) {
	at := time.Date(c.IssuedOn.Year(), c.IssuedOn.Month(), c.IssuedOn.Day(), 0, 0, 0, 0, date.Shanghai)
	return pdf.RenderAt(c.Text, c.Title, at)
}

// issue renders and stores one composed document (superseding old, when given, with reason) inside the
// caller's transaction and returns its id; the caller records the event.
func (s *Service) issue(ctx context.Context, tx sqlx.ExtContext, u *auth.User, caseID int64, c *Composed, old *IssuedDoc, reason string) (int64, error) {
	b, err := RenderIssued(c)
	if err != nil {
		return 0, err
	}
	sum := sha256.Sum256(b)
	var id int64
	if err := sqlx.GetContext(ctx, tx, &id, nextIssuedID); err != nil {
		return 0, fmt.Errorf("cases: issued id: %w", err)
	}
	if old != nil {
		if _, err := tx.ExecContext(ctx, supersedeIssued, old.ID, id, reason); err != nil {
			return 0, fmt.Errorf("cases: supersede %d: %w", old.ID, err)
		}
	}
	var by any
	if u != nil {
		by = u.ID
	}
	if _, err := tx.ExecContext(ctx, insertIssued, id, caseID, c.Type, c.Ref, c.Title, c.DocNo, c.IssuedOn, c.Text, b, sum[:], by); err != nil {
		return 0, fmt.Errorf("cases: issue %s: %w", c.Type, err)
	}
	return id, nil
}

// label names an issued document in an event: 《title》文号（date）.
func (c *Composed) label() string {
	return fmt.Sprintf("《%s》%s（%s）", c.Title, c.DocNo, c.IssuedOn.Chinese())
}

// issuePending issues, inside the caller's transaction, every document the case v has produced and that is
// not issued yet (the receipt is printed, not issued). It names those it issued.
func (s *Service) issuePending(ctx context.Context, tx sqlx.ExtContext, u *auth.User, v *View) ([]string, error) {
	var have []string
	if err := sqlx.SelectContext(ctx, tx, &have, queryIssuedKeys, v.ID); err != nil {
		return nil, fmt.Errorf("cases: issued keys: %w", err)
	}
	done := map[string]bool{}
	for _, k := range have {
		done[k] = true
	}
	st := NewStore(tx)
	var issued []string
	for _, ref := range AvailableDocs(v) {
		if ref.Type == "receipt" || done[ref.Type+"/"+ref.Ref] {
			continue
		}
		name := ""
		if u != nil {
			name = u.Name
		}
		c, err := s.composeDoc(ctx, tx, v, ref.Type, ref.Ref, name, func(kind string, year int) (int, error) { return st.docSerial(ctx, kind, year) })
		if err != nil {
			return nil, err
		}
		if _, err := s.issue(ctx, tx, u, v.ID, c, nil, ""); err != nil {
			return nil, err
		}
		done[ref.Type+"/"+ref.Ref] = true
		issued = append(issued, c.label())
	}
	return issued, nil
}

// IssueProduced issues, inside the caller's transaction (one that changed the case, which it holds
// locked), every document the case has produced and that is not issued yet: for the features that change a
// case outside Service.change (scheduling a hearing issues its 听证通知书). It names those it issued, for the
// caller's event.
func (s *Service) IssueProduced(ctx context.Context, tx sqlx.ExtContext, u *auth.User, caseID int64) ([]string, error) {
	c, err := NewStore(tx).Get(ctx, caseID)
	if err != nil {
		return nil, err
	}
	v, err := s.View(ctx, tx, c)
	if err != nil {
		return nil, err
	}
	return s.issuePending(ctx, tx, u, v)
}

// IssueMissing issues what a case has produced but not issued — cases registered before documents were
// stored — in its own transaction, with the documents' own dates; run by the command
// `fuyi documents issue-pending`, never by a reading. It names those it issued.
func (s *Service) IssueMissing(ctx context.Context, u *auth.User, caseID int64) ([]string, error) {
	var issued []string
	err := database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
		if _, err := NewStore(tx).Lock(ctx, caseID); err != nil {
			return err
		}
		var err error
		if issued, err = s.IssueProduced(ctx, tx, u, caseID); err != nil || len(issued) == 0 {
			return err
		}
		var actor int64
		if u != nil {
			actor = u.ID
		}
		return audit.Record(ctx, tx, caseID, actor, "document.issued", "补充制发"+strings.Join(issued, "、"), nil,
			map[string]any{"documents_issued": issued})
	})
	return issued, err
}

const queryAllCaseIDs = `SELECT id FROM cases WHERE id > $1 ORDER BY id LIMIT $2`

// CaseIDs pages through the ids of every case (after the id given), for administrative commands.
func (s *Store) CaseIDs(ctx context.Context, after int64, limit int) ([]int64, error) {
	var ids []int64
	if err := sqlx.SelectContext(ctx, s.db, &ids, queryAllCaseIDs, after, limit); err != nil {
		return nil, fmt.Errorf("cases: case ids: %w", err)
	}
	return ids, nil
}

// Documents lists the issued documents of the case v (reading only: documents are issued by the actions
// that produce them).
func (s *Service) Documents(ctx context.Context, v *View) ([]IssuedDoc, error) {
	return NewStore(s.DB).IssuedDocs(ctx, v.ID)
}

// IssuedFile gives the stored PDF of a document of the case v: version id (> 0), or the current version of
// code and ref; ErrDocNotFound when it was never issued (a reading never issues).
func (s *Service) IssuedFile(ctx context.Context, v *View, code, ref string, id int64) (*IssuedDoc, []byte, error) {
	st := NewStore(s.DB)
	d, err := st.IssuedDoc(ctx, v.ID, code, ref, id)
	if err != nil {
		return nil, nil, err
	}
	b, err := st.IssuedPDF(ctx, d.ID)
	return d, b, err
}

// ServiceMethods are the ways of 送达 (民事诉讼法第87–95条, applied by 复议法第88条).
var ServiceMethods = map[string]string{
	"direct":     "直接送达",
	"post":       "邮寄送达",
	"electronic": "电子送达（经受送达人同意）",
	"left":       "留置送达",
	"public":     "公告送达",
}

// ServiceMethodEnum is ServiceMethods as an enumeration (its refusal lists every code with its label).
var ServiceMethodEnum = apperr.EnumOf("送达方式", ServiceMethods)

// ServiceInput is the body of POST /cases/{id}/documents/{did}/service.
type ServiceInput struct {
	Method        string `json:"method"`
	Recipient     string `json:"recipient"`
	ServedOn      string `json:"served_on"`
	Consent       bool   `json:"consent"`         // 电子送达: the recipient agreed to it
	ReceiptFileID int64  `json:"receipt_file_id"` // the scanned 送达回证, a file of the case (0: none yet)
	Version       int    `json:"version"`
}

const queryIssuedForCase = `SELECT ` + issuedColumns + ` WHERE d.case_id = $1 AND d.id = $2`

const queryReceiptFile = `SELECT count(*) FROM case_files WHERE id = $1 AND case_id = $2 AND withdrawn_at IS NULL`

const insertService = `INSERT INTO document_services (document_id, method, recipient, served_on, receipt_file_id, recorded_by)
VALUES ($1, $2, $3, $4, $5, $6)`

const countServices = `SELECT count(*) FROM document_services WHERE document_id = $1`

const setCopyServed = `UPDATE cases SET copy_received_on = $2, copy_sent_on = coalesce(copy_sent_on, $2) WHERE id = $1`

// serviceEffect is what a recorded 送达 changes in the case: the deadlines that run from receipt use the
// recorded date of the first service of the document.
//   - 提出答复通知书 with the 申请书副本: the respondent's 答复 runs from its receipt (复议法第48条, 简易程序第54条);
//   - 补正通知书: the applicant's 10 days run from its receipt (复议法第31条第2款);
//   - 决定书 and the other concluding documents: they take effect on service (复议法第75条第2款) and the
//     applicant's 15 days to sue run from receipt (复议法第72条, 行政诉讼法第45条).
func serviceEffect(code string) string {
	switch code {
	case "reply_notice":
		return "reply"
	case "correction":
		return "correction"
	case "decision", "termination", "dismissal", "mediation":
		return "decision"
	}
	return ""
}

// RecordService records a 送达 of an issued document and, for the first service of a document that starts a
// deadline, the date in the case (serviceEffect); the deadlines are recomputed in the same transaction.
func (s *Service) RecordService(ctx context.Context, u *auth.User, id, docID int64, in ServiceInput) (*View, error) {
	f := apperr.Fields{}
	ServiceMethodEnum.Add(f, "method", in.Method)
	if in.Method == "electronic" && !in.Consent {
		f.Add("consent", "电子送达须经受送达人同意（复议法第88条第1款适用民事诉讼法第90条），请确认已取得同意")
	}
	recipient := requireText(f, "recipient", "受送达人", in.Recipient, 200)
	on := checkDate(f, "served_on", "送达日期", in.ServedOn, true, s.Today())
	if in.ReceiptFileID < 0 {
		f.Add("receipt_file_id", "送达回证文件编号无效")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.change(ctx, u, id, in.Version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (Change, error) {
		var d IssuedDoc
		if err := sqlx.GetContext(ctx, tx, &d, queryIssuedForCase, c.ID, docID); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return Change{}, ErrDocNotFound
			}
			return Change{}, fmt.Errorf("cases: issued document: %w", err)
		}
		if d.SupersededBy != nil {
			return Change{}, apperr.State("document.superseded", "该文书已被更正后的新版本取代，请送达新版本")
		}
		if on.Before(d.IssuedOn) {
			return Change{}, fieldError("service.before_issue", "served_on", fmt.Sprintf("送达日期不能早于文书落款日期%s", d.IssuedOn))
		}
		var receipt any
		if in.ReceiptFileID > 0 {
			var n int
			if err := sqlx.GetContext(ctx, tx, &n, queryReceiptFile, in.ReceiptFileID, c.ID); err != nil {
				return Change{}, fmt.Errorf("cases: receipt file: %w", err)
			}
			if n == 0 {
				return Change{}, fieldError("service.receipt_unknown", "receipt_file_id", "送达回证文件不存在或已撤回，请先在案卷材料中上传")
			}
			receipt = in.ReceiptFileID
		}
		var before int
		if err := sqlx.GetContext(ctx, tx, &before, countServices, d.ID); err != nil {
			return Change{}, fmt.Errorf("cases: services: %w", err)
		}
		if _, err := tx.ExecContext(ctx, insertService, d.ID, in.Method, recipient, on, receipt, u.ID); err != nil {
			return Change{}, fmt.Errorf("cases: record service: %w", err)
		}
		st := NewStore(tx)
		note := ""
		if before == 0 {
			switch serviceEffect(d.Type) {
			case "reply":
				if _, err := tx.ExecContext(ctx, setCopyServed, c.ID, on); err != nil {
					return Change{}, fmt.Errorf("cases: copy served: %w", err)
				}
				note = "；被申请人答复期限自该日起计算（复议法第48条/第54条）"
			case "correction":
				corr, err := st.Correction(ctx, c.ID)
				if err != nil {
					return Change{}, err
				}
				if corr != nil && corr.ServedOn.IsZero() {
					if err := st.CorrectionServed(ctx, c.ID, on); err != nil {
						return Change{}, err
					}
					note = "；补正期限自该日起计算（复议法第31条第2款）"
				}
			case "decision":
				cur, err := st.Conclusion(ctx, c.ID)
				if err != nil {
					return Change{}, err
				}
				if cur.Served.IsZero() {
					if err := st.SetServed(ctx, c.ID, on); err != nil {
						return Change{}, err
					}
					note = "；决定书自送达之日起发生法律效力（复议法第75条第2款），起诉期限自收到之日起计算"
				}
			}
		}
		return Change{Action: "document.served", Summary: fmt.Sprintf("《%s》%s于%s%s送达%s%s", d.Title, d.DocNo, on, ServiceMethods[in.Method], recipient, note),
			New: map[string]any{"document_id": d.ID, "method": in.Method, "recipient": recipient, "served_on": on, "receipt_file_id": receipt}}, nil
	})
}
