package organs_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"fuyi/internal/date"
	"fuyi/internal/demo"
	"fuyi/internal/pdf/pdftext"
	"fuyi/internal/testapp"
)

var today = date.MustParse("2025-10-20")

// 一案一号 per organ: two organs accept at the same time; each organ's case numbers carry its own 代字 and
// run 1…n without a gap or a repeat in the year, and so do the 文号 of the documents issued at acceptance
// (受理通知书 宁政复受〔2025〕k号); each document is on its organ's letterhead.
func TestCaseNumbersGaplessPerOrganUnderConcurrentAcceptance(t *testing.T) {
	a := testapp.New(t, today)
	const n = 10
	type organCase struct {
		chief string
		id    int64
	}
	var all []organCase
	agencyA, agencyB := a.AgencyIn(demo.FirstOrgan), a.AgencyIn(demo.SecondOrgan)
	for i := 0; i < n; i++ {
		all = append(all, organCase{"chief1", a.RegisterAt("window1", "2025-09-26", agencyA)},
			organCase{"chief2", a.RegisterAt("window3", "2025-09-26", agencyB)})
	}
	toks := map[string]string{"chief1": a.Login("chief1"), "chief2": a.Login("chief2")}
	var wg sync.WaitGroup
	for _, c := range all {
		wg.Add(1)
		go func(c organCase) {
			defer wg.Done()
			r := a.Do("POST", fmt.Sprintf("/api/v1/cases/%d/review", c.id), toks[c.chief],
				map[string]any{"outcome": "accept", "on": "2025-09-30", "procedure": "ordinary"})
			if r.Status != 200 {
				t.Errorf("accept %d as %s: %d %s", c.id, c.chief, r.Status, r.Body)
			}
		}(c)
	}
	wg.Wait()
	for _, o := range []struct{ code, prefix, name, other string }{
		{demo.FirstOrgan, "栖政复", "南京市栖霞区人民政府", "南京市人民政府"},
		{demo.SecondOrgan, "宁政复", "南京市人民政府", "栖霞区"},
	} {
		var nos []string
		if err := a.DB.Select(&nos, `SELECT c.case_no FROM cases c JOIN organ o ON o.id = c.organ_id
			WHERE o.code = $1 AND c.case_year = 2025 ORDER BY c.case_serial`, o.code); err != nil {
			t.Fatal(err)
		}
		var docs []string
		if err := a.DB.Select(&docs, `SELECT d.doc_no FROM issued_documents d JOIN organ o ON o.id = d.organ_id
			WHERE o.code = $1 AND d.type = 'acceptance' ORDER BY d.doc_no`, o.code); err != nil {
			t.Fatal(err)
		}
		if len(nos) != n || len(docs) != n {
			t.Fatalf("organ %s: %d case numbers, %d acceptance notices, want %d", o.code, len(nos), len(docs), n)
		}
		want := map[string]bool{}
		wantDocs := map[string]bool{}
		for k := 1; k <= n; k++ {
			want[fmt.Sprintf("%s〔2025〕%d号", o.prefix, k)] = true
			wantDocs[fmt.Sprintf("%s受〔2025〕%d号", o.prefix, k)] = true
		}
		for i, no := range nos {
			if no != fmt.Sprintf("%s〔2025〕%d号", o.prefix, i+1) {
				t.Errorf("organ %s: case numbers %v, want %s〔2025〕1号…%d号 gapless", o.code, nos, o.prefix, n)
				break
			}
		}
		for _, d := range docs {
			if !wantDocs[d] {
				t.Errorf("organ %s: acceptance notice %s outside %s受〔2025〕1…%d号", o.code, d, o.prefix, n)
			}
			delete(wantDocs, d)
		}
		// the letterhead: the organ's own name on its notice, never the other's
		var id int64
		if err := a.DB.Get(&id, `SELECT c.id FROM cases c JOIN organ o ON o.id = c.organ_id WHERE o.code = $1 LIMIT 1`, o.code); err != nil {
			t.Fatal(err)
		}
		chief := map[string]string{demo.FirstOrgan: "chief1", demo.SecondOrgan: "chief2"}[o.code]
		r := a.Do("GET", fmt.Sprintf("/api/v1/cases/%d/documents/acceptance.pdf", id), a.Login(chief), nil)
		if r.Status != 200 {
			t.Fatalf("organ %s: acceptance notice: %d %s", o.code, r.Status, r.Body)
		}
		text := pdftext.Extract(t, r.Body)
		if !strings.Contains(text, o.name) || strings.Contains(text, o.other) || !strings.Contains(text, o.prefix) {
			t.Errorf("organ %s: the acceptance notice is not on its letterhead (%s, %s):\n%s", o.code, o.name, o.prefix, text)
		}
	}
}

// The supervising role (city1 of 南京市司法局) reads, for each organ under it, exactly the figures of that
// organ's own report (as its bureau reads them), and their sum; it reads no case.
func TestSupervisorSumsEqualTheOrgansOwnReports(t *testing.T) {
	a := testapp.New(t, today)
	a.RequireRowSecurity()
	agencyA, agencyB := a.AgencyIn(demo.FirstOrgan), a.AgencyIn(demo.SecondOrgan)
	var caseA int64
	for i := 0; i < 3; i++ {
		caseA = a.RegisterAt("window1", "2025-09-10", agencyA)
		if i < 2 {
			if r := a.AcceptAs("chief1", caseA, "2025-09-15"); r.Status != 200 {
				t.Fatalf("accept: %d %s", r.Status, r.Body)
			}
		}
	}
	for i := 0; i < 2; i++ {
		c := a.RegisterAt("window3", "2025-09-11", agencyB)
		if r := a.AcceptAs("chief2", c, "2025-09-16"); r.Status != 200 {
			t.Fatalf("accept in organ B: %d %s", r.Status, r.Body)
		}
	}
	if r := a.Do("POST", "/api/v1/lawsuits", a.Login("bureau2"), map[string]any{"court": "南京市中级人民法院", "court_case_no": "（2025）苏01行初9号",
		"instance": "first", "defendant_agency_id": agencyB, "reconsideration_organ_defendant": true, "plaintiff": "甲", "cause": "乙",
		"complaint_received_on": "2025-09-05"}); r.Status != 201 {
		t.Fatalf("lawsuit in organ B: %d %s", r.Status, r.Body)
	}
	type report struct {
		Total struct {
			Received, Accepted, Rejected, Concluded, Open int
			Carried                                       int `json:"carried_over"`
		} `json:"total"`
		Litigation struct {
			Stats struct{ Received, Concluded, Lost int } `json:"stats"`
		} `json:"litigation"`
	}
	own := map[string]report{}
	for code, bureau := range map[string]string{demo.FirstOrgan: "bureau1", demo.SecondOrgan: "bureau2"} {
		var rep report
		r := a.Do("GET", "/api/v1/reports/2025-09", a.Login(bureau), nil)
		if r.Status != 200 {
			t.Fatalf("%s's own report: %d %s", bureau, r.Status, r.Body)
		}
		r.JSON(t, &rep)
		own[code] = rep
	}
	if own[demo.FirstOrgan].Total.Received != 3 || own[demo.SecondOrgan].Total.Received != 2 || own[demo.SecondOrgan].Litigation.Stats.Received != 1 {
		t.Fatalf("the organs' own reports: %+v", own)
	}
	var ov struct {
		Organs []struct {
			Organ struct {
				Code string `json:"code"`
			} `json:"organ"`
			Reconsideration struct {
				Received, Accepted, Rejected, Concluded, Open int
				Carried                                       int `json:"carried_over"`
			} `json:"reconsideration"`
			Litigation struct{ Received, Concluded, Lost int } `json:"litigation"`
		} `json:"organs"`
		Sum struct {
			Reconsideration struct{ Received, Accepted, Rejected, Concluded, Open int } `json:"reconsideration"`
			Litigation      struct{ Received, Concluded, Lost int }                     `json:"litigation"`
		} `json:"sum"`
	}
	r := a.Do("GET", "/api/v1/oversight/2025-09", a.Login("city1"), nil)
	if r.Status != 200 {
		t.Fatalf("oversight: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &ov)
	if len(ov.Organs) != 2 {
		t.Fatalf("the supervisor sees %d organs, want both", len(ov.Organs))
	}
	var received, accepted, lawsuits int
	for _, o := range ov.Organs {
		mine := own[o.Organ.Code]
		if o.Reconsideration.Received != mine.Total.Received || o.Reconsideration.Accepted != mine.Total.Accepted ||
			o.Reconsideration.Rejected != mine.Total.Rejected || o.Reconsideration.Concluded != mine.Total.Concluded ||
			o.Reconsideration.Open != mine.Total.Open || o.Reconsideration.Carried != mine.Total.Carried ||
			o.Litigation.Received != mine.Litigation.Stats.Received || o.Litigation.Lost != mine.Litigation.Stats.Lost {
			t.Errorf("organ %s: the supervisor reads %+v %+v, the organ's own report says %+v", o.Organ.Code, o.Reconsideration, o.Litigation, mine)
		}
		received += mine.Total.Received
		accepted += mine.Total.Accepted
		lawsuits += mine.Litigation.Stats.Received
	}
	if ov.Sum.Reconsideration.Received != received || ov.Sum.Reconsideration.Accepted != accepted || ov.Sum.Litigation.Received != lawsuits {
		t.Errorf("sum %+v %+v, want received %d accepted %d lawsuits %d", ov.Sum.Reconsideration, ov.Sum.Litigation, received, accepted, lawsuits)
	}
	// no case file, no list of cases; the organs' own users do not read the supervisor's view
	for _, p := range []string{fmt.Sprintf("/api/v1/cases/%d", caseA), "/api/v1/cases", "/api/v1/lawsuits", fmt.Sprintf("/cases/%d", caseA)} {
		if r := a.Do("GET", p, a.Login("city1"), nil); r.Status != 403 {
			t.Errorf("supervisor GET %s: %d, want 403", p, r.Status)
		}
	}
	if r := a.Do("GET", "/api/v1/oversight/2025-09", a.Login("bureau2"), nil); r.Status != 403 {
		t.Errorf("bureau2 reads the supervisor's view: %d", r.Status)
	}
	if r := a.Do("GET", "/oversight?period=2025-09", a.Login("city1"), nil); r.Status != 200 || !strings.Contains(string(r.Body), "南京市栖霞区人民政府") {
		t.Errorf("oversight page: %d", r.Status)
	}
}
