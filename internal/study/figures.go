package study

import (
	"context"
	"net/http"
	"strings"
	"time"

	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

// Figure is one number of the study report, computed from data — never
// typed in (e.g. "35 sentences learned", "98 articles pushed").
type Figure struct {
	Key   string `json:"key"`   // e.g. "sentences_learned"
	Value int    `json:"value"` // the count
	Unit  string `json:"unit"`  // catalog key of the unit (句、篇、册 …)
}

// figureQuery is one figure as a part states it: a query that answers one
// number (a COUNT or a SUM), with its arguments.
type figureQuery struct {
	Key, Unit string
	SQL       string
	Args      []any
}

// Figures computes every part's figures between two zone days (inclusive).
func (m *Module) Figures(ctx context.Context, from, to string) ([]Figure, error) {
	var qs []figureQuery
	for _, f := range figureParts {
		qs = append(qs, f(m, from, to)...)
	}
	return m.runFigures(ctx, qs)
}

// runFigures answers the queries in one statement — each a scalar
// subquery — so the zone dashboard is one round trip instead of one per
// figure (issue 8: ten round trips were most of its time on PostgreSQL).
func (m *Module) runFigures(ctx context.Context, qs []figureQuery) ([]Figure, error) {
	if len(qs) == 0 {
		return nil, nil
	}
	var b strings.Builder
	var args []any
	b.WriteString("SELECT ")
	for i, q := range qs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(" + q.SQL + ")")
		args = append(args, q.Args...)
	}
	vals := make([]int64, len(qs))
	dest := make([]any, len(qs))
	for i := range vals {
		dest[i] = &vals[i]
	}
	if err := m.DB.Q(ctx).QueryRowContext(ctx, b.String(), args...).Scan(dest...); err != nil {
		return nil, err
	}
	out := make([]Figure, len(qs))
	for i, q := range qs {
		out[i] = Figure{Key: q.Key, Value: int(vals[i]), Unit: q.Unit}
	}
	return out, nil
}

// figureRange reads from/to (YYYY-MM-DD, zone days); the default is the
// year to date.
func (m *Module) figureRange(r *http.Request) (string, string, error) {
	now := m.Clock.Now().In(clock.Zone)
	from, to := r.URL.Query().Get("from"), r.URL.Query().Get("to")
	if from == "" {
		from = now.Format("2006") + "-01-01"
	}
	if to == "" {
		to = now.Format("2006-01-02")
	}
	f, err1 := time.Parse("2006-01-02", from)
	t, err2 := time.Parse("2006-01-02", to)
	if err1 != nil || err2 != nil {
		return "", "", errs.Field("from", "日期须为 YYYY-MM-DD", "dates must be YYYY-MM-DD")
	}
	if t.Before(f) {
		return "", "", errs.Field("to", "截止日期不能早于起始日期", "to must not be before from")
	}
	return from, to, nil
}

// FiguresReport is the body of GET /api/v1/study/figures.
type FiguresReport struct {
	From    string   `json:"from"`
	To      string   `json:"to"`
	Figures []Figure `json:"figures"`
}

func (m *Module) figures(r *http.Request) (*FiguresReport, error) {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermLearn, auth.Anything, "study_figures", ""); err != nil {
		return nil, err
	}
	from, to, err := m.figureRange(r)
	if err != nil {
		return nil, err
	}
	fs, err := m.Figures(r.Context(), from, to)
	if err != nil {
		return nil, err
	}
	if fs == nil {
		fs = []Figure{}
	}
	return &FiguresReport{From: from, To: to, Figures: fs}, nil
}

func (m *Module) apiFigures(w http.ResponseWriter, r *http.Request) error {
	rep, err := m.figures(r)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, rep)
	return nil
}

func (m *Module) pageFigures(w http.ResponseWriter, r *http.Request) error {
	rep, err := m.figures(r)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "study_figures", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.study_figures"), D: rep})
}

func init() {
	routeParts = append(routeParts, func(m *Module, r *web.Router) {
		r.Handle("GET /api/v1/study/figures", web.Handler(m.apiFigures))
		r.Handle("GET /study/figures", web.Handler(m.pageFigures))
	})
	navItems = append(navItems, web.NavItem{Key: "nav.study_figures", Path: "/study/figures", Perm: PermLearn, Order: 19})
}
