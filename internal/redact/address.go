package redact

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

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

const (
	addrNum  = `[0-9一二三四五六七八九十百零〇]+`
	addrUnit = `(?:号楼|单元|号|栋|幢|室|楼|层|组|户|座)`
)

var (
	// an address after 住/位于/地址…: the address is group 1. It ends with a house number, or with the
	// village or compound when that is the end of the clause.
	markedAddrRe = regexp.MustCompile(`(?:住所地|住所|住址|家庭住址|现住址|户籍地|户籍所在地|经常居住地|居住地|家住|住在|居住在|居住于|住|位于|坐落于|座落于|地址)\s*(?:为|是|在)?\s*[:：]?\s*` +
		`([\p{Han}A-Za-z0-9#\-]{1,40}?(?:路|街|大道|巷|弄|胡同|道|里|村|组|社区|小区|花园|家园|新村|公寓|大厦|广场|山庄|公馆|城|苑|园|庭|府|湾|居|院|宿舍|楼)[\p{Han}A-Za-z]{0,6}?` +
		addrNum + addrUnit + `(?:` + addrNum + addrUnit + `)*` +
		`|[\p{Han}0-9]{2,30}?(?:镇|乡|街道)[\p{Han}0-9]{1,16}?(?:村|社区|小区|花园|家园|新村|公寓|大厦|山庄|组)(?:` + addrNum + addrUnit + `)*)`)
	// a residential compound or building without a marker (百水芊城12栋, 某某小区3幢2单元): group 1 is the
	// name before it, trimmed at the first word that is not part of a place name.
	compoundRe = regexp.MustCompile(`(\p{Han}{1,12}?)(?:小区|花园|家园|新村|公寓|大厦|广场|山庄|公馆|城|苑|园|湾|村|社区)` +
		addrNum + `(?:号楼|单元|号|栋|幢|室|楼|层|组|座)(?:` + addrNum + addrUnit + `)*`)
)

// notPlace are characters that end a place name when reading leftwards from a compound.
const notPlace = "在住于至到的是系为其与和及对向从往把将被由称经即近旁了去来回人某、把让给"

// clauseEnds: the marked address without a house number must end the clause.
func clauseEnds(rest string) bool {
	r, _ := utf8.DecodeRuneInString(rest)
	return rest == "" || strings.ContainsRune("，,。；;、）)\n ：:", r)
}

// addresses finds street addresses in the view and replaces each with its county (or ××× without one).
func addresses(v *view) []match {
	var out []match
	s := v.s
	for _, m := range markedAddrRe.FindAllStringSubmatchIndex(s, -1) {
		a, b := m[2], m[3]
		if !hasHouseNumber(s[a:b]) && !clauseEnds(s[b:]) {
			continue
		}
		oa, ob := v.span(a, b)
		out = append(out, addrMatch(v.orig, oa, ob))
	}
	for _, m := range compoundRe.FindAllStringSubmatchIndex(s, -1) {
		a := m[2]
		name := s[m[2]:m[3]]
		for i, r := range name {
			if strings.ContainsRune(notPlace, r) {
				a = m[2] + i + utf8.RuneLen(r)
			}
		}
		oa, ob := v.span(a, m[1])
		if ob > oa {
			out = append(out, addrMatch(v.orig, oa, ob))
		}
	}
	return out
}

var houseNumberRe = regexp.MustCompile(addrNum + addrUnit + `$`)

func hasHouseNumber(s string) bool { return houseNumberRe.MatchString(s) }

func addrMatch(orig string, a, b int) match {
	repl := CountyPrefix(orig[a:b])
	if repl == "" {
		repl = Removed
	}
	return match{start: a, end: b, cat: Address, repl: repl}
}
