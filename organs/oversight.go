package organs

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"fuyi/cases"
	"fuyi/internal/database"
	"fuyi/reports"
)

// Figures are one organ's statistics as a supervisor reads them: the total row of its 行政复议 table and its
// 行政应诉 counts (出庭, 败诉), computed exactly as the organ's own report (reports.Compute bound to the organ).
type Figures struct {
	Organ           Organ       `json:"organ"`
	Reconsideration reports.Row `json:"reconsideration"`
	Litigation      Litigation  `json:"litigation"`
}

// Litigation are the 应诉 counts: lawsuits received and concluded, lost (败诉), and the principal's
// appearance in court (出庭: sessions the head attended of those needing it).
type Litigation struct {
	Received       int             `json:"received"`
	Concluded      int             `json:"concluded"`
	Lost           int             `json:"lost"`
	LossRate       cases.RateValue `json:"loss_rate"`
	AppearanceRate cases.RateValue `json:"head_appearance_rate"`
}

// Oversight is the supervisor's view of a period: the organs under it side by side, and their sum.
type Oversight struct {
	Period reports.Period `json:"period"`
	Organs []Figures      `json:"organs"`
	Sum    Figures        `json:"sum"`
}

// ComputeOversight computes the figures of every organ under the supervisor's organ, each bound to that
// organ (so each is the organ's own report, never a case file), and sums them.
func ComputeOversight(ctx context.Context, db *sqlx.DB, supervisorOrgan int, p reports.Period) (*Oversight, error) {
	os, err := Under(database.System(ctx), db, supervisorOrgan)
	if err != nil {
		return nil, err
	}
	out := &Oversight{Period: p, Sum: Figures{Organ: Organ{Name: "合计"}, Reconsideration: reports.Row{Label: "合计", ByOutcome: map[string]int{}}}}
	for _, o := range os {
		r, err := reports.Compute(database.WithOrgan(ctx, o.ID), db, p, false)
		if err != nil {
			return nil, fmt.Errorf("organs: figures of %s: %w", o.Code, err)
		}
		f := Figures{Organ: o, Reconsideration: r.Total}
		if s := r.Litigation.Stats; s != nil {
			f.Litigation = Litigation{Received: s.Received, Concluded: s.Concluded, Lost: s.Lost, LossRate: s.LossRate, AppearanceRate: s.AppearanceRate}
		}
		out.Organs = append(out.Organs, f)
		add(&out.Sum, f)
	}
	out.Sum.Reconsideration.CorrectionRate = sumRate(out.Sum.Reconsideration.CorrectionRate)
	out.Sum.Litigation.LossRate = sumRate(out.Sum.Litigation.LossRate)
	out.Sum.Litigation.AppearanceRate = sumRate(out.Sum.Litigation.AppearanceRate)
	return out, nil
}

// add adds an organ's counts to the sum (rates: numerators and denominators; the value is recomputed).
func add(s *Figures, f Figures) {
	a, b := &s.Reconsideration, f.Reconsideration
	a.Carried += b.Carried
	a.Received += b.Received
	a.Accepted += b.Accepted
	a.Rejected += b.Rejected
	a.Informed += b.Informed
	a.Transferred += b.Transferred
	a.Concluded += b.Concluded
	for k, n := range b.ByOutcome {
		a.ByOutcome[k] += n
	}
	a.Open += b.Open
	a.Corrective += b.Corrective
	a.ByDecision += b.ByDecision
	a.Simplified += b.Simplified
	a.OpinionsIssued += b.OpinionsIssued
	a.OpinionsReported += b.OpinionsReported
	addRate(&a.CorrectionRate, b.CorrectionRate)
	l, m := &s.Litigation, f.Litigation
	l.Received += m.Received
	l.Concluded += m.Concluded
	l.Lost += m.Lost
	addRate(&l.LossRate, m.LossRate)
	addRate(&l.AppearanceRate, m.AppearanceRate)
}

func addRate(r *cases.RateValue, x cases.RateValue) {
	r.Numerator += x.Numerator
	r.Denominator += x.Denominator
	r.Basis = x.Basis
	r.Target = x.Target
}

// sumRate recomputes the value of a summed rate (the target flag is the organs' own business).
func sumRate(r cases.RateValue) cases.RateValue {
	r.Value = nil
	if r.Denominator > 0 {
		v := float64(r.Numerator) / float64(r.Denominator)
		r.Value = &v
	}
	r.Flag = false
	return r
}
