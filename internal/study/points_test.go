package study

import (
	"context"
	"testing"
	"time"
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

// A rule change applies from its date; earlier awards keep their rule; a
// change cannot start today or earlier.
func TestPointRuleVersions(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		committee := e.principal(t, "committee")
		member := e.principal(t, "member")
		if err := e.M.SetRule(ctx, committee, PointRule{Activity: ActSentenceRead, ValidFrom: "2021-12-20", Points: 3, DailyCap: 3}); err == nil {
			t.Fatal("a rule starting today was accepted")
		}
		if err := e.M.SetRule(ctx, member, PointRule{Activity: ActSentenceRead, ValidFrom: "2021-12-21", Points: 3, DailyCap: 3}); err == nil {
			t.Fatal("a member changed a rule")
		}
		if err := e.M.SetRule(ctx, committee, PointRule{Activity: ActSentenceRead, ValidFrom: "2021-12-21", Points: 3, DailyCap: 3}); err != nil {
			t.Fatal(err)
		}
		today, _ := e.M.Award(ctx, member.PersonID, "2021-12-20", ActSentenceRead, 0, "test", 1)
		tomorrow, _ := e.M.Award(ctx, member.PersonID, "2021-12-21", ActSentenceRead, 0, "test", 2)
		if today != 1 || tomorrow != 3 {
			t.Fatalf("awards %d and %d, want 1 under the old rule and 3 under the new", today, tomorrow)
		}
	})
}

// The store itself holds "one award per record" (study_points_once, keyed
// by the record first since migration 011): a second entry for the same
// person, activity and record is refused, while a reversing entry beside
// it, another activity of the record and another record are not.
func TestPointsOnceIndex(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		p := e.principal(t, "member")
		if _, err := e.M.Award(ctx, p.PersonID, "2021-12-20", ActSentenceRead, 0, "test", 41); err != nil {
			t.Fatal(err)
		}
		var first int64
		if err := e.DB.W.QueryRowContext(ctx, e.DB.Rebind(`SELECT id FROM study_points WHERE ref_type = 'test' AND ref_id = 41`)).Scan(&first); err != nil {
			t.Fatal(err)
		}
		insert := func(activity string, ref int64, reverses any) error {
			_, err := e.DB.W.ExecContext(ctx, e.DB.Rebind(`INSERT INTO study_points (person_id, day, activity, points, ref_type, ref_id, reverses, created_at, seq, prev_hash, hash, mac)
				VALUES (?, '2021-12-20', ?, 1, 'test', ?, ?, ?, 99, '', '', '')`), p.PersonID, activity, ref, reverses, time.Now().UTC())
			return err
		}
		if err := insert(ActSentenceRead, 41, nil); err == nil {
			t.Fatal("a second award of the same record was stored")
		}
		for _, c := range []struct {
			activity string
			ref      int64
			reverses any
		}{
			{ActSentenceRead, 41, first}, // its reversal
			{ActSentenceRecite, 41, nil}, // another activity of the record
			{ActSentenceRead, 42, nil},   // another record
		} {
			if err := insert(c.activity, c.ref, c.reverses); err != nil {
				t.Fatalf("%s of record %d (reverses %v) refused: %v", c.activity, c.ref, c.reverses, err)
			}
		}
	})
}
