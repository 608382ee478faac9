package app

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Outside checks of issue 6 ("How it will be checked"), written from the
// issue and RULES.md §7–§9 rather than from the code. Helpers are prefixed
// ec (express checker).

// ecScope is the first scope id of a demo account's roles.
func ecScope(t *testing.T, e *env, username string) int64 {
	t.Helper()
	var id int64
	if err := e.App.DB.Q(t.Context()).QueryRowContext(t.Context(), `SELECT r.scope_id FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.username = ? ORDER BY r.scope_id`, username).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// ecNormal removes what depends on who reads (the transitions the reader
// may make) so that two reads by the office compare.
func ecNormal(t *testing.T, body string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("not JSON: %s", body)
	}
	delete(m, "allowed_transitions")
	b, _ := json.Marshal(m)
	return string(b)
}

// ecFacts is the checker's own model of a demand (issue 6 item 1).
type ecFacts struct {
	state    string // new routed accepted in_progress resolved rated
	rating   string
	reopened bool
	routed   bool // has a lead department (the lead's staff see it)
}

// ecExpect is the status the checker expects for role doing transition to
// (from the issue: office routes; the lead department signs, handles,
// resolves or returns; the enterprise rates and may reopen an unsatisfied
// outcome once — the office may reopen too; liaisons raise but do not
// handle). 0 means legal.
func ecExpect(role string, f ecFacts, to string) int {
	from := map[string][]string{
		"routed": {"new"}, "accepted": {"routed"}, "in_progress": {"accepted"}, "resolved": {"accepted", "in_progress"},
		"returned": {"routed", "accepted"}, "rated": {"resolved"}, "reopened": {"rated"},
	}
	may := map[string][]string{
		"committee": {"routed", "reopened"}, "lead": {"accepted", "in_progress", "resolved", "returned"}, "enterprise": {"rated", "reopened"},
	}
	switch role {
	case "village_secretary", "member", "sysadmin":
		return 403
	case "other_dept":
		return 404
	case "lead":
		if !f.routed {
			return 404
		}
	case "liaison":
		return 403
	}
	ok := false
	for _, x := range may[role] {
		ok = ok || x == to
	}
	if !ok {
		return 403
	}
	inState := false
	for _, s := range from[to] {
		inState = inState || s == f.state
	}
	if !inState {
		return 409
	}
	if to == "reopened" && (f.rating != "unsatisfied" || f.reopened) {
		return 409
	}
	return 0
}

// Issue 6 item 1 / "a demand pushed through every legal and illegal
// transition by each role": four demands walk every legal path; in every
// state they reach, every role tries every transition; a refusal answers
// the expected 403/404/409 problem and leaves the demand byte-for-byte
// unchanged; a legal step answers 2xx and adds exactly one history row.
func TestExpressChecksTransitions(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ent := ecScope(t, e, "enterprise")
		lead := ecScope(t, e, "dept_staff")
		roles := map[string]*client{
			"committee": e.as("committee"), "lead": e.as("dept_staff"), "other_dept": e.as("dept_staff_2"), "liaison": e.as("liaison"),
			"enterprise": e.as("enterprise"), "village_secretary": e.as("village_secretary"), "member": e.as("member"), "sysadmin": e.as("sysadmin"),
		}
		order := []string{"committee", "lead", "other_dept", "liaison", "enterprise", "village_secretary", "member", "sysadmin"}
		com := roles["committee"]
		body := func(to string) string {
			switch to {
			case "routed":
				return fmt.Sprintf(`{"to":"routed","department_id":%d}`, lead)
			case "returned":
				return `{"to":"returned","reason":"不属于本部门职责"}`
			case "rated":
				return `{"to":"rated","rating":"satisfied"}`
			}
			return `{"to":"` + to + `"}`
		}
		// Raising with exactly the three fixed fields, by each raiser.
		raisers := []string{"enterprise", "liaison", "committee"}
		var ids []int64
		for i := 0; i < 4; i++ {
			var d demandJSON
			raw := fmt.Sprintf(`{"enterprise_id":%d,"category":"production","description":"检查用诉求 %d：用电增容审批"}`, ent, i)
			if st, b := roles[raisers[i%3]].do("POST", "/api/v1/demands", raw); st != 201 {
				t.Fatalf("raise by %s: %d %s", raisers[i%3], st, b)
			} else if err := json.Unmarshal([]byte(b), &d); err != nil || d.ID == 0 || d.State != "new" {
				t.Fatalf("raise by %s: %s", raisers[i%3], b)
			}
			ids = append(ids, d.ID)
		}
		type step struct{ role, body string }
		paths := [][]step{
			{{"committee", body("routed")}, {"lead", body("accepted")}, {"lead", body("in_progress")}, {"lead", `{"to":"resolved","reason":"已协调供电公司完成增容"}`},
				{"enterprise", `{"to":"rated","rating":"satisfied"}`}},
			{{"committee", body("routed")}, {"lead", body("returned")}, {"committee", body("routed")}, {"lead", body("accepted")}, {"lead", body("returned")}},
			{{"committee", body("routed")}, {"lead", body("accepted")}, {"lead", body("resolved")}, {"enterprise", `{"to":"rated","rating":"不满意"}`},
				{"enterprise", `{"to":"reopened","reason":"问题仍未解决"}`}, {"lead", body("resolved")}, {"enterprise", `{"to":"rated","rating":"unsatisfied"}`}},
			{{"committee", body("routed")}, {"lead", body("accepted")}, {"lead", body("resolved")}, {"enterprise", `{"to":"rated","rating":"基本满意"}`}},
			{{"committee", body("routed")}, {"lead", body("accepted")}, {"lead", body("resolved")}, {"enterprise", `{"to":"rated","rating":"unsatisfied"}`},
				{"committee", `{"to":"reopened"}`}, {"lead", body("resolved")}},
		}
		// a fifth demand for the office's reopening
		{
			var d demandJSON
			if st := com.json("POST", "/api/v1/demands", fmt.Sprintf(`{"enterprise_id":%d,"category":"policy","description":"检查用诉求：政策咨询"}`, ent), &d); st != 201 {
				t.Fatalf("raise 5: %d", st)
			}
			ids = append(ids, d.ID)
		}
		transitions := []string{"routed", "accepted", "in_progress", "resolved", "rated", "returned", "reopened"}
		legalSeen := map[string]bool{}
		for pi, path := range paths {
			id := ids[pi]
			url := fmt.Sprintf("/api/v1/demands/%d", id)
			f := ecFacts{state: "new"}
			get := func() (string, demandJSON) {
				t.Helper()
				st, b := com.do("GET", url, "")
				if st != 200 {
					t.Fatalf("GET %s: %d %s", url, st, b)
				}
				var d demandJSON
				json.Unmarshal([]byte(b), &d)
				return ecNormal(t, b), d
			}
			for si := 0; si <= len(path); si++ {
				// every role tries every transition that is not legal now
				before, bd := get()
				if bd.State != f.state {
					t.Fatalf("path %d step %d: state %s, checker expects %s", pi, si, bd.State, f.state)
				}
				for _, role := range order {
					for _, to := range transitions {
						want := ecExpect(role, f, to)
						if want == 0 {
							legalSeen[role+" "+f.state+" "+to] = legalSeen[role+" "+f.state+" "+to] || false
							continue
						}
						st, b := roles[role].do("POST", url+"/transitions", body(to))
						if st != want || !strings.Contains(b, `"status"`) {
							t.Errorf("path %d state %s (rating %q reopened %t): %s %s → %d, want %d problem: %s", pi, f.state, f.rating, f.reopened, role, to, st, want, b)
						}
					}
				}
				if after, _ := get(); after != before {
					t.Fatalf("path %d state %s: a refused transition changed the demand:\n%s\n%s", pi, f.state, before, after)
				}
				if si == len(path) {
					break
				}
				s := path[si]
				var tb struct {
					To     string `json:"to"`
					Rating string `json:"rating"`
				}
				json.Unmarshal([]byte(s.body), &tb)
				if w := ecExpect(s.role, f, tb.To); w != 0 {
					t.Fatalf("path %d: the checker's model forbids %s %s from %s (%d)", pi, s.role, tb.To, f.state, w)
				}
				legalSeen[s.role+" "+f.state+" "+tb.To] = true
				st, b := roles[s.role].do("POST", url+"/transitions", s.body)
				if st < 200 || st > 299 {
					t.Fatalf("path %d: legal %s %s from %s: %d %s", pi, s.role, s.body, f.state, st, b)
				}
				_, ad := get()
				if len(ad.History) != len(bd.History)+1 || ad.History[len(ad.History)-1].Transition != tb.To {
					t.Fatalf("path %d: %s: history %d → %d rows: %+v", pi, tb.To, len(bd.History), len(ad.History), ad.History)
				}
				switch tb.To {
				case "routed":
					f.state, f.routed = "routed", true
				case "returned":
					f.state, f.routed = "new", false
				case "rated":
					f.state = "rated"
					f.rating = map[string]string{"satisfied": "satisfied", "unsatisfied": "unsatisfied", "不满意": "unsatisfied", "基本满意": "basically", "满意": "satisfied"}[tb.Rating]
					if ad.Rating != f.rating {
						t.Fatalf("rating %q stored as %q", tb.Rating, ad.Rating)
					}
				case "reopened":
					f.state, f.reopened, f.rating = "in_progress", true, ""
				default:
					f.state = tb.To
				}
			}
		}
		for k, v := range legalSeen {
			if !v {
				t.Errorf("legal transition never exercised: %s", k)
			}
		}
		// The complete history of path 2 (routed, returned, routed, accepted, returned) with the reason.
		var d demandJSON
		com.json("GET", fmt.Sprintf("/api/v1/demands/%d", ids[1]), "", &d)
		var got []string
		for _, h := range d.History {
			got = append(got, h.Transition)
		}
		if strings.Join(got, ",") != "raised,routed,returned,routed,accepted,returned" || d.History[2].Reason != "不属于本部门职责" {
			t.Fatalf("history: %v %+v", got, d.History)
		}
		for _, k := range []string{"route_by", "respond_by", "resolve_by"} {
			if _, ok := d.Deadlines[k]; !ok {
				t.Fatalf("deadline %s missing: %+v", k, d.Deadlines)
			}
		}
		// A helper department sees the demand and may not act on it (403).
		{
			var hd demandJSON
			helper := ecScope(t, e, "dept_staff_2")
			com.json("POST", "/api/v1/demands", fmt.Sprintf(`{"enterprise_id":%d,"category":"major","description":"检查用诉求：协办部门"}`, ent), &hd)
			hp := fmt.Sprintf("/api/v1/demands/%d", hd.ID)
			if st, b := com.do("POST", hp+"/transitions", fmt.Sprintf(`{"to":"routed","department_id":%d,"helpers":[%d]}`, lead, helper)); st != 200 {
				t.Fatalf("route with helper: %d %s", st, b)
			}
			if st, _ := roles["other_dept"].do("GET", hp, ""); st != 200 {
				t.Errorf("helper department reads: %d", st)
			}
			for _, to := range []string{"accepted", "returned", "resolved"} {
				if st, _ := roles["other_dept"].do("POST", hp+"/transitions", body(to)); st != 403 {
					t.Errorf("helper department %s: %d, want 403", to, st)
				}
			}
		}
		// The categories' Chinese names are accepted as the codes are.
		{
			var cd demandJSON
			if st, b := roles["enterprise"].do("POST", "/api/v1/demands", fmt.Sprintf(`{"enterprise_id":%d,"category":"政策咨询","description":"检查用诉求：中文类别"}`, ent)); st != 201 ||
				json.Unmarshal([]byte(b), &cd) != nil || cd.Category != "policy" {
				t.Errorf("category 政策咨询: %d %s", st, b)
			}
		}
		// The HTML form (no JavaScript) goes through the same checks.
		{
			var fd demandJSON
			if st := com.json("POST", "/api/v1/demands", fmt.Sprintf(`{"enterprise_id":%d,"category":"other","description":"检查用诉求：表单"}`, ent), &fd); st != 201 {
				t.Fatalf("raise form demand: %d", st)
			}
			api := fmt.Sprintf("/api/v1/demands/%d", fd.ID)
			form := fmt.Sprintf("/express/demands/%d/transitions", fd.ID)
			_, before := com.do("GET", api, "")
			for _, x := range []struct {
				role string
				v    url.Values
				want int
			}{
				{"enterprise", url.Values{"to": {"routed"}, "department_id": {fmt.Sprint(lead)}}, 403},
				{"lead", url.Values{"to": {"accepted"}}, 404},
				{"other_dept", url.Values{"to": {"accepted"}}, 404},
				{"committee", url.Values{"to": {"accepted"}}, 403},
				{"committee", url.Values{"to": {"rated"}, "rating": {"satisfied"}}, 403},
				{"enterprise", url.Values{"to": {"rated"}, "rating": {"满意"}}, 409},
				{"member", url.Values{"to": {"routed"}, "department_id": {fmt.Sprint(lead)}}, 403},
			} {
				if st, _ := roles[x.role].form2(form, x.v); st != x.want {
					t.Errorf("form %s %v: %d, want %d", x.role, x.v, st, x.want)
				}
			}
			if _, after := com.do("GET", api, ""); ecNormal(t, after) != ecNormal(t, before) {
				t.Errorf("a refused form transition changed the demand")
			}
			if st, _, loc := com.form(form, url.Values{"to": {"routed"}, "department_id": {fmt.Sprint(lead)}}); st != 303 || !strings.Contains(loc, fmt.Sprint(fd.ID)) {
				t.Errorf("form routing: %d %s", st, loc)
			}
		}
		// Bad bodies: 422 problem naming the field; nothing changes.
		var nd demandJSON
		if st := com.json("POST", "/api/v1/demands", fmt.Sprintf(`{"enterprise_id":%d,"category":"other","description":"检查用诉求：坏请求"}`, ent), &nd); st != 201 {
			t.Fatalf("raise 6: %d", st)
		}
		url := fmt.Sprintf("/api/v1/demands/%d", nd.ID)
		bad := func(c *client, b, field string) {
			t.Helper()
			_, before := com.do("GET", url, "")
			st, out := c.do("POST", url+"/transitions", b)
			if st != 422 || !strings.Contains(out, field) {
				t.Errorf("%s: %d %s, want 422 naming %s", b, st, out, field)
			}
			if _, after := com.do("GET", url, ""); ecNormal(t, after) != ecNormal(t, before) {
				t.Errorf("%s changed the demand", b)
			}
		}
		bad(com, `{"to":"routed"}`, "department_id")
		bad(com, `{"to":"routed","department_id":999999}`, "department_id")
		bad(com, `{"to":"teleport"}`, "to")
		bad(com, `{}`, "to")
		com.do("POST", url+"/transitions", body("routed"))
		roles["lead"].do("POST", url+"/transitions", body("accepted"))
		bad(roles["lead"], `{"to":"returned"}`, "reason")
		roles["lead"].do("POST", url+"/transitions", body("resolved"))
		bad(roles["enterprise"], `{"to":"rated"}`, "rating")
		bad(roles["enterprise"], `{"to":"rated","rating":"great"}`, "rating")
		if st, b := roles["enterprise"].do("POST", url+"/transitions", `{"to":"rated","rating":"满意"}`); st != 200 || !strings.Contains(b, `"rating":"satisfied"`) {
			t.Errorf("rated 满意: %d %s", st, b)
		}
	})
}

// ecAt sets the installation's clock to a zone day and hour.
func ecAt(e *env, day string, hour int) {
	t, err := time.ParseInLocation("2006-01-02", day, time.FixedZone("CST", 8*3600))
	if err != nil {
		panic(err)
	}
	e.Clock.Set(t.Add(time.Duration(hour) * time.Hour))
}

// ecAtLogin is ecAt followed by login (sessions do not survive a jump).
func ecAtLogin(e *env, day string, hour int, login func()) {
	ecAt(e, day, hour)
	login()
}

// Issue 6 item 2, RULES.md §7 (route 1, respond 2, resolve 5, complex 10
// working days) and §9 (counted AFTER the day of the event, on the holiday
// calendar): deadlines across a weekend and across the 2021 National Day
// holiday (10-01..10-07 off, Sunday 09-26 and Saturday 10-09 worked); the
// overdue flag is raised the day after the due day, not on it.
func TestExpressChecksDeadlines(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ent := ecScope(t, e, "enterprise")
		lead := ecScope(t, e, "dept_staff")
		// Sessions expire when the clock jumps: sign in again at each moment.
		var ec, com, dept *client
		login := func() { ec, com, dept = e.as("enterprise"), e.as("committee"), e.as("dept_staff") }
		raise := func(day string, hour int) (int64, demandJSON) {
			t.Helper()
			ecAtLogin(e, day, hour, login)
			var d demandJSON
			if st := ec.json("POST", "/api/v1/demands", fmt.Sprintf(`{"enterprise_id":%d,"category":"production","description":"检查时限：%s 提出"}`, ent, day), &d); st != 201 {
				t.Fatalf("raise %s: %d", day, st)
			}
			return d.ID, d
		}
		route := func(id int64, day string, complex bool) demandJSON {
			t.Helper()
			ecAtLogin(e, day, 10, login)
			var d demandJSON
			if st, b := com.do("POST", fmt.Sprintf("/api/v1/demands/%d/transitions", id), fmt.Sprintf(`{"to":"routed","department_id":%d,"complex":%t}`, lead, complex)); st != 200 {
				t.Fatalf("route %d on %s: %d %s", id, day, st, b)
			}
			com.json("GET", fmt.Sprintf("/api/v1/demands/%d", id), "", &d)
			return d
		}
		due := func(d demandJSON, k string) string { return d.Deadlines[k].Due }

		// Friday 2021-12-17, late in the day (23:30 zone time is still Friday).
		id, d := raise("2021-12-17", 23)
		if due(d, "route_by") != "2021-12-20" {
			t.Errorf("raised Fri 12-17: route_by %s, want Mon 12-20", due(d, "route_by"))
		}
		d = route(id, "2021-12-17", false)
		if due(d, "respond_by") != "2021-12-21" || due(d, "resolve_by") != "2021-12-24" {
			t.Errorf("routed Fri 12-17: respond_by %s (want Tue 12-21), resolve_by %s (want Fri 12-24)", due(d, "respond_by"), due(d, "resolve_by"))
		}
		url := fmt.Sprintf("/api/v1/demands/%d", id)
		for _, x := range []struct {
			day     string
			overdue bool
		}{{"2021-12-20", false}, {"2021-12-21", false}, {"2021-12-22", true}} {
			ecAtLogin(e, x.day, 23, login)
			com.json("GET", url, "", &d)
			if d.Overdue != x.overdue || d.Deadlines["respond_by"].Overdue != x.overdue {
				t.Errorf("on %s: overdue %t respond_by %+v, want %t", x.day, d.Overdue, d.Deadlines["respond_by"], x.overdue)
			}
		}
		// Filter by overdue lists it.
		var list []demandJSON
		var wrap struct {
			Demands []demandJSON `json:"items"`
		}
		if st, b := com.do("GET", "/api/v1/demands?overdue=1", ""); st == 200 {
			if json.Unmarshal([]byte(b), &list) != nil {
				json.Unmarshal([]byte(b), &wrap)
				list = wrap.Demands
			}
		}
		found := false
		for _, x := range list {
			found = found || x.ID == id
		}
		if !found {
			t.Errorf("GET /api/v1/demands?overdue=1 does not list demand %d", id)
		}

		// Signed for late (Wed 12-22): met, but overdue it stays.
		ecAtLogin(e, "2021-12-22", 9, login)
		dept.do("POST", url+"/transitions", `{"to":"accepted"}`)
		com.json("GET", url, "", &d)
		if d.Deadlines["respond_by"].MetOn != "2021-12-22" || !d.Deadlines["respond_by"].Overdue || d.Deadlines["resolve_by"].Overdue {
			t.Errorf("signed late: %+v", d.Deadlines)
		}
		// Just after midnight zone time (still Thursday in UTC): a Friday event.
		if _, d := raise("2021-12-17", 0); due(d, "route_by") != "2021-12-20" {
			t.Errorf("raised Fri 12-17 00:00 zone time: route_by %s, want Mon 12-20 (zone days, RULES.md §9)", due(d, "route_by"))
		}
		// National Day 2021.
		id, d = raise("2021-09-30", 15)
		if due(d, "route_by") != "2021-10-08" {
			t.Errorf("raised Thu 09-30: route_by %s, want 10-08", due(d, "route_by"))
		}
		d = route(id, "2021-09-30", false)
		if due(d, "respond_by") != "2021-10-09" || due(d, "resolve_by") != "2021-10-13" {
			t.Errorf("routed 09-30: respond_by %s (want Sat 10-09, a working day), resolve_by %s (want 10-13)", due(d, "respond_by"), due(d, "resolve_by"))
		}
		id, _ = raise("2021-09-30", 16)
		d = route(id, "2021-09-30", true)
		if due(d, "resolve_by") != "2021-10-20" {
			t.Errorf("complex routed 09-30: resolve_by %s, want 10-20", due(d, "resolve_by"))
		}
		// Raised on Saturday 09-25: the next working day is Sunday 09-26.
		_, d = raise("2021-09-25", 10)
		if due(d, "route_by") != "2021-09-26" {
			t.Errorf("raised Sat 09-25: route_by %s, want Sun 09-26", due(d, "route_by"))
		}
		// Raised in the holiday (10-03): route by 10-08, overdue on 10-09, not on 10-08.
		id, d = raise("2021-10-03", 10)
		if due(d, "route_by") != "2021-10-08" {
			t.Errorf("raised 10-03: route_by %s, want 10-08", due(d, "route_by"))
		}
		for _, x := range []struct {
			day     string
			overdue bool
		}{{"2021-10-08", false}, {"2021-10-09", true}} {
			ecAtLogin(e, x.day, 12, login)
			com.json("GET", fmt.Sprintf("/api/v1/demands/%d", id), "", &d)
			if d.Overdue != x.overdue {
				t.Errorf("raised 10-03, on %s: overdue %t, want %t", x.day, d.Overdue, x.overdue)
			}
		}
		ecAtLogin(e, "2021-12-20", 9, login)
	})
}

// Issue 6 item 3, RULES.md §7: the three rates of one department over a
// period against a hand count on a dataset built here, over 2022-02-08..02-25
// (after the demo year, so nothing else is in it). 经发局 (dept_staff) gets
// six demands routed in the period:
//
//	D1 routed 02-08 (respond by 02-10, resolve by 02-15): signed 02-09, resolved 02-14, rated 满意 02-15
//	D2 routed 02-08: signed 02-11 (late), resolved 02-17 (late), rated 基本满意 02-18
//	D3 routed 02-08: signed 02-10 (on the due day), resolved 02-15 (on the due day), rated 不满意 02-16
//	D4 routed 02-08: signed 03-02, never resolved
//	D5 routed 02-08: never signed for
//	D6 routed 02-21: signed 02-22; resolve-by 02-28 (not due in the period)
//
// By hand, on 2022-03-10: response = in time (D1 D3 D4 D6) 4 ÷ routed 6;
// resolution = resolved (D1 D2 D3) 3 ÷ due (D1–D5) 5 — "resolved ÷ due",
// lateness is the response rate's and the overdue flag's business;
// satisfaction = (满意 D1 + 基本满意 D2) 2 ÷ rated 3.
func TestExpressChecksRatesHandCount(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ent := ecScope(t, e, "enterprise")
		lead := ecScope(t, e, "dept_staff")
		ids := map[string]int64{}
		act := func(day, user, name, to, extra string) {
			t.Helper()
			ecAt(e, day, 10)
			c := e.as(user)
			if to == "" {
				var d demandJSON
				if st := c.json("POST", "/api/v1/demands", fmt.Sprintf(`{"enterprise_id":%d,"category":"production","description":"三率检查 %s"}`, ent, name), &d); st != 201 {
					t.Fatalf("%s raise %s: %d", day, name, st)
				}
				ids[name] = d.ID
				return
			}
			b := `{"to":"` + to + `"` + extra + `}`
			if st, out := c.do("POST", fmt.Sprintf("/api/v1/demands/%d/transitions", ids[name]), b); st != 200 {
				t.Fatalf("%s %s %s %s: %d %s", day, user, name, b, st, out)
			}
		}
		route := fmt.Sprintf(`,"department_id":%d`, lead)
		for _, n := range []string{"D1", "D2", "D3", "D4", "D5"} {
			act("2022-02-08", "enterprise", n, "", "")
			act("2022-02-08", "committee", n, "routed", route)
		}
		act("2022-02-09", "dept_staff", "D1", "accepted", "")
		act("2022-02-09", "dept_staff", "D4", "accepted", "")
		act("2022-02-10", "dept_staff", "D3", "accepted", "")
		act("2022-02-11", "dept_staff", "D2", "accepted", "")
		act("2022-02-14", "dept_staff", "D1", "resolved", "")
		act("2022-02-15", "dept_staff", "D3", "resolved", "")
		act("2022-02-15", "enterprise", "D1", "rated", `,"rating":"满意"`)
		act("2022-02-16", "enterprise", "D3", "rated", `,"rating":"unsatisfied"`)
		act("2022-02-17", "dept_staff", "D2", "resolved", "")
		act("2022-02-18", "enterprise", "D2", "rated", `,"rating":"basically"`)
		act("2022-02-21", "enterprise", "D6", "", "")
		act("2022-02-21", "committee", "D6", "routed", route)
		act("2022-02-22", "dept_staff", "D6", "accepted", "")

		ecAt(e, "2022-03-10", 10)
		type rates struct {
			Routed           int      `json:"routed"`
			Due              int      `json:"due"`
			Rated            int      `json:"rated"`
			ResponseRate     *float64 `json:"response_rate"`
			ResolutionRate   *float64 `json:"resolution_rate"`
			SatisfactionRate *float64 `json:"satisfaction_rate"`
		}
		near := func(p *float64, want float64) bool { return p != nil && *p > want-1e-9 && *p < want+1e-9 }
		for _, u := range []string{"committee", "dept_staff"} {
			var r rates
			url := fmt.Sprintf("/api/v1/departments/%d/rates?from=2022-02-08&to=2022-02-25", lead)
			if st, b := e.as(u).do("GET", url, ""); st != 200 || json.Unmarshal([]byte(b), &r) != nil {
				t.Fatalf("%s %s: %d %s", u, url, st, b)
			} else if r.Routed != 6 || r.Due != 5 || r.Rated != 3 || !near(r.ResponseRate, 4.0/6) || !near(r.ResolutionRate, 3.0/5) || !near(r.SatisfactionRate, 2.0/3) {
				t.Errorf("%s: rates %s, want routed 6 response 4/6, due 5 resolution 3/5, rated 3 satisfaction 2/3", u, b)
			}
		}
		// March 1–10: nothing routed or rated there — those rates are absent, not 0.
		var r rates
		e.as("committee").json("GET", fmt.Sprintf("/api/v1/departments/%d/rates?from=2022-03-01&to=2022-03-10", lead), "", &r)
		if r.Routed != 0 || r.ResponseRate != nil || r.Rated != 0 || r.SatisfactionRate != nil {
			t.Errorf("March: %+v", r)
		}
		// Reopening D3 (its 不满意) must not lift the satisfaction rate: the
		// 不满意 stands until a new rating replaces it (2/3, not 2/2).
		act("2022-03-10", "enterprise", "D3", "reopened", `,"reason":"问题仍未解决"`)
		{
			var r rates
			e.as("committee").json("GET", fmt.Sprintf("/api/v1/departments/%d/rates?from=2022-02-08&to=2022-02-25", lead), "", &r)
			if r.Rated != 3 || !near(r.SatisfactionRate, 2.0/3) {
				t.Errorf("after reopening D3: rated %d satisfaction %v, want 3 and 2/3", r.Rated, r.SatisfactionRate)
			}
		}
		// Another department's staff: 404.
		if st, _ := e.as("dept_staff_2").do("GET", fmt.Sprintf("/api/v1/departments/%d/rates?from=2022-02-08&to=2022-02-25", lead), ""); st != 404 {
			t.Errorf("dept_staff_2 read 经发局's rates: %d", st)
		}
		ecAt(e, "2021-12-20", 9)
	})
}

// ecCount runs a counting query on the installation's store.
func ecCount(t *testing.T, e *env, q string, args ...any) float64 {
	t.Helper()
	var n float64
	if err := e.App.DB.Q(t.Context()).QueryRowContext(t.Context(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// Issue 6 items 6 and 9 against the demo: breakfast-meeting coverage of
// the 规上 and 限上 lists and every figure of GET /api/v1/express/figures
// equal a direct SQL count written here (not the module's queries), and
// the seed's numbers hold (35 liaisons, 7 organisations formed from 10余条
// leads, 11 专精特新, 900万元 of 技术改造 funds, …).
func TestExpressChecksFiguresAgainstSQL(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		com := e.as("committee")
		const y0, y1 = "2021-01-01", "2021-12-31"
		heldIn := `EXISTS (SELECT 1 FROM express_breakfasts b WHERE b.enterprise_id = e.id AND b.status = 'held' AND b.held_on >= ? AND b.held_on <= ?)`
		want := map[string]float64{
			"liaisons":                  ecCount(t, e, `SELECT COUNT(*) FROM (SELECT person_id FROM liaison_assignments WHERE since <= ? GROUP BY person_id) x`, y1),
			"formation.leads":           ecCount(t, e, `SELECT COUNT(*) FROM fmn_leads WHERE reported_on >= ? AND reported_on <= ?`, y0, y1),
			"formation.departments":     ecCount(t, e, `SELECT COUNT(*) FROM (SELECT department_id FROM fmn_leads WHERE reported_on >= ? AND reported_on <= ? GROUP BY department_id) x`, y0, y1),
			"formation.visited":         ecCount(t, e, `SELECT COUNT(*) FROM fmn_leads l WHERE l.reported_on >= ? AND l.reported_on <= ? AND l.id IN (SELECT lead_id FROM fmn_visits)`, y0, y1),
			"formation.formed":          ecCount(t, e, `SELECT COUNT(*) FROM fmn_orgs WHERE formed_on >= ? AND formed_on <= ?`, y0, y1),
			"breakfast.above_scale":     ecCount(t, e, `SELECT COUNT(*) FROM enterprises WHERE above_scale = TRUE`),
			"breakfast.above_quota":     ecCount(t, e, `SELECT COUNT(*) FROM enterprises WHERE above_quota = TRUE`),
			"breakfast.above_scale_met": ecCount(t, e, `SELECT COUNT(*) FROM enterprises e WHERE e.above_scale = TRUE AND `+heldIn, y0, y1),
			"breakfast.above_quota_met": ecCount(t, e, `SELECT COUNT(*) FROM enterprises e WHERE e.above_quota = TRUE AND `+heldIn, y0, y1),
			"points.categories":         7, // RULES.md §8: 7 work categories
			"applications.helped":       ecCount(t, e, `SELECT COUNT(*) FROM (SELECT DISTINCT enterprise_id, CASE WHEN enterprise_id IS NULL THEN applicant ELSE '' END AS a FROM appl_applications WHERE year = 2021 AND status IN ('submitted', 'approved', 'rejected')) x`),
		}
		rows, err := e.App.DB.Q(t.Context()).QueryContext(t.Context(), `SELECT programme, COUNT(*), SUM(CASE WHEN status = 'approved' THEN 1 ELSE 0 END), SUM(amount_applied)
			FROM appl_applications WHERE year = 2021 AND status IN ('submitted', 'approved', 'rejected') GROUP BY programme`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var p string
			var n, ap, amt float64
			if err := rows.Scan(&p, &n, &ap, &amt); err != nil {
				t.Fatal(err)
			}
			want["applications.helped."+p], want["applications.approved."+p] = n, ap
			if amt > 0 {
				want["applications.amount_applied."+p] = amt / 1000000 // fen → 万元
			}
		}
		rows.Close()
		// The seed's figures (沧州经济开发区 2021).
		seed := map[string]float64{"liaisons": 35, "formation.formed": 7, "points.categories": 7, "breakfast.above_scale": 45, "breakfast.above_quota": 15,
			"applications.helped.specialized": 11, "applications.helped.specialized_demo": 1, "applications.helped.tech_reform": 3,
			"applications.amount_applied.tech_reform": 900, "applications.helped.passive_building": 2, "applications.helped.single_champion": 1,
			"applications.helped.it_integration": 1, "applications.helped.micro_base": 1, "applications.helped.eco_positive": 7}
		for k, v := range seed {
			if want[k] != v {
				t.Errorf("demo data: %s is %v by SQL, the seed says %v", k, want[k], v)
			}
		}
		if l := want["formation.leads"]; l < 10 || l >= 20 {
			t.Errorf("demo data: %v formation leads, the seed says 10余条", l)
		}
		var f struct {
			Figures []struct {
				Key   string  `json:"key"`
				Value float64 `json:"value"`
			} `json:"figures"`
		}
		if st := com.json("GET", "/api/v1/express/figures?year=2021", "", &f); st != 200 {
			t.Fatalf("figures: %d", st)
		}
		got := map[string]float64{}
		for _, x := range f.Figures {
			got[x.Key] = x.Value
			w, ok := want[x.Key]
			if !ok {
				t.Errorf("figure %s = %v has no check", x.Key, x.Value)
			} else if x.Value < w-1e-9 || x.Value > w+1e-9 {
				t.Errorf("figure %s = %v, SQL says %v", x.Key, x.Value, w)
			}
		}
		t.Logf("figures 2021: %v", got)
		for k, w := range want {
			if _, ok := got[k]; !ok {
				t.Errorf("figure %s (SQL %v) missing from the report", k, w)
			}
		}
		// Coverage over its own route.
		var c struct {
			AboveScale    float64 `json:"above_scale"`
			AboveScaleMet float64 `json:"above_scale_met"`
			AboveQuota    float64 `json:"above_quota"`
			AboveQuotaMet float64 `json:"above_quota_met"`
			Total         float64 `json:"total"`
			TotalMet      float64 `json:"total_met"`
			Uncovered     []struct {
				ID int64 `json:"enterprise_id"`
			} `json:"uncovered"`
		}
		if st := com.json("GET", "/api/v1/express/breakfast-coverage?year=2021", "", &c); st != 200 {
			t.Fatalf("coverage: %d", st)
		}
		total := ecCount(t, e, `SELECT COUNT(*) FROM enterprises WHERE above_scale = TRUE OR above_quota = TRUE`)
		met := ecCount(t, e, `SELECT COUNT(*) FROM enterprises e WHERE (e.above_scale = TRUE OR e.above_quota = TRUE) AND `+heldIn, y0, y1)
		if c.AboveScale != want["breakfast.above_scale"] || c.AboveScaleMet != want["breakfast.above_scale_met"] || c.AboveQuota != want["breakfast.above_quota"] ||
			c.AboveQuotaMet != want["breakfast.above_quota_met"] || c.Total != total || c.TotalMet != met || float64(len(c.Uncovered)) != total-met {
			t.Errorf("coverage %+v; SQL: scale %v/%v quota %v/%v total %v/%v", c, want["breakfast.above_scale_met"], want["breakfast.above_scale"],
				want["breakfast.above_quota_met"], want["breakfast.above_quota"], met, total)
		}
		// A meeting held in 2020 or only scheduled does not cover 2021; one held now does.
		if len(c.Uncovered) > 0 {
			u := c.Uncovered[0].ID
			var b struct {
				ID int64 `json:"id"`
			}
			if st, out := com.do("POST", "/api/v1/express/breakfasts", fmt.Sprintf(`{"enterprise_id":%d,"scheduled_on":"2021-12-22","leaders":"党工委书记","attendees":"企业负责人"}`, u)); st != 201 {
				t.Fatalf("schedule: %d %s", st, out)
			} else {
				json.Unmarshal([]byte(out), &b)
			}
			com.json("GET", "/api/v1/express/breakfast-coverage?year=2021", "", &c)
			if c.TotalMet != met {
				t.Errorf("a scheduled meeting counted as covered: %v, want %v", c.TotalMet, met)
			}
		}
	})
}

// ecEnterpriseIDs collects every "enterprise_id" anywhere in a JSON body.
func ecEnterpriseIDs(t *testing.T, body string) []int64 {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("not JSON: %.200s", body)
	}
	var out []int64
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case map[string]any:
			for k, y := range x {
				if n, ok := y.(float64); ok && k == "enterprise_id" && n != 0 {
					out = append(out, int64(n))
				}
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	walk(v)
	return out
}

// ecIDs runs a query returning ids.
func ecIDs(t *testing.T, e *env, q string, args ...any) []int64 {
	t.Helper()
	rows, err := e.App.DB.Q(t.Context()).QueryContext(t.Context(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
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

// Issue 6 "a liaison unable to see an enterprise they are not assigned"
// (and SECURITY.md's 404-like-absent): for a liaison, an enterprise contact
// and department staff, every express record of an enterprise (or a
// department) outside their scope is 404 by URL, and absent from every
// list, filter and search over the API.
func TestExpressChecksScope(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		lia, ent, dept := e.as("liaison"), e.as("enterprise"), e.as("dept_staff")
		mine := map[string]map[int64]bool{"liaison": {}, "enterprise": {}}
		for u := range mine {
			for _, id := range ecIDs(t, e, `SELECT r.scope_id FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.username = ? AND r.scope_kind = 'enterprise'`, u) {
				mine[u][id] = true
			}
			if len(mine[u]) == 0 {
				t.Fatalf("%s has no enterprise", u)
			}
		}
		liaPerson := ecIDs(t, e, `SELECT person_id FROM users WHERE username = 'liaison'`)[0]
		type rec struct{ path, q string }
		recs := []rec{
			{"/api/v1/demands/%d", `SELECT id, enterprise_id FROM demands`},
			{"/api/v1/express/visits/%d", `SELECT id, enterprise_id FROM express_visits`},
			{"/api/v1/express/breakfasts/%d", `SELECT id, enterprise_id FROM express_breakfasts`},
			{"/api/v1/express/applications/%d", `SELECT id, enterprise_id FROM appl_applications WHERE enterprise_id IS NOT NULL`},
			{"/api/v1/express/formation/leads/%d", `SELECT id, enterprise_id FROM fmn_leads WHERE enterprise_id IS NOT NULL AND (liaison_id IS NULL OR liaison_id <> ` + fmt.Sprint(liaPerson) + `)`},
		}
		for _, who := range []struct {
			u string
			c *client
		}{{"liaison", lia}, {"enterprise", ent}} {
			for _, r := range recs {
				rows, err := e.App.DB.Q(t.Context()).QueryContext(t.Context(), r.q+` ORDER BY id`)
				if err != nil {
					t.Fatal(err)
				}
				var in, out []int64
				for rows.Next() {
					var id, eid int64
					rows.Scan(&id, &eid)
					if mine[who.u][eid] {
						in = append(in, id)
					} else {
						out = append(out, id)
					}
				}
				rows.Close()
				if len(out) == 0 {
					t.Fatalf("%s: no record outside %s's scope in the demo", r.q, who.u)
				}
				for i, id := range out {
					if i >= 3 {
						break
					}
					st, b := who.c.do("GET", fmt.Sprintf(r.path, id), "")
					if st != 404 && !(st == 403 && who.u == "enterprise" && strings.Contains(r.path, "formation")) {
						t.Errorf("%s GET %s (enterprise outside scope): %d %.200s", who.u, fmt.Sprintf(r.path, id), st, b)
					}
				}
				if len(in) > 0 && who.u == "liaison" {
					if st, b := who.c.do("GET", fmt.Sprintf(r.path, in[0]), ""); st != 200 {
						t.Errorf("%s GET %s (own enterprise): %d %.200s", who.u, fmt.Sprintf(r.path, in[0]), st, b)
					}
				}
			}
			// Lists, filters and searches.
			other := ecIDs(t, e, `SELECT enterprise_id FROM demands ORDER BY id`)
			var foreign int64
			for _, x := range other {
				if !mine[who.u][x] {
					foreign = x
					break
				}
			}
			for _, l := range []string{"/api/v1/demands", "/api/v1/express/visits", "/api/v1/express/breakfasts", "/api/v1/express/applications?year=2021", "/api/v1/express/formation"} {
				sep := "?"
				if strings.Contains(l, "?") {
					sep = "&"
				}
				for _, q := range []string{"", fmt.Sprintf("enterprise=%d", foreign), fmt.Sprintf("enterprise_id=%d", foreign), "q=%E6%9C%89%E9%99%90", "state=resolved", "overdue=1"} {
					u := l
					if q != "" {
						u += sep + q
					}
					st, b := who.c.do("GET", u, "")
					if st == 403 && who.u == "enterprise" && strings.Contains(l, "formation") {
						continue
					}
					if st != 200 {
						t.Errorf("%s GET %s: %d", who.u, u, st)
						continue
					}
					ids := ecEnterpriseIDs(t, b)
					if q == "" && len(ids) == 0 && who.u == "liaison" && !strings.Contains(l, "formation") {
						t.Errorf("%s GET %s lists nothing: the check would be vacuous: %.300s", who.u, u, b)
					}
					for _, x := range ids {
						if !mine[who.u][x] {
							t.Errorf("%s GET %s lists enterprise %d outside their scope", who.u, u, x)
							break
						}
					}
				}
			}
		}
		// The HTML pages (no JavaScript) hide the same: no foreign enterprise's
		// name on the liaison's lists, no other liaison on their points page.
		{
			var names []string
			rows, err := e.App.DB.Q(t.Context()).QueryContext(t.Context(), `SELECT DISTINCT e.id, e.name FROM enterprises e WHERE e.id IN
				(SELECT enterprise_id FROM demands UNION SELECT enterprise_id FROM express_visits UNION SELECT enterprise_id FROM express_breakfasts) ORDER BY e.id`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var id int64
				var n string
				rows.Scan(&id, &n)
				if !mine["liaison"][id] {
					names = append(names, n)
				}
			}
			rows.Close()
			for _, page := range []string{"/express/demands", "/express/visits", "/express/breakfasts", "/express/applications", "/express/formation", "/express"} {
				st, b := lia.do("GET", page, "")
				if st != 200 {
					t.Errorf("liaison GET %s: %d", page, st)
					continue
				}
				for _, n := range names {
					if strings.Contains(b, n) {
						t.Errorf("liaison's page %s names %s, an enterprise outside their scope", page, n)
						break
					}
				}
			}
			var others []string
			rows, err = e.App.DB.Q(t.Context()).QueryContext(t.Context(), `SELECT DISTINCT p.name FROM people p JOIN liaison_assignments a ON a.person_id = p.id WHERE p.id <> ?`, liaPerson)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var n string
				rows.Scan(&n)
				others = append(others, n)
			}
			rows.Close()
			st, b := lia.do("GET", "/express/points", "")
			if st == 303 { // to their own ledger
				st, b = lia.do("GET", fmt.Sprintf("/express/points/%d", liaPerson), "")
			}
			if st != 200 {
				t.Errorf("liaison GET /express/points: %d", st)
			}
			for _, n := range others {
				if strings.Contains(b, n) {
					t.Errorf("liaison's points page names another liaison, %s", n)
					break
				}
			}
		}
		// A finding of another liaison's visit cannot become a demand.
		nd, tried := ecCount(t, e, `SELECT COUNT(*) FROM demands`), false
		for _, f := range ecIDs(t, e, `SELECT f.id FROM express_visit_findings f JOIN express_visits v ON v.id = f.visit_id WHERE f.demand_id IS NULL ORDER BY f.id`) {
			var eid int64
			e.App.DB.Q(t.Context()).QueryRowContext(t.Context(), `SELECT v.enterprise_id FROM express_visit_findings f JOIN express_visits v ON v.id = f.visit_id WHERE f.id = ?`, f).Scan(&eid)
			if mine["liaison"][eid] {
				continue
			}
			if st, b := lia.do("POST", fmt.Sprintf("/api/v1/express/visit-findings/%d/demand", f), `{"category":"production"}`); st != 404 {
				t.Errorf("liaison turned finding %d of enterprise %d into a demand: %d %.200s", f, eid, st, b)
			}
			tried = true
			break
		}
		if !tried {
			t.Error("no open finding of another enterprise in the demo: the check would be vacuous")
		}
		if ecCount(t, e, `SELECT COUNT(*) FROM demands`) != nd {
			t.Errorf("a refused finding made a demand")
		}
		// Points of another liaison: 404 for a liaison.
		for _, other := range ecIDs(t, e, `SELECT DISTINCT person_id FROM liaison_assignments WHERE person_id <> ? ORDER BY person_id`, liaPerson)[:3] {
			if st, _ := lia.do("GET", fmt.Sprintf("/api/v1/liaisons/%d/points?from=2021-01-01&to=2021-12-31", other), ""); st != 404 {
				t.Errorf("liaison read liaison %d's points: %d", other, st)
			}
		}
		// Department staff: only demands their department leads or helps with.
		dep := ecScope(t, e, "dept_staff")
		ok := map[int64]bool{}
		for _, id := range ecIDs(t, e, `SELECT id FROM demands WHERE lead_department_id = ? UNION SELECT demand_id FROM demand_helpers WHERE department_id = ?`, dep, dep) {
			ok[id] = true
		}
		for _, q := range []string{"", "?department=1", "?state=resolved", "?overdue=1", "?enterprise=" + fmt.Sprint(ecIDs(t, e, `SELECT enterprise_id FROM demands WHERE lead_department_id <> ? ORDER BY id`, dep)[0])} {
			var l struct {
				Items []demandJSON `json:"items"`
			}
			if st := dept.json("GET", "/api/v1/demands"+q, "", &l); st != 200 {
				t.Errorf("dept_staff list %s: %d", q, st)
			}
			for _, d := range l.Items {
				if !ok[d.ID] {
					t.Errorf("dept_staff list %s shows demand %d of another department", q, d.ID)
				}
			}
			if q == "" && len(l.Items) != len(ok) {
				t.Errorf("dept_staff sees %d demands, SQL says %d", len(l.Items), len(ok))
			}
		}
		for _, id := range ecIDs(t, e, `SELECT id FROM demands WHERE lead_department_id IS NULL OR lead_department_id <> ? ORDER BY id`, dep) {
			if ok[id] {
				continue
			}
			if st, _ := dept.do("GET", fmt.Sprintf("/api/v1/demands/%d", id), ""); st != 404 {
				t.Errorf("dept_staff GET demand %d of another department: %d", id, st)
			}
			if st, _ := dept.do("POST", fmt.Sprintf("/api/v1/demands/%d/transitions", id), `{"to":"accepted"}`); st != 404 {
				t.Errorf("dept_staff transition on demand %d of another department: %d", id, st)
			}
		}
	})
}

type ecLedger struct {
	PersonID int64 `json:"person_id"`
	Total    int   `json:"total"`
	Entries  []struct {
		ID       int64  `json:"id"`
		Day      string `json:"day"`
		Kind     string `json:"kind"`
		Points   int    `json:"points"`
		RefType  string `json:"ref_type"`
		RefID    int64  `json:"ref_id"`
		Reverses int64  `json:"reverses"`
		Reason   string `json:"reason"`
	} `json:"entries"`
}

// Issue 6 item 4, RULES.md §8: a liaison's ledger total equals the sum of
// its entries and of the stored events, each entry tied to the record that
// earned it; no request writes points directly (routes that would, extra
// "points" fields in records that earn them); a new record earns exactly
// the table's value; a correction is a reversing entry with a reason.
func TestExpressChecksPoints(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		com, lia := e.as("committee"), e.as("liaison")
		me := ecIDs(t, e, `SELECT person_id FROM users WHERE username = 'liaison'`)[0]
		const period = "?from=2021-01-01&to=2021-12-31"
		url := fmt.Sprintf("/api/v1/liaisons/%d/points", me)
		sqlSum := func() (float64, float64) {
			return ecCount(t, e, `SELECT COALESCE(SUM(points), 0) FROM express_points WHERE person_id = ? AND day >= '2021-01-01' AND day <= '2021-12-31'`, me),
				ecCount(t, e, `SELECT COUNT(*) FROM express_points`)
		}
		ledger := func(c *client) ecLedger {
			t.Helper()
			var l ecLedger
			if st, b := c.do("GET", url+period, ""); st != 200 || json.Unmarshal([]byte(b), &l) != nil {
				t.Fatalf("ledger: %d %.200s", st, b)
			}
			sum := 0
			for _, x := range l.Entries {
				sum += x.Points
			}
			if s, _ := sqlSum(); l.Total != sum || float64(sum) != s {
				t.Fatalf("ledger total %d, entries sum %d, SQL %v", l.Total, sum, s)
			}
			return l
		}
		l := ledger(lia)
		if len(l.Entries) == 0 {
			t.Fatal("the demo liaison has no points: the check would be vacuous")
		}
		if l2 := ledger(com); l2.Total != l.Total {
			t.Fatalf("office sees %d, liaison %d", l2.Total, l.Total)
		}
		tables := map[string]string{"visit": "express_visits", "demand": "demands", "report": "express_reports", "training": "express_trainings",
			"breakfast": "express_breakfasts", "fmn_lead": "fmn_leads", "fmn_org": "fmn_orgs", "lead": "fmn_leads", "org": "fmn_orgs"}
		for _, x := range l.Entries {
			if x.Reverses != 0 {
				continue
			}
			tb, ok := tables[x.RefType]
			if !ok {
				t.Logf("entry %d: ref_type %q not checked", x.ID, x.RefType)
				continue
			}
			if x.RefID == 0 || ecCount(t, e, `SELECT COUNT(*) FROM `+tb+` WHERE id = ?`, x.RefID) != 1 {
				t.Errorf("entry %+v is not tied to an existing %s", x, tb)
			}
		}
		// A narrower period sums only its own entries.
		{
			var dl ecLedger
			if st := lia.json("GET", url+"?from=2021-12-01&to=2021-12-31", "", &dl); st != 200 {
				t.Fatalf("December ledger: %d", st)
			}
			sum := 0
			for _, x := range dl.Entries {
				sum += x.Points
				if x.Day < "2021-12-01" || x.Day > "2021-12-31" {
					t.Errorf("December ledger holds an entry of %s", x.Day)
				}
			}
			if s := ecCount(t, e, `SELECT COALESCE(SUM(points), 0) FROM express_points WHERE person_id = ? AND day >= '2021-12-01' AND day <= '2021-12-31'`, me); dl.Total != sum || float64(sum) != s {
				t.Errorf("December: total %d, entries %d, SQL %v", dl.Total, sum, s)
			}
			if st, _ := lia.do("GET", url+"?from=2021-13-01&to=2021-12-31", ""); st != 422 {
				t.Errorf("bad from: %d", st)
			}
		}
		// Direct writes.
		sum0, n0 := sqlSum()
		entry := l.Entries[0].ID
		ent := l.Entries[0]
		writes := []struct{ method, path, body string }{
			{"POST", url, `{"points":100,"kind":"visit","reason":"补录"}`},
			{"PUT", url, `{"points":100}`},
			{"PATCH", url, `{"total":1000}`},
			{"DELETE", url, ``},
			{"POST", "/api/v1/express/points", `{"person_id":` + fmt.Sprint(me) + `,"points":100}`},
			{"POST", "/api/v1/points", `{"person_id":` + fmt.Sprint(me) + `,"points":100}`},
			{"POST", "/api/v1/express/point-entries", `{"person_id":` + fmt.Sprint(me) + `,"points":100}`},
			{"PUT", fmt.Sprintf("/api/v1/express/point-entries/%d", entry), `{"points":100}`},
			{"PATCH", fmt.Sprintf("/api/v1/express/point-entries/%d", entry), `{"points":100}`},
			{"DELETE", fmt.Sprintf("/api/v1/express/point-entries/%d", entry), ``},
			{"POST", fmt.Sprintf("/api/v1/express/point-entries/%d", entry), `{"points":100}`},
			{"POST", fmt.Sprintf("/express/points/%d", me), `{"points":100}`},
			{"PUT", "/api/v1/express/point-rules", `{"kind":"visit","points":100}`},
			{"POST", "/api/v1/demands", fmt.Sprintf(`{"enterprise_id":%d,"category":"suggestion","description":"带积分字段的诉求","points":50}`, ent.RefID*0+ecScope(t, e, "enterprise"))},
			{"POST", "/api/v1/express/reports", `{"title":"信息报送","body":"企业用工情况","points":50}`},
			{"POST", "/api/v1/express/visits", fmt.Sprintf(`{"enterprise_id":%d,"visited_on":"2021-12-20","leader":"主任","points":999}`, ecScope(t, e, "enterprise"))},
		}
		for _, c := range []*client{lia, com} {
			for _, w := range writes {
				st, b := c.do(w.method, w.path, w.body)
				if st >= 200 && st < 300 {
					t.Errorf("%s %s %s: %d %.200s — a direct write of points was accepted", w.method, w.path, w.body, st, b)
				}
			}
		}
		if s, n := sqlSum(); s != sum0 || n != n0 {
			t.Fatalf("points changed by direct writes: %v/%v → %v/%v", sum0, n0, s, n)
		}
		// A liaison may not reverse (403); the office must give a reason (422).
		rev := fmt.Sprintf("/api/v1/express/point-entries/%d/reversal", entry)
		if st, _ := lia.do("POST", rev, `{"reason":"自己更正"}`); st != 403 {
			t.Errorf("liaison reversal: %d", st)
		}
		if st, b := com.do("POST", rev, `{}`); st != 422 || !strings.Contains(b, "reason") {
			t.Errorf("reversal without reason: %d %s", st, b)
		}
		if s, n := sqlSum(); s != sum0 || n != n0 {
			t.Fatalf("points changed by refused reversals")
		}
		// A record earns the table's value: a suggestion raised by the liaison, 2 (RULES.md §8).
		var d demandJSON
		if st := lia.json("POST", "/api/v1/demands", fmt.Sprintf(`{"enterprise_id":%d,"category":"suggestion","description":"建议增开园区公交线路"}`, ecScope(t, e, "enterprise")), &d); st != 201 {
			t.Fatalf("liaison raise: %d", st)
		}
		l = ledger(lia)
		if l.Total != int(sum0)+2 {
			t.Errorf("a suggestion raised earned %d, want 2 (RULES.md §8)", l.Total-int(sum0))
		}
		found := false
		for _, x := range l.Entries {
			found = found || (x.RefType == "demand" && x.RefID == d.ID && x.Points == 2)
		}
		if !found {
			t.Errorf("no ledger entry of 2 tied to demand %d: %+v", d.ID, l.Entries)
		}
		// The office's correction: a reversing entry with the reason; the original stays.
		if st, b := com.do("POST", rev, `{"reason":"重复记录，予以冲正"}`); st != 201 {
			t.Fatalf("reversal: %d %s", st, b)
		}
		l = ledger(com)
		var back, orig bool
		for _, x := range l.Entries {
			back = back || (x.Reverses == entry && x.Points == -ent.Points && x.Reason == "重复记录，予以冲正")
			orig = orig || (x.ID == entry && x.Points == ent.Points)
		}
		if !back || !orig || l.Total != int(sum0)+2-ent.Points {
			t.Errorf("reversal: back %t orig %t total %d, want %d", back, orig, l.Total, int(sum0)+2-ent.Points)
		}
		if st, _ := com.do("POST", rev, `{"reason":"再冲一次"}`); st < 400 {
			t.Errorf("second reversal of the same entry accepted: %d", st)
		}
		// Visits: 2 each, at most 8 a month per enterprise (RULES.md §8).
		entID := ecScope(t, e, "enterprise")
		before := ecCount(t, e, `SELECT COALESCE(SUM(p.points), 0) FROM express_points p JOIN express_visits v ON p.ref_type = 'visit' AND p.ref_id = v.id
			WHERE p.kind = 'visit' AND p.person_id = ? AND v.enterprise_id = ? AND v.visited_on >= '2021-12-01' AND v.visited_on <= '2021-12-31'`, me, entID)
		t0 := ledger(lia).Total
		for i := 1; i <= 5; i++ {
			if st, b := lia.do("POST", "/api/v1/express/visits", fmt.Sprintf(`{"enterprise_id":%d,"visited_on":"2021-12-%02d","leader":"开发区主任","answers":[{"code":"q01","answer":"订单饱满"}]}`, entID, i)); st != 201 {
				t.Fatalf("visit %d: %d %s", i, st, b)
			}
		}
		want := 10
		if left := 8 - int(before); left < want {
			want = max(left, 0)
		}
		if got := ledger(lia).Total - t0; got != want {
			t.Errorf("5 visits to one enterprise in December (%v points of visits there already): earned %d, want %d (2 each, cap 8 a month)", before, got, want)
		}
	})
}
