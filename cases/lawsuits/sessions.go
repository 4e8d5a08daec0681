package lawsuits

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"fuyi/cases"
	"fuyi/internal/apperr"
	"fuyi/internal/auth"
	"fuyi/internal/date"
)

// Head ranks that count as 负责人 (出庭规定第2条): 正职, 副职, and other 负责人 参与分管 the work.
var HeadRanks = map[string]string{"principal": "正职负责人", "deputy": "副职负责人", "in_charge": "参与分管的其他负责人"}

// Valid reasons for a 负责人 not appearing (出庭规定第8条); "none" records an absence without valid reason.
var AbsenceReasons = map[string]string{
	"force_majeure":   "不可抗力",
	"accident":        "意外事件",
	"official_duty":   "需要履行他人不能代替的公务",
	"other_justified": "其他正当事由",
	"none":            "无正当理由",
}

// SessionInput is the body of POST /lawsuits/{id}/sessions.
type SessionInput struct {
	HeldOn           string `json:"held_on"`
	HeadAppeared     bool   `json:"head_appeared"`
	HeadName         string `json:"head_name"`
	HeadTitle        string `json:"head_title"`
	HeadRank         string `json:"head_rank"`
	AbsenceReason    string `json:"absence_reason"`
	AbsenceNote      string `json:"absence_note"`
	ExplanationFiled bool   `json:"explanation_filed"`
	DelegateName     string `json:"delegate_name"`
	DelegateIsLawyer bool   `json:"delegate_is_lawyer"`
	LawyerName       string `json:"lawyer_name"`
	Version          int    `json:"version"`
}

// CheckSession is the 负责人出庭 rule. 行诉法第3条第3款: the 负责人 appears, or entrusts 相应的工作人员 (a
// lawyer alone is not enough). 出庭规定第2条: 正职, 副职 or a 负责人 参与分管 counts — nobody else. 第8条: valid
// reasons for absence; 解释第129条第3款: a 情况说明 goes to the court.
func CheckSession(in SessionInput, today date.Date) (date.Date, error) {
	f := apperr.Fields{}
	held := cases.CheckDate(f, "held_on", "开庭日期", in.HeldOn, true, today)
	if in.HeadAppeared {
		apperr.EnumOf("出庭负责人（出庭规定第2条：正职、副职或参与分管的负责人，其他人员不算负责人出庭）", HeadRanks).Add(f, "head_rank", in.HeadRank)
		cases.RequireText(f, "head_name", "出庭负责人姓名", in.HeadName, 50)
		cases.RequireText(f, "head_title", "出庭负责人职务", in.HeadTitle, 50)
	} else {
		apperr.EnumOf("负责人未出庭的理由（出庭规定第8条）", AbsenceReasons).Add(f, "absence_reason", in.AbsenceReason)
		if strings.TrimSpace(in.DelegateName) == "" || in.DelegateIsLawyer {
			f.Add("delegate_name", "负责人不能出庭的，应当委托行政机关相应的工作人员出庭，不得仅委托律师出庭（行政诉讼法第3条第3款）")
		}
	}
	return held, f.Err()
}

// RecordSession stores a court session with its 负责人出庭 record.
func (s *Service) RecordSession(ctx context.Context, u *auth.User, id int64, in SessionInput) (*Lawsuit, error) {
	held, err := CheckSession(in, s.Today())
	if err != nil {
		return nil, err
	}
	return s.ChangeLawsuit(ctx, u, id, in.Version, func(tx *sqlx.Tx, l *Lawsuit) (cases.Change, error) {
		if held.Before(l.ComplaintReceivedOn) {
			return cases.Change{}, cases.FieldError("session.before_complaint", "held_on", "开庭日期不能早于收到起诉状日期")
		}
		var rank any
		if in.HeadAppeared {
			rank = in.HeadRank
		}
		reason := in.AbsenceReason
		if in.HeadAppeared {
			reason = ""
		}
		err := NewStore(tx).AddSession(ctx, id, held, in, rank, reason, u.ID)
		summary := fmt.Sprintf("%s开庭，负责人%s（%s，%s）出庭", held, in.HeadName, in.HeadTitle, HeadRanks[in.HeadRank])
		if !in.HeadAppeared {
			summary = fmt.Sprintf("%s开庭，负责人未出庭（%s），委托%s出庭", held, AbsenceReasons[in.AbsenceReason], in.DelegateName)
			if !in.ExplanationFiled {
				summary += "；尚未向法院提交情况说明（行诉法解释第129条第3款）"
			}
		}
		return cases.Change{Action: "lawsuit.session", Summary: summary, New: map[string]any{"head_appeared": in.HeadAppeared}}, err
	})
}
