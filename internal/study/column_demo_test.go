package study

import (
	"context"
	"testing"
	"time"
)

// The demo year of the quiz and the column, loaded as the app loads it
// (the quiz first, then the column): the seed's figures at the demo clock
// and a believable November quiz; fast enough for `zhongshu demo`.
func TestQuizColumnDemo(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		t0 := time.Now()
		if err := loadQuizDemo(e.M, ctx); err != nil {
			t.Fatal(err)
		}
		t1 := time.Now()
		if err := loadColumnDemo(e.M, ctx); err != nil {
			t.Fatal(err)
		}
		t.Logf("quiz demo %s, column demo %s", t1.Sub(t0).Round(time.Millisecond), time.Since(t1).Round(time.Millisecond))

		fs, err := e.M.Figures(ctx, "2021-01-01", "2021-12-20")
		if err != nil {
			t.Fatal(err)
		}
		if got := quizFigure(fs, "articles_pushed"); got != 98 {
			t.Errorf("articles_pushed %d, want the seed's 98", got)
		}
		if got := quizFigure(fs, "quizzes_held"); got != 1 {
			t.Errorf("quizzes_held %d, want 1 (November)", got)
		}
		count := func(q string) int {
			var n int
			if err := e.DB.R.QueryRowContext(ctx, q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count(`SELECT COUNT(*) FROM study_articles WHERE draft = FALSE`); n != 108 {
			t.Errorf("%d articles", n)
		}
		if n := count(`SELECT COUNT(*) FROM study_articles WHERE pushed_at IS NULL`); n != 10 {
			t.Errorf("%d not pushed, want the 10 scheduled", n)
		}
		if n := count(`SELECT COUNT(*) FROM study_quiz_questions WHERE kind <> 'blank' AND article_id IS NULL`); n != 0 {
			t.Errorf("%d choices without their article", n)
		}
		reads := count(`SELECT COUNT(*) FROM study_article_reads WHERE counted_at IS NOT NULL`)
		points := count(`SELECT COUNT(*) FROM study_points WHERE activity = 'article_read'`)
		if reads < 1000 || points < reads*9/10 {
			t.Errorf("%d counted reads, %d awards", reads, points)
		}
		t.Logf("%d counted reads, %d article awards", reads, points)

		editor := e.principal(t, "committee")
		qs, err := e.M.Quizzes(ctx, editor)
		if err != nil || len(qs) != 2 {
			t.Fatalf("quizzes %v %d", err, len(qs))
		}
		dec, nov := qs[0], qs[1]
		if dec.Month != "2021-12" || dec.Phase != QuizPhaseUpcoming || !dec.Published || nov.Phase != QuizPhaseClosed {
			t.Errorf("phases: %s %s, %s %s", dec.Month, dec.Phase, nov.Month, nov.Phase)
		}
		r, err := e.M.QuizResults(ctx, editor, nov.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		z := r.Zone
		t.Logf("November: %d of %d took part (%.1f%%), %d passed, %d full, average %.1f", z.Participants, z.Members, z.Rate, z.Passed, z.Full, z.Average)
		if z.Rate < 80 || z.Passed*10 < z.Participants*7 || z.Full == 0 || z.Passed == z.Participants {
			t.Errorf("November results %+v", z)
		}
		member := e.principal(t, "member")
		own, err := e.M.QuizView(ctx, member, nov.ID)
		if err != nil || own.Attempt == nil || own.Attempt.State != AttemptSubmitted {
			t.Errorf("the member account's November attempt: %v %+v", err, own)
		}
		if b, _, err := e.M.Verifier().Verify(ctx); err != nil || b != nil {
			t.Errorf("points chains: %v %v", err, b)
		}
	})
}
