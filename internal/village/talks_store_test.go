package village

import (
	"testing"

	"zhongshu/internal/platform/errs"
)

// Issue 5 item 6 on both stores: discipline records talks in its
// villages; a secretary reads only their own; the compliance view flags
// secretaries without a talk this year and talks not relayed.
func TestTalksStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := t.Context()
		sec, sec2 := e.principal(t, "village_secretary"), e.principal(t, "village_secretary_2")
		dis, dis2 := e.principal(t, "discipline"), e.principal(t, "discipline_2") // zone; 后屯村、北孙村、南李村
		sup := e.principal(t, "village_supervisor")
		v1, v2 := secVillage(t, sec), secVillage(t, sec2)

		id, err := e.M.CreateTalk(ctx, dis, TalkInput{VillageID: v1, TalkerName: "卢博辉", HeldOn: "2021-03-18", Summary: "提醒严格执行“四议两公开”。"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.CreateTalk(ctx, dis2, TalkInput{VillageID: v1, TalkerName: "卢博辉", HeldOn: "2021-03-18", Summary: "越权记录"}); svKind(err) != errs.NotFound {
			t.Fatalf("discipline outside its villages: %v", err)
		}
		if _, err := e.M.CreateTalk(ctx, sec, TalkInput{VillageID: v1, TalkerName: "某人", HeldOn: "2021-03-18", Summary: "自己记录"}); svKind(err) != errs.Forbidden {
			t.Fatalf("a secretary recording talks: %v", err)
		}
		for _, in := range []TalkInput{
			{VillageID: v2, TalkerName: "王成强", HeldOn: "2021-12-21", Summary: "未来的谈话"},                           // after today
			{VillageID: v2, TalkerName: "王成强", HeldOn: "2021-05-20", Summary: "传达早于谈话", RelayedOn: "2021-05-19"}, // relay before talk
			{VillageID: v2, TalkerID: sec2.PersonID, HeldOn: "2021-05-20", Summary: "自己和自己谈话"},
			{VillageID: v1, SubjectID: sec2.PersonID, TalkerName: "王成强", HeldOn: "2021-05-20", Summary: "对象不是本村书记"},
		} {
			if _, err := e.M.CreateTalk(ctx, dis, in); svKind(err) != errs.Invalid {
				t.Fatalf("%+v: %v", in, err)
			}
		}
		t1, err := e.M.Talk(ctx, sec, id)
		if err != nil || t1.SubjectID != sec.PersonID || t1.RelayedOn != "" {
			t.Fatalf("own talk: %+v %v", t1, err)
		}
		id2, err := e.M.CreateTalk(ctx, dis, TalkInput{VillageID: v2, TalkerName: "王成强", HeldOn: "2021-05-20", Summary: "提醒规范集体资产租赁。", RelayedOn: "2021-05-21"})
		if err != nil {
			t.Fatal(err)
		}
		// Another secretary's talk is "not found", by id and in lists.
		if _, err := e.M.Talk(ctx, sec, id2); svKind(err) != errs.NotFound {
			t.Fatalf("another secretary's talk: %v", err)
		}
		if _, err := e.M.Talk(ctx, sup, id); svKind(err) != errs.Forbidden {
			t.Fatalf("supervisor reading talks: %v", err)
		}
		ts, err := e.M.Talks(ctx, sec, 2021)
		if err != nil || len(ts) != 1 || ts[0].ID != id {
			t.Fatalf("secretary's list: %+v %v", ts, err)
		}
		if ts, _ := e.M.Talks(ctx, dis2, 2021); len(ts) != 0 {
			t.Fatalf("discipline_2 sees talks outside its villages: %+v", ts)
		}
		// Relay: not before the talk, once.
		if err := e.M.RelayTalk(ctx, dis, id, "2021-03-17"); svKind(err) != errs.Invalid {
			t.Fatalf("relay before the talk: %v", err)
		}
		if err := e.M.RelayTalk(ctx, dis2, id, "2021-03-22"); svKind(err) != errs.NotFound {
			t.Fatalf("relay out of scope: %v", err)
		}
		rows, err := e.M.TalksCompliance(ctx, dis, 2021)
		if err != nil || len(rows) != 7 {
			t.Fatalf("compliance %d %v", len(rows), err)
		}
		flagged := 0
		for _, r := range rows {
			if r.NoTalk {
				flagged++
			}
			if r.VillageID == v1 && (r.NoTalk || r.Unrelayed != 1) {
				t.Fatalf("village 1: %+v", r)
			}
		}
		if flagged != 5 {
			t.Fatalf("flagged %d, want 5 of 7", flagged)
		}
		if err := e.M.RelayTalk(ctx, dis, id, "2021-03-22"); err != nil {
			t.Fatal(err)
		}
		if err := e.M.RelayTalk(ctx, dis, id, "2021-03-23"); svKind(err) != errs.Conflict {
			t.Fatalf("second relay: %v", err)
		}
		rows, _ = e.M.TalksCompliance(ctx, dis2, 2021)
		if len(rows) != 3 {
			t.Fatalf("discipline_2 compliance covers %d villages, want 3", len(rows))
		}
	})
}

// Issue 5 item 7 on both stores: meetings and trainings with their flags.
func TestWarningStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := t.Context()
		dis, dis2, sec := e.principal(t, "discipline"), e.principal(t, "discipline_2"), e.principal(t, "village_secretary")
		w, err := e.M.WarningYear(ctx, sec, 2021)
		if err != nil || !w.Flags.NoMeeting {
			t.Fatalf("empty year: %+v %v", w, err)
		}
		if _, err := e.M.CreateWarningMeeting(ctx, sec, WarningMeetingInput{HeldOn: "2021-04-16", Title: "警示教育大会", Expected: 10, Present: 9}); svKind(err) != errs.Forbidden {
			t.Fatalf("secretary recording: %v", err)
		}
		if _, err := e.M.CreateWarningMeeting(ctx, dis, WarningMeetingInput{HeldOn: "2021-04-16", Title: "警示教育大会", Expected: 10, Present: 11}); svKind(err) != errs.Invalid {
			t.Fatalf("present above expected: %v", err)
		}
		// discipline_2 covers three villages: not a zone-wide meeting.
		if _, err := e.M.CreateWarningMeeting(ctx, dis2, WarningMeetingInput{HeldOn: "2021-04-16", Title: "警示教育大会", Expected: 10, Present: 10}); svKind(err) != errs.NotFound {
			t.Fatalf("zone meeting by a village-scoped inspector: %v", err)
		}
		if _, err := e.M.CreateWarningMeeting(ctx, dis, WarningMeetingInput{HeldOn: "2021-04-16", Title: "全区警示教育大会", Expected: 64, Present: 64}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.CreateWarningTraining(ctx, dis, WarningTrainingInput{HeldOn: "2021-03-25", Title: "履职培训", HasLesson: true}); svKind(err) != errs.Invalid {
			t.Fatalf("lesson without a title: %v", err)
		}
		if _, err := e.M.CreateWarningTraining(ctx, dis, WarningTrainingInput{HeldOn: "2021-03-25", Title: "履职培训", HasLesson: true, LessonTitle: "以案为鉴"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.CreateWarningTraining(ctx, dis, WarningTrainingInput{HeldOn: "2021-11-18", Title: "产业发展培训"}); err != nil {
			t.Fatal(err)
		}
		w, err = e.M.WarningYear(ctx, sec, 2021)
		if err != nil || w.Flags.NoMeeting || len(w.Flags.WithoutLesson) != 1 || w.Flags.WithoutLesson[0].Title != "产业发展培训" {
			t.Fatalf("flags: %+v %v", w.Flags, err)
		}
		if w, _ := e.M.WarningYear(ctx, sec, 2020); !w.Flags.NoMeeting {
			t.Fatal("2020 had no meeting")
		}
	})
}
