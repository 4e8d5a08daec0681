// Package casefile keeps the case file as the record: the files of a case or a lawsuit (scans of the
// application, identity papers, the contested act, the 答复书 and evidence, 送达回证, court papers, …), stored
// byte for byte with their SHA-256, typed from their content, withdrawn with a reason but never deleted,
// and every reading of them logged (阅卷, 复议法第47条).
package casefile

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"time"

	"fuyi/internal/apperr"
)

// Category is the kind of a file in the case file.
type Category struct {
	Code  string
	Label string
}

// Categories are the parts of a 行政复议 file in procedural order (the 卷宗 follows it).
var Categories = []Category{
	{"application", "申请材料"},
	{"identity", "身份证明"},
	{"contested_act", "被申请行政行为"},
	{"correction", "补正材料"},
	{"reply", "答复书"},
	{"evidence", "证据"},
	{"evidence_catalogue", "证据目录"},
	{"hearing_record", "听证笔录"},
	{"committee_opinion", "委员会意见"},
	{"service_receipt", "送达回证"},
	{"court_document", "法院文书"},
	{"other", "其他"},
}

// CategoryLabel names a category in Chinese ("" when unknown).
func CategoryLabel(code string) string {
	for _, c := range Categories {
		if c.Code == code {
			return c.Label
		}
	}
	return ""
}

// Parties that submit evidence (the 证据目录 lists the evidence of each, numbered in filing order).
var Parties = []Category{
	{"applicant", "申请人"},
	{"respondent", "被申请人"},
	{"third_party", "第三人"},
	{"organ", "复议机构调取"},
}

// PartyLabel names a submitting party in Chinese ("" when unknown).
func PartyLabel(code string) string {
	for _, c := range Parties {
		if c.Code == code {
			return c.Label
		}
	}
	return ""
}

// CatalogueEntry is one line of the evidence catalogue (证据目录).
type CatalogueEntry struct {
	No    int
	File  File
	Party string
}

// Catalogue numbers the evidence of files (withdrawn ones left out) per submitting party in filing order,
// parties in the order of Parties, evidence that names none last.
func Catalogue(files []File) []CatalogueEntry {
	var out []CatalogueEntry
	for _, p := range append(Parties, Category{"", "提交人未注明"}) {
		n := 0
		for _, f := range files {
			if f.Category != "evidence" || f.Party != p.Code || f.Withdrawn() {
				continue
			}
			n++
			out = append(out, CatalogueEntry{No: n, File: f, Party: p.Label})
		}
	}
	return out
}

// File is the record of one stored file.
type File struct {
	ID             int64      `db:"id" json:"id"`
	CaseID         *int64     `db:"case_id" json:"case_id,omitempty"`
	LawsuitID      *int64     `db:"lawsuit_id" json:"lawsuit_id,omitempty"`
	Name           string     `db:"name" json:"name"`
	Title          string     `db:"title" json:"title"`
	Category       string     `db:"category" json:"category"`
	CategoryLabel  string     `db:"-" json:"category_label"`
	Party          string     `db:"party" json:"party,omitempty"`
	PartyLabel     string     `db:"-" json:"party_label,omitempty"`
	Purpose        string     `db:"purpose" json:"purpose,omitempty"`
	Size           int64      `db:"size" json:"size"`
	SHA256Bytes    []byte     `db:"sha256" json:"-"`
	SHA256         string     `db:"-" json:"sha256"`
	ContentType    string     `db:"content_type" json:"content_type"`
	UploadedByID   int64      `db:"uploaded_by_id" json:"uploaded_by_id"`
	UploadedBy     string     `db:"uploaded_by" json:"uploaded_by"`
	UploadedAt     time.Time  `db:"uploaded_at" json:"uploaded_at"`
	WithdrawnAt    *time.Time `db:"withdrawn_at" json:"withdrawn_at,omitempty"`
	WithdrawnBy    *string    `db:"withdrawn_by" json:"withdrawn_by,omitempty"`
	WithdrawReason string     `db:"withdraw_reason" json:"withdraw_reason,omitempty"`
	URL            string     `db:"-" json:"url"`
}

func (f *File) fill() {
	f.SHA256 = hex.EncodeToString(f.SHA256Bytes)
	f.CategoryLabel = CategoryLabel(f.Category)
	f.PartyLabel = PartyLabel(f.Party)
}

// Withdrawn reports whether the file was withdrawn.
func (f *File) Withdrawn() bool { return f.WithdrawnAt != nil }

// Accepted content types, detected from the first bytes of the file (never from its name or the type the
// client declares).
const (
	TypePDF  = "application/pdf"
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	TypeTIFF = "image/tiff"
	TypeOFD  = "application/ofd" // GB/T 33190 版式文档: a ZIP whose root holds OFD.xml
)

// sniffLen is how many leading bytes Detect needs.
const sniffLen = 8

// Detect names the type of a file from its first bytes; zip reports a ZIP container, which is an OFD only
// if it holds OFD.xml at its root (see zipNames). "" means not an accepted type.
func Detect(head []byte) (typ string, zip bool) {
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return TypePDF, false
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return TypeJPEG, false
	case bytes.HasPrefix(head, []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}):
		return TypePNG, false
	case bytes.HasPrefix(head, []byte{'I', 'I', 42, 0}), bytes.HasPrefix(head, []byte{'M', 'M', 0, 42}):
		return TypeTIFF, false
	case bytes.HasPrefix(head, []byte{'P', 'K', 3, 4}):
		return "", true
	}
	return "", false
}

// ofdScanner watches a ZIP stream for an entry named OFD.xml at the root: in a local file header (as the
// bytes pass) or in the central directory at the end. It keeps only a small window of the stream.
type ofdScanner struct {
	window []byte
	found  bool
}

const ofdWindow = 64 << 10

func (s *ofdScanner) Write(p []byte) (int, error) {
	if s.found {
		return len(p), nil
	}
	s.window = append(s.window, p...)
	if hasOFDEntry(s.window) {
		s.found = true
		s.window = nil
		return len(p), nil
	}
	if len(s.window) > 2*ofdWindow {
		s.window = append(s.window[:0], s.window[len(s.window)-ofdWindow:]...)
	}
	return len(p), nil
}

// hasOFDEntry looks for a local (PK\3\4, name at 30) or central (PK\1\2, name at 46) header naming OFD.xml.
func hasOFDEntry(b []byte) bool {
	for _, h := range []struct {
		sig           []byte
		lenAt, nameAt int
	}{{[]byte{'P', 'K', 3, 4}, 26, 30}, {[]byte{'P', 'K', 1, 2}, 28, 46}} {
		for i := 0; ; {
			j := bytes.Index(b[i:], h.sig)
			if j < 0 {
				break
			}
			at := i + j
			if at+h.nameAt <= len(b) {
				n := int(binary.LittleEndian.Uint16(b[at+h.lenAt:]))
				if n == len("OFD.xml") && at+h.nameAt+n <= len(b) && string(b[at+h.nameAt:at+h.nameAt+n]) == "OFD.xml" {
					return true
				}
			}
			i = at + 1
		}
	}
	return false
}

// Errors of the case file.
var (
	ErrNotFound   = apperr.New(apperr.NotFound, "file.not_found", "文件不存在或您无权查看")
	ErrNoFile     = fieldErr("file.missing", "file", "请选择要上传的文件")
	ErrEmpty      = fieldErr("file.empty", "file", "上传的文件是空的（0 字节），请重新选择")
	ErrWrongType  = fieldErr("file.type", "file", "文件格式不受支持：只接受 PDF、JPEG、PNG、TIFF 和 OFD 文件（按文件内容识别，与扩展名无关）；Word、Excel 等请先转为 PDF")
	ErrWithdrawn  = apperr.State("file.withdrawn", "该文件已撤回，不能再次撤回")
	ErrNoWithdraw = apperr.New(apperr.Forbidden, "file.withdraw_forbidden", "只有上传人或复议机构负责人可以撤回文件")
)

func fieldErr(code, field, msg string) *apperr.Error {
	return &apperr.Error{Kind: apperr.Invalid, Code: code, Message: msg, Fields: map[string]string{field: msg}}
}

// TooLarge is the refusal of a file over the limit.
func TooLarge(limit int64) *apperr.Error {
	msg := "文件超过上传上限（" + sizeText(limit) + "），请压缩或拆分后分别上传"
	return &apperr.Error{Kind: apperr.TooLarge, Code: "file.too_large", Message: msg, Fields: map[string]string{"file": msg}}
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " 字节"
}

// SizeText is the size of the file as people read it (KB, MB).
func (f File) SizeText() string {
	switch {
	case f.Size >= 1<<20:
		return strconv.FormatFloat(float64(f.Size)/(1<<20), 'f', 1, 64) + " MB"
	case f.Size >= 1<<10:
		return strconv.FormatFloat(float64(f.Size)/(1<<10), 'f', 1, 64) + " KB"
	}
	return strconv.FormatInt(f.Size, 10) + " 字节"
}
