package cases_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"testing"

	"fuyi/internal/demo"
	"fuyi/internal/testapp"
)

// A common term (a respondent's name, matched by a third of the cases) is searched among the newest cases
// first (cases.Store.probe); its pages are those of the whole search: the same cases in the same order, the
// same cursors, for both received sorts, through pages by number and by cursor, as for rare terms.
func TestCaseSearchOfACommonTermPagesAsTheWholeSearch(t *testing.T) {
	a := testapp.New(t, today)
	if err := demo.Synthetic(context.Background(), a.DB, 4000, today, nil); err != nil {
		t.Fatal(err)
	}
	var terms []string
	if err := a.DB.Select(&terms, `SELECT ag.name FROM cases c JOIN agencies ag ON ag.id = c.respondent_agency_id
		GROUP BY ag.name HAVING count(*) >= 1000 ORDER BY count(*) DESC LIMIT 2`); err != nil || len(terms) == 0 {
		t.Fatalf("no common respondent in the synthetic cases (%v)", err)
	}
	var rare string
	if err := a.DB.Get(&rare, `SELECT registration_no FROM cases ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	terms = append(terms, rare, "南京")
	tok := a.Login("chief1")
	for _, term := range terms {
		for _, sort := range []string{"received", "received_asc"} {
			dir := "DESC"
			if sort == "received_asc" {
				dir = "ASC"
			}
			var want []int64
			cond := "c.search @@ search_query($1)"
			if term == rare { // a whole 登记号 finds that case only
				cond = "c.registration_no = $1"
			}
			if err := a.DB.Select(&want, fmt.Sprintf(`SELECT id FROM cases c WHERE %[2]s
				ORDER BY received_on %[1]s, id %[1]s LIMIT 60`, dir, cond), term); err != nil {
				t.Fatal(err)
			}
			if term == rare && len(want) != 1 {
				t.Fatalf("%q: %v", term, want)
			}
			base := "/api/v1/cases?per_page=20&sort=" + sort + "&q=" + url.QueryEscape(term)
			var got []int64
			next := ""
			for page := 1; page <= 3; page++ {
				var byCursor, byNumber listPage
				p := base
				if next != "" {
					p += "&after=" + next
				}
				a.Do("GET", p, tok, nil).JSON(t, &byCursor)
				a.Do("GET", fmt.Sprintf("%s&page=%d", base, page), tok, nil).JSON(t, &byNumber)
				var ids, idsByNumber []int64
				for _, it := range byCursor.Items {
					ids = append(ids, it.ID)
				}
				for _, it := range byNumber.Items {
					idsByNumber = append(idsByNumber, it.ID)
				}
				if !slices.Equal(ids, idsByNumber) {
					t.Errorf("%q %s page %d: by cursor %v, by number %v", term, sort, page, ids, idsByNumber)
				}
				// a common term's page is filled from the newest cases and not counted (no statement reads its
				// whole posting list in cases_search): the total is the lower bound the page showed
				if respondent := term != rare && term != "南京"; respondent && page == 1 &&
					(!byCursor.More || byCursor.Total != 21 || byNumber.Total != 21) {
					t.Errorf("%q %s: total %d (lower bound %v), want 21+ uncounted", term, sort, byCursor.Total, byCursor.More)
				}
				got = append(got, ids...)
				if len(want) > page*20 && byCursor.Next == "" {
					t.Errorf("%q %s page %d: no next cursor", term, sort, page)
				}
				if len(want) > (page-1)*20 && len(want) <= page*20 && byCursor.Next != "" && len(want) < 60 {
					t.Errorf("%q %s page %d: a next cursor on the last page", term, sort, page)
				}
				next = byCursor.Next
				if next == "" {
					break
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%q %s: pages %v, want %v", term, sort, got, want)
			}
		}
	}
}
