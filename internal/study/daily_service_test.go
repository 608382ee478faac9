package study

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

// zoneAt is a zone-time instant on a zone day.
func zoneAt(day string, h, m int) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, day, clock.Zone)
	if err != nil {
		panic(err)
	}
	return t.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
}

// schedule puts a sentence on a day directly (the service refuses days
// that have begun, which is what tests of today need).
func (e *testEnv) schedule(t testing.TB, day, text string, phrases ...string) int64 {
	t.Helper()
	var id int64
	err := e.DB.InTx(context.Background(), func(ctx context.Context, tx *db.Tx) error {
		var err error
		id, err = dailyInsertSentence(ctx, tx, SentenceInput{Day: day, Text: text, Source: "《测试用出处》", KeyPhrases: phrases}, e.Clock.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (e *testEnv) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.DB.Q(context.Background()).QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func kindOf(err error) errs.Kind {
	var l errs.List
	if errors.As(err, &l) {
		return errs.Invalid
	}
	return errs.KindOf(err)
}

// Editors schedule future days only; a day that has begun is history.
func TestSentenceSchedule(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		com, mem := e.principal(t, "committee"), e.principal(t, "member")
		in := SentenceInput{Day: "2021-12-21", Text: "星星之火，可以燎原。", Source: "毛泽东《星星之火，可以燎原》", KeyPhrases: []string{"燎原", "星星之火"}}
		if _, err := e.M.CreateSentence(ctx, mem, in); kindOf(err) != errs.Forbidden {
			t.Fatalf("a member scheduled a sentence: %v", err)
		}
		id, err := e.M.CreateSentence(ctx, com, in)
		if err != nil {
			t.Fatal(err)
		}
		s, _ := e.M.Sentence(ctx, com, id)
		if s.Day != "2021-12-21" || strings.Join(s.KeyPhrases, "|") != "星星之火|燎原" {
			t.Fatalf("stored %+v", s)
		}
		if _, err := e.M.CreateSentence(ctx, com, in); kindOf(err) != errs.Conflict || !strings.Contains(errs.As(err).Zh, "已编排金句") {
			t.Fatalf("a second sentence on one day: %v", err)
		}
		past := in
		past.Day = "2021-12-20"
		if _, err := e.M.CreateSentence(ctx, com, past); kindOf(err) != errs.Invalid {
			t.Fatalf("today scheduled: %v", err)
		}
		bad := in
		bad.KeyPhrases = []string{"燎原", "初心"}
		if _, err := e.M.CreateSentence(ctx, com, bad); kindOf(err) != errs.Invalid {
			t.Fatalf("a key phrase outside the text accepted: %v", err)
		}
		// Edit and move a future day.
		in.Text, in.Day = "星星之火，可以燎原！", "2021-12-22"
		if err := e.M.UpdateSentence(ctx, com, id, in); err != nil {
			t.Fatal(err)
		}
		if s, _ := e.M.Sentence(ctx, com, id); s.Day != "2021-12-22" || s.Text != in.Text {
			t.Fatalf("after update %+v", s)
		}
		// Today's sentence is history: no change, no delete.
		today := e.schedule(t, "2021-12-20", "学史明理、学史增信、学史崇德、学史力行。", "学史明理")
		in.Day = "2021-12-23"
		if err := e.M.UpdateSentence(ctx, com, today, in); kindOf(err) != errs.Conflict || !strings.Contains(errs.As(err).Zh, "历史记录") {
			t.Fatalf("today's sentence changed: %v", err)
		}
		if err := e.M.DeleteSentence(ctx, com, today); kindOf(err) != errs.Conflict {
			t.Fatalf("today's sentence deleted: %v", err)
		}
		// A future day moved onto a taken day.
		other := e.schedule(t, "2021-12-25", "空谈误国，实干兴邦。", "实干兴邦")
		in.Day = "2021-12-25"
		if err := e.M.UpdateSentence(ctx, com, id, in); kindOf(err) != errs.Conflict {
			t.Fatalf("moved onto a taken day: %v", err)
		}
		if err := e.M.DeleteSentence(ctx, com, other); err != nil {
			t.Fatal(err)
		}
		if err := e.M.DeleteSentence(ctx, com, 999999); kindOf(err) != errs.NotFound {
			t.Fatalf("delete unknown: %v", err)
		}
		// The month calendar: days, gaps, today.
		mo, err := e.M.SentencesOfMonth(ctx, com, "2021-12")
		if err != nil {
			t.Fatal(err)
		}
		if len(mo.Days) != 31 || mo.Scheduled != 2 || mo.Gaps != 10 || len(mo.Weeks) != 5 || mo.Weeks[0][2].Day != "2021-12-01" || mo.Days[19].Sentence == nil || !mo.Days[19].Today {
			t.Fatalf("calendar: %d days, %d scheduled, %d gaps, %d weeks", len(mo.Days), mo.Scheduled, mo.Gaps, len(mo.Weeks))
		}
		if _, err := e.M.SentencesOfMonth(ctx, com, "2021-13"); kindOf(err) != errs.Invalid {
			t.Fatalf("bad month: %v", err)
		}
		for _, a := range []string{"study.sentence.create", "study.sentence.update", "study.sentence.delete"} {
			if n := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = ?`, a); n != 1 {
				t.Errorf("%d audit entries %s", n, a)
			}
		}
	})
}

// Check-in by reading and by reciting: one row per member per zone day; a
// repeat changes nothing; a wrong recitation names the blank and does not
// check in; reciting after reading upgrades the row and earns the
// recitation points; points go to the ledger.
func TestCheckin(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		mem, mem2 := e.principal(t, "member"), e.principal(t, "member_2")
		if _, err := e.M.Today(ctx, mem); kindOf(err) != errs.NotFound {
			t.Fatalf("no sentence: %v", err)
		}
		if _, err := e.M.CheckIn(ctx, mem, CheckinInput{Mode: CheckinRead}); kindOf(err) != errs.NotFound {
			t.Fatalf("check-in without a sentence: %v", err)
		}
		e.schedule(t, "2021-12-20", "我国脱贫攻坚战取得了全面胜利，现行标准下9899万农村贫困人口全部脱贫。", "全面胜利", "9899万")
		td, err := e.M.Today(ctx, mem)
		if err != nil {
			t.Fatal(err)
		}
		if td.Blanks != 2 || td.CheckedIn || td.Cloze != "我国脱贫攻坚战取得了____，现行标准下____农村贫困人口全部脱贫。" || strings.Contains(td.Cloze, "全面胜利") {
			t.Fatalf("today %+v", td)
		}
		if _, err := e.M.CheckIn(ctx, mem, CheckinInput{Mode: "sing"}); kindOf(err) != errs.Invalid {
			t.Fatalf("bad mode: %v", err)
		}
		r, err := e.M.CheckIn(ctx, mem, CheckinInput{Mode: CheckinRead})
		if err != nil || !r.New || r.Repeat || r.Points != 1 || r.Streak != 1 {
			t.Fatalf("read: %+v %v", r, err)
		}
		r, err = e.M.CheckIn(ctx, mem, CheckinInput{Mode: CheckinRead})
		if err != nil || r.New || !r.Repeat || r.Points != 0 {
			t.Fatalf("repeat: %+v %v", r, err)
		}
		r.Localize("zh-CN")
		if !strings.Contains(r.Message, "不重复计入") {
			t.Fatalf("repeat message %q", r.Message)
		}
		_, err = e.M.CheckIn(ctx, mem, CheckinInput{Mode: CheckinRecite, Answers: []string{"全面胜利", "9999万"}})
		var l errs.List
		if !errors.As(err, &l) || len(l) != 1 || l[0].Field != "answers[1]" || l[0].Zh != "第 2 个空填写有误" || l[0].En != "blank 2 is wrong" {
			t.Fatalf("wrong recitation: %v", err)
		}
		if e.count(t, `SELECT COUNT(*) FROM study_checkins WHERE mode = 'recite'`) != 0 {
			t.Fatal("a wrong recitation was recorded")
		}
		r, err = e.M.CheckIn(ctx, mem, CheckinInput{Mode: CheckinRecite, Answers: []string{"全面胜利！", "９８９９万"}})
		if err != nil || r.New || !r.Upgraded || r.Points != 2 || r.Mode != CheckinRecite {
			t.Fatalf("upgrade: %+v %v", r, err)
		}
		r, err = e.M.CheckIn(ctx, mem, CheckinInput{Mode: CheckinRecite, Answers: []string{"x", "y"}})
		if err != nil || !r.Repeat {
			t.Fatalf("recite after recite: %+v %v", r, err)
		}
		// Reciting first earns reading and reciting.
		r, err = e.M.CheckIn(ctx, mem2, CheckinInput{Mode: CheckinRecite, Answers: []string{"全面胜利", "9899万"}})
		if err != nil || !r.New || r.Points != 3 {
			t.Fatalf("recite first: %+v %v", r, err)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM study_checkins`); n != 2 {
			t.Fatalf("%d check-in rows", n)
		}
		for _, p := range []*auth.Principal{mem, mem2} {
			if pts, _ := e.M.PointsOf(ctx, p.PersonID, "2021-12-20", "2021-12-20"); pts != 3 {
				t.Fatalf("person %d has %d points", p.PersonID, pts)
			}
		}
		if b, n, err := e.M.Verifier().Verify(ctx); err != nil || b != nil || n != 4 {
			t.Fatalf("ledger: %v %v %d", err, b, n)
		}
		// Check-ins are not audited (their own record), the ledger is.
		if n := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE object_type = 'study_checkins'`); n != 0 {
			t.Fatalf("%d audit entries for check-ins", n)
		}
		// A principal with no person cannot learn.
		nobody := &auth.Principal{UserID: 999, Username: "x", Grants: []auth.Grant{{Role: auth.Member, ScopeKind: auth.ScopeBranch, ScopeID: 3}}}
		if _, err := e.M.CheckIn(ctx, nobody, CheckinInput{Mode: CheckinRead}); kindOf(err) != errs.Forbidden || !strings.Contains(errs.As(err).Zh, "没有关联到人员") {
			t.Fatalf("no person: %v", err)
		}
		// Administrators do not learn (三员分立).
		if _, err := e.M.Today(ctx, e.principal(t, "sysadmin")); kindOf(err) != errs.Forbidden {
			t.Fatalf("sysadmin: %v", err)
		}
	})
}

// A check-in at 23:59 and one at 00:01 zone time land on two days; the
// streak follows; progress counts the points.
func TestCheckinZoneDays(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		mem := e.principal(t, "member")
		e.schedule(t, "2021-12-20", "空谈误国，实干兴邦。", "实干兴邦")
		e.schedule(t, "2021-12-21", "发展才是硬道理。", "硬道理")
		e.Clock.Set(zoneAt("2021-12-20", 23, 59))
		r1, err := e.M.CheckIn(ctx, mem, CheckinInput{Mode: CheckinRead})
		if err != nil || !r1.New || r1.Day != "2021-12-20" {
			t.Fatalf("23:59: %+v %v", r1, err)
		}
		e.Clock.Advance(2 * time.Minute)
		r2, err := e.M.CheckIn(ctx, mem, CheckinInput{Mode: CheckinRead})
		if err != nil || !r2.New || r2.Day != "2021-12-21" || r2.Streak != 2 {
			t.Fatalf("00:01: %+v %v", r2, err)
		}
		// In UTC both are the same calendar day (15:59 and 16:01).
		if e.Clock.Now().UTC().Format(time.DateOnly) != "2021-12-20" {
			t.Fatal("the test no longer straddles a zone midnight inside one UTC day")
		}
		p, err := e.M.ProgressOf(ctx, mem, "zh-CN")
		if err != nil {
			t.Fatal(err)
		}
		if p.Streak != 2 || !p.CheckedIn || p.PointsToday != 1 || p.PointsWeek != 2 || p.PointsTotal != 2 || len(p.Last7) != 7 ||
			p.Last7[6].Day != "2021-12-21" || p.Last7[5].Mode != CheckinRead || p.Last7[4].Mode != "" || p.Last7[6].Weekday != "周二" {
			t.Fatalf("progress %+v", p)
		}
		// Two days later, before checking in, the streak has lapsed.
		e.Clock.Set(zoneAt("2021-12-23", 8, 0))
		if p, _ := e.M.ProgressOf(ctx, mem, "en"); p.Streak != 0 || p.CheckedIn {
			t.Fatalf("lapsed streak %+v", p)
		}
	})
}

// A member reads only their own record (another member's id is 404 and an
// audited denial); the committee reads anyone's.
func TestCheckinRecords(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		mem, mem2, com := e.principal(t, "member"), e.principal(t, "member_2"), e.principal(t, "committee")
		e.schedule(t, "2021-12-19", "发展才是硬道理。", "硬道理")
		e.schedule(t, "2021-12-20", "空谈误国，实干兴邦。", "实干兴邦")
		e.Clock.Set(zoneAt("2021-12-19", 8, 0))
		if _, err := e.M.CheckIn(ctx, mem, CheckinInput{Mode: CheckinRead}); err != nil {
			t.Fatal(err)
		}
		e.Clock.Set(zoneAt("2021-12-20", 8, 0))
		if _, err := e.M.CheckIn(ctx, mem, CheckinInput{Mode: CheckinRecite, Answers: []string{"实干兴邦"}}); err != nil {
			t.Fatal(err)
		}
		own, err := e.M.Checkins(ctx, mem, 0, "2021-12-01", "2021-12-31")
		if err != nil || own.Total != 2 || own.Member != mem.PersonID || own.Items[1].Mode != CheckinRecite || own.Items[1].RecitedAt == nil || own.Streak != 2 {
			t.Fatalf("own record %+v %v", own, err)
		}
		denied := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'access.denied'`)
		if _, err := e.M.Checkins(ctx, mem2, mem.PersonID, "", ""); kindOf(err) != errs.NotFound {
			t.Fatalf("another member's record: %v", err)
		}
		if e.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'access.denied'`) != denied+1 {
			t.Fatal("the denial was not audited")
		}
		if r, err := e.M.Checkins(ctx, com, mem.PersonID, "", ""); err != nil || r.Total != 2 || r.From != "2021-11-21" {
			t.Fatalf("committee: %+v %v", r, err)
		}
		if _, err := e.M.Checkins(ctx, com, 99999999, "", ""); kindOf(err) != errs.NotFound {
			t.Fatalf("unknown person: %v", err)
		}
		for _, c := range [][2]string{{"2021-12-31", "2021-12-01"}, {"2021-13-01", ""}, {"2020-01-01", "2021-12-31"}} {
			if _, err := e.M.Checkins(ctx, mem, 0, c[0], c[1]); kindOf(err) != errs.Invalid {
				t.Errorf("range %v: %v", c, err)
			}
		}
		if _, err := e.M.Checkins(ctx, e.principal(t, "sysadmin"), 0, "", ""); kindOf(err) != errs.Forbidden {
			t.Fatalf("sysadmin: %v", err)
		}
	})
}
