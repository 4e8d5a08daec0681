// Package auth holds staff users, their roles, password hashing, sessions (in the database, so several server
// processes share them) and the login rate limit.
package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"golang.org/x/crypto/bcrypt"

	"fuyi/internal/apperr"
	"fuyi/internal/database"
)

// Role of a staff user.
type Role string

const (
	RoleWindow  Role = "window"  // 司法所 申请接收窗口
	RoleOfficer Role = "officer" // 行政复议人员 (qualified or not)
	RoleChief   Role = "chief"   // 复议机构负责人
	RoleBureau  Role = "bureau"  // 司法局
	// RoleSupervisor is the 统计 role of a supervising 司法局: the statistics and 应诉 figures of the organs
	// under its organ, summed and side by side, never a case file.
	RoleSupervisor Role = "supervisor"
)

// Label is the Chinese name of the role.
func (r Role) Label() string {
	switch r {
	case RoleWindow:
		return "司法所窗口"
	case RoleOfficer:
		return "办案人员"
	case RoleChief:
		return "复议机构负责人"
	case RoleBureau:
		return "司法局"
	case RoleSupervisor:
		return "上级统计"
	}
	return string(r)
}

// RoleEnum is the roles as an enumeration (its refusal lists every code with its label).
var RoleEnum = apperr.NewEnum("角色", string(RoleWindow), RoleWindow.Label(), string(RoleOfficer), RoleOfficer.Label(),
	string(RoleChief), RoleChief.Label(), string(RoleBureau), RoleBureau.Label())

func (r Role) Valid() bool {
	return r == RoleWindow || r == RoleOfficer || r == RoleChief || r == RoleBureau || r == RoleSupervisor
}

// User is a staff member.
type User struct {
	ID         int64  `db:"id" json:"id"`
	Username   string `db:"username" json:"username"`
	Name       string `db:"name" json:"name"`
	Role       Role   `db:"role" json:"role"`
	WindowID   *int   `db:"window_id" json:"-"`
	WindowCode string `db:"window_code" json:"window_code"`
	Qualified  bool   `db:"qualified" json:"qualified"`
	Active     bool   `db:"active" json:"active"`
	Email      string `db:"email" json:"email"`
	Mobile     string `db:"mobile" json:"mobile"`
	// OrganID is the 复议机关 the user works for: every request of the user is bound to it (database.WithOrgan).
	OrganID int `db:"organ_id" json:"-"`
}

// Is reports whether the user has one of the roles.
func (u *User) Is(roles ...Role) bool {
	for _, r := range roles {
		if u.Role == r {
			return true
		}
	}
	return false
}

var ErrUserNotFound = apperr.New(apperr.NotFound, "user.not_found", "用户不存在")

// Store reads and writes users.
type Store struct{ db sqlx.ExtContext }

func NewStore(db sqlx.ExtContext) *Store { return &Store{db: db} }

const userColumns = `u.id, u.username, u.name, u.role, u.window_id, coalesce(w.code, '') AS window_code, u.qualified, u.active,
	u.email, u.mobile, u.organ_id`

const queryUserByID = `SELECT ` + userColumns + ` FROM users u LEFT JOIN windows w ON w.id = u.window_id WHERE u.id = $1`

func (s *Store) ByID(ctx context.Context, id int64) (*User, error) {
	var u User
	if err := sqlx.GetContext(ctx, s.db, &u, queryUserByID, id); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrUserNotFound
		}
		return nil, fmt.Errorf("auth: user %d: %w", id, err)
	}
	return &u, nil
}

const queryUsersByRole = `SELECT ` + userColumns + ` FROM users u LEFT JOIN windows w ON w.id = u.window_id
WHERE u.role = $1 AND u.active ORDER BY u.id`

// ByRole lists the active users of a role.
func (s *Store) ByRole(ctx context.Context, role Role) ([]User, error) {
	var us []User
	if err := sqlx.SelectContext(ctx, s.db, &us, queryUsersByRole, role); err != nil {
		return nil, fmt.Errorf("auth: users by role: %w", err)
	}
	return us, nil
}

const queryAllUsers = `SELECT ` + userColumns + ` FROM users u LEFT JOIN windows w ON w.id = u.window_id ORDER BY u.role, u.id`

func (s *Store) All(ctx context.Context) ([]User, error) {
	var us []User
	if err := sqlx.SelectContext(ctx, s.db, &us, queryAllUsers); err != nil {
		return nil, fmt.Errorf("auth: users: %w", err)
	}
	return us, nil
}

// NewUser is the input for creating a user.
type NewUser struct {
	Username   string
	Name       string
	Role       Role
	WindowCode string
	Qualified  bool
	Password   string
}

var usernameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{1,31}$`)

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// MaxPasswordBytes is bcrypt's limit: it reads only the first 72 bytes of a password (and the library
// refuses longer ones), so a longer password is refused when it is set — 24 Chinese characters or 72
// letters and digits.
const MaxPasswordBytes = 72

// CheckPassword says in Chinese what is wrong with a new password, or "" when it may be set. It is the one
// rule for every place a password is set (the admin pages, the API, the command line).
func CheckPassword(pw string) string {
	switch {
	case !utf8.ValidString(pw):
		return "密码不是有效的 UTF-8 文字"
	case utf8.RuneCountInString(pw) < MinPasswordLength:
		return fmt.Sprintf("密码至少%d位", MinPasswordLength)
	case len(pw) > MaxPasswordBytes:
		return fmt.Sprintf("密码过长：最多%d字节（英文字母、数字和符号每个1字节，汉字每个3字节），当前%d字节", MaxPasswordBytes, len(pw))
	}
	for _, r := range pw {
		if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 {
			return "密码不能包含控制字符"
		}
	}
	return ""
}

// checkName refuses what must never be in a person's name: control characters, direction overrides and
// invisible formatting characters (zero-width spaces, direction marks), which make one name look like
// another on screen and in documents.
func checkName(s string) string {
	if !utf8.ValidString(s) {
		return "不是有效的 UTF-8 文字"
	}
	for _, r := range s {
		switch {
		case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || r == '\u2028' || r == '\u2029' || r == utf8.RuneError:
			return "不能包含控制字符或无法识别的字符"
		case unicode.Is(unicode.Cf, r):
			return "不能包含改变文字方向的字符或零宽空格等不可见字符"
		}
	}
	return ""
}

// BcryptCost is the bcrypt work factor for new passwords.
var BcryptCost = bcrypt.DefaultCost

func (n NewUser) validate() error {
	f := apperr.Fields{}
	if !usernameRe.MatchString(n.Username) {
		f.Add("username", "用户名须为2–32位小写字母、数字、下划线、点或连字符，且以字母或数字开头")
	}
	if strings.TrimSpace(n.Name) == "" || utf8.RuneCountInString(n.Name) > 50 {
		f.Add("name", "姓名不能为空，且不超过50字")
	} else if msg := checkName(n.Name); msg != "" {
		f.Add("name", "姓名%s", msg)
	}
	if !n.Role.Valid() {
		f.Add("role", "%s", RoleEnum.Message("role"))
	}
	if n.Role == RoleWindow && n.WindowCode == "" {
		f.Add("window", "窗口人员须指定所属司法所代码")
	}
	if n.Role != RoleWindow && n.WindowCode != "" {
		f.Add("window", "只有窗口人员可以指定司法所")
	}
	if n.Qualified && n.Role != RoleOfficer && n.Role != RoleChief {
		f.Add("qualified", "只有办案人员或复议机构负责人可以标记为具备法律职业资格")
	}
	if msg := CheckPassword(n.Password); msg != "" {
		f.Add("password", "%s", msg)
	}
	return f.Err()
}

const insertUser = `WITH u AS (INSERT INTO users (username, name, role, window_id, qualified, password_hash)
VALUES ($1, $2, $3, (SELECT id FROM windows WHERE code = nullif($4, '')), $5, $6)
ON CONFLICT (username) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role, window_id = EXCLUDED.window_id,
	qualified = EXCLUDED.qualified, password_hash = EXCLUDED.password_hash, active = true
RETURNING id), ended AS (DELETE FROM sessions WHERE user_id IN (SELECT id FROM u))
SELECT id FROM u`

// Upsert creates the user or, when the username exists, updates it (used by `fuyi user add` and the demo
// seed); the password being set anew, an existing user's sessions end.
func (s *Store) Upsert(ctx context.Context, n NewUser) (int64, error) {
	defer changed() // cached sessions carry the user
	if err := n.validate(); err != nil {
		return 0, err
	}
	if n.Role == RoleWindow {
		var ok bool
		if err := sqlx.GetContext(ctx, s.db, &ok, queryWindowExists, n.WindowCode); err != nil {
			return 0, fmt.Errorf("auth: window %s: %w", n.WindowCode, err)
		}
		if !ok {
			return 0, apperr.Rule("user.window_unknown", "司法所代码 %s 不存在", n.WindowCode)
		}
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(n.Password), BcryptCost)
	if err != nil {
		return 0, fmt.Errorf("auth: hash: %w", err)
	}
	var id int64
	if err := sqlx.GetContext(ctx, s.db, &id, insertUser, n.Username, n.Name, n.Role, n.WindowCode, n.Qualified, string(hash)); err != nil {
		return 0, fmt.Errorf("auth: insert user: %w", err)
	}
	return id, nil
}

const insertNewUser = `INSERT INTO users (username, name, role, window_id, qualified, password_hash)
VALUES ($1, $2, $3, (SELECT id FROM windows WHERE code = nullif($4, '')), $5, $6)
ON CONFLICT (username) DO NOTHING
RETURNING id`

// ErrUserExists answers the creation of a username that is taken.
func ErrUserExists(username string) error {
	return apperr.State("user.exists", "用户名%s已存在", username)
}

// Create adds a new user and never touches an existing one: when the username is taken — also by a
// creation running at the same moment — it answers ErrUserExists (409) and changes nothing.
func (s *Store) Create(ctx context.Context, n NewUser) (int64, error) {
	if err := n.validate(); err != nil {
		return 0, err
	}
	if n.Role == RoleWindow {
		var ok bool
		if err := sqlx.GetContext(ctx, s.db, &ok, queryWindowExists, n.WindowCode); err != nil {
			return 0, fmt.Errorf("auth: window %s: %w", n.WindowCode, err)
		}
		if !ok {
			return 0, apperr.Rule("user.window_unknown", "司法所代码 %s 不存在", n.WindowCode)
		}
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(n.Password), BcryptCost)
	if err != nil {
		return 0, fmt.Errorf("auth: hash: %w", err)
	}
	var id int64
	err = sqlx.GetContext(ctx, s.db, &id, insertNewUser, n.Username, n.Name, n.Role, n.WindowCode, n.Qualified, string(hash))
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrUserExists(n.Username)
	}
	if err != nil {
		return 0, fmt.Errorf("auth: insert user: %w", err)
	}
	return id, nil
}

const queryWindowExists = `SELECT EXISTS (SELECT 1 FROM windows WHERE code = $1)`

const queryUsernameTaken = `SELECT EXISTS (SELECT 1 FROM users WHERE username = $1)`

// UsernameTaken reports whether a user with the username exists.
func (s *Store) UsernameTaken(ctx context.Context, username string) (bool, error) {
	var ok bool
	if err := sqlx.GetContext(ctx, s.db, &ok, queryUsernameTaken, username); err != nil {
		return false, fmt.Errorf("auth: username: %w", err)
	}
	return ok, nil
}

const queryUserByName = `SELECT ` + userColumns + ` FROM users u LEFT JOIN windows w ON w.id = u.window_id WHERE u.username = $1`

// ByUsername finds a user by login name.
func (s *Store) ByUsername(ctx context.Context, username string) (*User, error) {
	var u User
	if err := sqlx.GetContext(ctx, s.db, &u, queryUserByName, username); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrUserNotFound
		}
		return nil, fmt.Errorf("auth: user %s: %w", username, err)
	}
	return &u, nil
}

var emailRe = regexp.MustCompile(`^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$`)

// CheckEmail says what is wrong with an e-mail address ("" is allowed: no e-mail alerts).
func CheckEmail(s string) string {
	if s == "" {
		return ""
	}
	if len(s) > 254 || !emailRe.MatchString(s) {
		return "电子邮箱格式不正确（例如 zhang@example.gov.cn）"
	}
	return ""
}

var mobileRe = regexp.MustCompile(`^1[3-9][0-9]{9}$`)

// CheckMobile says what is wrong with a mobile number ("" is allowed): 11 digits starting 13–19.
func CheckMobile(s string) string {
	if s == "" || mobileRe.MatchString(s) {
		return ""
	}
	return "手机号码须为11位数字，以13至19开头"
}

// Contacts are a user's e-mail and mobile number.
type Contacts struct {
	Email  *string `json:"email"`
	Mobile *string `json:"mobile"`
}

const setUserContacts = `UPDATE users SET email = coalesce($2, email), mobile = coalesce($3, mobile) WHERE id = $1`

// SetContacts sets the e-mail and/or the mobile number (nil: unchanged, "": none).
func (s *Store) SetContacts(ctx context.Context, id int64, c Contacts) error {
	defer changed() // cached sessions carry the user
	f := apperr.Fields{}
	if c.Email != nil {
		*c.Email = strings.TrimSpace(*c.Email)
		if msg := CheckEmail(*c.Email); msg != "" {
			f.Add("email", "%s", msg)
		}
	}
	if c.Mobile != nil {
		*c.Mobile = strings.TrimSpace(*c.Mobile)
		if msg := CheckMobile(*c.Mobile); msg != "" {
			f.Add("mobile", "%s", msg)
		}
	}
	if err := f.Err(); err != nil {
		return err
	}
	return s.exec1(ctx, setUserContacts, id, c.Email, c.Mobile)
}

// setUserPassword sets the hash and ends the user's sessions but the one of $3 (NULL: all), in one statement.
const setUserPassword = `WITH u AS (UPDATE users SET password_hash = $2 WHERE id = $1 RETURNING id),
ended AS (DELETE FROM sessions WHERE user_id IN (SELECT id FROM u) AND token_hash IS DISTINCT FROM $3)
SELECT count(*) FROM u`

// SetPassword sets a new password (CheckPassword's rule) and ends every session of the user: after a reset
// whoever knew the old password, or holds a stolen session, is out.
func (s *Store) SetPassword(ctx context.Context, id int64, pw string) error {
	return s.setPassword(ctx, id, pw, "password", "")
}

// SetPasswordExcept is SetPassword keeping the session of keepToken ("": none kept).
func (s *Store) SetPasswordExcept(ctx context.Context, id int64, pw, keepToken string) error {
	return s.setPassword(ctx, id, pw, "password", keepToken)
}

// setPassword sets the password and ends the user's sessions except the one of keepToken ("" : all).
func (s *Store) setPassword(ctx context.Context, id int64, pw, field, keepToken string) error {
	defer changed() // cached sessions carry the user
	if msg := CheckPassword(pw); msg != "" {
		f := apperr.Fields{}
		f.Add(field, "%s", msg)
		return f.Err()
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(pw), BcryptCost)
	if err != nil {
		return fmt.Errorf("auth: hash: %w", err)
	}
	var keep any
	if keepToken != "" {
		keep = hashToken(keepToken)
	}
	var n int
	if err := sqlx.GetContext(ctx, s.db, &n, setUserPassword, id, string(hash), keep); err != nil {
		return fmt.Errorf("auth: set password: %w", err)
	}
	if n == 0 {
		return ErrUserNotFound
	}
	return nil
}

func (s *Store) exec1(ctx context.Context, q string, args ...any) error {
	res, err := s.db.ExecContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("auth: update user: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("auth: update user: %w", err)
	}
	if n == 0 {
		return ErrUserNotFound
	}
	return nil
}

// setUserActive: a change of state also drops the calendar feed token, so the feed link of a deactivated
// user stays dead after reactivation (a new one is made on first use).
const setUserActive = `UPDATE users SET active = $2, calendar_token = CASE WHEN active = $2 THEN calendar_token END WHERE id = $1`

// SetActive enables or disables a user; disabling ends the user's sessions at once, in one transaction, and
// any change of state ends the calendar feed link.
func SetActive(ctx context.Context, db *sqlx.DB, id int64, active bool) error {
	defer changed() // cached sessions carry the user
	return database.Tx(ctx, db, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, setUserActive, id, active)
		if err != nil {
			return fmt.Errorf("auth: set active: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("auth: set active: %w", err)
		}
		if n == 0 {
			return ErrUserNotFound
		}
		if !active {
			if _, err := tx.ExecContext(ctx, deleteUserSession, id); err != nil {
				return fmt.Errorf("auth: end sessions: %w", err)
			}
		}
		return nil
	})
}

// Statements lists the SQL of this package (checked against the schema by the statement test).
func Statements() []string {
	return []string{queryUserByID, queryUsersByRole, queryAllUsers, insertUser, insertNewUser, queryWindowExists, queryUsernameTaken,
		setUserActive, queryRoleNow, countOpenTeams, countOtherActiveChiefs, setUserRole, queryUserByName, setUserContacts, setUserPassword, countFailures, queryLogin, insertAttempt, insertSession, deleteSession, deleteUserSession,
		purgeSessions, purgeAttempts, querySession}
}
