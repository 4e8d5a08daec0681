package cases_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"fuyi/internal/date"
	"fuyi/internal/pdf/pdftext"
	"fuyi/internal/testapp"
)

type issuedDoc struct {
	ID           int64  `json:"id"`
	Type         string `json:"type"`
	Title        string `json:"title"`
	DocNo        string `json:"doc_no"`
	IssuedOn     string `json:"issued_on"`
	SHA256       string `json:"sha256"`
	URL          string `json:"url"`
	SupersededBy *int64 `json:"superseded_by"`
	Service      []struct {
		Method    string `json:"method"`
		Recipient string `json:"recipient"`
		ServedOn  string `json:"served_on"`
	} `json:"service"`
}

func issuedDocs(t *testing.T, a *testapp.App, id int64) map[string]issuedDoc {
	t.Helper()
	var out struct {
		Items []issuedDoc `json:"items"`
	}
	r := a.Do("GET", fmt.Sprintf("/api/v1/cases/%d/documents", id), a.Login("chief1"), nil)
	if r.Status != 200 {
		t.Fatalf("documents: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &out)
	m := map[string]issuedDoc{}
	for _, d := range out.Items {
		if d.SupersededBy == nil {
			m[d.Type] = d
		}
	}
	return m
}

// A document issued on one day and fetched on a later day is byte-identical and shows its issue date; the
// 补正通知书 and 不予受理决定书 carry 文号 from the organ's yearly serial of their kind, stored at issue.
func TestIssuedDocumentsFrozen(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-09-30"))
	id := a.Register("window1", "2025-09-26")
	if r := a.Accept(id, "2025-09-30", "ordinary"); r.Status != 200 {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
	docs := issuedDocs(t, a, id)
	acc, reply := docs["acceptance"], docs["reply_notice"]
	if acc.DocNo != "栖政复受〔2025〕1号" || acc.IssuedOn != "2025-09-30" || reply.DocNo != "栖政复答〔2025〕1号" || reply.IssuedOn != "2025-09-30" {
		t.Fatalf("issued at acceptance: %+v %+v", acc, reply)
	}
	url := func(d issuedDoc) string { return strings.Replace(d.URL, "/cases/", "/api/v1/cases/", 1) }
	first := map[string][]byte{}
	for _, d := range []issuedDoc{acc, reply} {
		r := a.Do("GET", url(d), a.Login("chief1"), nil)
		sum := sha256.Sum256(r.Body)
		if r.Status != 200 || hex.EncodeToString(sum[:]) != d.SHA256 {
			t.Fatalf("%s: %d, sha %x want %s", d.Type, r.Status, sum, d.SHA256)
		}
		first[d.Type] = r.Body
	}
	// fourteen months later, another server (its clock on 2026-11-29) gives the same bytes
	later := a.Later(date.MustParse("2026-11-29"))
	for typ, b := range first {
		for _, u := range []string{fmt.Sprintf("/api/v1/cases/%d/documents/%s.pdf", id, typ), url(docs[typ])} {
			r := later.Do("GET", u, later.Login("chief1"), nil)
			if r.Status != 200 || !bytes.Equal(r.Body, b) {
				t.Fatalf("%s fetched later (%s): %d, identical %v", typ, u, r.Status, bytes.Equal(r.Body, b))
			}
		}
		text := pdftext.Extract(t, b)
		if !strings.Contains(text, "2025年9月30日") || strings.Contains(text, "2026年11月29日") {
			t.Fatalf("%s does not show its issue date: %s", typ, text)
		}
	}
	// pre-acceptance documents: 文号 from the stored serial, in order of issue
	c1, c2, c3 := a.Register("window1", "2025-09-26"), a.Register("window1", "2025-09-27"), a.Register("window1", "2025-09-28")
	for _, c := range []int64{c2, c1} {
		r := a.Do("POST", fmt.Sprintf("/api/v1/cases/%d/review", c), a.Login("chief1"), map[string]any{"outcome": "correction", "on": "2025-09-29",
			"items": []string{"请补充身份证明"}})
		if r.Status != 200 {
			t.Fatalf("correction: %d %s", r.Status, r.Body)
		}
	}
	if r := a.Do("POST", fmt.Sprintf("/api/v1/cases/%d/review", c3), a.Login("chief1"), map[string]any{"outcome": "reject", "on": "2025-09-29",
		"reason": "申请人与被申请行政行为没有利害关系"}); r.Status != 200 {
		t.Fatalf("reject: %d %s", r.Status, r.Body)
	}
	if d := issuedDocs(t, a, c2)["correction"]; d.DocNo != "栖政复补〔2025〕1号" || d.IssuedOn != "2025-09-29" {
		t.Fatalf("first 补正通知书: %+v", d)
	}
	if d := issuedDocs(t, a, c1)["correction"]; d.DocNo != "栖政复补〔2025〕2号" {
		t.Fatalf("second 补正通知书: %+v", d)
	}
	d := issuedDocs(t, a, c3)["rejection"]
	if d.DocNo != "栖政复不受〔2025〕1号" {
		t.Fatalf("不予受理决定书: %+v", d)
	}
	r := a.Do("GET", url(d), a.Login("chief1"), nil)
	if text := pdftext.Extract(t, r.Body); !strings.Contains(text, "栖政复不受〔2025〕1号") {
		t.Fatalf("the 文号 is not on the document: %s", text)
	}
	var last int
	if err := a.DB.Get(&last, `SELECT last FROM doc_serials WHERE year = 2025 AND kind = 'correction'`); err != nil || last != 2 {
		t.Fatalf("stored serial: %d %v", last, err)
	}
	if _, err := a.DB.Exec(`UPDATE issued_documents SET issued_on = '2026-11-29'`); err == nil {
		t.Fatal("an issued document was changed")
	}
}

func docID(t *testing.T, a *testapp.App, caseID int64, typ string) int64 {
	t.Helper()
	d, ok := issuedDocs(t, a, caseID)[typ]
	if !ok {
		t.Fatalf("case %d has no issued %s", caseID, typ)
	}
	return d.ID
}

// The 答复 deadline follows the recorded service date of the copy (复议法第48条), the 补正 deadline the
// recorded service of the 补正通知书 (第31条第2款) — the same due dates as the dates entered on the older
// endpoints, which keep working.
func TestServiceDrivesDeadlines(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-10-20"))
	viaService, viaReply := a.Register("window1", "2025-09-26"), a.Register("window1", "2025-09-26")
	for _, id := range []int64{viaService, viaReply} {
		if r := a.Accept(id, "2025-09-30", "ordinary"); r.Status != 200 {
			t.Fatalf("accept: %d %s", r.Status, r.Body)
		}
	}
	before, _ := a.Case(t, "chief1", viaService).Deadline("reply")
	svc := fmt.Sprintf("/api/v1/cases/%d/documents/%d/service", viaService, docID(t, a, viaService, "reply_notice"))
	if r := a.Do("POST", svc, a.Login("chief1"), map[string]any{"method": "electronic", "recipient": "南京市栖霞区市场监督管理局", "served_on": "2025-10-09"}); r.Status != 422 || r.Fields(t)["consent"] == "" {
		t.Fatalf("electronic service without consent: %d %s", r.Status, r.Body)
	}
	if r := a.Do("POST", svc, a.Login("chief1"), map[string]any{"method": "post", "recipient": "被申请人", "served_on": "2025-09-29"}); r.Status != 422 {
		t.Fatalf("served before issue: %d %s", r.Status, r.Body)
	}
	r := a.Do("POST", svc, a.Login("chief1"), map[string]any{"method": "post", "recipient": "南京市栖霞区市场监督管理局", "served_on": "2025-10-09"})
	if r.Status != 200 {
		t.Fatalf("service: %d %s", r.Status, r.Body)
	}
	if r := a.Post("chief1", viaReply, "reply", map[string]any{"copy_sent_on": "2025-10-09", "copy_received_on": "2025-10-09"}); r.Status != 200 {
		t.Fatalf("reply dates: %d %s", r.Status, r.Body)
	}
	got, _ := a.Case(t, "chief1", viaService).Deadline("reply")
	want, _ := a.Case(t, "chief1", viaReply).Deadline("reply")
	if got == "" || got != want || got == before {
		t.Fatalf("答复 due %q after service on 2025-10-09, want %q (entered on the reply endpoint; before service %q)", got, want, before)
	}
	d := issuedDocs(t, a, viaService)["reply_notice"]
	if len(d.Service) != 1 || d.Service[0].ServedOn != "2025-10-09" || d.Service[0].Method != "post" {
		t.Fatalf("service records: %+v", d.Service)
	}

	// 补正: the service record of the notice starts the 10 days like the correction-served endpoint
	c1, c2 := a.Register("window1", "2025-09-26"), a.Register("window1", "2025-09-26")
	for _, id := range []int64{c1, c2} {
		if r := a.Do("POST", fmt.Sprintf("/api/v1/cases/%d/review", id), a.Login("chief1"), map[string]any{"outcome": "correction", "on": "2025-09-29",
			"items": []string{"请补充身份证明"}}); r.Status != 200 {
			t.Fatalf("correction: %d %s", r.Status, r.Body)
		}
	}
	if _, st := a.Case(t, "chief1", c1).Deadline("correction"); st != "unserved" {
		t.Fatalf("correction deadline before service: %s", st)
	}
	svc = fmt.Sprintf("/api/v1/cases/%d/documents/%d/service", c1, docID(t, a, c1, "correction"))
	if r := a.Do("POST", svc, a.Login("window1"), map[string]any{"method": "direct", "recipient": "张三", "served_on": "2025-10-08"}); r.Status != 200 {
		t.Fatalf("service of the 补正通知书: %d %s", r.Status, r.Body)
	}
	if r := a.Post("window1", c2, "correction-served", map[string]any{"served_on": "2025-10-08"}); r.Status != 200 {
		t.Fatalf("correction-served: %d %s", r.Status, r.Body)
	}
	got, _ = a.Case(t, "chief1", c1).Deadline("correction")
	want, _ = a.Case(t, "chief1", c2).Deadline("correction")
	if got == "" || got != want {
		t.Fatalf("补正 due %q after service, want %q", got, want)
	}
	if r := a.Post("window1", c1, "correction-served", map[string]any{"served_on": "2025-10-09"}); r.Status != 409 {
		t.Fatalf("correction-served after the service record: %d %s", r.Status, r.Body)
	}
}

// A correction after registration needs a reason and, after acceptance, the chief or the lead officer; it
// shows old → new in the timeline, re-issues the documents whose text changed (the old version kept,
// byte for byte), and a 第三人 added by correction appears on the 决定书.
func TestCorrectionOldToNew(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-10-20"))
	id := a.AcceptedCase(t, "ordinary") // officer1 leads
	before := issuedDocs(t, a, id)["acceptance"]
	oldPDF := a.Do("GET", fmt.Sprintf("/api/v1/cases/%d/documents/acceptance.pdf", id), a.Login("chief1"), nil).Body
	app := testapp.Application("2025-09-26")
	applicants := app["applicants"].([]map[string]any)
	applicants[0]["name"] = "张叁"
	body := map[string]any{"applicants": applicants, "third_parties": []map[string]any{{"kind": "person", "name": "王五",
		"id_number": "440524188001010014", "address": "南京市栖霞区某路3号"}}, "reason": "申请人身份证载明姓名为张叁，登记时误写"}
	path := fmt.Sprintf("/api/v1/cases/%d", id)
	for _, u := range []string{"window1", "officer2"} {
		if r := a.Do("PATCH", path, a.Login(u), body); r.Status != 403 {
			t.Fatalf("%s corrects an accepted case: %d %s", u, r.Status, r.Body)
		}
	}
	noReason := map[string]any{"applicants": applicants}
	if r := a.Do("PATCH", path, a.Login("officer1"), noReason); r.Status != 422 || r.Fields(t)["reason"] == "" {
		t.Fatalf("without a reason: %d %s", r.Status, r.Body)
	}
	r := a.Do("PATCH", path, a.Login("officer1"), body)
	if r.Status != 200 {
		t.Fatalf("correct: %d %s", r.Status, r.Body)
	}
	var v testapp.CaseView
	r.JSON(t, &v)
	last := v.Events[len(v.Events)-1]
	if last.Action != "case.corrected" || !strings.Contains(last.Summary, "张三") || !strings.Contains(last.Summary, "张叁") ||
		!strings.Contains(last.Summary, "→") || !strings.Contains(fmt.Sprint(last.Old["applicants"]), "张三") ||
		!strings.Contains(fmt.Sprint(last.New["applicants"]), "张叁") || !strings.Contains(fmt.Sprint(last.New["third_parties"]), "王五") {
		t.Fatalf("event: %+v", last)
	}
	if r := a.Do("PATCH", path, a.Login("chief1"), body); r.Status != 422 {
		t.Fatalf("the same data again: %d %s", r.Status, r.Body)
	}
	// the 受理通知书 is re-issued under its 文号 and date; the served version stays as it was
	after := issuedDocs(t, a, id)["acceptance"]
	if after.ID == before.ID || after.DocNo != before.DocNo || after.IssuedOn != before.IssuedOn || after.SHA256 == before.SHA256 {
		t.Fatalf("re-issued: before %+v after %+v", before, after)
	}
	old := a.Do("GET", fmt.Sprintf("/api/v1/cases/%d/documents/acceptance.pdf?doc=%d", id, before.ID), a.Login("chief1"), nil)
	if !bytes.Equal(old.Body, oldPDF) {
		t.Fatal("the superseded version is not kept byte for byte")
	}
	cur := a.Do("GET", fmt.Sprintf("/api/v1/cases/%d/documents/acceptance.pdf", id), a.Login("chief1"), nil)
	if text := pdftext.Extract(t, cur.Body); !strings.Contains(text, "张叁") || strings.Contains(text, "张三") {
		t.Fatalf("corrected notice: %s", text)
	}
	// the 第三人 appears on the 决定书
	if r := a.Propose("officer1", id, "maintain", map[string]any{"decided_on": "2025-10-20"}); r.Status != 200 {
		t.Fatalf("propose: %d %s", r.Status, r.Body)
	}
	if r := a.Post("chief1", id, "decision/approval", map[string]any{"approve": true}); r.Status != 200 {
		t.Fatalf("approve: %d %s", r.Status, r.Body)
	}
	dec := a.Do("GET", fmt.Sprintf("/api/v1/cases/%d/documents/decision.pdf", id), a.Login("chief1"), nil)
	if text := pdftext.Extract(t, dec.Body); !strings.Contains(text, "第三人：王五") || !strings.Contains(text, "申请人：张叁") {
		t.Fatalf("决定书 parties: %s", text)
	}
}

// Reading never issues (no write on a GET): the case page, the document list, every stored PDF and its
// text leave issued_documents and the audit trail as they were; a document the case has not issued answers
// 404. Documents are issued by the action that produces them — scheduling a hearing issues its 听证通知书 in
// the same request — and a case from before documents were stored gets its documents from the command's
// IssueMissing, with their own dates, not from a reading.
func TestReadingNeverIssues(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-10-20"))
	id := a.AcceptedCase(t, "ordinary")
	count := func() (docs, events int) {
		t.Helper()
		if err := a.DB.Get(&docs, `SELECT count(*) FROM issued_documents WHERE case_id = $1`, id); err != nil {
			t.Fatal(err)
		}
		if err := a.DB.Get(&events, `SELECT count(*) FROM events WHERE case_id = $1`, id); err != nil {
			t.Fatal(err)
		}
		return
	}
	d0, e0 := count()
	if d0 != 2 {
		t.Fatalf("%d documents issued at acceptance, want 2", d0)
	}
	r := a.Do("POST", fmt.Sprintf("/api/v1/cases/%d/hearings", id), a.Login("chief1"), map[string]any{
		"starts_at": "2025-11-03T09:00:00+08:00", "ends_at": "2025-11-03T11:00:00+08:00", "notified_on": "2025-10-20",
		"host_id": a.UserID("officer1"), "panel_ids": []int64{a.UserID("officer2"), a.UserID("officer3")}, "clerk_id": a.UserID("clerk1"),
		"online_link": "https://meeting.example/abc"})
	if r.Status != 201 {
		t.Fatalf("schedule: %d %s", r.Status, r.Body)
	}
	d1, e1 := count()
	if d1 != d0+1 || e1 != e0+1 {
		t.Fatalf("scheduling issued %d documents and recorded %d events, want 1 and 1", d1-d0, e1-e0)
	}
	var summary string
	if err := a.DB.Get(&summary, `SELECT summary FROM events WHERE case_id = $1 ORDER BY id DESC LIMIT 1`, id); err != nil ||
		!strings.Contains(summary, "制发《听证通知书》") {
		t.Fatalf("the scheduling event does not name the notice: %q (%v)", summary, err)
	}
	docs := issuedDocs(t, a, id)
	gets := []string{fmt.Sprintf("/cases/%d", id), fmt.Sprintf("/api/v1/cases/%d", id), fmt.Sprintf("/api/v1/cases/%d/documents", id)}
	for _, d := range docs {
		gets = append(gets, d.URL, strings.Replace(d.URL, ".pdf", ".txt", 1))
	}
	gets = append(gets, fmt.Sprintf("/cases/%d/documents/decision.pdf", id), fmt.Sprintf("/api/v1/cases/%d/documents/extension.pdf", id))
	for _, u := range gets {
		r := a.Do("GET", u, a.Login("chief1"), nil)
		if strings.Contains(u, "decision.pdf") || strings.Contains(u, "extension.pdf") {
			if r.Status != 404 {
				t.Fatalf("GET %s (never issued): %d", u, r.Status)
			}
		} else if r.Status != 200 {
			t.Fatalf("GET %s: %d", u, r.Status)
		}
	}
	if d2, e2 := count(); d2 != d1 || e2 != e1 {
		t.Fatalf("reading changed the record: documents %d → %d, events %d → %d", d1, d2, e1, e2)
	}

	// a case from before documents were stored: its documents are issued by the command, with their dates
	legacy := a.AcceptedCase(t, "ordinary")
	tx := a.DB.MustBegin()
	tx.MustExec(`SET LOCAL session_replication_role = replica`) // past the frozen-document trigger, as the old schema was
	tx.MustExec(`DELETE FROM issued_documents WHERE case_id = $1`, legacy)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	acc := fmt.Sprintf("/cases/%d/documents/acceptance.pdf", legacy)
	if r := a.Do("GET", acc, a.Login("chief1"), nil); r.Status != 404 {
		t.Fatalf("a legacy document read before the command: %d", r.Status)
	}
	issued, err := a.Server.Cases.IssueMissing(t.Context(), nil, legacy)
	if err != nil || len(issued) != 2 {
		t.Fatalf("IssueMissing: %v %v", issued, err)
	}
	if r := a.Do("GET", acc, a.Login("chief1"), nil); r.Status != 200 || r.Header.Get("X-Issued-On") != "2025-09-30" {
		t.Fatalf("legacy 受理通知书 after the command: %d, issued on %q", r.Status, r.Header.Get("X-Issued-On"))
	}
	if again, err := a.Server.Cases.IssueMissing(t.Context(), nil, legacy); err != nil || len(again) != 0 {
		t.Fatalf("IssueMissing twice: %v %v", again, err)
	}
}

// Acceptance freezes the text of its documents in its transaction and stores their renderings after it. A
// rendering lost between the two (a crash) is produced on the first fetch from the frozen text and date:
// the same bytes, stored once, whatever the case says meanwhile; a stored rendering never changes.
func TestLostRenderingProducedFromFrozenText(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-09-30"))
	id := a.Register("window1", "2025-09-26")
	if r := a.Accept(id, "2025-09-30", "ordinary"); r.Status != 200 {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
	acc := issuedDocs(t, a, id)["acceptance"]
	var stored []byte
	if err := a.DB.Get(&stored, `SELECT pdf FROM issued_documents WHERE id = $1`, acc.ID); err != nil || stored == nil {
		t.Fatalf("acceptance rendered after the commit: %v (pdf %d bytes)", err, len(stored))
	}
	// simulate the crash: the rendering is gone (the freezing trigger is lifted for that alone)
	for _, q := range []string{`ALTER TABLE issued_documents DISABLE TRIGGER issued_documents_frozen`,
		`UPDATE issued_documents SET pdf = NULL, sha256 = NULL WHERE id = ` + fmt.Sprint(acc.ID),
		`ALTER TABLE issued_documents ENABLE TRIGGER issued_documents_frozen`,
		// the case changes meanwhile: the document must not
		`UPDATE case_parties SET name = '王五' WHERE case_id = ` + fmt.Sprint(id) + ` AND role = 'applicant' AND position = 0`} {
		if _, err := a.DB.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	r := a.Do("GET", fmt.Sprintf("/cases/%d/documents/acceptance.pdf?doc=%d", id, acc.ID), a.Login("chief1"), nil)
	if r.Status != 200 {
		t.Fatalf("fetch: %d %s", r.Status, r.Body)
	}
	if !bytes.Equal(r.Body, stored) {
		t.Fatalf("the rendering produced on fetch (%d bytes) differs from the one first stored (%d bytes)", len(r.Body), len(stored))
	}
	var again []byte
	var sum []byte
	if err := a.DB.QueryRow(`SELECT pdf, sha256 FROM issued_documents WHERE id = $1`, acc.ID).Scan(&again, &sum); err != nil {
		t.Fatal(err)
	}
	if h := sha256.Sum256(stored); !bytes.Equal(again, stored) || !bytes.Equal(sum, h[:]) {
		t.Error("the rendering produced on fetch was not stored with its SHA-256")
	}
	text := pdftext.Extract(t, r.Body)
	if !strings.Contains(text, "张三") || strings.Contains(text, "王五") {
		t.Errorf("the rendering must come from the frozen text, not the case as it is now:\n%s", text)
	}
	// once stored, a rendering is frozen
	if _, err := a.DB.Exec(`UPDATE issued_documents SET pdf = $2 WHERE id = $1`, acc.ID, append([]byte("%PDF-"), 'x')); err == nil {
		t.Error("a stored rendering was replaced")
	}
}

// The documents a change issues are rendered after its answer by the server's background renderer, without
// anyone fetching them: acceptance's 受理通知书 and 答复通知书, and the 听证通知书 of a scheduled hearing (it used
// to be rendered by the first listing, a GET that wrote). The wait is generous: no timing is asserted.
func TestRenderedAfterTheAnswer(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-10-20"))
	id := a.AcceptedCase(t, "ordinary")
	r := a.Do("POST", fmt.Sprintf("/api/v1/cases/%d/hearings", id), a.Login("chief1"), map[string]any{
		"starts_at": "2025-11-03T09:00:00+08:00", "ends_at": "2025-11-03T11:00:00+08:00", "notified_on": "2025-10-20",
		"host_id": a.UserID("officer1"), "panel_ids": []int64{a.UserID("officer2"), a.UserID("officer3")}, "clerk_id": a.UserID("clerk1"),
		"online_link": "https://meeting.example/abc"})
	if r.Status != 201 {
		t.Fatalf("schedule: %d %s", r.Status, r.Body)
	}
	var docs []struct {
		Type string `db:"type"`
		PDF  []byte `db:"pdf"`
		Sum  []byte `db:"sha256"`
	}
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(50 * time.Millisecond) {
		docs = nil
		if err := a.DB.Select(&docs, `SELECT type, pdf, sha256 FROM issued_documents WHERE case_id = $1 ORDER BY id`, id); err != nil {
			t.Fatal(err)
		}
		done := len(docs) == 3
		for _, d := range docs {
			done = done && d.PDF != nil
		}
		if done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("documents not rendered without a fetch: %d issued", len(docs))
		}
	}
	for _, d := range docs {
		if h := sha256.Sum256(d.PDF); !bytes.Equal(h[:], d.Sum) || !bytes.HasPrefix(d.PDF, []byte("%PDF-")) {
			t.Errorf("%s: stored rendering and SHA-256 do not match", d.Type)
		}
	}
	if docs[2].Type != "hearing_notice" {
		t.Errorf("third document %s, want the hearing notice", docs[2].Type)
	}
}
