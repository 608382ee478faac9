package village

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

// RulebookArea is one area of the rule book (制度汇编), e.g. 村级干部管理.
type RulebookArea struct {
	ID    int64          `json:"id"`
	Sort  int            `json:"sort"`
	Title string         `json:"title"`
	Rules []RulebookRule `json:"rules"`
}

// RulebookRule is one rule (制度) of an area. No is its number in the booklet
// (1…n across all areas, in booklet order).
type RulebookRule struct {
	ID       int64  `json:"id"`
	AreaID   int64  `json:"area_id"`
	No       int    `json:"no"`
	Sort     int    `json:"sort"`
	Title    string `json:"title"`
	Body     string `json:"body"`
	Source   string `json:"source"`
	IssuedOn string `json:"issued_on"`
}

// RulebookAreaInput adds an area.
type RulebookAreaInput struct {
	Sort  int    `json:"sort"`
	Title string `json:"title"`
}

// RulebookRuleInput adds or changes a rule.
type RulebookRuleInput struct {
	AreaID   int64  `json:"area_id"`
	Sort     int    `json:"sort"`
	Title    string `json:"title"`
	Body     string `json:"body"`
	Source   string `json:"source"`
	IssuedOn string `json:"issued_on"`
}

// Rulebook is the whole book in booklet order, with counts.
type Rulebook struct {
	Areas     []RulebookArea `json:"areas"`
	AreaCount int            `json:"area_count"`
	RuleCount int            `json:"rule_count"`
}

// NumberRulebook numbers the rules 1…n across areas in booklet order (areas
// by sort, rules by sort within an area; ties by id) — the numbers of the
// printed table of contents. A pure function.
func NumberRulebook(areas []RulebookArea) int {
	n := 0
	for i := range areas {
		for j := range areas[i].Rules {
			n++
			areas[i].Rules[j].No = n
		}
	}
	return n
}

// rulebook reads the book (public data: the rules are not secret).
func (m *Module) rulebook(ctx context.Context) (*Rulebook, error) {
	q := m.DB.Q(ctx)
	rows, err := q.QueryContext(ctx, `SELECT id, sort, title FROM rulebook_areas ORDER BY sort, id`)
	if err != nil {
		return nil, err
	}
	b := &Rulebook{Areas: []RulebookArea{}}
	idx := map[int64]int{}
	for rows.Next() {
		var a RulebookArea
		if err := rows.Scan(&a.ID, &a.Sort, &a.Title); err != nil {
			rows.Close()
			return nil, err
		}
		a.Rules = []RulebookRule{}
		idx[a.ID] = len(b.Areas)
		b.Areas = append(b.Areas, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT id, area_id, sort, title, body, source, issued_on FROM rulebook_rules ORDER BY sort, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r RulebookRule
		if err := rows.Scan(&r.ID, &r.AreaID, &r.Sort, &r.Title, &r.Body, &r.Source, &r.IssuedOn); err != nil {
			return nil, err
		}
		if i, ok := idx[r.AreaID]; ok {
			b.Areas[i].Rules = append(b.Areas[i].Rules, r)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	b.AreaCount = len(b.Areas)
	b.RuleCount = NumberRulebook(b.Areas)
	return b, nil
}

// Rulebook reads the book for a signed-in reader (PermRead anywhere).
func (m *Module) Rulebook(ctx context.Context, p *auth.Principal) (*Rulebook, error) {
	if err := m.Auth.Authorize(ctx, p, PermRead, auth.Anything, "village_rulebook", ""); err != nil {
		return nil, err
	}
	return m.rulebook(ctx)
}

// PublicRulebook is the book for anyone (制度上墙: the rules are public).
func (m *Module) PublicRulebook(ctx context.Context) (*Rulebook, error) { return m.rulebook(ctx) }

// CreateRulebookArea adds an area (PermConfig: the committee).
func (m *Module) CreateRulebookArea(ctx context.Context, p *auth.Principal, in RulebookAreaInput) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, PermConfig, auth.Anything, "village_rulebook", ""); err != nil {
		return 0, err
	}
	in.Title = strings.TrimSpace(in.Title)
	var l errs.List
	svText(&l, "title", "方面名称", "the area's title", in.Title, 2, 50)
	if in.Sort < 0 || in.Sort > 1000 {
		l = append(l, errs.Field("sort", "排序须为 0–1000", "the order must be 0–1000"))
	}
	if err := l.Err(); err != nil {
		return 0, err
	}
	var id int64
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM rulebook_areas WHERE title = ?`, in.Title).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errs.Field("title", "已有同名的方面："+in.Title, "an area with this title exists: "+in.Title)
		}
		var err error
		if id, err = tx.InsertID(ctx, `INSERT INTO rulebook_areas (sort, title) VALUES (?, ?)`, in.Sort, in.Title); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "village.rulebook.area_create", ObjectType: "village_rulebook_area", ObjectID: fmt.Sprint(id), Detail: in.Title})
	})
	return id, err
}

func (m *Module) checkRulebookRule(ctx context.Context, in *RulebookRuleInput) error {
	in.Title, in.Body, in.Source, in.IssuedOn = strings.TrimSpace(in.Title), strings.TrimSpace(in.Body), strings.TrimSpace(in.Source), strings.TrimSpace(in.IssuedOn)
	var l errs.List
	var n int
	if err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM rulebook_areas WHERE id = ?`, in.AreaID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		l = append(l, errs.Field("area_id", "请选择制度所属的方面", "choose the rule's area"))
	}
	svText(&l, "title", "制度名称", "the rule's title", in.Title, 2, 100)
	svText(&l, "body", "制度内容", "the rule's text", in.Body, 0, 20000)
	svText(&l, "source", "来源", "the source", in.Source, 0, 200)
	if in.IssuedOn != "" && svDay(&l, "issued_on", "印发日期", "the issue date", in.IssuedOn) {
		svNotFuture(&l, "issued_on", "印发日期", "the issue date", in.IssuedOn, m.svToday())
	}
	if in.Sort < 0 || in.Sort > 1000 {
		l = append(l, errs.Field("sort", "排序须为 0–1000", "the order must be 0–1000"))
	}
	return l.Err()
}

// SaveRulebookRule adds a rule (id 0) or changes one (PermConfig: the committee).
func (m *Module) SaveRulebookRule(ctx context.Context, p *auth.Principal, id int64, in RulebookRuleInput) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, PermConfig, auth.Anything, "village_rulebook", fmt.Sprint(id)); err != nil {
		return 0, err
	}
	if id > 0 {
		var n int
		if err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM rulebook_rules WHERE id = ?`, id).Scan(&n); err != nil {
			return 0, err
		}
		if n == 0 {
			return 0, errs.NotFoundf("制度")
		}
	}
	if err := m.checkRulebookRule(ctx, &in); err != nil {
		return 0, err
	}
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM rulebook_rules WHERE area_id = ? AND title = ? AND id <> ?`, in.AreaID, in.Title, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errs.Field("title", "该方面已有同名制度："+in.Title, "the area already has a rule with this title: "+in.Title)
		}
		now := m.Clock.Now()
		action := "village.rulebook.rule_update"
		if id == 0 {
			var err error
			if id, err = tx.InsertID(ctx, `INSERT INTO rulebook_rules (area_id, sort, title, body, source, issued_on, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				in.AreaID, in.Sort, in.Title, in.Body, in.Source, in.IssuedOn, p.UserID, now); err != nil {
				return err
			}
			action = "village.rulebook.rule_create"
		} else if _, err := tx.ExecContext(ctx, `UPDATE rulebook_rules SET area_id = ?, sort = ?, title = ?, body = ?, source = ?, issued_on = ?, updated_by = ?, updated_at = ? WHERE id = ?`,
			in.AreaID, in.Sort, in.Title, in.Body, in.Source, in.IssuedOn, p.UserID, now, id); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: action, ObjectType: "village_rule", ObjectID: fmt.Sprint(id), Detail: in.Title})
	})
	return id, err
}

// ---- handlers ----

type rulebookPage struct {
	*Rulebook
	CanEdit bool   `json:"-"`
	Public  bool   `json:"-"`
	Edit    int64  `json:"-"` // the rule being edited
	Today   string `json:"-"`
}

func (m *Module) pageRulebook(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	b, err := m.Rulebook(r.Context(), p)
	if err != nil {
		return err
	}
	d := &rulebookPage{Rulebook: b, CanEdit: auth.Can(p, PermConfig, auth.Anything), Today: m.svToday()}
	d.Edit, _ = strconv.ParseInt(r.URL.Query().Get("edit"), 10, 64)
	return m.Views.Render(w, r, http.StatusOK, "rulebook_index", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "rulebook.title"), D: d})
}

func (m *Module) apiRulebook(w http.ResponseWriter, r *http.Request) error {
	b, err := m.Rulebook(r.Context(), web.Principal(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, b)
	return nil
}

func (m *Module) pageBooklet(public bool) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		var b *Rulebook
		var err error
		if public {
			b, err = m.PublicRulebook(r.Context())
			w.Header().Set("Cache-Control", "public, max-age=300")
		} else {
			b, err = m.Rulebook(r.Context(), web.Principal(r))
		}
		if err != nil {
			return err
		}
		return m.Views.Render(w, r, http.StatusOK, "rulebook_booklet", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "rulebook.booklet_title"),
			D: &rulebookPage{Rulebook: b, Public: public, Today: m.svToday()}})
	}
}

func (m *Module) createRulebookArea(w http.ResponseWriter, r *http.Request) error {
	var in RulebookAreaInput
	if svIsForm(r) {
		in.Sort, _ = strconv.Atoi(r.FormValue("sort"))
		in.Title = r.FormValue("title")
	} else {
		if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermConfig, auth.Anything, "village_rulebook", ""); err != nil {
			return err
		}
		if err := web.DecodeJSON(r, &in); err != nil {
			return err
		}
	}
	id, err := m.CreateRulebookArea(r.Context(), web.Principal(r), in)
	if err != nil {
		return err
	}
	if svIsForm(r) {
		http.Redirect(w, r, "/village-rules?ok=saved", http.StatusSeeOther)
		return nil
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": id})
	return nil
}

func (m *Module) saveRulebookRule(update bool) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		var id int64
		if update {
			var err error
			if id, err = svID(r); err != nil {
				return err
			}
		}
		var in RulebookRuleInput
		if svIsForm(r) {
			in.AreaID, _ = strconv.ParseInt(r.FormValue("area_id"), 10, 64)
			in.Sort, _ = strconv.Atoi(r.FormValue("sort"))
			in.Title, in.Body, in.Source, in.IssuedOn = r.FormValue("title"), r.FormValue("body"), r.FormValue("source"), r.FormValue("issued_on")
		} else {
			if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermConfig, auth.Anything, "village_rulebook", ""); err != nil {
				return err
			}
			if err := web.DecodeJSON(r, &in); err != nil {
				return err
			}
		}
		nid, err := m.SaveRulebookRule(r.Context(), web.Principal(r), id, in)
		if err != nil {
			return err
		}
		if svIsForm(r) {
			http.Redirect(w, r, fmt.Sprintf("/village-rules?ok=saved#rule-%d", nid), http.StatusSeeOther)
			return nil
		}
		status := http.StatusCreated
		if update {
			status = http.StatusOK
		}
		web.WriteJSON(w, status, map[string]int64{"id": nid})
		return nil
	}
}

// bookletCSS is the booklet's print layout: each area starts a new page,
// the cover fills one, and the table of contents is its own page. Served
// as a file because the CSP allows no inline styles.
const bookletCSS = `.booklet-cover{text-align:center;padding:3rem 1rem}
.booklet-cover h1{font-size:2rem;margin:1rem 0}
.booklet-toc ol{padding-left:1.5rem}
.booklet-toc .toc-rule{display:flex;gap:.5rem}
.booklet-toc .toc-rule .dots{flex:1;border-bottom:1px dotted #999;margin-bottom:.4em}
.booklet-rule{margin:0 0 1.25rem}
.booklet-rule h3{margin-bottom:.25rem}
.booklet-rule .body{white-space:pre-line}
@media print{
 .booklet-cover{min-height:90vh;display:flex;flex-direction:column;justify-content:center;break-after:page;page-break-after:always}
 .booklet-toc{break-after:page;page-break-after:always}
 .booklet-area{break-before:page;page-break-before:always}
 .booklet-rule{break-inside:avoid;page-break-inside:avoid}
 .booklet-area h2{break-after:avoid}
 .card{border:0 !important}
}`

func serveBookletCSS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write([]byte(bookletCSS))
}

func init() {
	routeParts = append(routeParts, func(m *Module, r *web.Router) {
		r.Handle("GET /village-rules", web.Handler(m.pageRulebook))
		r.Handle("POST /village-rules/areas", web.Handler(m.createRulebookArea))
		r.Handle("POST /village-rules/rules", m.saveRulebookRule(false))
		r.Handle("POST /village-rules/rules/{id}", m.saveRulebookRule(true))
		r.Handle("GET /village-rules/booklet", m.pageBooklet(false))
		r.Handle("GET /village-rules/booklet.xlsx", web.Handler(m.exportBookletXLSX))
		r.Handle("GET /village-rules/booklet.docx", web.Handler(m.exportBookletDOCX))
		r.Handle("GET /public/rules", m.pageBooklet(true))
		r.HandleFunc("GET /public/rules/booklet.css", serveBookletCSS)
		r.Handle("GET /api/v1/village-rules", web.Handler(m.apiRulebook))
		r.Handle("POST /api/v1/village-rules/areas", web.Handler(m.createRulebookArea))
		r.Handle("POST /api/v1/village-rules/rules", m.saveRulebookRule(false))
		r.Handle("PUT /api/v1/village-rules/rules/{id}", m.saveRulebookRule(true))
	})
	navItems = append(navItems, web.NavItem{Key: "rulebook.title", Path: "/village-rules", Perm: PermRead, Order: 78})
}
