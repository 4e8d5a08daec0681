package cases

import "fmt"

// RateValue is a rate with what it is made of (DOMAIN.md §8: store numerators and denominators, print the 口径).
type RateValue struct {
	Numerator   int      `json:"numerator"`
	Denominator int      `json:"denominator"`
	Value       *float64 `json:"value"` // null when the denominator is 0
	Basis       string   `json:"basis"`
	Target      string   `json:"target,omitempty"`
	Flag        bool     `json:"flag"` // the target is missed
}

// NewRate builds a rate; missed tells whether the value misses the target.
func NewRate(num, den int, basis, target string, missed func(v float64) bool) RateValue {
	r := RateValue{Numerator: num, Denominator: den, Basis: basis, Target: target}
	if den > 0 {
		v := float64(num) / float64(den)
		r.Value = &v
		if missed != nil {
			r.Flag = missed(v)
		}
	}
	return r
}

// Percent formats the value for pages.
func (r RateValue) Percent() string {
	if r.Value == nil {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", *r.Value*100)
}
