package study

import (
	"context"
	"strings"
	"testing"
	"time"

	"zhongshu/internal/platform/errs"
)

func wantFields(t *testing.T, err error, fields ...string) {
	t.Helper()
	got := map[string]bool{}
	if l, ok := err.(errs.List); ok {
		for _, e := range l {
			got[e.Field] = true
		}
	} else if e := errs.As(err); e != nil && e.Kind == errs.Invalid {
		got[e.Field] = true
	}
	for _, f := range fields {
		if !got[f] {
			t.Errorf("no error for field %s in %v", f, err)
		}
	}
}

func countRows(t *testing.T, e *testEnv, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.DB.R.QueryRow(e.DB.Rebind(q), args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Lecture groups and lectures: editors record, learners read; targets are
// rows of a join table; the coverage and the figures count them.
func TestLectures(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		ed, me := e.principal(t, "committee"), e.principal(t, "member")
		if _, err := e.M.CreateLectureGroup(ctx, me, LectureGroupInput{Kind: "teacher", Name: "教师宣讲团", FoundedOn: "2021-03-01"}); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("a member created a group: %v", err)
		}
		_, err := e.M.CreateLectureGroup(ctx, ed, LectureGroupInput{Kind: "pilot", Name: "x", FoundedOn: "2031-01-01"})
		wantFields(t, err, "kind", "name", "founded_on")
		gid, err := e.M.CreateLectureGroup(ctx, ed, LectureGroupInput{Kind: "teacher", Name: "教师宣讲团", FoundedOn: "2021-03-01"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.CreateLectureGroup(ctx, ed, LectureGroupInput{Kind: "teacher", Name: "教师宣讲团", FoundedOn: "2021-03-01"}); errs.KindOf(err) != errs.Invalid {
			t.Fatalf("duplicate name: %v", err)
		}
		if err := e.M.SetLectureGroupMember(ctx, ed, gid, LectureGroupMemberInput{PersonID: me.PersonID, Role: "leader"}); err != nil {
			t.Fatal(err)
		}
		if err := e.M.SetLectureGroupMember(ctx, ed, gid, LectureGroupMemberInput{PersonID: ed.PersonID}); err != nil {
			t.Fatal(err)
		}
		gs, err := e.M.LectureGroups(ctx, me)
		if err != nil || len(gs) != 1 || len(gs[0].Members) != 2 || gs[0].Members[0].Role != "leader" || gs[0].Members[0].PersonID != me.PersonID {
			t.Fatalf("groups %v %+v", err, gs)
		}
		if err := e.M.SetLectureGroupMember(ctx, ed, gid, LectureGroupMemberInput{PersonID: ed.PersonID, Remove: true}); err != nil {
			t.Fatal(err)
		}

		_, err = e.M.SaveLecture(ctx, ed, 0, LectureInput{GroupID: 999, HeldOn: "2021-12-21", Audience: -1, Targets: []string{"moon"}})
		wantFields(t, err, "group_id", "speaker_name", "held_on", "place", "topic", "audience", "targets")
		_, err = e.M.SaveLecture(ctx, ed, 0, LectureInput{GroupID: gid, SpeakerName: "周老师", HeldOn: "2021-05-04", Place: "开发区第一中学", Topic: "青年与党史"})
		wantFields(t, err, "targets")
		if n := countRows(t, e, `SELECT COUNT(*) FROM study_lectures`); n != 0 {
			t.Fatalf("bad input stored %d lectures", n)
		}
		if _, err := e.M.SaveLecture(ctx, me, 0, LectureInput{}); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("a member recorded a lecture: %v", err)
		}
		id, err := e.M.SaveLecture(ctx, ed, 0, LectureInput{GroupID: gid, SpeakerName: "周老师", HeldOn: "2021-05-04", Place: "开发区第一中学", Topic: "青年与党史",
			Audience: 320, Targets: []string{"network", "campus", "campus"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.SaveLecture(ctx, ed, 0, LectureInput{GroupID: gid, SpeakerPersonID: me.PersonID, HeldOn: "2021-11-20", Place: "管委会三楼会议室", Topic: "六中全会精神",
			Audience: 45, Targets: []string{"organ"}}); err != nil {
			t.Fatal(err)
		}
		l, err := e.M.Lecture(ctx, me, id)
		if err != nil || strings.Join(l.Targets, ",") != "campus,network" || l.Speaker != "周老师" {
			t.Fatalf("lecture %v %+v", err, l)
		}
		if n := countRows(t, e, `SELECT COUNT(*) FROM study_lecture_targets WHERE lecture_id = ?`, id); n != 2 {
			t.Fatalf("%d target rows", n)
		}
		// A correction replaces the targets.
		if _, err := e.M.SaveLecture(ctx, ed, id, LectureInput{GroupID: gid, SpeakerPersonID: me.PersonID, HeldOn: "2021-05-04", Place: "开发区第一中学", Topic: "青年与党史",
			Audience: 300, Targets: []string{"campus", "community"}}); err != nil {
			t.Fatal(err)
		}
		l, _ = e.M.Lecture(ctx, me, id)
		if strings.Join(l.Targets, ",") != "campus,community" || l.SpeakerPersonID != me.PersonID || l.Audience != 300 {
			t.Fatalf("corrected %+v", l)
		}
		ls, total, err := e.M.Lectures(ctx, me, LectureFilter{Year: 2021, Target: "campus"})
		if err != nil || total != 1 || len(ls) != 1 || ls[0].ID != id {
			t.Fatalf("filter by target: %v %d %+v", err, total, ls)
		}
		if _, total, _ := e.M.Lectures(ctx, me, LectureFilter{Year: 2021, Month: 11}); total != 1 {
			t.Fatalf("filter by month: %d", total)
		}
		c, err := e.M.LectureCoverageOf(ctx, me, 2021)
		if err != nil || c.Total != 2 || c.Months[4] != 1 || c.Months[10] != 1 || c.Reached != 3 {
			t.Fatalf("coverage %v %+v", err, c)
		}
		fs, _ := e.M.Figures(ctx, "2021-01-01", "2021-12-31")
		if figureValue(fs, "lectures_held") != 2 || figureValue(fs, "lecture_groups") != 1 {
			t.Fatalf("figures %+v", fs)
		}
		if fs, _ := e.M.Figures(ctx, "2021-01-01", "2021-02-28"); figureValue(fs, "lecture_groups") != 0 || figureValue(fs, "lectures_held") != 0 {
			t.Fatalf("figures before the group existed %+v", fs)
		}
		if _, _, err := e.M.Lectures(ctx, e.principal(t, "sysadmin"), LectureFilter{}); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("sysadmin read lectures: %v", err)
		}
	})
}

// A campaign: submissions with checked attachments, reviews, points,
// awards, and who may see what.
func TestCampaignFlow(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		ed, me, other := e.principal(t, "committee"), e.principal(t, "member"), e.principal(t, "member_2")
		att := 120
		_, err := e.M.SaveCampaign(ctx, ed, 0, CampaignInput{Kind: "essay", Title: "征", StartsOn: "2021-12-10", EndsOn: "2021-12-01", Attendance: &att})
		wantFields(t, err, "title", "ends_on", "attendance")
		id, err := e.M.SaveCampaign(ctx, ed, 0, CampaignInput{Kind: "film", Title: "观看电影并撰写心得", StartsOn: "2021-12-15", EndsOn: "2021-12-31", Attendance: &att})
		if err != nil {
			t.Fatal(err)
		}
		pdf := demoPDF("reflection")
		body := "观影后深受教育，决心立足岗位做好本职工作。"
		_, err = e.M.Submit(ctx, me, id, SubmissionInput{Title: "观影有感", Body: body, Files: []UploadedFile{{"a.pdf", pdf}, {"b.png", []byte("<svg onload=alert(1)>")}}})
		wantFields(t, err, "files")
		_, err = e.M.Submit(ctx, me, id, SubmissionInput{Title: "观影有感", Body: body, Files: []UploadedFile{{"a.pdf", pdf}, {"b.pdf", pdf}, {"c.pdf", pdf}, {"d.pdf", pdf}}})
		wantFields(t, err, "files")
		_, err = e.M.Submit(ctx, me, id, SubmissionInput{Title: "观", Body: "短"})
		wantFields(t, err, "title", "body")
		if n := countRows(t, e, `SELECT COUNT(*) FROM study_submissions`) + countRows(t, e, `SELECT COUNT(*) FROM study_submission_files`); n != 0 {
			t.Fatalf("bad input stored %d rows", n)
		}
		sid, err := e.M.Submit(ctx, me, id, SubmissionInput{Title: "观影有感", Body: body, Files: []UploadedFile{{"心得.pdf", pdf}, {"photo.png", testPNG}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.Submit(ctx, me, id, SubmissionInput{Title: "再投一篇", Body: body}); errs.KindOf(err) != errs.Conflict {
			t.Fatalf("second submission: %v", err)
		}
		if _, err := e.M.Submit(ctx, e.principal(t, "sysadmin"), id, SubmissionInput{Title: "观影有感", Body: body}); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("sysadmin submitted: %v", err)
		}
		e.Clock.Set(time.Date(2022, 1, 2, 1, 0, 0, 0, time.UTC))
		if _, err := e.M.Submit(ctx, other, id, SubmissionInput{Title: "迟到的心得", Body: body}); errs.KindOf(err) != errs.Conflict {
			t.Fatalf("submission after the period: %v", err)
		}
		e.Clock.Set(demoNow)

		s, err := e.M.Submission(ctx, me, sid)
		if err != nil || len(s.Files) != 2 || s.Files[0].Name != "心得.pdf" || s.Files[1].ContentType != "image/png" {
			t.Fatalf("own submission %v %+v", err, s)
		}
		var stored string
		e.DB.R.QueryRow(e.DB.Rebind(`SELECT stored_name FROM study_submission_files WHERE id = ?`), s.Files[0].ID).Scan(&stored)
		if stored == "" || strings.Contains(stored, "心得") || !strings.HasSuffix(stored, ".pdf") {
			t.Fatalf("stored name %q", stored)
		}
		if f, err := e.M.Attachment(ctx, me, s.Files[0].ID); err != nil || string(f.Data) != string(pdf) || f.ContentType != "application/pdf" {
			t.Fatalf("author's download: %v", err)
		}
		if _, err := e.M.Attachment(ctx, ed, s.Files[0].ID); err != nil {
			t.Fatalf("editor's download: %v", err)
		}
		if _, err := e.M.Attachment(ctx, other, s.Files[0].ID); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("another learner's download: %v", err)
		}
		if _, err := e.M.Submission(ctx, other, sid); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("another learner read an unawarded submission: %v", err)
		}
		if n := countRows(t, e, `SELECT COUNT(*) FROM audit_log WHERE action = 'access.denied' AND object_type IN ('study_attachment', 'study_submission')`); n != 2 {
			t.Fatalf("%d denials audited", n)
		}

		// Review: a rejection needs a reason; acceptance earns 2 points and is final.
		bad := 101
		wantFields(t, e.M.ReviewSubmission(ctx, ed, sid, ReviewInput{Score: &bad, Decision: "reject"}), "score", "comment")
		wantFields(t, e.M.ReviewSubmission(ctx, ed, sid, ReviewInput{Decision: "maybe"}), "score", "decision")
		if err := e.M.AwardSubmission(ctx, ed, sid, AwardInput{Award: "first"}); errs.KindOf(err) != errs.Conflict {
			t.Fatalf("an award before acceptance: %v", err)
		}
		sc := 92
		if err := e.M.ReviewSubmission(ctx, me, sid, ReviewInput{Score: &sc, Decision: "accept"}); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("the author reviewed: %v", err)
		}
		if err := e.M.ReviewSubmission(ctx, ed, sid, ReviewInput{Score: &sc, Decision: "accept", Comment: "真挚"}); err != nil {
			t.Fatal(err)
		}
		if err := e.M.ReviewSubmission(ctx, ed, sid, ReviewInput{Score: &sc, Decision: "reject", Comment: "改主意"}); errs.KindOf(err) != errs.Conflict {
			t.Fatalf("re-review of an accepted submission: %v", err)
		}
		if got, _ := e.M.PointsOf(ctx, me.PersonID, "2021-12-20", "2021-12-20"); got != 2 {
			t.Fatalf("reflection points %d", got)
		}
		if err := e.M.PublishAwards(ctx, ed, id); errs.KindOf(err) != errs.Conflict {
			t.Fatalf("publishing no awards: %v", err)
		}
		if err := e.M.AwardSubmission(ctx, ed, sid, AwardInput{Award: "gold"}); errs.KindOf(err) != errs.Invalid {
			t.Fatalf("award gold: %v", err)
		}
		if err := e.M.AwardSubmission(ctx, ed, sid, AwardInput{Award: "first"}); err != nil {
			t.Fatal(err)
		}
		d, _ := e.M.Campaign(ctx, other, id)
		if len(d.Awards) != 0 || d.Mine != nil || !d.CanSubmit || d.Submissions != 1 {
			t.Fatalf("before publication another learner sees %+v", d)
		}
		if err := e.M.PublishAwards(ctx, ed, id); err != nil {
			t.Fatal(err)
		}
		if err := e.M.AwardSubmission(ctx, ed, sid, AwardInput{Award: "none"}); errs.KindOf(err) != errs.Conflict {
			t.Fatalf("an award changed after publication: %v", err)
		}
		d, _ = e.M.Campaign(ctx, other, id)
		if len(d.Awards) != 1 || d.Awards[0].Award != "first" || d.Awards[0].Body != "" {
			t.Fatalf("published awards %+v", d.Awards)
		}
		s, err = e.M.Submission(ctx, other, sid)
		if err != nil || s.Comment != "" || s.Score != nil || len(s.Files) != 0 || s.Body == "" {
			t.Fatalf("an awarded submission for everyone: %v %+v", err, s)
		}
		if _, err := e.M.Attachment(ctx, other, d.Awards[0].ID); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("attachments stay private after the award: %v", err)
		}
		fs, _ := e.M.Figures(ctx, "2021-01-01", "2021-12-31")
		if figureValue(fs, "reflections_written") != 1 {
			t.Fatalf("figures %+v", fs)
		}
	})
}

// Book rooms and display boards.
func TestBooksAndBoards(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		ed, me := e.principal(t, "committee"), e.principal(t, "village_secretary")
		var v1, v2 int64
		e.DB.R.QueryRow(`SELECT MIN(id), MAX(id) FROM villages`).Scan(&v1, &v2)
		_, err := e.M.AddBookAcquisition(ctx, ed, BookAcquisitionInput{VillageID: 99999, AcquiredOn: "2021-13-01", Volumes: 0, Source: "x"})
		wantFields(t, err, "village_id", "acquired_on", "volumes", "source")
		if _, err := e.M.AddBookAcquisition(ctx, me, BookAcquisitionInput{VillageID: v1, AcquiredOn: "2021-04-01", Volumes: 10, Source: "捐赠"}); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("a village secretary recorded books: %v", err)
		}
		for _, a := range []BookAcquisitionInput{
			{VillageID: v1, AcquiredOn: "2020-06-01", Volumes: 1500, Source: "建室配书"},
			{VillageID: v1, AcquiredOn: "2021-04-01", Volumes: 600, Source: "专项资金"},
			{VillageID: v2, AcquiredOn: "2021-09-01", Volumes: 450, Source: "专项资金"},
		} {
			if _, err := e.M.AddBookAcquisition(ctx, ed, a); err != nil {
				t.Fatal(err)
			}
		}
		b, err := e.M.BookRoomsOf(ctx, me, 2021)
		if err != nil || len(b.Rooms) != 7 || b.YearVolumes != 1050 || b.Volumes != 2550 || len(b.List) != 2 {
			t.Fatalf("rooms %v %+v", err, b)
		}
		if b.Rooms[0].VillageID == v1 && (b.Rooms[0].Volumes != 2100 || b.Rooms[0].YearVolumes != 600 || b.Rooms[0].Acquisitions != 1) {
			t.Fatalf("room 1 %+v", b.Rooms[0])
		}
		_, err = e.M.AddDisplayBoard(ctx, ed, DisplayBoardInput{Kind: "billboard", Place: "", ErectedOn: "2021-02-30"})
		wantFields(t, err, "kind", "place", "erected_on")
		for _, x := range []DisplayBoardInput{{Kind: "road", Place: "渤海路", ErectedOn: "2021-04-20"}, {Kind: "square", Place: "康宁社区广场", ErectedOn: "2020-10-01"}} {
			if _, err := e.M.AddDisplayBoard(ctx, ed, x); err != nil {
				t.Fatal(err)
			}
		}
		bs, err := e.M.DisplayBoardsOf(ctx, me, "road")
		if err != nil || bs.Total != 2 || len(bs.Items) != 1 || len(bs.ByKind) != 6 || bs.ByKind[0].Count != 1 {
			t.Fatalf("boards %v %+v", err, bs)
		}
		fs, _ := e.M.Figures(ctx, "2021-01-01", "2021-12-31")
		if figureValue(fs, "books_bought") != 1050 || figureValue(fs, "display_boards") != 1 {
			t.Fatalf("figures %+v", fs)
		}
	})
}

// The demo year of outreach matches the seed: 6 groups, 200+ lectures
// reaching all six targets (organs, enterprises and villages most), 50+
// reflections, 7000+ volumes, 20–30 boards; the same on every load.
func TestOutreachDemo(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		start := time.Now()
		if err := loadOutreachDemo(e.M, ctx); err != nil {
			t.Fatal(err)
		}
		t.Logf("outreach demo loaded in %v", time.Since(start))
		fs, err := e.M.Figures(ctx, "2021-01-01", "2021-12-20")
		if err != nil {
			t.Fatal(err)
		}
		in := func(key string, lo, hi int) {
			if v := figureValue(fs, key); v < lo || v > hi {
				t.Errorf("%s = %d, want %d–%d", key, v, lo, hi)
			}
		}
		in("books_bought", 7216, 7216)
		in("lecture_groups", 6, 6)
		in("lectures_held", 216, 216)
		in("reflections_written", 50, 59)
		in("display_boards", 26, 26)
		p := e.principal(t, "member")
		c, err := e.M.LectureCoverageOf(ctx, p, 2021)
		if err != nil || c.Reached != 6 || c.Total != 216 {
			t.Fatalf("coverage %v %+v", err, c)
		}
		top := map[string]int{}
		for _, r := range c.Rows {
			top[r.Target] = r.Total
		}
		for _, most := range []string{"organ", "enterprise", "village"} {
			for _, less := range []string{"campus", "community", "network"} {
				if top[most] <= top[less] {
					t.Errorf("%s (%d) not above %s (%d)", most, top[most], less, top[less])
				}
			}
		}
		t.Logf("coverage: %v", top)
		cs, _ := e.M.Campaigns(ctx, p)
		var film *Campaign
		for i := range cs {
			if cs[i].Kind == "film" {
				film = &cs[i]
			}
		}
		if film == nil || film.Submissions < 50 || film.Submissions > 60 || film.Accepted*10 < film.Submissions*8 || film.AwardsPublishedAt == nil || film.Attendance == nil {
			t.Fatalf("film campaign %+v", film)
		}
		d, _ := e.M.Campaign(ctx, p, film.ID)
		if len(d.Awards) < 5 || d.Mine == nil || d.Mine.Award == "" || len(d.Mine.Files) != 1 {
			t.Fatalf("film detail: %d awards, mine %+v", len(d.Awards), d.Mine)
		}
		gs, _ := e.M.LectureGroups(ctx, p)
		for _, g := range gs {
			if len(g.Members) == 0 || g.Lectures == 0 {
				t.Errorf("group %s: %d members, %d lectures", g.Name, len(g.Members), g.Lectures)
			}
		}
		accepted := countRows(t, e, `SELECT COUNT(*) FROM study_submissions WHERE status = 'accepted'`)
		if n := countRows(t, e, `SELECT COUNT(*) FROM study_points WHERE activity = 'reflection'`); n != accepted || accepted <= film.Accepted {
			t.Errorf("%d reflection awards for %d accepted submissions (%d of the film)", n, accepted, film.Accepted)
		}
	})
}
