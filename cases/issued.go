package cases

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

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

const queryIssuedPDF = `SELECT pdf, title, text, issued_on FROM issued_documents WHERE id = $1`

const storeRenderings = `UPDATE issued_documents d SET pdf = x.pdf, sha256 = x.sum
FROM unnest($1::bigint[], $2::bytea[], $3::bytea[]) AS x(id, pdf, sum) WHERE d.id = x.id AND d.pdf IS NULL`

const queryIssuedKeys = `SELECT type || '/' || ref FROM issued_documents WHERE case_id = $1 AND superseded_by IS NULL`

const insertIssued = `INSERT INTO issued_documents (id, case_id, type, ref, title, doc_no, issued_on, text, issued_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`

// insertIssuedMany freezes the texts of several documents of a case ($2, a JSON array) in one statement.
const insertIssuedMany = `INSERT INTO issued_documents (case_id, type, ref, title, doc_no, issued_on, text, issued_by)
SELECT $1, x.type, x.ref, x.title, x.doc_no, x.issued_on, x.text, $3
FROM jsonb_to_recordset($2::jsonb) AS x(type text, ref text, title text, doc_no text, issued_on date, text text)
RETURNING id, type, ref`

const supersedeIssued = `UPDATE issued_documents SET superseded_by = $2, supersede_reason = $3 WHERE id = $1 AND superseded_by IS NULL`

const nextIssuedID = `SELECT nextval('issued_documents_id_seq')`

const nextDocSerial = `INSERT INTO doc_serials (organ_id, year, kind, last) VALUES ((SELECT organ_id FROM cases WHERE id = $3), $1, $2, 1)
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
	// a document frozen without its rendering yet (issued inside another feature's transaction, or left by
	// a crash) is rendered now from its frozen text, so every listed document has its bytes and SHA-256
	var missing []FrozenDoc
	var at []int
	for i := range ds {
		if len(ds[i].SHA256Bytes) == 0 {
			missing = append(missing, FrozenDoc{ID: ds[i].ID, Doc: &Composed{Title: ds[i].Title, Text: ds[i].Text, IssuedOn: ds[i].IssuedOn}})
			at = append(at, i)
		}
	}
	if len(missing) > 0 {
		pdfs, err := renderFrozen(missing)
		if err != nil {
			return nil, err
		}
		if err := s.storeRenderings(ctx, missing, pdfs); err != nil {
			return nil, err
		}
		for k, i := range at {
			h := sha256.Sum256(pdfs[k])
			ds[i].SHA256Bytes = h[:]
		}
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

// IssuedPDF reads the stored bytes of an issued document. A document whose rendering was not stored yet
// (its issuing request ended before it could) is rendered now from its frozen text and date, which gives
// the bytes it would have had, and stored.
func (s *Store) IssuedPDF(ctx context.Context, id int64) ([]byte, error) {
	var row struct {
		PDF      []byte    `db:"pdf"`
		Title    string    `db:"title"`
		Text     string    `db:"text"`
		IssuedOn date.Date `db:"issued_on"`
	}
	if err := sqlx.GetContext(ctx, s.db, &row, queryIssuedPDF, id); err != nil {
		return nil, fmt.Errorf("cases: issued pdf %d: %w", id, err)
	}
	if row.PDF != nil {
		return row.PDF, nil
	}
	docs := []FrozenDoc{{ID: id, Doc: &Composed{Title: row.Title, Text: row.Text, IssuedOn: row.IssuedOn}}}
	rs, err := renderFrozen(docs)
	if err != nil {
		return nil, err
	}
	if err := s.storeRenderings(ctx, docs, rs); err != nil {
		return nil, err
	}
	return rs[0], nil
}

// FrozenDoc is an issued document whose text is frozen and whose rendering may still have to be stored.
type FrozenDoc struct {
	ID  int64
	Doc *Composed
}

// renderFrozen renders the frozen documents (deterministic: RenderIssued).
func renderFrozen(docs []FrozenDoc) ([][]byte, error) {
	out := make([][]byte, len(docs))
	for i, d := range docs {
		b, err := RenderIssued(d.Doc)
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

// storeRenderings stores the renderings of documents that have none yet (one statement; a rendering
// already stored is kept: it has the same bytes).
func (s *Store) storeRenderings(ctx context.Context, docs []FrozenDoc, pdfs [][]byte) error {
	ids := make([]int64, len(docs))
	sums := make([][]byte, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
		h := sha256.Sum256(pdfs[i])
		sums[i] = h[:]
	}
	return s.exec(ctx, "store renderings", storeRenderings, pq.Array(ids), pq.ByteaArray(pdfs), pq.ByteaArray(sums))
}

// renderIssued renders and stores the documents a committed change froze, outside its transaction (so
// no lock of the change, such as the year's case-number row, is held while PDFs are rendered). A failure
// here loses nothing: IssuedPDF renders a missing rendering from the frozen text when it is fetched.
func (s *Service) renderIssued(ctx context.Context, docs []FrozenDoc) {
	if len(docs) == 0 {
		return
	}
	pdfs, err := renderFrozen(docs)
	if err == nil {
		err = NewStore(s.DB).storeRenderings(ctx, docs, pdfs)
	}
	if err != nil {
		slog.WarnContext(ctx, "cases: issued documents left for rendering on fetch", "err", err)
	}
}

// The renderings of the documents a request's change froze are made after its answer, by renderWorkers
// background goroutines of the Service fed through a queue of renderQueue batches: a change (acceptance
// issues two documents) answers without waiting for its PDFs, and rendering never takes more than
// renderWorkers cores from the requests. A batch that finds the queue full, or is lost (crash, error), is
// produced from the frozen text when the document is first listed or fetched (IssuedDocs, IssuedPDF).
const (
	renderQueue   = 256
	renderTimeout = time.Minute
)

var renderWorkers = max(1, runtime.GOMAXPROCS(0)/2)

type renderJob struct {
	ctx  context.Context
	docs []FrozenDoc
}

// renderLater queues the renderings of documents whose transaction has committed.
func (s *Service) renderLater(ctx context.Context, docs []FrozenDoc) {
	if len(docs) == 0 {
		return
	}
	s.renderStart.Do(func() {
		s.renders = make(chan renderJob, renderQueue)
		for range renderWorkers {
			go func() {
				for j := range s.renders {
					ctx, cancel := context.WithTimeout(j.ctx, renderTimeout)
					s.renderIssued(ctx, j.docs)
					cancel()
				}
			}()
		}
	})
	// the request's values (its organ binding) without its end: the answer is sent before the rendering
	select {
	case s.renders <- renderJob{ctx: context.WithoutCancel(ctx), docs: docs}:
	default:
		slog.WarnContext(ctx, "cases: rendering queue full, documents left for rendering on fetch", "documents", len(docs))
	}
}

// Produced is what IssueProduced issued: the names of the documents, for the caller's event, and the
// documents to render once the caller's transaction has committed (RenderLater).
type Produced struct {
	Names []string
	docs  []FrozenDoc
}

// RenderLater queues the renderings of what IssueProduced issued; call it after the commit.
func (s *Service) RenderLater(ctx context.Context, p Produced) { s.renderLater(ctx, p.docs) }

// docSerial draws the next 文号 serial of a kind of document in the case's organ.
func (s *Store) docSerial(ctx context.Context, caseID int64, kind string, year int) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, s.db, &n, nextDocSerial, year, kind, caseID); err != nil {
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

// issue freezes one composed document (superseding old, when given, with reason) inside the caller's
// transaction and returns it; the caller records the event, and the rendering is stored after the commit
// (renderIssued) or on first fetch.
func (s *Service) issue(ctx context.Context, tx sqlx.ExtContext, u *auth.User, caseID int64, c *Composed, old *IssuedDoc, reason string) (FrozenDoc, error) {
	var id int64
	if err := sqlx.GetContext(ctx, tx, &id, nextIssuedID); err != nil {
		return FrozenDoc{}, fmt.Errorf("cases: issued id: %w", err)
	}
	if old != nil {
		if _, err := tx.ExecContext(ctx, supersedeIssued, old.ID, id, reason); err != nil {
			return FrozenDoc{}, fmt.Errorf("cases: supersede %d: %w", old.ID, err)
		}
	}
	var by any
	if u != nil {
		by = u.ID
	}
	if _, err := tx.ExecContext(ctx, insertIssued, id, caseID, c.Type, c.Ref, c.Title, c.DocNo, c.IssuedOn, c.Text, by); err != nil {
		return FrozenDoc{}, fmt.Errorf("cases: issue %s: %w", c.Type, err)
	}
	return FrozenDoc{ID: id, Doc: c}, nil
}

// label names an issued document in an event: 《title》文号（date）.
func (c *Composed) label() string {
	return fmt.Sprintf("《%s》%s（%s）", c.Title, c.DocNo, c.IssuedOn.Chinese())
}

// issuePending issues, inside the caller's transaction, every document the case v has produced and that is
// not issued yet (have: type/ref of the current issued documents; the receipt is printed, not issued): their
// texts are frozen in one statement. It names those it issued and returns them for rendering.
func (s *Service) issuePending(ctx context.Context, tx sqlx.ExtContext, u *auth.User, v *View, have map[string]bool) ([]string, []FrozenDoc, error) {
	st := NewStore(tx)
	name := ""
	var by any
	if u != nil {
		name, by = u.Name, u.ID
	}
	var issued []string
	var docs []*Composed
	for _, ref := range AvailableDocs(v) {
		if ref.Type == "receipt" || have[ref.Type+"/"+ref.Ref] {
			continue
		}
		c, err := s.composeDoc(ctx, tx, v, ref.Type, ref.Ref, name, func(kind string, year int) (int, error) { return st.docSerial(ctx, v.ID, kind, year) })
		if err != nil {
			return nil, nil, err
		}
		docs = append(docs, c)
		issued = append(issued, c.label())
	}
	if len(docs) == 0 {
		return nil, nil, nil
	}
	type row struct {
		Type     string    `json:"type"`
		Ref      string    `json:"ref"`
		Title    string    `json:"title"`
		DocNo    string    `json:"doc_no"`
		IssuedOn date.Date `json:"issued_on"`
		Text     string    `json:"text"`
	}
	rows := make([]row, len(docs))
	for i, c := range docs {
		rows[i] = row{Type: c.Type, Ref: c.Ref, Title: c.Title, DocNo: c.DocNo, IssuedOn: c.IssuedOn, Text: c.Text}
	}
	b, err := json.Marshal(rows)
	if err != nil {
		return nil, nil, err
	}
	var ids []struct {
		ID   int64  `db:"id"`
		Type string `db:"type"`
		Ref  string `db:"ref"`
	}
	if err := sqlx.SelectContext(ctx, tx, &ids, insertIssuedMany, v.ID, string(b), by); err != nil {
		return nil, nil, fmt.Errorf("cases: issue: %w", err)
	}
	frozen := make([]FrozenDoc, 0, len(docs))
	for _, c := range docs {
		for _, x := range ids {
			if x.Type == c.Type && x.Ref == c.Ref {
				frozen = append(frozen, FrozenDoc{ID: x.ID, Doc: c})
			}
		}
	}
	return issued, frozen, nil
}

// IssueProduced issues, inside the caller's transaction (one that changed the case, which it holds
// locked), every document the case has produced and that is not issued yet: for the features that change a
// case outside Service.change (scheduling a hearing issues its 听证通知书). It names those it issued, for the
// caller's event; the caller passes the result to RenderLater after its commit.
func (s *Service) IssueProduced(ctx context.Context, tx sqlx.ExtContext, u *auth.User, caseID int64) (Produced, error) {
	issued, frozen, err := s.issueProduced(ctx, tx, u, caseID)
	return Produced{Names: issued, docs: frozen}, err
}

// issueProduced is IssueProduced returning the documents it froze (their renderings are stored after the
// commit by the caller, or on first fetch).
func (s *Service) issueProduced(ctx context.Context, tx sqlx.ExtContext, u *auth.User, caseID int64) ([]string, []FrozenDoc, error) {
	sn, err := NewStore(tx).snapshot(ctx, caseID)
	if err != nil {
		return nil, nil, err
	}
	v := sn.view(s.Today())
	if err := s.addHearings(ctx, tx, v); err != nil {
		return nil, nil, err
	}
	return s.issuePending(ctx, tx, u, v, sn.Issued)
}

// IssueMissing issues what a case has produced but not issued — cases registered before documents were
// stored — in its own transaction, with the documents' own dates; run by the command
// `fuyi documents issue-pending`, never by a reading. It names those it issued.
func (s *Service) IssueMissing(ctx context.Context, u *auth.User, caseID int64) ([]string, error) {
	var issued []string
	var frozen []FrozenDoc
	err := database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
		if _, err := NewStore(tx).Lock(ctx, caseID); err != nil {
			return err
		}
		var err error
		if issued, frozen, err = s.issueProduced(ctx, tx, u, caseID); err != nil || len(issued) == 0 {
			return err
		}
		var actor int64
		if u != nil {
			actor = u.ID
		}
		return audit.Record(ctx, tx, caseID, actor, "document.issued", "补充制发"+strings.Join(issued, "、"), nil,
			map[string]any{"documents_issued": issued})
	})
	if err != nil {
		return nil, err
	}
	s.renderIssued(ctx, frozen)
	return issued, nil
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
