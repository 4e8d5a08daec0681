package supervision

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"fuyi/cases"
	"fuyi/internal/apperr"
	"fuyi/internal/audit"
	"fuyi/internal/auth"
	"fuyi/internal/database"
	"fuyi/internal/date"
	"fuyi/internal/ident"
	"fuyi/internal/pdf"
)

var (
	ErrOrderNotFound     = apperr.New(apperr.NotFound, "performance_order.not_found", "责令履行记录不存在")
	ErrReprimandNotFound = apperr.New(apperr.NotFound, "reprimand.not_found", "通报批评不存在")
)

// MustOrderPerformance is 复议法第77条: when the respondent does not perform a 决定书, 调解书 or 意见书 (or delays
// without good reason), the 复议机关 orders performance within a time limit (责令限期履行) and may then 约谈 its
// responsible officials or 通报批评. Not performing is read from the document's own time limit: the
// performance deadline the 决定书/调解书 set, or the 60 days of a 意见书 (第76条), still open (or breached) and
// past on the day of the order.
func MustOrderPerformance(due date.Date, status string, on date.Date) bool {
	return !due.IsZero() && (status == cases.DeadlineOpen || status == "breached") && due.Before(on)
}

// Unperformed is a document whose time limit passed without performance and without a 责令 yet.
type Unperformed struct {
	CaseID     int64     `db:"case_id" json:"case_id"`
	CaseNo     string    `db:"case_no" json:"case_no"`
	AgencyName string    `db:"agency_name" json:"agency_name"`
	Kind       string    `db:"kind" json:"-"`
	Ref        string    `db:"ref" json:"-"`
	Document   string    `db:"-" json:"document"` // decision | opinion (a 调解书 is ordered as decision)
	LetterID   int64     `db:"-" json:"letter_id,omitempty"`
	DueOn      date.Date `db:"due_on" json:"due_on"`
}

// Order is a 责令限期履行 with its follow-ups.
type Order struct {
	ID          int64       `db:"id" json:"id"`
	CaseID      int64       `db:"case_id" json:"case_id"`
	CaseNo      string      `db:"case_no" json:"case_no"`
	AgencyID    int         `db:"agency_id" json:"agency_id"`
	AgencyName  string      `db:"agency_name" json:"agency_name"`
	Document    string      `db:"document" json:"document"`
	LetterID    *int64      `db:"letter_id" json:"letter_id,omitempty"`
	MissedDueOn date.Date   `db:"missed_due_on" json:"missed_due_on"`
	DocNo       string      `db:"doc_no" json:"doc_no"`
	OrderedOn   date.Date   `db:"ordered_on" json:"ordered_on"`
	DueOn       date.Date   `db:"due_on" json:"due_on"`
	PerformedOn date.Date   `db:"performed_on" json:"performed_on"`
	Overdue     bool        `db:"-" json:"overdue"`
	URL         string      `db:"-" json:"pdf_url"`
	Interviews  []Interview `db:"-" json:"interviews"`
	Reprimands  []Reprimand `db:"-" json:"reprimands"`
}

// DocumentLabel names the document not performed.
func (o Order) DocumentLabel() string { return documentLabel(o.Document) }

func documentLabel(d string) string {
	switch d {
	case "mediation":
		return "行政复议调解书"
	case "opinion":
		return "行政复议意见书"
	}
	return "行政复议决定书"
}

// Interview is a 约谈.
type Interview struct {
	ID          int64     `db:"id" json:"id"`
	OrderID     int64     `db:"order_id" json:"order_id"`
	HeldOn      date.Date `db:"held_on" json:"held_on"`
	Officials   string    `db:"officials" json:"officials"`
	Minutes     string    `db:"minutes" json:"minutes"`
	Commitments string    `db:"commitments" json:"commitments"`
}

// Reprimand is a 通报批评.
type Reprimand struct {
	ID         int64     `db:"id" json:"id"`
	OrderID    int64     `db:"order_id" json:"order_id"`
	IssuedOn   date.Date `db:"issued_on" json:"issued_on"`
	DocNo      string    `db:"doc_no" json:"doc_no"`
	Recipients string    `db:"recipients" json:"recipients"`
	Content    string    `db:"content" json:"content"`
	URL        string    `db:"-" json:"pdf_url"`
}

func (o *Order) finish(today date.Date) {
	o.Overdue = o.PerformedOn.IsZero() && o.DueOn.Before(today)
	o.URL = fmt.Sprintf("/supervision/performance-orders/%d.pdf", o.ID)
	for i := range o.Reprimands {
		o.Reprimands[i].URL = fmt.Sprintf("/supervision/reprimands/%d.pdf", o.Reprimands[i].ID)
	}
}

// Unperformed lists the documents whose time limit passed unperformed and that have no 责令 yet.
func (s *Service) Unperformed(ctx context.Context) ([]Unperformed, error) {
	us, err := NewStore(s.DB).Unperformed(ctx, s.Today())
	if err != nil {
		return nil, err
	}
	for i := range us {
		us[i].Document = "decision"
		if us[i].Kind == cases.DeadlineOpinion {
			us[i].Document = "opinion"
			us[i].LetterID, _ = strconv.ParseInt(us[i].Ref, 10, 64) // the ref of a letter deadline is its id
		}
	}
	return us, nil
}

// Orders lists the 责令 with their 约谈 and 通报批评 (caseID 0: all).
func (s *Service) Orders(ctx context.Context, caseID int64) ([]Order, error) {
	st := NewStore(s.DB)
	os, err := st.Orders(ctx, caseID)
	if err != nil {
		return nil, err
	}
	for i := range os {
		if err := st.orderFollowUps(ctx, &os[i]); err != nil {
			return nil, err
		}
		os[i].finish(s.Today())
	}
	return os, nil
}

// OrderDocuments are the documents a 责令履行 concerns (复议法第77条).
var OrderDocuments = apperr.NewEnum("未履行的文书", "decision", "行政复议决定书（含调解书）", "opinion", "行政复议意见书")

// OrderInput is the body of POST /api/v1/performance-orders.
type OrderInput struct {
	CaseID    int64  `json:"case_id"`
	Document  string `json:"document"` // decision (also a 调解书) | opinion
	LetterID  int64  `json:"letter_id"`
	OrderedOn string `json:"ordered_on"`
	DueOn     string `json:"due_on"`
}

// OrderPerformance issues a 责令限期履行通知书 with a new time limit (复议法第77条), kept as a case deadline.
func (s *Service) OrderPerformance(ctx context.Context, u *auth.User, in OrderInput) (*Order, error) {
	f := apperr.Fields{}
	today := s.Today()
	on := checkDate(f, "ordered_on", "责令日期", in.OrderedOn, today)
	due := checkFutureDate(f, "due_on", "限期履行日期", in.DueOn)
	OrderDocuments.Add(f, "document", in.Document)
	if in.Document == "opinion" && in.LetterID <= 0 {
		f.Add("letter_id", "请选择未落实的意见书")
	}
	if in.CaseID <= 0 {
		f.Add("case_id", "请选择案件")
	}
	if !on.IsZero() && !due.IsZero() && !due.After(on) {
		f.Add("due_on", "限期履行日期须晚于责令日期")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	var id int64
	err := database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
		st := NewStore(tx)
		r, err := st.LockCase(ctx, in.CaseID)
		if err != nil {
			return err
		}
		kind, ref, document := cases.DeadlinePerform, "", in.Document
		var letter *int64
		if in.Document == "opinion" {
			kind, ref, letter = cases.DeadlineOpinion, fmt.Sprint(in.LetterID), &in.LetterID
		} else {
			typ, err := st.ApprovedType(ctx, in.CaseID)
			if err != nil {
				return err
			}
			if typ == "mediation" {
				document = "mediation"
			}
		}
		missed, err := st.Deadline(ctx, in.CaseID, kind, ref)
		if err != nil {
			return err
		}
		if !MustOrderPerformance(missed.DueOn, missed.Status, on) {
			if missed.DueOn.IsZero() {
				return apperr.State("performance_order.no_limit", "该%s没有待履行的期限，不能责令履行", documentLabel(document))
			}
			return apperr.State("performance_order.not_due", "该%s的履行期限%s尚未届满或已履行（%s），不能责令履行（复议法第77条）",
				documentLabel(document), missed.DueOn, missed.Status)
		}
		o, err := loadOrgan(ctx, tx)
		if err != nil {
			return err
		}
		serial, err := st.NextSerial(ctx, "performance_orders", on.Year())
		if err != nil {
			return err
		}
		docNo := fmt.Sprintf("%s责〔%d〕%d号", o.DocPrefix, on.Year(), serial)
		text := orderText(o, docNo, r, document, missed.DueOn, on, due)
		b, err := pdf.RenderAt(text, "责令限期履行通知书", on.Time().Add(8*time.Hour))
		if err != nil {
			return err
		}
		if id, err = st.InsertOrder(ctx, newOrder{CaseID: in.CaseID, Document: document, LetterID: letter, MissedDueOn: missed.DueOn,
			Year: on.Year(), Serial: serial, DocNo: docNo, OrderedOn: on, DueOn: due, PDF: b, By: u.ID}); err != nil {
			if name, _ := database.Constraint(err); name == "performance_orders_one" {
				return apperr.State("performance_order.exists", "该%s已责令履行", documentLabel(document))
			}
			return err
		}
		if err := st.SaveDeadline(ctx, in.CaseID, cases.DeadlineOrder, fmt.Sprint(id), due, cases.DeadlineOpen, date.Date{},
			fmt.Sprintf("责令限期履行：%s责令被申请人于%s前履行%s（复议法第77条）", docNo, due, documentLabel(document))); err != nil {
			return err
		}
		return audit.Record(ctx, tx, in.CaseID, u.ID, "performance.ordered",
			fmt.Sprintf("被申请人未在%s前履行%s，制发责令限期履行通知书%s，限于%s前履行（复议法第77条）", missed.DueOn, documentLabel(document), docNo, due),
			nil, map[string]any{"order_id": id, "doc_no": docNo, "due_on": due})
	})
	if err != nil {
		return nil, err
	}
	return s.order(ctx, id)
}

func (s *Service) order(ctx context.Context, id int64) (*Order, error) {
	st := NewStore(s.DB)
	o, err := st.Order(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := st.orderFollowUps(ctx, &o); err != nil {
		return nil, err
	}
	o.finish(s.Today())
	return &o, nil
}

func orderText(o organ, docNo string, r Respondent, document string, missed, on, due date.Date) string {
	var b strings.Builder
	fmt.Fprintf(&b, "@title %s\n@title 责令限期履行通知书\n@right %s\n@plain %s：\n", pdf.Text(o.Name), docNo, pdf.Text(r.AgencyName))
	fmt.Fprintf(&b, "本机关在以你单位为被申请人的行政复议案件（案号%s）中作出的%s%s，履行期限已于%s届满，你单位至今未履行。依照《中华人民共和国行政复议法》第七十七条的规定，现责令你单位于%s前履行，并将履行情况书面报告本机关。逾期仍不履行的，本机关将依法约谈你单位有关负责人或者予以通报批评。\n",
		pdf.Text(deref(r.CaseNo)), documentLabel(document), pdf.Text(copiedNo(r.CaseNo, document)), missed.Chinese(), due.Chinese())
	fmt.Fprintf(&b, "@sign %s\n@date %s\n", pdf.Text(o.Name), on.Chinese())
	return b.String()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// copiedNo is the 文号 of a case's document in brackets (一案一号 with the document's 代字).
func copiedNo(caseNo *string, document string) string {
	t, ok := cases.DocTypeOf(document)
	if !ok || caseNo == nil {
		return ""
	}
	if n, ok := ident.ParseDocNo(*caseNo); ok {
		return "（" + cases.DocNo(n.Prefix, t.Char, caseNo, n.Year, n.Serial) + "）"
	}
	return ""
}

// InterviewInput is the body of POST /api/v1/performance-orders/{id}/interviews.
type InterviewInput struct {
	HeldOn      string `json:"held_on"`
	Officials   string `json:"officials"`
	Minutes     string `json:"minutes"`
	Commitments string `json:"commitments"`
}

func text(f apperr.Fields, field, label, v string, required bool, max int) string {
	v = strings.TrimSpace(v)
	if required && v == "" {
		f.Add(field, "%s不能为空", label)
	}
	if utf8.RuneCountInString(v) > max {
		f.Add(field, "%s不超过%d字", label, max)
	}
	return v
}

// Interview records a 约谈 of the respondent's responsible officials after a 责令 (复议法第77条).
func (s *Service) Interview(ctx context.Context, u *auth.User, orderID int64, in InterviewInput) (*Order, error) {
	f := apperr.Fields{}
	held := checkDate(f, "held_on", "约谈日期", in.HeldOn, s.Today())
	officials := text(f, "officials", "约谈对象（有关负责人）", in.Officials, true, 500)
	minutes := text(f, "minutes", "约谈记录", in.Minutes, true, 20000)
	commitments := text(f, "commitments", "整改承诺", in.Commitments, false, 5000)
	if err := f.Err(); err != nil {
		return nil, err
	}
	err := database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
		st := NewStore(tx)
		o, err := st.LockOrder(ctx, orderID)
		if err != nil {
			return err
		}
		if held.Before(o.OrderedOn) {
			return fieldErr("held_on", "约谈日期不能早于责令日期%s", o.OrderedOn)
		}
		if err := st.InsertInterview(ctx, orderID, held, officials, minutes, commitments, u.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.CaseID, u.ID, "performance.interview",
			fmt.Sprintf("%s约谈%s有关负责人（复议法第77条）", held, o.AgencyName), nil, map[string]any{"order_id": orderID, "held_on": held})
	})
	if err != nil {
		return nil, err
	}
	return s.order(ctx, orderID)
}

func fieldErr(field, format string, args ...any) error {
	f := apperr.Fields{}
	f.Add(field, format, args...)
	return f.Err()
}

// ReprimandInput is the body of POST /api/v1/performance-orders/{id}/reprimands.
type ReprimandInput struct {
	IssuedOn   string `json:"issued_on"`
	Recipients string `json:"recipients"`
	Content    string `json:"content"`
}

// Reprimand issues a 通报批评 (a document with its 文号, addressed to the recipients) after a 责令 (复议法第77条).
func (s *Service) Reprimand(ctx context.Context, u *auth.User, orderID int64, in ReprimandInput) (*Order, error) {
	f := apperr.Fields{}
	on := checkDate(f, "issued_on", "通报日期", in.IssuedOn, s.Today())
	recipients := text(f, "recipients", "通报范围（主送单位）", in.Recipients, true, 1000)
	content := text(f, "content", "通报内容", in.Content, true, 20000)
	if err := f.Err(); err != nil {
		return nil, err
	}
	err := database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
		st := NewStore(tx)
		o, err := st.LockOrder(ctx, orderID)
		if err != nil {
			return err
		}
		if on.Before(o.OrderedOn) {
			return fieldErr("issued_on", "通报日期不能早于责令日期%s", o.OrderedOn)
		}
		org, err := loadOrgan(ctx, tx)
		if err != nil {
			return err
		}
		serial, err := st.NextSerial(ctx, "performance_reprimands", on.Year())
		if err != nil {
			return err
		}
		docNo := fmt.Sprintf("%s通〔%d〕%d号", org.DocPrefix, on.Year(), serial)
		var b strings.Builder
		fmt.Fprintf(&b, "@title %s\n@title 关于对%s予以通报批评的通报\n@right %s\n@plain %s：\n", pdf.Text(org.Name), pdf.Text(o.AgencyName), docNo, pdf.Text(recipients))
		fmt.Fprintf(&b, "%s未履行本机关作出的%s（案号%s）。本机关于%s以%s责令其于%s前履行。依照《中华人民共和国行政复议法》第七十七条的规定，现对%s予以通报批评。\n",
			pdf.Text(o.AgencyName), o.DocumentLabel(), pdf.Text(o.CaseNo), o.OrderedOn.Chinese(), pdf.Text(o.DocNo), o.DueOn.Chinese(), pdf.Text(o.AgencyName))
		// each line typed is a paragraph of text: a line beginning with "@" is printed, never read as layout
		for _, p := range strings.Split(content, "\n") {
			if p = strings.TrimSpace(p); p != "" {
				b.WriteString(pdf.Text(p) + "\n")
			}
		}
		fmt.Fprintf(&b, "@sign %s\n@date %s\n", pdf.Text(org.Name), on.Chinese())
		pdfb, err := pdf.RenderAt(b.String(), "通报批评", on.Time().Add(8*time.Hour))
		if err != nil {
			return err
		}
		if err := st.InsertReprimand(ctx, orderID, on, on.Year(), serial, docNo, recipients, content, pdfb, u.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.CaseID, u.ID, "performance.reprimand",
			fmt.Sprintf("%s对%s予以通报批评（%s，复议法第77条）", on, o.AgencyName, docNo), nil, map[string]any{"order_id": orderID, "doc_no": docNo})
	})
	if err != nil {
		return nil, err
	}
	return s.order(ctx, orderID)
}

// RecordOrderPerformed records that the respondent performed after the 责令; its deadline is met.
func (s *Service) RecordOrderPerformed(ctx context.Context, u *auth.User, orderID int64, on string) (*Order, error) {
	f := apperr.Fields{}
	d := checkDate(f, "performed_on", "履行日期", on, s.Today())
	if err := f.Err(); err != nil {
		return nil, err
	}
	err := database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
		st := NewStore(tx)
		o, err := st.LockOrder(ctx, orderID)
		if err != nil {
			return err
		}
		if !o.PerformedOn.IsZero() {
			return apperr.State("performance_order.performed", "已登记于%s履行", o.PerformedOn)
		}
		if d.Before(o.OrderedOn) {
			return fieldErr("performed_on", "履行日期不能早于责令日期%s", o.OrderedOn)
		}
		if err := st.SetOrderPerformed(ctx, orderID, d); err != nil {
			return err
		}
		if err := st.SaveDeadline(ctx, o.CaseID, cases.DeadlineOrder, fmt.Sprint(orderID), o.DueOn, cases.DeadlineMet, d,
			fmt.Sprintf("责令限期履行：%s责令被申请人于%s前履行%s（复议法第77条）", o.DocNo, o.DueOn, o.DocumentLabel())); err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.CaseID, u.ID, "performance.order_performed",
			fmt.Sprintf("被申请人于%s履行（责令限期履行通知书%s）", d, o.DocNo), nil, map[string]any{"order_id": orderID, "performed_on": d})
	})
	if err != nil {
		return nil, err
	}
	return s.order(ctx, orderID)
}

// OrderPDF and ReprimandPDF are the documents as issued.
func (s *Service) OrderPDF(ctx context.Context, id int64) (string, []byte, error) {
	return NewStore(s.DB).DocumentPDF(ctx, queryOrderPDF, id, ErrOrderNotFound)
}

func (s *Service) ReprimandPDF(ctx context.Context, id int64) (string, []byte, error) {
	return NewStore(s.DB).DocumentPDF(ctx, queryReprimandPDF, id, ErrReprimandNotFound)
}
