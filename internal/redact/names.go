package redact

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

var compoundSurnames = []string{"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
	"夏侯", "令狐", "澹台", "端木", "南宫", "西门", "独孤", "轩辕", "呼延", "申屠", "太史", "万俟", "闻人", "东郭", "百里", "钟离"}

// commonSurnames: the frequent single-character surnames (about nine in ten people carry one of them).
const commonSurnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥班储栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻厉伊仝郜阚花权帅屠豆朴盖练廉禹井祖漆巴丰支卿狄计索宣晋初扈晁芮阙浦戈伏鹿薄邸雍辜羊裘亓修邰赫杭况宿鲜逯隆茹诸慕危湛宾戎勾茅"

// ambiguousSurnames also begin so many ordinary words (于是, 方式, 成立 …) that a bare occurrence is not shown
// for review; surname + 称谓 (于女士) and the parties' names are still found.
const ambiguousSurnames = "付仲祖宣于和由都来相国平门但信元展公那区海花强原明全应时司车连成文安向常利居干斯初计支容敬普宿印战富智幸奉位满闻乐商师边宗费党宫简古吉农阳解房管路曲单纪符尚包关申项蒙华游冷米卫席景沙官封谈池查麻班惠高方石金白江田龙万严段康易齐宁兰左甘盛谷艾牛毛丰巴井计伏鹿危宾羊杭况隆诸修索盘满练盖豆权花漆禹"

// honorifics after a surname name a person (王女士, 李大爷).
var honorifics = []string{"老太太", "女士", "先生", "小姐", "大爷", "大妈", "大娘", "大婶", "大叔", "大伯", "大哥", "大姐", "阿姨",
	"老汉", "老太", "奶奶", "爷爷", "婆婆", "师傅", "老板", "夫妇", "同学"}

// surnameOf splits the surname (a 复姓 when it starts with one).
func surnameOf(name string) string {
	for _, c := range compoundSurnames {
		if strings.HasPrefix(name, c) && utf8.RuneCountInString(name) > 2 {
			return c
		}
	}
	r, n := utf8.DecodeRuneInString(name)
	if r == utf8.RuneError {
		return ""
	}
	return name[:n]
}

// PersonAlias is surname + 某 (two-character names) or surname + 某某 (longer names).
func PersonAlias(name string) string {
	name = squeeze(name)
	if name == "" {
		return "某某"
	}
	surname := surnameOf(name)
	if utf8.RuneCountInString(name)-utf8.RuneCountInString(surname) <= 1 {
		return surname + "某"
	}
	return surname + "某某"
}

// squeeze removes the spaces inside a name as typed (欧阳 娜娜 → 欧阳娜娜).
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// loose matches a name with any spaces or a line break between its characters.
func loose(name string) *regexp.Regexp {
	var parts []string
	for _, r := range squeeze(name) {
		parts = append(parts, regexp.QuoteMeta(string(r)))
	}
	return regexp.MustCompile(strings.Join(parts, `[\s\x{3000}]{0,3}`))
}

// givenNameStop are given names too common as words to replace alone (a person called 张国家).
var givenNameStop = map[string]bool{"国家": true, "人民": true, "政府": true, "行政": true, "社会": true, "公司": true, "法律": true,
	"规定": true, "中国": true, "中华": true, "建设": true, "发展": true, "管理": true, "安全": true, "平安": true, "文明": true,
	"和平": true, "自由": true, "公平": true, "正义": true, "法治": true, "经济": true, "市场": true, "决定": true, "申请": true}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// personMatches finds a natural person of the case: the full name (with inner spaces), the given name
// alone when it has two characters or more, and surname + 称谓; each becomes the person's alias.
func personMatches(text, name string, cat Category) []match {
	name = squeeze(name)
	if utf8.RuneCountInString(name) < 2 {
		return nil
	}
	alias := PersonAlias(name)
	var out []match
	for _, m := range loose(name).FindAllStringIndex(text, -1) {
		out = append(out, match{start: m[0], end: m[1], cat: cat, repl: alias})
	}
	surname := surnameOf(name)
	given := strings.TrimPrefix(name, surname)
	if utf8.RuneCountInString(given) >= 2 && !givenNameStop[given] {
		for _, m := range loose(given).FindAllStringIndex(text, -1) {
			out = append(out, match{start: m[0], end: m[1], cat: cat, repl: alias})
		}
	}
	return out
}

var honorificRe = func() *regexp.Regexp {
	sn := append([]string(nil), compoundSurnames...)
	for _, r := range commonSurnames {
		sn = append(sn, string(r))
	}
	return regexp.MustCompile(`(` + strings.Join(sn, "|") + `)[\s\x{3000}]{0,2}(?:` + strings.Join(honorifics, "|") + `)`)
}()

// honorificMatches: surname + 称谓 of anyone (王女士 → 王某; 欧阳女士 → 欧阳某某 when the party 欧阳娜娜 is
// the only person of the case with that surname): it says no more than the alias, less the sex.
func honorificMatches(text string, persons []string) []match {
	aliases := map[string][]string{}
	for _, p := range persons {
		if p = squeeze(p); utf8.RuneCountInString(p) >= 2 {
			aliases[surnameOf(p)] = append(aliases[surnameOf(p)], PersonAlias(p))
		}
	}
	var out []match
	for _, m := range honorificRe.FindAllStringSubmatchIndex(text, -1) {
		surname := text[m[2]:m[3]]
		repl := surname + "某"
		if a := aliases[surname]; len(a) == 1 {
			repl = a[0]
		}
		out = append(out, match{start: m[0], end: m[1], cat: Person, repl: repl})
	}
	return out
}
