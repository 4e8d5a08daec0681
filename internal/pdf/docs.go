package pdf

import (
	"bytes"
	"fmt"
	"io/fs"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"text/template/parse"
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
	"lead": func(label, s string) Markup { return Markup(label) + paras(s) },
	// paras turns free text into paragraph lines of the markup (one per non-empty line).
	"paras": paras,
}

// paras turns free text into paragraph lines of the markup (one per non-empty line), each line text
// (see Text).
func paras(s string) Markup {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, Text(l))
		}
	}
	return Markup(strings.Join(out, "\n"))
}

// Markup is text that already is document markup (the output of paras and lead, a party line that adds a
// 法定代表人 line): a template inserts it as it is. Every other value a template inserts is text.
type Markup string

// Text makes s safe to place inside a line of markup, so that what people typed is printed and never
// read as layout: line breaks become spaces (a value is a run of text within its line; a 退回理由 typed on
// three lines must not add paragraphs, nor begin a line with "@title") and an "@" that would begin a line
// becomes the full-width "＠".
func Text(s string) string {
	if strings.ContainsAny(s, "\r\n\u2028\u2029\v\f") {
		s = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ", "\u2028", " ", "\u2029", " ", "\v", " ", "\f", " ").Replace(s)
	}
	if t := strings.TrimLeft(s, " \t"); strings.HasPrefix(t, "@") {
		s = s[:len(s)-len(t)] + "＠" + t[1:]
	}
	return s
}

// escapeFunc is the name of the function the template set appends to every action that prints (see
// textOnly).
const escapeFunc = "_text"

// printText is the last command of every printing action: Markup as it is, anything else as text. It
// prints values as text/template would (pointers followed, nil as <nil>).
func printText(v any) string {
	switch x := v.(type) {
	case Markup:
		return string(x)
	case string:
		return Text(x)
	case nil:
		return Text(fmt.Sprint(x))
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() {
		if _, ok := rv.Interface().(fmt.Stringer); ok {
			break
		}
		rv = rv.Elem()
	}
	if m, ok := rv.Interface().(Markup); ok {
		return string(m)
	}
	return Text(fmt.Sprint(rv.Interface()))
}

// textOnly rewrites every printing action of the templates ({{.X}}, {{f .X}}) to end with printText, as
// html/template adds its escapers: a template cannot forget to escape a value.
func textOnly(set *template.Template) {
	var tree *parse.Tree
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch x := n.(type) {
		case *parse.ListNode:
			if x == nil {
				return
			}
			for _, c := range x.Nodes {
				walk(c)
			}
		case *parse.ActionNode:
			if len(x.Pipe.Decl) == 0 {
				x.Pipe.Cmds = append(x.Pipe.Cmds, &parse.CommandNode{NodeType: parse.NodeCommand, Pos: x.Pos,
					Args: []parse.Node{parse.NewIdentifier(escapeFunc).SetTree(tree).SetPos(x.Pos)}})
			}
		case *parse.IfNode:
			walk(x.List)
			walk(x.ElseList)
		case *parse.RangeNode:
			walk(x.List)
			walk(x.ElseList)
		case *parse.WithNode:
			walk(x.List)
			walk(x.ElseList)
		}
	}
	for _, t := range set.Templates() {
		if t.Tree != nil {
			tree = t.Tree
			walk(t.Tree.Root)
		}
	}
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
		t.set, t.err = template.New("").Funcs(docFuncs).Funcs(template.FuncMap{escapeFunc: printText}).ParseFS(t.fsys, "docs/*.txt")
		if t.err == nil {
			textOnly(t.set)
		}
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
