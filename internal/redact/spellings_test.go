package redact

import (
	"strings"
	"testing"

	rt "fuyi/internal/redact/redacttest"
)

// fixtureInput is what the case data of the fixture tells (DOMAIN §10: parties and agents are natural
// persons or private firms; the agency and its legal representative are kept).
func fixtureInput() Input {
	return Input{
		Persons:   []string{rt.Applicant, rt.Agent, rt.ThirdRep},
		Orgs:      []string{rt.Third},
		Addresses: []string{rt.ApplicantAddr},
		Keep:      []string{rt.Agency, rt.AgencyRep, "南京市栖霞区人民政府", "南京市栖霞区人民法院"},
	}
}

// Each spelling alone: its category is found and none of its secrets survives; names only the review can
// know are listed as open candidates first and go once confirmed.
func TestSpellings(t *testing.T) {
	if len(rt.Spellings) < 30 {
		t.Fatalf("only %d spellings", len(rt.Spellings))
	}
	for _, s := range rt.Spellings {
		t.Run(s.Class, func(t *testing.T) {
			in := fixtureInput()
			r := Redact(s.Sentence, in)
			if s.Category == "" {
				if len(r.Open()) == 0 {
					t.Fatalf("no candidate in %q: %+v", s.Sentence, r.Candidates)
				}
				for _, c := range r.Open() {
					in.Decisions = append(in.Decisions, Decision{Name: c.Name, Redact: true})
				}
				r = Redact(s.Sentence, in)
				if len(r.Open()) != 0 {
					t.Fatalf("still open after confirming: %+v", r.Open())
				}
			} else {
				found := false
				for _, sp := range r.Replacements {
					found = found || string(sp.Category) == s.Category
				}
				if !found {
					t.Errorf("no %s replacement in %q → %q (%+v)", s.Category, s.Sentence, r.Text, r.Replacements)
				}
			}
			if left := survivors(r.Text, s); len(left) > 0 {
				t.Errorf("%v survive: %q → %q", left, s.Sentence, r.Text)
			}
		})
	}
}

func survivors(out string, s rt.Spelling) []string {
	var left []string
	for _, secret := range s.Secrets {
		if strings.Contains(rt.Fold(out), rt.Fold(secret)) {
			left = append(left, secret)
		}
	}
	return left
}

// The whole fixture decision with its party lines: nothing survives once the reviewer confirmed the two
// names only the facts mention; everything public stays.
func TestFixtureDecision(t *testing.T) {
	text := "申请人：" + rt.Applicant + "，女，1985年12月12日出生，公民身份号码" + rt.ApplicantID + "，住" + rt.ApplicantAddr + "。\n" +
		"委托代理人：" + rt.Agent + "，男，1990年1月1日出生。\n被申请人：" + rt.Agency + "，住所南京市栖霞区某某路2号。\n法定代表人：" + rt.AgencyRep + "。\n" +
		"第三人：" + rt.Third + "，统一社会信用代码" + rt.ThirdCode + "，住所南京市栖霞区仙林大道163号。\n法定代表人：" + rt.ThirdRep + "。\n" + rt.Body()
	in := fixtureInput()
	in.Keep = append(in.Keep, "南京市栖霞区某某路2号")
	r := Redact(text, in)
	var open []string
	for _, c := range r.Open() {
		open = append(open, c.Name)
	}
	for _, want := range []string{rt.Witness, rt.Neighbour} {
		if !strings.Contains(strings.Join(open, " "), want) {
			t.Errorf("%s not offered for review: %v", want, open)
		}
	}
	if len(open) > 4 {
		t.Errorf("too many candidates for a reviewer: %v", open)
	}
	for _, c := range r.Open() {
		in.Decisions = append(in.Decisions, Decision{Name: c.Name, Redact: c.Name == rt.Witness || c.Name == rt.Neighbour})
	}
	r = Redact(text, in)
	if len(r.Open()) > 0 {
		t.Fatalf("open after review: %+v", r.Open())
	}
	if left := rt.Survivors(r.Text); len(left) > 0 {
		t.Errorf("survive: %v\n%s", left, r.Text)
	}
	for _, secret := range []string{rt.ApplicantID, "1985年12月12日", "，女，", "，男，", "1990年1月1日", "金尧路", "仙林大道163号", rt.Third} {
		if strings.Contains(r.Text, secret) {
			t.Errorf("%q survives", secret)
		}
	}
	for _, kept := range append(rt.Kept, "申请人：欧阳某某，公民身份号码×××，住江苏省南京市栖霞区。", "住所南京市栖霞区某某路2号", "法定代表人：刘建国。", "第三人：某某公司，统一社会信用代码×××，住所南京市栖霞区。") {
		if !strings.Contains(r.Text, kept) {
			t.Errorf("%q missing:\n%s", kept, r.Text)
		}
	}
	// Apply redacts whatever is still open: the same text without any review survives nothing either
	out, _ := Apply(text, fixtureInput())
	if left := rt.Survivors(out); len(left) > 0 {
		t.Errorf("Apply leaves %v", left)
	}
}
