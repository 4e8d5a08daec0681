package pdf

import (
	"bytes"
	"fmt"
	"io/fs"
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
	// paras turns free text into paragraph lines of the markup (one per non-empty line).
	"paras": func(s string) string {
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
	},
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
	return Render(Document{Title: title, Blocks: ParseMarkup(text), PageNumbers: true})
}

// RenderAt is Render with a fixed creation date, so the same text always gives the same bytes (the file a
// reviewer previews is exactly the file that is published).
func RenderAt(text, title string, at time.Time) ([]byte, error) {
	return Render(Document{Title: title, Blocks: ParseMarkup(text), PageNumbers: true, CreatedAt: at})
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
