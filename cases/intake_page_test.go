package cases_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"fuyi/internal/testapp"
)

// The intake form's rows: applicants, agents and third parties as many as typed (indexes with gaps, as rows
// added and removed in the page leave them), blank rows left out, the respondent picked by name from the
// directory, dates typed as digits. After an error every row comes back as typed with its message beside
// it; the form's own buttons (without JavaScript) add and remove rows without registering anything.
func TestIntakePageRows(t *testing.T) {
	a := testapp.New(t, today)
	w := a.NewBrowserAs("window1")
	f := intakeForm()
	f.Del("respondent_agency_id")
	f.Set("respondent", "南京市公安局栖霞分局")
	f.Set("act.made_on", "20250801")
	f.Set("act.known_on", "2025.8.5")
	f.Set("received_on", "2025年9月26日")
	rows := url.Values{
		"applicants[3].kind": {"org"}, "applicants[3].name": {"南京某某贸易有限公司"}, "applicants[3].credit_code": {"91350100m000100y43"},
		"applicants[3].legal_rep": {"李四"}, "applicants[7].kind": {"person"}, // a blank row: left out
		"agents[2].agent_kind": {"lawyer"}, "agents[2].name": {"王律师"}, "agents[2].firm": {"江苏某律师事务所"},
		"agents[2].represents": {"third_parties[4]"}, "agents[5].represents": {"applicants[3]"},
		"agents[5].agent_kind": {"relative"}, "agents[5].name": {"张小三"},
		"third_parties[4].kind": {"person"}, "third_parties[4].name": {"赵六"}, "third_parties[4].id_number": {"440524188001010014"},
	}
	for k, v := range rows {
		f[k] = v
	}
	// an error: the lawyer's firm is missing; every row comes back, compacted, with the message beside it
	bad := url.Values{}
	for k, v := range f {
		bad[k] = v
	}
	bad.Set("agents[2].firm", "")
	bad.Set("act.matter", "")
	r := w.Post("/cases/new", bad)
	page := string(r.Body)
	if r.Status != 422 {
		t.Fatalf("refused intake: %d", r.Status)
	}
	for _, want := range []string{`name="applicants[1].name" value="南京某某贸易有限公司"`, `name="agents[0].name" value="王律师"`,
		`name="agents[1].name" value="张小三"`, `name="third_parties[0].name" value="赵六"`, `name="respondent" value="南京市公安局栖霞分局"`,
		`name="act.made_on" value="2025-08-01"`, `name="received_on" value="2025-09-26"`, "所在单位不能为空", "请选择申请事项",
		"性别：女　出生日期：1949年12月31日", `<option value="third_parties[0]" selected>第三人（一）赵六</option>`,
		`<option value="applicants[1]" selected>申请人（二）南京某某贸易有限公司</option>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the refused form lacks %s", want)
		}
	}
	if strings.Contains(page, `name="applicants[2].`) {
		t.Error("the blank applicant row came back")
	}
	// an agent of a row left out (blank) is refused beside its choice, not given to another party
	bad = url.Values{}
	for k, v := range f {
		bad[k] = v
	}
	bad.Set("agents[5].represents", "applicants[7]")
	if r := w.Post("/cases/new", bad); r.Status != 422 || !strings.Contains(string(r.Body), "代理人代理的申请人不存在") {
		t.Fatalf("agent of a blank row: %d", r.Status)
	}
	// a respondent not in the directory is named beside its field
	bad = url.Values{}
	for k, v := range f {
		bad[k] = v
	}
	bad.Set("respondent", "不存在的局")
	if r := w.Post("/cases/new", bad); r.Status != 422 || !strings.Contains(string(r.Body), "机关目录中没有“不存在的局”") {
		t.Fatalf("unknown respondent: %d", r.Status)
	}
	// the buttons of the form without JavaScript: add a row, remove one; nothing is registered
	add := url.Values{}
	for k, v := range f {
		add[k] = v
	}
	add.Set("add", "third_parties")
	r = w.Post("/cases/new", add)
	if p := string(r.Body); r.Status != 200 || !strings.Contains(p, `name="third_parties[1].name" value=""`) || !strings.Contains(p, `value="赵六"`) {
		t.Fatalf("add a row: %d", r.Status)
	}
	add.Del("add")
	add.Set("remove", "agents[2]")
	r = w.Post("/cases/new", add)
	if p := string(r.Body); r.Status != 200 || strings.Contains(p, "王律师") || !strings.Contains(p, `name="agents[0].name" value="张小三"`) {
		t.Fatalf("remove a row: %d", r.Status)
	}
	var n int
	if err := a.DB.Get(&n, `SELECT count(*) FROM cases`); err != nil || n != 0 {
		t.Fatalf("%d cases registered by the row buttons (%v)", n, err)
	}
	// the whole form: registered with every party
	r = w.Post("/cases/new", f)
	if r.Status != 303 {
		t.Fatalf("intake: %d %s", r.Status, r.Body)
	}
	id := regexp.MustCompile(`/cases/(\d+)/receipt`).FindStringSubmatch(r.Header.Get("Location"))[1]
	var got []string
	if err := a.DB.Select(&got, `SELECT role || ':' || position || ':' || name || ':' || credit_code || ':' || sex || ':' || represents FROM case_parties WHERE case_id = $1 ORDER BY role, position`, id); err != nil {
		t.Fatal(err)
	}
	want := "agent:0:王律师:::third_parties[0]|agent:1:张小三:::applicants[1]|applicant:0:张三::女:|applicant:1:南京某某贸易有限公司:91350100M000100Y43::|third_party:0:赵六::男:"
	if strings.Join(got, "|") != want {
		t.Fatalf("stored parties:\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}
	var agency int
	var made string
	if err := a.DB.QueryRow(`SELECT respondent_agency_id, act_made_on::text FROM cases WHERE id = $1`, id).Scan(&agency, &made); err != nil {
		t.Fatal(err)
	}
	var police int
	if err := a.DB.Get(&police, `SELECT id FROM agencies WHERE name = '南京市公安局栖霞分局'`); err != nil || agency != police || made != "2025-08-01" {
		t.Fatalf("respondent %d (want %d), made on %s (%v)", agency, police, made, err)
	}
}
