package cases

import (
	"fmt"
	"strings"

	"fuyi/internal/calendar"
	"fuyi/internal/date"
)

// FiledOn is the day an application counts as made for the time limits of 复议法第20条 and 第21条: for an
// application sent by post the postmark date (民事诉讼法第85条第4款, applied by 复议法第88条第1款: 期满前交邮的，
// 不算过期), otherwise the day it was received.
func FiledOn(receivedOn, postmarkedOn date.Date) date.Date {
	if !postmarkedOn.IsZero() && postmarkedOn.Before(receivedOn) {
		return postmarkedOn
	}
	return receivedOn
}

// ApplicationPeriod checks the time limits for applying (复议法第20条第1款: 60日 from knowing of the act;
// 第21条: 5 years, for 不动产 20 years, from the act), measured on the day the application counts as made
// (FiledOn: the postmark for an application sent by post). It returns the last day of the 60-day period and,
// when the application seems late, a note for the reviewer. Registration is never refused for this.
func ApplicationPeriod(cal *calendar.Calendar, knownOn, madeOn, receivedOn, postmarkedOn date.Date, realEstate bool) (date.Date, string) {
	var notes []string
	filed := FiledOn(receivedOn, postmarkedOn)
	how := fmt.Sprintf("%s收到申请", receivedOn)
	if !filed.Equal(receivedOn) {
		how = fmt.Sprintf("申请于%s交邮（邮戳日期）、%s收到，以交邮之日计（民事诉讼法第85条第4款，%s）", filed, receivedOn, viaReconsideration)
	}
	last, rolled, err := naturalEnd(cal, knownOn.AddDays(60), viaReconsideration)
	if err != nil {
		last, rolled = knownOn.AddDays(60), "（该年度节假日安排未录入，未考虑期限末日为法定休假日的情形）"
	}
	if filed.After(last) {
		notes = append(notes, fmt.Sprintf("申请可能已超过法定申请期限：自%s知道该行政行为起60日（复议法第20条第1款），最后一日为%s%s；%s；如未告知申请权利或期限，最长不超过1年（第20条第3款）；因不可抗力或其他正当理由耽误的，期限自障碍消除之日起继续计算（第20条第2款），请审查", knownOn, last, rolled, how))
	}
	if !madeOn.IsZero() {
		years, what := 5, "其他案件"
		if realEstate {
			years, what = 20, "因不动产提出的"
		}
		if cut := madeOn.AddYears(years); filed.After(cut) {
			notes = append(notes, fmt.Sprintf("自行政行为作出之日（%s）起已超过%d年（%s最长%d年，复议法第21条），不予受理", madeOn, years, what, years))
		}
	}
	return last, strings.Join(notes, "；")
}
