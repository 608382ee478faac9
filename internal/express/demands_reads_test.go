package express

import (
	"context"
	"slices"
	"testing"

	"zhongshu/internal/platform/auth"
)

// The one-query reads of a raise (raiseFacts) and of a routing
// (department) answer what the separate queries they replace answer: the
// office users and each department's staff as usersWith lists them
// (active only, by id, once each), and whether a person is a liaison of
// an enterprise as liaisonOf says — with a disabled account and a second
// grant in the store.
func TestDemandReadsMatchSeparateQueriesStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		w := e.DB.Q(ctx)
		// A disabled department account, and a committee user who also
		// holds a department grant: neither changes who the others are.
		for _, q := range []string{
			`UPDATE users SET disabled = TRUE WHERE username = 'dept_staff_2'`,
			`INSERT INTO user_roles (user_id, role, scope_kind, scope_id) SELECT id, 'dept_staff', 'department', (SELECT MIN(id) FROM departments) FROM users WHERE username = 'committee'`,
		} {
			if _, err := w.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		office, err := e.M.usersWith(ctx, auth.Committee, auth.ScopeZone, 0)
		if err != nil || len(office) == 0 {
			t.Fatalf("office %v: %v", office, err)
		}
		var depts, ents, people []int64
		for _, c := range []struct {
			q   string
			out *[]int64
		}{{`SELECT id FROM departments ORDER BY id`, &depts}, {`SELECT id FROM enterprises ORDER BY id`, &ents},
			{`SELECT DISTINCT person_id FROM liaison_assignments ORDER BY person_id`, &people}} {
			rows, err := w.QueryContext(ctx, c.q)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					t.Fatal(err)
				}
				*c.out = append(*c.out, id)
			}
			rows.Close()
		}
		if len(depts) == 0 || len(ents) == 0 || len(people) == 0 {
			t.Fatalf("demo dataset: %d departments, %d enterprises, %d liaisons", len(depts), len(ents), len(people))
		}
		people = append(people, 0) // no person: never a liaison
		staffed := 0
		for _, dep := range depts {
			want, err := e.M.usersWith(ctx, auth.DeptStaff, auth.ScopeDepartment, dep)
			if err != nil {
				t.Fatal(err)
			}
			r, ok, err := e.M.department(ctx, dep)
			if err != nil || !ok || r.Name == "" || !slices.Equal(r.staff, want) {
				t.Errorf("department %d: %+v %t %v, want staff %v", dep, r, ok, err, want)
			}
			if len(want) > 0 {
				staffed++
			}
		}
		if staffed == 0 {
			t.Fatal("no department has staff: the comparison proves nothing")
		}
		if _, ok, err := e.M.department(ctx, -1); ok || err != nil {
			t.Errorf("absent department: %t %v", ok, err)
		}
		liaisons := 0
		for _, ent := range ents[:min(len(ents), 12)] {
			for _, person := range people {
				want, err := e.M.liaisonOf(ctx, person, ent)
				if err != nil {
					t.Fatal(err)
				}
				name, got, liaison, found, err := e.M.raiseFacts(ctx, ent, person)
				if err != nil || !found || name == "" || liaison != want || !slices.Equal(got, office) {
					t.Errorf("raise for %d by %d: %q %v liaison %t found %t %v; want office %v liaison %t", ent, person, name, got, liaison, found, err, office, want)
				}
				if want {
					liaisons++
				}
			}
		}
		if liaisons == 0 {
			t.Fatal("no assigned liaison among the pairs: the comparison proves nothing")
		}
		if _, _, _, found, err := e.M.raiseFacts(ctx, -1, 0); found || err != nil {
			t.Errorf("absent enterprise: found %t %v", found, err)
		}
	})
}
