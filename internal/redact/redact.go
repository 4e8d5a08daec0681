// Package redact anonymises decision texts for online publication (DOMAIN.md §10, after the courts' 2016
// rules for 裁判文书): natural persons → surname + 某, private firms → 某某公司, and identifiers, phone
// numbers, e-mail, bank accounts, plates, property certificates and street addresses (keeping the county)
// removed wherever they appear. Agencies, their legal representatives, 文号, dates and reasoning stay.
package redact

import (
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// Category of a redaction.
type Category string

const (
	Person   Category = "person"
	Org      Category = "org"
	IDNumber Category = "id_number"
	Phone    Category = "phone"
	Email    Category = "email"
	Bank     Category = "bank_account"
	Plate    Category = "plate"
	Property Category = "property"
	Address  Category = "address"
	Manual   Category = "manual"
)

var categoryLabels = map[Category]string{Person: "自然人姓名", Org: "企业名称", IDNumber: "身份证号码", Phone: "电话号码",
	Email: "电子邮箱", Bank: "银行账号", Plate: "车牌号码", Property: "不动产权证号", Address: "详细住址", Manual: "人工标注"}

// Label names a category in Chinese.
func (c Category) Label() string { return categoryLabels[c] }

// Removed is what replaces a deleted identifier.
const Removed = "×××"

// Term is a string the reviewer marked for redaction.
type Term struct {
	Text string `json:"text"`
	Kind string `json:"kind"` // person, org or other
}

// Input is what the case data tells about the text.
type Input struct {
	Persons   []string // natural persons: applicants, third parties, agents, legal reps of private firms
	Orgs      []string // private organisations
	Addresses []string // street addresses from the case data
	Manual    []Term
	Keep      []string // never redacted: the organ, agencies and their legal representatives, the court
}

// Span is one redaction in the output text (byte offsets into the output).
type Span struct {
	Start       int      `json:"start"`
	End         int      `json:"end"`
	Category    Category `json:"category"`
	Original    string   `json:"-"`
	Replacement string   `json:"replacement"`
}

var compoundSurnames = []string{"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "令狐", "澹台", "端木", "南宫", "西门", "独孤", "轩辕"}

// PersonAlias is surname + 某 (two-character names) or surname + 某某 (longer names).
func PersonAlias(name string) string {
	name = strings.TrimSpace(name)
	rs := []rune(name)
	if len(rs) == 0 {
		return "某某"
	}
	surname := string(rs[0])
	for _, c := range compoundSurnames {
		if strings.HasPrefix(name, c) {
			surname = c
		}
	}
	rest := len(rs) - utf8.RuneCountInString(surname)
	if rest <= 1 {
		return surname + "某"
	}
	return surname + "某某"
}

var orgSuffixes = []string{"有限责任公司", "股份有限公司", "有限公司", "公司", "合作社", "事务所", "工作室", "中心", "商行", "商店", "超市", "酒店", "饭店", "餐厅", "厂", "店", "部"}

// OrgAlias is 某某 + the kind of organisation (某某公司, 某某厂 …).
func OrgAlias(name string) string {
	for _, s := range orgSuffixes {
		if strings.HasSuffix(name, s) {
			if strings.Contains(s, "公司") {
				return "某某公司"
			}
			return "某某" + s
		}
	}
	return "某某单位"
}

var streetMarkers = []string{"街道", "镇", "乡", "路", "街", "大道", "巷", "弄", "村", "组", "号", "小区", "社区", "大厦", "花园", "苑", "里"}

// CountyPrefix keeps an address down to the county level: 重庆市忠县某镇某路1号 → 重庆市忠县. It walks the
// administrative units in order and stops at the first county-level unit (县, 区, 旗); without one it keeps
// up to the last 市 (a county-level city), and nothing when the address starts at street level.
func CountyPrefix(addr string) string {
	addr = strings.TrimSpace(addr)
	cut := len(addr)
	for _, m := range streetMarkers {
		if i := strings.Index(addr, m); i >= 0 && i < cut {
			cut = i
		}
	}
	head := addr[:cut]
	best := 0
	for i, r := range head {
		end := i + utf8.RuneLen(r)
		switch r {
		case '省', '市', '州', '盟':
			best = end
		case '区':
			if strings.HasSuffix(head[:i], "自治") { // 自治区 is a province
				best = end
				continue
			}
			return head[:end]
		case '县', '旗':
			return head[:end]
		}
	}
	return head[:best]
}

var (
	idRe       = regexp.MustCompile(`[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]`)
	mobileRe   = regexp.MustCompile(`(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}`)
	landlineRe = regexp.MustCompile(`(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}-)\d{7,8}(?:-\d{1,6})?`)
	emailRe    = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
	bankRe     = regexp.MustCompile(`\d{16,19}`)
	plateRe    = regexp.MustCompile(`[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][·•\s]?[A-HJ-NP-Z0-9]{5,6}`)
	propertyRe = regexp.MustCompile(`(?:[\p{Han}]{1,2}[（(]\d{4}[）)][\p{Han}]{0,12})?(?:不动产权|房权证|房屋所有权证|国用|集用)[\p{Han}]{0,4}第?\s*[A-Za-z0-9\-]{4,}\s*号`)
	// a street address after 住/位于/地址: only the address (group 1) is removed
	streetRe = regexp.MustCompile(`(?:住所|住址|住在|住|位于|地址)[:：]?([\p{Han}]{0,10}?(?:路|街|大道|巷|弄|村|组)[\p{Han}]{0,6}?[0-9０-９一二三四五六七八九十百]+号(?:[0-9\-]+(?:幢|栋|单元|室|号楼|楼))*)`)
)

type match struct {
	start, end int
	cat        Category
	repl       string
}

func findAll(text, needle string, cat Category, repl string, out []match) []match {
	if utf8.RuneCountInString(needle) < 2 {
		return out
	}
	for i := 0; ; {
		j := strings.Index(text[i:], needle)
		if j < 0 {
			return out
		}
		out = append(out, match{i + j, i + j + len(needle), cat, repl})
		i += j + len(needle)
	}
}

// Apply redacts text and lists what it replaced. Names and addresses known from the case data (and the
// reviewer's terms) are placed first; identifier patterns then apply to the rest of the text.
func Apply(text string, in Input) (string, []Span) {
	var data []match
	for _, p := range in.Persons {
		data = findAll(text, strings.TrimSpace(p), Person, PersonAlias(p), data)
	}
	for _, o := range in.Orgs {
		data = findAll(text, strings.TrimSpace(o), Org, OrgAlias(o), data)
	}
	for _, a := range in.Addresses {
		data = findAll(text, strings.TrimSpace(a), Address, CountyPrefix(a), data)
	}
	for _, t := range in.Manual {
		repl := Removed
		switch t.Kind {
		case "person":
			repl = PersonAlias(t.Text)
		case "org":
			repl = OrgAlias(t.Text)
		}
		data = findAll(text, strings.TrimSpace(t.Text), Manual, repl, data)
	}
	var keep [][2]int
	for _, k := range in.Keep {
		if k = strings.TrimSpace(k); k == "" {
			continue
		}
		for i := 0; ; {
			j := strings.Index(text[i:], k)
			if j < 0 {
				break
			}
			keep = append(keep, [2]int{i + j, i + j + len(k)})
			i += j + len(k)
		}
	}
	// a name inside a kept name (a person called like part of an agency) is not redacted there
	var kept []match
	for _, m := range data {
		inside := false
		for _, k := range keep {
			if k[0] <= m.start && m.end <= k[1] && k[1]-k[0] > m.end-m.start {
				inside = true
			}
		}
		if !inside {
			kept = append(kept, m)
		}
	}
	chosen := choose(kept)
	// patterns in the gaps between the data matches
	var pats []match
	gapStart := 0
	gaps := append(append([]match{}, chosen...), match{start: len(text), end: len(text)})
	for _, g := range gaps {
		seg := text[gapStart:g.start]
		for _, p := range []struct {
			re  *regexp.Regexp
			cat Category
		}{{idRe, IDNumber}, {propertyRe, Property}, {emailRe, Email}, {mobileRe, Phone}, {landlineRe, Phone}, {bankRe, Bank}, {plateRe, Plate}, {streetRe, Address}} {
			for _, loc := range p.re.FindAllStringSubmatchIndex(seg, -1) {
				a, b := loc[0], loc[1]
				if len(loc) >= 4 && loc[2] >= 0 {
					a, b = loc[2], loc[3]
				}
				if p.cat == Address && within(keep, gapStart+a, gapStart+b) {
					continue // a kept (public) address, e.g. the respondent agency's
				}
				pats = append(pats, match{gapStart + a, gapStart + b, p.cat, Removed})
			}
		}
		gapStart = g.end
	}
	all := append(chosen, choose(pats)...)
	sort.Slice(all, func(i, j int) bool { return all[i].start < all[j].start })
	var b strings.Builder
	var spans []Span
	pos := 0
	for _, m := range all {
		b.WriteString(text[pos:m.start])
		start := b.Len()
		b.WriteString(m.repl)
		spans = append(spans, Span{Start: start, End: b.Len(), Category: m.cat, Original: text[m.start:m.end], Replacement: m.repl})
		pos = m.end
	}
	b.WriteString(text[pos:])
	return b.String(), spans
}

// choose keeps non-overlapping matches, the earliest and then the longest first.
func choose(ms []match) []match {
	sort.SliceStable(ms, func(i, j int) bool {
		if ms[i].start != ms[j].start {
			return ms[i].start < ms[j].start
		}
		return ms[i].end-ms[i].start > ms[j].end-ms[j].start
	})
	var out []match
	lastEnd := -1
	for _, m := range ms {
		if m.start >= lastEnd {
			out = append(out, m)
			lastEnd = m.end
		}
	}
	return out
}

func within(keep [][2]int, a, b int) bool {
	for _, k := range keep {
		if k[0] <= a && b <= k[1] {
			return true
		}
	}
	return false
}
