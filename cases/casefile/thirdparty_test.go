package casefile_test

import (
	"fmt"
	"strings"
	"testing"

	"fuyi/internal/date"
	"fuyi/internal/testapp"
)

// A 第三人 on the 决定书 (复议法第16条) and agents with their parties (第17条): a case registered through the API
// with a 第三人 and three agents — one for the first applicant, two for the 第三人 — prints, in the decision
// PDF (read back with pdftotext), each party's line followed by its own agents' lines, the 第三人 after the
// 被申请人. A third agent for one party, or an agent for a party that does not exist, is refused with the
// field named.
func TestDecisionPrintsThirdPartyAndTheirAgents(t *testing.T) {
	a := testapp.New(t, date.MustParse("2025-11-25"))
	app := testapp.Application("2025-09-26")
	app["third_parties"] = []map[string]any{{"kind": "org", "name": "南京某某置业有限公司", "credit_code": "91110108551385082Q",
		"legal_rep": "赵六", "address": "南京市栖霞区某路9号"}}
	agents := []map[string]any{
		{"name": "钱律师", "agent_kind": "lawyer", "firm": "江苏某某律师事务所", "represents": "applicants[0]"},
		{"name": "孙七", "agent_kind": "other", "represents": "third_parties[0]"},
		{"name": "周律师", "agent_kind": "lawyer", "firm": "南京某某律师事务所", "represents": "third_parties[0]"},
	}
	bad := func(extra map[string]any, field string) {
		t.Helper()
		body := map[string]any{}
		for k, v := range app {
			body[k] = v
		}
		body["agents"] = append(append([]map[string]any{}, agents...), extra)
		r := a.Do("POST", "/api/v1/cases", a.Login("window1"), body)
		if r.Status != 422 || r.Fields(t)[field] == "" {
			t.Fatalf("agent %v: %d %s", extra, r.Status, r.Body)
		}
		t.Logf("refused: %s", r.Fields(t)[field])
	}
	bad(map[string]any{"name": "吴八", "represents": "third_parties[0]"}, "agents[3].represents")
	bad(map[string]any{"name": "吴八", "represents": "third_parties[1]"}, "agents[3].represents")
	app["agents"] = agents
	r := a.Do("POST", "/api/v1/cases", a.Login("window1"), app)
	if r.Status != 201 {
		t.Fatalf("register: %d %s", r.Status, r.Body)
	}
	var c struct {
		ID     int64 `json:"id"`
		Agents []struct {
			Name       string `json:"name"`
			Represents string `json:"represents"`
		} `json:"agents"`
	}
	r.JSON(t, &c)
	if len(c.Agents) != 3 || c.Agents[2].Represents != "third_parties[0]" {
		t.Fatalf("agents as stored: %+v", c.Agents)
	}
	id := c.ID
	if r := a.Accept(id, "2025-09-30", "ordinary"); r.Status != 200 {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
	a.Assign(id, "officer1", "officer2")
	if r := a.Propose("officer1", id, "maintain", map[string]any{"sections": map[string]string{"facts": "经审理查明……",
		"reasoning": "本机关认为……", "ruling": "维持被申请人作出的行政处罚决定。", "third_party_says": "第三人同意被申请人的意见。"}}); r.Status != 200 {
		t.Fatalf("propose: %d %s", r.Status, r.Body)
	}
	if r := a.Post("chief1", id, "decision/approval", map[string]any{"approve": true}); r.Status != 200 {
		t.Fatalf("approve: %d %s", r.Status, r.Body)
	}
	dec := a.Do("GET", fmt.Sprintf("/api/v1/cases/%d/documents/decision.pdf", id), a.Login("chief1"), nil)
	if dec.Status != 200 {
		t.Fatalf("decision pdf: %d", dec.Status)
	}
	text := ""
	for p := 1; p <= 2; p++ {
		text += pageText(t, dec.Body, p)
	}
	var lines []string
	for _, ln := range strings.Split(text, "\n") {
		if ln = strings.Join(strings.Fields(ln), ""); ln != "" {
			lines = append(lines, ln)
		}
	}
	at := func(prefix string, from int) int {
		for i := from; i < len(lines); i++ {
			if strings.HasPrefix(lines[i], prefix) {
				return i
			}
		}
		t.Fatalf("decision lacks a line %q after line %d:\n%s", prefix, from, strings.Join(lines, "\n"))
		return 0
	}
	// in order: 申请人 张三, his agent, the second applicant, 被申请人, 第三人 and its 法定代表人, its two agents
	// (a party's line may wrap: the order of the lines is what counts)
	order := []string{"申请人：张三", "委托代理人：钱律师，江苏某某律师事务所律师。", "申请人：南京某某贸易有限公司", "被申请人：",
		"第三人：南京某某置业有限公司", "法定代表人：赵六", "委托代理人：孙七。", "委托代理人：周律师，南京某某律师事务所律师。"}
	i := -1
	for _, want := range order {
		i = at(want, i+1)
	}
	if n := strings.Count(strings.Join(lines, "\n"), "委托代理人："); n != 3 {
		t.Fatalf("%d agent lines, want 3", n)
	}
	if !strings.Contains(strings.Join(lines, ""), "第三人称") || !strings.Contains(strings.Join(lines, ""), "第三人同意被申请人的意见。") {
		t.Fatal("the decision lacks the 第三人称 section")
	}
}
