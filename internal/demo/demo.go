// Package demo creates the demo organisation of API.md: windows, users, agencies and the organ settings.
// It is idempotent: running it again changes nothing that exists.
package demo

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/auth"
)

// Password of every demo user.
const Password = "fuyi-demo-2025"

// Users of the demo organisation.
var Users = []auth.NewUser{
	{Username: "window1", Name: "王窗口", Role: auth.RoleWindow, WindowCode: "SFS01"},
	{Username: "window2", Name: "李窗口", Role: auth.RoleWindow, WindowCode: "SFS02"},
	{Username: "officer1", Name: "赵明", Role: auth.RoleOfficer, Qualified: true},
	{Username: "officer2", Name: "钱丽", Role: auth.RoleOfficer, Qualified: true},
	{Username: "officer3", Name: "孙强", Role: auth.RoleOfficer, Qualified: true},
	{Username: "officer4", Name: "周敏", Role: auth.RoleOfficer, Qualified: true},
	{Username: "officer5", Name: "吴刚", Role: auth.RoleOfficer, Qualified: true},
	{Username: "clerk1", Name: "郑书记", Role: auth.RoleOfficer, Qualified: false},
	{Username: "chief1", Name: "陈主任", Role: auth.RoleChief, Qualified: true},
	{Username: "bureau1", Name: "林局长", Role: auth.RoleBureau},
}

const seedOrg = `
UPDATE organ SET name = '南京市栖霞区人民政府', office_name = '南京市栖霞区司法局', doc_prefix = '栖政复',
	court_name = '南京市栖霞区人民法院', address = '南京市栖霞区某某路1号', phone = '025-85550000'
WHERE id = 1 AND doc_prefix = '某政复';

INSERT INTO windows (code, name, address, phone) VALUES
	('SFS01', '尧化街道司法所', '南京市栖霞区尧化街道办事处一楼', '025-85551001'),
	('SFS02', '马群街道司法所', '南京市栖霞区马群街道办事处一楼', '025-85551002')
ON CONFLICT (code) DO NOTHING;

INSERT INTO agencies (name, category, level, legal_rep, address) VALUES
	('南京市栖霞区市场监督管理局', '市场监管', '县级部门', '刘建国', '南京市栖霞区某某路2号'),
	('南京市公安局栖霞分局', '公安', '县级部门', '张卫东', '南京市栖霞区某某路3号'),
	('南京市栖霞区人力资源和社会保障局', '人社', '县级部门', '何芳', '南京市栖霞区某某路4号'),
	('南京市规划和自然资源局栖霞分局', '自然资源', '县级部门', '马骏', '南京市栖霞区某某路5号'),
	('南京市栖霞区城市管理综合行政执法局', '城管/综合执法', '县级部门', '高远', '南京市栖霞区某某路6号'),
	('南京市栖霞区尧化街道办事处', '乡镇(街道)', '乡镇', '徐静', '南京市栖霞区尧化街道'),
	('南京市栖霞区住房和城乡建设局', '住建', '县级部门', '邓伟', '南京市栖霞区某某路7号'),
	('南京市栖霞区卫生健康委员会', '卫生健康', '县级部门', '罗红', '南京市栖霞区某某路8号')
ON CONFLICT (name) DO NOTHING;

UPDATE agencies a SET legal_rep_title = t.title FROM (VALUES
	('南京市栖霞区市场监督管理局', '局长'), ('南京市公安局栖霞分局', '局长'), ('南京市栖霞区人力资源和社会保障局', '局长'),
	('南京市规划和自然资源局栖霞分局', '局长'), ('南京市栖霞区城市管理综合行政执法局', '局长'), ('南京市栖霞区尧化街道办事处', '主任'),
	('南京市栖霞区住房和城乡建设局', '局长'), ('南京市栖霞区卫生健康委员会', '主任')) AS t (name, title)
WHERE a.name = t.name AND a.legal_rep_title = '';

-- 上一级主管部门 (复议法第79条第2款: the 抄告 of decisions against these departments); a 街道办事处 has none
INSERT INTO agencies (name, category, level, legal_rep, legal_rep_title, address) VALUES
	('南京市市场监督管理局', '市场监管', '市级部门', '周明', '局长', '南京市某某路10号'),
	('南京市人力资源和社会保障局', '人社', '市级部门', '王丽', '局长', '南京市某某路11号')
ON CONFLICT (name) DO NOTHING;
UPDATE agencies a SET superior_id = s.id FROM (VALUES
	('南京市栖霞区市场监督管理局', '南京市市场监督管理局'), ('南京市栖霞区人力资源和社会保障局', '南京市人力资源和社会保障局')) AS t (name, superior)
	JOIN agencies s ON s.name = t.superior
WHERE a.name = t.name AND a.superior_id IS NULL;
`

// Seed creates the demo organisation. Existing users keep their passwords.
func Seed(ctx context.Context, db *sqlx.DB) error {
	if _, err := db.ExecContext(ctx, seedOrg); err != nil {
		return fmt.Errorf("demo: organisation: %w", err)
	}
	st := auth.NewStore(db)
	for _, u := range Users {
		var exists bool
		if err := db.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM users WHERE username = $1)`, u.Username); err != nil {
			return err
		}
		if exists {
			continue
		}
		u.Password = Password
		if _, err := st.Upsert(ctx, u); err != nil {
			return fmt.Errorf("demo: user %s: %w", u.Username, err)
		}
	}
	return nil
}
