package testapp

import "testing"

// LawsuitView is the part of a lawsuit answer the tests read.
type LawsuitView struct {
	ID             int64  `json:"id"`
	CourtCaseNo    string `json:"court_case_no"`
	AnswerDueOn    string `json:"answer_due_on"`
	AppealDueOn    string `json:"appeal_due_on"`
	OrganDefendant bool   `json:"reconsideration_organ_defendant"`
	AgencyID       *int   `json:"defendant_agency_id"`
	Lost           *bool  `json:"lost"`
	Appearance     struct {
		Appeared bool   `json:"appeared"`
		Flag     string `json:"flag"`
	} `json:"appearance"`
}

// Lawsuit is a POST /lawsuits body.
func Lawsuit(no, instance string, agency int, organ bool, received string) map[string]any {
	return map[string]any{"court": "南京市栖霞区人民法院", "court_case_no": no, "instance": instance, "defendant_agency_id": agency,
		"reconsideration_organ_defendant": organ, "plaintiff": "某某公司", "cause": "行政处罚", "complaint_received_on": received}
}

// RegisterLawsuit registers a lawsuit as bureau1.
func (a *App) RegisterLawsuit(t testing.TB, body map[string]any) LawsuitView {
	t.Helper()
	r := a.Do("POST", "/api/v1/lawsuits", a.Login("bureau1"), body)
	if r.Status != 201 {
		t.Fatalf("register lawsuit: %d %s", r.Status, r.Body)
	}
	var l LawsuitView
	r.JSON(t, &l)
	return l
}
