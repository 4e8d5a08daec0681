package cases

import (
	"encoding/json"
	"testing"

	"fuyi/internal/apperr"
	"fuyi/internal/date"
)

// Any JSON body either fails to decode or validates without panicking; a failure always names fields.
func FuzzIntakeJSON(f *testing.F) {
	f.Add(`{"received_on":"2025-09-26","applicants":[{"kind":"person","name":"张三","id_number":"11010519491231002X"}],"respondent_agency_id":1,"act":{"title":"决定","known_on":"2025-09-01","matter":"行政处罚"},"requests":"撤销"}`)
	f.Add(`{"applicants":[{"kind":"org","credit_code":"91350100M000100Y43"}],"act":{"made_on":"2025-02-30"}}`)
	f.Add(`{"received_on":"9999-99-99","applicants":[{}, {"kind":"x"}],"materials":["", "a"]}`)
	f.Fuzz(func(t *testing.T, body string) {
		var a Application
		if json.Unmarshal([]byte(body), &a) != nil {
			return
		}
		v, err := a.Validate(date.MustParse("2026-11-22"))
		if err != nil {
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.Invalid || len(e.Fields) == 0 {
				t.Fatalf("validation error without fields: %v", err)
			}
			return
		}
		if v.ReceivedOn.IsZero() || len(v.Applicants) == 0 {
			t.Fatalf("accepted an application without date or applicant: %+v", v)
		}
	})
}
