package cases

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/apperr"
	"fuyi/internal/audit"
	"fuyi/internal/auth"
	"fuyi/internal/calendar"
	"fuyi/internal/database"
	"fuyi/internal/date"
)

// 转送 of an application to the competent organ of the installation.
//
// An application outside the organ's jurisdiction fails the acceptance condition of 复议法第30条第1款第6项
// ("属于本机关的管辖范围"). The law's default is 不予受理 with 告知 of the competent organ (第30条第2款: the
// review outcome "inform"). When the competent organ works on the same installation the 复议机构 can instead
// transfer the application to it (实施条例第3条第1项: the 复议机构 转送有关行政复议申请): the applicant does
// not have to apply again, the competent organ receives the registration record with the materials, and
// its own review period of 5 working days runs from the day the transfer reaches it (复议法第30条第1款).
// Like 不予受理, a transfer is decided within the review period: once it has lapsed the application is
// deemed accepted (第30条第3款) and an application outside the jurisdiction is then dismissed (第33条).
//
// The statistics count it once in each organ: the first organ counts it as received and 转送 (a column of
// its own beside 告知), the competent organ as received on the day of transfer.

// TransferInput is the body of POST /api/v1/cases/{id}/transfer.
type TransferInput struct {
	To      string `json:"to"`     // code of the competent organ
	On      string `json:"on"`     // the day of the transfer
	Reason  string `json:"reason"` // why this organ is not competent
	Version int    `json:"version"`
}

// OrganRef names an organ of the installation.
type OrganRef struct {
	Code string `db:"code" json:"code"`
	Name string `db:"name" json:"name"`
}

// the organs other than the one the statement is bound to (the organ table is not organ-scoped)
const queryTransferTargets = `SELECT code, name FROM organ WHERE id IS DISTINCT FROM fuyi_organ() ORDER BY id`

// TransferTargets lists the organs an application of the caller's organ can be transferred to.
func (s *Store) TransferTargets(ctx context.Context) ([]OrganRef, error) {
	out := []OrganRef{}
	if err := sqlx.SelectContext(ctx, s.db, &out, queryTransferTargets); err != nil {
		return nil, fmt.Errorf("cases: transfer targets: %w", err)
	}
	return out, nil
}

// queryTransferTarget: the competent organ by its code, and whether the application's respondent is in its
// directory (its own entries or the shared ones; read in the caller's organ, which sees the shared ones).
const queryTransferTarget = `SELECT o.id, o.name, o.id = c.organ_id AS own,
	EXISTS (SELECT 1 FROM agencies a WHERE a.id = c.respondent_agency_id AND a.active AND (a.organ_id IS NULL OR a.organ_id = o.id)) AS listed
FROM organ o, cases c WHERE o.code = $1 AND c.id = $2`

// insertTransferred creates the application in the competent organ ($2) from the first organ's record ($1):
// the registration record as registered (or corrected), received there on $3 (its review runs from that day),
// registered by nobody of that organ, under a new registration number "ZS-YEAR-NNNNNN" and the applicant's
// query code; with its parties. Run unbound: it reads one organ and writes the other.
const insertTransferred = `WITH s AS (SELECT * FROM cases WHERE id = $1), c AS (
	INSERT INTO cases (organ_id, registration_no, query_code, window_id, registered_by, channel, received_on,
		respondent_agency_id, act_title, act_doc_no, act_made_on, act_known_on, matter, requests, facts, materials,
		apply_last_day, late_note, review_from, applicant_org, postmarked_on, transferred_from, transferred_from_no,
		first_received_on)
	SELECT $2, 'ZS-' || extract(year FROM $3::date) || '-' || lpad(nextval('registration_seq')::text, 6, '0'), s.query_code,
		NULL, NULL, s.channel, $3, s.respondent_agency_id, s.act_title, s.act_doc_no, s.act_made_on, s.act_known_on,
		s.matter, s.requests, s.facts, s.materials, s.apply_last_day, s.late_note, $3, s.applicant_org, s.postmarked_on,
		s.organ_id, s.registration_no, s.received_on
	FROM s RETURNING id, registration_no
), p AS (
	INSERT INTO case_parties (case_id, role, position, kind, name, id_type, id_number, credit_code, legal_rep, phone,
		address, sex, birth_date, agent_kind, firm, legal_rep_title, represents)
	SELECT c.id, x.role, x.position, x.kind, x.name, x.id_type, x.id_number, x.credit_code, x.legal_rep, x.phone,
		x.address, x.sex, x.birth_date, x.agent_kind, x.firm, x.legal_rep_title, x.represents
	FROM c, case_parties x WHERE x.case_id = $1
	RETURNING id
)
SELECT c.id, c.registration_no, (SELECT count(*) FROM p) AS parties FROM c`

// copyTransferredFiles copies the files of the application ($1, not withdrawn) with their bytes to the case
// in the competent organ ($2 of organ $3): the copies have no uploader there. Run unbound.
const copyTransferredFiles = `WITH f AS MATERIALIZED (
	SELECT f.*, nextval('case_files_id_seq') AS new_id FROM case_files f WHERE f.case_id = $1 AND f.withdrawn_at IS NULL
), ins AS (
	INSERT INTO case_files (id, case_id, category, title, name, content_type, size, sha256, uploaded_by, uploaded_at, party, purpose)
	SELECT new_id, $2, category, title, name, content_type, size, sha256, NULL, uploaded_at, party, purpose FROM f
	RETURNING id
)
INSERT INTO file_chunks (organ_id, file_id, seq, data)
SELECT $3, f.new_id, k.seq, k.data FROM f JOIN file_chunks k ON k.file_id = f.id`

const transferCase = `UPDATE cases SET status = 'transferred', transferred_on = $2, transferred_to = $3, transfer_reason = $4,
	transfer_no = $5 WHERE id = $1`

// Transfer 转送 an application to the competent organ of the installation (see above): the chief, within
// the review period, names the organ and the reason. The first organ keeps its record, closed as 已转送 with
// the organ and the registration number there, and issues the 转送告知书 to the applicant; the competent
// organ gets a new case with the registration record, parties and files, received on the day of transfer.
func (s *Service) Transfer(ctx context.Context, u *auth.User, id int64, in TransferInput) (*View, error) {
	if u.Role != auth.RoleChief {
		return nil, ErrOnlyChiefReview
	}
	f := apperr.Fields{}
	on := checkDate(f, "on", "转送日期", in.On, true, s.Today())
	reason := requireText(f, "reason", "转送理由（不属于本机关管辖的理由）", in.Reason, 500)
	to := strings.TrimSpace(in.To)
	if to == "" {
		f.Add("to", "请选择有管辖权的行政复议机关")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.change(ctx, u, id, in.Version, func(tx *sqlx.Tx, c *Case, cal *calendar.Calendar) (Change, error) {
		corr, err := c.correction(ctx, NewStore(tx))
		if err != nil {
			return Change{}, err
		}
		switch {
		case c.Status == StatusCorrection && corr != nil && corr.ReceivedOn.IsZero():
			return Change{}, apperr.State("case.awaiting_correction", "已于%s通知补正，须先登记补正材料的收到日期，才能重新审查", corr.RequestedOn)
		case c.Status != StatusRegistered && c.Status != StatusCorrection:
			return Change{}, apperr.State("case.already_reviewed", "该申请已审查完毕（当前状态：%s），不能转送", c.Status.Label())
		}
		if on.Before(c.ReviewFrom) {
			return Change{}, fieldError("review.before_receipt", "on", fmt.Sprintf("转送日期不能早于收到申请（或补正材料）的日期%s", c.ReviewFrom))
		}
		reviewDue, err := reviewPeriodEnd(cal, c.ReviewFrom)
		if err != nil {
			return Change{}, err
		}
		if on.After(reviewDue.Date) {
			return Change{}, fieldError("review.lapsed", "on", fmt.Sprintf("审查期限已于%s届满，依复议法第30条第3款视为受理，不能再转送；受理后发现不属于本机关管辖的，依第33条决定驳回申请", reviewDue.Date))
		}
		var target struct {
			ID     int    `db:"id"`
			Name   string `db:"name"`
			Own    bool   `db:"own"`
			Listed bool   `db:"listed"`
		}
		err = sqlx.GetContext(ctx, tx, &target, queryTransferTarget, to, c.ID)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return Change{}, fieldError("transfer.unknown_organ", "to", "没有这个行政复议机关：请从列表中选择有管辖权的机关")
		case err != nil:
			return Change{}, fmt.Errorf("cases: transfer target: %w", err)
		case target.Own:
			return Change{}, fieldError("transfer.own_organ", "to", "不能转送本机关：请选择有管辖权的其他行政复议机关")
		case !target.Listed:
			return Change{}, fieldError("transfer.respondent_not_listed", "to",
				fmt.Sprintf("被申请人「%s」不在%s的被申请人名录中：请先更正被申请人（两机关共用的名录条目），再转送", c.AgencyName, target.Name))
		}
		// the one write across organs: unbound, naming the competent organ explicitly
		sys := database.System(ctx)
		var made struct {
			ID             int64  `db:"id"`
			RegistrationNo string `db:"registration_no"`
			Parties        int    `db:"parties"`
		}
		if err := sqlx.GetContext(sys, tx, &made, insertTransferred, c.ID, target.ID, on); err != nil {
			return Change{}, fmt.Errorf("cases: transfer: %w", err)
		}
		res, err := tx.ExecContext(sys, copyTransferredFiles, c.ID, made.ID, target.ID)
		if err != nil {
			return Change{}, fmt.Errorf("cases: transfer files: %w", err)
		}
		chunks, _ := res.RowsAffected() // lib/pq always reports it
		if _, err := tx.ExecContext(sys, refreshSearch, made.ID); err != nil {
			return Change{}, fmt.Errorf("cases: transfer search: %w", err)
		}
		// in the competent organ: its review deadline and the event of receipt
		there := database.WithOrgan(ctx, target.ID)
		st := NewStore(tx)
		sn, err := st.snapshot(there, made.ID)
		if err != nil {
			return Change{}, err
		}
		if _, err := s.recomputeSnapshot(there, tx, cal, sn); err != nil {
			return Change{}, err
		}
		from, err := st.CaseOrgan(ctx, c.ID)
		if err != nil {
			return Change{}, err
		}
		if err := audit.Record(there, tx, made.ID, 0, "case.transferred_in",
			fmt.Sprintf("收到%s转送的行政复议申请（原登记号%s，申请人于%s提出）：%s", from.Name, c.RegistrationNo, c.ReceivedOn, reason), nil,
			map[string]any{"status": StatusRegistered, "received_on": on, "transferred_from": from.Name, "transferred_from_no": c.RegistrationNo,
				"parties": made.Parties, "file_chunks": chunks}); err != nil {
			return Change{}, err
		}
		if err := st.exec(ctx, "transfer", transferCase, c.ID, on, target.ID, reason, made.RegistrationNo); err != nil {
			return Change{}, err
		}
		return Change{Action: "case.transferred",
			Summary: fmt.Sprintf("不属于本机关管辖，转送%s（该机关登记号%s）：%s", target.Name, made.RegistrationNo, reason),
			Old:     map[string]any{"status": c.Status},
			New: map[string]any{"status": StatusTransferred, "transferred_on": on, "transferred_to": target.Name,
				"transfer_no": made.RegistrationNo}}, nil
	})
}

// transferDate is the date of a transfer document (zero: none).
func transferDate(v *View) date.Date {
	if v.Transfer == nil {
		return date.Date{}
	}
	return v.Transfer.On
}
