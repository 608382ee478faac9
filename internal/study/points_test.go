package study

import (
	"context"
	"testing"
)

// The points ledger: caps per cap group, one award per record, reversals
// with a reason, and a per-person hash chain that verify re-walks.
func TestPointsLedger(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		p := e.principal(t, "member")
		day := "2021-12-20"
		award := func(act string, base int, ref int64) int {
			n, err := e.M.Award(ctx, p.PersonID, day, act, base, "test", ref)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := award(ActSentenceRead, 0, 1); n != 1 {
			t.Fatalf("first read = %d", n)
		}
		if n := award(ActSentenceRead, 0, 1); n != 0 {
			t.Fatalf("same record twice = %d", n)
		}
		if n := award(ActSentenceRead, 0, 2); n != 0 {
			t.Fatalf("over the daily cap = %d", n)
		}
		if n := award(ActChallenge10, 0, 3); n != 6 {
			t.Fatalf("challenge 10 = %d", n)
		}
		if n := award(ActChallenge5, 0, 4); n != 0 {
			t.Fatalf("challenge cap group shared: %d", n)
		}
		total, _ := e.M.PointsOf(ctx, p.PersonID, day, day)
		if total != 7 {
			t.Fatalf("total %d", total)
		}
		led, _ := e.M.Ledger(ctx, p.PersonID, 10)
		if err := e.M.Reverse(ctx, led[0].ID, "误判"); err != nil {
			t.Fatal(err)
		}
		if total, _ = e.M.PointsOf(ctx, p.PersonID, day, day); total != 1 {
			t.Fatalf("after reversal %d", total)
		}
		if err := e.M.Reverse(ctx, led[0].ID, ""); err == nil {
			t.Fatal("reversal without a reason accepted")
		}
		b, n, err := e.M.Verifier().Verify(ctx)
		if err != nil || b != nil || n != 3 {
			t.Fatalf("verify: %v %v %d", err, b, n)
		}
		if _, err := e.DB.W.ExecContext(ctx, e.DB.Rebind("UPDATE study_points SET points = 9 WHERE id = ?"), led[0].ID); err != nil {
			t.Fatal(err)
		}
		if b, _, _ := e.M.Verifier().Verify(ctx); b == nil {
			t.Fatal("an edited award was not detected")
		}
	})
}
