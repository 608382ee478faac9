package study

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/jobs"
	"zhongshu/internal/platform/notify"
	"zhongshu/internal/platform/web"
)

// Pages, JSON, the morning push and the figure of the column 《党史天天学》.

const columnPushKind = "study.column_push"

func init() {
	routeParts = append(routeParts, columnRoutes)
	navItems = append(navItems, web.NavItem{Key: "nav.column", Path: "/column", Perm: PermLearn, Order: 17})
	scheduleParts = append(scheduleParts, columnSchedules)
	handlerParts = append(handlerParts, func(m *Module) { m.Queue.Handle(columnPushKind, 5, m.columnPushJob) })
	figureParts = append(figureParts, columnFigures)
	demoParts = append(demoParts, demoPart{Order: 30, Load: loadColumnDemo})
}

func columnRoutes(m *Module, r *web.Router) {
	h := func(pattern string, fn web.Handler) { r.Handle(pattern, fn) }
	h("GET /column", m.pageColumn)
	h("GET /column/new", m.pageArticleForm)
	h("POST /column", m.postArticle)
	h("GET /column/{id}", m.pageArticle)
	h("GET /column/{id}/edit", m.pageArticleForm)
	h("POST /column/{id}", m.postArticle)
	h("POST /column/{id}/read", m.postArticleRead)

	h("GET /api/v1/articles", m.apiArticles)
	h("POST /api/v1/articles", m.apiCreateArticle)
	h("GET /api/v1/articles/{id}", m.apiArticle)
	h("PUT /api/v1/articles/{id}", m.apiUpdateArticle)
	h("POST /api/v1/articles/{id}/read", m.apiArticleRead)
}

// columnFigures: "articles_pushed" — articles published in the range and
// by now (unit 篇).
func columnFigures(m *Module, from, to string) []figureQuery {
	return []figureQuery{{Key: "articles_pushed", Unit: "column.unit", SQL: columnPushedSQL, Args: []any{m.Clock.Now(), from, to}}}
}

// columnSchedules: every morning at 07:30 the articles published since the
// last push go to the zone's channels, each once.
func columnSchedules(m *Module) []jobs.Schedule {
	return []jobs.Schedule{{
		Name: "study.column_push",
		Spec: "30 7 * * *",
		Doc:  "《党史天天学》：把新发布文章的标题和链接推送到全区渠道（每篇一次）",
		Fire: func(ctx context.Context, slot time.Time) error {
			_, err := m.Queue.Enqueue(ctx, columnPushKind, nil, jobs.UniqueKey("study.column_push:"+slot.In(clock.Zone).Format("2006-01-02")))
			return err
		},
	}}
}

func (m *Module) columnPushJob(ctx context.Context, _ *jobs.Job) error {
	_, err := m.PushArticles(ctx)
	return err
}

// PushArticles posts every published article not yet pushed to the
// zone's channels — title and link — and marks it pushed, in one
// transaction; the channel messages carry the article's dedupe key, so a
// repeated run posts nothing twice. It returns the articles pushed.
func (m *Module) PushArticles(ctx context.Context) (int, error) {
	n := 0
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		arts, err := columnUnpushed(ctx, tx, m.Clock.Now())
		if err != nil {
			return err
		}
		now := m.Clock.Now()
		for _, a := range arts {
			msg := notify.Message{Kind: notify.Text, Title: "《党史天天学》" + quizClip(a.Title, 60),
				Body: fmt.Sprintf("《党史天天学》%s\n%s\n阅读全文：/column/%d", a.Title, columnByline(a), a.ID)}
			if _, err := m.Notify.PostTo(ctx, notify.OwnerZone, 0, msg, fmt.Sprintf("study.column/article/%d", a.ID)); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE study_articles SET pushed_at = ? WHERE id = ? AND pushed_at IS NULL`, now, a.ID); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

func columnByline(a Article) string {
	s := a.PublishAt.In(clock.Zone).Format("2006-01-02")
	if a.Author != "" {
		s = a.Author + " · " + s
	}
	if a.Source != "" {
		s += " · " + a.Source
	}
	return s
}

func columnPathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.NotFoundf("article")
	}
	return id, nil
}

func (m *Module) columnT(r *http.Request, key string, args ...any) string {
	return m.Views.Cat.T(web.Lang(r), key, args...)
}

// ---- list ----

type columnListPage struct {
	L      *ArticleList
	Pager  *web.Pager
	Editor bool
}

func (m *Module) columnList(r *http.Request) (*ArticleList, error) {
	page, _, _ := web.PageOf(r, columnPageSize)
	return m.Articles(r.Context(), web.Principal(r), r.URL.Query().Get("view"), page)
}

func (m *Module) apiArticles(w http.ResponseWriter, r *http.Request) error {
	l, err := m.columnList(r)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, l)
	return nil
}

func (m *Module) pageColumn(w http.ResponseWriter, r *http.Request) error {
	l, err := m.columnList(r)
	if err != nil {
		return err
	}
	pg := &web.Page{Title: m.columnT(r, "nav.column"),
		D: columnListPage{L: l, Pager: web.NewPager(r, l.Page, columnPageSize, l.Total), Editor: columnEditor(web.Principal(r))}}
	if k := r.URL.Query().Get("ok"); k == "saved" {
		pg.Flash = m.columnT(r, "column.flash.saved")
	}
	return m.Views.Render(w, r, http.StatusOK, "column_list", pg)
}

// ---- an article ----

type columnArticlePage struct {
	A       *Article
	Body    template.HTML
	Editor  bool
	Started string
	Wait    int // seconds still to go, computed by the server
	MinRead int
}

func (m *Module) renderArticle(w http.ResponseWriter, r *http.Request, status int, a *Article, pg *web.Page) error {
	d := columnArticlePage{A: a, Editor: columnEditor(web.Principal(r)), MinRead: int(columnMinRead / time.Second),
		// The body was sanitised when saved; it is sanitised again here so
		// that a row written around the service cannot inject markup.
		Body: template.HTML(columnSanitize(a.Body))} //nolint:gosec // sanitised by the allow-list just above
	if a.ReadStartedAt != nil {
		d.Started = a.ReadStartedAt.In(clock.Zone).Format("15:04:05")
		d.Wait = columnReadWait(*a.ReadStartedAt, m.Clock.Now(), columnMinRead)
	}
	if pg == nil {
		pg = &web.Page{}
	}
	pg.Title, pg.D = a.Title, d
	if k := r.URL.Query().Get("ok"); pg.Flash == "" && pg.Error == "" && (k == "read" || k == "saved") {
		pg.Flash = m.columnT(r, "column.flash."+k)
	}
	return m.Views.Render(w, r, status, "column_article", pg)
}

func (m *Module) pageArticle(w http.ResponseWriter, r *http.Request) error {
	id, err := columnPathID(r)
	if err != nil {
		return err
	}
	a, err := m.Article(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	return m.renderArticle(w, r, http.StatusOK, a, nil)
}

func (m *Module) apiArticle(w http.ResponseWriter, r *http.Request) error {
	id, err := columnPathID(r)
	if err != nil {
		return err
	}
	a, err := m.Article(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, a)
	return nil
}

// ---- counting a read ----

func (m *Module) postArticleRead(w http.ResponseWriter, r *http.Request) error {
	id, err := columnPathID(r)
	if err != nil {
		return err
	}
	p := web.Principal(r)
	if _, err := m.CountRead(r.Context(), p, id); err != nil {
		if k := errs.KindOf(err); k != errs.Invalid && k != errs.Conflict {
			return err
		}
		a, aerr := m.Article(r.Context(), p, id)
		if aerr != nil {
			return err
		}
		return m.renderArticle(w, r, web.Status(err), a, &web.Page{Error: errs.As(err).Message(web.Lang(r))})
	}
	http.Redirect(w, r, fmt.Sprintf("/column/%d?ok=read", id), http.StatusSeeOther)
	return nil
}

// readProblem is the 422 of a read counted too early: the problem
// document plus the seconds still to go.
type readProblem struct {
	web.Problem
	SecondsRemaining int `json:"seconds_remaining"`
}

func (m *Module) apiArticleRead(w http.ResponseWriter, r *http.Request) error {
	id, err := columnPathID(r)
	if err != nil {
		return err
	}
	res, err := m.CountRead(r.Context(), web.Principal(r), id)
	var early *ReadTooEarly
	if errors.As(err, &early) {
		p := web.ProblemOf(r, err)
		w.Header().Set("Content-Type", "application/problem+json; charset=utf-8")
		w.WriteHeader(p.Status)
		return json.NewEncoder(w).Encode(readProblem{Problem: p, SecondsRemaining: early.Remaining})
	}
	if err != nil {
		return err
	}
	st := http.StatusCreated
	if res.Already {
		st = http.StatusOK
	}
	web.WriteJSON(w, st, res)
	return nil
}

// ---- editors ----

func articleForm(in ArticleInput) map[string]string {
	f := map[string]string{"title": in.Title, "author": in.Author, "source": in.Source, "publish_at": in.PublishAt, "body": in.Body}
	if in.Draft {
		f["draft"] = "1"
	}
	return f
}

type columnFormPage struct {
	ID int64
}

func (m *Module) pageArticleForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := web.Principal(r)
	if err := m.Auth.Authorize(ctx, p, PermEdit, auth.Anything, "study_article", r.PathValue("id")); err != nil {
		return err
	}
	pg := &web.Page{Title: m.columnT(r, "column.new")}
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = columnPathID(r); err != nil {
			return err
		}
		a, err := columnGet(ctx, m.DB.Q(ctx), id)
		if err != nil {
			return err
		}
		pg.Title = m.columnT(r, "column.edit")
		pg.Form = articleForm(ArticleInput{Title: a.Title, Author: a.Author, Source: a.Source, Draft: a.Draft, Body: a.Body,
			PublishAt: a.PublishAt.In(clock.Zone).Format("2006-01-02T15:04")})
	} else {
		// A new article defaults to tomorrow 07:00, the column's rhythm.
		t := m.Clock.Now().In(clock.Zone).AddDate(0, 0, 1)
		at := time.Date(t.Year(), t.Month(), t.Day(), 7, 0, 0, 0, clock.Zone)
		pg.Form = articleForm(ArticleInput{PublishAt: at.Format("2006-01-02T15:04"), Author: "开发区机关党委"})
	}
	pg.D = columnFormPage{ID: id}
	return m.Views.Render(w, r, http.StatusOK, "column_form", pg)
}

func (m *Module) postArticle(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = columnPathID(r); err != nil {
			return err
		}
	}
	in := ArticleInput{Title: r.FormValue("title"), Author: r.FormValue("author"), Source: r.FormValue("source"),
		PublishAt: r.FormValue("publish_at"), Draft: r.FormValue("draft") == "1", Body: r.FormValue("body")}
	var err error
	if id == 0 {
		id, err = m.CreateArticle(r.Context(), p, in)
	} else {
		err = m.UpdateArticle(r.Context(), p, id, in)
	}
	if err != nil {
		if !quizFormError(err) {
			return err
		}
		lang := web.Lang(r)
		title := m.columnT(r, "column.new")
		if r.PathValue("id") != "" {
			title = m.columnT(r, "column.edit")
		}
		pg := &web.Page{Title: title, Form: articleForm(in), Errors: quizFieldErrors(err, lang), Error: m.columnT(r, "column.fix"),
			D: columnFormPage{ID: id}}
		return m.Views.Render(w, r, http.StatusUnprocessableEntity, "column_form", pg)
	}
	http.Redirect(w, r, fmt.Sprintf("/column/%d?ok=saved", id), http.StatusSeeOther)
	return nil
}

func (m *Module) apiCreateArticle(w http.ResponseWriter, r *http.Request) error {
	var in ArticleInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := m.CreateArticle(r.Context(), web.Principal(r), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": id})
	return nil
}

func (m *Module) apiUpdateArticle(w http.ResponseWriter, r *http.Request) error {
	id, err := columnPathID(r)
	if err != nil {
		return err
	}
	var in ArticleInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := m.UpdateArticle(r.Context(), web.Principal(r), id, in); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
