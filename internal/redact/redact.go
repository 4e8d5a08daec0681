// Package redact anonymises decision texts for online publication, after the courts' 2016 rules for
// 裁判文书 and reading the text as a person would write it: natural persons → surname + 某, private firms →
// 某某公司 (their 统一社会信用代码 with them), and identity numbers, telephone numbers, e-mail, bank accounts,
// plates, property certificates, QQ and WeChat accounts and street addresses (keeping the county) removed
// wherever and however they are written (full-width digits, spaces, dots, Chinese numerals, line breaks).
// Sex and birth date of natural persons are left out (partyline.go). Agencies, their legal
// representatives, 文号, dates, amounts and the reasoning stay.
//
// What the case data does not name — a witness, a neighbour — comes back as Candidates: person-like names
// for a reviewer to confirm (redact) or keep. Result.Open lists those still undecided; a publication must
// not go out while any is open.
package redact

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// Category of a redaction.
type Category string

const (
	Person     Category = "person"
	Org        Category = "org"
	CreditCode Category = "credit_code"
	IDNumber   Category = "id_number"
	Phone      Category = "phone"
	Email      Category = "email"
	Bank       Category = "bank_account"
	Plate      Category = "plate"
	Property   Category = "property"
	Social     Category = "social_account"
	Number     Category = "number"
	Address    Category = "address"
	Sex        Category = "sex"
	Birth      Category = "birth_date"
	Manual     Category = "manual"
)

var categoryLabels = map[Category]string{Person: "自然人姓名", Org: "企业名称", CreditCode: "统一社会信用代码", IDNumber: "身份证件号码",
	Phone: "电话号码", Email: "电子邮箱", Bank: "银行账号", Plate: "车牌号码", Property: "不动产权证号", Social: "QQ/微信账号",
	Number: "其他号码", Address: "详细住址", Sex: "性别", Birth: "出生日期", Manual: "人工标注"}

// Label names a category in Chinese.
func (c Category) Label() string { return categoryLabels[c] }

// Identifier tells whether a category is a number or account (as opposed to a name, address or field).
func (c Category) Identifier() bool {
	switch c {
	case CreditCode, IDNumber, Phone, Email, Bank, Plate, Property, Social, Number:
		return true
	}
	return false
}

// Removed is what replaces a deleted identifier.
const Removed = "×××"

// Term is a string the reviewer marked for redaction.
type Term struct {
	Text string `json:"text"`
	Kind string `json:"kind"` // person, org or other
}

// Decision is the reviewer's answer on a candidate: Redact (confirm it is a person) or keep it.
type Decision struct {
	Name   string `json:"name"`
	Redact bool   `json:"redact"`
}

// Input is what the case data and the reviewer tell about the text.
type Input struct {
	Persons   []string // natural persons: applicants, third parties, agents, legal reps of private firms
	Orgs      []string // private organisations
	Addresses []string // street addresses from the case data
	Manual    []Term
	Keep      []string // never redacted: the organ, agencies and their legal representatives, the court
	Decisions []Decision
}

// Span is one redaction in the output text (byte offsets into the output).
type Span struct {
	Start       int      `json:"start"`
	End         int      `json:"end"`
	Category    Category `json:"category"`
	Original    string   `json:"-"`
	Replacement string   `json:"replacement"`
}

// Result is the redacted text, what was replaced, and every person-like name found for review.
type Result struct {
	Text         string
	Replacements []Span
	Candidates   []Candidate // sorted by name; Status tells which are still open
}

// Open lists the candidates the reviewer has not decided on.
func (r Result) Open() []Candidate {
	var out []Candidate
	for _, c := range r.Candidates {
		if c.Status == Open {
			out = append(out, c)
		}
	}
	return out
}

type match struct {
	start, end int
	cat        Category
	repl       string
}

// Redact anonymises text. Candidates the reviewer has not decided on stay in the text and are listed open.
func Redact(text string, in Input) Result { return run(text, in, false) }

// Apply is the conservative form: every open candidate is redacted as a person, so nothing undecided can
// go out. It returns the text and its replacements.
func Apply(text string, in Input) (string, []Span) {
	r := run(text, in, true)
	return r.Text, r.Replacements
}

func run(text string, in Input, redactOpen bool) Result {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	keep := keepRanges(text, in.Keep)
	var data []match
	for _, p := range in.Persons {
		data = append(data, personMatches(text, p, Person)...)
	}
	for _, o := range in.Orgs {
		data = append(data, looseMatches(text, o, Org, OrgAlias(o))...)
	}
	for _, a := range in.Addresses {
		repl := CountyPrefix(a)
		if repl == "" {
			repl = Removed
		}
		data = append(data, looseMatches(text, a, Address, repl)...)
	}
	for _, t := range in.Manual {
		switch t.Kind {
		case "person":
			data = append(data, personMatches(text, t.Text, Manual)...)
		case "org":
			data = append(data, looseMatches(text, t.Text, Manual, OrgAlias(t.Text))...)
		default:
			data = append(data, looseMatches(text, t.Text, Manual, Removed)...)
		}
	}
	persons := append([]string{}, in.Persons...)
	for _, t := range in.Manual {
		if t.Kind == "person" {
			persons = append(persons, t.Text)
		}
	}
	data = append(data, honorificMatches(text, persons)...)
	data = outsideKeep(data, keep, false)

	v := newView(text)
	found := append(identifiers(v), partyLines(v)...)
	found = append(found, outsideKeep(addresses(v), keep, true)...)
	all := append(data, found...)

	// what remains that reads like a name goes to the reviewer
	covered := append(ranges(all), keep...)
	decided := map[string]bool{}
	for _, d := range in.Decisions {
		decided[squeeze(d.Name)] = d.Redact
	}
	var cands []Candidate
	for _, name := range sortedNames(findCandidates(text, covered)) {
		c := Candidate{Name: name, Alias: PersonAlias(name), Status: Open}
		if r, ok := decided[name]; ok {
			c.Status = Kept
			if r {
				c.Status = Confirmed
			}
		}
		if c.Status == Confirmed || (c.Status == Open && redactOpen) {
			all = append(all, outsideKeep(personMatches(text, name, Person), keep, false)...)
		}
		cands = append(cands, c)
	}
	// a name the reviewer confirmed earlier that no longer reads as a candidate is still redacted
	for name, r := range decided {
		if r && !hasCandidate(cands, name) {
			all = append(all, outsideKeep(personMatches(text, name, Person), keep, false)...)
		}
	}
	res := assemble(text, merge(all))
	for i := range cands {
		cands[i].Count, cands[i].Context = occurrences(res, cands[i])
	}
	res.Candidates = cands
	return res
}

func hasCandidate(cs []Candidate, name string) bool {
	for _, c := range cs {
		if c.Name == name {
			return true
		}
	}
	return false
}

func looseMatches(text, needle string, cat Category, repl string) []match {
	if utf8.RuneCountInString(squeeze(needle)) < 2 {
		return nil
	}
	var out []match
	for _, m := range loose(needle).FindAllStringIndex(text, -1) {
		out = append(out, match{start: m[0], end: m[1], cat: cat, repl: repl})
	}
	return out
}

func keepRanges(text string, keep []string) [][2]int {
	var out [][2]int
	for _, k := range keep {
		if k = strings.TrimSpace(k); k == "" {
			continue
		}
		for i := 0; ; {
			j := strings.Index(text[i:], k)
			if j < 0 {
				break
			}
			out = append(out, [2]int{i + j, i + j + len(k)})
			i += j + len(k)
		}
	}
	return out
}

// outsideKeep drops matches inside a kept text: a name inside a longer kept name (a person called like
// part of an agency, or the agency's legal representative), or, with whole, an address inside a kept one.
func outsideKeep(ms []match, keep [][2]int, whole bool) []match {
	var out []match
	for _, m := range ms {
		inside := false
		for _, k := range keep {
			if k[0] <= m.start && m.end <= k[1] && (whole || k[1]-k[0] > m.end-m.start) {
				inside = true
			}
		}
		if !inside {
			out = append(out, m)
		}
	}
	return out
}

func ranges(ms []match) [][2]int {
	out := make([][2]int, 0, len(ms))
	for _, m := range ms {
		out = append(out, [2]int{m.start, m.end})
	}
	return out
}

// merge joins overlapping matches into one covering all of them, replaced by the longest one's
// replacement, so that no part of any match survives.
func merge(ms []match) []match {
	sort.SliceStable(ms, func(i, j int) bool {
		if ms[i].start != ms[j].start {
			return ms[i].start < ms[j].start
		}
		return ms[i].end > ms[j].end
	})
	var out []match
	for _, m := range ms {
		if m.end <= m.start {
			continue
		}
		if n := len(out); n > 0 && m.start < out[n-1].end {
			last := &out[n-1]
			if m.end-m.start > last.end-last.start {
				last.cat, last.repl = m.cat, m.repl
			}
			if m.end > last.end {
				last.end = m.end
			}
			continue
		}
		out = append(out, m)
	}
	return out
}

func assemble(text string, ms []match) Result {
	var b strings.Builder
	var spans []Span
	pos := 0
	for _, m := range ms {
		b.WriteString(text[pos:m.start])
		start := b.Len()
		b.WriteString(m.repl)
		spans = append(spans, Span{Start: start, End: b.Len(), Category: m.cat, Original: text[m.start:m.end], Replacement: m.repl})
		pos = m.end
	}
	b.WriteString(text[pos:])
	return Result{Text: b.String(), Replacements: spans}
}

// occurrences counts a candidate in the output (or its replacements) and shows the first with context.
func occurrences(r Result, c Candidate) (int, string) {
	n, at, length := 0, -1, 0
	if c.Status == Confirmed || strings.Count(r.Text, c.Name) == 0 {
		for _, s := range r.Replacements {
			if squeeze(s.Original) == c.Name {
				if at < 0 {
					at, length = s.Start, s.End-s.Start
				}
				n++
			}
		}
	} else {
		n, at, length = strings.Count(r.Text, c.Name), strings.Index(r.Text, c.Name), len(c.Name)
	}
	if at < 0 {
		return n, ""
	}
	return n, excerpt(r.Text, at, at+length)
}

func excerpt(s string, a, b int) string {
	const around = 12
	for i := 0; i < around && a > 0; i++ {
		_, sz := utf8.DecodeLastRuneInString(s[:a])
		a -= sz
	}
	for i := 0; i < around && b < len(s); i++ {
		_, sz := utf8.DecodeRuneInString(s[b:])
		b += sz
	}
	return strings.Join(strings.Fields(s[a:b]), " ")
}

var orgSuffixes = []string{"有限责任公司", "股份有限公司", "有限公司", "公司", "合作社", "事务所", "工作室", "中心", "商行", "商店", "超市", "酒店", "饭店", "餐厅", "厂", "店", "部"}

// OrgAlias is 某某 + the kind of organisation (某某公司, 某某厂 …).
func OrgAlias(name string) string {
	name = squeeze(name)
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
