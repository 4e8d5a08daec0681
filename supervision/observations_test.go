package supervision_test

import (
	"testing"

	"fuyi/internal/date"
	"fuyi/internal/testapp"
	"fuyi/supervision"
)

// A 旁听 event counts for each attendee's agency (once per event, however many came), the 负责人 separately,
// and for the government's leaders; the plan's “at least once a year” is met only by leaders.
func TestObservationCountsPerAgency(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-12-01"))
	b := a.Login("bureau1")
	market := agencyID(t, a, "南京市栖霞区市场监督管理局")
	police := agencyID(t, a, "南京市公安局栖霞分局")
	post := func(held string, attendees ...map[string]any) *testapp.Response {
		return a.Do("POST", "/api/v1/observations", b, map[string]any{"court": "南京市栖霞区人民法院", "held_on": held, "cause": "行政处罚",
			"notes": "庭后点评：证据链不完整。", "attendees": attendees})
	}
	att := func(agency int, name, rank string) map[string]any {
		return map[string]any{"agency_id": agency, "name": name, "rank": rank}
	}
	if r := post("2025-06-01", att(0, "某区长", "principal")); r.Status != 422 {
		t.Fatalf("a principal without agency: %d %s", r.Status, r.Body)
	}
	if r := post("2025-06-01"); r.Status != 422 {
		t.Fatalf("no attendees: %d", r.Status)
	}
	if r := post("2025-06-01", att(market, "甲", "principal"), att(market, "乙", "officer"), att(police, "丙", "officer"), att(0, "某副区长", "government_leader")); r.Status != 201 {
		t.Fatalf("observation: %d %s", r.Status, r.Body)
	}
	if r := post("2025-09-01", att(market, "丁", "officer")); r.Status != 201 {
		t.Fatalf("observation: %d %s", r.Status, r.Body)
	}
	if r := post("2024-09-01", att(police, "戊", "deputy")); r.Status != 201 { // another year
		t.Fatalf("observation: %d %s", r.Status, r.Body)
	}
	r := a.Do("GET", "/api/v1/observations/counts?year=2025", b, nil)
	var out struct {
		Items []supervision.ObservationCount `json:"items"`
	}
	r.JSON(t, &out)
	got := map[string]supervision.ObservationCount{}
	for _, c := range out.Items {
		got[c.AgencyName] = c
	}
	check := func(name string, events, attendances, leader int, met bool) {
		t.Helper()
		c := got[name]
		if c.Events != events || c.Attendances != attendances || c.LeaderEvents != leader || c.PlanMet != met {
			t.Errorf("%s: %+v, want %d events, %d attendances, %d leader events, met %v", name, c, events, attendances, leader, met)
		}
	}
	check("南京市栖霞区市场监督管理局", 2, 3, 1, true)
	check("南京市公安局栖霞分局", 1, 1, 0, false)
	check("本级政府领导", 1, 1, 1, true)
	check("南京市栖霞区尧化街道办事处", 0, 0, 0, false)
	if out.Items[0].AgencyName != "本级政府领导" {
		t.Errorf("the government's line is not first: %+v", out.Items[0])
	}
}
