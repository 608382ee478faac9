package study

import (
	"context"
	"testing"
	"time"

	"zhongshu/internal/platform/db"
)

// Issue 8: the day's sentence and check-in rules come from a per-day copy;
// the copy is never used for another day, is dropped by every sentence or
// rule write in this process, is re-read when older than dailyDayFresh (a
// change through another replica), and is neither read nor filled inside a
// transaction.
func TestDailyDayCache(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		mem, com := e.principal(t, "member"), e.principal(t, "committee")
		e.schedule(t, "2021-12-20", "空谈误国，实干兴邦。", "实干兴邦")
		e.schedule(t, "2021-12-21", "星星之火，可以燎原。", "燎原")
		td, err := e.M.Today(ctx, mem)
		if err != nil || td.Text != "空谈误国，实干兴邦。" {
			t.Fatalf("today %+v %v", td, err)
		}
		if c := e.M.dayCache.cur; c == nil || c.day != "2021-12-20" || c.read.Points != 1 || c.recite.Points != 2 {
			t.Fatalf("copy after the first read: %+v", c)
		}
		// A change that bypasses this process is seen once the copy is older
		// than dailyDayFresh, not before.
		if _, err := e.DB.W.ExecContext(ctx, e.DB.Rebind(`UPDATE study_sentences SET text = ? WHERE day = ?`), "空谈误国，实干兴邦！", "2021-12-20"); err != nil {
			t.Fatal(err)
		}
		if td, _ := e.M.Today(ctx, mem); td.Text != "空谈误国，实干兴邦。" {
			t.Fatalf("copy not used within %s: %q", dailyDayFresh, td.Text)
		}
		e.M.dayCache.mu.Lock()
		e.M.dayCache.at = e.M.dayCache.at.Add(-dailyDayFresh - time.Second)
		e.M.dayCache.mu.Unlock()
		if td, _ := e.M.Today(ctx, mem); td.Text != "空谈误国，实干兴邦！" {
			t.Fatalf("stale copy after %s: %q", dailyDayFresh, td.Text)
		}
		// Never trusted across days: the next zone day reads its own sentence.
		e.Clock.Advance(24 * time.Hour)
		r, err := e.M.CheckIn(ctx, mem, CheckinInput{Mode: CheckinRecite, Answers: []string{"燎原"}})
		if err != nil || !r.New || r.Day != "2021-12-21" || r.Points != 3 {
			t.Fatalf("next day's recitation: %+v %v", r, err)
		}
		// A sentence write and a rule write through the service drop the copy.
		if _, err := e.M.Today(ctx, mem); err != nil || e.M.dayCache.cur == nil {
			t.Fatalf("copy not filled: %v", err)
		}
		if _, err := e.M.CreateSentence(ctx, com, SentenceInput{Day: "2021-12-30", Text: "不忘初心，牢记使命。", Source: "出处", KeyPhrases: []string{"初心"}}); err != nil {
			t.Fatal(err)
		}
		if e.M.dayCache.cur != nil {
			t.Fatal("copy kept after a sentence write")
		}
		if _, err := e.M.Today(ctx, mem); err != nil || e.M.dayCache.cur == nil {
			t.Fatalf("copy not refilled: %v", err)
		}
		if err := e.M.SetRule(ctx, com, PointRule{Activity: ActSentenceRead, ValidFrom: "2022-01-01", Points: 3, DailyCap: 3}); err != nil {
			t.Fatal(err)
		}
		if e.M.dayCache.cur != nil {
			t.Fatal("copy kept after a rule write")
		}
		// Inside a transaction the copy is neither read nor filled.
		err = e.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
			d, err := e.M.dailyDayOf(ctx, "2021-12-21")
			if err != nil || d == nil || d.sentence.Text != "星星之火，可以燎原。" {
				t.Fatalf("in a transaction: %+v %v", d, err)
			}
			return nil
		})
		if err != nil || e.M.dayCache.cur != nil {
			t.Fatalf("filled from a transaction: %v", err)
		}
		// No sentence is never cached.
		if d, err := e.M.dailyDayOf(ctx, "2021-12-24"); d != nil || err != nil || e.M.dayCache.cur != nil {
			t.Fatalf("a missing sentence: %+v %v", d, err)
		}
	})
}
