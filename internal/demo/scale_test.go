package demo

import (
	"context"
	"testing"
	"time"

	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/db"
)

// Issue 8: the scale generator adds members in branches of PerBranch, each
// of the first Accounts with a member account whose API token signs in,
// and leaves the default dataset as it was.
func TestLoadScale(t *testing.T) {
	db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		deps := newDeps(t, d)
		if _, err := Load(ctx, deps); err != nil {
			t.Fatal(err)
		}
		people, users := count(t, d, `SELECT COUNT(*) FROM people`), count(t, d, `SELECT COUNT(*) FROM users`)
		ms, err := LoadScale(ctx, deps, Scale{Members: 1234, PerBranch: 50, Accounts: 500, TokenTTL: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 1234 || count(t, d, `SELECT COUNT(*) FROM people`) != people+1234 || count(t, d, `SELECT COUNT(*) FROM users`) != users+500 {
			t.Fatalf("%d members; people %d → %d", len(ms), people, count(t, d, `SELECT COUNT(*) FROM people`))
		}
		if n := count(t, d, `SELECT COUNT(*) FROM branches WHERE name LIKE '规模测试%'`); n != 25 { // ⌈1234 ÷ 50⌉
			t.Fatalf("%d generated branches, want 25", n)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM people WHERE branch_id = ?`, ms[0].BranchID); n != 50 {
			t.Fatalf("first branch has %d members, want 50", n)
		}
		for _, i := range []int{0, 499} {
			p, err := deps.Auth.AuthenticateToken(ctx, ms[i].Token)
			if err != nil || p == nil || p.PersonID != ms[i].PersonID || !p.Has(auth.Member) {
				t.Fatalf("token of member %d: %+v %v", i, p, err)
			}
		}
		if ms[500].Token != "" || ms[500].UserID != 0 {
			t.Fatal("member 501 has an account")
		}
		// Nothing to do for zero members.
		if ms, err := LoadScale(ctx, deps, Scale{}); err != nil || ms != nil {
			t.Fatal(ms, err)
		}
	})
}
