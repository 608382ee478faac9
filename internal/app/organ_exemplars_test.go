package app

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// exColumns lists a table's columns, portably.
func exColumns(t *testing.T, e *env, table string) []string {
	t.Helper()
	rows, err := e.App.DB.Q(context.Background()).QueryContext(context.Background(), "SELECT * FROM "+table+" WHERE 1 = 0")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	return cols
}

// The demo's 2021 round is in publicity at the demo clock, with counts only.
func TestExemplarsDemoRound(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		c := e.as("member")
		var r struct {
			Status      string `json:"status"`
			Quota       int    `json:"quota"`
			Ballots     int    `json:"ballots"`
			PublicityTo string `json:"publicity_to"`
			Nominees    []struct {
				Votes    *int `json:"votes"`
				Selected bool `json:"selected"`
			} `json:"nominees"`
		}
		if st := c.json("GET", "/api/v1/organ/exemplars/1", "", &r); st != 200 {
			t.Fatalf("round: %d", st)
		}
		sel := 0
		for _, n := range r.Nominees {
			if n.Votes == nil {
				t.Fatal("counts hidden after voting closed")
			}
			if n.Selected {
				sel++
			}
		}
		if r.Status != "publicity" || r.PublicityTo != "2021-12-24" || r.Ballots == 0 || sel != r.Quota || len(r.Nominees) < 10 {
			t.Fatalf("demo round: %+v (selected %d)", r, sel)
		}
		// At the end of the period the list is final.
		e.Clock.Set(time.Date(2021, 12, 25, 1, 0, 0, 0, time.UTC))
		c = e.as("member") // sessions end after idle time
		if st := c.json("GET", "/api/v1/organ/exemplars/1", "", &r); st != 200 || r.Status != "final" {
			t.Fatalf("after publicity: %d %s", st, r.Status)
		}
	})
}

// One ballot per voter; the ballot tables never link a voter to a choice;
// pages, API, export and audit never name a voter; periods follow the clock.
func TestExemplarsVoteOnceAndSecret(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		q := e.App.DB.Q(ctx)
		// Schema: the "voted" table names no nominee, the tallies no voter.
		for _, col := range exColumns(t, e, "exemplars_voted") {
			if strings.Contains(col, "nomin") || strings.Contains(col, "choice") || strings.Contains(col, "person_id") && col != "voter_person_id" {
				t.Errorf("exemplars_voted has column %s", col)
			}
		}
		for _, col := range exColumns(t, e, "exemplars_tallies") {
			if strings.Contains(col, "voter") || strings.Contains(col, "user") || strings.Contains(col, "person") {
				t.Errorf("exemplars_tallies has column %s", col)
			}
		}

		com := e.as("committee")
		mem := e.as("member")
		var voterName string
		var memberPerson, memberBranch int64
		if err := q.QueryRowContext(ctx, `SELECT p.name, p.id, p.branch_id FROM users u JOIN people p ON p.id = u.person_id WHERE u.username = 'member'`).Scan(&voterName, &memberPerson, &memberBranch); err != nil {
			t.Fatal(err)
		}
		// Two nominees from other branches than the member's.
		var nominees []int64
		rows, err := q.QueryContext(ctx, `SELECT p.id FROM people p JOIN branches b ON b.id = p.branch_id WHERE b.kind = 'organ_branch' AND p.party_member = TRUE AND p.branch_id <> ? ORDER BY p.id`, memberBranch)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() && len(nominees) < 2 {
			var id int64
			rows.Scan(&id)
			nominees = append(nominees, id)
		}
		rows.Close()

		// Publicity shorter than 5 days is refused.
		st, b := com.do("POST", "/api/v1/organ/exemplars", `{"title":"2022年度机关标兵选树","year":2022,"quota":1,"nominate_from":"2021-12-20","nominate_to":"2021-12-21","vote_to":"2021-12-23","publicity_to":"2021-12-26"}`)
		if st != 422 || !strings.Contains(b, "publicity_to") {
			t.Fatalf("short publicity: %d %s", st, b)
		}
		var created struct{ ID int64 }
		if st := com.json("POST", "/api/v1/organ/exemplars", `{"title":"2022年度机关标兵选树","year":2022,"quota":1,"nominate_from":"2021-12-20","nominate_to":"2021-12-21","vote_to":"2021-12-23","publicity_to":"2021-12-28"}`, &created); st != 201 {
			t.Fatalf("create: %d", st)
		}
		base := fmt.Sprintf("/api/v1/organ/exemplars/%d", created.ID)
		// A member without a branch post cannot nominate in another branch.
		if st, b := mem.do("POST", base+"/nominations", fmt.Sprintf(`{"person_id":%d,"reason":"工作扎实，服务企业热情周到，群众满意。"}`, nominees[0])); st != 404 && st != 403 {
			t.Fatalf("member nominates another branch: %d %s", st, b)
		}
		var noms []int64
		for _, p := range nominees {
			var n struct{ ID int64 }
			if st := com.json("POST", base+"/nominations", fmt.Sprintf(`{"person_id":%d,"reason":"工作扎实，服务企业热情周到，群众满意。"}`, p), &n); st != 201 {
				t.Fatalf("nominate: %d", st)
			}
			noms = append(noms, n.ID)
		}
		ballot := fmt.Sprintf(`{"choices":[%d]}`, noms[1])
		// Voting has not opened yet.
		if st, _ := mem.do("POST", base+"/ballot", ballot); st != 409 {
			t.Fatalf("vote before voting opens: %d", st)
		}
		e.Clock.Set(time.Date(2021, 12, 22, 1, 0, 0, 0, time.UTC))
		mem = e.as("member") // sessions end after idle time
		if st, _ := mem.do("POST", base+"/ballot", fmt.Sprintf(`{"choices":[%d,%d]}`, noms[0], noms[1])); st != 422 {
			t.Fatalf("more choices than the quota: %d", st)
		}
		if st, b := mem.do("POST", base+"/ballot", ballot); st != 200 {
			t.Fatalf("vote: %d %s", st, b)
		}
		// Counts are hidden while voting is open.
		_, b = mem.do("GET", base, "")
		if strings.Contains(b, `"votes"`) {
			t.Fatalf("counts shown during voting: %s", b)
		}
		st, b = mem.do("POST", base+"/ballot", fmt.Sprintf(`{"choices":[%d]}`, noms[0]))
		if st != 409 || !strings.Contains(b, "已在本轮投过票") {
			t.Fatalf("second ballot: %d %s", st, b)
		}
		var v0, v1, voted int
		q.QueryRowContext(ctx, `SELECT votes FROM exemplars_tallies WHERE nomination_id = ?`, noms[0]).Scan(&v0)
		q.QueryRowContext(ctx, `SELECT votes FROM exemplars_tallies WHERE nomination_id = ?`, noms[1]).Scan(&v1)
		q.QueryRowContext(ctx, `SELECT COUNT(*) FROM exemplars_voted WHERE round_id = ?`, created.ID).Scan(&voted)
		if v0 != 0 || v1 != 1 || voted != 1 {
			t.Fatalf("after a refused second ballot: tallies %d/%d voted %d", v0, v1, voted)
		}
		// The audit says that the member voted, not for whom.
		var detail string
		if err := q.QueryRowContext(ctx, `SELECT detail FROM audit_log WHERE action = 'organ.exemplars.vote'`).Scan(&detail); err != nil {
			t.Fatal(err)
		}
		if detail != fmt.Sprintf("voted in round %d", created.ID) {
			t.Fatalf("audit detail %q", detail)
		}
		// After voting closes: counts, a list, and no voter anywhere.
		e.Clock.Set(time.Date(2021, 12, 24, 1, 0, 0, 0, time.UTC))
		com, mem = e.as("committee"), e.as("member")
		if st, _ := com.do("POST", base+"/ballot", ballot); st != 409 {
			t.Fatalf("vote after voting closed: %d", st)
		}
		page := fmt.Sprintf("/organ/exemplars/%d", created.ID)
		for _, path := range []string{base, page, page + "/results.xlsx", "/api/v1/organ/exemplars", "/organ/exemplars"} {
			st, b := com.do("GET", path, "")
			if st != 200 {
				t.Fatalf("%s: %d", path, st)
			}
			if strings.Contains(b, voterName) {
				t.Errorf("%s names the voter %s", path, voterName)
			}
		}
		_, b = com.do("GET", base, "")
		if !strings.Contains(b, `"votes":1`) || !strings.Contains(b, `"status":"publicity"`) {
			t.Fatalf("results: %s", b)
		}
		// An upheld objection removes the nominee from the list.
		var o struct{ ID int64 }
		if st := mem.json("POST", fmt.Sprintf("/api/v1/organ/exemplar-nominations/%d/objections", noms[1]), `{"body":"请核实该同志的事迹材料。"}`, &o); st != 201 {
			t.Fatalf("objection: %d", st)
		}
		if st, _ := mem.do("POST", fmt.Sprintf("/api/v1/organ/exemplar-objections/%d/review", o.ID), `{"decision":"upheld","review_note":"经核实"}`); st != 403 {
			t.Fatalf("member reviews: %d", st)
		}
		if st, b := com.do("POST", fmt.Sprintf("/api/v1/organ/exemplar-objections/%d/review", o.ID), `{"decision":"upheld","review_note":"经核实，事迹材料不实。"}`); st != 200 {
			t.Fatalf("review: %d %s", st, b)
		}
		var r struct {
			Nominees []struct {
				ID       int64 `json:"id"`
				Selected bool  `json:"selected"`
				Removed  bool  `json:"removed"`
			} `json:"nominees"`
		}
		com.json("GET", base, "", &r)
		for _, n := range r.Nominees {
			if n.ID == noms[1] && (!n.Removed || n.Selected) {
				t.Fatalf("upheld objection: %+v", n)
			}
		}
	})
}
