package publicationweb_test

import (
	"context"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"fuyi/internal/date"
	"fuyi/internal/demo"
	"fuyi/internal/testapp"
)

type feedDoc struct {
	Lang   string `xml:"lang,attr"`
	ID     string `xml:"id"`
	Author struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Links []struct {
		Href string `xml:"href,attr"`
		Rel  string `xml:"rel,attr"`
	} `xml:"link"`
	Entries []struct {
		ID    string `xml:"id"`
		Links []struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
	} `xml:"entry"`
}

func (f feedDoc) link(rel string) string {
	for _, l := range f.Links {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}

// 80 decisions published at once are all found by following the feed's next links (RFC 5005), every id and
// link starts with FUYI_PUBLIC_URL whatever Host and X-Forwarded-Host say, the feed has xml:lang and an author,
// and a withdrawn and republished decision keeps its entry id while its old URL redirects to the new one.
func TestAtomFeedPagesAndStableIDs(t *testing.T) {
	const public = "https://fuyi.example.gov.cn"
	t.Setenv("FUYI_PUBLIC_URL", public+"/")
	a := testapp.New(t, date.MustParse("2026-11-22"))
	ctx := context.Background()
	if err := demo.Synthetic(ctx, a.DB, 400, date.MustParse("2026-11-22"), io.Discard); err != nil {
		t.Fatal(err)
	}
	// publish 80 decided cases at the same moment (the feed must not lose any to ties or to the decision date)
	a.DB.MustExec(`INSERT INTO publications (case_id, decision_id, version, status, title, doc_no, agency_id, agency_name,
		decision_type, decided_on, year, body, pdf, redactions, search, published_by)
	SELECT d.case_id, d.id, 1, 'published', '行政复议决定书', '栖政复〔2026〕' || d.case_id || '号', c.respondent_agency_id, '某局',
		d.type, d.decided_on, extract(year FROM d.decided_on)::int, '正文', '\x25504446'::bytea, '[]', ''::tsvector,
		(SELECT id FROM users WHERE username = 'bureau1')
	FROM (SELECT DISTINCT ON (case_id) * FROM decisions WHERE decided_on IS NOT NULL ORDER BY case_id, version DESC) d
	JOIN cases c ON c.id = d.case_id ORDER BY d.case_id LIMIT 80`)
	var published int
	a.DB.Get(&published, `SELECT count(*) FROM publications WHERE status = 'published'`)
	if published != 80 {
		t.Fatalf("set-up published %d decisions, want 80", published)
	}
	seen := map[string]bool{}
	next, pages := "/decisions.atom", 0
	for next != "" && pages < 10 {
		r := a.Do("GET", strings.TrimPrefix(next, public), "", nil, "Host", "evil.example", "X-Forwarded-Host", "evil.example")
		if r.Status != 200 || strings.Contains(string(r.Body), "evil.example") {
			t.Fatalf("GET %s: %d (forged host in the feed: %v)", next, r.Status, strings.Contains(string(r.Body), "evil.example"))
		}
		var f feedDoc
		if err := xml.Unmarshal(r.Body, &f); err != nil {
			t.Fatal(err)
		}
		if f.Lang != "zh-CN" || f.Author.Name == "" || !strings.HasPrefix(f.ID, public+"/") || f.link("first") != public+"/decisions.atom" {
			t.Fatalf("feed head: lang %q author %q id %q first %q", f.Lang, f.Author.Name, f.ID, f.link("first"))
		}
		for _, e := range f.Entries {
			if !strings.HasPrefix(e.ID, public+"/decisions/") || seen[e.ID] {
				t.Fatalf("entry id %q (seen before: %v)", e.ID, seen[e.ID])
			}
			seen[e.ID] = true
		}
		pages++
		next = f.link("next")
		if next != "" && !strings.HasPrefix(next, public+"/decisions.atom?page=") {
			t.Fatalf("next link %q", next)
		}
	}
	if len(seen) != 80 || pages != 2 {
		t.Fatalf("found %d of 80 decisions in %d pages", len(seen), pages)
	}
	// the Host line itself forged, on a real connection
	status, rest := a.LiveRaw("GET /decisions.atom HTTP/1.1\r\nHost: evil.example\r\nX-Forwarded-Host: evil.example\r\nConnection: close\r\n\r\n")
	if !strings.Contains(status, "200") || strings.Contains(rest, "evil.example") || !strings.Contains(rest, "<id>"+public+"/decisions/") {
		t.Fatalf("forged Host: %s (evil.example in the feed: %v)", status, strings.Contains(rest, "evil.example"))
	}

	// withdraw one and publish it again: same entry id, the old URL redirects to the new publication
	var old, caseID int64
	a.DB.QueryRow(`SELECT id, case_id FROM publications ORDER BY id LIMIT 1`).Scan(&old, &caseID)
	a.DB.MustExec(`UPDATE publications SET status = 'withdrawn', withdrawn_at = now(), withdraw_reason = '更正' WHERE id = $1`, old)
	var cur int64
	a.DB.Get(&cur, `INSERT INTO publications (case_id, decision_id, version, status, title, doc_no, agency_id, agency_name,
		decision_type, decided_on, year, body, pdf, redactions, search, published_by)
	SELECT case_id, decision_id, 2, 'published', title, doc_no, agency_id, agency_name, decision_type, decided_on, year, body, pdf,
		redactions, search, published_by FROM publications WHERE id = $1 RETURNING id`, old)
	r := a.Do("GET", "/decisions/"+itoa(old), "", nil)
	if r.Status != 301 || r.Header.Get("Location") != "/decisions/"+itoa(cur) {
		t.Fatalf("old URL: %d Location %q, want 301 to /decisions/%d", r.Status, r.Header.Get("Location"), cur)
	}
	var f feedDoc
	if err := xml.Unmarshal(a.Do("GET", "/decisions.atom", "", nil).Body, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Entries) == 0 || f.Entries[0].ID != public+"/decisions/"+itoa(old) || f.Entries[0].Links[0].Href != public+"/decisions/"+itoa(cur) {
		t.Fatalf("republished entry: id %q link %q, want id …/%d and link …/%d", f.Entries[0].ID, f.Entries[0].Links[0].Href, old, cur)
	}
	if !strings.Contains(string(a.Do("GET", "/decisions", "", nil).Body), `rel="alternate" type="application/atom+xml"`) {
		t.Fatal("/decisions does not announce the feed")
	}
}

func itoa(n int64) string {
	b := []byte{}
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}
