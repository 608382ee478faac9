package demo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/chain"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/ident"
	"zhongshu/internal/platform/seal"
)

var sources = []db.Source{chain.Source(), audit.Source(), auth.Source(), directory.Source()}

func newDeps(t testing.TB, d *db.DB) Deps {
	t.Helper()
	keys, err := seal.New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.At(time.Date(2021, 12, 20, 1, 0, 0, 0, time.UTC))
	al := &audit.Log{DB: d, Seal: keys, Clock: clk}
	as := &auth.Service{DB: d, Audit: al, Clock: clk}
	dir := &directory.Module{DB: d, Auth: as, Audit: al, Seal: keys, Clock: clk}
	return Deps{DB: d, Auth: as, Dir: dir, Clock: clk}
}

// count runs a COUNT-like query that returns one integer.
func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.Q(context.Background()).QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// strs runs a query that returns one string column.
func strs(t *testing.T, d *db.DB, q string, args ...any) []string {
	t.Helper()
	ctx := context.Background()
	rows, err := d.Q(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func want(t *testing.T, what string, got, exp int) {
	t.Helper()
	if got != exp {
		t.Errorf("%s = %d, want %d", what, got, exp)
	}
}

func within(t *testing.T, what string, got, lo, hi int) {
	t.Helper()
	if got < lo || got > hi {
		t.Errorf("%s = %d, want %d–%d", what, got, lo, hi)
	}
}

// shorts reports the enterprises with a designation by their seed short name.
func withDesignation(t *testing.T, d *db.DB, code string) []string {
	return strs(t, d, `SELECT e.name FROM enterprises e JOIN enterprise_designations x ON x.enterprise_id = e.id WHERE x.designation = ? ORDER BY e.id`, code)
}

func hasPrefixes(names []string, shorts ...string) error {
	for _, s := range shorts {
		if !slices.ContainsFunc(names, func(n string) bool { return strings.HasPrefix(n, s) }) {
			return fmt.Errorf("%s missing from %v", s, names)
		}
	}
	return nil
}

var committee = &auth.Principal{Username: "test", Grants: []auth.Grant{{Role: auth.Committee, ScopeKind: auth.ScopeZone}}}

func TestLoad(t *testing.T) {
	db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		deps := newDeps(t, d)
		start := time.Now()
		accounts, err := Load(ctx, deps)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: Load took %v", d.Dialect, time.Since(start).Round(time.Millisecond))

		t.Run("organ", func(t *testing.T) { checkOrgan(t, d) })
		t.Run("villages", func(t *testing.T) { checkVillages(t, d, deps) })
		t.Run("liaisons", func(t *testing.T) { checkLiaisons(t, d) })
		t.Run("enterprises", func(t *testing.T) { checkEnterprises(t, d) })
		t.Run("people", func(t *testing.T) { checkPeople(t, d) })
		t.Run("stats", func(t *testing.T) {
			s, err := deps.Dir.Stats(ctx, committee)
			if err != nil {
				t.Fatal(err)
			}
			want(t, "Stats.OrganBranches", s.OrganBranches, 16)
			want(t, "Stats.PartyWorkers", s.PartyWorkers, 28)
			want(t, "Stats.Liaisons", s.Liaisons, 35)
			want(t, "Stats.Departments", s.Departments, 10)
			want(t, "Stats.Specialized", s.Specialized, 11)
			want(t, "Stats.Villages", s.Villages, 7)
			want(t, "Stats.AboveScale", s.AboveScale, 45)
			want(t, "Stats.AboveQuota", s.AboveQuota, 15)
		})
		t.Run("accounts", func(t *testing.T) { checkAccounts(t, d, deps, accounts) })
		t.Run("twice", func(t *testing.T) {
			people, users := count(t, d, `SELECT COUNT(*) FROM people`), count(t, d, `SELECT COUNT(*) FROM users`)
			_, err := Load(ctx, deps)
			if !errors.Is(err, ErrNotEmpty) {
				t.Fatalf("second Load: %v, want ErrNotEmpty", err)
			}
			want(t, "people after second Load", count(t, d, `SELECT COUNT(*) FROM people`), people)
			want(t, "users after second Load", count(t, d, `SELECT COUNT(*) FROM users`), users)
		})
	})
}

func checkOrgan(t *testing.T, d *db.DB) {
	// seed: 今年10月9日，沧州经济开发区机关党委正式成立 — under 党工委.
	want(t, "organ committee founded 2021-10-09 under the working committee", count(t, d, `SELECT COUNT(*) FROM branches b JOIN branches p ON p.id = b.parent_id
		WHERE b.kind = 'organ_committee' AND b.founded_on = '2021-10-09' AND p.kind = 'working_committee' AND p.parent_id IS NULL`), 1)
	// seed: 全区16个机关党支部28名党务工作者.
	want(t, "organ branches", count(t, d, `SELECT COUNT(*) FROM branches WHERE kind = 'organ_branch'`), 16)
	want(t, "organ branches under the organ committee", count(t, d, `SELECT COUNT(*) FROM branches b JOIN branches p ON p.id = b.parent_id
		WHERE b.kind = 'organ_branch' AND p.kind = 'organ_committee'`), 16)
	want(t, "distinct party workers", count(t, d, `SELECT COUNT(DISTINCT person_id) FROM positions WHERE title = 'party_worker' AND ended_on = ''`), 28)
	want(t, "party workers who are party members of the organ branch they serve", count(t, d, `SELECT COUNT(DISTINCT ps.person_id)
		FROM positions ps JOIN people p ON p.id = ps.person_id JOIN branches b ON b.id = ps.branch_id
		WHERE ps.title = 'party_worker' AND b.kind = 'organ_branch' AND p.branch_id = ps.branch_id AND p.party_member = TRUE`), 28)
	want(t, "organ branches with a party worker", count(t, d, `SELECT COUNT(DISTINCT branch_id) FROM positions WHERE title = 'party_worker'`), 16)
	for _, b := range strs(t, d, `SELECT name FROM branches WHERE kind = 'organ_branch' ORDER BY id`) {
		within(t, b+" members", count(t, d, `SELECT COUNT(*) FROM people p JOIN branches b ON b.id = p.branch_id WHERE b.name = ? AND p.party_member = TRUE`, b), 8, 16)
		want(t, b+" secretaries", count(t, d, `SELECT COUNT(*) FROM positions ps JOIN branches b ON b.id = ps.branch_id WHERE b.name = ? AND ps.title = 'branch_secretary'`, b), 1)
		within(t, b+" committee members", count(t, d, `SELECT COUNT(*) FROM positions ps JOIN branches b ON b.id = ps.branch_id WHERE b.name = ? AND ps.title = 'branch_committee'`, b), 1, 3)
	}
	want(t, "organ branches linked to a department", count(t, d, `SELECT COUNT(*) FROM branches WHERE kind = 'organ_branch' AND department_id IS NOT NULL`), 7)
	// The ten departments the seed names.
	got := strs(t, d, `SELECT name FROM departments ORDER BY sort`)
	exp := []string{"组织部", "人社局", "经发局", "社发局", "工会", "共青团", "妇联", "党政办", "投促局", "税务局"}
	if !slices.Equal(got, exp) {
		t.Errorf("departments = %v, want %v", got, exp)
	}
	want(t, "departments with staff", count(t, d, `SELECT COUNT(DISTINCT department_id) FROM positions WHERE title = 'dept_staff'`), 10)
	want(t, "discipline inspectors", count(t, d, `SELECT COUNT(DISTINCT person_id) FROM positions WHERE title = 'discipline'`), 2)
}

func checkVillages(t *testing.T, d *db.DB, deps Deps) {
	vs, err := deps.Dir.Villages(context.Background(), committee)
	if err != nil {
		t.Fatal(err)
	}
	want(t, "villages", len(vs), 7)
	heavy := 0
	for _, v := range vs {
		if v.HeavyFinance {
			heavy++
		}
		if !v.OneShoulder || v.Secretary == "" {
			t.Errorf("%s: one_shoulder=%v secretary=%q", v.Name, v.OneShoulder, v.Secretary)
		}
		within(t, v.Name+" households", v.Households, 300, 900)
		within(t, v.Name+" adults", v.Adults, v.Households*2, v.Households*3)
		within(t, v.Name+" party members", v.PartyMembers, 25, 60)
		// 一肩挑: exactly one current secretary, who is also the committee director
		// and a party member of the village's organisation.
		want(t, v.Name+" secretaries", count(t, d, `SELECT COUNT(*) FROM positions WHERE village_id = ? AND title = 'village_secretary' AND ended_on = ''`, v.ID), 1)
		want(t, v.Name+" secretary is director and village party member", count(t, d, `SELECT COUNT(*) FROM positions s
			JOIN positions dr ON dr.person_id = s.person_id AND dr.title = 'village_director' AND dr.village_id = s.village_id AND dr.ended_on = ''
			JOIN people p ON p.id = s.person_id JOIN branches b ON b.id = p.branch_id
			WHERE s.village_id = ? AND s.title = 'village_secretary' AND s.ended_on = '' AND b.kind = 'village' AND b.village_id = s.village_id AND p.party_member = TRUE`, v.ID), 1)
		pos := func(title string) int {
			return count(t, d, `SELECT COUNT(DISTINCT person_id) FROM positions WHERE village_id = ? AND title = ? AND ended_on = ''`, v.ID, title)
		}
		within(t, v.Name+" two-committee members", pos("village_committee"), 4, 6)
		within(t, v.Name+" supervisors", pos("village_supervisor"), 3, 5)
		within(t, v.Name+" representatives", pos("representative"), 15, 40)
	}
	want(t, "heavy-finance villages", heavy, 2)
	want(t, "village party organisations", count(t, d, `SELECT COUNT(*) FROM branches b JOIN branches p ON p.id = b.parent_id
		WHERE b.kind = 'village' AND b.village_id IS NOT NULL AND p.kind = 'working_committee'`), 7)
}

func checkLiaisons(t *testing.T, d *db.DB) {
	// seed: 今年8月，沧州经济开发区重新选派35名非公党建指导员.
	want(t, "distinct liaisons", count(t, d, `SELECT COUNT(DISTINCT person_id) FROM positions WHERE title = 'liaison' AND ended_on = '' AND started_on = '2021-08-01'`), 35)
	want(t, "liaisons with assignments", count(t, d, `SELECT COUNT(DISTINCT person_id) FROM liaison_assignments WHERE since = '2021-08-01'`), 35)
	want(t, "liaisons who are organ cadres", count(t, d, `SELECT COUNT(DISTINCT ps.person_id) FROM positions ps
		JOIN people p ON p.id = ps.person_id JOIN branches b ON b.id = p.branch_id WHERE ps.title = 'liaison' AND b.kind = 'organ_branch'`), 35)
	want(t, "enterprises without a liaison", count(t, d, `SELECT COUNT(*) FROM enterprises e WHERE NOT EXISTS (SELECT 1 FROM liaison_assignments a WHERE a.enterprise_id = e.id)`), 0)
	within(t, "fewest enterprises per liaison", count(t, d, `SELECT MIN(n) FROM (SELECT COUNT(*) AS n FROM liaison_assignments GROUP BY person_id) x`), 3, 5)
	within(t, "most enterprises per liaison", count(t, d, `SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM liaison_assignments GROUP BY person_id) x`), 3, 5)
	want(t, "assignments whose person is not a liaison", count(t, d, `SELECT COUNT(*) FROM liaison_assignments a
		WHERE NOT EXISTS (SELECT 1 FROM positions ps WHERE ps.person_id = a.person_id AND ps.title = 'liaison')`), 0)
}

func checkEnterprises(t *testing.T, d *db.DB) {
	for _, n := range named {
		want(t, n.Short+" present", count(t, d, `SELECT COUNT(*) FROM enterprises WHERE name LIKE ?`, n.Short+"%"), 1)
	}
	want(t, "慧科（沧州）科技有限公司 by its full name", count(t, d, `SELECT COUNT(*) FROM enterprises WHERE name = '慧科（沧州）科技有限公司'`), 1)
	want(t, "enterprises", count(t, d, `SELECT COUNT(*) FROM enterprises`), len(named)+generated)
	want(t, "above-scale enterprises", count(t, d, `SELECT COUNT(*) FROM enterprises WHERE above_scale = TRUE`), 45)
	want(t, "above-quota enterprises", count(t, d, `SELECT COUNT(*) FROM enterprises WHERE above_quota = TRUE`), 15)

	// seed: 11家企业成功申报专精特新企业; 7家企业纳入生态环境正面清单; …
	spec := withDesignation(t, d, "specialized")
	want(t, "专精特新 enterprises", len(spec), 11)
	if err := hasPrefixes(spec, "恒祥生粮食机械", "天华移动", "坤兴不锈钢"); err != nil {
		t.Error(err)
	}
	eco := withDesignation(t, d, "eco_positive")
	want(t, "生态环境正面清单 enterprises", len(eco), 7)
	if err := hasPrefixes(eco, "东盛", "万岁", "北京现代"); err != nil {
		t.Error(err)
	}
	for _, c := range []struct {
		code   string
		shorts []string
	}{
		{"specialized_demo", []string{"唐威药业"}},
		{"passive_building", []string{"金弘圣达", "卡林热泵"}},
		{"tech_reform", []string{"北京现代", "岱摩斯", "天成药业"}},
		{"single_champion", nil}, // 天成药业 only applied
	} {
		got := withDesignation(t, d, c.code)
		want(t, c.code+" enterprises", len(got), len(c.shorts))
		if err := hasPrefixes(got, c.shorts...); err != nil {
			t.Error(err)
		}
	}
	want(t, "designations not of 2021", count(t, d, `SELECT COUNT(*) FROM enterprise_designations WHERE year <> 2021`), 0)

	for _, code := range strs(t, d, `SELECT credit_code FROM enterprises`) {
		if c, err := ident.CreditCode(code); err != nil || c != code || !strings.HasPrefix(code, "91130900") {
			t.Errorf("credit code %s: %v", code, err)
		}
	}

	// seed: 成立非公经济、社会组织党组织7个 — in 2021; older ones exist too.
	want(t, "non-public organisations founded in 2021", count(t, d, `SELECT COUNT(*) FROM branches WHERE kind IN ('enterprise', 'other') AND founded_on LIKE '2021-%'`), 7)
	want(t, "enterprise organisations founded in 2021", count(t, d, `SELECT COUNT(*) FROM branches WHERE kind = 'enterprise' AND enterprise_id IS NOT NULL AND founded_on LIKE '2021-%'`), 5)
	want(t, "social organisations founded in 2021", count(t, d, `SELECT COUNT(*) FROM branches WHERE kind = 'other' AND founded_on LIKE '2021-%'`), 2)
	within(t, "enterprise organisations founded before 2021", count(t, d, `SELECT COUNT(*) FROM branches WHERE kind = 'enterprise' AND founded_on < '2021' AND founded_on <> ''`), 5, 20)
	want(t, "non-public organisations not under the working committee", count(t, d, `SELECT COUNT(*) FROM branches b JOIN branches p ON p.id = b.parent_id
		WHERE b.kind IN ('enterprise', 'other') AND p.kind <> 'working_committee'`), 0)
	want(t, "non-public organisations without members", count(t, d, `SELECT COUNT(*) FROM branches b
		WHERE b.kind IN ('enterprise', 'other') AND NOT EXISTS (SELECT 1 FROM people p WHERE p.branch_id = b.id)`), 0)
	want(t, "enterprises without a contact", count(t, d, `SELECT COUNT(*) FROM enterprises e
		WHERE NOT EXISTS (SELECT 1 FROM positions ps WHERE ps.enterprise_id = e.id AND ps.title = 'enterprise_contact')`), 0)
}

func checkPeople(t *testing.T, d *db.DB) {
	n := count(t, d, `SELECT COUNT(*) FROM people`)
	t.Logf("%d people, %d party members, %d positions", n, count(t, d, `SELECT COUNT(*) FROM people WHERE party_member = TRUE`),
		count(t, d, `SELECT COUNT(*) FROM positions`))
	within(t, "people", n, 1000, 1500)
	want(t, "distinct ID numbers", count(t, d, `SELECT COUNT(DISTINCT id_number_idx) FROM people`), n)
	want(t, "distinct mobiles", count(t, d, `SELECT COUNT(DISTINCT mobile_idx) FROM people`), n)
	want(t, "people without gender", count(t, d, `SELECT COUNT(*) FROM people WHERE gender NOT IN ('M', 'F')`), 0)
	within(t, "birth years outside 1960–2000", count(t, d, `SELECT COUNT(*) FROM people WHERE birth_year < 1960 OR birth_year > 2000`), 0, 0)
	want(t, "party members without a 入党 date", count(t, d, `SELECT COUNT(*) FROM people WHERE party_member = TRUE AND (joined_party_on = '' OR joined_party_on > '2021')`), 0)
	want(t, "party members without an organisation", count(t, d, `SELECT COUNT(*) FROM people WHERE party_member = TRUE AND branch_id IS NULL`), 0)
	for _, name := range strs(t, d, `SELECT name FROM people`) {
		if famous[name] {
			t.Errorf("famous name %s", name)
		}
	}
}

// positionFor is what an account's person must hold for each role: the
// position title and the column the grant's scope id must match ("" = any).
var positionFor = map[auth.Role]struct{ title, col string }{
	auth.DeptStaff:         {"dept_staff", "department_id"},
	auth.Liaison:           {"liaison", ""},
	auth.Enterprise:        {"enterprise_contact", "enterprise_id"},
	auth.VillageSecretary:  {"village_secretary", "village_id"},
	auth.VillageSupervisor: {"village_supervisor", "village_id"},
	auth.Discipline:        {"discipline", ""},
}

func checkAccounts(t *testing.T, d *db.DB, deps Deps, accounts []Account) {
	ctx := context.Background()
	// The first account of each role is named after the role and comes first.
	for i, r := range auth.AllRoles {
		if i >= len(accounts) || accounts[i].Username != string(r) || accounts[i].Role != r {
			t.Fatalf("account %d = %+v, want username %s", i, accounts[i], r)
		}
	}
	seen := map[string]bool{}
	perRole := map[auth.Role]int{}
	for _, a := range accounts {
		if seen[a.Username] {
			t.Errorf("duplicate account %s", a.Username)
		}
		seen[a.Username] = true
		perRole[a.Role]++
		if n := perRole[a.Role]; n > 1 && a.Username != fmt.Sprintf("%s_%d", a.Role, n) {
			t.Errorf("account %s: want %s_%d", a.Username, a.Role, n)
		}
	}
	for r, n := range map[auth.Role]int{auth.Liaison: 5, auth.VillageSecretary: 7, auth.VillageSupervisor: 7, auth.Member: 3, auth.DeptStaff: 5} {
		want(t, string(r)+" accounts", perRole[r], n)
	}
	want(t, "users", count(t, d, `SELECT COUNT(*) FROM users`), len(accounts))

	for _, a := range accounts {
		p, _, err := deps.Auth.Login(ctx, a.Username, Password, "127.0.0.1", "test")
		if err != nil {
			t.Errorf("login %s: %v", a.Username, err)
			continue
		}
		if p.MustChange || !p.Has(a.Role) || len(p.Roles()) != 1 {
			t.Errorf("login %s: must_change=%v roles=%v", a.Username, p.MustChange, p.Roles())
		}
		if a.Role.IsAdmin() {
			if p.PersonID != 0 || len(p.Grants) != 1 || p.Grants[0].ScopeKind != auth.ScopeZone {
				t.Errorf("admin %s: person %d grants %v", a.Username, p.PersonID, p.Grants)
			}
			continue
		}
		if p.PersonID == 0 {
			t.Errorf("%s is linked to no person", a.Username)
			continue
		}
		checkHolds(t, d, a, p)
	}
	if _, _, err := deps.Auth.Login(ctx, "committee", "Demo@2020", "127.0.0.1", "test"); err == nil {
		t.Error("a wrong password signed in")
	}
}

// checkHolds verifies that an account's person holds the position matching
// its role over each granted scope.
func checkHolds(t *testing.T, d *db.DB, a Account, p *auth.Principal) {
	t.Helper()
	switch a.Role {
	case auth.Committee:
		want(t, a.Username+" leads the working or organ committee", count(t, d, `SELECT COUNT(*) FROM positions ps JOIN branches b ON b.id = ps.branch_id
			WHERE ps.person_id = ? AND ps.title = 'branch_secretary' AND b.kind IN ('working_committee', 'organ_committee')`, p.PersonID), 1)
	case auth.Member:
		for _, g := range p.Grants {
			want(t, a.Username+" is a party member of the granted branch", count(t, d, `SELECT COUNT(*) FROM people WHERE id = ? AND branch_id = ? AND party_member = TRUE`, p.PersonID, g.ScopeID), 1)
		}
	default:
		f := positionFor[a.Role]
		for _, g := range p.Grants {
			q, args := `SELECT COUNT(*) FROM positions WHERE person_id = ? AND title = ? AND ended_on = ''`, []any{p.PersonID, f.title}
			if f.col != "" && g.ScopeKind != auth.ScopeZone {
				q, args = q+` AND `+f.col+` = ?`, append(args, g.ScopeID)
			}
			if count(t, d, q, args...) == 0 {
				t.Errorf("%s: person %d holds no %s over %s %d", a.Username, p.PersonID, f.title, g.ScopeKind, g.ScopeID)
			}
		}
	}
	if a.Role == auth.Liaison {
		var granted []string
		for _, g := range p.Grants {
			granted = append(granted, fmt.Sprint(g.ScopeID))
		}
		assigned := strs(t, d, `SELECT CAST(enterprise_id AS TEXT) FROM liaison_assignments WHERE person_id = ?`, p.PersonID)
		slices.Sort(granted)
		slices.Sort(assigned)
		if !slices.Equal(granted, assigned) {
			t.Errorf("%s: grants %v, assignments %v", a.Username, granted, assigned)
		}
	}
	if a.Role == auth.VillageSecretary {
		want(t, a.Username+" is also director", count(t, d, `SELECT COUNT(*) FROM positions WHERE person_id = ? AND title = 'village_director' AND village_id = ?`, p.PersonID, p.Grants[0].ScopeID), 1)
	}
}

// snapshot is what must come out the same on every run.
func snapshot(t *testing.T, d *db.DB) []string {
	var out []string
	for _, q := range []string{
		`SELECT name || '|' || gender || '|' || id_number_mask || '|' || mobile_mask || '|' || joined_party_on FROM people ORDER BY id`,
		`SELECT name || '|' || credit_code || '|' || industry || '|' || address FROM enterprises ORDER BY id`,
		`SELECT name || '|' || kind || '|' || founded_on FROM branches ORDER BY id`,
		`SELECT CAST(person_id AS TEXT) || '|' || title || '|' || started_on FROM positions ORDER BY id`,
		`SELECT CAST(person_id AS TEXT) || '|' || CAST(enterprise_id AS TEXT) FROM liaison_assignments ORDER BY person_id, enterprise_id`,
		`SELECT username || '|' || display_name FROM users ORDER BY id`,
	} {
		out = append(out, strs(t, d, q)...)
	}
	return out
}

func TestDeterministic(t *testing.T) {
	var runs [2][]string
	var accts [2][]Account
	for i := range runs {
		d := db.OpenTestSQLite(t, sources)
		a, err := Load(context.Background(), newDeps(t, d))
		if err != nil {
			t.Fatal(err)
		}
		runs[i], accts[i] = snapshot(t, d), a
	}
	if !slices.Equal(runs[0], runs[1]) {
		for i := range min(len(runs[0]), len(runs[1])) {
			if runs[0][i] != runs[1][i] {
				t.Fatalf("runs differ at row %d: %q vs %q", i, runs[0][i], runs[1][i])
			}
		}
		t.Fatalf("runs differ in length: %d vs %d", len(runs[0]), len(runs[1]))
	}
	if !slices.Equal(accts[0], accts[1]) {
		t.Fatalf("accounts differ:\n%v\n%v", accts[0], accts[1])
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accts[0] {
		t.Logf("%-22s %-20s %-8s %s", a.Username, a.Role, a.Name, a.Scope)
		row := fmt.Sprintf("| `%s` | %s · %s | ", a.Username, a.Role, auth.RoleNames[a.Role][0])
		if !a.Role.IsAdmin() {
			row += a.Name
		}
		if !bytes.Contains(readme, []byte(row)) || !bytes.Contains(readme, []byte(a.Scope)) {
			t.Errorf("README.md does not list %s (%s, %s); update its account table", a.Username, a.Name, a.Scope)
		}
	}
}
