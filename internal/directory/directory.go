// Package directory keeps the reference lists the features share: the 司法所 windows and the agency
// directory of 被申请人 (with the 行政管理类别 and level the statistics count by).
package directory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/apperr"
	"fuyi/internal/database"
)

// Categories and levels of the agency directory (DOMAIN.md §8).
var (
	Categories = []string{"公安", "自然资源", "市场监管", "人社", "住建", "生态环境", "交通运输", "农业农村", "卫生健康", "教育",
		"民政", "税务", "财政", "应急管理", "城管/综合执法", "乡镇(街道)", "其他"}
	Levels = []string{"乡镇", "县级部门", "县级政府", "市级部门", "市级政府", "省级部门", "其他"}
)

// Window is a 司法所 application window.
type Window struct {
	ID      int    `db:"id" json:"id"`
	Code    string `db:"code" json:"code"`
	Name    string `db:"name" json:"name"`
	Address string `db:"address" json:"address"`
	Phone   string `db:"phone" json:"phone"`
}

// Agency is a respondent agency of the directory.
type Agency struct {
	ID       int    `db:"id" json:"id"`
	Name     string `db:"name" json:"name"`
	Category string `db:"category" json:"category"`
	Level    string `db:"level" json:"level"`
	LegalRep string `db:"legal_rep" json:"legal_rep"`
	RepTitle string `db:"legal_rep_title" json:"legal_rep_title"`
	Address  string `db:"address" json:"address"`
	Active   bool   `db:"active" json:"active"`
	// 上一级主管部门 (复议法第79条第2款: the 抄告 goes there); nil for an agency without one (a 街道办事处)
	SuperiorID   *int   `db:"superior_id" json:"superior_id"`
	SuperiorName string `db:"superior_name" json:"superior_name,omitempty"`
}

// AgencyInput is a new agency as submitted.
type AgencyInput struct {
	Name     string `json:"name"`
	Category string `json:"category"`
	Level    string `json:"level"`
	LegalRep string `json:"legal_rep"`
	RepTitle string `json:"legal_rep_title"` // 职务
	Address  string `json:"address"`
	// SuperiorID is the 上一级主管部门 (0 or absent: none); only a department (县级/市级/省级部门) may have one.
	SuperiorID int `json:"superior_id"`
	// Active (edit only; absent keeps the agency offered at intake)
	Active *bool `json:"active"`
}

// Store reads and writes the directory.
type Store struct{ db sqlx.ExtContext }

func NewStore(db sqlx.ExtContext) *Store { return &Store{db: db} }

const (
	queryWindows = `SELECT id, code, name, address, phone FROM windows WHERE active ORDER BY code`
	selectAgency = `SELECT a.id, a.name, a.category, a.level, a.legal_rep, a.legal_rep_title, a.address, a.active, a.superior_id, coalesce(s.name, '') AS superior_name
FROM agencies a LEFT JOIN agencies s ON s.id = a.superior_id`
	queryActiveAgencies = selectAgency + ` WHERE a.active ORDER BY a.id`
	queryAllAgencies    = selectAgency + ` ORDER BY a.category, a.id`
	queryAgency         = selectAgency + ` WHERE a.id = $1`
	insertAgency        = `INSERT INTO agencies (name, category, level, legal_rep, address, legal_rep_title, superior_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`
	updateAgency        = `UPDATE agencies SET name = $2, category = $3, level = $4, legal_rep = $5, address = $6, legal_rep_title = $7, superior_id = $8, active = $9 WHERE id = $1`
	// the superiors of the chain above an agency (a superior must not be the agency or below it)
	querySuperiorChain = `WITH RECURSIVE up (id, depth) AS (SELECT $1::integer, 0 UNION ALL
	SELECT a.superior_id, up.depth + 1 FROM up JOIN agencies a ON a.id = up.id WHERE a.superior_id IS NOT NULL AND up.depth < 20)
SELECT EXISTS (SELECT 1 FROM up WHERE id = $2)`
)

// ErrAgencyNotFound answers an agency id that is not in the directory.
var ErrAgencyNotFound = apperr.New(apperr.NotFound, "agency.not_found", "行政机关不在目录中")

// Statements lists the SQL of this package (checked against the schema by the statement test).
func Statements() []string {
	return []string{queryWindows, queryActiveAgencies, queryAllAgencies, queryAgency, insertAgency, updateAgency, querySuperiorChain}
}

// Windows lists the active windows.
func (s *Store) Windows(ctx context.Context) ([]Window, error) {
	var ws []Window
	if err := sqlx.SelectContext(ctx, s.db, &ws, queryWindows); err != nil {
		return nil, fmt.Errorf("directory: windows: %w", err)
	}
	return ws, nil
}

// Agencies lists the agencies: the active ones (for forms and clients) or all of them (administration).
func (s *Store) Agencies(ctx context.Context, activeOnly bool) ([]Agency, error) {
	q := queryAllAgencies
	if activeOnly {
		q = queryActiveAgencies
	}
	var as []Agency
	if err := sqlx.SelectContext(ctx, s.db, &as, q); err != nil {
		return nil, fmt.Errorf("directory: agencies: %w", err)
	}
	return as, nil
}

func oneOf(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Agency reads one agency.
func (s *Store) Agency(ctx context.Context, id int) (Agency, error) {
	var a Agency
	err := sqlx.GetContext(ctx, s.db, &a, queryAgency, id)
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrAgencyNotFound
	}
	if err != nil {
		return a, fmt.Errorf("directory: agency: %w", err)
	}
	return a, nil
}

// departments may name a 上一级主管部门 (the database checks the same: agencies_superior_department).
var departments = map[string]bool{"县级部门": true, "市级部门": true, "省级部门": true}

// check validates an agency as submitted; id is the agency being edited (0: a new one).
func (s *Store) check(ctx context.Context, id int, in *AgencyInput) error {
	f := apperr.Fields{}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 100 {
		f.Add("name", "机关名称不能为空，且不超过100字")
	}
	if !oneOf(Categories, in.Category) {
		f.Add("category", "行政管理类别须为：%s", strings.Join(Categories, "、"))
	}
	if !oneOf(Levels, in.Level) {
		f.Add("level", "层级须为：%s", strings.Join(Levels, "、"))
	}
	if utf8.RuneCountInString(in.RepTitle) > 50 {
		f.Add("legal_rep_title", "法定代表人职务不超过50字")
	}
	if utf8.RuneCountInString(in.LegalRep) > 50 {
		f.Add("legal_rep", "法定代表人不超过50字")
	}
	if utf8.RuneCountInString(in.Address) > 200 {
		f.Add("address", "住所不超过200字")
	}
	if in.SuperiorID < 0 || in.SuperiorID > 1<<31-1 {
		f.Add("superior_id", "上一级主管部门不在目录中")
	} else if in.SuperiorID > 0 {
		switch {
		case !departments[in.Level]:
			f.Add("superior_id", "只有政府工作部门（县级、市级、省级部门）才有上一级主管部门；乡镇、街道和政府不设（复议法第79条第2款）")
		case in.SuperiorID == id:
			f.Add("superior_id", "上一级主管部门不能是本机关")
		default:
			if _, err := s.Agency(ctx, in.SuperiorID); errors.Is(err, ErrAgencyNotFound) {
				f.Add("superior_id", "上一级主管部门不在目录中")
			} else if err != nil {
				return err
			} else if id > 0 {
				var loop bool
				if err := sqlx.GetContext(ctx, s.db, &loop, querySuperiorChain, in.SuperiorID, id); err != nil {
					return fmt.Errorf("directory: superior chain: %w", err)
				}
				if loop {
					f.Add("superior_id", "上一级主管部门不能是本机关的下级部门")
				}
			}
		}
	}
	in.LegalRep, in.Address, in.RepTitle = strings.TrimSpace(in.LegalRep), strings.TrimSpace(in.Address), strings.TrimSpace(in.RepTitle)
	return f.Err()
}

func superior(id int) *int {
	if id == 0 {
		return nil
	}
	return &id
}

// AddAgency validates and adds an agency to the directory; a name already there answers 409.
func (s *Store) AddAgency(ctx context.Context, in AgencyInput) (Agency, error) {
	if err := s.check(ctx, 0, &in); err != nil {
		return Agency{}, err
	}
	var id int
	err := sqlx.GetContext(ctx, s.db, &id, insertAgency, in.Name, in.Category, in.Level, in.LegalRep, in.Address, in.RepTitle, superior(in.SuperiorID))
	if name, _ := database.Constraint(err); name == "agencies_name_key" {
		return Agency{}, apperr.State("agency.exists", "机关“%s”已在目录中", in.Name)
	}
	if err != nil {
		return Agency{}, fmt.Errorf("directory: add agency: %w", err)
	}
	return s.Agency(ctx, id)
}

// UpdateAgency validates and saves an agency's fields, its 上一级主管部门 and whether it is offered at intake.
func (s *Store) UpdateAgency(ctx context.Context, id int, in AgencyInput) (Agency, error) {
	cur, err := s.Agency(ctx, id)
	if err != nil {
		return cur, err
	}
	if err := s.check(ctx, id, &in); err != nil {
		return Agency{}, err
	}
	active := cur.Active
	if in.Active != nil {
		active = *in.Active
	}
	_, err = s.db.ExecContext(ctx, updateAgency, id, in.Name, in.Category, in.Level, in.LegalRep, in.Address, in.RepTitle, superior(in.SuperiorID), active)
	if name, _ := database.Constraint(err); name == "agencies_name_key" {
		return Agency{}, apperr.State("agency.exists", "机关“%s”已在目录中", in.Name)
	}
	if err != nil {
		return Agency{}, fmt.Errorf("directory: update agency: %w", err)
	}
	return s.Agency(ctx, id)
}
