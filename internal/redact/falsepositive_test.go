package redact

import (
	"os"
	"strings"
	"testing"
)

// DOMAIN §10 keeps the agencies, their legal representatives, 文号, dates and the reasoning: none of these
// is replaced nor offered for review.
func TestKeptAsWritten(t *testing.T) {
	in := Input{Keep: []string{"南京市栖霞区市场监督管理局", "刘建国"}}
	for _, text := range []string{
		"2025年10月1日", "二〇二五年十月一日", "2025.10.01", "2025-10-01", "20251001",
		"栖市监罚〔2025〕345号", "栖政复决〔2025〕12号", "（2024）苏0113行初123号",
		"依据《中华人民共和国行政复议法》第六十八条", "第68条第一款", "第三百四十五条",
		"罚款3000元", "罚款人民币12000000元", "货值金额共计1 200 000元", "￥1234567", "面积123.45平方米",
		"被申请人南京市栖霞区市场监督管理局", "法定代表人刘建国", "法定代表人：刘建国。",
		"张某于当日签收", "张某某、李某称", "某某公司", "×××",
		"邮政编码210046", "14:30至16:00", "共计3人", "第1、2、3项",
		"《食品安全国家标准 预包装食品标签通则》（GB 7718-2011）",
		"经查，申请人陈述的情况属实", "申请人主张被申请人程序违法", "关于申请人提出的意见", "于是申请人向本机关申请",
	} {
		r := Redact(text, in)
		if r.Text != text || len(r.Candidates) > 0 {
			t.Errorf("%q → %q, candidates %+v", text, r.Text, r.Candidates)
		}
	}
}

// A realistic decision without personal data comes out unchanged and with nothing to review.
func TestPlainDecisionUnchanged(t *testing.T) {
	b, err := os.ReadFile("testdata/plain_decision.txt")
	if err != nil {
		t.Fatal(err)
	}
	r := Redact(string(b), Input{Keep: []string{"南京市栖霞区市场监督管理局", "刘建国", "南京市栖霞区尧佳路2号"}})
	if r.Text != string(b) || len(r.Candidates) > 0 {
		t.Errorf("changed: %+v %+v", r.Replacements, r.Candidates)
	}
}

// Text already anonymised is not processed again: redacting the output changes nothing.
func TestIdempotent(t *testing.T) {
	in := fixtureInput()
	first, _ := Apply("申请人张某、欧阳娜娜，女，1985年12月12日出生，电话139 1234 5678，住百水芊城12栋。证人王小明称。", in)
	second, spans := Apply(first, in)
	if second != first || len(spans) > 0 {
		t.Errorf("%q → %q (%+v)", first, second, spans)
	}
	if !strings.Contains(first, "张某、欧阳某某") {
		t.Errorf("张某 processed again: %q", first)
	}
}

// Names that only the reviewer can judge: open until decided, kept ones stay in the text, confirmed ones go
// (given name alone too), and a kept agency official never shows up.
func TestCandidatesAndDecisions(t *testing.T) {
	text := "执法人员刘建国、李强到场。证人王小明称其与邻居赵德胜同行，小明另称不认识第三人。"
	in := Input{Keep: []string{"刘建国"}}
	r := Redact(text, in)
	var names []string
	for _, c := range r.Open() {
		names = append(names, c.Name)
	}
	if strings.Join(names, ",") != "李强,王小明,赵德胜" {
		t.Fatalf("open: %v", names)
	}
	if r.Text != text {
		t.Fatalf("Redact changed undecided names: %q", r.Text)
	}
	in.Decisions = []Decision{{Name: "李强", Redact: false}, {Name: "王小明", Redact: true}, {Name: "赵德胜", Redact: true}}
	r = Redact(text, in)
	if len(r.Open()) != 0 {
		t.Fatalf("still open: %+v", r.Open())
	}
	want := "执法人员刘建国、李强到场。证人王某某称其与邻居赵某某同行，王某某另称不认识第三人。"
	if r.Text != want {
		t.Errorf("got  %q\nwant %q", r.Text, want)
	}
	for _, c := range r.Candidates {
		if c.Context == "" || c.Count == 0 {
			t.Errorf("candidate without context: %+v", c)
		}
	}
}

// GB 11643-1999: an 18-digit number whose check digit is right is an identity number even when its birth
// date is mistyped (month 13); with a wrong check digit it is still removed, as a number.
func TestIDCheckDigit(t *testing.T) {
	for text, want := range map[string]Category{"号码320113198513124569。": IDNumber, "号码320113198513124560。": Number} {
		r := Redact(text, Input{})
		if len(r.Replacements) != 1 || r.Replacements[0].Category != want {
			t.Errorf("%s: %+v, want %s", text, r.Replacements, want)
		}
	}
}
