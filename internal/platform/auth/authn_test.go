package auth

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zhongshu/internal/platform/db"
)

// The one-query token and session lookups (issue 8) read every grant, in
// order, and see a revocation, an expiry, a disabled or locked account and
// changed grants on the very next request: nothing is cached.
func TestAuthenticateSeesChangesAtOnce(t *testing.T) {
	db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
		s, clk := newService(t, d)
		ctx := context.Background()
		grants := []Grant{{Role: Member, ScopeKind: ScopeBranch, ScopeID: 9}, {Role: Liaison, ScopeKind: ScopeEnterprise, ScopeID: 3}, {Role: Liaison, ScopeKind: ScopeEnterprise, ScopeID: 1}}
		uid := mkUser(t, s, "liaison1", grants...)
		tok, err := s.CreateToken(ctx, uid, "app", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		_, sess, err := s.Login(ctx, "liaison1", "Demo@2021", "1.1.1.1", "t")
		if err != nil {
			t.Fatal(err)
		}
		want, err := s.grants(ctx, d.Q(ctx), uid) // the separate query the lookups replaced
		if err != nil {
			t.Fatal(err)
		}
		check := func(what string, p *Principal, err error, wantGrants []Grant) {
			t.Helper()
			if err != nil || p == nil || p.UserID != uid || p.Username != "liaison1" || !slices.Equal(p.Grants, wantGrants) {
				t.Fatalf("%s: %v %+v, want grants %v", what, err, p, wantGrants)
			}
		}
		p, err := s.AuthenticateToken(ctx, tok)
		check("token", p, err, want)
		if !p.ViaToken {
			t.Fatal("token principal not marked ViaToken")
		}
		p, err = s.Authenticate(ctx, sess)
		check("session", p, err, want)
		if p.SessionHash != hashToken(sess) {
			t.Fatal("session hash")
		}

		// A grant changed: the token sees it at once (SetGrants ends sessions).
		if err := s.SetGrants(ctx, uid, []Grant{{Role: Member, ScopeKind: ScopeBranch, ScopeID: 10}}); err != nil {
			t.Fatal(err)
		}
		p, err = s.AuthenticateToken(ctx, tok)
		check("token after SetGrants", p, err, []Grant{{Role: Member, ScopeKind: ScopeBranch, ScopeID: 10}})
		if p, _ := s.Authenticate(ctx, sess); p != nil {
			t.Fatal("session survived SetGrants")
		}
		// No grant at all: still the account, with no grants.
		if err := s.SetGrants(ctx, uid, nil); err != nil {
			t.Fatal(err)
		}
		p, err = s.AuthenticateToken(ctx, tok)
		check("token without grants", p, err, nil)

		// A locked account (failed logins) is refused on a token until the
		// lock ends.
		if _, err := d.W.ExecContext(ctx, d.Rebind(`UPDATE users SET locked_until = ? WHERE id = ?`), clk.Now().Add(time.Minute), uid); err != nil {
			t.Fatal(err)
		}
		if p, _ := s.AuthenticateToken(ctx, tok); p != nil {
			t.Fatal("token of a locked account accepted")
		}
		clk.Advance(2 * time.Minute)
		if p, _ := s.AuthenticateToken(ctx, tok); p == nil {
			t.Fatal("token refused after the lock ended")
		}
		// Revoked, then expired.
		if _, err := d.W.ExecContext(ctx, d.Rebind(`UPDATE api_tokens SET revoked_at = ? WHERE user_id = ?`), clk.Now(), uid); err != nil {
			t.Fatal(err)
		}
		if p, _ := s.AuthenticateToken(ctx, tok); p != nil {
			t.Fatal("revoked token accepted")
		}
		tok2, err := s.CreateToken(ctx, uid, "app2", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if p, _ := s.AuthenticateToken(ctx, tok2); p == nil {
			t.Fatal("fresh token refused")
		}
		clk.Advance(time.Hour + time.Second)
		if p, _ := s.AuthenticateToken(ctx, tok2); p != nil {
			t.Fatal("expired token accepted")
		}
		if p, _ := s.AuthenticateToken(ctx, "zs_unknown"); p != nil {
			t.Fatal("unknown token accepted")
		}
		if p, err := s.Authenticate(ctx, "unknown"); p != nil || err != nil {
			t.Fatalf("unknown session: %v %v", p, err)
		}
	})
}

// BenchmarkAuthenticateToken is the lookup every API call makes (issue 8:
// ≈ 20 µs of CPU per check-in before it became one query).
func BenchmarkAuthenticateToken(b *testing.B) {
	for _, store := range []string{"sqlite", "postgres"} {
		b.Run(store, func(b *testing.B) {
			var d *db.DB
			if store == "sqlite" {
				d = db.OpenTestSQLite(b, sources)
			} else {
				d = db.OpenTestPostgres(b, sources)
			}
			s, _ := newService(nil, d)
			ctx := context.Background()
			uid, err := s.CreateUser(ctx, NewUser{Username: "member1", Password: "Demo@2021", Grants: []Grant{{Role: Member, ScopeKind: ScopeBranch, ScopeID: 4}}})
			if err != nil {
				b.Fatal(err)
			}
			tok, err := s.CreateToken(ctx, uid, "app", time.Hour)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if p, err := s.AuthenticateToken(ctx, tok); err != nil || p == nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Password hashes run at most len(hashSlots) at a time (issue 8: memory
// bounded at that many × 19 MiB); every caller still gets its answer and
// every slot is given back.
func TestHashSlots(t *testing.T) {
	if n := cap(hashSlots); n < 1 || n > 8 {
		t.Fatalf("%d hash slots", n)
	}
	h := HashPassword("Demo@2021")
	var wg sync.WaitGroup
	var bad atomic.Int32
	for i := 0; i < 3*cap(hashSlots)+1; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !CheckPassword(h, "Demo@2021") || CheckPassword(h, "demo@2021") {
				bad.Add(1)
			}
		}()
	}
	wg.Wait()
	if bad.Load() != 0 || len(hashSlots) != 0 {
		t.Fatalf("%d wrong answers, %d slots still held", bad.Load(), len(hashSlots))
	}
}
