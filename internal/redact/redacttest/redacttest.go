// Package redacttest holds the personal data spellings that the privacy tests publish and then look for:
// the redaction unit tests and the end-to-end publication test share them.
package redacttest

import (
	"strings"
	"unicode"
)

// The parties of the fixture case.
const (
	Applicant      = "欧阳娜娜" // 复姓, given name 娜娜
	ApplicantID    = "320113198512124567"
	ApplicantAddr  = "江苏省南京市栖霞区尧化街道金尧路88号"
	Agent          = "司马光明"
	Third          = "南京棠梨贸易有限公司"
	ThirdCode      = "91320113MA1W2X3Y4Y"
	ThirdRep       = "上官婉清"
	Agency         = "南京市栖霞区市场监督管理局"
	AgencyRep      = "刘建国"
	Witness        = "王小明" // named only in the facts
	Neighbour      = "赵德胜" // named only in the facts
	NeighbourTitle = "李大爷"
)

// Spelling is one way people write a piece of personal data in a decision.
type Spelling struct {
	Class    string   // what it is, e.g. "身份证号，空格分组"
	Sentence string   // a sentence of the decision carrying it
	Secrets  []string // what must not survive anywhere (compared after Fold)
	Category string   // the redaction category expected (redact.Category), "" for names found by review
}

// Spellings are the personal data the fixture decision carries (at least thirty).
var Spellings = []Spelling{
	{"身份证号，空格分组", "申请人另提交的身份证复印件显示号码为320113 19851212 4567。", []string{"320113198512124567", "19851212"}, "id_number"},
	{"身份证号，全角数字", "委托书载明委托人身份证号码３２０１１３１９９００１０１１２３１。", []string{"320113199001011231"}, "id_number"},
	{"身份证号，小写x", "第三人法定代表人的证件号码为11010519491231002x。", []string{"11010519491231002X"}, "id_number"},
	{"身份证号，15位旧号码", "申请人早年使用的旧身份证号码为320113851212400。", []string{"320113851212400"}, "id_number"},
	{"身份证号，跨行", "证人王小明的身份号码为3201021978\n0615002X，与其陈述一致。", []string{"32010219780615002X"}, "id_number"},
	{"手机号，全角数字", "申请人于当日拨打１３９１２３４５６７８反映情况。", []string{"13912345678"}, "phone"},
	{"手机号，点分隔", "投诉单记载的联系电话为139.1234.5679。", []string{"13912345679"}, "phone"},
	{"手机号，汉字数字", "申请人在信中写明：请打一三九一二三四五六八零与我联系。", []string{"13912345680", "一三九一二三四五六八零"}, "phone"},
	{"手机号，标签加空格", "手机：139 1234 5681。", []string{"13912345681"}, "phone"},
	{"手机号，+86", "境外来电显示为+86 138 0013 8000。", []string{"13800138000"}, "phone"},
	{"手机号，0086", "另一号码为0086-13700137000。", []string{"13700137000"}, "phone"},
	{"手机号，连字符", "邻居赵德胜的电话是136-0013-6000。", []string{"13600136000"}, "phone"},
	{"固定电话，空格", "申请人家中座机025 8333 1234。", []string{"02583331234", "83331234"}, "phone"},
	{"固定电话，括号区号", "第三人办公电话（025）8333-1235。", []string{"02583331235", "83331235"}, "phone"},
	{"固定电话，分机", "第三人客服电话025-83331236-801。", []string{"83331236"}, "phone"},
	{"银行卡号，空格分组（Luhn）", "罚款退还至6222 0212 3456 7890 128。", []string{"6222021234567890128"}, "bank_account"},
	{"银行账号，标签", "第三人开户账号：6217 0000 1234 5670。", []string{"6217000012345670"}, "bank_account"},
	{"电子邮箱，全角＠", "申请人电子邮箱nana.ouyang＠example.com。", []string{"nana.ouyang@example.com", "nana.ouyang"}, "email"},
	{"电子邮箱，全角字母", "代理人另留邮箱ｓｉｍａ＠１６３．ｃｏｍ。", []string{"sima@163.com"}, "email"},
	{"QQ号，ASCII", "申请人通过QQ: 12345678与第三人联系。", []string{"12345678"}, "social_account"},
	{"QQ号，全角", "第三人客服QQ号：８７６５４３２１。", []string{"87654321"}, "social_account"},
	{"微信号", "双方通过微信：abc_123沟通。", []string{"abc_123", "abc123"}, "social_account"},
	{"微信号，带连字符", "申请人微信号 nana-1985 亦有记录。", []string{"nana-1985"}, "social_account"},
	{"车牌，间隔号", "涉案车辆苏A·12345停放于路边。", []string{"苏A12345", "A12345"}, "plate"},
	{"车牌，空格", "另一车辆苏A 54321亦被查扣。", []string{"苏A54321", "A54321"}, "plate"},
	{"车牌，新能源", "第三人名下车辆苏AD12345。", []string{"苏AD12345", "AD12345"}, "plate"},
	{"不动产权证号", "涉案房屋不动产权证号：苏（2020）南京市不动产权第0012345号。", []string{"0012345"}, "property"},
	{"统一社会信用代码，全角", "第三人（统一社会信用代码９１３２０１１３ＭＡ１Ｗ２Ｘ３Ｙ４Ｙ）系涉案商品销售者。", []string{ThirdCode}, "credit_code"},
	{"信用代码紧随企业名称", "南京棠梨贸易有限公司，统一社会信用代码91320113MA1W2X3Y4Y，于2024年开业。", []string{ThirdCode, "棠梨"}, "org"},
	{"姓名，名字单独出现", "娜娜称其于2025年9月购买涉案商品。", []string{"娜娜"}, "person"},
	{"姓名，中间有空格", "欧阳 娜娜于同日提交了补充材料。", []string{"欧阳娜娜", "娜娜"}, "person"},
	{"姓名，引号内", "收据上签名为“欧阳娜娜”。", []string{"欧阳娜娜"}, "person"},
	{"姓名，姓加称谓", "工作人员称欧阳女士当日情绪激动。", []string{"欧阳女士"}, "person"},
	{"复姓，司马", "委托代理人司马光明到场。", []string{"司马光明", "光明到"}, "person"},
	{"复姓，上官，法定代表人", "上官婉清表示对处罚无异议，婉清另称已整改。", []string{"上官婉清", "婉清"}, "person"},
	{"证人，仅见于事实部分", "证人王小明称，其看到第三人的店员更换了标签。", []string{"王小明"}, ""},
	{"邻居，仅见于事实部分", "申请人的邻居赵德胜证实了上述情况。", []string{"赵德胜"}, ""},
	{"邻居，姓加称谓", "邻居李大爷亦作了说明。", []string{"李大爷"}, "person"},
	{"住址，无住/位于", "检查人员在百水芊城12栋门口查获涉案商品。", []string{"百水芊城", "12栋"}, "address"},
	{"住址，小区楼栋单元", "涉案仓库设在棠梨小区3幢2单元501室。", []string{"棠梨小区", "501室"}, "address"},
	{"住址，住+街道门牌", "第三人另一经营场所住南京市栖霞区仙林街道文苑路9号。", []string{"文苑路9号", "仙林街道"}, "address"},
	{"出生日期，汉字数字", "申请人一九八五年十二月十二日出生，自述经营多年。", []string{"一九八五年十二月十二日"}, "birth_date"},
}

// Kept are texts that must stay: dates, 文号, article numbers, amounts, the agency and its legal
// representative, already anonymised names.
var Kept = []string{"2025年10月1日", "栖市监罚〔2025〕345号", "第六十八条", "3000元", Agency, AgencyRep, "张某", "（2024）苏0113行初123号",
	"12000000元", "2025.10.01"}

// KeptSentence carries the Kept texts.
const KeptSentence = "被申请人南京市栖霞区市场监督管理局（法定代表人刘建国）于2025年10月1日作出栖市监罚〔2025〕345号行政处罚决定，" +
	"依据《中华人民共和国行政复议法》第六十八条，罚款3000元。另案（2024）苏0113行初123号中，张某被处以罚款12000000元，缴款日期2025.10.01。"

// Body is a decision text (the facts) carrying every spelling and the kept sentence.
func Body() string {
	var b strings.Builder
	b.WriteString(KeptSentence + "\n")
	for i, s := range Spellings {
		b.WriteString(s.Sentence)
		if i%4 == 3 {
			b.WriteString("\n")
		}
	}
	return b.String()
}

// Fold is how the tests compare: full-width forms made ASCII, upper case, and whitespace and the
// separators people put between digits removed. It does not read Chinese digits (Secrets list them as
// written where they matter).
func Fold(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case unicode.IsSpace(r):
			return -1
		}
		switch r {
		case '.', '·', '-', '(', ')', '_', '•':
			return -1
		}
		return unicode.ToUpper(r)
	}, s)
}

// Survivors lists the secrets found in out (after Fold on both sides).
func Survivors(out string) []string {
	f := Fold(out)
	var left []string
	for _, s := range Spellings {
		for _, secret := range s.Secrets {
			if strings.Contains(f, Fold(secret)) {
				left = append(left, s.Class+": "+secret)
			}
		}
	}
	return left
}
