package cases_test

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/lib/pq"
	"github.com/xuri/excelize/v2"

	"fuyi/internal/testapp"
)

type listPage struct {
	Items []struct {
		ID             int64   `json:"id"`
		RegistrationNo string  `json:"registration_no"`
		CaseNo         *string `json:"case_no"`
		ReceivedOn     string  `json:"received_on"`
		Applicants     string  `json:"applicants"`
	} `json:"items"`
	Total int    `json:"total"`
	More  bool   `json:"total_is_lower_bound"`
	Next  string `json:"next"`
}

// The staff case list: the search goes through the index of identifiers and names (登记号, 案号, 文号,
// applicant name and ID number, respondent), the filters and sorts combine with it, every page is reached
// by the keyset cursor, bad parameters answer 400 in Chinese, and the export gives the filtered list.
func TestCaseListSearchFiltersAndPages(t *testing.T) {
	a := testapp.New(t, today)
	tok := a.Login("chief1")
	reg := func(received, name, idNo, docNo string) int64 {
		body := testapp.Application(received)
		body["applicants"] = []map[string]any{{"kind": "person", "name": name, "id_number": idNo, "address": "南京市栖霞区某路1号"}}
		body["act"].(map[string]any)["doc_no"] = docNo
		r := a.Do("POST", "/api/v1/cases", a.Login("window1"), body)
		if r.Status != 201 {
			t.Fatalf("register: %d %s", r.Status, r.Body)
		}
		var v caseView
		r.JSON(t, &v)
		return v.ID
	}
	first := reg("2026-11-02", "欧阳明月", "11010519491231002X", "栖公罚〔2026〕77号")
	second := reg("2026-11-09", "司马长风", "110105198001010016", "栖市监罚〔2026〕12号")
	third := reg("2026-11-16", "诸葛晴", "320113199005050027", "")
	if r := a.Accept(second, "2026-11-12", "ordinary"); r.Status != 200 {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
	var caseNo, regNo, agency string
	if err := a.DB.Get(&caseNo, `SELECT case_no FROM cases WHERE id = $1`, second); err != nil {
		t.Fatal(err)
	}
	if err := a.DB.Get(&regNo, `SELECT registration_no FROM cases WHERE id = $1`, first); err != nil {
		t.Fatal(err)
	}
	if err := a.DB.Get(&agency, `SELECT name FROM agencies WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	list := func(token string, q url.Values) listPage {
		t.Helper()
		r := a.Do("GET", "/api/v1/cases?"+q.Encode(), token, nil)
		if r.Status != 200 {
			t.Fatalf("list %s: %d %s", q.Encode(), r.Status, r.Body)
		}
		var p listPage
		r.JSON(t, &p)
		return p
	}
	ids := func(p listPage) []int64 {
		var out []int64
		for _, it := range p.Items {
			out = append(out, it.ID)
		}
		return out
	}
	for _, c := range []struct {
		q    string
		want []int64
	}{
		{"欧阳明月", []int64{first}}, {"明月", []int64{first}}, {"长", []int64{second}},
		{"110105198001010016", []int64{second}}, {"11010519491231002x", []int64{first}},
		{regNo, []int64{first}}, {regNo[len(regNo)-6:], []int64{first}},
		{caseNo, []int64{second}}, {"栖公罚〔2026〕77", []int64{first}}, {"市监罚", []int64{second}},
		{agency, []int64{third, second, first}}, {"不存在的人", nil},
	} {
		if got := ids(list(tok, url.Values{"q": {c.q}})); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("search %q found %v, want %v", c.q, got, c.want)
		}
	}
	// filters and sorts
	for _, c := range []struct {
		q    url.Values
		want []int64
	}{
		{url.Values{"status": {"accepted"}}, []int64{second}},
		{url.Values{"status": {"registered"}, "q": {agency}}, []int64{third, first}},
		{url.Values{"received_from": {"2026-11-05"}, "received_to": {"2026-11-10"}}, []int64{second}},
		{url.Values{"respondent": {"1"}, "sort": {"received_asc"}}, []int64{first, second, third}},
		{url.Values{"respondent": {"2"}}, nil},
	} {
		if got := ids(list(tok, c.q)); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("list %s gave %v, want %v", c.q.Encode(), got, c.want)
		}
	}
	// every page through the keyset cursor, one case per page, newest first
	var walked []int64
	q := url.Values{"per_page": {"1"}}
	for {
		p := list(tok, q)
		if p.Total != 3 || p.More {
			t.Fatalf("count %d (lower bound %v), want 3", p.Total, p.More)
		}
		walked = append(walked, ids(p)...)
		if p.Next == "" {
			break
		}
		q.Set("after", p.Next)
	}
	if fmt.Sprint(walked) != fmt.Sprint([]int64{third, second, first}) {
		t.Errorf("pages by cursor: %v", walked)
	}
	// an officer finds only the cases of his team
	a.Assign(second, "officer1", "officer2")
	if got := ids(list(a.Login("officer1"), url.Values{"q": {agency}})); fmt.Sprint(got) != fmt.Sprint([]int64{second}) {
		t.Errorf("officer1 found %v, want only the case of his team", got)
	}
	if got := ids(list(tok, url.Values{"officer": {fmt.Sprint(a.UserID("officer2"))}})); fmt.Sprint(got) != fmt.Sprint([]int64{second}) {
		t.Errorf("filter by officer2: %v", got)
	}
	// bad parameters: 400 in Chinese
	for _, bad := range []string{"sort=name", "after=x", "after=2026-11-01_0", "status=open", "received_from=2026-13-01",
		"received_from=2026-11-10&received_to=2026-11-01", "overdue=yes", "respondent=-1", "page=600", "format=pdf", "page=2&after=2026-11-01_5"} {
		r := a.Do("GET", "/api/v1/cases?"+bad, tok, nil)
		if r.Status != 400 || !strings.Contains(string(r.Body), "查询参数") {
			t.Errorf("%s: %d %s", bad, r.Status, r.Body)
		}
	}
	// export of the filtered list
	r := a.Do("GET", "/api/v1/cases?format=csv&status=registered", tok, nil)
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %s", r.Status, r.Body)
	}
	csv := string(r.Body)
	if !strings.Contains(csv, "登记号,案号,状态") || !strings.Contains(csv, "欧阳明月") || !strings.Contains(csv, "诸葛晴") || strings.Contains(csv, "司马长风") {
		t.Errorf("csv of the registered cases:\n%s", csv)
	}
	br := a.NewBrowserAs("chief1")
	x := br.Get("/cases/export?format=xlsx&q=" + url.QueryEscape("司马"))
	if x.Status != 200 {
		t.Fatalf("xlsx: %d %s", x.Status, x.Body)
	}
	f, err := excelize.OpenReader(bytes.NewReader(x.Body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("案件列表")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[1][1] != caseNo || rows[1][4] != "司马长风" {
		t.Errorf("xlsx rows: %v", rows)
	}
	// the page: filters kept, the export links carry them
	page := br.Get("/cases?q=" + url.QueryEscape("明月") + "&sort=received_asc")
	if page.Status != 200 || !strings.Contains(string(page.Body), "欧阳明月") || strings.Contains(string(page.Body), "司马长风") ||
		!strings.Contains(string(page.Body), `value="明月"`) || !strings.Contains(string(page.Body), "/cases/export?format=csv&q=%E6%98%8E%E6%9C%88") {
		t.Errorf("/cases page: %d\n%s", page.Status, page.Body)
	}
}

// The due sort (nearest open deadline first, cases without one last, then by id) pages by its keyset cursor
// (next = due_id, none_id past the cases with an open deadline) and by number in exactly the order of the
// whole list, and the stored due_key that orders it follows every change of the deadlines (issue 13).
func TestCaseListDueSortPages(t *testing.T) {
	a := testapp.New(t, today)
	tok := a.Login("chief1")
	var ids []int64
	for _, d := range []string{"2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05", "2026-11-06", "2026-11-09"} {
		ids = append(ids, a.Register("window1", d))
	}
	if r := a.Accept(ids[1], "2026-11-10", "ordinary"); r.Status != 200 {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
	// no open deadline for two cases, a tie of due dates for two others, a second open deadline nearer than the first
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`UPDATE deadlines SET status = 'cancelled' WHERE case_id = ANY($1)`, []any{pq.Array([]int64{ids[0], ids[3]})}},
		{`UPDATE deadlines SET due_on = '2026-12-20' WHERE case_id = ANY($1) AND status = 'open'`, []any{pq.Array([]int64{ids[2], ids[4]})}},
		{`INSERT INTO deadlines (case_id, kind, ref, due_on, basis, status) VALUES ($1, 'reply', 'x', '2026-11-20', '测试', 'open')`, []any{ids[5]}},
	} {
		if _, err := a.DB.Exec(q.sql, q.args...); err != nil {
			t.Fatal(err)
		}
	}
	// the order as the open deadlines give it
	var want []int64
	if err := a.DB.Select(&want, `SELECT c.id FROM cases c ORDER BY (SELECT min(d.due_on) FROM deadlines d
		WHERE d.case_id = c.id AND d.status = 'open') NULLS LAST, c.id`); err != nil {
		t.Fatal(err)
	}
	var stale int
	if err := a.DB.Get(&stale, `SELECT count(*) FROM cases c WHERE c.due_key <> (SELECT coalesce(min(d.due_on), 'infinity')
		FROM deadlines d WHERE d.case_id = c.id AND d.status = 'open')`); err != nil || stale != 0 {
		t.Fatalf("%d cases with a stale due_key (%v)", stale, err)
	}
	list := func(q string) listPage {
		t.Helper()
		r := a.Do("GET", "/api/v1/cases?"+q, tok, nil)
		if r.Status != 200 {
			t.Fatalf("list %s: %d %s", q, r.Status, r.Body)
		}
		var p listPage
		r.JSON(t, &p)
		return p
	}
	got := func(p listPage) (out []int64) {
		for _, it := range p.Items {
			out = append(out, it.ID)
		}
		return out
	}
	if all := got(list("sort=due&per_page=100")); fmt.Sprint(all) != fmt.Sprint(want) {
		t.Fatalf("sort=due gave %v, want %v", all, want)
	}
	for _, per := range []int{1, 2, 4} {
		var walked []int64
		q := fmt.Sprintf("sort=due&per_page=%d", per)
		for i := 0; i < 10; i++ {
			p := list(q)
			walked = append(walked, got(p)...)
			if p.Next == "" {
				break
			}
			q = fmt.Sprintf("sort=due&per_page=%d&after=%s", per, url.QueryEscape(p.Next))
		}
		if fmt.Sprint(walked) != fmt.Sprint(want) {
			t.Errorf("sort=due by the cursor, %d a page: %v, want %v", per, walked, want)
		}
		var numbered []int64
		for pg := 1; pg <= (len(want)+per-1)/per; pg++ {
			numbered = append(numbered, got(list(fmt.Sprintf("sort=due&per_page=%d&page=%d", per, pg)))...)
		}
		if fmt.Sprint(numbered) != fmt.Sprint(want) {
			t.Errorf("sort=due by page number, %d a page: %v, want %v", per, numbered, want)
		}
	}
	for _, bad := range []string{"sort=due&after=2026-12-20", "sort=due&after=never_5", "sort=due&after=none_0"} {
		if r := a.Do("GET", "/api/v1/cases?"+bad, tok, nil); r.Status != 400 || !strings.Contains(string(r.Body), "查询参数 after") {
			t.Errorf("%s: %d %s", bad, r.Status, r.Body)
		}
	}
}
