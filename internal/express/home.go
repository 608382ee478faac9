package express

import (
	"net/http"
	"sort"

	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/web"
)

// Desk is the express front page: each part's figures for the caller.
type Desk struct {
	Tiles []Tile `json:"tiles"`
}

func (m *Module) desk(r *http.Request) (*Desk, error) {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, PermRead, auth.Anything, "express", ""); err != nil {
		return nil, err
	}
	parts := append([]tilePart(nil), tileParts...)
	sort.SliceStable(parts, func(i, j int) bool { return parts[i].order < parts[j].order })
	d := &Desk{Tiles: []Tile{}}
	for _, tp := range parts {
		ts, err := tp.load(m, r.Context(), p)
		if err != nil {
			return nil, err
		}
		d.Tiles = append(d.Tiles, ts...)
	}
	return d, nil
}

func (m *Module) pageDesk(w http.ResponseWriter, r *http.Request) error {
	d, err := m.desk(r)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "express_home", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.express"), D: d})
}

func (m *Module) apiDesk(w http.ResponseWriter, r *http.Request) error {
	d, err := m.desk(r)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

func init() {
	routeParts = append(routeParts, func(m *Module, r *web.Router) {
		r.Handle("GET /express", web.Handler(m.pageDesk))
		r.Handle("GET /api/v1/express", web.Handler(m.apiDesk))
	})
	navItems = append(navItems, web.NavItem{Key: "nav.express", Path: "/express", Perm: PermRead, Order: 60})
}
