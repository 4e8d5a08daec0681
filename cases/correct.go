package cases

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/apperr"
	"fuyi/internal/auth"
	"fuyi/internal/calendar"
)

// CorrectionInput is the body of PATCH /cases/{id}: the fields of the application to correct (absent: kept)
// and the reason, which is required. A list given replaces the whole list.
type CorrectionInput struct {
	Applicants         *[]PartyInput `json:"applicants"`
	Agents             *[]PartyInput `json:"agents"`
	ThirdParties       *[]PartyInput `json:"third_parties"`
	RespondentAgencyID *int          `json:"respondent_agency_id"`
	Act                *ActInput     `json:"act"`
	Requests           *string       `json:"requests"`
	Facts              *string       `json:"facts"`
	Reason             string        `json:"reason"`
	Version            int           `json:"version"`
}

// ErrCorrectionForbidden refuses a correction by someone MayCorrect does not allow.
var ErrCorrectionForbidden = apperr.New(apperr.Forbidden, "correction.forbidden", "案件受理后，只有复议机构负责人或本案主办人可以更正登记信息")

// MayCorrect is who may correct registered data: before acceptance the window that registered it (the
// visibility rule already limits a window to its own 司法所's cases), the chief or an officer of the case;
// from acceptance on only the chief or the case's lead officer (the 承办人 answers for the file).
func MayCorrect(u *auth.User, c *Case, lead bool) bool {
	switch c.Status {
	case StatusRegistered, StatusCorrection:
		return true
	}
	return u.Role == auth.RoleChief || u.Role == auth.RoleOfficer && lead
}

func applicationOf(c *Case, ps []Party) Application {
	a := Application{ReceivedOn: c.ReceivedOn.String(), Channel: c.Channel, PostmarkedOn: c.PostmarkedOn.String(),
		RespondentAgencyID: c.AgencyID, Requests: c.Requests, Facts: c.Facts, Materials: c.Materials,
		Act: ActInput{Title: c.ActTitle, DocNo: c.ActDocNo, MadeOn: c.ActMadeOn.String(), KnownOn: c.ActKnownOn.String(), Matter: c.Matter}}
	for _, p := range ps {
		in := PartyInput{Kind: p.Kind, Name: p.Name, IDType: p.IDType, IDNumber: p.IDNumber, CreditCode: p.CreditCode, LegalRep: p.LegalRep,
			RepTitle: p.RepTitle, Phone: p.Phone, Address: p.Address, AgentKind: p.AgentKind, Firm: p.Firm, Represents: p.Represents}
		switch p.Role {
		case "applicant":
			a.Applicants = append(a.Applicants, in)
		case "agent":
			a.Agents = append(a.Agents, in)
		case "third_party":
			a.ThirdParties = append(a.ThirdParties, in)
		}
	}
	return a
}

func partyNames(ps []Party) string {
	if len(ps) == 0 {
		return "（无）"
	}
	var out []string
	for _, p := range ps {
		s := p.Name
		if p.Address != "" {
			s += "（" + p.Address + "）"
		}
		out = append(out, s)
	}
	return strings.Join(out, "、")
}

const updateCorrected = `UPDATE cases SET respondent_agency_id = $2, act_title = $3, act_doc_no = $4, act_made_on = $5, act_known_on = $6,
	matter = $7, requests = $8, facts = $9, applicant_org = $10, apply_last_day = $11, late_note = $12 WHERE id = $1`

const deleteParties = `DELETE FROM case_parties WHERE case_id = $1`

// Correct corrects registered data with a reason: every changed field is in the event as old → new, the
// deadlines are recomputed (a changed date moves them), and every issued document whose text changes is
// re-issued as a new version superseding the old one (both kept, with the reason).
func (s *Service) Correct(ctx context.Context, u *auth.User, id int64, in CorrectionInput) (*View, error) {
	f := apperr.Fields{}
	reason := requireText(f, "reason", "更正理由", in.Reason, 500)
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.change(ctx, u, id, in.Version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (Change, error) {
		st := NewStore(tx)
		team, err := st.Assignment(ctx, c)
		if err != nil {
			return Change{}, err
		}
		lead := false
		for _, o := range team.Officers {
			lead = lead || o.Lead && o.ID == u.ID
		}
		if !MayCorrect(u, c, lead) {
			return Change{}, ErrCorrectionForbidden
		}
		if c.Status == StatusTransferred {
			return Change{}, apperr.State("case.transferred", "该申请已于%s转送%s，本机关的登记记录已关闭，不能再更正；如需更正，请由接收机关办理", c.TransferredOn, c.TransferredTo)
		}
		ps, err := st.Parties(ctx, c.ID)
		if err != nil {
			return Change{}, err
		}
		before := applicationOf(c, ps)
		after := applicationOf(c, ps)
		if in.Applicants != nil {
			after.Applicants = *in.Applicants
		}
		if in.Agents != nil {
			after.Agents = *in.Agents
		}
		if in.ThirdParties != nil {
			after.ThirdParties = *in.ThirdParties
		}
		if in.RespondentAgencyID != nil {
			after.RespondentAgencyID = *in.RespondentAgencyID
		}
		if in.Act != nil {
			after.Act = *in.Act
		}
		if in.Requests != nil {
			after.Requests = *in.Requests
		}
		if in.Facts != nil {
			after.Facts = *in.Facts
		}
		old, err := before.Validate(s.Today())
		if err != nil {
			old = Validated{} // data registered under older rules: every corrected field counts as changed
		}
		v, err := after.Validate(s.Today())
		if err != nil {
			return Change{}, err
		}
		if in.RespondentAgencyID != nil && v.AgencyID != c.AgencyID {
			if ok, err := st.AgencyActive(ctx, v.AgencyID); err != nil {
				return Change{}, err
			} else if !ok {
				return Change{}, fieldError(ErrAgencyUnknown.Code, "respondent_agency_id", ErrAgencyUnknown.Message)
			}
		}
		o, n := map[string]any{}, map[string]any{}
		var parts []string
		diff := func(field, label string, a, b any) {
			as, bs := fmt.Sprint(a), fmt.Sprint(b)
			if as != bs {
				o[field], n[field] = as, bs
				parts = append(parts, fmt.Sprintf("%s：%s → %s", label, as, bs))
			}
		}
		diff("applicants", "申请人", partyNames(old.Applicants), partyNames(v.Applicants))
		diff("third_parties", "第三人", partyNames(old.ThirdParties), partyNames(v.ThirdParties))
		diff("agents", "委托代理人", partyNames(old.Agents), partyNames(v.Agents))
		partiesChanged := len(parts) > 0 || fmt.Sprint(old.Applicants, old.ThirdParties, old.Agents) != fmt.Sprint(v.Applicants, v.ThirdParties, v.Agents)
		if partiesChanged && len(parts) == 0 {
			o["parties"], n["parties"] = "（原登记信息）", "（已更正身份信息）"
			parts = append(parts, "当事人身份信息已更正")
		}
		diff("respondent_agency_id", "被申请人", old.AgencyID, v.AgencyID)
		diff("act.title", "被申请行政行为", old.ActTitle, v.ActTitle)
		diff("act.doc_no", "行政行为文号", old.ActDocNo, v.ActDocNo)
		diff("act.made_on", "行政行为作出日期", old.ActMadeOn, v.ActMadeOn)
		diff("act.known_on", "知道行政行为日期", old.ActKnownOn, v.ActKnownOn)
		diff("act.matter", "申请事项", old.Matter, v.Matter)
		diff("requests", "行政复议请求", old.Requests, v.Requests)
		diff("facts", "事实和理由", old.Facts, v.Facts)
		if len(parts) == 0 {
			return Change{}, apperr.Rule("correction.nothing", "没有需要更正的内容：提交的内容与登记信息相同")
		}
		lastDay, note := c.ApplyLastDay, c.LateNote
		if !old.ActKnownOn.Equal(v.ActKnownOn) || !old.ActMadeOn.Equal(v.ActMadeOn) || (in.Act != nil && in.Act.RealEstate) {
			applied := c.ReceivedOn
			if !c.FirstReceivedOn.IsZero() { // received by transfer: the applicant applied at the first organ
				applied = c.FirstReceivedOn
			}
			lastDay, note = ApplicationPeriod(cal, v.ActKnownOn, v.ActMadeOn, applied, c.PostmarkedOn, in.Act != nil && in.Act.RealEstate)
		}
		if _, err := tx.ExecContext(ctx, updateCorrected, c.ID, v.AgencyID, v.ActTitle, v.ActDocNo, v.ActMadeOn, v.ActKnownOn, v.Matter,
			v.Requests, v.Facts, hasOrg(v.Applicants), lastDay, note); err != nil {
			return Change{}, fmt.Errorf("cases: correct %d: %w", c.ID, err)
		}
		if partiesChanged {
			if _, err := tx.ExecContext(ctx, deleteParties, c.ID); err != nil {
				return Change{}, fmt.Errorf("cases: correct parties: %w", err)
			}
			for _, g := range [][]Party{v.Applicants, v.ThirdParties, v.Agents} {
				for i, p := range g {
					if _, err := tx.ExecContext(ctx, insertParty, c.ID, p.Role, i, p.Kind, p.Name, p.IDType, p.IDNumber,
						p.CreditCode, p.LegalRep, p.Phone, p.Address, p.Sex, p.BirthDate, p.AgentKind, p.Firm, p.RepTitle, p.Represents); err != nil {
						return Change{}, fmt.Errorf("cases: correct party: %w", err)
					}
				}
			}
		}
		if err := st.RefreshSearch(ctx, c.ID); err != nil {
			return Change{}, err
		}
		reissued, frozen, err := s.reissue(ctx, tx, u, c.ID, reason)
		if err != nil {
			return Change{}, err
		}
		summary := "更正登记信息（理由：" + reason + "）：" + strings.Join(parts, "；")
		if len(reissued) > 0 {
			summary += "；重新制发" + strings.Join(reissued, "、") + "（原件保留）"
			n["documents_reissued"] = reissued
		}
		n["reason"] = reason
		return Change{Action: "case.corrected", Summary: summary, Old: o, New: n, frozen: frozen}, nil
	})
}

var docSerialRe = regexp.MustCompile(`〔\d+〕(\d+)号$`)

// reissue re-composes every current issued document of the case from the corrected data; one whose text
// changed is issued again under the same 文号 and date, superseding the old version (kept) with the reason.
func (s *Service) reissue(ctx context.Context, tx *sqlx.Tx, u *auth.User, caseID int64, reason string) ([]string, []FrozenDoc, error) {
	st := NewStore(tx)
	c, err := st.Get(ctx, caseID)
	if err != nil {
		return nil, nil, err
	}
	v, err := s.View(ctx, tx, c)
	if err != nil {
		return nil, nil, err
	}
	docs, err := st.IssuedDocs(ctx, caseID)
	if err != nil {
		return nil, nil, err
	}
	var out []string
	var frozen []FrozenDoc
	for i := range docs {
		d := &docs[i]
		if d.SupersededBy != nil {
			continue
		}
		keep := func(string, int) (int, error) {
			m := docSerialRe.FindStringSubmatch(d.DocNo)
			if m == nil {
				return 0, fmt.Errorf("cases: reissue: no serial in %q", d.DocNo)
			}
			return strconv.Atoi(m[1])
		}
		name := ""
		if u != nil {
			name = u.Name
		}
		comp, err := s.composeDoc(ctx, tx, v, d.Type, d.Ref, name, keep)
		if err == ErrDocNotFound {
			continue // no longer produced by the case (kept as issued)
		}
		if err != nil {
			return nil, nil, err
		}
		if comp.Text == d.Text {
			continue
		}
		comp.IssuedOn = d.IssuedOn // the same document, corrected: its date stays
		f, err := s.issue(ctx, tx, u, caseID, comp, d, reason)
		if err != nil {
			return nil, nil, err
		}
		frozen = append(frozen, f)
		out = append(out, comp.label())
	}
	return out, frozen, nil
}
