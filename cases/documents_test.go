package cases_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"fuyi/internal/pdf/pdftext"
	"fuyi/internal/testapp"
)

// Names with a character beyond the BMP (𬭚 U+2CB5A, CJK Ext E) and one in Extension A (䶮 U+4DAE): every
// document must print them exactly as recorded.
const (
	rarePerson = "欧阳𬭚锋"
	rareFirm   = "南京䶮晟科技有限公司"
)

func registerRare(a *testapp.App, received string) int64 {
	a.T.Helper()
	app := testapp.Application(received)
	app["applicants"] = []map[string]any{
		{"kind": "person", "name": rarePerson, "id_number": "11010519491231002X", "phone": "13800138000", "address": "南京市栖霞区某路1号"},
		{"kind": "org", "name": rareFirm, "credit_code": "91350100M000100Y43", "legal_rep": "李四", "legal_rep_title": "执行董事",
			"address": "南京市栖霞区某路2号"},
	}
	app["third_parties"] = []map[string]any{{"kind": "person", "name": "王五", "id_number": "440524188001010014", "address": "南京市栖霞区某路3号"}}
	r := a.Do("POST", "/api/v1/cases", a.Login("window1"), app)
	if r.Status != 201 {
		a.T.Fatalf("register: %d %s", r.Status, r.Body)
	}
	var v struct {
		ID int64 `json:"id"`
	}
	r.JSON(a.T, &v)
	return v.ID
}

var pageNumber = regexp.MustCompile(`^—\d+—$`)

const mm = 72 / 25.4

// checkLayout asserts the GB/T 9704 layout of a rendered document on pdftotext -bbox output: text inside the
// 版心 (28–184 mm), page numbers "— N —" 7 mm below it on the outer side, and the 署名/日期 on a page that also
// holds at least two lines of text. It returns the number of full lines (28 characters across the 版心).
func checkLayout(t *testing.T, name string, lines []pdftext.Line, sign, date string) (full int) {
	t.Helper()
	pages := map[int][]pdftext.Line{}
	for _, l := range lines {
		pages[l.Page] = append(pages[l.Page], l)
	}
	datePage := 0
	for p, ls := range pages {
		numbered := false
		for _, l := range ls {
			if pageNumber.MatchString(l.Text) {
				numbered = true
				em := 14 / 72.0 * 25.4
				if mid := (l.YMin + l.YMax) / 2 / mm; mid < 267.5 || mid > 270.5 {
					t.Errorf("%s p.%d: page number centred %.1f mm from the top, want 269 (7 mm below the 版心)", name, p, mid)
				}
				if p%2 == 1 && (l.XMax/mm < 184-em-1 || l.XMax/mm > 184-em+1) || p%2 == 0 && (l.XMin/mm < 28+em-1 || l.XMin/mm > 28+em+1) {
					t.Errorf("%s p.%d: page number at %.1f–%.1f mm, want the outer side 空一字", name, p, l.XMin/mm, l.XMax/mm)
				}
				continue
			}
			if l.XMin < 28*mm-0.5 || l.XMax > 184*mm+0.5 {
				t.Errorf("%s p.%d: line outside the 版心 (%.1f–%.1f mm): %s", name, p, l.XMin/mm, l.XMax/mm, l.Text)
			}
			if n := len([]rune(l.Text)); n == 28 && l.XMax-l.XMin > 155*mm && !strings.ContainsAny(l.Text, "0123456789") {
				full++
			}
			if l.Text == date {
				datePage = p
			}
		}
		if !numbered {
			t.Errorf("%s p.%d: no page number", name, p)
		}
	}
	if datePage == 0 {
		t.Errorf("%s: no 日期 line %q", name, date)
		return full
	}
	others := 0
	for _, l := range pages[datePage] {
		if l.Text != sign && l.Text != date && !pageNumber.MatchString(l.Text) {
			others++
		}
	}
	if others < 2 {
		t.Errorf("%s: the 署名/日期 stand on page %d with only %d other lines", name, datePage, others)
	}
	return full
}

func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// Every document type is filled from case data and rendered; the text extracted from the PDF equals the
// filled template text (no character lost at line wraps), apart from the page numbers.
func TestEveryDocumentTypeRendersItsFullText(t *testing.T) {
	a := testapp.New(t, today)
	// case 1: 补正 → 受理 → hearing → extension → 中止/恢复 → 意见书 → decision
	id := registerRare(a, "2025-09-26")
	post(a, "chief1", id, "review", map[string]any{"outcome": "correction", "on": "2025-09-28", "items": []string{"申请人身份证复印件", "被申请复议的行政行为的书面材料"}})
	post(a, "window1", id, "correction-received", map[string]any{"on": "2025-10-09"})
	a.Accept(id, "2025-10-10", "ordinary")
	a.Assign(id, "officer1", "officer2")
	ids := func(names ...string) []int64 {
		var out []int64
		for _, n := range names {
			out = append(out, a.UserID(n))
		}
		return out
	}
	r := a.Do("POST", fmt.Sprintf("/api/v1/cases/%d/hearings", id), a.Login("chief1"), map[string]any{"starts_at": "2025-10-27T09:00:00+08:00",
		"ends_at": "2025-10-27T11:00:00+08:00", "room_id": 1, "host_id": a.UserID("officer1"), "panel_ids": ids("officer2", "officer3"),
		"clerk_id": a.UserID("clerk1"), "notified_on": "2025-10-16"})
	if r.Status != 201 {
		t.Fatalf("hearing: %d %s", r.Status, r.Body)
	}
	post(a, "chief1", id, "suspension", map[string]any{"on": "2025-11-01", "ground": "39-7"})
	post(a, "chief1", id, "resumption", map[string]any{"on": "2025-11-10"})
	post(a, "chief1", id, "extension", map[string]any{"on": "2025-11-20", "days": 30, "reason": "案情复杂"})
	post(a, "chief1", id, "opinion-letters", map[string]any{"issued_on": "2025-11-21", "content": "执法程序存在瑕疵，建议规范送达程序。"})
	long := strings.Repeat("经审理查明，被申请人于2025年8月1日作出处罚决定，认定申请人销售的预包装食品标签不符合GB 7718-2011的规定（“标签瑕疵”）。", 8) +
		"\n" + strings.Repeat("被申请人在作出处罚决定前未依法告知申请人陈述申辩的权利也未听取申请人的意见", 4) + "。"
	if r := propose(a, "officer1", id, "revoke", map[string]any{"articles": []string{"第六十四条第一款第一项"}, "sections": map[string]string{
		"requests": "撤销被申请人作出的行政处罚决定。", "applicant_says": "处罚认定事实不清。\n适用依据错误。", "respondent_says": "事实清楚，证据确凿。",
		"facts": long, "reasoning": "被申请人认定事实不清，证据不足。", "ruling": "撤销被申请人作出的栖市监罚〔2025〕345号行政处罚决定书。"}}); r.Status != 200 {
		t.Fatalf("propose: %d %s", r.Status, r.Body)
	}
	post(a, "chief1", id, "decision/approval", map[string]any{"approve": true})
	// case 2: rejected; case 3: mediation; case 4: dismissal; case 5: termination
	rej := registerRare(a, "2025-09-26")
	post(a, "chief1", rej, "review", map[string]any{"outcome": "reject", "on": "2025-09-29", "reason": "申请人与被申请复议的行政行为没有利害关系"})
	others := map[string]map[string]any{
		"mediation":           {"sections": map[string]string{"ruling": "一、被申请人变更罚款数额为二千元；二、申请人撤回其他请求。"}},
		"dismiss_application": {"sections": map[string]string{"ruling": "驳回申请人的行政复议申请。"}},
		"terminate":           {"ground": "41-2", "sections": map[string]string{"ruling": "终止本案的审理。"}},
	}
	caseIDs := []int64{id, rej}
	for typ, extra := range others {
		cid := registerRare(a, "2025-09-26")
		if r := a.Accept(cid, "2025-09-30", "ordinary"); r.Status != 200 {
			t.Fatalf("accept: %d %s", r.Status, r.Body)
		}
		a.Assign(cid, "officer1", "officer2")
		if r := propose(a, "officer1", cid, typ, extra); r.Status != 200 {
			t.Fatalf("%s: %d %s", typ, r.Status, r.Body)
		}
		post(a, "chief1", cid, "decision/approval", map[string]any{"approve": true})
		caseIDs = append(caseIDs, cid)
	}
	seen := map[string]bool{}
	texts := map[string]string{}
	for _, cid := range caseIDs {
		var docs struct {
			Items []struct{ Type, URL, Title string }
		}
		a.Do("GET", fmt.Sprintf("/api/v1/cases/%d/documents", cid), a.Login("chief1"), nil).JSON(t, &docs)
		for _, d := range docs.Items {
			seen[d.Type] = true
			pdfURL := strings.Replace(d.URL, "/cases/", "/api/v1/cases/", 1)
			txtURL := strings.Replace(pdfURL, ".pdf", ".txt", 1)
			rp := a.Do("GET", pdfURL, a.Login("chief1"), nil)
			rt := a.Do("GET", txtURL, a.Login("chief1"), nil)
			if rp.Status != 200 || rt.Status != 200 {
				t.Fatalf("%s: pdf %d text %d %s", d.URL, rp.Status, rt.Status, rt.Body)
			}
			texts[d.Type] = string(rt.Body)
			got, want := pdftext.Extract(t, rp.Body), squash(string(rt.Body))
			for n := 9; n >= 1; n-- {
				got = strings.ReplaceAll(got, fmt.Sprintf("—%d—", n), "")
			}
			if got != want {
				t.Errorf("%s (%s): PDF text differs from the document text\n got: %s\nwant: %s", d.Type, d.Title, got, want)
			}
			if strings.Contains(want, "<no value>") || strings.Contains(want, "0001年") {
				t.Errorf("%s: template left a hole: %s", d.Type, want)
			}
			if !strings.Contains(got, rarePerson) || !strings.Contains(got, rareFirm) || strings.ContainsRune(got, '〓') {
				t.Errorf("%s: the names %s and %s do not come back exactly: %s", d.Type, rarePerson, rareFirm, got)
			}
			// 署名 and 日期: the last two lines of the document text
			tl := strings.Split(strings.TrimSpace(string(rt.Body)), "\n")
			full := checkLayout(t, d.Type, pdftext.Lines(t, rp.Body), squash(tl[len(tl)-2]), squash(tl[len(tl)-1]))
			if d.Type == "decision" && full < 3 {
				t.Errorf("decision: %d full lines of 28 characters across the 版心, want several", full)
			}
			fonts := map[string]bool{}
			for _, f := range pdftext.Fonts(t, rp.Body) {
				if !f.Embedded || !f.Subset || !f.ToUnicode {
					t.Errorf("%s: font %+v not embedded as a subset with ToUnicode", d.Type, f)
				}
				fonts[f.Name[strings.IndexByte(f.Name, '+')+1:]] = true
			}
			for _, face := range []string{"FandolFang-Regular", "FandolSong-Bold", "FandolSong-Regular", "NotoSerifCJKsc-Regular"} {
				if !fonts[face] { // 仿宋 body, 小标宋 stand-in title, 宋体 page numbers, the fallback for 𬭚 and 䶮
					t.Errorf("%s: %s not embedded (pdffonts: %v)", d.Type, face, fonts)
				}
			}
			switch d.Type {
			case "decision", "acceptance", "hearing_notice", "mediation", "receipt":
				pdftext.Image(t, rp.Body, "../test-output/docs", d.Type, 100)
			}
		}
	}
	for _, typ := range []string{"receipt", "acceptance", "correction", "rejection", "reply_notice", "hearing_notice", "extension",
		"suspension", "resumption", "termination", "dismissal", "decision", "mediation", "opinion"} {
		if !seen[typ] {
			t.Errorf("document type %s was not produced", typ)
		}
	}
	// wording per the law and the 司法部 示范文本
	for typ, wants := range map[string][]string{
		"hearing_notice": {"、王五：", "听证地点：南京市栖霞区某某路1号复议机构三楼301（第一听证室）", "三、拟听证事项：", "第五十一条第三款"},
		"termination":    {"行政复议期间，作为申请人的公民死亡", "依照《中华人民共和国行政复议法》第四十一条第二项的规定"},
		"mediation":      {"经各方当事人签字或者签章，并加盖本机关印章，即具有法律效力", "申请人（签字或者签章）：" + rarePerson, "被申请人（签章）："},
		"opinion":        {"依照《中华人民共和国行政复议法》第七十六条的规定", "六十日内，将纠正相关违法或者不当行政行为的情况报送本机关"},
		"correction":     {"栖政复补〔2025〕1号", "第三十一条第一款"},
		"rejection":      {"栖政复不受〔2025〕1号", "依法向人民法院提起行政诉讼"},
		"suspension":     {"依照《中华人民共和国行政复议法》第三十九条第一款第七项的规定"},
		"dismissal":      {"依据《中华人民共和国行政复议法》第三十三条之规定"},
	} {
		for _, w := range wants {
			if !strings.Contains(texts[typ], w) {
				t.Errorf("%s lacks %q:\n%s", typ, w, texts[typ])
			}
		}
	}
	if strings.Contains(texts["termination"], "审理终结") {
		t.Errorf("a 终止决定书 must not say the case was heard to its end: %s", texts["termination"])
	}
	for typ, text := range texts {
		if strings.Contains(text, "人民法院") && !strings.Contains(text, "依法向人民法院提起行政诉讼") {
			t.Errorf("%s names a court: %s", typ, text)
		}
		if regexp.MustCompile(`第\d+(条|款|项)`).MatchString(text) {
			t.Errorf("%s cites an article in Arabic numerals: %s", typ, text)
		}
	}
	// the decision carries the structure of DOMAIN.md §11
	text := string(a.Do("GET", fmt.Sprintf("/api/v1/cases/%d/documents/decision.txt", id), a.Login("chief1"), nil).Body)
	for _, want := range []string{"行政复议决定书", "栖政复决〔2025〕1号", "申请人：" + rarePerson + "，女，1949年12月31日出生，公民身份号码11010519491231002X",
		"被申请人：南京市栖霞区市场监督管理局", "法定代表人：刘建国", "本机关于2025年10月10日依法予以受理", "申请人称：处罚认定事实不清。", "被申请人称：事实清楚",
		"经审理查明：经审理查明", "本机关认为：被申请人", "法定代表人：李四，执行董事。",
		"依据《中华人民共和国行政复议法》第六十四条第一款第一项之规定，本机关决定如下", "十五日内依法向人民法院提起行政诉讼"} {
		if !strings.Contains(text, want) {
			t.Errorf("decision lacks %q", want)
		}
	}
	// every paragraph of a section starts with the first-line indent, the later ones too ("适用依据错误。"
	// is the second paragraph of 申请人称), measured on the page
	dec := a.Do("GET", fmt.Sprintf("/api/v1/cases/%d/documents/decision.pdf", id), a.Login("chief1"), nil).Body
	xs := map[string]float64{}
	for _, l := range pdftext.Lines(t, dec) {
		for _, p := range []string{"申请人称：", "适用依据错误。", "被申请人称：", "本机关认为："} {
			if strings.HasPrefix(squash(l.Text), p) {
				xs[p] = l.XMin
			}
		}
	}
	for p, x := range xs {
		if len(xs) != 4 || x < xs["申请人称："]-0.5 || x > xs["申请人称："]+0.5 {
			t.Errorf("paragraph %q starts at x=%.2f, the first paragraph of its section at %.2f (every paragraph indented alike): %v", p, x, xs["申请人称："], xs)
		}
	}
	if r := a.Do("GET", fmt.Sprintf("/api/v1/cases/%d/documents/decision.pdf", rej), a.Login("chief1"), nil); r.Status != 404 {
		t.Fatalf("a rejected case has no decision: %d", r.Status)
	}
}
