package study

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/notify"
)

// The column on both stores: scheduled publishing by the clock, drafts and
// scheduled articles for editors only, sanitised bodies, reads that count
// only after the minimum time with points capped at 6 a day, the morning
// push once per article, and the figure.
func TestColumnLifecycle(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		editor := e.principal(t, "committee")
		member := e.principal(t, "member")
		// The demo clock is 2021-12-20 09:00; this one publishes at 10:00.
		id, err := e.M.CreateArticle(ctx, editor, ArticleInput{Title: "古田会议", Author: "机关党委", PublishAt: "2021-12-20T10:00",
			Body: `<p onclick="x()">思想建党、政治建军。</p><script>alert(1)</script><a href="javascript:x">坏链接</a>`})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.M.CreateArticle(ctx, member, ArticleInput{Title: "x", PublishAt: "2021-12-20T10:00", Body: "<p>x</p>"})
		quizKindIs(t, "member writes", err, errs.Forbidden)
		_, err = e.M.CreateArticle(ctx, editor, ArticleInput{Title: "", PublishAt: "x", Body: "<script></script>"})
		quizKindIs(t, "bad article", err, errs.Invalid)
		draft, err := e.M.CreateArticle(ctx, editor, ArticleInput{Title: "草稿", PublishAt: "2021-12-01T07:00", Draft: true, Body: "<p>未完成</p>"})
		if err != nil {
			t.Fatal(err)
		}

		a, err := e.M.Article(ctx, editor, id)
		if err != nil || a.State != ArticleScheduled || a.Body != "<p>思想建党、政治建军。</p>坏链接" || a.ReadStartedAt != nil {
			t.Fatalf("editor sees the scheduled article: %v %+v", err, a)
		}
		_, err = e.M.Article(ctx, member, id)
		quizKindIs(t, "member before the publish time", err, errs.NotFound)
		_, err = e.M.Article(ctx, member, draft)
		quizKindIs(t, "member reads a draft", err, errs.NotFound)
		_, err = e.M.CountRead(ctx, member, id)
		quizKindIs(t, "count an unpublished read", err, errs.NotFound)
		l, err := e.M.Articles(ctx, member, "", 1)
		if err != nil || l.Total != 0 || l.Pushed != 0 {
			t.Fatalf("member list before: %v %+v", err, l)
		}
		_, err = e.M.Articles(ctx, member, ArticleScheduled, 1)
		quizKindIs(t, "member asks for scheduled", err, errs.Forbidden)
		if l, _ := e.M.Articles(ctx, editor, ArticleScheduled, 1); l.Total != 1 || l.Items[0].ID != id {
			t.Fatalf("scheduled %+v", l)
		}
		if l, _ := e.M.Articles(ctx, editor, ArticleDraft, 1); l.Total != 1 || l.Items[0].ID != draft {
			t.Fatalf("drafts %+v", l)
		}
		_, err = e.M.Articles(ctx, editor, "secret", 1)
		quizKindIs(t, "unknown view", err, errs.Invalid)

		// 10:00: published; opening it starts the read.
		e.Clock.Set(quizAt(2021, 12, 20, 10, 0))
		_, err = e.M.CountRead(ctx, member, id)
		quizKindIs(t, "count before opening", err, errs.Conflict)
		a, err = e.M.Article(ctx, member, id)
		if err != nil || a.State != ArticlePublished || a.ReadStartedAt == nil {
			t.Fatalf("member opens: %v %+v", err, a)
		}
		e.Clock.Advance(30 * time.Second)
		_, err = e.M.CountRead(ctx, member, id)
		var early *ReadTooEarly
		if !errors.As(err, &early) || early.Remaining != 30 || errs.KindOf(err) != errs.Invalid {
			t.Fatalf("too early: %v", err)
		}
		e.Clock.Advance(20 * time.Second)
		if _, err := e.M.Article(ctx, member, id); err != nil { // coming back keeps the first start
			t.Fatal(err)
		}
		e.Clock.Advance(10 * time.Second)
		res, err := e.M.CountRead(ctx, member, id)
		if err != nil || !res.Counted || res.Already || res.Points != 1 {
			t.Fatalf("count: %v %+v", err, res)
		}
		res, err = e.M.CountRead(ctx, member, id)
		if err != nil || !res.Already || res.Points != 0 {
			t.Fatalf("count twice: %v %+v", err, res)
		}
		l, _ = e.M.Articles(ctx, member, "", 1)
		if l.Total != 1 || !l.Items[0].Read() || l.ReadByMe != 1 || l.Pushed != 1 {
			t.Fatalf("member list after: %+v", l)
		}

		// RULES.md §6: article reads earn at most 6 points a day.
		for i := 0; i < 7; i++ {
			aid, err := e.M.CreateArticle(ctx, editor, ArticleInput{Title: fmt.Sprintf("第%d篇", i), PublishAt: "2021-12-20T08:00", Body: "<p>正文</p>"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.M.Article(ctx, member, aid); err != nil {
				t.Fatal(err)
			}
		}
		e.Clock.Advance(time.Minute)
		l, _ = e.M.Articles(ctx, member, "", 1)
		for _, it := range l.Items {
			if _, err := e.M.CountRead(ctx, member, it.ID); err != nil {
				t.Fatal(err)
			}
		}
		if n, _ := e.M.PointsOf(ctx, member.PersonID, "2021-12-20", "2021-12-20"); n != 6 {
			t.Fatalf("points on the day: %d", n)
		}

		nobody := &auth.Principal{UserID: 999999, Username: "x", Grants: []auth.Grant{{Role: auth.Committee, ScopeKind: auth.ScopeZone}}}
		_, err = e.M.CountRead(ctx, nobody, id)
		quizKindIs(t, "no person", err, errs.Forbidden)
		if _, err := e.M.Article(ctx, nobody, id); err != nil {
			t.Fatalf("no person may still read: %v", err)
		}

		// Rescheduling into the future hides it again.
		quizKindIs(t, "member updates", e.M.UpdateArticle(ctx, member, id, ArticleInput{}), errs.Forbidden)
		if err := e.M.UpdateArticle(ctx, editor, id, ArticleInput{Title: "古田会议（修订）", PublishAt: "2021-12-22T07:00", Body: "<p>新</p>"}); err != nil {
			t.Fatal(err)
		}
		_, err = e.M.Article(ctx, member, id)
		quizKindIs(t, "rescheduled", err, errs.NotFound)

		// The figure counts published articles by their publish day.
		fs, _ := e.M.Figures(ctx, "2021-12-20", "2021-12-20")
		if got := quizFigure(fs, "articles_pushed"); got != 7 {
			t.Fatalf("articles_pushed %d", got)
		}

		// The morning push: each published article once to the zone.
		ch, err := e.M.Notify.CreateChannel(ctx, notify.ChannelInput{OwnerKind: notify.OwnerZone, Kind: notify.KindWeCom, Name: "全区工作群",
			WebhookURL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=test-key"})
		if err != nil {
			t.Fatal(err)
		}
		n, err := e.M.PushArticles(ctx)
		if err != nil || n != 7 {
			t.Fatalf("push: %d %v", n, err)
		}
		if n, _ := e.M.PushArticles(ctx); n != 0 {
			t.Fatalf("second push: %d", n)
		}
		var msgs int
		if err := e.DB.R.QueryRowContext(ctx, e.DB.Rebind(`SELECT COUNT(*) FROM messages WHERE channel_id = ?`), ch).Scan(&msgs); err != nil || msgs != 7 {
			t.Fatalf("messages %d %v", msgs, err)
		}
		// The rescheduled article goes out once it is published.
		e.Clock.Set(quizAt(2021, 12, 22, 7, 30))
		if n, _ := e.M.PushArticles(ctx); n != 1 {
			t.Fatalf("push of the rescheduled article: %d", n)
		}
	})
}

// The column's schedule fires the push job once per day slot.
func TestColumnPushSchedule(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		editor := e.principal(t, "committee")
		if _, err := e.M.CreateArticle(ctx, editor, ArticleInput{Title: "早间文章", PublishAt: "2021-12-21T07:00", Body: "<p>正文</p>"}); err != nil {
			t.Fatal(err)
		}
		e.Clock.Set(quizAt(2021, 12, 21, 7, 29))
		if err := e.M.Scheduler.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		e.Clock.Set(quizAt(2021, 12, 21, 7, 30))
		for i := 0; i < 2; i++ {
			if err := e.M.Scheduler.Tick(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.M.Queue.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		var pushed int
		if err := e.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM study_articles WHERE pushed_at IS NOT NULL`).Scan(&pushed); err != nil || pushed != 1 {
			t.Fatalf("pushed %d %v", pushed, err)
		}
		var jobs int
		if err := e.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM jobs WHERE kind = 'study.column_push'`).Scan(&jobs); err != nil || jobs != 1 {
			t.Fatalf("jobs %d %v", jobs, err)
		}
	})
}
