package reports

import (
	"fmt"
	"html/template"
	"strings"
)

// Bar is one bar of a chart.
type Bar struct {
	Label string
	Value float64
	Text  string
	Flag  bool
}

// BarChart draws horizontal bars as inline SVG (no scripts, no CDN).
func BarChart(title string, bars []Bar) template.HTML {
	const w, labelW, barH, gap = 640.0, 180.0, 18.0, 8.0
	h := 30 + float64(len(bars))*(barH+gap)
	max := 0.0
	for _, b := range bars {
		if b.Value > max {
			max = b.Value
		}
	}
	var s strings.Builder
	fmt.Fprintf(&s, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" width="100%%" role="img" aria-label="%s">`, w, h, template.HTMLEscapeString(title))
	fmt.Fprintf(&s, `<text x="0" y="16" font-size="14" font-weight="bold">%s</text>`, template.HTMLEscapeString(title))
	for i, b := range bars {
		y := 30 + float64(i)*(barH+gap)
		bw := 0.0
		if max > 0 {
			bw = b.Value / max * (w - labelW - 80)
		}
		color := "#3867b5"
		if b.Flag {
			color = "#b0101c"
		}
		fmt.Fprintf(&s, `<text x="%.0f" y="%.0f" font-size="12" text-anchor="end">%s</text>`, labelW-6, y+13, template.HTMLEscapeString(b.Label))
		fmt.Fprintf(&s, `<rect x="%.0f" y="%.0f" width="%.1f" height="%.0f" fill="%s"/>`, labelW, y, bw, barH, color)
		fmt.Fprintf(&s, `<text x="%.1f" y="%.0f" font-size="12">%s</text>`, labelW+bw+4, y+13, template.HTMLEscapeString(b.Text))
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

// TrendChart draws received and concluded per month as grouped columns.
func TrendChart(title string, trend []Trend) template.HTML {
	const w, h, left, bottom = 640.0, 240.0, 40.0, 40.0
	max := 1
	for _, t := range trend {
		if t.Received > max {
			max = t.Received
		}
		if t.Concluded > max {
			max = t.Concluded
		}
	}
	var s strings.Builder
	fmt.Fprintf(&s, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" width="100%%" role="img" aria-label="%s">`, w, h, template.HTMLEscapeString(title))
	fmt.Fprintf(&s, `<text x="0" y="16" font-size="14" font-weight="bold">%s</text>`, template.HTMLEscapeString(title))
	fmt.Fprintf(&s, `<rect x="%.0f" y="24" width="10" height="10" fill="#3867b5"/><text x="%.0f" y="33" font-size="11">收到</text>`, w-120, w-106)
	fmt.Fprintf(&s, `<rect x="%.0f" y="24" width="10" height="10" fill="#e0a100"/><text x="%.0f" y="33" font-size="11">审结</text>`, w-60, w-46)
	plotH := h - bottom - 44
	slot := (w - left) / float64(max1(len(trend)))
	for i, t := range trend {
		x := left + float64(i)*slot
		for j, v := range []int{t.Received, t.Concluded} {
			bh := float64(v) / float64(max) * plotH
			color := []string{"#3867b5", "#e0a100"}[j]
			fmt.Fprintf(&s, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %d</title></rect>`,
				x+4+float64(j)*(slot-8)/2, h-bottom-bh, (slot-8)/2-1, bh, color, t.Month, v)
		}
		fmt.Fprintf(&s, `<text x="%.1f" y="%.0f" font-size="10" text-anchor="middle">%s</text>`, x+slot/2, h-bottom+14, t.Month[5:])
	}
	fmt.Fprintf(&s, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="#888"/>`, left, h-bottom, w, h-bottom)
	fmt.Fprintf(&s, `<text x="0" y="%.0f" font-size="10">%d</text>`, h-bottom-plotH+4, max)
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}

// Charts are the three charts of a report page.
type Charts struct {
	Trend, Outcomes, AgencyLoss template.HTML
}

// Charts draws the monthly trend, the outcome mix and the per-agency 败诉率.
func (r *Report) Charts() Charts {
	var outcomes []Bar
	for _, o := range Outcomes {
		n := r.Total.ByOutcome[o.Key]
		outcomes = append(outcomes, Bar{Label: o.Label, Value: float64(n), Text: fmt.Sprint(n)})
	}
	var loss []Bar
	for _, a := range r.Litigation.Stats.Agencies {
		v := 0.0
		if a.LossRate.Value != nil {
			v = *a.LossRate.Value * 100
		}
		loss = append(loss, Bar{Label: a.Agency, Value: v, Text: fmt.Sprintf("%s（%d/%d）", a.LossRate.Percent(), a.Lost, a.Concluded), Flag: v > 8})
	}
	return Charts{Trend: TrendChart("近12个月收案与审结", r.Trend), Outcomes: BarChart("审结方式构成", outcomes),
		AgencyLoss: BarChart("各被告机关行政诉讼败诉率", loss)}
}
