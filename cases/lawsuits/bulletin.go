package lawsuits

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"fuyi/cases"
	"fuyi/internal/date"
	"fuyi/internal/pdf"
)

// Bulletin is a 出庭应诉情况通报: the statistics of a period and every court session in it.
type Bulletin struct {
	From  date.Date       `json:"from"`
	To    date.Date       `json:"to"`
	Stats *Stats          `json:"stats"`
	Rows  []AppearanceRow `json:"rows"`
}

// PublishedBulletin is a frozen 出庭应诉情况通报 with who published it and when.
type PublishedBulletin struct {
	ID   int64
	B    Bulletin
	Note string // "张三 于 2025-11-03 10:00 发布"
}

// Bulletin computes the bulletin of [from, to], overall or for one agency.
func (s *Store) Bulletin(ctx context.Context, from, to date.Date, agencyID int) (*Bulletin, error) {
	st, err := s.Stats(ctx, from, to, agencyID)
	if err != nil {
		return nil, err
	}
	rows, err := s.AppearanceRows(ctx, from, to)
	if err != nil {
		return nil, err
	}
	return &Bulletin{From: from, To: to, Stats: st, Rows: rows}, nil
}

const insertBulletin = `INSERT INTO appearance_bulletins (period_from, period_to, snapshot, published_by)
VALUES ($1, $2, $3, $4) RETURNING id`

// PublishBulletin freezes a bulletin as published by userID and returns its id.
func (s *Store) PublishBulletin(ctx context.Context, b *Bulletin, userID int64) (int64, error) {
	snap, err := json.Marshal(b)
	if err != nil {
		return 0, fmt.Errorf("lawsuits: bulletin snapshot: %w", err)
	}
	var id int64
	if err := sqlx.GetContext(ctx, s.db, &id, insertBulletin, b.From, b.To, json.RawMessage(snap), userID); err != nil {
		return 0, fmt.Errorf("lawsuits: publish bulletin: %w", err)
	}
	return id, nil
}

const queryBulletin = `SELECT b.snapshot, u.name, to_char(b.published_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') AS at
FROM appearance_bulletins b JOIN users u ON u.id = b.published_by WHERE b.id = $1`

// PublishedBulletin loads a frozen bulletin, or ErrLawsuitNotFound.
func (s *Store) PublishedBulletin(ctx context.Context, id int64) (*PublishedBulletin, error) {
	var row struct {
		Snapshot []byte `db:"snapshot"`
		By       string `db:"name"`
		At       string `db:"at"`
	}
	err := sqlx.GetContext(ctx, s.db, &row, queryBulletin, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrLawsuitNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("lawsuits: bulletin %d: %w", id, err)
	}
	p := &PublishedBulletin{ID: id, Note: row.By + " 于 " + row.At + " 发布"}
	if err := json.Unmarshal(row.Snapshot, &p.B); err != nil {
		return nil, fmt.Errorf("lawsuits: bulletin %d snapshot: %w", id, err)
	}
	return p, nil
}

// PDF renders the bulletin on landscape A4: the rates with their 口径, each agency's row, and every court
// session of the period with the 负责人 who appeared or the reason of the absence.
func (b *Bulletin) PDF(organ, published string) ([]byte, error) {
	s := b.Stats
	rates := [][]string{{"指标", "分子", "分母", "数值", "目标", "口径"}}
	for _, r := range []struct {
		name string
		v    cases.RateValue
	}{{"行政诉讼败诉率", s.LossRate}, {"负责人出庭应诉率", s.AppearanceRate}, {"经复议后被诉败诉率", s.AfterReconsiderationLoss}, {"司法/检察建议办复率", s.ReplyRate}} {
		name := r.name
		if r.v.Flag {
			name += "（未达标）"
		}
		rates = append(rates, []string{name, strconv.Itoa(r.v.Numerator), strconv.Itoa(r.v.Denominator), r.v.Percent(), r.v.Target, r.v.Basis})
	}
	blocks := []pdf.Block{
		{Kind: pdf.Title, Text: organ + "行政机关负责人出庭应诉情况通报"},
		{Kind: pdf.Center, Text: fmt.Sprintf("通报期间：%s至%s　　%s", b.From, b.To, published)},
		{Kind: pdf.Heading, Text: "一、总体情况"},
		{Kind: pdf.Plain, Text: fmt.Sprintf("期间收案%d件（复议机关作被告或共同被告%d件），结案%d件，其中败诉%d件。负责人无正当理由未出庭%d次；未出庭且未提交情况说明%d次；应当由主要负责人出庭而未出庭%d件。",
			s.Received, s.OrganDefendant, s.Concluded, s.Lost, s.AbsencesWithoutValidReason, s.AbsencesWithoutExplanation, s.RequiredWithoutPrincipal)},
		{Kind: pdf.Table, Rows: rates, Widths: []float64{2.2, 0.7, 0.7, 0.8, 0.8, 6}, HeaderRows: 1, FontSize: 10},
	}
	if len(s.Agencies) > 0 {
		rows := [][]string{{"被告机关", "收案", "结案", "败诉", "败诉率", "开庭件数", "负责人出庭件数", "出庭率", "无正当理由未出庭"}}
		for _, a := range s.Agencies {
			rate := a.AppearanceRate.Percent()
			if a.AppearanceRate.Flag {
				rate += "（未达标）"
			}
			rows = append(rows, []string{a.Agency, strconv.Itoa(a.Received), strconv.Itoa(a.Concluded), strconv.Itoa(a.Lost), a.LossRate.Percent(),
				strconv.Itoa(a.Instances), strconv.Itoa(a.Appeared), rate, strconv.Itoa(a.Absences)})
		}
		blocks = append(blocks, pdf.Block{Kind: pdf.Heading, Text: "二、各机关情况"},
			pdf.Block{Kind: pdf.Table, Rows: rows, Widths: []float64{3, 0.7, 0.7, 0.7, 0.9, 0.9, 1.2, 1.1, 1.4}, HeaderRows: 1, FontSize: 10})
	}
	sessions := [][]string{{"被告机关", "案号", "开庭日期", "负责人出庭", "未出庭理由", "委托人员"}}
	for _, r := range b.Rows {
		no := r.CourtCaseNo
		if r.HeadRequired {
			no += "（应出庭）"
		}
		head, reason := r.HeadName+"（"+r.HeadTitle+"）", ""
		if !r.HeadAppeared {
			head, reason = "未出庭", AbsenceReasons[r.AbsenceReason]
			if !r.Explanation {
				reason += "，未提交情况说明"
			}
		}
		sessions = append(sessions, []string{r.Agency, no, r.HeldOn.String(), head, reason, r.Delegate})
	}
	if len(b.Rows) == 0 {
		sessions = append(sessions, []string{"期间内没有开庭", "", "", "", "", ""})
	}
	blocks = append(blocks, pdf.Block{Kind: pdf.Heading, Text: "三、逐案出庭情况"},
		pdf.Block{Kind: pdf.Table, Rows: sessions, Widths: []float64{2.4, 2.4, 1, 1.6, 2.2, 1.2}, HeaderRows: 1, FontSize: 10})
	return pdf.Render(pdf.Document{Title: "行政机关负责人出庭应诉情况通报", Author: organ, Subject: fmt.Sprintf("通报期间：%s至%s", b.From, b.To),
		Blocks: blocks, Landscape: true, PageNumbers: true, BodySize: 12,
		CreatedAt: time.Date(b.To.Year(), b.To.Month(), b.To.Day(), 0, 0, 0, 0, date.Shanghai)})
}
