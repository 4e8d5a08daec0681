package cases

import (
	"context"

	"fuyi/internal/calendar"
)

// PreviewWaiting tells, changing nothing, which deadlines of the cases RecomputeWaiting would recompute
// would get another due date with cal (the bureau's calendar editor shows it before saving). It reads at
// most limit cases; more reports that others were left out.
func (s *Service) PreviewWaiting(ctx context.Context, cal *calendar.Calendar, limit int) (int, []calendar.Change, bool, error) {
	st := NewStore(s.DB)
	ids, err := st.Waiting(ctx)
	if err != nil {
		return 0, nil, false, err
	}
	more := len(ids) > limit
	if more {
		ids = ids[:limit]
	}
	var out []calendar.Change
	for _, id := range ids {
		sn, err := st.snapshot(ctx, id)
		if err != nil {
			return 0, nil, false, err
		}
		ds, err := Compute(cal, sn.facts())
		if err != nil {
			return 0, nil, false, err
		}
		before := dueMap(sn.Deadlines)
		after := dueMap(ds)
		record := sn.Case.RegistrationNo
		if sn.Case.CaseNo != nil {
			record = *sn.Case.CaseNo
		}
		seen := map[string]bool{}
		for _, d := range ds {
			if a, ok := after[d.Kind]; ok && before[d.Kind] != a && !seen[d.Kind] {
				seen[d.Kind] = true
				b := before[d.Kind]
				if b == "" {
					b = "—"
				}
				out = append(out, calendar.Change{Record: record, Deadline: DeadlineLabel(d.Kind), Before: b, After: a})
			}
		}
	}
	return len(ids), out, more, nil
}
