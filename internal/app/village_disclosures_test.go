package app

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

type discJSON struct {
	ID          int64  `json:"id"`
	VillageID   int64  `json:"village_id"`
	Kind        string `json:"kind"`
	Period      string `json:"period"`
	Title       string `json:"title"`
	Status      string `json:"status"`
	Version     int    `json:"version"`
	Supersedes  int64  `json:"supersedes"`
	Hash        string `json:"hash"`
	PublishedOn string `json:"published_on"`
	PostingDays int    `json:"posting_days"`
	Items       []struct {
		Title     string `json:"title"`
		AmountFen *int64 `json:"amount_fen"`
	} `json:"items"`
}

// draftOf returns the id of a village's demo draft (as the committee sees it).
func draftOf(t *testing.T, e *env, village int) int64 {
	t.Helper()
	var l struct {
		Items []discJSON `json:"items"`
	}
	if st := e.as("committee").json("GET", fmt.Sprintf("/api/v1/villages/%d/disclosures", village), "", &l); st != 200 {
		t.Fatalf("list: %d", st)
	}
	for _, d := range l.Items {
		if d.Status == "draft" {
			return d.ID
		}
	}
	t.Fatalf("village %d has no draft", village)
	return 0
}

func TestVillageDisclosuresAPI(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		sec := e.as("village_secretary")
		// The fixed handles: create a draft, publish it, read it publicly.
		var d discJSON
		st := sec.json("POST", "/api/v1/villages/1/disclosures", `{"kind":"finance","period":"2021-12","title":"东王村2021年12月财务公开",
			"items":[{"title":"本期收入：集体资产发包收入","amount_fen":1250000},{"title":"说明","body":"12月上半月"}],
			"channels":["website","bulletin_board","screen"],"posting_days":10}`, &d)
		if st != 201 || d.Status != "draft" || d.Hash != "" || d.PostingDays != 10 {
			t.Fatalf("create: %d %+v", st, d)
		}
		if st := sec.json("POST", fmt.Sprintf("/api/v1/disclosures/%d/publish", d.ID), "", &d); st != 200 || d.Status != "published" || len(d.Hash) != 64 {
			t.Fatalf("publish: %d %+v", st, d)
		}
		var pub struct {
			Hash    string `json:"hash"`
			ChainOK bool   `json:"chain_ok"`
			URL     string `json:"url"`
			Village struct {
				Name string `json:"name"`
			} `json:"village"`
			Versions []discJSON `json:"versions"`
		}
		anon := e.client()
		if st := anon.json("GET", fmt.Sprintf("/api/v1/public/disclosures/%d", d.ID), "", &pub); st != 200 || pub.Hash != d.Hash || !pub.ChainOK || len(pub.Versions) != 1 ||
			!strings.HasSuffix(pub.URL, fmt.Sprintf("/public/disclosures/%d?h=%s", d.ID, d.Hash[:16])) {
			t.Fatalf("public: %d %+v", st, pub)
		}

		// Publishing twice, posting below RULES.md 1.10, a correction without a reason.
		if st, _ := sec.do("POST", fmt.Sprintf("/api/v1/disclosures/%d/publish", d.ID), ""); st != 409 {
			t.Errorf("publish twice: %d", st)
		}
		st, body := sec.do("POST", "/api/v1/villages/1/disclosures", `{"kind":"party","period":"2021-H2","title":"党务公开","items":[{"title":"发展党员"}],"channels":["website"],"posting_days":6}`)
		if st != 422 || !strings.Contains(body, "posting_days") || !strings.Contains(body, "RULES.md 1.10") {
			t.Errorf("short posting: %d %s", st, body)
		}
		// A minimal body (kind, period, title, items): posted on the
		// bulletin board (公开栏) by default, for the rules' posting period.
		var min struct {
			discJSON
			Channels []string `json:"channels"`
		}
		if st := sec.json("POST", "/api/v1/villages/1/disclosures", `{"kind":"village","period":"2021-11","title":"东王村2021年11月村务公开","items":[{"title":"低保评议","body":"新增 1 户"}]}`, &min); st != 201 ||
			strings.Join(min.Channels, ",") != "bulletin_board" || min.PostingDays != 7 {
			t.Errorf("minimal body: %d %+v", st, min)
		}
		// Unknown channels are still refused.
		st, body = sec.do("POST", "/api/v1/villages/1/disclosures", `{"kind":"village","period":"2021-10","title":"东王村2021年10月村务公开","items":[{"title":"低保评议"}],"channels":["radio"]}`)
		if st != 422 || !strings.Contains(body, `"field":"channels"`) || !strings.Contains(body, "radio") {
			t.Errorf("unknown channel: %d %s", st, body)
		}
		st, body = sec.do("POST", fmt.Sprintf("/api/v1/disclosures/%d/corrections", d.ID), `{"title":"改"}`)
		if st != 422 || !strings.Contains(body, `"field":"reason"`) {
			t.Errorf("correction without reason: %d %s", st, body)
		}
		if st, _ := sec.do("PUT", fmt.Sprintf("/api/v1/disclosures/%d", d.ID), `{"kind":"finance","period":"2021-12","title":"x","channels":["website"]}`); st != 409 {
			t.Errorf("edit published: %d", st)
		}
		var c discJSON
		if st := sec.json("POST", fmt.Sprintf("/api/v1/disclosures/%d/corrections", d.ID), `{"reason":"收入金额录入错误","items":[{"title":"本期收入：集体资产发包收入","amount_fen":1205000}]}`, &c); st != 201 ||
			c.Version != 2 || c.Supersedes != d.ID || c.Status != "published" {
			t.Fatalf("correction: %d %+v", st, c)
		}
		if st := anon.json("GET", fmt.Sprintf("/api/v1/public/disclosures/%d", d.ID), "", &pub); st != 200 || len(pub.Versions) != 2 || pub.Versions[0].Status != "superseded" {
			t.Fatalf("history: %+v", pub.Versions)
		}

		// SECURITY.md §7.3: another village's draft is "not found" to a
		// secretary, by page and API, and never public.
		draft2 := draftOf(t, e, 2)
		for _, path := range []string{"/disclosures/%d", "/api/v1/disclosures/%d", "/public/disclosures/%d", "/api/v1/public/disclosures/%d"} {
			if st, _ := sec.do("GET", fmt.Sprintf(path, draft2), ""); st != 404 {
				t.Errorf("secretary of village 1 reads village 2's draft at %s: %d", path, st)
			}
		}
		for _, path := range []string{"/api/v1/disclosures/%d/publish", "/api/v1/disclosures/%d/corrections"} {
			if st, _ := sec.do("POST", fmt.Sprintf(path, draft2), `{}`); st != 404 {
				t.Errorf("secretary of village 1 writes village 2's draft at %s: %d", path, st)
			}
		}
		if st, _ := anon.do("GET", fmt.Sprintf("/public/disclosures/%d/qr.png", draft2), ""); st != 404 {
			t.Errorf("QR of a draft: %d", st)
		}
		if st, _ := e.as("village_secretary_2").do("GET", fmt.Sprintf("/api/v1/disclosures/%d", draft2), ""); st != 200 {
			t.Errorf("own draft: %d", st)
		}
		if st, _ := sec.do("GET", "/api/v1/villages/2/disclosures", ""); st != 404 {
			t.Errorf("other village's list: %d", st)
		}
	})
}

func TestVillageDisclosuresPages(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		sec := e.as("village_secretary")
		st, body := sec.do("GET", "/villages/1/disclosures", "")
		if st != 200 || !strings.Contains(body, "第三季度村务公开") || !strings.Contains(body, "草稿") || !strings.Contains(body, "均按时公开") {
			t.Fatalf("list page: %d", st)
		}
		// A form with a posting period below the rule is shown again with the message.
		form := url.Values{"kind": {"party"}, "period": {"2021-H2"}, "title": {"东王村党支部2021年下半年党务公开"}, "items": {"发展党员 | | 确定发展对象 1 名\n党费收缴 | 3,280.50"},
			"channels": {"website", "bulletin_board"}, "posting_days": {"5"}}
		st, body = sec.form2("/villages/1/disclosures", form)
		if st != 422 || !strings.Contains(body, "公开期 5 天，少于规定的 7 天") || !strings.Contains(body, "东王村党支部2021年下半年党务公开") {
			t.Fatalf("bad form: %d", st)
		}
		form.Set("posting_days", "7")
		st, _, loc := sec.form("/villages/1/disclosures", form)
		if st != 303 || !strings.HasPrefix(loc, "/disclosures/") {
			t.Fatalf("create form: %d %s", st, loc)
		}
		path := strings.Split(loc, "?")[0]
		st, body = sec.do("GET", path, "")
		if st != 200 || !strings.Contains(body, "3280.50") || !strings.Contains(body, "发布公开") {
			t.Fatalf("draft page: %d", st)
		}
		if st, _, loc := sec.form(path+"/publish", url.Values{}); st != 303 || !strings.HasPrefix(loc, path) {
			t.Fatalf("publish form: %d %s", st, loc)
		}
		st, body = sec.form2(path+"/corrections", url.Values{"reason": {""}, "title": {"改"}})
		if st != 422 || !strings.Contains(body, "更正须说明理由") {
			t.Fatalf("correction without reason: %d", st)
		}
		st, _, loc = sec.form(path+"/corrections", url.Values{"reason": {"党费金额有误"}, "items": {"发展党员 | | 确定发展对象 1 名\n党费收缴 | 3,208.50"}})
		if st != 303 || loc == "" || strings.HasPrefix(loc, path+"?") {
			t.Fatalf("correction form: %d %s", st, loc)
		}
		st, body = sec.do("GET", strings.Split(loc, "?")[0], "")
		if st != 200 || !strings.Contains(body, "党费金额有误") || !strings.Contains(body, "第 2 版") {
			t.Fatalf("correction page: %d", st)
		}

		// The committee's compliance view flags the demo's overdue and late villages.
		st, body = e.as("committee").do("GET", "/village/disclosures/compliance", "")
		if st != 200 || !strings.Contains(body, "逾期") || strings.Count(body, "badge-red") < 1 || strings.Count(body, "badge-amber") < 1 {
			t.Fatalf("compliance: %d", st)
		}
		var comp struct {
			Villages []struct {
				Village struct{ ID int64 } `json:"village"`
				Overdue int                `json:"overdue"`
				Late    int                `json:"late"`
			} `json:"villages"`
		}
		if st := e.as("village_secretary").json("GET", "/api/v1/village/disclosures/compliance", "", &comp); st != 200 || len(comp.Villages) != 1 || comp.Villages[0].Village.ID != 1 {
			t.Fatalf("secretary's compliance: %d %+v", st, comp)
		}
	})
}
