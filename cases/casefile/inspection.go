package casefile

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"fuyi/cases"
	"fuyi/internal/apperr"
	"fuyi/internal/audit"
	"fuyi/internal/auth"
	"fuyi/internal/database"
	"fuyi/internal/date"
	"fuyi/internal/pdf"
)

// 阅卷 (复议法第47条): 申请人、第三人及其委托代理人 may read and copy the respondent's 书面答复, the evidence and the
// basis of the act and the other materials of the case, except what touches state or commercial secrets,
// privacy, or national or public security; the officer records each 阅卷. Internal materials (committee
// opinions, drafts, approvals) are never offered: only the files of the 正卷.

// InspectionKinds are the ways of 阅卷.
var InspectionKinds = apperr.NewEnum("阅卷方式", "read", "查阅", "copy", "复制", "read_copy", "查阅并复制")

var readerRoles = map[string]string{"applicant": "申请人", "third_party": "第三人", "agent": "委托代理人"}

// Inspection is one recorded 阅卷.
type Inspection struct {
	ID          int64         `db:"id" json:"id"`
	ReaderRole  string        `db:"reader_role" json:"reader_role"`
	Reader      string        `db:"reader" json:"reader"`
	On          date.Date     `db:"inspected_on" json:"inspected_on"`
	Kind        string        `db:"kind" json:"kind"`
	FileIDs     pq.Int64Array `db:"file_ids" json:"file_ids"`
	CopyPages   int           `db:"copy_pages" json:"copy_pages"`
	Withheld    string        `db:"withheld" json:"withheld,omitempty"`
	Note        string        `db:"note" json:"note,omitempty"`
	RecordedBy  string        `db:"recorded_by" json:"recorded_by"`
	RecordedAt  time.Time     `db:"recorded_at" json:"recorded_at"`
	Titles      []string      `db:"-" json:"titles"`
	ReaderLabel string        `db:"-" json:"reader_label"`
	KindLabel   string        `db:"-" json:"kind_label"`
}

// InspectionInput is the 阅卷 form.
type InspectionInput struct {
	Reader    string  `json:"reader"` // the party: "applicant:0", "third_party:1", "agent:0" (role and position)
	On        string  `json:"inspected_on"`
	Kind      string  `json:"kind"`
	FileIDs   []int64 `json:"file_ids"`
	CopyPages int     `json:"copy_pages"`
	Withheld  string  `json:"withheld"` // materials not offered and why (第47条: secrets, privacy, security)
	Note      string  `json:"note"`
}

// Reader is a party who may read the file, as the form offers it.
type Reader struct {
	Key, Label string
}

const insertInspection = `INSERT INTO case_inspections (case_id, reader_role, reader, inspected_on, kind, file_ids, copy_pages, withheld, note, recorded_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`

const queryInspections = `SELECT i.id, i.reader_role, i.reader, i.inspected_on, i.kind, i.file_ids, i.copy_pages, i.withheld, i.note,
	u.name AS recorded_by, i.recorded_at
FROM case_inspections i JOIN users u ON u.id = i.recorded_by WHERE i.case_id = $1 ORDER BY i.inspected_on, i.id`

// Inspections lists the 阅卷 records of a case, the titles of the files read filled in from files.
func (s *Store) Inspections(ctx context.Context, caseID int64, files []File) ([]Inspection, error) {
	var out []Inspection
	if err := sqlx.SelectContext(ctx, s.db, &out, queryInspections, caseID); err != nil {
		return nil, fmt.Errorf("casefile: inspections of %d: %w", caseID, err)
	}
	title := map[int64]string{}
	for _, f := range files {
		title[f.ID] = f.Title
	}
	for i := range out {
		out[i].ReaderLabel = readerRoles[out[i].ReaderRole]
		out[i].KindLabel = InspectionKinds.Label(out[i].Kind)
		for _, id := range out[i].FileIDs {
			out[i].Titles = append(out[i].Titles, title[id])
		}
	}
	return out, nil
}

// Offered are the files a party may be shown: the case's files not withdrawn and not internal.
func Offered(files []File) []File {
	var out []File
	for _, f := range files {
		if !f.Withdrawn() && !internalCategory(f.Category) {
			out = append(out, f)
		}
	}
	return out
}

// Readers are the parties of a case who may read its file (复议法第47条: 申请人、第三人及其委托代理人).
func Readers(ps []cases.Party) []Reader {
	var out []Reader
	for _, p := range ps {
		if label, ok := readerRoles[p.Role]; ok {
			out = append(out, Reader{Key: p.Role + ":" + strconv.Itoa(p.Position), Label: label + " " + p.Name})
		}
	}
	return out
}

// ErrInspectionForbidden: 阅卷 is recorded by the officers of the case and the chief.
var ErrInspectionForbidden = apperr.New(apperr.Forbidden, "inspection.forbidden", "阅卷记录由办案人员或复议机构负责人登记")

// RecordInspection records a 阅卷 of a case the user may see, with its audit event, in one transaction.
func (s *Service) RecordInspection(ctx context.Context, u *auth.User, caseID int64, in InspectionInput, today date.Date) (*Inspection, error) {
	if u.Role != auth.RoleOfficer && u.Role != auth.RoleChief {
		return nil, ErrInspectionForbidden
	}
	var out *Inspection
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
			return apperr.State("inspection.archived", "本案已归档：归档后的查阅按档案管理规定办理，不再登记为阅卷")
		} else if err != ErrNotArchived {
			return err
		}
		ps, err := cs.Parties(ctx, caseID)
		if err != nil {
			return err
		}
		files, err := st.List(ctx, Owner{ID: caseID})
		if err != nil {
			return err
		}
		f := apperr.Fields{}
		role, reader := "", ""
		for _, p := range ps {
			if p.Role+":"+strconv.Itoa(p.Position) == in.Reader {
				if _, ok := readerRoles[p.Role]; ok {
					role, reader = p.Role, p.Name
				}
			}
		}
		if role == "" {
			f.Add("reader", "请选择阅卷的申请人、第三人或委托代理人")
		}
		on, err := date.Parse(strings.TrimSpace(in.On))
		switch {
		case err != nil:
			f.Add("inspected_on", "请填写阅卷日期（YYYY-MM-DD）")
		case on.After(today):
			f.Add("inspected_on", "阅卷日期不能晚于今天")
		case on.Before(c.ReceivedOn):
			f.Add("inspected_on", "阅卷日期不能早于收到申请的日期（%s）", c.ReceivedOn)
		}
		InspectionKinds.Add(f, "kind", in.Kind)
		offered := map[int64]bool{}
		for _, x := range Offered(files) {
			offered[x.ID] = true
		}
		seen := map[int64]bool{}
		var ids []int64
		for _, id := range in.FileIDs {
			if !offered[id] {
				f.Add("file_ids", "所选材料不属于可供阅卷的本案材料（内部材料和已撤回的文件不提供阅卷）")
				break
			}
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		if len(in.FileIDs) == 0 {
			f.Add("file_ids", "请勾选查阅或复制的材料")
		}
		if in.CopyPages < 0 || in.CopyPages > 100000 {
			f.Add("copy_pages", "复制页数须为0至100000")
		}
		if in.Kind == "read" && in.CopyPages > 0 {
			f.Add("copy_pages", "仅查阅时不填写复制页数")
		}
		withheld, note := strings.TrimSpace(in.Withheld), strings.TrimSpace(in.Note)
		if len([]rune(withheld)) > 1000 {
			f.Add("withheld", "不超过1000字")
		}
		if len([]rune(note)) > 1000 {
			f.Add("note", "不超过1000字")
		}
		if err := f.Err(); err != nil {
			return err
		}
		var newID int64
		if err := sqlx.GetContext(ctx, tx, &newID, insertInspection, caseID, role, reader, on, in.Kind, pq.Array(ids), in.CopyPages, withheld, note, u.ID); err != nil {
			return fmt.Errorf("casefile: record inspection of %d: %w", caseID, err)
		}
		summary := fmt.Sprintf("阅卷：%s%s于%s%s材料%d件", readerRoles[role], reader, on, InspectionKinds.Label(in.Kind), len(ids))
		if withheld != "" {
			summary += "（不予提供：" + withheld + "）"
		}
		if err := audit.Record(ctx, tx, caseID, u.ID, "case.inspected", summary, nil, map[string]any{"file_ids": ids, "kind": in.Kind}); err != nil {
			return err
		}
		list, err := st.Inspections(ctx, caseID, files)
		if err != nil {
			return err
		}
		for i := range list {
			if list[i].ID == newID {
				out = &list[i]
			}
		}
		return nil
	})
	return out, err
}

// inspectionPart is the 阅卷记录 of the 正卷: every 阅卷 of the case in one table, dated on the last one.
func inspectionPart(list []Inspection) *part {
	if len(list) == 0 {
		return nil
	}
	rows := [][]string{{"日期", "阅卷人", "方式", "材料", "不予提供及理由"}}
	for _, x := range list {
		kind := x.KindLabel
		if x.CopyPages > 0 {
			kind += fmt.Sprintf("（%d页）", x.CopyPages)
		}
		w := x.Withheld
		if w == "" {
			w = "—"
		}
		rows = append(rows, []string{x.On.String(), x.ReaderLabel + " " + x.Reader, kind, strings.Join(x.Titles, "、"), w})
	}
	last := list[len(list)-1].On
	for _, x := range list {
		if x.On.After(last) {
			last = x.On
		}
	}
	return &part{title: "阅卷记录", no: "阅卷", on: last.String(), when: last, rank: len(Categories) + 2,
		blocks: []pdf.Block{{Kind: pdf.Title, Text: "阅卷记录"},
			{Kind: pdf.Plain, Text: "依据：《中华人民共和国行政复议法》第四十七条"},
			{Kind: pdf.Table, Rows: rows, Widths: []float64{1.1, 1.5, 1, 2.4, 1.5}, HeaderRows: 1, FontSize: 10.5}}}
}

// readsPart is the staff's reading log of the files (file_reads: who viewed or downloaded which file,
// when) for the 副卷, the latest readings as Reads gives them.
func readsPart(rs []Read, today date.Date) *part {
	if len(rs) == 0 {
		return nil
	}
	kinds := map[string]string{"view": "查看", "download": "下载"}
	rows := [][]string{{"时间", "工作人员", "方式", "材料"}}
	for i := len(rs) - 1; i >= 0; i-- { // oldest first
		k := kinds[rs[i].Kind]
		if k == "" {
			k = rs[i].Kind
		}
		rows = append(rows, []string{rs[i].At, rs[i].User, k, rs[i].Title})
	}
	return &part{title: "材料阅览日志（工作人员）", no: "系统日志", on: today.String(), when: today, rank: len(Categories) + 3,
		blocks: []pdf.Block{{Kind: pdf.Title, Text: "材料阅览日志"},
			{Kind: pdf.Plain, Text: fmt.Sprintf("系统记录的工作人员查看、下载本案材料的情况（最近%d次）。", len(rs))},
			{Kind: pdf.Table, Rows: rows, Widths: []float64{1.4, 1, 0.7, 3}, HeaderRows: 1, FontSize: 10.5}}}
}
