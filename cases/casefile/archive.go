package casefile

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"io"

	"fuyi/cases"
	"fuyi/internal/apperr"
	"fuyi/internal/audit"
	"fuyi/internal/auth"
	"fuyi/internal/database"
	"fuyi/internal/date"
	"fuyi/internal/pdf"
)

// Retentions are the 保管期限 of a 卷宗 (《机关档案管理规定》: 永久, 定期30年, 定期10年).
var Retentions = []Category{{"permanent", "永久"}, {"30y", "定期30年"}, {"10y", "定期10年"}}

// RetentionLabel names a 保管期限 ("" when unknown).
func RetentionLabel(code string) string {
	for _, r := range Retentions {
		if r.Code == code {
			return r.Label
		}
	}
	return ""
}

// Archive is the record of an archived case: its 正卷 and 副卷 PDFs' hashes and page counts.
type Archive struct {
	CaseID         int64     `db:"case_id" json:"case_id"`
	Retention      string    `db:"retention" json:"retention"`
	RetentionLabel string    `db:"-" json:"retention_label"`
	ArchivedBy     string    `db:"archived_by" json:"archived_by"`
	ArchivedAt     time.Time `db:"archived_at" json:"archived_at"`
	MainSHA        []byte    `db:"main_sha256" json:"-"`
	SubSHA         []byte    `db:"sub_sha256" json:"-"`
	MainSHA256     string    `db:"-" json:"main_sha256"`
	SubSHA256      string    `db:"-" json:"sub_sha256"`
	MainPages      int       `db:"main_pages" json:"main_pages"`
	SubPages       int       `db:"sub_pages" json:"sub_pages"`
	PDFURL         string    `db:"-" json:"pdf_url"`
	ZIPURL         string    `db:"-" json:"zip_url"`
}

func (a *Archive) fill() {
	a.RetentionLabel = RetentionLabel(a.Retention)
	a.MainSHA256, a.SubSHA256 = hex.EncodeToString(a.MainSHA), hex.EncodeToString(a.SubSHA)
	a.PDFURL = fmt.Sprintf("/api/v1/cases/%d/archive.pdf", a.CaseID)
	a.ZIPURL = fmt.Sprintf("/api/v1/cases/%d/archive.zip", a.CaseID)
}

// Errors of archiving.
var (
	ErrArchiveForbidden = apperr.New(apperr.Forbidden, "archive.forbidden", "只有复议机构负责人可以归档")
	ErrNotConcluded     = apperr.State("archive.not_concluded", "案件尚未办结（作出决定或终止），不能归档")
	ErrAlreadyArchived  = apperr.State("archive.exists", "本案已归档，卷宗只读；后来收到的材料请以“补充归档”方式上传")
	ErrNotArchived      = apperr.New(apperr.NotFound, "archive.not_found", "本案尚未归档")
	ErrSupplementReason = fieldErr("archive.supplement_reason", "supplement_reason", "本案已归档：补充归档须说明理由")
)

const insertArchive = `INSERT INTO case_archives (case_id, retention, archived_by, main_pdf, main_sha256, main_pages, sub_pdf, sub_sha256, sub_pages)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`

const queryArchive = `SELECT a.case_id, a.retention, u.name AS archived_by, a.archived_at, a.main_sha256, a.sub_sha256, a.main_pages, a.sub_pages
FROM case_archives a JOIN users u ON u.id = a.archived_by WHERE a.case_id = $1`

const queryArchivePDF = `SELECT CASE WHEN $2 THEN sub_pdf ELSE main_pdf END FROM case_archives WHERE case_id = $1`

const insertSupplement = `INSERT INTO archive_supplements (case_id, file_id, reason, added_by) VALUES ($1, $2, $3, $4)`

// GetArchive loads the archive record of a case (ErrNotArchived when it has none).
func (s *Store) GetArchive(ctx context.Context, caseID int64) (*Archive, error) {
	var a Archive
	if err := sqlx.GetContext(ctx, s.db, &a, queryArchive, caseID); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotArchived
		}
		return nil, fmt.Errorf("casefile: archive %d: %w", caseID, err)
	}
	a.fill()
	return &a, nil
}

// ArchivePDF reads the stored 正卷 (sub false) or 副卷 PDF.
func (s *Store) ArchivePDF(ctx context.Context, caseID int64, sub bool) ([]byte, error) {
	var b []byte
	if err := sqlx.GetContext(ctx, s.db, &b, queryArchivePDF, caseID, sub); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotArchived
		}
		return nil, fmt.Errorf("casefile: archive pdf %d: %w", caseID, err)
	}
	return b, nil
}

// part is one entry of a 卷宗: its 目录 line and its pages.
type part struct {
	title, no, on string
	blocks        []pdf.Block
	scan          []*pdf.Image // pages of a scanned file, each drawn on a page of its own after the blocks
	pages         int
	when          date.Date
	rank          int
}

// Archive archives a concluded case (the chief): the 正卷 (every issued document and every file that is not
// internal, in procedural order) and the 副卷 (decision drafts and their approval, the committee's
// opinions, internal files) are rendered, each with cover, 卷内目录 whose page numbers are the pages' own
// numbers, and 备考表, and stored with their hashes in one transaction with the event; from then on the case
// is read-only (the database refuses changes; later files are 补充归档).
func (s *Service) Archive(ctx context.Context, u *auth.User, caseID int64, retention string) (*Archive, error) {
	if u.Role != auth.RoleChief {
		return nil, ErrArchiveForbidden
	}
	if RetentionLabel(retention) == "" {
		return nil, fieldErr("archive.retention", "retention", "请选择保管期限（永久、定期30年或定期10年）")
	}
	var out *Archive
	err := database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
		cs := cases.NewStore(tx)
		c, err := cs.Lock(ctx, caseID)
		if err != nil {
			return err
		}
		if _, err := cs.GetVisible(ctx, caseID, u); err != nil {
			return err
		}
		st := NewStore(tx)
		if _, err := st.GetArchive(ctx, caseID); err == nil {
			return ErrAlreadyArchived
		} else if err != ErrNotArchived {
			return err
		}
		if c.Status != cases.StatusDecided && c.Status != cases.StatusTerminated {
			return ErrNotConcluded
		}
		v, err := cases.BuildView(ctx, tx, c, date.Today())
		if err != nil {
			return err
		}
		docs, err := cs.IssuedDocs(ctx, caseID)
		if err != nil {
			return err
		}
		orders, err := st.Orders(ctx, caseID)
		if err != nil {
			return err
		}
		performance, err := ready(v, orders)
		if err != nil {
			return err
		}
		files, err := st.List(ctx, Owner{ID: caseID})
		if err != nil {
			return err
		}
		scans := map[int64]scan{}
		budget := volumeScanBytes // the pages of both volumes are held in memory and stored in one row each
		for _, f := range files {
			if f.Withdrawn() {
				continue
			}
			if budget <= 0 {
				scans[f.ID] = scan{note: fmt.Sprintf("本材料未绘入本卷宗：卷宗PDF中的扫描页面已达%d MB上限。%s", volumeScanBytes>>20, zipNote)}
				continue
			}
			sc := s.readScan(ctx, tx, f)
			for _, im := range sc.pages {
				budget -= len(im.Data)
			}
			scans[f.ID] = sc
		}
		today := date.Today()
		var mainExtra, subExtra []part
		if performance != nil {
			mainExtra = append(mainExtra, *performance)
		}
		inspections, err := st.Inspections(ctx, caseID, files)
		if err != nil {
			return err
		}
		if p := inspectionPart(inspections); p != nil {
			mainExtra = append(mainExtra, *p)
		}
		reads, err := st.Reads(ctx, caseID)
		if err != nil {
			return err
		}
		if p := readsPart(reads, today); p != nil {
			subExtra = append(subExtra, *p)
		}
		main, sub := volumes(v, docs, files, scans, mainExtra, subExtra)
		mainPDF, mainPages, err := renderVolume(v, "正卷", retention, u.Name, today, main)
		if err != nil {
			return err
		}
		subPDF, subPages, err := renderVolume(v, "副卷", retention, u.Name, today, sub)
		if err != nil {
			return err
		}
		ms, ss := sha256.Sum256(mainPDF), sha256.Sum256(subPDF)
		if _, err := tx.ExecContext(ctx, insertArchive, caseID, retention, u.ID, mainPDF, ms[:], mainPages, subPDF, ss[:], subPages); err != nil {
			return fmt.Errorf("casefile: archive %d: %w", caseID, err)
		}
		if err := audit.Record(ctx, tx, caseID, u.ID, "case.archived",
			fmt.Sprintf("归档（保管期限%s）：正卷%d件%d页，副卷%d件%d页", RetentionLabel(retention), len(main), mainPages, len(sub), subPages),
			nil, map[string]any{"main_sha256": hex.EncodeToString(ms[:]), "sub_sha256": hex.EncodeToString(ss[:])}); err != nil {
			return err
		}
		out, err = st.GetArchive(ctx, caseID)
		return err
	})
	if err != nil && ctx.Err() != nil {
		return nil, ErrArchiveTimeout // nothing was stored: the transaction rolled back
	}
	return out, err
}

// ErrArchiveTimeout: drawing the scans took longer than the export deadline.
var ErrArchiveTimeout = apperr.New(apperr.Unavailable, "archive.timeout",
	"归档未完成：本案扫描材料较多，生成卷宗超过了时限（FUYI_EXPORT_TIMEOUT），未保存任何内容。请联系管理员调大该时限后重新归档")

// internalCategory: files of these categories belong to the 副卷 (never offered to 阅卷, 复议法第47条).
func internalCategory(c string) bool { return c == "committee_opinion" }

// volumes sorts the record of the case into the 正卷 and the 副卷, each in procedural order (by date; on
// the same day documents before files, files in the order of Categories).
func volumes(v *cases.View, docs []cases.IssuedDoc, files []File, scans map[int64]scan, mainExtra, subExtra []part) (main, sub []part) {
	main = append(main, mainExtra...)
	sub = append(sub, subExtra...)
	for _, d := range docs {
		p := part{title: d.Title, no: d.DocNo, on: d.IssuedOn.String(), when: d.IssuedOn, blocks: trimBlank(pdf.ParseMarkup(d.Text))}
		if d.SupersededBy != nil {
			p.title += "（已被更正版本取代：" + d.SupersedeReason + "）"
		}
		main = append(main, p)
	}
	for _, f := range files {
		if f.Withdrawn() {
			continue
		}
		rank := 1
		for i, c := range Categories {
			if c.Code == f.Category {
				rank = 1 + i
			}
		}
		on := date.Of(f.UploadedAt.In(date.Shanghai))
		sc := scans[f.ID]
		p := part{title: f.Title, no: f.CategoryLabel, on: on.String(), when: on, rank: rank, blocks: fileSheet(f, sc.note), scan: sc.pages}
		if internalCategory(f.Category) {
			sub = append(sub, p)
		} else {
			main = append(main, p)
		}
	}
	if h := v.Handling; h != nil {
		for _, d := range h.Decisions {
			blocks := []pdf.Block{{Kind: pdf.Title, Text: fmt.Sprintf("决定书审批稿（第%d稿）", d.Version)},
				{Kind: pdf.Plain, Text: fmt.Sprintf("类型：%s；拟决定日期：%s；状态：%s", d.TypeLabel, d.DecidedOn, d.Status)},
				{Kind: pdf.Plain, Text: "拟稿：" + d.ProposedBy + "，" + d.ProposedAt.In(date.Shanghai).Format("2006-01-02 15:04")}}
			if d.ApprovedBy != nil {
				blocks = append(blocks, pdf.Block{Kind: pdf.Plain, Text: "审批：" + *d.ApprovedBy})
			}
			if d.ReturnReason != "" {
				blocks = append(blocks, pdf.Block{Kind: pdf.Plain, Text: "退回理由：" + d.ReturnReason})
			}
			keys := make([]string, 0, len(d.Sections))
			for k := range d.Sections {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				blocks = append(blocks, pdf.Block{Kind: pdf.Para, Text: d.Sections[k]})
			}
			sub = append(sub, part{title: fmt.Sprintf("决定书审批稿（第%d稿）", d.Version), no: "审批", on: d.DecidedOn.String(), when: d.DecidedOn, blocks: blocks})
		}
		for i, o := range h.CommitteeOpinions {
			sub = append(sub, part{title: fmt.Sprintf("行政复议委员会咨询意见（%d）", i+1), no: "委员会讨论", on: o.GivenOn.String(), when: o.GivenOn,
				blocks: []pdf.Block{{Kind: pdf.Title, Text: "行政复议委员会咨询意见"}, {Kind: pdf.Plain, Text: "日期：" + o.GivenOn.String()},
					{Kind: pdf.Para, Text: o.Opinion}}})
		}
	}
	order := func(ps []part) {
		sort.SliceStable(ps, func(i, j int) bool {
			if !ps[i].when.Equal(ps[j].when) {
				return ps[i].when.Before(ps[j].when)
			}
			return ps[i].rank < ps[j].rank
		})
	}
	order(main)
	order(sub)
	return main, sub
}

func trimBlank(bs []pdf.Block) []pdf.Block {
	for len(bs) > 0 && bs[0].Kind == pdf.Blank {
		bs = bs[1:]
	}
	return bs
}

// fileSheet is the first page of a file in the 卷宗: what it is, its hash, and whether its pages follow
// (note); the original bytes are in the ZIP.
func fileSheet(f File, note string) []pdf.Block {
	rows := [][]string{{"项目", "内容"}, {"材料名称", f.Title}, {"类别", f.CategoryLabel}}
	if f.PartyLabel != "" {
		rows = append(rows, []string{"提交人", f.PartyLabel})
	}
	if f.Purpose != "" {
		rows = append(rows, []string{"证明目的", f.Purpose})
	}
	rows = append(rows, []string{"文件名", f.Name}, []string{"格式", f.ContentType}, []string{"大小", f.SizeText()},
		[]string{"SHA-256", f.SHA256}, []string{"上传", f.UploadedBy + "，" + f.UploadedAt.In(date.Shanghai).Format("2006-01-02 15:04")})
	return []pdf.Block{{Kind: pdf.Title, Text: "卷内材料：" + f.Title},
		{Kind: pdf.Table, Rows: rows, Widths: []float64{1, 3}, HeaderRows: 1},
		{Kind: pdf.Para, Text: note}}
}

// scanBlocks are the pages of a scanned file, each captioned with the file's title and its page number.
func scanBlocks(title string, pages []*pdf.Image) []pdf.Block {
	var out []pdf.Block
	for i, im := range pages {
		out = append(out, pdf.Block{Kind: pdf.Figure, Image: im, Text: fmt.Sprintf("卷内材料：%s（原件第%d页，共%d页）", title, i+1, len(pages))})
	}
	return out
}

func partyList(ps []cases.Party) string {
	if len(ps) == 0 {
		return "无"
	}
	var ns []string
	for _, p := range ps {
		ns = append(ns, p.Name)
	}
	return strings.Join(ns, "、")
}

// renderVolume renders one volume: cover, 卷内目录, the parts each from a new page, 备考表. The 目录 gives
// each part's first page as printed on it: every part is first rendered alone to count its pages.
func renderVolume(v *cases.View, volume, retention, archivist string, today date.Date, parts []part) ([]byte, int, error) {
	count := func(bs []pdf.Block) (int, error) {
		b, err := pdf.Render(pdf.Document{Title: "卷宗", Blocks: bs, PageNumbers: true})
		if err != nil {
			return 0, err
		}
		return pdf.PageCount(b), nil
	}
	caseNo := v.RegistrationNo
	if v.CaseNo != nil {
		caseNo = *v.CaseNo
	}
	concluded := ""
	if h := v.Handling; h != nil {
		if !h.ConcludedOn.IsZero() {
			concluded = h.ConcludedOn.String()
		}
	}
	accepted := ""
	if !v.AcceptedOn.IsZero() {
		accepted = v.AcceptedOn.String()
	}
	cover := []pdf.Block{{Kind: pdf.Title, Text: "行政复议案件卷宗"}, {Kind: pdf.Center, Text: "（" + volume + "）"}, {Kind: pdf.Blank},
		{Kind: pdf.Table, Widths: []float64{1, 3}, HeaderRows: 0, Rows: [][]string{
			{"案号", caseNo}, {"申请人", partyList(v.Applicants)}, {"第三人", partyList(v.ThirdParties)},
			{"被申请人", v.RespondentAgency.Name}, {"案由", v.Act.Matter + "（" + v.Act.Title + "）"},
			{"收到申请日期", v.ReceivedOn.String()}, {"受理日期", accepted}, {"结案日期", concluded},
			{"保管期限", RetentionLabel(retention)}, {"立卷日期", today.String()}}}}
	for i := range parts {
		n, err := count(parts[i].blocks)
		if err != nil {
			return nil, 0, err
		}
		parts[i].pages = n + len(parts[i].scan) // a scanned page fills a page of its own
	}
	toc := func(start int) []pdf.Block {
		rows := [][]string{{"序号", "题名", "文号或类别", "日期", "页号"}}
		p := start
		for i, x := range parts {
			rng := strconv.Itoa(p)
			if x.pages > 1 {
				rng += "–" + strconv.Itoa(p+x.pages-1)
			}
			rows = append(rows, []string{strconv.Itoa(i + 1), x.title, x.no, x.on, rng})
			p += x.pages
		}
		rows = append(rows, []string{"", "备考表", "", "", strconv.Itoa(p)})
		return []pdf.Block{{Kind: pdf.Title, Text: "卷内目录"}, {Kind: pdf.Table, Rows: rows, Widths: []float64{0.6, 3, 1.6, 1.2, 0.9}, HeaderRows: 1}}
	}
	// the 目录's own length does not depend on the numbers in it (one row per part)
	tocPages, err := count(toc(100))
	if err != nil {
		return nil, 0, err
	}
	start := 1 + tocPages + 1
	total := 0
	for _, x := range parts {
		total += x.pages
	}
	note := []pdf.Block{{Kind: pdf.Title, Text: "备考表"},
		{Kind: pdf.Para, Text: fmt.Sprintf("本卷（%s）共%d件，%d页（含封面、卷内目录和本表）。", volume, len(parts), start+total)},
		{Kind: pdf.Para, Text: "卷内材料的原件按原始字节与本卷宗PDF一并保存在卷宗ZIP包中，清单（manifest.json）载有每一文件的SHA-256。"},
		{Kind: pdf.Plain, Text: "立卷人：" + archivist}, {Kind: pdf.Plain, Text: "检查人："}, {Kind: pdf.Plain, Text: "立卷时间：" + today.String()}}
	all := append([]pdf.Block{}, cover...)
	all = append(all, pdf.Block{Kind: pdf.PageBreak})
	all = append(all, toc(start)...)
	for _, x := range parts {
		all = append(all, pdf.Block{Kind: pdf.PageBreak})
		all = append(all, x.blocks...)
		all = append(all, scanBlocks(x.title, x.scan)...)
	}
	all = append(all, pdf.Block{Kind: pdf.PageBreak})
	all = append(all, note...)
	b, err := pdf.Render(pdf.Document{Title: "行政复议案件卷宗（" + volume + "）" + caseNo, Subject: caseNo, Blocks: all, PageNumbers: true,
		CreatedAt: time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, date.Shanghai)})
	if err != nil {
		return nil, 0, err
	}
	if got, want := pdf.PageCount(b), start+total; got != want {
		return nil, 0, fmt.Errorf("casefile: %s of case %d has %d pages, its 目录 counts %d", volume, v.ID, got, want)
	}
	return b, start + total, nil
}

// ArchiveRecord gives the archive of a case the user may see.
func (s *Service) ArchiveRecord(ctx context.Context, u *auth.User, caseID int64) (*Archive, error) {
	if err := visible(ctx, s.DB, u, Owner{ID: caseID}); err != nil {
		return nil, err
	}
	return NewStore(s.DB).GetArchive(ctx, caseID)
}

// ArchivePDF gives the stored 正卷 or (sub) 副卷 of a case the user may see; the 副卷 is internal and never
// offered to the parties (复议法第47条), so only staff routes serve it.
func (s *Service) ArchivePDF(ctx context.Context, u *auth.User, caseID int64, sub bool) (*Archive, []byte, error) {
	a, err := s.ArchiveRecord(ctx, u, caseID)
	if err != nil {
		return nil, nil, err
	}
	b, err := NewStore(s.DB).ArchivePDF(ctx, caseID, sub)
	return a, b, err
}

// ManifestEntry is one file of the 卷宗 ZIP in its manifest.json.
type ManifestEntry struct {
	Path     string `json:"path"`
	Kind     string `json:"kind"` // file, document, volume
	Title    string `json:"title"`
	Category string `json:"category,omitempty"`
	DocNo    string `json:"doc_no,omitempty"`
	Size     int64  `json:"size"`
	SHA256   string `json:"sha256"`
	Note     string `json:"note,omitempty"`
	fileID   int64
	docID    int64
	sub      *bool
}

// Contents lists what the 卷宗 ZIP holds: the two volumes, every issued document as stored and every file
// (withdrawn ones marked), with sizes and hashes; Open gives the bytes of an entry.
func (s *Service) Contents(ctx context.Context, u *auth.User, caseID int64) (*Archive, []ManifestEntry, error) {
	a, err := s.ArchiveRecord(ctx, u, caseID)
	if err != nil {
		return nil, nil, err
	}
	f, t := false, true
	es := []ManifestEntry{
		{Path: "卷宗-正卷.pdf", Kind: "volume", Title: "正卷", SHA256: a.MainSHA256, sub: &f},
		{Path: "卷宗-副卷.pdf", Kind: "volume", Title: "副卷（内部材料，不提供阅卷）", SHA256: a.SubSHA256, sub: &t}}
	docs, err := cases.NewStore(s.DB).IssuedDocs(ctx, caseID)
	if err != nil {
		return nil, nil, err
	}
	for i, d := range docs {
		e := ManifestEntry{Path: fmt.Sprintf("documents/%03d-%s.pdf", i+1, safeName(d.Title+"-"+d.DocNo)), Kind: "document", Title: d.Title,
			DocNo: d.DocNo, SHA256: d.SHA256, docID: d.ID}
		if d.SupersededBy != nil {
			e.Note = "已被更正版本取代：" + d.SupersedeReason
		}
		es = append(es, e)
	}
	files, err := NewStore(s.DB).List(ctx, Owner{ID: caseID})
	if err != nil {
		return nil, nil, err
	}
	for i, x := range files {
		e := ManifestEntry{Path: fmt.Sprintf("files/%03d-%s", i+1, safeName(x.Name)), Kind: "file", Title: x.Title, Category: x.Category,
			Size: x.Size, SHA256: x.SHA256, fileID: x.ID}
		if x.Withdrawn() {
			e.Note = "已撤回：" + x.WithdrawReason
		}
		es = append(es, e)
	}
	return a, es, nil
}

// OpenEntry reads the bytes of an entry of Contents.
func (s *Service) OpenEntry(ctx context.Context, caseID int64, e ManifestEntry) ([]byte, io.ReadCloser, error) {
	switch {
	case e.sub != nil:
		b, err := NewStore(s.DB).ArchivePDF(ctx, caseID, *e.sub)
		return b, nil, err
	case e.docID > 0:
		b, err := cases.NewStore(s.DB).IssuedPDF(ctx, e.docID)
		return b, nil, err
	}
	return nil, s.Blobs.Open(s.DB, e.fileID), nil
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || r < ' ' {
			return '_'
		}
		return r
	}, s)
}
