package pdf

// Span is one cell of a table header after merging: equal neighbours in a header row merge across, and an
// empty header cell merges into the cell above it (multi-level headers such as 审结 over its outcomes).
type Span struct {
	Row, Col   int
	Rows, Cols int
	Text       string
}

// MergeHeader computes the merged cells of the first n rows (the XLSX export merges the same ranges).
func MergeHeader(rows [][]string, n int) []Span {
	cols := 0
	for _, r := range rows[:n] {
		cols = max(cols, len(r))
	}
	cell := func(r, c int) string {
		if c < len(rows[r]) {
			return rows[r][c]
		}
		return ""
	}
	covered := make([][]bool, n)
	for i := range covered {
		covered[i] = make([]bool, cols)
	}
	var out []Span
	for r := 0; r < n; r++ {
		for c := 0; c < cols; c++ {
			if covered[r][c] {
				continue
			}
			text := cell(r, c)
			cs := 1
			for text != "" && c+cs < cols && !covered[r][c+cs] && cell(r, c+cs) == text {
				cs++
			}
			rs := 1
		down:
			for text != "" && r+rs < n {
				for k := c; k < c+cs; k++ {
					if covered[r+rs][k] || cell(r+rs, k) != "" {
						break down
					}
				}
				rs++
			}
			for i := r; i < r+rs; i++ {
				for k := c; k < c+cs; k++ {
					covered[i][k] = true
				}
			}
			out = append(out, Span{Row: r, Col: c, Rows: rs, Cols: cs, Text: text})
		}
	}
	return out
}

// table lays out a grid: one item for the header rows (repeated on each page the table continues on) and one
// per body row. Header cells are 黑体, body cells 宋体, at least 9 pt.
func (l *layout) table(idx int, b Block) {
	if len(b.Rows) == 0 {
		return
	}
	size := b.FontSize
	if size == 0 {
		size = 10.5
	}
	size = max(size, 9)
	cols := 0
	for _, r := range b.Rows {
		cols = max(cols, len(r))
	}
	widths := make([]float64, cols)
	total := 0.0
	for i := range widths {
		widths[i] = 1
		if i < len(b.Widths) {
			widths[i] = b.Widths[i]
		}
		total += widths[i]
	}
	xs := make([]float64, cols+1)
	for i := range widths {
		widths[i] = widths[i] / total * l.g.width
		xs[i+1] = xs[i] + widths[i]
	}
	lh := size * ptToMM * 1.3
	pad := 1.2
	hr := min(b.HeaderRows, len(b.Rows))
	type box struct {
		x0, x1    float64
		rows, row int
		lines     []line
		face      Face
		left      bool
	}
	wrapCell := func(face Face, text string, w float64) []line {
		return wrap(text, func(r rune) float64 { return l.advance(face, r, size, false) }, w-2*pad, 0)
	}
	cellsOf := func(sp []Span, face Face, left func(c int) bool) ([]box, []float64) {
		rowsN := 0
		for _, s := range sp {
			rowsN = max(rowsN, s.Row+s.Rows)
		}
		hs := make([]float64, rowsN)
		var boxes []box
		for _, s := range sp {
			bx := box{x0: xs[s.Col], x1: xs[s.Col+s.Cols], row: s.Row, rows: s.Rows, face: face, left: left(s.Col)}
			bx.lines = wrapCell(face, s.Text, bx.x1-bx.x0)
			boxes = append(boxes, bx)
			if s.Rows == 1 {
				hs[s.Row] = max(hs[s.Row], float64(len(bx.lines))*lh+2*pad)
			}
		}
		for _, bx := range boxes {
			need := float64(len(bx.lines))*lh + 2*pad
			have := 0.0
			for r := bx.row; r < bx.row+bx.rows; r++ {
				have += hs[r]
			}
			if need > have {
				hs[bx.row+bx.rows-1] += need - have
			}
		}
		return boxes, hs
	}
	toItem := func(boxes []box, hs []float64, role string) item {
		ys := make([]float64, len(hs)+1)
		for i, h := range hs {
			ys[i+1] = ys[i] + h
		}
		it := item{block: idx, h: ys[len(hs)], header: -1}
		for _, bx := range boxes {
			y0, y1 := ys[bx.row], ys[bx.row+bx.rows]
			it.rules = append(it.rules, [4]float64{bx.x0, y0, bx.x1, y0}, [4]float64{bx.x0, y1, bx.x1, y1},
				[4]float64{bx.x0, y0, bx.x0, y1}, [4]float64{bx.x1, y0, bx.x1, y1})
			top := y0 + (y1-y0-float64(len(bx.lines))*lh)/2
			var gl []glyph
			for k, ln := range bx.lines {
				w := l.lineWidth(bx.face, ln.text, size, false) - ln.squeeze
				x := l.g.left + bx.x0 + (bx.x1-bx.x0-w)/2
				if bx.left || role == "TD" && len(bx.lines) > 1 { // running text reads from the left
					x = l.g.left + bx.x0 + pad
				}
				for _, g := range l.place(bx.face, ln, size, x, bx.x1-bx.x0-2*pad, false, false) {
					g.y = top + float64(k)*lh + baseline(lh, size)
					gl = append(gl, g)
				}
			}
			it.runs = append(it.runs, run{role: role, glyphs: gl})
		}
		return it
	}
	header := -1
	if hr > 0 {
		boxes, hs := cellsOf(MergeHeader(b.Rows, hr), FaceHei, func(int) bool { return false })
		it := toItem(boxes, hs, "TH")
		it.isHeader, it.row, it.keep = true, true, 1
		header = len(l.items)
		l.items = append(l.items, it)
	}
	for r := hr; r < len(b.Rows); r++ {
		var sp []Span
		for c := 0; c < cols; c++ {
			text := ""
			if c < len(b.Rows[r]) {
				text = b.Rows[r][c]
			}
			sp = append(sp, Span{Col: c, Rows: 1, Cols: 1, Text: text})
		}
		boxes, hs := cellsOf(sp, FaceSong, func(c int) bool { return c == 0 })
		it := toItem(boxes, hs, "TD")
		it.row, it.header = true, header
		l.items = append(l.items, it)
	}
	// a blank line of body height after the table
	l.items = append(l.items, item{block: idx, h: l.g.pitch / 2, blank: true, header: -1})
}
