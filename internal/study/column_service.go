package study

import (
	"context"
	"fmt"
	"time"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

// The column's service: every call authorizes its principal; every write
// is one transaction.

const columnPageSize = 20

var errColumnNoPerson = errs.New(errs.Forbidden, "该账号未关联人员档案，阅读不能计入学习记录", "this account is linked to no person, so reads cannot be recorded")

func columnEditor(p *auth.Principal) bool { return auth.Can(p, PermEdit, auth.Anything) }

// Articles lists a page of the column: the published articles for every
// learner; editors may also ask for the scheduled ones or the drafts.
func (m *Module) Articles(ctx context.Context, p *auth.Principal, view string, page int) (*ArticleList, error) {
	if err := m.Auth.Authorize(ctx, p, PermLearn, auth.Anything, "study_article", ""); err != nil {
		return nil, err
	}
	switch view {
	case "", ArticlePublished:
		view = ArticlePublished
	case ArticleScheduled, ArticleDraft:
		if err := m.Auth.Authorize(ctx, p, PermEdit, auth.Anything, "study_article", view); err != nil {
			return nil, err
		}
	default:
		return nil, errs.Field("view", "列表须为 published、scheduled 或 draft", "view must be published, scheduled or draft")
	}
	if page < 1 {
		page = 1
	}
	now := m.Clock.Now()
	q := m.DB.Q(ctx)
	items, total, err := columnList(ctx, q, view, now, p.PersonID, (page-1)*columnPageSize, columnPageSize)
	if err != nil {
		return nil, err
	}
	if items == nil {
		items = []Article{}
	}
	out := &ArticleList{Items: items, Total: total, Page: page, View: view}
	if out.Pushed, err = columnPushed(ctx, q, "0000-01-01", "9999-12-31", now); err != nil {
		return nil, err
	}
	if p.PersonID != 0 {
		if out.ReadByMe, err = columnReadsOf(ctx, q, p.PersonID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Article returns an article. A learner sees it only once published, and
// opening it starts their read (the server's clock times it).
func (m *Module) Article(ctx context.Context, p *auth.Principal, id int64) (*Article, error) {
	if err := m.Auth.Authorize(ctx, p, PermLearn, auth.Anything, "study_article", fmt.Sprint(id)); err != nil {
		return nil, err
	}
	now := m.Clock.Now()
	a, err := columnGet(ctx, m.DB.Q(ctx), id)
	if err != nil {
		return nil, err
	}
	a.State = columnState(a.Draft, a.PublishAt, now)
	if a.State != ArticlePublished {
		if !columnEditor(p) {
			return nil, errs.NotFoundf("unpublished article")
		}
		return a, nil
	}
	if p.PersonID == 0 {
		return a, nil
	}
	if err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if err := columnStartRead(ctx, tx, p.PersonID, id, now); err != nil {
			return err
		}
		a.ReadStartedAt, a.ReadCountedAt, err = columnRead(ctx, tx, p.PersonID, id)
		return err
	}); err != nil {
		return nil, err
	}
	return a, nil
}

// ReadTooEarly is the refusal of a read that has not lasted the minimum
// reading time; it carries the seconds still to go.
type ReadTooEarly struct {
	Err       *errs.Error
	Remaining int
}

func (e *ReadTooEarly) Error() string { return e.Err.Error() }
func (e *ReadTooEarly) Unwrap() error { return e.Err }

func readTooEarly(remaining int) *ReadTooEarly {
	min := int(columnMinRead / time.Second)
	return &ReadTooEarly{Remaining: remaining, Err: errs.New(errs.Invalid,
		fmt.Sprintf("阅读时间不足 %d 秒：请再读 %d 秒后点击“我已读完”", min, remaining),
		fmt.Sprintf("read for at least %d seconds: %d seconds to go before the read counts", min, remaining))}
}

// CountRead counts the caller's read of an article when at least the
// minimum reading time has passed since they opened it, and awards the
// points of a read (RULES.md §6: 1, at most 6 a day). A second count
// changes nothing.
func (m *Module) CountRead(ctx context.Context, p *auth.Principal, id int64) (*ReadResult, error) {
	if err := m.Auth.Authorize(ctx, p, PermLearn, auth.Anything, "study_article", fmt.Sprint(id)); err != nil {
		return nil, err
	}
	if p.PersonID == 0 {
		return nil, errColumnNoPerson
	}
	now := m.Clock.Now()
	res := &ReadResult{ArticleID: id}
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		a, err := columnGet(ctx, tx, id)
		if err != nil {
			return err
		}
		if columnState(a.Draft, a.PublishAt, now) != ArticlePublished {
			return errs.NotFoundf("unpublished article")
		}
		started, counted, err := columnRead(ctx, tx, p.PersonID, id)
		if err != nil {
			return err
		}
		if started == nil {
			return errs.New(errs.Conflict, "请先打开文章阅读，再点击“我已读完”", "open the article and read it first")
		}
		if counted != nil {
			res.Counted, res.Already, res.CountedAt = true, true, *counted
			return nil
		}
		if wait := columnReadWait(*started, now, columnMinRead); wait > 0 {
			return readTooEarly(wait)
		}
		ok, err := columnCountRead(ctx, tx, p.PersonID, id, now)
		if err != nil || !ok {
			res.Counted, res.Already, res.CountedAt = true, true, now
			return err
		}
		res.Counted, res.CountedAt = true, now
		res.Points, err = m.Award(ctx, p.PersonID, clock.Day(now), ActArticleRead, 0, "article", id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// CreateArticle saves a new article (a draft, or scheduled for its
// publish time).
func (m *Module) CreateArticle(ctx context.Context, p *auth.Principal, in ArticleInput) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, PermEdit, auth.Anything, "study_article", ""); err != nil {
		return 0, err
	}
	in, at, l := columnValidate(in)
	if len(l) > 0 {
		return 0, l
	}
	var id int64
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var err error
		if id, err = columnInsert(ctx, tx, in, at, p.UserID, m.Clock.Now()); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "study.article.create", ObjectType: "study_article", ObjectID: fmt.Sprint(id),
			Detail: fmt.Sprintf("%s (%s, publish %s)", in.Title, columnState(in.Draft, at, m.Clock.Now()), at.In(clock.Zone).Format("2006-01-02 15:04"))})
	})
	return id, err
}

// UpdateArticle changes an article (its publish time too, which can
// reschedule or, moved into the past, publish it).
func (m *Module) UpdateArticle(ctx context.Context, p *auth.Principal, id int64, in ArticleInput) error {
	if err := m.Auth.Authorize(ctx, p, PermEdit, auth.Anything, "study_article", fmt.Sprint(id)); err != nil {
		return err
	}
	in, at, l := columnValidate(in)
	if len(l) > 0 {
		return l
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		old, err := columnGet(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := columnUpdate(ctx, tx, id, in, at, m.Clock.Now()); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "study.article.update", ObjectType: "study_article", ObjectID: fmt.Sprint(id),
			Detail: fmt.Sprintf("%s → %s (%s, publish %s)", old.Title, in.Title, columnState(in.Draft, at, m.Clock.Now()), at.In(clock.Zone).Format("2006-01-02 15:04"))})
	})
}
