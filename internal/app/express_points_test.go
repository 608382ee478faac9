package app

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

type ledgerJSON struct {
	PersonID int64 `json:"person_id"`
	Total    int   `json:"total"`
	Rank     int   `json:"rank"`
	Of       int   `json:"of"`
	Entries  []struct {
		ID       int64  `json:"id"`
		Day      string `json:"day"`
		Kind     string `json:"kind"`
		Points   int    `json:"points"`
		RefType  string `json:"ref_type"`
		RefID    int64  `json:"ref_id"`
		Reverses int64  `json:"reverses"`
		Reason   string `json:"reason"`
		Note     string `json:"note"`
	} `json:"entries"`
}

func xpPerson(t *testing.T, e *env, username string) int64 {
	t.Helper()
	var id int64
	if err := e.App.DB.Q(t.Context()).QueryRowContext(t.Context(), `SELECT person_id FROM users WHERE username = ?`, username).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func xpScope(t *testing.T, e *env, username string) []int64 {
	t.Helper()
	rows, err := e.App.DB.Q(t.Context()).QueryContext(t.Context(), `SELECT r.scope_id FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.username = ? ORDER BY r.scope_id`, username)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

func xpSum(t *testing.T, e *env, person int64) int {
	t.Helper()
	var n int
	if err := e.App.DB.Q(t.Context()).QueryRowContext(t.Context(), `SELECT COALESCE(SUM(points), 0) FROM express_points WHERE person_id = ?`, person).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Issue 6 item 4 over the fixed handle GET /api/v1/liaisons/{id}/points
// (id is the liaison's person id): the ledger's entries sum to its total
// and to the stored events; a liaison sees only their own, with their
// rank; the office sees all; every attempt to write points directly fails
// (404/405/403) and leaves the sum unchanged; a correction is a reversing
// entry with a reason, the office's only.
func TestExpressPointsHTTP(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		com, lia, lia2, ent, dept := e.as("committee"), e.as("liaison"), e.as("liaison_2"), e.as("enterprise"), e.as("dept_staff")
		me, other := xpPerson(t, e, "liaison"), xpPerson(t, e, "liaison_2")
		path := fmt.Sprintf("/api/v1/liaisons/%d/points?from=2021-01-01&to=2021-12-31", me)

		var l ledgerJSON
		if st := lia.json("GET", path, "", &l); st != 200 {
			t.Fatalf("own ledger: %d", st)
		}
		sum := 0
		for _, x := range l.Entries {
			sum += x.Points
			if x.RefType == "" || x.RefID == 0 {
				t.Fatalf("an entry without its record: %+v", x)
			}
		}
		if l.PersonID != me || sum != l.Total || l.Total != xpSum(t, e, me) || l.Total == 0 || l.Rank < 1 || l.Of != 35 {
			t.Fatalf("ledger: total %d, sum %d, stored %d, rank %d of %d", l.Total, sum, xpSum(t, e, me), l.Rank, l.Of)
		}
		// The demo's fifth November visit to 天成药业 earned 0 and says so.
		capped := false
		for _, x := range l.Entries {
			capped = capped || (x.Kind == "visit" && x.Points == 0 && strings.Contains(x.Note, "上限"))
		}
		if !capped {
			t.Fatal("no capped visit in the liaison's ledger")
		}
		if st, _ := lia.do("GET", fmt.Sprintf("/api/v1/liaisons/%d/points", other), ""); st != 404 {
			t.Fatalf("another liaison's ledger: %d", st)
		}
		for _, c := range []*client{ent, dept} {
			if st, _ := c.do("GET", path, ""); st != 403 {
				t.Fatalf("%d for a non-liaison role", st)
			}
		}
		var l2 ledgerJSON
		if st := com.json("GET", fmt.Sprintf("/api/v1/liaisons/%d/points?from=2021-12-01&to=2021-12-31", other), "", &l2); st != 200 || l2.PersonID != other {
			t.Fatalf("office reads any ledger: %d", st)
		}
		if st, b := com.do("GET", fmt.Sprintf("/api/v1/liaisons/%d/points?from=2021-12-31&to=2021-01-01", me), ""); st != 422 || !strings.Contains(b, "to") {
			t.Fatalf("reversed range: %d %s", st, b)
		}

		// No route writes points.
		before := xpSum(t, e, me)
		entry := l.Entries[len(l.Entries)-1].ID
		for _, c := range []*client{lia, com} {
			for _, try := range []struct{ method, path string }{
				{"POST", fmt.Sprintf("/api/v1/liaisons/%d/points", me)},
				{"PUT", fmt.Sprintf("/api/v1/liaisons/%d/points", me)},
				{"PATCH", fmt.Sprintf("/api/v1/liaisons/%d/points", me)},
				{"DELETE", fmt.Sprintf("/api/v1/liaisons/%d/points", me)},
				{"POST", "/api/v1/express/points"},
				{"POST", fmt.Sprintf("/api/v1/liaisons/%d/points/entries", me)},
				{"PUT", fmt.Sprintf("/api/v1/express/point-entries/%d", entry)},
				{"DELETE", fmt.Sprintf("/api/v1/express/point-entries/%d", entry)},
			} {
				st, _ := c.do(try.method, try.path, `{"points":100,"kind":"visit","person_id":`+fmt.Sprint(me)+`}`)
				if st != 404 && st != 405 && st != 403 {
					t.Fatalf("%s %s: %d", try.method, try.path, st)
				}
			}
		}
		if st, _ := lia.do("POST", fmt.Sprintf("/api/v1/express/point-entries/%d/reversal", entry), `{"reason":"自己改分"}`); st != 403 {
			t.Fatalf("liaison reversal: %d", st)
		}
		if st, _ := com.do("POST", fmt.Sprintf("/api/v1/express/point-entries/%d/reversal", entry), `{"reason":""}`); st != 422 {
			t.Fatalf("reversal without a reason: %d", st)
		}
		if after := xpSum(t, e, me); after != before {
			t.Fatalf("points changed %d → %d", before, after)
		}

		// The office reverses an entry with a reason: a new entry points at it.
		var old int
		for _, x := range l.Entries {
			if x.ID == entry {
				old = x.Points
			}
		}
		var rev struct{ ID, Reverses int64 }
		if st := com.json("POST", fmt.Sprintf("/api/v1/express/point-entries/%d/reversal", entry), `{"reason":"培训签到有误，未实际参加"}`, &rev); st != 201 || rev.Reverses != entry {
			t.Fatalf("reversal: %d %+v", st, rev)
		}
		if st, _ := com.do("POST", fmt.Sprintf("/api/v1/express/point-entries/%d/reversal", entry), `{"reason":"再冲一次"}`); st != 409 {
			t.Fatalf("second reversal: %d", st)
		}
		if after := xpSum(t, e, me); after != before-old {
			t.Fatalf("after reversal %d, want %d", after, before-old)
		}
		var l3 ledgerJSON
		lia.json("GET", path, "", &l3)
		if l3.Total != before-old || l3.Entries[0].Reverses != entry || l3.Entries[0].Reason == "" {
			t.Fatalf("ledger after reversal: %d %+v", l3.Total, l3.Entries[0])
		}

		// Assessment: the office's; ≤ 15% 优秀 of 35.
		var a struct {
			Quota     int `json:"excellent_quota"`
			Standings []struct {
				PersonID int64  `json:"person_id"`
				Total    int    `json:"total"`
				Rank     int    `json:"rank"`
				Tier     string `json:"tier"`
			} `json:"standings"`
		}
		if st := com.json("GET", "/api/v1/express/assessment?period=2021", "", &a); st != 200 || len(a.Standings) != 35 || a.Quota != 5 {
			t.Fatalf("assessment: %d, %d standings, quota %d", st, len(a.Standings), a.Quota)
		}
		ex := 0
		for i, s := range a.Standings {
			if s.Tier == "excellent" {
				ex++
			}
			if i > 0 && s.Total > a.Standings[i-1].Total {
				t.Fatal("not ranked by total")
			}
		}
		if ex == 0 || ex > 5 {
			t.Fatalf("%d 优秀", ex)
		}
		if st, _ := lia.do("GET", "/api/v1/express/assessment?period=2021", ""); st != 403 {
			t.Fatalf("liaison assessment: %d", st)
		}
		if st, _ := com.do("GET", "/api/v1/express/assessment?period=2021-Q5", ""); st != 422 {
			t.Fatalf("bad period: %d", st)
		}
		if st, _ := com.do("POST", "/api/v1/express/assessment/actions", fmt.Sprintf(`{"period":"2021","person_id":%d,"kind":"reward","body":"年度走访企业最多，通报表扬","amount_fen":100000}`, a.Standings[0].PersonID)); st != 201 {
			t.Fatalf("reward: %d", st)
		}
		st, body := com.do("GET", "/express/points?period=2021", "")
		if st != 200 || !strings.Contains(body, "优秀") || !strings.Contains(body, "1000.00") {
			t.Fatalf("assessment page: %d", st)
		}
		st, _, loc := lia.form("/express/assessment/actions", url.Values{"period": {"2021"}, "person_id": {fmt.Sprint(me)}, "kind": {"reward"}, "body": {"自评"}})
		if st != 403 || loc != "" {
			t.Fatalf("liaison recorded a reward: %d", st)
		}

		// Pages: the liaison's 积分考核 is their ledger, with the rank.
		if st, _, loc := lia.form("/express/points", nil); st != 405 || loc != "" {
			t.Fatalf("POST to the points page: %d", st)
		}
		if st, _ := lia.do("GET", "/express/points", ""); st != 303 {
			t.Fatalf("liaison points page: %d", st)
		}
		if st, b := lia.do("GET", fmt.Sprintf("/express/points/%d", me), ""); st != 200 || !strings.Contains(b, "积分明细") || strings.Contains(b, "/reversal") {
			t.Fatalf("ledger page: %d", st)
		}
		if st, b := com.do("GET", fmt.Sprintf("/express/points/%d", me), ""); st != 200 || !strings.Contains(b, "/reversal") {
			t.Fatalf("office ledger page: %d", st)
		}
		if st, _ := lia2.do("GET", fmt.Sprintf("/express/points/%d", me), ""); st != 404 {
			t.Fatalf("another's ledger page: %d", st)
		}

		// The point table: documented defaults; the office changes a value from today.
		if st, b := ent.do("GET", "/express/point-rules", ""); st != 200 || !strings.Contains(b, "企业走访") {
			t.Fatalf("rules page: %d", st)
		}
		if st, _, loc := com.form("/express/point-rules", url.Values{"kind": {"report"}, "points": {"2"}, "valid_from": {"2021-12-20"}}); st != 303 || !strings.Contains(loc, "ok=saved") {
			t.Fatalf("rule change: %d %s", st, loc)
		}
		var tb struct {
			InForce []struct {
				Kind   string `json:"kind"`
				Points int    `json:"points"`
			} `json:"in_force"`
		}
		lia.json("GET", "/api/v1/express/point-rules", "", &tb)
		for _, r := range tb.InForce {
			if r.Kind == "report" && r.Points != 2 {
				t.Fatalf("report now %d", r.Points)
			}
		}
		if st, _ := com.do("POST", "/api/v1/express/point-rules", `{"kind":"visit","valid_from":"2021-01-01","points":5}`); st != 422 {
			t.Fatalf("backdated rule: %d", st)
		}

		// A report filed now earns the new value; a training, 1 each.
		before = xpSum(t, e, me)
		if st, _, _ := lia.form("/express/reports", url.Values{"title": {"企业用工需求"}, "body": {"企业新增两条生产线，急需技术工人 30 名。"}}); st != 303 {
			t.Fatalf("report: %d", st)
		}
		if st, b := lia.form2("/express/reports", url.Values{"title": {"x"}, "body": {"短"}}); st != 422 || !strings.Contains(b, "field-error") {
			t.Fatalf("bad report: %d", st)
		}
		if st, _ := com.do("POST", "/api/v1/express/trainings", fmt.Sprintf(`{"held_on":"2021-12-20","kind":"meeting","title":"年终考核动员会","attendees":[%d,%d]}`, me, other)); st != 201 {
			t.Fatalf("training: %d", st)
		}
		if after := xpSum(t, e, me); after != before+3 {
			t.Fatalf("report 2 + training 1: %d → %d", before, after)
		}
		var desk struct {
			Tiles []struct{ Key, Value string } `json:"tiles"`
		}
		lia.json("GET", "/api/v1/express", "", &desk)
		found := false
		for _, x := range desk.Tiles {
			found = found || x.Key == "xpoints.tile_month"
		}
		if !found {
			t.Fatalf("desk tiles: %+v", desk.Tiles)
		}
	})
}
