package server_test

import (
	"fmt"
	"strconv"
	"testing"

	"fuyi/internal/date"
	"fuyi/internal/testapp"
)

// TestETagAndIfMatch: a record's answer carries ETag "<version>"; If-None-Match with it answers 304;
// If-Match is the version check of an action (412 and nothing done when stale, done when current); If-Match
// where there is no version to compare, or disagreeing with the body's version, is 400.
func TestETagAndIfMatch(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-10-10"))
	id := a.AcceptedCase(t, "ordinary")
	path := fmt.Sprintf("/api/v1/cases/%d", id)
	chief := a.Login("chief1")

	r := a.Do("GET", path, chief, nil)
	v := a.Case(t, "chief1", id).Version
	if tag := r.Header.Get("ETag"); tag != strconv.Quote(strconv.Itoa(v)) {
		t.Fatalf("ETag %q, version %d", tag, v)
	}
	if r := a.Do("GET", path, chief, nil, "If-None-Match", strconv.Quote(strconv.Itoa(v))); r.Status != 304 || len(r.Body) != 0 {
		t.Errorf("If-None-Match current: %d %q", r.Status, r.Body)
	}
	if r := a.Do("GET", path, chief, nil, "If-None-Match", `"999"`); r.Status != 200 {
		t.Errorf("If-None-Match other: %d", r.Status)
	}

	body := map[string]any{"complex": true, "reason": "案情复杂"}
	r = a.Do("POST", path+"/complexity", chief, body, "If-Match", strconv.Quote(strconv.Itoa(v-1)))
	if r.Status != 412 || r.ErrorCode(t) != "precondition_failed" {
		t.Fatalf("stale If-Match: %d %s", r.Status, r.Body)
	}
	if now := a.Case(t, "chief1", id).Version; now != v {
		t.Fatalf("a refused If-Match changed the case: version %d → %d", v, now)
	}
	r = a.Do("POST", path+"/complexity", chief, body, "If-Match", strconv.Quote(strconv.Itoa(v)))
	if r.Status != 200 {
		t.Fatalf("current If-Match: %d %s", r.Status, r.Body)
	}
	nv := a.Case(t, "chief1", id).Version
	if nv == v || r.Header.Get("ETag") != strconv.Quote(strconv.Itoa(nv)) {
		t.Errorf("after the action: ETag %q, version %d (was %d)", r.Header.Get("ETag"), nv, v)
	}
	// the body's version still answers 409 as before; If-Match disagreeing with it is a malformed request
	if r := a.Do("POST", path+"/complexity", chief, map[string]any{"complex": false, "reason": "不复杂", "version": v}); r.Status != 409 {
		t.Errorf("stale body version: %d %s", r.Status, r.Body)
	}
	if r := a.Do("POST", path+"/complexity", chief, map[string]any{"complex": false, "reason": "不复杂", "version": nv},
		"If-Match", strconv.Quote(strconv.Itoa(nv+1))); r.Status != 400 || r.ErrorCode(t) != "request.if_match" {
		t.Errorf("If-Match against the body's version: %d %s", r.Status, r.Body)
	}
	for _, bad := range []string{"abc", `"0"`, `"1", "2"`} {
		if r := a.Do("POST", path+"/complexity", chief, body, "If-Match", bad); r.Status != 400 {
			t.Errorf("If-Match %s: %d %s", bad, r.Status, r.Body)
		}
	}
	// a room has no version: If-Match cannot be honoured
	if r := a.Do("POST", "/api/v1/rooms", chief, map[string]any{"name": "第九听证室", "location": "九楼"}, "If-Match", `"3"`); r.Status != 400 {
		t.Errorf("If-Match without a version: %d %s", r.Status, r.Body)
	}

	// lawsuits too
	r = a.Do("POST", "/api/v1/lawsuits", a.Login("officer1"), map[string]any{"court": "某法院", "court_case_no": "（2025）苏0113行初7号",
		"instance": "first", "defendant_agency_id": 1, "reconsideration_organ_defendant": false, "plaintiff": "甲", "cause": "乙",
		"complaint_received_on": "2025-10-01"})
	if r.Status != 201 || r.Header.Get("ETag") == "" {
		t.Fatalf("lawsuit: %d ETag %q %s", r.Status, r.Header.Get("ETag"), r.Body)
	}
	lpath := r.Header.Get("Location")
	stale := r.Header.Get("ETag")
	if r := a.Do("POST", lpath+"/answer", a.Login("officer1"), map[string]any{"filed_on": "2025-10-08"}, "If-Match", stale); r.Status != 200 {
		t.Fatalf("answer with current If-Match: %d %s", r.Status, r.Body)
	}
	if r := a.Do("POST", lpath+"/answer", a.Login("officer1"), map[string]any{"filed_on": "2025-10-09"}, "If-Match", stale); r.Status != 412 {
		t.Errorf("answer with stale If-Match: %d %s", r.Status, r.Body)
	}
}

// TestIdempotencyKeys: a POST retried with its Idempotency-Key creates nothing twice (a lawsuit, a hearing);
// the same key with another body is refused; a refused request does not use its key up.
func TestIdempotencyKeys(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-10-10"))
	officer := a.Login("officer1")
	lawsuit := func(no string) map[string]any {
		return map[string]any{"court": "某法院", "court_case_no": no, "instance": "first", "defendant_agency_id": 1,
			"reconsideration_organ_defendant": false, "plaintiff": "甲", "cause": "乙", "complaint_received_on": "2025-10-01"}
	}
	count := func(no string) (n int) {
		if err := a.DB.Get(&n, `SELECT count(*) FROM lawsuits WHERE court_case_no = $1`, no); err != nil {
			t.Fatal(err)
		}
		return n
	}
	first := a.Do("POST", "/api/v1/lawsuits", officer, lawsuit("（2025）苏0113行初11号"), "Idempotency-Key", "L-1")
	again := a.Do("POST", "/api/v1/lawsuits", officer, lawsuit("（2025）苏0113行初11号"), "Idempotency-Key", "L-1")
	if first.Status != 201 || again.Status != 201 || string(again.Body) != string(first.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry: %d/%d replayed=%q", first.Status, again.Status, again.Header.Get("Idempotent-Replayed"))
	}
	if n := count("（2025）苏0113行初11号"); n != 1 {
		t.Fatalf("%d lawsuits after a retried registration", n)
	}
	// another user's key of the same name is another key
	if r := a.Do("POST", "/api/v1/lawsuits", a.Login("chief1"), lawsuit("（2025）苏0113行初12号"), "Idempotency-Key", "L-1"); r.Status != 201 {
		t.Errorf("another user's key: %d %s", r.Status, r.Body)
	}
	// the same key for another request
	if r := a.Do("POST", "/api/v1/lawsuits", officer, lawsuit("（2025）苏0113行初13号"), "Idempotency-Key", "L-1"); r.Status != 409 || r.ErrorCode(t) != "idempotency.key_reused" {
		t.Errorf("key reused: %d %s", r.Status, r.Body)
	}
	// refused (422: no court), then sent right with the same key: created once
	bad := lawsuit("（2025）苏0113行初14号")
	bad["court"] = ""
	if r := a.Do("POST", "/api/v1/lawsuits", officer, bad, "Idempotency-Key", "L-2"); r.Status != 422 {
		t.Fatalf("refused: %d %s", r.Status, r.Body)
	}
	if r := a.Do("POST", "/api/v1/lawsuits", officer, lawsuit("（2025）苏0113行初14号"), "Idempotency-Key", "L-2"); r.Status != 201 {
		t.Errorf("after a refusal the key is free: %d %s", r.Status, r.Body)
	}

	// a court session retried: one session
	id := a.AcceptedCase(t, "ordinary")
	hearing := map[string]any{"starts_at": "2025-10-20T09:00:00+08:00", "ends_at": "2025-10-20T11:00:00+08:00", "notified_on": "2025-10-10",
		"location": "第二听证室", "host_id": a.UserID("chief1"), "panel_ids": []int64{a.UserID("officer1"), a.UserID("officer2")},
		"clerk_id": a.UserID("clerk1")}
	for range 3 {
		if r := a.Do("POST", fmt.Sprintf("/api/v1/cases/%d/hearings", id), a.Login("chief1"), hearing, "Idempotency-Key", "H-1"); r.Status != 201 {
			t.Fatalf("hearing: %d %s", r.Status, r.Body)
		}
	}
	var n int
	if err := a.DB.Get(&n, `SELECT count(*) FROM hearings WHERE case_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d hearings after three sends with one key", n)
	}
}
