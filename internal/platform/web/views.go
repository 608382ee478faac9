package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
)

//go:embed templates/*.html
var shellTemplates embed.FS

//go:embed pages/*.html
var shellPages embed.FS

//go:embed i18n/*.json
var shellCatalog embed.FS

// NavItem is one entry of the side navigation, shown to those who hold its
// permission over some scope.
type NavItem struct {
	Key   string // catalog key of the label
	Path  string
	Perm  auth.Perm
	Order int
}

// NavLink is a NavItem resolved for one request. Title, when set, is the
// heading of the group this link opens (学习、机关党建、名录、系统).
type NavLink struct {
	Label  string
	Path   string
	Active bool
	Title  string
}

// navGroup names the group of a navigation order: the rooms keep to their
// ranges (study 10–39, organ 40–79, directory 80–89, system 90+).
func navGroup(order int) string {
	switch {
	case order >= 90:
		return "nav.group.system"
	case order >= 80:
		return "nav.group.directory"
	case order >= 70:
		return "nav.group.village"
	case order >= 60:
		return "nav.group.express"
	case order >= 40:
		return "nav.group.organ"
	case order >= 10:
		return "nav.group.study"
	}
	return ""
}

// Page is what every template receives.
type Page struct {
	Title  string
	Lang   string
	P      *auth.Principal
	Nav    []NavLink
	Path   string
	URI    string // path and query, to come back to after a form
	Flash  string
	Error  string
	Errors map[string]string // field → message
	Form   map[string]string // values to re-display
	D      any               // the page's own data
	Unread int
	cat    *Catalog
}

// T translates a catalog key in the page's locale; extra args fill %s/%d.
func (p *Page) T(key string, args ...any) string { return p.cat.T(p.Lang, key, args...) }

// En reports the English locale.
func (p *Page) En() bool { return p.Lang == "en" }

// Has reports whether the viewer holds a role (for small template choices;
// access itself is decided in handlers).
func (p *Page) Has(role string) bool { return p.P != nil && p.P.Has(auth.Role(role)) }

// Can reports whether the viewer may use a permission at all.
func (p *Page) Can(perm string) bool { return auth.Can(p.P, auth.Perm(perm), auth.Anything) }

// RoleName names a role in the page's locale.
func (p *Page) RoleName(r auth.Role) string {
	n := auth.RoleNames[r]
	if p.Lang == "en" {
		return n[1]
	}
	return n[0]
}

// FieldErr returns the error message for a form field.
func (p *Page) FieldErr(f string) string { return p.Errors[f] }

// Val returns a value to re-display in a form.
func (p *Page) Val(f string) string { return p.Form[f] }

// Views holds the parsed templates: each page is parsed once at start-up
// together with the shell's layout.
type Views struct {
	mu    sync.Mutex
	base  *template.Template
	pages map[string]*template.Template
	Cat   *Catalog
	nav   []NavItem
	// Unread, when set, counts the viewer's unread in-app notifications for
	// the bell in the top bar.
	Unread func(r *http.Request, p *auth.Principal) int
}

var funcs = template.FuncMap{
	"fen": func(v int64) string { // money is integer fen; shown as yuan
		neg := v < 0
		if neg {
			v = -v
		}
		s := fmt.Sprintf("%d.%02d", v/100, v%100)
		if neg {
			s = "-" + s
		}
		return s
	},
	"date": func(t any) string {
		switch v := t.(type) {
		case time.Time:
			if v.IsZero() {
				return ""
			}
			return v.In(clock.Zone).Format("2006-01-02")
		case *time.Time:
			if v == nil {
				return ""
			}
			return v.In(clock.Zone).Format("2006-01-02")
		case string:
			return v
		}
		return ""
	},
	"datetime": func(t any) string {
		switch v := t.(type) {
		case time.Time:
			if v.IsZero() {
				return ""
			}
			return v.In(clock.Zone).Format("2006-01-02 15:04:05")
		case *time.Time:
			if v == nil {
				return ""
			}
			return v.In(clock.Zone).Format("2006-01-02 15:04:05")
		}
		return ""
	},
	"add": func(a, b int) int { return a + b },
	"pct": func(a, b int) string {
		if b == 0 {
			return "—"
		}
		return fmt.Sprintf("%.1f%%", float64(a)*100/float64(b))
	},
	"json": func(v any) string { b, _ := json.Marshal(v); return string(b) },
	"join": strings.Join,
	"list": func(s ...string) []string { return s },
	// pair carries the page along with an item into a recursive template.
	"pair": func(p, b any) map[string]any { return map[string]any{"P": p, "B": b} },
}

// NewViews parses the shell's templates and catalog.
func NewViews() (*Views, error) {
	cat := NewCatalog()
	if err := cat.Add(shellCatalog, "i18n"); err != nil {
		return nil, err
	}
	base, err := template.New("shell").Funcs(funcs).ParseFS(shellTemplates, "templates/*.html")
	if err != nil {
		return nil, err
	}
	v := &Views{base: base, pages: map[string]*template.Template{}, Cat: cat}
	if err := v.AddPages(shellPages, "pages"); err != nil {
		return nil, err
	}
	return v, nil
}

// AddPages parses each *.html file in dir of fsys as a page named after the
// file (without .html). A page defines "content" and may define "title".
func (v *Views) AddPages(fsys fs.FS, dir string) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	files, err := fs.Glob(fsys, path.Join(dir, "*.html"))
	if err != nil {
		return err
	}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if _, dup := v.pages[name]; dup {
			return fmt.Errorf("views: page %q registered twice", name)
		}
		t, err := template.Must(v.base.Clone()).ParseFS(fsys, f)
		if err != nil {
			return fmt.Errorf("views: %s: %w", f, err)
		}
		v.pages[name] = t
	}
	return nil
}

// AddNav registers navigation entries.
func (v *Views) AddNav(items ...NavItem) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.nav = append(v.nav, items...)
	sort.SliceStable(v.nav, func(i, j int) bool { return v.nav[i].Order < v.nav[j].Order })
}

// PageNames lists registered pages (for the registration test).
func (v *Views) PageNames() []string {
	var out []string
	for n := range v.pages {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Prepare fills the shell's part of a page for a request.
func (v *Views) Prepare(r *http.Request, pg *Page) *Page {
	if pg == nil {
		pg = &Page{}
	}
	pg.cat = v.Cat
	pg.Lang = Lang(r)
	pg.P = Principal(r)
	pg.Path = r.URL.Path
	pg.URI = r.URL.RequestURI()
	if pg.Flash == "" {
		if k := r.URL.Query().Get("ok"); k != "" && len(k) < 40 {
			if s := v.Cat.T(pg.Lang, "flash."+k); s != "flash."+k {
				pg.Flash = s
			}
		}
	}
	if pg.P != nil && !pg.P.MustChange {
		// The active entry is the longest path that contains the page, so
		// /study/quiz lights 月问答, not 每日学习 at /study.
		best := -1
		lastGroup := ""
		for _, it := range v.nav {
			if auth.Can(pg.P, it.Perm, auth.Anything) {
				if r.URL.Path == it.Path || (it.Path != "/" && strings.HasPrefix(r.URL.Path, it.Path+"/")) {
					if best < 0 || len(it.Path) > len(pg.Nav[best].Path) {
						best = len(pg.Nav)
					}
				}
				link := NavLink{Label: v.Cat.T(pg.Lang, it.Key), Path: it.Path}
				if g := navGroup(it.Order); g != "" && g != lastGroup {
					link.Title, lastGroup = v.Cat.T(pg.Lang, g), g
				}
				pg.Nav = append(pg.Nav, link)
			}
		}
		if best >= 0 {
			pg.Nav[best].Active = true
		}
		if v.Unread != nil {
			pg.Unread = v.Unread(r, pg.P)
		}
	}
	return pg
}

// Render writes a page with status.
func (v *Views) Render(w http.ResponseWriter, r *http.Request, status int, name string, pg *Page) error {
	t, ok := v.pages[name]
	if !ok {
		return fmt.Errorf("views: no page %q", name)
	}
	pg = v.Prepare(r, pg)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", pg); err != nil {
		return fmt.Errorf("views: render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// defaultViews renders error pages; set by the app at start-up.
var defaultViews *Views

// SetDefault makes v the views used for error pages.
func SetDefault(v *Views) { defaultViews = v }

func renderErrorPage(w http.ResponseWriter, r *http.Request, p Problem) {
	if defaultViews != nil {
		if _, ok := defaultViews.pages["error"]; ok {
			if t := defaultViews.Cat.T(Lang(r), fmt.Sprintf("error.title.%d", p.Status)); !strings.HasPrefix(t, "error.title.") {
				p.Title = t
			}
			if err := defaultViews.Render(w, r, p.Status, "error", &Page{Title: p.Title, D: p}); err == nil {
				return
			}
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(p.Status)
	fmt.Fprintln(w, p.Detail)
}

// Fragment renders one {{define}}d block of a registered page file with pg
// (already prepared by the caller) and returns it as HTML, so that a page
// can be assembled from blocks that other parts of a module own (the
// village portal's sections).
func (v *Views) Fragment(page, block string, pg *Page) (template.HTML, error) {
	v.mu.Lock()
	t, ok := v.pages[page]
	v.mu.Unlock()
	if !ok {
		return "", fmt.Errorf("views: no page %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, pg); err != nil {
		return "", fmt.Errorf("views: render %s/%s: %w", page, block, err)
	}
	return template.HTML(buf.String()), nil
}
