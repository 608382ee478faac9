package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"zhongshu/internal/app"
	"zhongshu/internal/demo"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/db"
)

// The express workload (直通车): N users (default 200) across 20 lead
// departments raise demands and carry them through their life, all at
// once — an enterprise contact raises one, the 直通车 office routes it to
// a department, that department's staff accept and resolve it, and the
// contact rates the outcome. Each request of the load is one step of some
// demand: a client takes the next step of a demand in flight, or raises a
// new one when none is waiting, so creations and transitions are mixed
// as they are in a working day. Every acknowledged step must be in the
// store: the demand, and a history row per transition.

// demandDepartments is how many lead departments the workload spreads
// its demands over (the 20; the demo zone has ten).
const demandDepartments = 20

// The steps of a demand's life after it is raised, and who takes each.
var demandSteps = []struct {
	to, body string
	by       string // "office", "staff" (of the lead department) or "contact" (who raised it)
}{
	{"routed", "", "office"}, // the body names the department
	{"accepted", `{"to":"accepted"}`, "staff"},
	{"resolved", `{"to":"resolved","reason":"已协调供电公司完成增容（负载测试）"}`, "staff"},
	{"rated", `{"to":"rated","rating":"satisfied"}`, "contact"},
}

// demandUsers are the workload's accounts and their API tokens.
type demandUsers struct {
	office   []string
	staff    [][]string // per department
	contacts []struct {
		token      string
		enterprise int64
	}
	depts []int64
}

// demandLife is a demand in flight: its id, who raised it, its lead
// department and the next step to take (0: route).
type demandLife struct {
	id      int64
	contact int
	dept    int
	step    int
}

func scenarioDemands(ctx context.Context, fx *fixture) error {
	cfg, rep := fx.cfg, fx.rep
	a, err := fx.open(ctx)
	if err != nil {
		return err
	}
	us, err := makeDemandUsers(ctx, a, cfg.Members)
	if err != nil {
		a.Close()
		return err
	}
	var notesBefore int64
	err = a.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications`).Scan(&notesBefore)
	a.Close()
	if err != nil {
		return err
	}
	rep.Scale = fmt.Sprintf("%d users: %d office, %d staff over %d departments, %d enterprise contacts", cfg.Members,
		len(us.office), len(us.staff)*len(us.staff[0]), len(us.depts), len(us.contacts))
	hello, err := fx.helloThenServe(ctx)
	if err != nil {
		return err
	}
	base := fx.srvURL
	post := func(ctx context.Context, c *http.Client, path, token, body string) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, "POST", base+path, strings.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		return req, nil
	}
	// At most one demand in flight per client plus the one being raised:
	// a client raises only when none is waiting.
	waiting := make(chan *demandLife, 2*cfg.Conc+1)
	var raised, raisedN atomic.Int64
	acked := make([]atomic.Int64, len(demandSteps))
	s := runLoad(ctx, "POST /api/v1/demands and …/transitions (mixed)", cfg.Conc, cfg.Duration, 0, func(ctx context.Context, c *http.Client, i int) error {
		var l *demandLife
		select {
		case l = <-waiting:
		default:
		}
		if l == nil { // raise a new one
			n := raisedN.Add(1)
			k := int(n) % len(us.contacts)
			ct := us.contacts[k]
			body := fmt.Sprintf(`{"enterprise_id":%d,"category":"production","title":"负载测试诉求 %d","description":"用电增容需协调（负载测试）"}`, ct.enterprise, n)
			req, err := post(ctx, c, "/api/v1/demands", ct.token, body)
			if err != nil {
				return err
			}
			var d struct {
				ID int64 `json:"id"`
			}
			if err := decode(c.Do(req))(&d, http.StatusCreated); err != nil {
				return err
			}
			raised.Add(1)
			waiting <- &demandLife{id: d.ID, contact: k, dept: int(n) % len(us.depts)}
			return nil
		}
		st := demandSteps[l.step]
		var token string
		switch st.by {
		case "office":
			token = us.office[i%len(us.office)]
		case "staff":
			staff := us.staff[l.dept]
			token = staff[i%len(staff)]
		default:
			token = us.contacts[l.contact].token
		}
		body := st.body
		if st.to == "routed" {
			body = fmt.Sprintf(`{"to":"routed","department_id":%d}`, us.depts[l.dept])
		}
		req, err := post(ctx, c, fmt.Sprintf("/api/v1/demands/%d/transitions", l.id), token, body)
		if err != nil {
			return err
		}
		if err := call(c, req, http.StatusOK); err != nil {
			return err // the demand is dropped: its step is not acknowledged
		}
		acked[l.step].Add(1)
		if l.step++; l.step < len(demandSteps) {
			waiting <- l
		}
		return nil
	})
	ratio(hello, &s)
	rep.Rows = append(rep.Rows, s)
	first := ""
	if s.Errors > 0 {
		first = " (first: " + s.FirstErr + ")"
	}
	rep.check(s.Errors == 0, "errors during the load: %d%s", s.Errors, first)
	fx.stopServer()

	// What the store holds for the workload's demands.
	a, err = fx.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	count := func(q string, args ...any) (n int64, err error) {
		err = a.DB.Q(ctx).QueryRowContext(ctx, q, args...).Scan(&n)
		return n, err
	}
	const ours = `d.title LIKE '负载测试诉求 %'`
	stored, err := count(`SELECT COUNT(*) FROM demands d WHERE ` + ours)
	if err != nil {
		return err
	}
	rep.check(stored >= raised.Load(), "demands raised and acknowledged %d, stored %d", raised.Load(), stored)
	var steps []string
	for k, st := range demandSteps {
		hist, err := count(`SELECT COUNT(*) FROM demand_history h JOIN demands d ON d.id = h.demand_id WHERE `+ours+` AND h.transition = ?`, st.to)
		if err != nil {
			return err
		}
		rep.check(hist >= acked[k].Load(), "%s: acknowledged %d, history rows %d", st.to, acked[k].Load(), hist)
		steps = append(steps, fmt.Sprintf("%s %d", st.to, acked[k].Load()))
	}
	last := acked[len(demandSteps)-1].Load()
	rated, err := count(`SELECT COUNT(*) FROM demands d WHERE ` + ours + ` AND d.state = 'rated'`)
	if err != nil {
		return err
	}
	rep.check(rated >= last, "demands rated: acknowledged %d, in state rated %d", last, rated)
	notes, err := count(`SELECT COUNT(*) FROM notifications`)
	if err != nil {
		return err
	}
	rep.note("requests: %d raises, then %s (each request one step; the ratio is requests/s ÷ hello-world's); in-app notifications written: %d",
		raised.Load(), strings.Join(steps, ", "), notes-notesBefore)
	return nil
}

// makeDemandUsers brings the store to demandDepartments departments and
// adds n accounts with API tokens: a small 直通车 office (committee; every
// one of them is told of each new demand), two fifths department staff
// spread evenly over the departments, the rest contacts of the demo's
// enterprises (one enterprise each, in turn).
func makeDemandUsers(ctx context.Context, a *app.App, n int) (*demandUsers, error) {
	perDept := max(1, n*2/5/demandDepartments)
	office := max(1, min(5, n/10))
	contacts := n - office - perDept*demandDepartments
	if contacts < 1 {
		return nil, fmt.Errorf("demands: %d users are too few for %d departments (at least %d)", n, demandDepartments, demandDepartments+2)
	}
	us := &demandUsers{}
	depts, err := db.Column[int64](ctx, a.DB.Q(ctx), `SELECT id FROM departments ORDER BY sort, id`)
	if err != nil {
		return nil, err
	}
	for k := len(depts); k < demandDepartments; k++ {
		var id int64
		if err := a.DB.W.QueryRowContext(ctx, a.DB.Rebind(`INSERT INTO departments (code, name, name_en, sort) VALUES (?, ?, ?, ?) RETURNING id`),
			fmt.Sprintf("BENCH%02d", k+1), fmt.Sprintf("负载测试部门%02d", k+1), fmt.Sprintf("Load-test department %02d", k+1), 100+k).Scan(&id); err != nil {
			return nil, err
		}
		depts = append(depts, id)
	}
	us.depts = depts[:demandDepartments]
	ents, err := db.Column[int64](ctx, a.DB.Q(ctx), `SELECT id FROM enterprises ORDER BY id`)
	if err != nil {
		return nil, err
	}
	if len(ents) == 0 {
		return nil, fmt.Errorf("demands: the demo dataset has no enterprises")
	}
	hash := auth.HashPassword(demo.Password) // once: an argon2id hash each would take seconds
	add := func(name string, g auth.Grant) (string, error) {
		uid, err := a.Auth.CreateUser(ctx, auth.NewUser{Username: name, DisplayName: name, PasswordHash: hash, Grants: []auth.Grant{g}})
		if err != nil {
			return "", fmt.Errorf("demands: account %s: %w", name, err)
		}
		return a.Auth.CreateToken(ctx, uid, "bench", 24*time.Hour)
	}
	for k := range office {
		t, err := add(fmt.Sprintf("bench_office_%d", k+1), auth.Grant{Role: auth.Committee, ScopeKind: auth.ScopeZone})
		if err != nil {
			return nil, err
		}
		us.office = append(us.office, t)
	}
	us.staff = make([][]string, demandDepartments)
	for d, id := range us.depts {
		for k := range perDept {
			t, err := add(fmt.Sprintf("bench_dept%02d_%d", d+1, k+1), auth.Grant{Role: auth.DeptStaff, ScopeKind: auth.ScopeDepartment, ScopeID: id})
			if err != nil {
				return nil, err
			}
			us.staff[d] = append(us.staff[d], t)
		}
	}
	for k := range contacts {
		e := ents[k%len(ents)]
		t, err := add(fmt.Sprintf("bench_contact_%d", k+1), auth.Grant{Role: auth.Enterprise, ScopeKind: auth.ScopeEnterprise, ScopeID: e})
		if err != nil {
			return nil, err
		}
		us.contacts = append(us.contacts, struct {
			token      string
			enterprise int64
		}{t, e})
	}
	return us, nil
}
