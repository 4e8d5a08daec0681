package redact

import (
	"strings"
	"testing"
)

func TestAliases(t *testing.T) {
	cases := map[string]string{"张三": "张某", "陈小明": "陈某某", "欧阳修": "欧阳某", "欧阳小明": "欧阳某某", "王": "王某"}
	for in, want := range cases {
		if got := PersonAlias(in); got != want {
			t.Errorf("%s → %s, want %s", in, got, want)
		}
	}
	if OrgAlias("南京某某贸易有限公司") != "某某公司" || OrgAlias("栖霞红星食品厂") != "某某厂" {
		t.Fatal("org alias")
	}
}

func TestCountyPrefix(t *testing.T) {
	cases := map[string]string{
		"重庆市忠县忠州镇某某路12号":       "重庆市忠县",
		"南京市栖霞区尧化街道某路1号":       "南京市栖霞区",
		"江苏省南京市栖霞区仙林大道163号":    "江苏省南京市栖霞区",
		"北京市朝阳区建国路88号3幢1201室":  "北京市朝阳区",
		"新疆维吾尔自治区乌鲁木齐市天山区某路1号": "新疆维吾尔自治区乌鲁木齐市天山区",
		"江苏省江阴市澄江街道某路1号":       "江苏省江阴市",
		"和平路12号": "",
	}
	for in, want := range cases {
		if got := CountyPrefix(in); got != want {
			t.Errorf("%s → %q, want %q", in, got, want)
		}
	}
}

// DOMAIN.md §10: every category found anywhere in the text, agencies and 文号 kept.
func TestApply(t *testing.T) {
	in := Input{
		Persons:   []string{"张三", "李四", "王小二"},
		Orgs:      []string{"南京某某贸易有限公司"},
		Addresses: []string{"重庆市忠县忠州镇某某路12号"},
		Manual:    []Term{{Text: "赵证人", Kind: "person"}},
		Keep:      []string{"南京市栖霞区市场监督管理局", "刘建国", "南京市栖霞区人民政府", "南京市栖霞区某某路2号"},
	}
	text := "申请人张三，男，公民身份号码11010519491231002X，住重庆市忠县忠州镇某某路12号，电话13800138000，邮箱zhangsan@example.com。" +
		"委托代理人李四。第三人南京某某贸易有限公司，法定代表人王小二，开户账号6222021234567890123，车辆苏A12345，不动产权证书苏（2020）南京市不动产权第0012345号。" +
		"被申请人南京市栖霞区市场监督管理局，住所南京市栖霞区某某路2号，法定代表人刘建国，作出栖市监罚〔2025〕345号决定，电话025-83331234。证人赵证人称其住在和平路12号。张三于2025年8月1日签收。"
	out, spans := Apply(text, in)
	for _, secret := range []string{"张三", "李四", "王小二", "11010519491231002X", "忠州镇", "13800138000", "zhangsan@example.com",
		"南京某某贸易有限公司", "6222021234567890123", "苏A12345", "0012345", "025-83331234", "赵证人", "和平路12号"} {
		if strings.Contains(out, secret) {
			t.Errorf("%q survives: %s", secret, out)
		}
	}
	for _, kept := range []string{"张某", "李某", "王某某", "住重庆市忠县，", "某某公司", "南京市栖霞区市场监督管理局", "刘建国", "住所南京市栖霞区某某路2号", "栖市监罚〔2025〕345号", "2025年8月1日", "赵某某"} {
		if !strings.Contains(out, kept) {
			t.Errorf("%q missing: %s", kept, out)
		}
	}
	for _, s := range spans {
		if out[s.Start:s.End] != s.Replacement {
			t.Fatalf("span %+v does not point at its replacement", s)
		}
	}
}
