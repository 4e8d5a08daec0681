package pdf

import (
	"bytes"
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"time"

	"fuyi/internal/date"
)

// Templates renders documents from text templates (one file per document type).
type Templates struct {
	fsys fs.FS
	once sync.Once
	set  *template.Template
	err  error
}

// NewTemplates reads templates from fsys (files docs/*.txt).
func NewTemplates(fsys fs.FS) *Templates { return &Templates{fsys: fsys} }

var docFuncs = template.FuncMap{
	"cn":   func(d date.Date) string { return d.Chinese() },
	"join": strings.Join,
	"inc":  func(i int) int { return i + 1 },
	"cnum": ChineseNumber,
	"deref": func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	},
	"oneline": func(s string) string {
		return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
	},
	// law writes article references formally, in Chinese numerals: 第64条第1款第1项 → 第六十四条第一款第一项.
	"law": func(v any) any {
		switch x := v.(type) {
		case []string:
			out := make([]string, len(x))
			for i, s := range x {
				out[i] = FormalArticles(s)
			}
			return out
		case string:
			return FormalArticles(x)
		}
		return v
	},
	// ground is a statutory ground without its trailing article reference: "…下落不明（第39条第1款第3项）" → "…下落不明".
	"ground": func(s string) string {
		if i := strings.LastIndex(s, "（第"); i > 0 && strings.HasSuffix(s, "）") {
			return s[:i]
		}
		return s
	},
	// basis is that trailing reference, formal: "第三十九条第一款第三项" ("" when there is none).
	"basis": func(s string) string {
		if i := strings.LastIndex(s, "（第"); i > 0 && strings.HasSuffix(s, "）") {
			return FormalArticles(strings.TrimSuffix(s[i+len("（"):], "）"))
		}
		return ""
	},
	// lead runs a label into the first paragraph of free text: 申请人称：…
	"lead": func(label, s string) string { return label + paras(s) },
	// paras turns free text into paragraph lines of the markup (one per non-empty line).
	"paras": paras,
}

// paras turns free text into paragraph lines of the markup (one per non-empty line).
func paras(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			if strings.HasPrefix(l, "@") {
				l = "＠" + l[1:]
			}
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

var articleRef = regexp.MustCompile(`第(\d{1,3})(条|款|项|章|节)`)

// FormalArticles rewrites article references with Arabic numbers in Chinese numerals, as documents cite
// statutes (《中华人民共和国行政复议法》第三十条第一款).
func FormalArticles(s string) string {
	return articleRef.ReplaceAllStringFunc(s, func(m string) string {
		sub := articleRef.FindStringSubmatch(m)
		n, _ := strconv.Atoi(sub[1])
		return "第" + ChineseNumber(n) + sub[2]
	})
}

func (t *Templates) load() error {
	t.once.Do(func() {
		t.set, t.err = template.New("").Funcs(docFuncs).ParseFS(t.fsys, "docs/*.txt")
	})
	return t.err
}

// Names lists the document templates.
func (t *Templates) Names() ([]string, error) {
	if err := t.load(); err != nil {
		return nil, err
	}
	var out []string
	for _, x := range t.set.Templates() {
		if strings.HasSuffix(x.Name(), ".txt") && !strings.HasPrefix(x.Name(), "_") {
			out = append(out, strings.TrimSuffix(x.Name(), ".txt"))
		}
	}
	return out, nil
}

// Text executes the template name (without .txt) with data and returns the markup.
func (t *Templates) Text(name string, data any) (string, error) {
	if err := t.load(); err != nil {
		return "", fmt.Errorf("pdf: templates: %w", err)
	}
	var b bytes.Buffer
	if err := t.set.ExecuteTemplate(&b, name+".txt", data); err != nil {
		return "", fmt.Errorf("pdf: template %s: %w", name, err)
	}
	return b.String(), nil
}

// Render executes the template and renders the PDF.
func (t *Templates) Render(name, title string, data any) ([]byte, error) {
	text, err := t.Text(name, data)
	if err != nil {
		return nil, err
	}
	return Render(withMeta(Document{Title: title, Blocks: ParseMarkup(text), PageNumbers: true}))
}

// withMeta fills the Author and Subject of an official document from its markup: the organ is the first of
// two title lines, the 文号 the first right-aligned line.
func withMeta(d Document) Document {
	titles := 0
	for _, b := range d.Blocks {
		if b.Kind == Title {
			titles++
		}
	}
	for _, b := range d.Blocks {
		if b.Kind == Title && titles > 1 && d.Author == "" {
			d.Author = b.Text
		}
		if b.Kind == Right && d.Subject == "" {
			d.Subject = strings.TrimPrefix(b.Text, "登记号：")
		}
	}
	return d
}

// RenderAt is Render with a fixed creation date, so the same text always gives the same bytes (the file a
// reviewer previews is exactly the file that is published).
func RenderAt(text, title string, at time.Time) ([]byte, error) {
	return Render(withMeta(Document{Title: title, Blocks: ParseMarkup(text), PageNumbers: true, CreatedAt: at}))
}

// ChineseNumber writes 1–99 in Chinese numerals (一, 十二, 二十三) for numbered items.
func ChineseNumber(n int) string {
	digits := []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 10:
		return digits[n]
	case n < 20:
		if n == 10 {
			return "十"
		}
		return "十" + digits[n-10]
	case n < 100:
		s := digits[n/10] + "十"
		if n%10 != 0 {
			s += digits[n%10]
		}
		return s
	}
	return fmt.Sprint(n)
}
