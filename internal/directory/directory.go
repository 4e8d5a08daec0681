// Package directory keeps the reference lists the features share: the 司法所 windows and the agency
// directory of 被申请人 (with the 行政管理类别 and level the statistics count by).
package directory

import (
	"context"
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
	Address  string `db:"address" json:"address"`
}

// AgencyInput is a new agency as submitted.
type AgencyInput struct {
	Name     string `json:"name"`
	Category string `json:"category"`
	Level    string `json:"level"`
	LegalRep string `json:"legal_rep"`
	RepTitle string `json:"legal_rep_title"` // 职务
	Address  string `json:"address"`
}

// Store reads and writes the directory.
type Store struct{ db sqlx.ExtContext }

func NewStore(db sqlx.ExtContext) *Store { return &Store{db: db} }

const (
	queryWindows        = `SELECT id, code, name, address, phone FROM windows WHERE active ORDER BY code`
	queryActiveAgencies = `SELECT id, name, category, level, legal_rep, address FROM agencies WHERE active ORDER BY id`
	queryAllAgencies    = `SELECT id, name, category, level, legal_rep, address FROM agencies ORDER BY category, id`
	insertAgency        = `INSERT INTO agencies (name, category, level, legal_rep, address, legal_rep_title) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`
)

// Statements lists the SQL of this package (checked against the schema by the statement test).
func Statements() []string {
	return []string{queryWindows, queryActiveAgencies, queryAllAgencies, insertAgency}
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

// AddAgency validates and adds an agency to the directory; a name already there answers 409.
func (s *Store) AddAgency(ctx context.Context, in AgencyInput) (Agency, error) {
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
	if utf8.RuneCountInString(in.LegalRep) > 50 || utf8.RuneCountInString(in.Address) > 200 {
		f.Add("address", "法定代表人不超过50字，住所不超过200字")
	}
	if err := f.Err(); err != nil {
		return Agency{}, err
	}
	a := Agency{Name: in.Name, Category: in.Category, Level: in.Level, LegalRep: strings.TrimSpace(in.LegalRep), Address: strings.TrimSpace(in.Address)}
	err := sqlx.GetContext(ctx, s.db, &a.ID, insertAgency, a.Name, a.Category, a.Level, a.LegalRep, a.Address, strings.TrimSpace(in.RepTitle))
	if name, _ := database.Constraint(err); name == "agencies_name_key" {
		return Agency{}, apperr.State("agency.exists", "机关“%s”已在目录中", in.Name)
	}
	if err != nil {
		return Agency{}, fmt.Errorf("directory: add agency: %w", err)
	}
	return a, nil
}
