// Package publication publishes 行政复议 decisions on the public site, anonymised: the bureau previews
// exactly the file that will be published with every replacement marked, adds manual redactions, marks
// cases not for publication, publishes, withdraws and republishes; the public list, search and feed read
// only what was published. It builds on cases (the decision documents) and internal/redact.
package publication

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"fuyi/cases"
	"fuyi/internal/apperr"
	"fuyi/internal/audit"
	"fuyi/internal/auth"
	"fuyi/internal/database"
	"fuyi/internal/pdf"
	"fuyi/internal/redact"
	"fuyi/internal/textsearch"
)

// BlockReasons are the reasons a decision is not published (DOMAIN.md §10).
var BlockReasons = map[string]string{
	"state_secret":    "涉及国家秘密",
	"privacy":         "以个人隐私为主要内容",
	"minor":           "涉及未成年人",
	"party_objection": "当事人有正当理由反对公开",
	"other":           "其他不宜公开的情形",
}

// BlockReasonEnum is BlockReasons as an enumeration; TermKinds are the kinds of words to redact.
var (
	BlockReasonEnum = apperr.EnumOf("不予公开的理由", BlockReasons)
	TermKinds       = apperr.NewEnum("需隐去内容的类别", "person", "人名（以代号替换）", "org", "企业名称（以代号替换）", "other", "其他（整体删除）")
)

// decisionDoc is the document that is published for a decision type.
func decisionDoc(typ string) string {
	switch typ {
	case "settlement", "terminate":
		return "termination"
	case "dismiss_application":
		return "dismissal"
	case "mediation":
		return "mediation"
	}
	return "decision"
}

// Preview is exactly what would be published.
type Preview struct {
	Title      string
	DocNo      string
	Text       string // redacted markup
	Spans      []redact.Span
	PDF        []byte
	DecisionID int64
	Approved   time.Time
	Terms      []redact.Term
	Candidates []redact.Candidate // person-like names for the reviewer, with their status
	Open       []redact.Candidate // those without an answer: nothing is published while any is left
	Blocked    string
	Refusal    string // why it cannot be published now
	Lines      []template.HTML
}

// Result is the answer of a publication.
type Result struct {
	ID     int64  `json:"id"`
	URL    string `json:"url"`
	PDFURL string `json:"pdf_url"`
}

// Service publishes decisions; it owns its transactions.
type Service struct {
	Cases *cases.Service
}

// NewService builds the service on the cases service (documents, views, the pool).
func NewService(cs *cases.Service) *Service { return &Service{Cases: cs} }

func (s *Service) db() *sqlx.DB { return s.Cases.DB }

// VisibleCase returns the view of a case the user may see, or cases.ErrNotFound.
func (s *Service) VisibleCase(ctx context.Context, u *auth.User, id int64) (*cases.View, error) {
	c, err := cases.NewStore(s.db()).GetVisible(ctx, id, u)
	if err != nil {
		return nil, err
	}
	return s.Cases.View(ctx, s.db(), c)
}

func (s *Service) redactionInput(ctx context.Context, v *cases.View) (redact.Input, []redact.Term, error) {
	var in redact.Input
	for _, group := range [][]cases.Party{v.Applicants, v.ThirdParties, v.Agents} {
		for _, p := range group {
			if p.Kind == "person" {
				in.Persons = append(in.Persons, p.Name)
			} else {
				in.Orgs = append(in.Orgs, p.Name)
				if p.LegalRep != "" {
					in.Persons = append(in.Persons, p.LegalRep)
				}
			}
			if p.Address != "" {
				in.Addresses = append(in.Addresses, p.Address)
			}
		}
	}
	st := NewStore(s.db())
	terms, err := st.Terms(ctx, v.ID)
	if err != nil {
		return in, nil, err
	}
	in.Manual = terms
	if in.Decisions, err = st.Decisions(ctx, v.ID); err != nil {
		return in, nil, err
	}
	o, err := cases.NewStore(s.db()).CaseOrgan(ctx, v.ID)
	if err != nil {
		return in, nil, err
	}
	in.Keep = []string{o.Name, o.OfficeName, o.CourtName}
	keep, err := st.AgencyTexts(ctx)
	if err != nil {
		return in, nil, err
	}
	in.Keep = append(in.Keep, keep...)
	return in, terms, nil
}

// Anonymise redacts a text written about case id for publication elsewhere (the summary of a 典型案例) by the
// rules of the case's published decision: its parties, the reviewer's terms and answers, and every
// undecided person-like name redacted (redact.Apply). u must see the case.
func (s *Service) Anonymise(ctx context.Context, u *auth.User, id int64, text string) (string, error) {
	v, err := s.VisibleCase(ctx, u, id)
	if err != nil {
		return "", err
	}
	in, _, err := s.redactionInput(ctx, v)
	if err != nil {
		return "", err
	}
	out, _ := redact.Apply(text, in)
	return out, nil
}

// Preview renders the redacted final document of a case; clerk is who looks at it.
func (s *Service) Preview(ctx context.Context, v *cases.View, clerk string) (*Preview, error) {
	p := &Preview{}
	blockCode, err := NewStore(s.db()).BlockReason(ctx, v.ID)
	if err != nil {
		return nil, err
	}
	p.Blocked = BlockReasons[blockCode]
	d := (*cases.DecisionView)(nil)
	if v.Handling != nil {
		d = v.Handling.Current()
	}
	switch {
	case d == nil:
		p.Refusal = "本案尚无已批准的决定"
		return p, nil
	case v.Handling.ServedOn.IsZero():
		p.Refusal = "决定书尚未送达、未发生法律效力（复议法第75条），送达后方可公开"
	case p.Blocked != "":
		p.Refusal = "本案已标记为不公开：" + p.Blocked
	}
	p.DecisionID = d.ID
	if d.ApprovedAt != nil {
		p.Approved = *d.ApprovedAt
	}
	title, text, err := s.Cases.DocumentText(ctx, v, decisionDoc(d.Type), "", clerk)
	if err != nil {
		return nil, err
	}
	in, terms, err := s.redactionInput(ctx, v)
	if err != nil {
		return nil, err
	}
	p.Terms = terms
	p.Title = title
	if v.CaseNo != nil {
		p.DocNo = *v.CaseNo
	}
	r := redact.Redact(text, in)
	p.Text, p.Spans, p.Candidates, p.Open = r.Text, r.Replacements, r.Candidates, r.Open()
	if p.PDF, err = pdf.RenderAt(p.Text, title, p.Approved); err != nil {
		return nil, err
	}
	p.Lines = Highlight(p.Text, p.Spans)
	return p, nil
}

// Highlight renders the redacted markup as HTML lines with every replacement marked.
func Highlight(text string, spans []redact.Span) []template.HTML {
	var b strings.Builder
	pos := 0
	for _, s := range spans {
		b.WriteString(template.HTMLEscapeString(text[pos:s.Start]))
		fmt.Fprintf(&b, `<mark title="%s">%s</mark>`, template.HTMLEscapeString(s.Category.Label()), template.HTMLEscapeString(text[s.Start:s.End]))
		pos = s.End
	}
	b.WriteString(template.HTMLEscapeString(text[pos:]))
	var out []template.HTML
	for _, l := range strings.Split(b.String(), "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		for _, d := range []string{"@title ", "@right ", "@plain ", "@center ", "@heading "} {
			l = strings.TrimPrefix(l, d)
		}
		if l == "@blank" {
			continue
		}
		out = append(out, template.HTML(l))
	}
	return out
}

// Publish stores exactly the previewed file and its text for search, in one transaction with the audit event.
func (s *Service) Publish(ctx context.Context, u *auth.User, id int64) (*Result, error) {
	v, err := s.VisibleCase(ctx, u, id)
	if err != nil {
		return nil, err
	}
	p, err := s.Preview(ctx, v, u.Name)
	if err != nil {
		return nil, err
	}
	if p.Refusal != "" {
		return nil, apperr.State("publication.not_allowed", "%s", p.Refusal)
	}
	if err := unreviewed(p.Open); err != nil {
		return nil, err
	}
	var body []string
	for _, b := range pdf.ParseMarkup(p.Text) {
		body = append(body, b.Text)
	}
	text := strings.Join(body, "\n")
	spans, err := json.Marshal(p.Spans)
	if err != nil {
		return nil, fmt.Errorf("publication: spans: %w", err)
	}
	d := v.Handling.Current()
	var pubID int64
	err = database.Tx(ctx, s.db(), func(tx *sqlx.Tx) error {
		st := NewStore(tx)
		if _, err := cases.NewStore(tx).Lock(ctx, id); err != nil {
			return err
		}
		live, err := st.Live(ctx, id)
		if err != nil {
			return err
		}
		if live {
			return apperr.State("publication.exists", "本案决定书已公开；如需更正，请先撤回再重新公开")
		}
		pubID, err = st.Insert(ctx, NewPublication{CaseID: id, DecisionID: p.DecisionID, Title: p.Title, DocNo: p.DocNo,
			AgencyID: v.AgencyID, AgencyName: v.RespondentAgency.Name, DecisionType: d.Type, DecidedOn: d.DecidedOn,
			Body: text, PDF: p.PDF, Redactions: spans, Tokens: textsearch.Tokens(text), By: u.ID})
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, id, u.ID, "publication.published", fmt.Sprintf("决定书经审核后网上公开（公开编号%d，隐去%d处）", pubID, len(p.Spans)), nil, map[string]any{"publication_id": pubID})
	})
	if err != nil {
		return nil, err
	}
	return &Result{ID: pubID, URL: fmt.Sprintf("/decisions/%d", pubID), PDFURL: fmt.Sprintf("/decisions/%d.pdf", pubID)}, nil
}

// Withdraw takes a published decision off the public site, with the reason.
func (s *Service) Withdraw(ctx context.Context, u *auth.User, id int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return cases.FieldError("publication.reason", "reason", "撤回公开须说明理由")
	}
	if _, err := cases.NewStore(s.db()).GetVisible(ctx, id, u); err != nil {
		return err
	}
	return database.Tx(ctx, s.db(), func(tx *sqlx.Tx) error {
		n, err := NewStore(tx).Withdraw(ctx, id, u.ID, reason)
		if err != nil {
			return err
		}
		if n == 0 {
			return apperr.State("publication.none", "本案决定书未在网上公开")
		}
		return audit.Record(ctx, tx, id, u.ID, "publication.withdrawn", "撤回网上公开："+reason, nil, nil)
	})
}

// AddTerm records a reviewer's manual redaction.
func (s *Service) AddTerm(ctx context.Context, u *auth.User, id int64, term, kind string) error {
	term = strings.TrimSpace(term)
	f := apperr.Fields{}
	if len([]rune(term)) < 2 || len([]rune(term)) > 100 {
		f.Add("term", "需隐去的内容须为2–100字")
	}
	TermKinds.Add(f, "kind", kind)
	if err := f.Err(); err != nil {
		return err
	}
	if _, err := cases.NewStore(s.db()).GetVisible(ctx, id, u); err != nil {
		return err
	}
	return NewStore(s.db()).AddTerm(ctx, id, term, kind, u.ID)
}

// SetBlock marks a case not for publication (code "" lifts the mark); a published decision is withdrawn.
func (s *Service) SetBlock(ctx context.Context, u *auth.User, id int64, code, note string) error {
	if _, ok := BlockReasons[code]; !ok && code != "" {
		return cases.FieldError("publication.block_reason", "reason", BlockReasonEnum.Message("reason"))
	}
	if code != "" && strings.TrimSpace(note) == "" && code == "party_objection" {
		return cases.FieldError("publication.block_note", "note", "当事人反对公开的，请记录其理由")
	}
	if _, err := cases.NewStore(s.db()).GetVisible(ctx, id, u); err != nil {
		return err
	}
	return database.Tx(ctx, s.db(), func(tx *sqlx.Tx) error {
		st := NewStore(tx)
		if err := st.SetBlock(ctx, id, code, strings.TrimSpace(note)); err != nil {
			return err
		}
		if code != "" {
			if _, err := st.Withdraw(ctx, id, u.ID, "标记为不公开："+BlockReasons[code]); err != nil {
				return err
			}
		}
		summary := "取消不公开标记"
		if code != "" {
			summary = "标记为不在网上公开：" + BlockReasons[code] + " " + note
		}
		return audit.Record(ctx, tx, id, u.ID, "publication.block", summary, nil, nil)
	})
}
