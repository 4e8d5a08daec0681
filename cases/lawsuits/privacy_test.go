package lawsuits_test

import (
	"strconv"
	"strings"
	"testing"

	"fuyi/internal/date"
	"fuyi/internal/testapp"
)

// TestRegistrationRevealsNoInvisibleLawsuit (issue 17): an officer registering a lawsuit learns nothing of a
// lawsuit they may not see: linking it as the previous instance answers exactly as for an id that does not
// exist, and a taken 案号 is refused without anything of that lawsuit but the number typed.
func TestRegistrationRevealsNoInvisibleLawsuit(t *testing.T) {
	a := testapp.New(t, date.MustParse("2026-11-22"))
	first := testapp.Lawsuit("（2026）苏0113行初7号", "first", 1, false, "2026-11-02")
	first["plaintiff"] = "秘密原告有限公司"
	r := a.Do("POST", "/api/v1/lawsuits", a.Login("officer1"), first)
	if r.Status != 201 {
		t.Fatalf("officer1 registers: %d %s", r.Status, r.Body)
	}
	var l testapp.LawsuitView
	r.JSON(t, &l)
	if r := a.Do("GET", "/api/v1/lawsuits/"+itoa(l.ID), a.Login("officer2"), nil); r.Status != 404 {
		t.Fatalf("officer2 must not see officer1's lawsuit: %d", r.Status)
	}
	for _, instance := range []string{"second", "first"} {
		no := "（2026）苏01行终3号"
		if instance == "first" {
			no = "（2026）苏0113行初8号"
		}
		answers := []string{}
		for _, prev := range []int64{l.ID, 99999} {
			b := testapp.Lawsuit(no, instance, 1, false, "2026-11-10")
			b["previous_lawsuit_id"] = prev
			r := a.Do("POST", "/api/v1/lawsuits", a.Login("officer2"), b)
			if r.Status != 422 {
				t.Fatalf("%s instance linked to lawsuit %d by officer2: %d %s", instance, prev, r.Status, r.Body)
			}
			answers = append(answers, string(r.Body))
		}
		if answers[0] != answers[1] {
			t.Errorf("%s instance: an invisible lawsuit answers otherwise than a missing one:\n%s\n%s", instance, answers[0], answers[1])
		}
	}
	// officer1 may link their own
	b := testapp.Lawsuit("（2026）苏01行终3号", "second", 1, false, "2026-11-10")
	b["previous_lawsuit_id"] = l.ID
	if r := a.Do("POST", "/api/v1/lawsuits", a.Login("officer1"), b); r.Status != 201 {
		t.Fatalf("officer1 links their lawsuit: %d %s", r.Status, r.Body)
	}
	r = a.Do("POST", "/api/v1/lawsuits", a.Login("officer2"), testapp.Lawsuit("（2026）苏0113行初7号", "first", 1, false, "2026-11-02"))
	if r.Status != 409 || strings.Contains(string(r.Body), "秘密原告") || strings.Contains(string(r.Body), `"id"`) {
		t.Fatalf("taken 案号: %d %s", r.Status, r.Body)
	}
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }
