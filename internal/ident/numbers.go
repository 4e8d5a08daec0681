package ident

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// DocNo is a 文号 per GB/T 9704-2012: 机关代字〔年份〕序号号, no 第, no leading zeros.
type DocNo struct {
	Prefix string // 机关代字, e.g. 栖政复
	Year   int
	Serial int
}

func (n DocNo) String() string { return fmt.Sprintf("%s〔%d〕%d号", n.Prefix, n.Year, n.Serial) }

var docNoRe = regexp.MustCompile(`^(\p{Han}[\p{Han}A-Za-z]{0,15})〔(\d{4})〕([1-9]\d{0,6})号$`)

// ParseDocNo reads a 文号, accepting half-width brackets [] or () as typed at a keyboard.
func ParseDocNo(s string) (DocNo, bool) {
	s = strings.TrimSpace(s)
	s = strings.NewReplacer("[", "〔", "]", "〕", "［", "〔", "］", "〕", "(", "〔", ")", "〕", "（", "〔", "）", "〕").Replace(s)
	m := docNoRe.FindStringSubmatch(s)
	if m == nil {
		return DocNo{}, false
	}
	y, _ := strconv.Atoi(m[2])
	n, _ := strconv.Atoi(m[3])
	if y < 1949 || y > 2100 {
		return DocNo{}, false
	}
	return DocNo{Prefix: m[1], Year: y, Serial: n}, true
}

// CourtCaseNo is a court 案号 under the 2016 rules: （2024）苏0113行初123号.
type CourtCaseNo struct {
	Year   int
	Court  string // province abbreviation + 2 or 4 digits, e.g. 苏0113
	Type   string // 行初, 行终, 行申, 行审 …
	Serial int
}

func (n CourtCaseNo) String() string {
	return fmt.Sprintf("（%d）%s%s%d号", n.Year, n.Court, n.Type, n.Serial)
}

// Instance maps the type code to first, second or retrial ("" for 行审 and others).
func (n CourtCaseNo) Instance() string {
	switch n.Type {
	case "行初":
		return "first"
	case "行终":
		return "second"
	case "行申", "行再":
		return "retrial"
	}
	return ""
}

const provinces = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼兵最"

var courtNoRe = regexp.MustCompile(`^（(\d{4})）([\p{Han}])(\d{2}|\d{4})?(行初|行终|行申|行再|行审|行审复|行赔初|行赔终|行赔申|行监)(\d{1,7})号$`)

// ParseCourtCaseNo reads a 案号, normalising half-width brackets to full-width.
func ParseCourtCaseNo(s string) (CourtCaseNo, bool) {
	s = strings.TrimSpace(s)
	s = strings.NewReplacer("(", "（", ")", "）", " ", "").Replace(s)
	m := courtNoRe.FindStringSubmatch(s)
	if m == nil || !strings.Contains(provinces, m[2]) {
		return CourtCaseNo{}, false
	}
	y, _ := strconv.Atoi(m[1])
	n, _ := strconv.Atoi(m[5])
	if y < 2000 || y > 2100 || n <= 0 || strings.HasPrefix(m[5], "0") {
		return CourtCaseNo{}, false
	}
	return CourtCaseNo{Year: y, Court: m[2] + m[3], Type: m[4], Serial: n}, true
}
