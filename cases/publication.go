package cases

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"fuyi/internal/apperr"
	"fuyi/internal/audit"
	"fuyi/internal/auth"
	"fuyi/internal/database"
	"fuyi/internal/pdf"
	"fuyi/internal/redact"
	"fuyi/internal/textsearch"
	"fuyi/internal/web"
)

// Reasons a decision is not published (DOMAIN.md §10).
var BlockReasons = map[string]string{
	"state_secret":    "涉及国家秘密",
	"privacy":         "以个人隐私为主要内容",
	"minor":           "涉及未成年人",
	"party_objection": "当事人有正当理由反对公开",
	"other":           "其他不宜公开的情形",
}

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
	Blocked    string
	Refusal    string // why it cannot be published now
	Lines      []template.HTML
}

func (h *Handler) redactionInput(ctx context.Context, v *View) (redact.Input, []redact.Term, error) {
	var in redact.Input
	for _, group := range [][]Party{v.Applicants, v.ThirdParties, v.Agents} {
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
	var terms []redact.Term
	if err := h.Service.DB.SelectContext(ctx, &terms, `SELECT term AS text, kind FROM redaction_terms WHERE case_id = $1 ORDER BY id`, v.ID); err != nil {
		return in, nil, err
	}
	in.Manual = terms
	o, err := h.store().Organ(ctx)
	if err != nil {
		return in, nil, err
	}
	in.Keep = []string{o.Name, o.OfficeName, o.CourtName}
	var keep []string
	if err := h.Service.DB.SelectContext(ctx, &keep, `SELECT name FROM agencies UNION SELECT legal_rep FROM agencies WHERE legal_rep <> ''
		UNION SELECT address FROM agencies WHERE address <> ''`); err != nil {
		return in, nil, err
	}
	in.Keep = append(in.Keep, keep...)
	return in, terms, nil
}

// buildPreview renders the redacted final document of a case.
func (h *Handler) buildPreview(c *fiber.Ctx, v *View) (*Preview, error) {
	p := &Preview{}
	var blockCode string
	h.Service.DB.GetContext(c.UserContext(), &blockCode, `SELECT publish_block_reason FROM cases WHERE id = $1`, v.ID)
	p.Blocked = BlockReasons[blockCode]
	d := (*DecisionView)(nil)
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
	title, text, err := h.DocumentText(c, v, decisionDoc(d.Type), "")
	if err != nil {
		return nil, err
	}
	in, terms, err := h.redactionInput(c.UserContext(), v)
	if err != nil {
		return nil, err
	}
	p.Terms = terms
	p.Title = title
	if v.CaseNo != nil {
		p.DocNo = *v.CaseNo
	}
	p.Text, p.Spans = redact.Apply(text, in)
	if p.PDF, err = pdf.RenderAt(p.Text, title, p.Approved); err != nil {
		return nil, err
	}
	p.Lines = highlight(p.Text, p.Spans)
	return p, nil
}

// highlight renders the redacted markup as HTML lines with every replacement marked.
func highlight(text string, spans []redact.Span) []template.HTML {
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

// PublicationResult is the answer of POST /cases/{id}/publication.
type PublicationResult struct {
	ID     int64  `json:"id"`
	URL    string `json:"url"`
	PDFURL string `json:"pdf_url"`
}

// publish stores exactly the previewed file and its text for search.
func (h *Handler) publish(c *fiber.Ctx, u *auth.User, id int64) (*PublicationResult, error) {
	v, err := h.view(c, h.Service.DB, id)
	if err != nil {
		return nil, err
	}
	p, err := h.buildPreview(c, v)
	if err != nil {
		return nil, err
	}
	if p.Refusal != "" {
		return nil, apperr.State("publication.not_allowed", "%s", p.Refusal)
	}
	var body []string
	for _, b := range pdf.ParseMarkup(p.Text) {
		body = append(body, b.Text)
	}
	text := strings.Join(body, "\n")
	spans, _ := json.Marshal(p.Spans)
	var pubID int64
	err = database.Tx(c.UserContext(), h.Service.DB, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(c.UserContext(), `SELECT 1 FROM cases WHERE id = $1 FOR UPDATE`, id); err != nil {
			return err
		}
		var live bool
		tx.GetContext(c.UserContext(), &live, `SELECT EXISTS (SELECT 1 FROM publications WHERE case_id = $1 AND status = 'published')`, id)
		if live {
			return apperr.State("publication.exists", "本案决定书已公开；如需更正，请先撤回再重新公开")
		}
		d := v.Handling.Current()
		err := tx.GetContext(c.UserContext(), &pubID, `INSERT INTO publications (case_id, decision_id, version, status, title, doc_no, agency_id, agency_name,
			decision_type, decided_on, year, body, pdf, redactions, search, published_by)
			VALUES ($1, $2, (SELECT coalesce(max(version), 0) + 1 FROM publications WHERE case_id = $1), 'published', $3, $4, $5, $6, $7, $8, $9,
				$10, $11, $12, array_to_tsvector($13::text[]), $14) RETURNING id`,
			id, p.DecisionID, p.Title, p.DocNo, v.AgencyID, v.RespondentAgency.Name, d.Type, d.DecidedOn, d.DecidedOn.Year(),
			text, p.PDF, spans, pq.Array(textsearch.Tokens(text)), u.ID)
		if err != nil {
			return err
		}
		return audit.Record(c.UserContext(), tx, id, u.ID, "publication.published", fmt.Sprintf("决定书经审核后网上公开（公开编号%d，隐去%d处）", pubID, len(p.Spans)), nil, map[string]any{"publication_id": pubID})
	})
	if err != nil {
		return nil, err
	}
	return &PublicationResult{ID: pubID, URL: fmt.Sprintf("/decisions/%d", pubID), PDFURL: fmt.Sprintf("/decisions/%d.pdf", pubID)}, nil
}

func (h *Handler) withdraw(c *fiber.Ctx, u *auth.User, id int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return fieldError("publication.reason", "reason", "撤回公开须说明理由")
	}
	if _, err := h.store().GetVisible(c.UserContext(), id, u); err != nil {
		return err
	}
	return database.Tx(c.UserContext(), h.Service.DB, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(c.UserContext(), `UPDATE publications SET status = 'withdrawn', withdrawn_by = $2, withdrawn_at = now(), withdraw_reason = $3
			WHERE case_id = $1 AND status = 'published'`, id, u.ID, reason)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.State("publication.none", "本案决定书未在网上公开")
		}
		return audit.Record(c.UserContext(), tx, id, u.ID, "publication.withdrawn", "撤回网上公开："+reason, nil, nil)
	})
}

func (h *Handler) apiPublish(c *fiber.Ctx) error {
	id, err := h.caseID(c)
	if err != nil {
		return err
	}
	res, err := h.publish(c, web.CurrentUser(c), id)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(res)
}

func (h *Handler) apiWithdraw(c *fiber.Ctx) error {
	id, err := h.caseID(c)
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if len(c.Body()) > 0 {
		if err := web.BindJSON(c, &in); err != nil {
			return err
		}
	}
	if err := h.withdraw(c, web.CurrentUser(c), id, in.Reason); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handler) previewPDF(c *fiber.Ctx) error {
	v, err := h.requestedView(c)
	if err != nil {
		return err
	}
	p, err := h.buildPreview(c, v)
	if err != nil {
		return err
	}
	if p.PDF == nil {
		return apperr.State("publication.no_decision", "%s", p.Refusal)
	}
	return sendPDF(c, "公开预览.pdf", p.PDF)
}

// addTerm records a reviewer's manual redaction.
func (h *Handler) addTerm(c *fiber.Ctx, id int64, term, kind string) error {
	term = strings.TrimSpace(term)
	f := apperr.Fields{}
	if len([]rune(term)) < 2 || len([]rune(term)) > 100 {
		f.Add("term", "需隐去的内容须为2–100字")
	}
	if kind != "person" && kind != "org" && kind != "other" {
		f.Add("kind", "类型须为 person（人名）、org（企业）或 other（其他，整体删除）")
	}
	if err := f.Err(); err != nil {
		return err
	}
	if _, err := h.store().GetVisible(c.UserContext(), id, web.CurrentUser(c)); err != nil {
		return err
	}
	_, err := h.Service.DB.ExecContext(c.UserContext(), `INSERT INTO redaction_terms (case_id, term, kind, added_by) VALUES ($1, $2, $3, $4)
		ON CONFLICT (case_id, term) DO UPDATE SET kind = EXCLUDED.kind`, id, term, kind, web.CurrentUser(c).ID)
	return err
}

func (h *Handler) setBlock(c *fiber.Ctx, id int64, code, note string) error {
	if _, ok := BlockReasons[code]; !ok && code != "" {
		return fieldError("publication.block_reason", "reason", "不公开理由须为 state_secret、privacy、minor、party_objection 或 other")
	}
	if code != "" && strings.TrimSpace(note) == "" && code == "party_objection" {
		return fieldError("publication.block_note", "note", "当事人反对公开的，请记录其理由")
	}
	u := web.CurrentUser(c)
	if _, err := h.store().GetVisible(c.UserContext(), id, u); err != nil {
		return err
	}
	return database.Tx(c.UserContext(), h.Service.DB, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(c.UserContext(), `UPDATE cases SET publish_block_reason = $2, publish_block_note = $3 WHERE id = $1`, id, code, strings.TrimSpace(note)); err != nil {
			return err
		}
		if code != "" {
			tx.ExecContext(c.UserContext(), `UPDATE publications SET status = 'withdrawn', withdrawn_by = $2, withdrawn_at = now(), withdraw_reason = $3
				WHERE case_id = $1 AND status = 'published'`, id, u.ID, "标记为不公开："+BlockReasons[code])
		}
		summary := "取消不公开标记"
		if code != "" {
			summary = "标记为不在网上公开：" + BlockReasons[code] + " " + note
		}
		return audit.Record(c.UserContext(), tx, id, u.ID, "publication.block", summary, nil, nil)
	})
}

func (h *Handler) apiTerm(c *fiber.Ctx) error {
	id, err := h.caseID(c)
	if err != nil {
		return err
	}
	var in redact.Term
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	if err := h.addTerm(c, id, in.Text, in.Kind); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handler) apiBlock(c *fiber.Ctx) error {
	id, err := h.caseID(c)
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
		Note   string `json:"note"`
	}
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	if err := h.setBlock(c, id, in.Reason, in.Note); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handler) pagePublication(c *fiber.Ctx) error {
	v, err := h.requestedView(c)
	if err != nil {
		return err
	}
	p, err := h.buildPreview(c, v)
	if err != nil {
		return err
	}
	var live []struct {
		ID     int64  `db:"id"`
		Status string `db:"status"`
		At     string `db:"at"`
		Reason string `db:"withdraw_reason"`
	}
	if err := h.Service.DB.SelectContext(c.UserContext(), &live, `SELECT id, status, to_char(published_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') AS at, withdraw_reason
		FROM publications WHERE case_id = $1 ORDER BY version DESC`, v.ID); err != nil {
		return err
	}
	return web.Render(c, "cases/publication", fiber.Map{"Title": "决定书网上公开", "Case": v, "P": p, "History": live, "Reasons": BlockReasons})
}

func (h *Handler) pagePublicationAction(c *fiber.Ctx) error {
	id, err := h.caseID(c)
	if err != nil {
		return err
	}
	var done string
	switch c.Params("action") {
	case "publish":
		if web.CurrentUser(c).Role != auth.RoleBureau {
			return web.ErrForbidden
		}
		_, err = h.publish(c, web.CurrentUser(c), id)
		done = "决定书已网上公开"
	case "withdraw":
		if web.CurrentUser(c).Role != auth.RoleBureau {
			return web.ErrForbidden
		}
		err, done = h.withdraw(c, web.CurrentUser(c), id, c.FormValue("reason")), "已撤回公开"
	case "term":
		err, done = h.addTerm(c, id, c.FormValue("term"), c.FormValue("kind")), "已添加需隐去的内容"
	case "block":
		err, done = h.setBlock(c, id, c.FormValue("reason"), c.FormValue("note")), "不公开标记已保存"
	default:
		return ErrNotFound
	}
	if err != nil {
		if e, ok := apperr.As(err); ok && (e.Kind == apperr.Invalid || e.Kind == apperr.Conflict) {
			web.Flash(c, e.Message)
			return c.Redirect(fmt.Sprintf("/cases/%d/publication", id), fiber.StatusSeeOther)
		}
		return err
	}
	web.Flash(c, done)
	return c.Redirect(fmt.Sprintf("/cases/%d/publication", id), fiber.StatusSeeOther)
}
