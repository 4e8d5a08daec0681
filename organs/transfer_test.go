package organs_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/url"
	"strings"
	"testing"

	"fuyi/internal/demo"
	"fuyi/internal/testapp"
)

// 转送 through the HTTP API and the case page on PostgreSQL under row-level security: an application
// against a 市级部门 registered at 栖霞's window goes to 南京市人民政府. 栖霞 keeps a closed record 已转送 naming
// the organ and the new registration number, and issues the 转送告知书 (its own 文号 and letterhead); 南京
// gets a case with the parties and the uploaded file, received on the day of transfer with its own review
// period, and numbers it in its own series on acceptance. Each organ sees nothing of the other's record
// (404), the applicant's status page tells the new number, and the statistics count the application once in
// each organ: received and 转送 (not 告知) in 栖霞, received in 南京; the supervisor's sum equals theirs.
func TestTransferToTheCompetentOrgan(t *testing.T) {
	a := testapp.New(t, today) // 2025-10-20
	a.RequireRowSecurity()
	var shared, own int
	if err := a.DB.Get(&shared, `SELECT id FROM agencies WHERE organ_id IS NULL AND active ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	own = a.AgencyIn(demo.FirstOrgan)
	id := a.RegisterAt("window1", "2025-10-16", shared)
	// a scan of the application, uploaded at the window
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("category", "application")
	_ = w.WriteField("title", "行政复议申请书")
	fw, _ := w.CreateFormFile("file", "申请书.pdf")
	_, _ = fw.Write([]byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"))
	_ = w.Close()
	if r := a.Do("POST", fmt.Sprintf("/api/v1/cases/%d/files", id), a.Login("window1"), body.Bytes(), "Content-Type", w.FormDataContentType()); r.Status != 201 {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	src := a.Case(t, "chief1", id)
	path := fmt.Sprintf("/api/v1/cases/%d/transfer", id)
	transfer := map[string]any{"to": demo.SecondOrgan, "on": "2025-10-20", "reason": "被申请人为南京市人民政府工作部门，依复议法第24条第1款第1项由南京市人民政府管辖"}

	// refusals: a window, a foreign chief (as for a missing case), the own organ, an unknown organ, a
	// respondent outside the competent organ's directory, a day after the review period
	if r := a.Do("POST", path, a.Login("window1"), transfer); r.Status != 403 {
		t.Errorf("window transfers: %d %s", r.Status, r.Body)
	}
	if r := a.Do("POST", path, a.Login("chief2"), transfer); r.Status != 404 {
		t.Errorf("chief of the other organ transfers: %d %s", r.Status, r.Body)
	}
	for _, c := range []struct {
		to, on, code string
	}{{demo.FirstOrgan, "2025-10-20", "transfer.own_organ"}, {"nowhere", "2025-10-20", "transfer.unknown_organ"}} {
		if r := a.Do("POST", path, a.Login("chief1"), map[string]any{"to": c.to, "on": c.on, "reason": "x"}); r.Status != 422 || r.ErrorCode(t) != c.code {
			t.Errorf("transfer to %s: %d %s", c.to, r.Status, r.Body)
		}
	}
	other := a.RegisterAt("window1", "2025-10-16", own)
	if r := a.Do("POST", fmt.Sprintf("/api/v1/cases/%d/transfer", other), a.Login("chief1"), transfer); r.Status != 422 || r.ErrorCode(t) != "transfer.respondent_not_listed" {
		t.Errorf("respondent of 栖霞's own directory: %d %s", r.Status, r.Body)
	}
	late := a.Later(today.AddDays(10))
	if r := late.Do("POST", path, late.Login("chief1"), map[string]any{"to": demo.SecondOrgan, "on": "2025-10-30", "reason": "x"}); r.Status != 422 || r.ErrorCode(t) != "review.lapsed" {
		t.Errorf("after the review period: %d %s", r.Status, r.Body)
	}

	// the transfer, through the page's form (the rule the API shares)
	b := a.NewBrowserAs("chief1")
	page := b.Get(fmt.Sprintf("/cases/%d", id))
	if page.Status != 200 || !strings.Contains(string(page.Body), "转送有管辖权的行政复议机关") || !strings.Contains(string(page.Body), "南京市人民政府") {
		t.Fatalf("case page offers no transfer: %d", page.Status)
	}
	if r := b.Post(fmt.Sprintf("/cases/%d/transfer", id), url.Values{"to": {demo.SecondOrgan}, "on": {"2025-10-20"},
		"reason": {transfer["reason"].(string)}, "version": {fmt.Sprint(src.Version)}}); r.Status != 303 {
		t.Fatalf("transfer form: %d %s", r.Status, r.Body)
	}
	var v struct {
		Status   string `json:"status"`
		Transfer *struct {
			On, To, Reason string
			No             string `json:"registration_no"`
		} `json:"transfer"`
		Deadlines []struct{ Kind, Status string } `json:"deadlines"`
	}
	r := a.Do("GET", fmt.Sprintf("/api/v1/cases/%d", id), a.Login("chief1"), nil)
	r.JSON(t, &v)
	if v.Status != "transferred" || v.Transfer == nil || v.Transfer.To != "南京市人民政府" || !strings.HasPrefix(v.Transfer.No, "ZS-2025-") {
		t.Fatalf("the first organ's record: %s", r.Body)
	}
	for _, d := range v.Deadlines {
		if d.Kind == "review" && d.Status != "met" {
			t.Errorf("review deadline of the transferred record: %s", d.Status)
		}
	}
	// once only
	if r := a.Do("POST", path, a.Login("chief1"), transfer); r.Status != 409 {
		t.Errorf("transferred twice: %d %s", r.Status, r.Body)
	}
	// the 转送告知书: 栖霞's letterhead and 文号, the organ and the new number
	r = a.Do("GET", fmt.Sprintf("/api/v1/cases/%d/documents/transfer.txt", id), a.Login("chief1"), nil)
	if r.Status != 200 {
		t.Fatalf("转送告知书: %d %s", r.Status, r.Body)
	}
	for _, want := range []string{"南京市栖霞区人民政府", "行政复议申请转送告知书", "栖政复转〔2025〕1号", "转送南京市人民政府", v.Transfer.No} {
		if !strings.Contains(string(r.Body), want) {
			t.Errorf("转送告知书 lacks %q:\n%s", want, r.Body)
		}
	}

	// the competent organ's case
	var newID int64
	if err := a.DB.Get(&newID, `SELECT id FROM cases WHERE registration_no = $1`, v.Transfer.No); err != nil {
		t.Fatal(err)
	}
	var n struct {
		Status        string `json:"status"`
		ReceivedOn    string `json:"received_on"`
		QueryCode     string `json:"query_code"`
		RespondentID  int    `json:"respondent_agency_id"`
		Applicants    []struct{ Name string }
		TransferredIn *struct {
			From string `json:"from"`
			No   string `json:"registration_no"`
		} `json:"transferred_in"`
		Deadlines []struct {
			Kind   string `json:"kind"`
			DueOn  string `json:"due_on"`
			Status string `json:"status"`
		} `json:"deadlines"`
		RegistrationNo string `json:"registration_no"`
	}
	r = a.Do("GET", fmt.Sprintf("/api/v1/cases/%d", newID), a.Login("chief2"), nil)
	if r.Status != 200 {
		t.Fatalf("南京's case: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &n)
	var srcView struct {
		RegistrationNo string `json:"registration_no"`
		QueryCode      string `json:"query_code"`
		Applicants     []struct{ Name string }
	}
	a.Do("GET", fmt.Sprintf("/api/v1/cases/%d", id), a.Login("chief1"), nil).JSON(t, &srcView)
	if n.Status != "registered" || n.ReceivedOn != "2025-10-20" || n.QueryCode != srcView.QueryCode || n.RespondentID != shared ||
		len(n.Applicants) != len(srcView.Applicants) || n.Applicants[0].Name != srcView.Applicants[0].Name ||
		n.TransferredIn == nil || n.TransferredIn.From != "南京市栖霞区人民政府" || n.TransferredIn.No != srcView.RegistrationNo {
		t.Errorf("南京's case: %s", r.Body)
	}
	reviewDue := ""
	for _, d := range n.Deadlines {
		if d.Kind == "review" {
			reviewDue = d.DueOn
		}
	}
	if reviewDue != "2025-10-27" { // 5 working days from the day of transfer (Monday 20 October)
		t.Errorf("南京's review deadline %q, want 2025-10-27", reviewDue)
	}
	r = a.Do("GET", fmt.Sprintf("/api/v1/cases/%d/files", newID), a.Login("chief2"), nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), "行政复议申请书") {
		t.Errorf("南京's copy of the file: %d %s", r.Status, r.Body)
	}
	var files struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	r.JSON(t, &files)
	if len(files.Items) != 1 {
		t.Fatalf("南京's files: %s", r.Body)
	}
	if r := a.Do("GET", fmt.Sprintf("/api/v1/cases/%d/files/%d", newID, files.Items[0].ID), a.Login("chief2"), nil); r.Status != 200 || !bytes.HasPrefix(r.Body, []byte("%PDF-1.7")) {
		t.Errorf("南京 reads the copied bytes: %d", r.Status)
	}
	if p := a.NewBrowserAs("chief2").Get(fmt.Sprintf("/cases/%d", newID)); p.Status != 200 || !strings.Contains(string(p.Body), "南京市栖霞区人民政府转送") {
		t.Errorf("南京's case page: %d", p.Status)
	}
	// 南京's receipt names the transfer, not a window of its own
	r = a.Do("GET", fmt.Sprintf("/api/v1/cases/%d/documents/receipt.txt", newID), a.Login("chief2"), nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), "南京市人民政府") || !strings.Contains(string(r.Body), "南京市栖霞区人民政府转送（原登记号"+srcView.RegistrationNo) {
		t.Errorf("南京's receipt: %d %s", r.Status, r.Body)
	}
	// each organ's record is invisible to the other (as a missing one)
	if r := a.Do("GET", fmt.Sprintf("/api/v1/cases/%d", newID), a.Login("chief1"), nil); r.Status != 404 {
		t.Errorf("栖霞 reads 南京's case: %d", r.Status)
	}
	if r := a.Do("GET", fmt.Sprintf("/api/v1/cases/%d", id), a.Login("chief2"), nil); r.Status != 404 {
		t.Errorf("南京 reads 栖霞's record: %d", r.Status)
	}
	// 南京 accepts it in its own series
	if r := a.AcceptAs("chief2", newID, "2025-10-20"); r.Status != 200 || !strings.Contains(string(r.Body), "宁政复〔2025〕1号") {
		t.Errorf("南京 accepts: %d %s", r.Status, r.Body)
	}
	// the applicant's status page
	if r := a.Do("GET", "/api/v1/public/status?no="+srcView.RegistrationNo+"&code="+srcView.QueryCode, "", nil); r.Status != 200 ||
		!strings.Contains(string(r.Body), v.Transfer.No) || !strings.Contains(string(r.Body), "南京市人民政府") {
		t.Errorf("status of the first registration: %d %s", r.Status, r.Body)
	}
	if r := a.Do("GET", "/api/v1/public/status?no="+v.Transfer.No+"&code="+srcView.QueryCode, "", nil); r.Status != 200 {
		t.Errorf("status of the new registration with the same query code: %d %s", r.Status, r.Body)
	}

	// statistics: once in each organ, 转送 apart from 告知
	type row struct {
		Received    int `json:"received"`
		Accepted    int `json:"accepted"`
		Rejected    int `json:"rejected"`
		Informed    int `json:"informed"`
		Transferred int `json:"transferred"`
	}
	rep := map[string]row{}
	for code, bureau := range map[string]string{demo.FirstOrgan: "bureau1", demo.SecondOrgan: "bureau2"} {
		var x struct {
			Total row `json:"total"`
		}
		r := a.Do("GET", "/api/v1/reports/2025-10", a.Login(bureau), nil)
		if r.Status != 200 {
			t.Fatalf("%s report: %d %s", bureau, r.Status, r.Body)
		}
		r.JSON(t, &x)
		rep[code] = x.Total
	}
	if q := rep[demo.FirstOrgan]; q.Received != 2 || q.Transferred != 1 || q.Informed != 0 || q.Accepted != 0 {
		t.Errorf("栖霞's October: %+v, want received 2 (the transferred one and the other), 转送 1, 告知 0", q)
	}
	if nj := rep[demo.SecondOrgan]; nj.Received != 1 || nj.Accepted != 1 || nj.Transferred != 0 {
		t.Errorf("南京's October: %+v, want received 1, accepted 1", nj)
	}
	var ov struct {
		Sum struct {
			Reconsideration row `json:"reconsideration"`
		} `json:"sum"`
	}
	r = a.Do("GET", "/api/v1/oversight/2025-10", a.Login("city1"), nil)
	r.JSON(t, &ov)
	if s := ov.Sum.Reconsideration; s.Received != 3 || s.Transferred != 1 || s.Accepted != 1 {
		t.Errorf("supervisor's sum: %+v", s)
	}
	r = a.Do("GET", "/api/v1/reports/2025-10.csv", a.Login("bureau1"), nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), "告知") || !strings.Contains(string(r.Body), "转送") || strings.Contains(string(r.Body), "告知/转送") {
		t.Errorf("the table's columns: %d", r.Status)
	}
}
