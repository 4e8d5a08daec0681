package supervision

import (
	"context"
	"fmt"
	"strings"
	"time"

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

// Respondent is the 被申请人 of a case as the directory describes it.
type Respondent struct {
	CaseNo       *string `db:"case_no"`
	AgencyID     int     `db:"agency_id"`
	AgencyName   string  `db:"agency_name"`
	Level        string  `db:"level"`
	SuperiorID   *int    `db:"superior_id"`
	SuperiorName *string `db:"superior_name"`
}

// departmentLevels are the levels of the directory that are 工作部门 of a government.
var departmentLevels = map[string]bool{"县级部门": true, "市级部门": true, "省级部门": true}

// CopyReportRecipient decides the 抄告 of 复议法第79条第2款: a 县级以上地方人民政府 deciding a case against one of
// its 工作部门 sends the legally effective 决定书 and 意见书 to that department's 上一级主管部门 at the same time.
// The agency directory says who that is (agencies.superior_id, which the database allows only for
// departments): a department with one gets a 抄告 to it; an agency without one — a 街道办事处 or 乡镇, whose
// superior is the government itself, or a department whose superior the bureau has not entered — gets none.
func CopyReportRecipient(r Respondent) (superiorID int, due bool) {
	if r.SuperiorID == nil || !departmentLevels[r.Level] || *r.SuperiorID == r.AgencyID {
		return 0, false
	}
	return *r.SuperiorID, true
}

// CopyReport is a 抄告 of a case's 决定书 or 意见书.
type CopyReport struct {
	ID           int64     `db:"id" json:"id"`
	CaseID       int64     `db:"case_id" json:"case_id"`
	CaseNo       string    `db:"case_no" json:"case_no"`
	Kind         string    `db:"kind" json:"kind"` // decision | opinion
	LetterID     *int64    `db:"letter_id" json:"letter_id,omitempty"`
	AgencyID     int       `db:"agency_id" json:"agency_id"`
	AgencyName   string    `db:"agency_name" json:"agency_name"`
	SuperiorID   int       `db:"superior_id" json:"superior_id"`
	SuperiorName string    `db:"superior_name" json:"superior_name"`
	DocNo        string    `db:"doc_no" json:"doc_no"`
	EffectiveOn  date.Date `db:"effective_on" json:"effective_on"`
	DueOn        date.Date `db:"-" json:"due_on"`
	SentOn       date.Date `db:"sent_on" json:"sent_on"`
	ServedOn     date.Date `db:"served_on" json:"served_on"`
	Overdue      bool      `db:"-" json:"overdue"`
	URL          string    `db:"-" json:"pdf_url"`
}

// KindLabel names the copied document.
func (c CopyReport) KindLabel() string {
	if c.Kind == "opinion" {
		return "行政复议意见书"
	}
	return "行政复议决定书"
}

// finish fills the derived fields: the 抄告 is due the day the document took effect (“同时抄告”) and overdue
// when it has not been sent by the end of that day.
func (c *CopyReport) finish(today date.Date) {
	c.DueOn = c.EffectiveOn
	c.Overdue = c.SentOn.IsZero() && c.DueOn.Before(today)
	c.URL = fmt.Sprintf("/supervision/copy-reports/%d.pdf", c.ID)
}

// DocumentEffective is the cases.EffectiveFunc: inside the transaction that made a 决定书 or 意见书 effective
// it prepares the 抄告 (文号, rendered letter) when CopyReportRecipient says one is due, and records it.
func (s *Service) DocumentEffective(ctx context.Context, tx *sqlx.Tx, e cases.Effect) error {
	st := NewStore(tx)
	r, err := st.Respondent(ctx, e.CaseID)
	if err != nil {
		return err
	}
	sup, due := CopyReportRecipient(r)
	if !due {
		return nil
	}
	o, err := loadOrgan(ctx, tx)
	if err != nil {
		return err
	}
	serial, err := st.NextCopySerial(ctx, e.On.Year())
	if err != nil {
		return err
	}
	docNo := fmt.Sprintf("%s抄〔%d〕%d号", o.DocPrefix, e.On.Year(), serial)
	copied, char := "行政复议决定书", "决"
	if e.Document == "opinion" {
		copied, char = "行政复议意见书", "意"
	}
	caseNo, copiedNo := "", ""
	if r.CaseNo != nil {
		caseNo = *r.CaseNo
		if n, ok := ident.ParseDocNo(caseNo); ok {
			copiedNo = cases.DocNo(n.Prefix, char, r.CaseNo, n.Year, n.Serial)
		}
	}
	text := CopyReportText(o.Name, docNo, *r.SuperiorName, r.AgencyName, caseNo, copied, copiedNo, e.On)
	b, err := pdf.RenderAt(text, "行政复议文书抄告函", e.On.Time().Add(8*time.Hour))
	if err != nil {
		return err
	}
	var letter *int64
	if e.Document == "opinion" {
		letter = &e.LetterID
	}
	id, err := st.InsertCopyReport(ctx, newCopyReport{CaseID: e.CaseID, Kind: e.Document, LetterID: letter, AgencyID: r.AgencyID,
		SuperiorID: sup, Year: e.On.Year(), Serial: serial, DocNo: docNo, EffectiveOn: e.On, PDF: b})
	if err != nil {
		return err
	}
	if err := st.SaveDeadline(ctx, e.CaseID, cases.DeadlineCopyReport, fmt.Sprint(id), e.On, cases.DeadlineOpen, date.Date{}, copyBasis(docNo, *r.SuperiorName, e.On)); err != nil {
		return err
	}
	return audit.Record(ctx, tx, e.CaseID, e.ActorID, "copy_report.prepared",
		fmt.Sprintf("%s已发生法律效力，应同时抄告被申请人的上一级主管部门%s（复议法第79条第2款），抄告函%s已生成", copied, *r.SuperiorName, docNo),
		nil, map[string]any{"copy_report_id": id, "doc_no": docNo, "superior_id": sup})
}

func copyBasis(docNo, superior string, on date.Date) string {
	return fmt.Sprintf("抄告上一级主管部门%s：文书于%s发生法律效力，应同时抄告（复议法第79条第2款，抄告函%s）", superior, on, docNo)
}

// CopyReportText is the markup of the 抄告函.
func CopyReportText(organName, docNo, superior, agency, caseNo, copied, copiedNo string, on date.Date) string {
	ref := copied
	if copiedNo != "" {
		ref += "（" + copiedNo + "）"
	}
	agency, ref, superior = pdf.Text(agency), pdf.Text(ref), pdf.Text(superior)
	organName, docNo, caseNo, copied = pdf.Text(organName), pdf.Text(docNo), pdf.Text(caseNo), pdf.Text(copied)
	var b strings.Builder
	fmt.Fprintf(&b, "@title %s\n@title 行政复议文书抄告函\n@right %s\n@plain %s：\n", organName, docNo, superior)
	fmt.Fprintf(&b, "本机关办理的以%s为被申请人的行政复议案件（案号%s），%s已于%s发生法律效力。依照《中华人民共和国行政复议法》第七十九条第二款的规定，现将该%s抄告你单位。\n",
		agency, caseNo, ref, on.Chinese(), copied)
	fmt.Fprintf(&b, "@plain 附件：%s\n@sign %s\n@date %s\n", ref, organName, on.Chinese())
	return b.String()
}

// CopyReports lists the 抄告, newest first.
func (s *Service) CopyReports(ctx context.Context) ([]CopyReport, error) {
	cs, err := NewStore(s.DB).CopyReports(ctx, 0)
	if err != nil {
		return nil, err
	}
	for i := range cs {
		cs[i].finish(s.Today())
	}
	return cs, nil
}

// CaseCopyReports lists the 抄告 of one case.
func (s *Service) CaseCopyReports(ctx context.Context, caseID int64) ([]CopyReport, error) {
	cs, err := NewStore(s.DB).CopyReports(ctx, caseID)
	if err != nil {
		return nil, err
	}
	for i := range cs {
		cs[i].finish(s.Today())
	}
	return cs, nil
}

// CopyReportPDF is the letter as prepared when the document took effect.
func (s *Service) CopyReportPDF(ctx context.Context, id int64) (string, []byte, error) {
	return NewStore(s.DB).CopyReportPDF(ctx, id)
}

// RecordCopyReport records the sending (step "sent") or the service (step "served") of a 抄告, audited.
func (s *Service) RecordCopyReport(ctx context.Context, u *auth.User, id int64, step, on string) (*CopyReport, error) {
	f := apperr.Fields{}
	field, label := "sent_on", "发送日期"
	if step == "served" {
		field, label = "served_on", "送达日期"
	}
	d := checkDate(f, field, label, on, s.Today())
	if err := f.Err(); err != nil {
		return nil, err
	}
	var out *CopyReport
	err := database.Tx(ctx, s.DB, func(tx *sqlx.Tx) error {
		st := NewStore(tx)
		c, err := st.LockCopyReport(ctx, id)
		if err != nil {
			return err
		}
		switch {
		case step == "sent" && !c.SentOn.IsZero():
			return apperr.State("copy_report.sent", "抄告函已于%s发送", c.SentOn)
		case step == "sent" && d.Before(c.EffectiveOn):
			return apperr.Rule("copy_report.before_effect", "发送日期不能早于%s发生法律效力的日期%s", c.KindLabel(), c.EffectiveOn)
		case step == "served" && c.SentOn.IsZero():
			return apperr.State("copy_report.not_sent", "抄告函尚未发送，先登记发送")
		case step == "served" && !c.ServedOn.IsZero():
			return apperr.State("copy_report.served", "抄告函已于%s送达", c.ServedOn)
		case step == "served" && d.Before(c.SentOn):
			return apperr.Rule("copy_report.before_sent", "送达日期不能早于发送日期%s", c.SentOn)
		}
		if err := st.SetCopyReportDate(ctx, id, step, d); err != nil {
			return err
		}
		if step == "sent" {
			if err := st.SaveDeadline(ctx, c.CaseID, cases.DeadlineCopyReport, fmt.Sprint(id), c.EffectiveOn, cases.DeadlineMet, d,
				copyBasis(c.DocNo, c.SuperiorName, c.EffectiveOn)); err != nil {
				return err
			}
		}
		what := "发送"
		if step == "served" {
			what = "送达"
		}
		if err := audit.Record(ctx, tx, c.CaseID, u.ID, "copy_report."+step, fmt.Sprintf("抄告函%s于%s%s%s", c.DocNo, d, what, c.SuperiorName),
			nil, map[string]any{field: d, "copy_report_id": id}); err != nil {
			return err
		}
		cs, err := st.CopyReport(ctx, id)
		if err != nil {
			return err
		}
		cs.finish(s.Today())
		out = &cs
		return nil
	})
	return out, err
}
