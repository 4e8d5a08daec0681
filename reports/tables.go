package reports

import (
	"fmt"
	"strconv"

	"fuyi/cases"
)

// MainHeader is the two-row header of the official 行政复议 table.
func MainHeader() [][]string {
	top := []string{"行政管理类别", "上期结转", "本期收到", "受理", "不予受理", "告知", "转送", "审结"}
	sub := []string{"", "", "", "", "", "", "", "合计"}
	for _, o := range Outcomes {
		top = append(top, "审结")
		sub = append(sub, o.Label)
	}
	top = append(top, "未审结", "纠错率", "简易程序", "意见书", "意见书")
	sub = append(sub, "", "", "", "制发", "落实")
	return [][]string{top, sub}
}

// MainRow is a table row of the 行政复议 table.
func MainRow(x Row) []string {
	i := strconv.Itoa
	out := []string{x.Label, i(x.Carried), i(x.Received), i(x.Accepted), i(x.Rejected), i(x.Informed), i(x.Transferred), i(x.Concluded)}
	for _, o := range Outcomes {
		out = append(out, i(x.ByOutcome[o.Key]))
	}
	return append(out, i(x.Open), x.CorrectionRate.Percent(), i(x.Simplified), i(x.OpinionsIssued), i(x.OpinionsReported))
}

// MainTable is the whole 行政复议 table: header, one row per category, total.
func (r *Report) MainTable() [][]string {
	t := MainHeader()
	for _, x := range r.Rows {
		t = append(t, MainRow(x))
	}
	return append(t, MainRow(r.Total))
}

// RateRow is one line of the indicators table.
type RateRow struct {
	Name, Num, Den, Value, Target, Flag, Basis string
}

type namedRate struct {
	name string
	rv   cases.RateValue
}

// rates are the indicators with a numerator and a denominator, in the order of the tables.
func (r *Report) rates() []namedRate {
	return []namedRate{
		{"纠错率", r.Rates.Correction},
		{"调撤率", r.Rates.MediationWithdraw},
		{"听证率", r.Rates.Hearing},
		{"履行率", r.Rates.Performance},
		{"司法/检察建议办复率", r.Rates.Reply},
		{"行政诉讼败诉率", r.Rates.LawsuitLoss},
		{"经复议后被诉败诉率", r.Rates.AfterReconLoss},
		{"负责人出庭应诉率", r.Rates.HeadAppearance},
	}
}

// RateTable lists every indicator with numerator, denominator and 口径.
func (r *Report) RateTable() []RateRow {
	var out []RateRow
	for _, x := range r.rates() {
		out = append(out, RateRow{x.name, strconv.Itoa(x.rv.Numerator), strconv.Itoa(x.rv.Denominator), x.rv.Percent(), x.rv.Target, flagIf(x.rv.Flag), x.rv.Basis})
	}
	avg := "—"
	if r.Rates.AverageDays != nil {
		avg = fmt.Sprintf("%.1f日", *r.Rates.AverageDays)
	}
	out = append(out, RateRow{"平均办理天数", "", "", avg, "", "", "审结案件自受理至审结的平均自然日数"})
	out = append(out, RateRow{"超期审结件数", "", "", strconv.Itoa(r.Rates.OverdueConcluded), "0", flagIf(r.Rates.OverdueConcluded > 0), "本期审结但晚于决定期限的件数"})
	out = append(out, RateRow{"逾期未结件数", "", "", strconv.Itoa(r.Rates.OverdueOpen), "0", flagIf(r.Rates.OverdueOpen > 0), "期末已超过决定期限仍未审结的件数"})
	out = append(out, RateRow{"副本发送、答复逾期未履行项数", "", "", strconv.Itoa(r.Rates.UnmetDuties), "0", flagIf(r.Rates.UnmetDuties > 0), "本期届满、至期末仍未履行的申请书副本发送和被申请人答复期限项数（复议法第48条、第54条），含已审结案件"})
	return out
}

func flagIf(b bool) string {
	if b {
		return "未达标"
	}
	return ""
}

// LitigationTable is the 行政应诉 table.
func (r *Report) LitigationTable() [][]string {
	i := strconv.Itoa
	t := [][]string{{"审级", "收案", "结案"}}
	for _, inst := range []string{"first", "second", "retrial"} {
		x := r.Litigation.Instances[inst]
		t = append(t, []string{x.Label, i(x.Received), i(x.Concluded)})
	}
	s := r.Litigation.Stats
	t = append(t, []string{"合计", i(s.Received), i(s.Concluded)})
	t = append(t, []string{"败诉", "", i(s.Lost)})
	t = append(t, []string{"复议机关作共同被告或被告", i(s.OrganDefendant), ""})
	return t
}
