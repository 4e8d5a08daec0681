// Package demo creates the demo organisation of API.md: two 复议机关 (南京市栖霞区人民政府 and 南京市人民政府,
// whose 司法局 supervises the district's statistics), their windows, users, agencies and settings.
// It is idempotent: running it again changes nothing that exists.
package demo

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/auth"
	"fuyi/internal/database"
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

// SecondUsers are the users of the second organ (南京市人民政府, 宁政复); city1 is the supervising 统计 role of
// 南京市司法局, which reads the statistics of both organs.
var SecondUsers = []auth.NewUser{
	{Username: "window3", Name: "冯窗口", Role: auth.RoleWindow, WindowCode: "SFS11"},
	{Username: "officer11", Name: "蒋文", Role: auth.RoleOfficer, Qualified: true},
	{Username: "officer12", Name: "沈洁", Role: auth.RoleOfficer, Qualified: true},
	{Username: "officer13", Name: "韩磊", Role: auth.RoleOfficer, Qualified: true},
	{Username: "chief2", Name: "杨主任", Role: auth.RoleChief, Qualified: true},
	{Username: "bureau2", Name: "朱局长", Role: auth.RoleBureau},
	{Username: "city1", Name: "秦统计", Role: auth.RoleSupervisor},
}

// Organ codes of the two demo organs (the public site's sections: /decisions?organ=nanjing).
const (
	FirstOrgan  = "qixia"
	SecondOrgan = "nanjing"
)

const seedOrg = `
UPDATE organ SET name = '南京市栖霞区人民政府', office_name = '南京市栖霞区司法局', doc_prefix = '栖政复',
	court_name = '南京市栖霞区人民法院', address = '南京市栖霞区某某路1号', phone = '025-85550000'
WHERE id = 1 AND doc_prefix = '某政复';
UPDATE organ SET code = 'qixia' WHERE id = 1 AND code = 'organ1';

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

// seedSecondOrgan: the city's organ, supervising the district's; the two 市级部门 above the district's
// departments become entries shared by both organs' directories (the city's respondents too).
const seedSecondOrgan = `
INSERT INTO organ (code, name, office_name, doc_prefix, court_name, address, phone)
VALUES ('nanjing', '南京市人民政府', '南京市司法局', '宁政复', '南京市中级人民法院', '南京市玄武区北京东路41号', '025-83630000')
ON CONFLICT (code) DO NOTHING;
UPDATE organ SET supervisor_id = (SELECT id FROM organ WHERE code = 'nanjing') WHERE code = 'qixia' AND supervisor_id IS NULL;
UPDATE agencies SET organ_id = NULL WHERE name IN ('南京市市场监督管理局', '南京市人力资源和社会保障局');
`

// seedSecondDirectory runs bound to the second organ: its window and its own respondents.
const seedSecondDirectory = `
INSERT INTO windows (code, name, address, phone) VALUES
	('SFS11', '玄武区梅园新村街道司法所', '南京市玄武区梅园新村街道办事处一楼', '025-84401011')
ON CONFLICT (code) DO NOTHING;

INSERT INTO agencies (name, category, level, legal_rep, legal_rep_title, address) VALUES
	('南京市公安局', '公安', '市级部门', '韩冰', '局长', '南京市秦淮区某某路20号'),
	('南京市规划和自然资源局', '自然资源', '市级部门', '孔岩', '局长', '南京市建邺区某某路21号'),
	('南京市城市管理局', '城管/综合执法', '市级部门', '曹阳', '局长', '南京市鼓楼区某某路22号'),
	('南京市住房保障和房产局', '住建', '市级部门', '吕青', '局长', '南京市秦淮区某某路23号'),
	('南京市生态环境局', '生态环境', '市级部门', '魏然', '局长', '南京市建邺区某某路24号'),
	('南京市交通运输局', '交通运输', '市级部门', '许诺', '局长', '南京市鼓楼区某某路25号')
ON CONFLICT (name) DO NOTHING;
`

// Seed creates the demo organisation. Existing users keep their passwords.
func Seed(ctx context.Context, db *sqlx.DB) error {
	ctx = database.System(ctx)
	// the organ of the migrations (id 1) becomes the district's
	if _, err := db.ExecContext(database.WithOrgan(ctx, 1), seedOrg); err != nil {
		return fmt.Errorf("demo: organisation: %w", err)
	}
	if _, err := db.ExecContext(ctx, seedSecondOrgan); err != nil {
		return fmt.Errorf("demo: second organ: %w", err)
	}
	var first, second int
	if err := db.GetContext(ctx, &first, `SELECT id FROM organ WHERE code = $1`, FirstOrgan); err != nil {
		return fmt.Errorf("demo: first organ: %w", err)
	}
	if err := db.GetContext(ctx, &second, `SELECT id FROM organ WHERE code = $1`, SecondOrgan); err != nil {
		return fmt.Errorf("demo: second organ: %w", err)
	}
	if _, err := db.ExecContext(database.WithOrgan(ctx, second), seedSecondDirectory); err != nil {
		return fmt.Errorf("demo: second organ's directory: %w", err)
	}
	if err := seedUsers(database.WithOrgan(ctx, first), db, Users); err != nil {
		return err
	}
	return seedUsers(database.WithOrgan(ctx, second), db, SecondUsers)
}

// seedUsers creates the users that do not exist yet, in the organ ctx is bound to.
func seedUsers(ctx context.Context, db *sqlx.DB, users []auth.NewUser) error {
	st := auth.NewStore(db)
	for _, u := range users {
		var exists bool
		// in every organ: a username is the installation's
		if err := db.GetContext(database.System(ctx), &exists, `SELECT EXISTS (SELECT 1 FROM users WHERE username = $1)`, u.Username); err != nil {
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
