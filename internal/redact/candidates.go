package redact

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// Candidates are the person-like names left in a text after the known ones were replaced: a common surname
// (or 复姓) followed by one or two characters, standing where a name stands — after a word such as 证人,
// 邻居, 与, 由 or a punctuation mark, and before 称, 说, 于, 的, a punctuation mark and the like. Agencies,
// officials and anything in the keep list are not candidates, and neither are the ordinary words in
// notNames. The reviewer confirms (redact) or keeps each one; a publication waits until none is left open.

// leftContext may stand right before a name.
var leftContext = []string{"人", "居", "友", "事", "子", "夫", "妻", "女", "父", "母", "兄", "弟", "姐", "妹", "哥", "嫂", "叔", "姨",
	"舅", "叫", "即", "与", "和", "及", "或", "称", "由", "向", "被", "让", "给", "将", "经", "见", "同", "找", "问", "知",
	"托", "请", "系", "是", "为", "、", "的", "名", "员", "者", "据"}

// rightContext may follow a name.
var rightContext = []string{"称", "说", "讲", "表示", "证实", "证明", "陈述", "作证", "认为", "承认", "反映", "提出", "提交", "提供",
	"出具", "签", "到", "在", "于", "是", "系", "的", "等", "与", "和", "及", "向", "将", "因", "为", "所", "曾", "已", "也", "均",
	"亦", "则", "并", "即", "对", "从", "自", "家", "之", "夫", "妻", "女士", "先生", "本人", "其", "去", "来", "打", "发", "看",
	"听", "见", "告", "通知", "联系", "住", "居", "驾", "购", "租", "买", "卖", "持", "拒", "未", "不", "没", "无", "要", "请", "让",
	"给", "被", "把", "同", "跟", "找", "处", "签", "经", "担", "作", "当", "后", "前", "时", "、", "之间", "一同", "共同", "出", "了", "代", "签字", "本"}

// notNames are ordinary words that look like a surname and a given name.
var notNames = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`陈述 陈列 经查 经审 经营 经过 经济 高度 方式 方面 方法 时间 时候 时限 时效 安全 于是 向其 同意 同时 成立 明确 关于
		全部 全体 应当 由于 任何 任意 任务 解释 程序 程度 原告 原因 原则 常见 金额 文件 文书 周边 周围 周期 马上 石油 林业
		江苏 黄色 白色 余额 杜绝 包括 车辆 车主 房屋 房产 田地 何时 何种 何处 何人 花费 苏州 齐全 康复 夏季 钱款 易于 常年
		常住 温度 华人 万元 景区 计算 简易 司法 司机 党委 包装 严重 项目 章程 董事 范围 符合 付款 付清 管理 关系 关联 归还
		国家 杭州 和解 纪律 季度 简单 居住 连续 林地 凌晨 陆续 路面 苗木 明显 农村 农业 平台 平方 全面 单位 商品 商户 尚未
		施工 施行 史料 宋体 孙子 唐朝 陶瓷 田间 童年 危害 卫生 魏晋 温州 文字 吴江 武汉 夏天 萧山 谢绝 严格 颜色 杨树 姚江
		叶片 殷切 于此 余下 岳父 岳母 云南 曾经 张贴 郑州 钟点 庄园 左侧 右侧 毛重 罗列 吴语 孙女 宋代 曹操 彭湃 潘多 杜撰
		叶落 程式 苏醒 丁字 任命 任职 任期 任免 沈阳 姜汤 钟表 陆地 陆路 汪洋 范例 范本 夏令 付出 付费 付诸 孟子 熊猫 秦朝
		段落 雷同 侯选 龙头 史实 黎明 贺信 顾及 顾问 顾客 毛病 钱财 武装 武警 戴帽 莫非 孔子 汤料 温和 施加 施予 牛奶 乔迁
		庞大 颜面 庄重 章节 鲁莽 殷实 耿直 焦点 柳树 祝贺 舒适 梅花 童话 凌驾 毕业 季节 霍乱 涂改 涂抹 苗头 骆驼 蓝天 辛苦
		柴油 鲍鱼 屈服 饶恕 牟利 尤为 穆斯 卓越 麦子 桂花 苟且 仇恨 隋朝 刁难 荣誉 郎中 甄别 丛林 仲裁 巩固 迟延 迟到 迟缓
		匡正 鞠躬 荆棘 冀州 郁闷 储存 储备 栗子 燕子 劳动 劳务 皮肤 楼层 楼房 厉害 伊始 帅气 屠宰 朴素 廉洁 廉政 祖国 祖籍
		宣传 宣布 宣告 宣判 晋升 初步 初次 浦东 薄弱 辜负 宿舍 鲜明 慕名 湛江 勾结 茅盾 王法 王朝 李子 张开 张扬 刘海 陈旧
		陈设 杨柳 黄金 周到 周知 周末 周年 周转 徐州 马路 马匹 朱红 胡乱 何况 何以 何必 何在 林木 郑重 谢谢 谢罪 唐突 许可
		许多 许诺 韩国 曾孙 肖像 田野 董事会 余地 叶子 程序性 苏联 魏国 吕梁 任何人 卢布 姜黄 崔嵬 钟情 陆续地 范畴 石头 廖廓
		夏日 韦伯 付给 傅立 方向 白天 邹城 秦岭 江河 雷达 侯爵 史上 陶冶 黎族 贺卡 顾虑 毛巾 邵阳 万一 钱包 严禁 严肃 严厉
		严重性 武器 戴上 莫大 孔雀 向来 汤圆 常规 常务 常委 温暖 康乐 施救 文化 牛羊 樊篱 葛藤 邢台 安排 安置 安装 齐心 易燃
		乔木 伍佰 庞杂 颜料 庄稼 鲁迅 岳阳 申报 申诉 申领 申明 申请书 欧洲 欧元 关联性 兰州 焦虑 左右 柳州 甘肃 祝福 包含 宁可
		宁波 尚且 符号 舒服 纪要 纪检 梅雨 凌乱 毕竟 单方 涂料 成本 成员 成果 成交 成年 苗圃 谷物 盛行 曲线 曲折 蓝色 路段
		路口 游客 游戏 管辖 管控 蒙受 华侨 房租 房东 解除 解决 艾滋 尤其 阳光 时期 农民 司法局 古代 吉林 简称 车间 项下 连带
		芦苇 景观 党员 宫殿 费用 冷静 席位 卫生间 米价 柏树 宗教 桂林 全国 应急 应用 边界 师生 商业 沙子 荣获 桑树 丛书 池塘
		查明 查处 查封 查验 查询 查获 查看 查阅 麻烦 官方 封存 封闭 谈话 惠及 乐意 班组 楼梯 盘查 满足 闻讯 花园 权利 权益
		权力 豆类 盖章 练习 井盖 巴士 丰富 支付 支持 计划 索赔 索取 初始 伏法 修改 修建 修缮 况且 隆重 诸如 危险 宾馆 上述
		周边地区 余款 余款项 何种程度 董事长 经理 秘书 陈情 陈说 任主 孙子女 祖父母 范围内`) {
		m[w] = true
	}
	return m
}()

// notGiven never stand in a given name.
const notGiven = "某×＊*的了在是和与及等称说于向对从被把将为所也都就并而其之人局院府委厅部处站队办会庭署科司市省县区镇乡村街路号年月日条款项元万机关法规定本该此"

func hasPrefixAny(s string, words []string) bool {
	for _, w := range words {
		if strings.HasPrefix(s, w) {
			return true
		}
	}
	return false
}

func hasSuffixAny(s string, words []string) bool {
	for _, w := range words {
		if strings.HasSuffix(s, w) {
			return true
		}
	}
	return false
}

// nameAt reads a person-like name starting at byte i of text, or returns "".
func nameAt(text string, i int) string {
	rest := text[i:]
	surname := ""
	for _, c := range compoundSurnames {
		if strings.HasPrefix(rest, c) {
			surname = c
		}
	}
	if surname == "" {
		r, n := utf8.DecodeRuneInString(rest)
		if !strings.ContainsRune(commonSurnames, r) || strings.ContainsRune(ambiguousSurnames, r) {
			return ""
		}
		surname = rest[:n]
	}
	before := text[:i]
	if pr, _ := utf8.DecodeLastRuneInString(before); before != "" && isHan(pr) && !hasSuffixAny(before, leftContext) {
		return ""
	}
	after := rest[len(surname):]
	var given []string
	for _, r := range after {
		if len(given) == 2 || !isHan(r) || strings.ContainsRune(notGiven, r) {
			break
		}
		given = append(given, string(r))
	}
	for l := len(given); l >= 1; l-- {
		g := strings.Join(given[:l], "")
		tail := after[len(g):]
		if l == 2 && hasPrefixAny(given[1], rightContext) {
			continue // 王明称 is 王明 + 称
		}
		if tr, _ := utf8.DecodeRuneInString(tail); tail == "" || !isHan(tr) || hasPrefixAny(tail, rightContext) {
			name := surname + g
			for k := len(surname) + 1; k <= len(name); k++ {
				if utf8.ValidString(name[:k]) && notNames[name[:k]] {
					return ""
				}
			}
			return name
		}
	}
	return ""
}

// Candidate is a person-like name for the reviewer.
type Candidate struct {
	Name    string `json:"name"`
	Alias   string `json:"alias"`   // what it becomes when confirmed
	Count   int    `json:"count"`   // occurrences in the text
	Context string `json:"context"` // the first occurrence with a few characters around it (in the redacted text)
	Status  Status `json:"status"`
}

// Status of a candidate: open until the reviewer decides.
type Status string

const (
	Open      Status = "open"
	Confirmed Status = "confirmed" // redacted
	Kept      Status = "kept"
)

// findCandidates lists the person-like names in text outside the covered ranges.
func findCandidates(text string, covered [][2]int) map[string]int {
	mask := make([]bool, len(text)+1)
	for _, r := range covered {
		for k := r[0]; k < r[1] && k < len(text); k++ {
			mask[k] = true
		}
	}
	found := map[string]int{}
	for i := 0; i < len(text); {
		_, sz := utf8.DecodeRuneInString(text[i:])
		if mask[i] {
			i += sz
			continue
		}
		if n := nameAt(text, i); n != "" && !masked(mask, i, i+len(n)) {
			found[n]++
			i += len(n)
			continue
		}
		i += sz
	}
	return found
}

func masked(mask []bool, a, b int) bool {
	for k := a; k < b; k++ {
		if mask[k] {
			return true
		}
	}
	return false
}

func sortedNames(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for n := range m {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
