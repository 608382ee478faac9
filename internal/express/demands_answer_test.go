package express

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/db"
)

// dmJSON is a demand as a client receives it.
func dmJSON(t *testing.T, d *Demand) string {
	t.Helper()
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Raising and each transition answer with the demand built from what they
// wrote (issue 8), not read back: the answer must be byte for byte what a
// read right after gives — DemandDetail, or for a department returning a
// demand it no longer sees, the bare demand — on both stores, for every
// transition, with helpers out of sort order, files, deadlines crossing
// the clock, and each kind of raiser.
func TestDemandAnswerMatchesDetailStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		com, ent, dept, lia := e.principal(t, "committee"), e.principal(t, "enterprise"), e.principal(t, "dept_staff"), e.principal(t, "liaison")
		dept2 := e.principal(t, "dept_staff_2")
		entID := dmScope(t, ent, auth.Enterprise, auth.ScopeEnterprise)
		liaEnt := dmScope(t, lia, auth.Liaison, auth.ScopeEnterprise)
		depID := dmScope(t, dept, auth.DeptStaff, auth.ScopeDepartment)
		dep2ID := dmScope(t, dept2, auth.DeptStaff, auth.ScopeDepartment)
		var others []int64
		rows, err := e.DB.Q(ctx).QueryContext(ctx, `SELECT id FROM departments WHERE id <> ? AND id <> ? ORDER BY sort DESC, id DESC`, depID, dep2ID)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			_ = rows.Scan(&id)
			others = append(others, id)
		}
		rows.Close()
		if len(others) < 2 {
			t.Fatalf("the demo has too few departments: %v", others)
		}
		// Sort keys tie for some helpers: the id decides among them.
		if _, err := e.DB.W.ExecContext(ctx, e.DB.Rebind(`UPDATE departments SET sort = 7 WHERE id = ? OR id = ?`), others[0], others[1]); err != nil {
			t.Fatal(err)
		}

		raise := func(p *auth.Principal, ent int64, files []demandUpload) int64 {
			t.Helper()
			d, err := e.M.createDemand(ctx, p, DemandInput{EnterpriseID: ent, Category: "production", Description: "用电增容需协调，影响投产"}, files)
			if err != nil {
				t.Fatal(err)
			}
			want, err := e.M.DemandDetail(ctx, p, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got, w := dmJSON(t, d), dmJSON(t, want); got != w {
				t.Fatalf("%s raised:\n got %s\nwant %s", p.Username, got, w)
			}
			return d.ID
		}
		pdf := []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
		raise(com, entID, nil)
		raise(lia, liaEnt, nil)
		id := raise(ent, entID, []demandUpload{{Name: "a.pdf", ContentType: "application/pdf", Data: pdf}, {Name: "b.pdf", ContentType: "application/pdf", Data: pdf}})

		step := func(p *auth.Principal, in TransitionInput) {
			t.Helper()
			got, err := e.M.Transition(ctx, p, id, in)
			if err != nil {
				t.Fatalf("%s %s: %v", p.Username, in.To, err)
			}
			var want *Demand
			if _, serr := e.M.DemandDetail(ctx, p, id); serr != nil {
				want, err = e.M.demandByID(ctx, id) // returned: p no longer sees it
			} else {
				want, err = e.M.DemandDetail(ctx, p, id)
			}
			if err != nil {
				t.Fatal(err)
			}
			if g, w := dmJSON(t, got), dmJSON(t, want); g != w {
				t.Fatalf("%s %s:\n got %s\nwant %s", p.Username, in.To, g, w)
			}
		}
		step(com, TransitionInput{To: TrRouted, DepartmentID: depID, Helpers: []int64{others[1], dep2ID, others[0]}, Reason: "请牵头"})
		step(dept, TransitionInput{To: TrReturned, Reason: "不属于本部门职责"})
		step(com, TransitionInput{To: TrRouted, DepartmentID: depID, Complex: true})
		step(dept, TransitionInput{To: TrReturned, Reason: "仍不属于本部门"})
		step(com, TransitionInput{To: TrRouted, DepartmentID: depID, Complex: true, Helpers: []int64{dep2ID}})
		e.Clock.Set(time.Date(2021, 12, 23, 2, 0, 0, 0, time.UTC)) // respond_by (12-22) missed
		step(dept, TransitionInput{To: TrAccepted})
		step(com, TransitionInput{To: TrExtended, Reason: "涉及用地审批"})
		step(dept, TransitionInput{To: TrInProgress})
		step(dept, TransitionInput{To: TrResolved, Reason: "已协调"})
		step(ent, TransitionInput{To: TrRated, Rating: "unsatisfied", Reason: "仍未通电"})
		step(ent, TransitionInput{To: TrReopened, Reason: "要求重办"})
		step(dept, TransitionInput{To: TrResolved})
		step(ent, TransitionInput{To: TrRated, Rating: "满意"})
	})
}

// The calendar and the deadline table are cached (demandConfig); a change
// made by the office applies to the next demand at once, and one made
// inside a transaction only once it commits.
func TestDemandConfigCacheInvalidatedStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		com := e.principal(t, "committee")
		ent := e.principal(t, "enterprise")
		entID := dmScope(t, ent, auth.Enterprise, auth.ScopeEnterprise)
		routeBy := func() string {
			t.Helper()
			d, err := e.M.createDemand(ctx, com, DemandInput{EnterpriseID: entID, Category: "policy", Description: "咨询稳岗返还政策"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			return d.Deadlines.RouteBy.Due
		}
		// Monday 2021-12-20 + 1 working day.
		if got := routeBy(); got != "2021-12-21" {
			t.Fatalf("route_by %s", got)
		}
		if err := e.M.SetCalendarDay(ctx, com, CalendarDay{Day: "2021-12-21", Kind: calHoliday, Name: "测试"}); err != nil {
			t.Fatal(err)
		}
		if got := routeBy(); got != "2021-12-22" {
			t.Fatalf("after a holiday on 12-21: route_by %s", got)
		}
		if err := e.M.SetDeadlineRule(ctx, com, DeadlineRule{Category: "policy", RouteDays: 2, RespondDays: 2, ResolveDays: 5, ComplexDays: 10, ExtendedDays: 25}); err != nil {
			t.Fatal(err)
		}
		if got := routeBy(); got != "2021-12-23" {
			t.Fatalf("after route_days 2: route_by %s", got)
		}
		// Inside a transaction: read through it, and the cache drops its
		// copy only after the commit.
		err := e.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
			if err := e.M.SetCalendarDay(ctx, com, CalendarDay{Day: "2021-12-21"}); err != nil {
				return err
			}
			cal, err := e.M.loadCalendar(ctx)
			if err != nil {
				return err
			}
			if _, ok := cal["2021-12-21"]; ok {
				t.Error("the transaction does not see its own change")
			}
			outside, err := e.M.loadCalendar(context.Background()) // the cache, outside the transaction
			if err != nil {
				return err
			}
			if outside["2021-12-21"] != calHoliday {
				t.Error("an uncommitted change reached the cache")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := routeBy(); got != "2021-12-22" {
			t.Fatalf("after the holiday was removed: route_by %s", got)
		}
	})
}
