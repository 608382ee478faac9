package auth

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/chain"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/seal"
)

var sources = []db.Source{chain.Source(), audit.Source(), Source()}

func newService(t *testing.T, d *db.DB) (*Service, *clock.Fixed) {
	keys, _ := seal.New(bytes.Repeat([]byte{2}, 32))
	clk := clock.At(time.Date(2021, 12, 20, 1, 0, 0, 0, time.UTC))
	al := &audit.Log{DB: d, Seal: keys, Clock: clk}
	return &Service{DB: d, Audit: al, Clock: clk}, clk
}

// SECURITY.md §1 (等保 8.1.4.1a practice): ≥ 8 characters, 3 of 4 classes,
// not containing the login name; ASVS 6.2.4: no common passwords.
func TestCheckPolicy(t *testing.T) {
	pol := DefaultPolicy()
	for _, c := range []struct {
		user, pw string
		ok       bool
	}{
		{"zhang", "Demo@2021", true},
		{"zhang", "Abcdefg1", true},
		{"zhang", "abcdefg1", false},   // two classes
		{"zhang", "Ab1!", false},       // too short
		{"zhang", "Zhang@2021", false}, // contains the login name (any case)
		{"zhang", "P@ssw0rd", false},   // common
		{"zhang", "长城长城Ab12", true},    // CJK counts as a symbol class
		{"zhang", strings.Repeat("Ab1!", 40), false},
	} {
		err := CheckPolicy(pol, c.user, c.pw)
		if (err == nil) != c.ok {
			t.Errorf("CheckPolicy(%q, %q) = %v, want ok=%v", c.user, c.pw, err, c.ok)
		}
	}
}

func TestPasswordHash(t *testing.T) {
	h := HashPassword("Demo@2021")
	if !strings.HasPrefix(h, "$argon2id$") || !CheckPassword(h, "Demo@2021") || CheckPassword(h, "demo@2021") {
		t.Fatal("argon2id round trip failed")
	}
	if HashPassword("Demo@2021") == h {
		t.Fatal("salt not random")
	}
	if CheckPassword("garbage", "x") || CheckPassword("$argon2id$v=19$m=99999999,t=1,p=1$AA$AA", "x") {
		t.Fatal("malformed hash accepted")
	}
}

// 三员分立 (等保 8.1.4.2d): admin roles stand alone.
func TestCheckGrants(t *testing.T) {
	z := func(r Role) Grant { return Grant{Role: r, ScopeKind: ScopeZone} }
	for _, c := range []struct {
		gs []Grant
		ok bool
	}{
		{[]Grant{z(Sysadmin)}, true},
		{[]Grant{z(Sysadmin), z(Auditor)}, false},
		{[]Grant{z(Secadmin), z(Committee)}, false},
		{[]Grant{z(Committee), {Role: VillageSecretary, ScopeKind: ScopeVillage, ScopeID: 2}}, true},
		{[]Grant{{Role: VillageSecretary, ScopeKind: ScopeZone}}, false},    // secretary is village-scoped
		{[]Grant{{Role: VillageSecretary, ScopeKind: ScopeVillage}}, false}, // scope id missing
		{[]Grant{{Role: "root", ScopeKind: ScopeZone}}, false},
	} {
		if err := CheckGrants(c.gs); (err == nil) != c.ok {
			t.Errorf("CheckGrants(%v) = %v, want ok=%v", c.gs, err, c.ok)
		}
	}
}

// The authorization matrix: role × scope × object → decision.
func TestCan(t *testing.T) {
	sec := func(v int64) *Principal {
		return &Principal{UserID: 1, Grants: []Grant{{Role: VillageSecretary, ScopeKind: ScopeVillage, ScopeID: v}}}
	}
	committee := &Principal{UserID: 2, Grants: []Grant{{Role: Committee, ScopeKind: ScopeZone}}}
	sysadmin := &Principal{UserID: 3, Grants: []Grant{{Role: Sysadmin, ScopeKind: ScopeZone}}}
	auditor := &Principal{UserID: 4, Grants: []Grant{{Role: Auditor, ScopeKind: ScopeZone}}}
	member := &Principal{UserID: 5, PersonID: 50, Grants: []Grant{{Role: Member, ScopeKind: ScopeBranch, ScopeID: 9}}}
	liaison := &Principal{UserID: 6, Grants: []Grant{{Role: Liaison, ScopeKind: ScopeEnterprise, ScopeID: 15}}}
	dept := &Principal{UserID: 7, Grants: []Grant{{Role: DeptStaff, ScopeKind: ScopeDepartment, ScopeID: 3}}}
	must := &Principal{UserID: 8, MustChange: true, Grants: []Grant{{Role: Committee, ScopeKind: ScopeZone}}}
	for _, c := range []struct {
		name string
		p    *Principal
		perm Perm
		obj  Object
		want bool
	}{
		{"secretary reads own village's person", sec(1), PeopleRead, Object{Village: 1}, true},
		{"secretary reads another village's person", sec(1), PeopleRead, Object{Village: 2}, false},
		{"secretary may list people", sec(1), PeopleRead, Anything, true},
		{"committee reads anyone", committee, PeopleRead, Object{Village: 2}, true},
		{"sysadmin reads no people (三员分立)", sysadmin, PeopleRead, Anything, false},
		{"sysadmin reads no audit log", sysadmin, AuditRead, Anything, false},
		{"sysadmin manages users", sysadmin, UsersManage, Anything, true},
		{"auditor reads the audit log", auditor, AuditRead, Anything, true},
		{"auditor reads no people", auditor, PeopleRead, Anything, false},
		{"auditor reads no enterprises", auditor, EnterpriseRead, Anything, false},
		{"committee cannot read the audit log", committee, AuditRead, Anything, false},
		{"member reads self", member, PeopleRead, Object{Person: 50, Branch: 9}, true},
		{"member cannot read a branch mate", member, PeopleRead, Object{Person: 51, Branch: 9}, false},
		{"liaison reads assigned enterprise", liaison, EnterpriseRead, Object{Enterprise: 15}, true},
		{"liaison cannot read another enterprise", liaison, EnterpriseRead, Object{Enterprise: 16}, false},
		{"dept staff reads any enterprise", dept, EnterpriseRead, Object{Enterprise: 16}, true},
		{"dept staff reads own department's person", dept, PeopleRead, Object{Department: 3}, true},
		{"dept staff cannot read another department's person", dept, PeopleRead, Object{Department: 4}, false},
		{"must-change account can do nothing", must, PeopleRead, Anything, false},
		{"nil principal denied", nil, OrgRead, Anything, false},
		{"unknown permission denied", committee, Perm("nothing:here"), Anything, false},
		{"confidential object needs a confidential rule", committee, PeopleRead, Object{Village: 1, Confidential: true}, false},
	} {
		if got := Can(c.p, c.perm, c.obj); got != c.want {
			t.Errorf("%s: Can = %v, want %v", c.name, got, c.want)
		}
	}
}

func mkUser(t *testing.T, s *Service, name string, gs ...Grant) int64 {
	id, err := s.CreateUser(context.Background(), NewUser{Username: name, Password: "Demo@2021", Grants: gs})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// SECURITY.md §7.1: 5 wrong passwords within 15 min lock the account for
// 30 min; the right password is refused meanwhile; each step is audited.
func TestLockout(t *testing.T) {
	db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
		s, clk := newService(t, d)
		ctx := context.Background()
		mkUser(t, s, "committee", Grant{Role: Committee, ScopeKind: ScopeZone})
		for i := 1; i <= 4; i++ {
			_, _, err := s.Login(ctx, "committee", "wrong", "10.0.0."+string(rune('0'+i)), "t")
			if errs.KindOf(err) != errs.Unauthorized {
				t.Fatalf("failure %d: %v", i, err)
			}
		}
		_, _, err := s.Login(ctx, "committee", "wrong", "10.0.0.9", "t")
		if errs.KindOf(err) != errs.Locked {
			t.Fatalf("5th failure: want locked, got %v", err)
		}
		if _, _, err := s.Login(ctx, "committee", "Demo@2021", "10.0.0.10", "t"); errs.KindOf(err) != errs.Locked {
			t.Fatalf("right password while locked: %v", err)
		}
		clk.Advance(29 * time.Minute)
		if _, _, err := s.Login(ctx, "committee", "Demo@2021", "10.0.0.10", "t"); errs.KindOf(err) != errs.Locked {
			t.Fatalf("at 29 min: %v", err)
		}
		clk.Advance(2 * time.Minute)
		if _, _, err := s.Login(ctx, "committee", "Demo@2021", "10.0.0.10", "t"); err != nil {
			t.Fatalf("after 31 min: %v", err)
		}
		_, n, _ := s.Audit.List(ctx, audit.Filter{Action: "account.lockout"})
		if n != 1 {
			t.Fatalf("lockout audited %d times", n)
		}
		_, n, _ = s.Audit.List(ctx, audit.Filter{Action: "login", Result: audit.Failed})
		if n != 5 {
			t.Fatalf("failed logins audited %d times, want 5", n)
		}
	})
}

// Failures spread beyond the window do not lock.
func TestLockoutWindow(t *testing.T) {
	db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
		s, clk := newService(t, d)
		ctx := context.Background()
		mkUser(t, s, "member", Grant{Role: Member, ScopeKind: ScopeBranch, ScopeID: 1})
		for i := 0; i < 8; i++ {
			_, _, err := s.Login(ctx, "member", "wrong", "10.1.1.1", "t")
			if errs.KindOf(err) == errs.Locked {
				t.Fatalf("locked after %d spread failures", i+1)
			}
			clk.Advance(4 * time.Minute)
		}
	})
}

// SECURITY.md §7.2: idle timeout 30 min (15 for admins), absolute 8 h, a
// new id at each login, logout and password change end sessions.
func TestSessions(t *testing.T) {
	db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
		s, clk := newService(t, d)
		ctx := context.Background()
		uid := mkUser(t, s, "committee", Grant{Role: Committee, ScopeKind: ScopeZone})
		mkUser(t, s, "sysadmin", Grant{Role: Sysadmin, ScopeKind: ScopeZone})

		_, tok1, err := s.Login(ctx, "committee", "Demo@2021", "1.1.1.1", "t")
		if err != nil {
			t.Fatal(err)
		}
		_, tok2, _ := s.Login(ctx, "committee", "Demo@2021", "1.1.1.1", "t")
		if tok1 == tok2 || len(tok1) < 40 {
			t.Fatal("session ids must be fresh and long")
		}
		// Active use keeps it alive past 30 minutes in total.
		for i := 0; i < 4; i++ {
			clk.Advance(20 * time.Minute)
			if p, _ := s.Authenticate(ctx, tok1); p == nil {
				t.Fatalf("active session expired after %d×20 min", i+1)
			}
		}
		clk.Advance(31 * time.Minute)
		if p, _ := s.Authenticate(ctx, tok1); p != nil {
			t.Fatal("idle session still valid after 31 min")
		}
		if p, _ := s.Authenticate(ctx, tok1); p != nil {
			t.Fatal("dead session revived on replay")
		}
		// Admin idle timeout is 15 minutes.
		_, at, _ := s.Login(ctx, "sysadmin", "Demo@2021", "1.1.1.1", "t")
		clk.Advance(16 * time.Minute)
		if p, _ := s.Authenticate(ctx, at); p != nil {
			t.Fatal("admin session valid after 16 idle minutes")
		}
		// Absolute lifetime: 8 h even when active.
		_, tok3, _ := s.Login(ctx, "committee", "Demo@2021", "1.1.1.1", "t")
		for i := 0; i < 17; i++ {
			clk.Advance(29 * time.Minute)
			_, _ = s.Authenticate(ctx, tok3)
		}
		if p, _ := s.Authenticate(ctx, tok3); p != nil {
			t.Fatal("session outlived 8 hours")
		}
		// Password change ends the other sessions.
		_, keep, _ := s.Login(ctx, "committee", "Demo@2021", "1.1.1.1", "t")
		_, other, _ := s.Login(ctx, "committee", "Demo@2021", "1.1.1.1", "t")
		pk, _ := s.Authenticate(ctx, keep)
		if err := s.ChangePassword(ctx, uid, "Demo@2021", "New#Pass2021", pk.SessionHash); err != nil {
			t.Fatal(err)
		}
		if p, _ := s.Authenticate(ctx, other); p != nil {
			t.Fatal("other session survived a password change")
		}
		if p, _ := s.Authenticate(ctx, keep); p == nil {
			t.Fatal("the changing session was ended")
		}
		// Last passwords cannot be reused.
		if err := s.ChangePassword(ctx, uid, "New#Pass2021", "Demo@2021", pk.SessionHash); errs.KindOf(err) != errs.Invalid {
			t.Fatalf("reused password accepted: %v", err)
		}
		// Logout kills the session server-side.
		p, _ := s.Authenticate(ctx, keep)
		if err := s.Logout(ctx, p); err != nil {
			t.Fatal(err)
		}
		if p, _ := s.Authenticate(ctx, keep); p != nil {
			t.Fatal("session valid after logout")
		}
	})
}

func TestTokensAndDisable(t *testing.T) {
	db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d)
		ctx := context.Background()
		uid := mkUser(t, s, "committee", Grant{Role: Committee, ScopeKind: ScopeZone})
		tok, err := s.CreateToken(ctx, uid, "dashboard", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.AuthenticateToken(ctx, tok)
		if err != nil || p == nil || !p.Has(Committee) || !p.ViaToken {
			t.Fatalf("token auth: %v %+v", err, p)
		}
		if p, _ := s.AuthenticateToken(ctx, tok+"x"); p != nil {
			t.Fatal("altered token accepted")
		}
		_, sess, _ := s.Login(ctx, "committee", "Demo@2021", "1.1.1.1", "t")
		if err := s.SetLocked(ctx, uid, true); err != nil {
			t.Fatal(err)
		}
		if p, _ := s.AuthenticateToken(ctx, tok); p != nil {
			t.Fatal("token of a disabled account accepted")
		}
		if p, _ := s.Authenticate(ctx, sess); p != nil {
			t.Fatal("session of a disabled account accepted")
		}
		if _, _, err := s.Login(ctx, "committee", "Demo@2021", "1.1.1.1", "t"); errs.KindOf(err) != errs.Unauthorized {
			t.Fatalf("disabled account logged in: %v", err)
		}
		if err := s.SetLocked(ctx, uid, false); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Login(ctx, "committee", "Demo@2021", "1.1.1.1", "t"); err != nil {
			t.Fatalf("unlocked account: %v", err)
		}
	})
}

func TestPolicyValidate(t *testing.T) {
	if err := DefaultPolicy().Validate(); err != nil {
		t.Fatal(err)
	}
	p := DefaultPolicy()
	p.MinLength, p.IdleMinutes = 4, 120
	l, ok := p.Validate().(errs.List)
	if !ok || len(l) != 2 {
		t.Fatalf("want two field errors, got %v", p.Validate())
	}
}
