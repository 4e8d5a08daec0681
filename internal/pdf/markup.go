package pdf

import "strings"

// ParseMarkup turns the text of a document template into blocks. Each line is one block:
//
//	@title 行政复议决定书     centred title
//	@center 文字             centred line
//	@right 栖政复〔2025〕1号  right-aligned line (文号, signature, date)
//	@plain 申请人：张三       left-aligned line without indent
//	@heading 一、…           first-level heading (黑体)
//	@heading2 （一）…        second-level heading (楷体)
//	@sign 南京市栖霞区人民政府  发文机关署名, centred above the date that follows
//	@date 2025年9月26日       成文日期, 右空四字; with the 署名 kept on a page with text
//	@blank                   empty line
//	any other text           a justified paragraph with a two-character first-line indent
//
// Empty lines are ignored, so templates can be laid out freely.
func ParseMarkup(text string) []Block {
	var out []Block
	for _, ln := range strings.Split(text, "\n") {
		ln = strings.TrimRight(ln, " \r\t")
		if strings.TrimSpace(ln) == "" {
			continue
		}
		kind, rest := Para, strings.TrimSpace(ln)
		if strings.HasPrefix(rest, "@") {
			word, tail, _ := strings.Cut(rest, " ")
			switch word {
			case "@title":
				kind = Title
			case "@center":
				kind = Center
			case "@right":
				kind = Right
			case "@plain":
				kind = Plain
			case "@heading":
				kind = Heading
			case "@heading2":
				kind = Heading2
			case "@sign":
				kind = Sign
			case "@date":
				kind = Date
			case "@blank":
				kind = Blank
			default:
				word = ""
			}
			if word != "" {
				rest = strings.Trim(tail, " \t") // a leading 全角空格 indents on purpose
			}
		}
		if rest == "" && kind != Blank {
			continue
		}
		out = append(out, Block{Kind: kind, Text: rest})
	}
	return out
}
