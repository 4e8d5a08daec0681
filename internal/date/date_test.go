package date

import "testing"

// TestParse: only real dates in the strict form pass; the year 0000 exists neither in the Gregorian calendar
// nor in PostgreSQL (which refused it with a 500 before).
func TestParse(t *testing.T) {
	for s, ok := range map[string]bool{
		"2025-09-26": true, "2024-02-29": true, "0001-01-01": true, "9999-12-31": true,
		"2025-02-29": false, "2025-02-30": false, "2025-04-31": false, "2025-13-01": false, "2025-00-10": false,
		"0000-01-01": false, "2025-9-26": false, "20250926": false, "2025-09-26T00:00": false, " 2025-09-26": false,
		"99999-01-01": false, "": false, "２０２５-09-26": false,
	} {
		if _, err := Parse(s); (err == nil) != ok {
			t.Errorf("Parse(%q): %v, want ok=%v", s, err, ok)
		}
	}
}
