package study

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/errs"
)

func chQuestions(n int) []ChallengeQuestionInput {
	var out []ChallengeQuestionInput
	for i := 0; i < n; i++ {
		out = append(out, ChallengeQuestionInput{Stem: fmt.Sprintf("第%d题：哪一项正确？", i+1), Options: []string{"甲", "乙", "丙", "丁"}, Answer: "B"})
	}
	return out
}

func wantKind(t *testing.T, err error, k errs.Kind, what string) {
	t.Helper()
	if errs.KindOf(err) != k {
		t.Fatalf("%s: got %v, want %s", what, err, k)
	}
}

// A whole competition: rounds written, players registered, rounds started
// and answered by the injected clock, late answers counted wrong, points at
// 5 and 10 right answers within the shared cap, a leaderboard for players
// and editors, results for everyone once published.
func TestChallengeFlow(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		ed := e.principal(t, "committee")
		me := e.principal(t, "member")
		other := e.principal(t, "member_2")
		outsider := e.principal(t, "member_3")
		admin := e.principal(t, "sysadmin")

		// Validation names the field and the rule.
		_, err := e.M.CreateChallenge(ctx, ed, ChallengeInput{Title: "赛", HeldOn: "2021-13-01", Rounds: []ChallengeRoundInput{{TimeLimitS: 5, Questions: []ChallengeQuestionInput{
			{Stem: "题目一", Options: []string{"甲", "乙", "甲", "丁"}, Answer: "E"}, {Stem: "题目二", Options: []string{"甲", "乙", "丙"}, Answer: "A"}}}}})
		l, ok := err.(errs.List)
		if !ok {
			t.Fatalf("want a list of field errors, got %v", err)
		}
		fields := map[string]bool{}
		for _, x := range l {
			fields[x.Field] = true
		}
		for _, f := range []string{"title", "held_on", "rounds[0].time_limit_s", "rounds[0].questions[0].options[2]", "rounds[0].questions[0].answer", "rounds[0].questions[1].options"} {
			if !fields[f] {
				t.Errorf("no error for %s in %v", f, l)
			}
		}
		if _, err := e.M.CreateChallenge(ctx, me, ChallengeInput{Title: "挑战赛", HeldOn: "2021-12-20"}); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("a member created a challenge: %v", err)
		}
		var n int
		e.DB.R.QueryRow(`SELECT COUNT(*) FROM study_challenges`).Scan(&n)
		if n != 0 {
			t.Fatalf("bad input left %d challenges behind", n)
		}

		id, err := e.M.CreateChallenge(ctx, ed, ChallengeInput{Title: "岁末挑战赛", HeldOn: "2021-12-20", Rounds: []ChallengeRoundInput{{TimeLimitS: 30, Questions: chQuestions(5)}}})
		if err != nil {
			t.Fatal(err)
		}
		r2, err := e.M.AddChallengeRound(ctx, ed, id, ChallengeRoundInput{TimeLimitS: 20, Questions: chQuestions(6)})
		if err != nil {
			t.Fatal(err)
		}
		// Before any answer, a learner sees no questions.
		d, err := e.M.Challenge(ctx, me, id)
		if err != nil || len(d.RoundList) != 2 || d.RoundList[0].Questions != nil || d.Questions != 11 {
			t.Fatalf("learner's view: %v %+v", err, d)
		}
		wantKind(t, e.M.SetChallengeStatus(ctx, ed, id, ChallengeOpen), errs.Conflict, "open without players")

		if n, err := e.M.RegisterChallenge(ctx, me, id, ChallengeRegistrationInput{}); err != nil || n != 1 {
			t.Fatalf("self registration: %d %v", n, err)
		}
		if n, err := e.M.RegisterChallenge(ctx, me, id, ChallengeRegistrationInput{}); err != nil || n != 0 {
			t.Fatalf("second self registration: %d %v", n, err)
		}
		if _, err := e.M.RegisterChallenge(ctx, me, id, ChallengeRegistrationInput{PersonID: other.PersonID}); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("a member registered someone else: %v", err)
		}
		wantKind(t, func() error {
			_, err := e.M.RegisterChallenge(ctx, admin, id, ChallengeRegistrationInput{})
			return err
		}(), errs.Forbidden, "administrator registering")
		if n, err := e.M.RegisterChallenge(ctx, ed, id, ChallengeRegistrationInput{PersonID: other.PersonID}); err != nil || n != 1 {
			t.Fatalf("editor registration: %d %v", n, err)
		}

		if err := e.M.SetChallengeStatus(ctx, ed, id, ChallengeOpen); err != nil {
			t.Fatal(err)
		}
		wantKind(t, func() error {
			_, err := e.M.AddChallengeRound(ctx, ed, id, ChallengeRoundInput{TimeLimitS: 20, Questions: chQuestions(1)})
			return err
		}(), errs.Conflict, "a round added while open")
		wantKind(t, func() error {
			_, err := e.M.RegisterChallenge(ctx, outsider, id, ChallengeRegistrationInput{})
			return err
		}(), errs.Conflict, "self registration after opening")

		// Rounds in order; a second start keeps the first start's time.
		wantKind(t, func() error { _, err := e.M.StartChallengeRound(ctx, me, r2); return err }(), errs.Conflict, "round 2 before round 1")
		r1 := d.RoundList[0].ID
		a, err := e.M.StartChallengeRound(ctx, me, r1)
		if err != nil || !a.New || len(a.Questions) != 5 || a.Questions[0].Answer != "" {
			t.Fatalf("start: %v %+v", err, a)
		}
		e.Clock.Advance(3 * time.Second)
		if again, err := e.M.StartChallengeRound(ctx, me, r1); err != nil || again.New || !again.StartedAt.Equal(a.StartedAt) {
			t.Fatalf("restart: %v %+v", err, again)
		}
		wantKind(t, func() error { _, err := e.M.StartChallengeRound(ctx, outsider, r1); return err }(), errs.Forbidden, "an unregistered learner starting")

		res, err := e.M.AnswerChallenge(ctx, me, id, ChallengeAnswerInput{QuestionID: a.Questions[0].ID, Choice: "ｂ"})
		if err != nil || !res.Correct || !res.InTime || res.ElapsedMS != 3000 {
			t.Fatalf("first answer: %v %+v", err, res)
		}
		wantKind(t, func() error {
			_, err := e.M.AnswerChallenge(ctx, me, id, ChallengeAnswerInput{QuestionID: a.Questions[0].ID, Choice: "C"})
			return err
		}(), errs.Conflict, "changing an answer")
		wantKind(t, func() error {
			_, err := e.M.AnswerChallenge(ctx, me, id, ChallengeAnswerInput{QuestionID: a.Questions[1].ID, Choice: "X"})
			return err
		}(), errs.Invalid, "choice X")
		wantKind(t, func() error {
			_, err := e.M.AnswerChallenge(ctx, outsider, id, ChallengeAnswerInput{QuestionID: a.Questions[1].ID, Choice: "B"})
			return err
		}(), errs.Forbidden, "an unregistered learner answering")
		for i := 1; i < 4; i++ {
			e.Clock.Advance(2 * time.Second)
			if res, err := e.M.AnswerChallenge(ctx, me, id, ChallengeAnswerInput{QuestionID: a.Questions[i].ID, Choice: "B"}); err != nil || !res.Correct {
				t.Fatalf("answer %d: %v %+v", i, err, res)
			}
		}
		// The fifth right answer earns 3 points (challenge_5).
		e.Clock.Advance(2 * time.Second)
		res, err = e.M.AnswerChallenge(ctx, me, id, ChallengeAnswerInput{QuestionID: a.Questions[4].ID, Choice: "B"})
		if err != nil || !res.Correct || !res.RoundDone || res.Points != 3 || res.ElapsedMS != 11000 {
			t.Fatalf("fifth answer: %v %+v", err, res)
		}

		// Round 2: five right in time, one right answer after the limit.
		b, err := e.M.StartChallengeRound(ctx, me, r2)
		if err != nil {
			t.Fatal(err)
		}
		var pts int
		for i := 0; i < 5; i++ {
			e.Clock.Advance(3 * time.Second)
			res, err := e.M.AnswerChallenge(ctx, me, id, ChallengeAnswerInput{QuestionID: b.Questions[i].ID, Choice: "B"})
			if err != nil || !res.Correct {
				t.Fatalf("round 2 answer %d: %v %+v", i, err, res)
			}
			pts += res.Points
		}
		if pts != 3 {
			t.Fatalf("reaching 10 right answers earned %d more points, want 3 (cap 6 shared with challenge_5)", pts)
		}
		e.Clock.Advance(6 * time.Second) // 21 s after the start of a 20 s round
		res, err = e.M.AnswerChallenge(ctx, me, id, ChallengeAnswerInput{QuestionID: b.Questions[5].ID, Choice: "B"})
		if err != nil || res.Correct || res.InTime {
			t.Fatalf("late answer: %v %+v", err, res)
		}
		day := "2021-12-20"
		if got, _ := e.M.PointsOf(ctx, me.PersonID, day, day); got != 6 {
			t.Fatalf("points %d, want 6", got)
		}

		// The other player answers two questions, then stops.
		c, _ := e.M.StartChallengeRound(ctx, other, r1)
		for i := 0; i < 2; i++ {
			e.Clock.Advance(time.Second)
			if _, err := e.M.AnswerChallenge(ctx, other, id, ChallengeAnswerInput{QuestionID: c.Questions[i].ID, Choice: "A"}); err != nil {
				t.Fatal(err)
			}
		}
		pl, err := e.M.ChallengePlay(ctx, other, id)
		if err != nil || pl.Current == nil || pl.Current.Index != 3 || pl.Current.Question.Answer != "" {
			t.Fatalf("play: %v %+v", err, pl)
		}

		// Leaderboard: players and editors before publication.
		if _, err := e.M.ChallengeBoard(ctx, outsider, id); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("an outsider saw the live board: %v", err)
		}
		brd, err := e.M.ChallengeBoard(ctx, other, id)
		if err != nil || !brd.Live || len(brd.Standings) != 2 {
			t.Fatalf("board: %v %+v", err, brd)
		}
		top := brd.Standings[0]
		// 10 right; round 1 took 11 s; round 2 ran over, so it counts its 20 s.
		if top.PersonID != me.PersonID || top.Correct != 10 || top.Answered != 11 || top.TimeMS != 31_000 || top.Rank != 1 {
			t.Fatalf("leader %+v", top)
		}
		if s := brd.Standings[1]; s.Correct != 0 || s.TimeMS != 50_000 || s.Rank != 2 {
			t.Fatalf("second %+v", s)
		}
		if _, err := e.M.ChallengeResults(ctx, me, id); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("results before publication: %v", err)
		}
		if err := e.M.SetChallengeStatus(ctx, ed, id, ChallengePublished); err != nil {
			t.Fatal(err)
		}
		wantKind(t, e.M.SetChallengeStatus(ctx, ed, id, ChallengePublished), errs.Conflict, "publishing twice")
		wantKind(t, func() error {
			_, err := e.M.AnswerChallenge(ctx, other, id, ChallengeAnswerInput{QuestionID: c.Questions[2].ID, Choice: "B"})
			return err
		}(), errs.Conflict, "an answer after publication")
		resu, err := e.M.ChallengeResults(ctx, outsider, id)
		if err != nil || len(resu.Standings) != 2 || resu.Live {
			t.Fatalf("results for everyone: %v %+v", err, resu)
		}
		if d, _ := e.M.Challenge(ctx, outsider, id); d.RoundList[0].Questions[0].Answer != "B" {
			t.Fatal("answers not shown after publication")
		}
		fs, err := e.M.Figures(ctx, "2021-01-01", "2021-12-31")
		if err != nil {
			t.Fatal(err)
		}
		if v := figureValue(fs, "challenge_players"); v != 2 {
			t.Fatalf("challenge_players = %d", v)
		}
		if v, _ := e.M.Figures(ctx, "2022-01-01", "2022-12-31"); figureValue(v, "challenge_players") != 0 {
			t.Fatal("players counted outside the range")
		}
		var audits int
		e.DB.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action LIKE 'study.challenge.%'`).Scan(&audits)
		if audits != 5 { // create, round add, register (editor), open, publish
			t.Fatalf("%d audit entries", audits)
		}
	})
}

func figureValue(fs []Figure, key string) int {
	for _, f := range fs {
		if f.Key == key {
			return f.Value
		}
	}
	return -1
}

// Rounds can be deleted before the challenge opens; later ones move up.
func TestChallengeDeleteRound(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		ed := e.principal(t, "committee")
		id, err := e.M.CreateChallenge(ctx, ed, ChallengeInput{Title: "轮次测试", HeldOn: "2021-12-21", Rounds: []ChallengeRoundInput{
			{TimeLimitS: 30, Questions: chQuestions(1)}, {TimeLimitS: 40, Questions: chQuestions(2)}, {TimeLimitS: 50, Questions: chQuestions(3)}}})
		if err != nil {
			t.Fatal(err)
		}
		d, _ := e.M.Challenge(ctx, ed, id)
		if cid, err := e.M.DeleteChallengeRound(ctx, ed, d.RoundList[0].ID); err != nil || cid != id {
			t.Fatal(err)
		}
		d, _ = e.M.Challenge(ctx, ed, id)
		if len(d.RoundList) != 2 || d.RoundList[0].No != 1 || d.RoundList[0].TimeLimitS != 40 || d.RoundList[1].No != 2 || d.Questions != 5 {
			t.Fatalf("after delete: %+v", d.RoundList)
		}
		if _, err := e.M.DeleteChallengeRound(ctx, e.principal(t, "member"), d.RoundList[0].ID); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("member deleted a round: %v", err)
		}
	})
}

// The demo: the 2021-11-25 challenge, 3 rounds × 5 questions, 32 players
// who all played every question, results published, the same every load.
func TestChallengeDemo(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		start := time.Now()
		if err := loadChallengeDemo(e.M, ctx); err != nil {
			t.Fatal(err)
		}
		t.Logf("challenge demo loaded in %v", time.Since(start))
		p := e.principal(t, "member")
		cs, err := e.M.Challenges(ctx, p)
		if err != nil || len(cs) != 1 {
			t.Fatalf("%v %+v", err, cs)
		}
		c := cs[0]
		if c.HeldOn != "2021-11-25" || c.Rounds != 3 || c.Questions != 15 || c.Players != 32 || c.Status != ChallengePublished || !c.Registered {
			t.Fatalf("demo challenge %+v", c)
		}
		res, err := e.M.ChallengeResults(ctx, e.principal(t, "village_secretary"), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range res.Standings {
			if s.Answered != 15 || s.Finished.IsZero() {
				t.Errorf("player %s answered %d", s.Name, s.Answered)
			}
		}
		if res.Standings[0].Rank != 1 || res.Standings[0].Correct < res.Standings[31].Correct {
			t.Fatalf("standings %+v", res.Standings)
		}
		var names []string
		for _, s := range res.Standings[:5] {
			names = append(names, fmt.Sprintf("%s:%d:%d", s.Name, s.Correct, s.TimeMS))
		}
		t.Logf("top five: %s", strings.Join(names, " "))
		fs, _ := e.M.Figures(ctx, "2021-01-01", "2021-12-20")
		if v := figureValue(fs, "challenge_players"); v != 32 {
			t.Fatalf("challenge_players = %d", v)
		}
		var earned int
		e.DB.R.QueryRow(e.DB.Rebind(`SELECT COALESCE(SUM(points), 0) FROM study_points WHERE ref_type = 'challenge' AND ref_id = ?`), c.ID).Scan(&earned)
		if earned == 0 {
			t.Fatal("no challenge points in the demo")
		}
		var over int
		e.DB.R.QueryRow(`SELECT COUNT(*) FROM (SELECT person_id FROM study_points WHERE activity IN ('challenge_5', 'challenge_10') GROUP BY person_id, day HAVING SUM(points) > 6) x`).Scan(&over)
		if over != 0 {
			t.Fatalf("%d players over the daily cap", over)
		}
	})
}

// An account linked to no person may look, but not take part: 403 with a
// message that says why.
func TestChallengeNeedsPerson(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		if _, err := e.M.Auth.CreateUser(ctx, auth.NewUser{Username: "no_person", Password: "NoPerson#2021", Grants: []auth.Grant{{Role: auth.Committee, ScopeKind: auth.ScopeZone}}}); err != nil {
			t.Fatal(err)
		}
		p, _, err := e.M.Auth.Login(ctx, "no_person", "NoPerson#2021", "127.0.0.1", "test")
		if err != nil {
			t.Fatal(err)
		}
		id, err := e.M.CreateChallenge(ctx, p, ChallengeInput{Title: "无人员账号测试", HeldOn: "2021-12-20"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.Challenges(ctx, p); err != nil {
			t.Fatalf("looking: %v", err)
		}
		_, err = e.M.RegisterChallenge(ctx, p, id, ChallengeRegistrationInput{})
		if e := errs.As(err); e == nil || e.Kind != errs.Forbidden || !strings.Contains(e.Zh, "未关联人员") {
			t.Fatalf("registering without a person: %v", err)
		}
		if _, err := e.M.Submit(ctx, p, 1, SubmissionInput{Title: "心得", Body: "一段足够长的心得体会正文。"}); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("submitting without a person: %v", err)
		}
	})
}
