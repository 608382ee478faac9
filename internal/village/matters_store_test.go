package village

import (
	"testing"

	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/errs"
)

// Issue 5 item 5 on both stores: list → progress → ask to close → verify,
// refusals (the responsible person verifying, unsatisfied villagers, steps
// out of order, another village), the append-only timeline, and the public
// board.
func TestMattersStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := t.Context()
		sec := e.principal(t, "village_secretary")    // 东王村
		sec2 := e.principal(t, "village_secretary_2") // 西马庄村
		sup := e.principal(t, "village_supervisor")
		com := e.principal(t, "committee")
		v1, v2 := secVillage(t, sec), secVillage(t, sec2)

		// The supervisor is made responsible: they must not verify it.
		in := MatterInput{Title: "村东主街路灯维修", RaisedBy: "村民代表", RaisedOn: "2021-12-01", Solution: "更换损坏灯具", ResponsibleID: sup.PersonID, Deadline: "2021-12-15"}
		id, err := e.M.CreateMatter(ctx, sec, v1, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.CreateMatter(ctx, sec, v2, in); svKind(err) != errs.NotFound {
			t.Fatalf("another village's board: %v", err)
		}
		bad := in
		bad.Deadline, bad.Solution = "2021-11-30", ""
		if _, err := e.M.CreateMatter(ctx, sec, v1, bad); svKind(err) != errs.Invalid {
			t.Fatalf("deadline before raised, no solution: %v", err)
		}
		other := in
		other.ResponsibleID = sec2.PersonID // 西马庄村's secretary
		if _, err := e.M.CreateMatter(ctx, sec, v1, other); svKind(err) != errs.Invalid {
			t.Fatalf("responsible person from another village: %v", err)
		}
		if _, err := e.M.Matter(ctx, sec2, id); svKind(err) != errs.NotFound {
			t.Fatalf("IDOR read: %v", err)
		}
		if err := e.M.MatterAct(ctx, sec2, id, MatterActProgress, MatterStep{Body: "越权更新"}); svKind(err) != errs.NotFound {
			t.Fatalf("IDOR write: %v", err)
		}
		if err := e.M.MatterAct(ctx, sec, id, MatterActCloseRequest, MatterStep{Body: "已办结"}); svKind(err) != errs.Conflict {
			t.Fatalf("close before progress: %v", err)
		}
		if err := e.M.MatterAct(ctx, sec, id, MatterActProgress, MatterStep{Day: "2021-12-05", Body: "灯具已采购"}); err != nil {
			t.Fatal(err)
		}
		if err := e.M.MatterAct(ctx, sec, id, MatterActProgress, MatterStep{Day: "2021-11-30", Body: "早于挂牌"}); svKind(err) != errs.Invalid {
			t.Fatalf("progress before raised: %v", err)
		}
		if err := e.M.MatterAct(ctx, sec, id, MatterActCloseRequest, MatterStep{Body: "全部更换完毕"}); err != nil {
			t.Fatal(err)
		}
		// The demo clock is 2021-12-20: the deadline 12-15 has passed.
		m1, err := e.M.Matter(ctx, sec, id)
		if err != nil || !m1.Overdue || m1.Status != MatterCloseRequested || len(m1.Events) != 3 {
			t.Fatalf("matter %+v %v", m1, err)
		}
		// Secretaries do not verify; the responsible supervisor may not.
		if err := e.M.MatterAct(ctx, sec, id, MatterActVerifyPass, MatterStep{Evaluation: "satisfied"}); svKind(err) != errs.Forbidden {
			t.Fatalf("secretary verifying: %v", err)
		}
		if err := e.M.MatterAct(ctx, sup, id, MatterActVerifyPass, MatterStep{Evaluation: "satisfied"}); svKind(err) != errs.Conflict {
			t.Fatalf("responsible person verifying: %v", err)
		}
		if err := e.M.MatterAct(ctx, com, id, MatterActVerifyPass, MatterStep{}); svKind(err) != errs.Invalid {
			t.Fatalf("verification without evaluation: %v", err)
		}
		if err := e.M.MatterAct(ctx, com, id, MatterActVerifyPass, MatterStep{Evaluation: "unsatisfied"}); svKind(err) != errs.Conflict {
			t.Fatalf("closing against unsatisfied villagers: %v", err)
		}
		if err := e.M.MatterAct(ctx, com, id, MatterActVerifyFail, MatterStep{Evaluation: "unsatisfied", Body: "仍有 2 盏不亮"}); err != nil {
			t.Fatal(err)
		}
		if err := e.M.MatterAct(ctx, sec, id, MatterActCloseRequest, MatterStep{Body: "补修完成"}); err != nil {
			t.Fatal(err)
		}
		if err := e.M.MatterAct(ctx, com, id, MatterActVerifyPass, MatterStep{Evaluation: "satisfied", Body: "现场查看全部正常"}); err != nil {
			t.Fatal(err)
		}
		m1, _ = e.M.Matter(ctx, com, id)
		if m1.Status != MatterClosed || m1.Overdue || !m1.ClosedLate || m1.Evaluation != "satisfied" || len(m1.Events) != 6 {
			t.Fatalf("closed: %+v", m1)
		}
		if err := e.M.MatterAct(ctx, sec, id, MatterActProgress, MatterStep{Body: "再更新"}); svKind(err) != errs.Conflict {
			t.Fatalf("progress on a closed matter: %v", err)
		}
		// The timeline is append-only in the database itself.
		if _, err := e.DB.Q(ctx).ExecContext(ctx, `UPDATE matters_events SET body = 'x' WHERE matter_id = ?`, id); err == nil {
			t.Fatal("a timeline row was updated")
		}
		if _, err := e.DB.Q(ctx).ExecContext(ctx, `DELETE FROM matters_events WHERE matter_id = ?`, id); err == nil {
			t.Fatal("a timeline row was deleted")
		}
		// The public board keeps the closed matter with its timeline, names
		// the responsible person but not their internal id.
		b, err := loadMattersBoard(e.M, ctx, v1)
		if err != nil {
			t.Fatal(err)
		}
		board := b.(*MattersBoard)
		if len(board.Closed) != 1 || len(board.Closed[0].Events) != 6 || board.Closed[0].ResponsibleID != 0 || board.Closed[0].Responsible == "" {
			t.Fatalf("board %+v", board)
		}
	})
}

// secVillage is the village of a village-scoped principal.
func secVillage(t *testing.T, p *auth.Principal) int64 {
	t.Helper()
	for _, g := range p.Grants {
		if g.ScopeKind == auth.ScopeVillage {
			return g.ScopeID
		}
	}
	t.Fatalf("%s has no village", p.Username)
	return 0
}

// The demo boards: an overdue matter leads 东王村's board and is an alert
// on the electronic screen.
func TestMattersDemoBoard(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := t.Context()
		if err := loadMattersDemo(e.M, ctx); err != nil {
			t.Fatal(err)
		}
		v1 := secVillage(t, e.principal(t, "village_secretary"))
		ms, err := e.M.PublicMatters(ctx, v1)
		if err != nil || len(ms) != 4 {
			t.Fatalf("%d matters, %v", len(ms), err)
		}
		if !ms[0].Overdue || ms[0].Title != "村西排水沟清淤" || ms[3].Status != MatterClosed {
			t.Fatalf("board order: %+v", ms)
		}
		slides, err := mattersSlides(e.M, ctx, v1)
		if err != nil || len(slides) != 3 || !slides[0].Alert || slides[1].Alert {
			t.Fatalf("slides %+v %v", slides, err)
		}
	})
}

// svKind is an error's kind, a field list counting as its first error's.
func svKind(err error) errs.Kind {
	if l, ok := err.(errs.List); ok && len(l) > 0 {
		return l[0].Kind
	}
	return errs.KindOf(err)
}
