package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/apperr"
	"fuyi/internal/database"
)

// RoleChange is a user's new role: the 司法所 for window staff, the 法律职业资格 for officers and chiefs.
type RoleChange struct {
	Role       Role   `json:"role"`
	WindowCode string `json:"window_code"`
	Qualified  bool   `json:"qualified"`
}

// checkRole adds the messages of a role with its window and qualification (as a new user's).
func checkRole(f apperr.Fields, role Role, window string, qualified bool) {
	if !role.Valid() {
		f.Add("role", "%s", RoleEnum.Message("role"))
	}
	if role == RoleWindow && window == "" {
		f.Add("window_code", "窗口人员须指定所属司法所代码")
	}
	if role != RoleWindow && window != "" {
		f.Add("window_code", "只有窗口人员可以指定司法所")
	}
	if qualified && role != RoleOfficer && role != RoleChief {
		f.Add("qualified", "只有办案人员或复议机构负责人可以标记为具备法律职业资格")
	}
}

const (
	queryRoleNow = `SELECT role FROM users WHERE id = $1 FOR UPDATE`
	// the open cases whose team the user is on: an officer leaves them before the role changes
	countOpenTeams = `SELECT count(*) FROM case_assignments x JOIN cases c ON c.id = x.case_id
WHERE x.user_id = $1 AND x.removed_at IS NULL AND c.status IN ('registered', 'correction', 'accepted', 'suspended')`
	// the other active chiefs of the user's organ: the last one keeps the role (reviews and approvals need one)
	countOtherActiveChiefs = `SELECT count(*) FROM users o WHERE o.role = 'chief' AND o.active AND o.id <> $1
	AND o.organ_id = (SELECT organ_id FROM users WHERE id = $1)`
	setUserRole = `UPDATE users SET role = $2, window_id = (SELECT id FROM windows WHERE code = nullif($3, '')), qualified = $4 WHERE id = $1`
)

// ChangeRole gives a user another role (and window, and qualification) and ends the user's sessions, in one
// transaction. It refuses to take an officer off open cases (the chief reassigns them first) and to take
// the role from the last active chief.
func ChangeRole(ctx context.Context, db *sqlx.DB, id int64, ch RoleChange) error {
	defer changed() // cached sessions carry the user and its role
	ch.WindowCode = strings.TrimSpace(ch.WindowCode)
	f := apperr.Fields{}
	checkRole(f, ch.Role, ch.WindowCode, ch.Qualified)
	if ch.Role == RoleSupervisor { // another organ's role: set with fuyi user add --organ
		f.Add("role", "%s", RoleEnum.Message("role"))
	}
	if err := f.Err(); err != nil {
		return err
	}
	return database.Tx(ctx, db, func(tx *sqlx.Tx) error {
		var now Role
		err := tx.GetContext(ctx, &now, queryRoleNow, id)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrUserNotFound
		}
		if err != nil {
			return fmt.Errorf("auth: role of %d: %w", id, err)
		}
		if now == RoleSupervisor {
			return apperr.State("user.supervisor", "上级统计人员的角色不在此更改")
		}
		if now == RoleOfficer && ch.Role != RoleOfficer {
			var n int
			if err := tx.GetContext(ctx, &n, countOpenTeams, id); err != nil {
				return fmt.Errorf("auth: open teams: %w", err)
			}
			if n > 0 {
				return &apperr.Error{Kind: apperr.Conflict, Code: "user.on_open_cases", Fields: map[string]string{"role": "仍是办案人员"},
					Message: fmt.Sprintf("该用户仍是%d件未办结案件的办案人员，请复议机构负责人先在这些案件中调整办案人员，再更改角色", n)}
			}
		}
		if now == RoleChief && ch.Role != RoleChief {
			var n int
			if err := tx.GetContext(ctx, &n, countOtherActiveChiefs, id); err != nil {
				return fmt.Errorf("auth: chiefs: %w", err)
			}
			if n == 0 {
				return &apperr.Error{Kind: apperr.Conflict, Code: "user.last_chief", Fields: map[string]string{"role": "唯一的复议机构负责人"},
					Message: "该用户是本机关唯一在用的复议机构负责人，受理审查和决定审批都需要负责人；请先为他人设置该角色"}
			}
		}
		if ch.Role == RoleWindow {
			var ok bool
			if err := tx.GetContext(ctx, &ok, queryWindowExists, ch.WindowCode); err != nil {
				return fmt.Errorf("auth: window %s: %w", ch.WindowCode, err)
			}
			if !ok {
				return &apperr.Error{Kind: apperr.Invalid, Code: "user.window_unknown", Fields: map[string]string{"window_code": "没有这个司法所代码"},
					Message: fmt.Sprintf("司法所代码 %s 不存在", ch.WindowCode)}
			}
		}
		if _, err := tx.ExecContext(ctx, setUserRole, id, ch.Role, ch.WindowCode, ch.Qualified); err != nil {
			return fmt.Errorf("auth: set role: %w", err)
		}
		if _, err := tx.ExecContext(ctx, deleteUserSession, id); err != nil {
			return fmt.Errorf("auth: end sessions: %w", err)
		}
		return nil
	})
}
