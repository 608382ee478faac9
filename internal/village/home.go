package village

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

// village returns one village (a system call: callers authorise first or
// show only public facts).
func (m *Module) village(ctx context.Context, id int64) (*directory.Village, error) {
	vs, err := m.Dir.VillageList(ctx)
	if err != nil {
		return nil, err
	}
	for i := range vs {
		if vs[i].ID == id {
			return &vs[i], nil
		}
	}
	return nil, errs.NotFoundf("village")
}

// villagesFor lists the villages p may read (PermRead): all for zone
// grants, else the villages of p's village-scoped grants.
func (m *Module) villagesFor(ctx context.Context, p *auth.Principal) ([]directory.Village, error) {
	vs, err := m.Dir.VillageList(ctx)
	if err != nil {
		return nil, err
	}
	out := vs[:0:0]
	for _, v := range vs {
		if auth.Can(p, PermRead, auth.Object{Village: v.ID}) {
			out = append(out, v)
		}
	}
	return out, nil
}

// villageParam reads {id} of a /villages/{id}/… route and authorises perm
// over that village; a village outside the caller's scope is "not found".
func (m *Module) villageParam(r *http.Request, perm auth.Perm, what string) (*directory.Village, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, errs.NotFoundf("village")
	}
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), perm, auth.Object{Village: id}, what, strconv.FormatInt(id, 10)); err != nil {
		return nil, err
	}
	return m.village(r.Context(), id)
}

// Desk is a village's working page: the parts' pages for it.
type Desk struct {
	Village *directory.Village `json:"village"`
	Links   []DeskItem         `json:"links"`
}

// DeskItem is a resolved DeskLink.
type DeskItem struct {
	Key  string `json:"key"`
	Path string `json:"path"`
}

func (m *Module) desk(r *http.Request) (*Desk, error) {
	v, err := m.villageParam(r, PermRead, "village")
	if err != nil {
		return nil, err
	}
	links := slices.Clone(deskLinks)
	sort.SliceStable(links, func(i, j int) bool { return links[i].Order < links[j].Order })
	d := &Desk{Village: v}
	for _, l := range links {
		if auth.Can(web.Principal(r), l.Perm, auth.Object{Village: v.ID}) {
			d.Links = append(d.Links, DeskItem{Key: l.Key, Path: fmt.Sprintf(l.Path, v.ID)})
		}
	}
	return d, nil
}

func (m *Module) pageHome(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, PermRead, auth.Anything, "village", ""); err != nil {
		return err
	}
	vs, err := m.villagesFor(r.Context(), p)
	if err != nil {
		return err
	}
	// One village only: go straight to its desk.
	if len(vs) == 1 {
		http.Redirect(w, r, fmt.Sprintf("/villages/%d", vs[0].ID), http.StatusSeeOther)
		return nil
	}
	return m.Views.Render(w, r, http.StatusOK, "village_home", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.village"), D: vs})
}

func (m *Module) pageDesk(w http.ResponseWriter, r *http.Request) error {
	d, err := m.desk(r)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "village_desk", &web.Page{Title: d.Village.Name, D: d})
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
		r.Handle("GET /village", web.Handler(m.pageHome))
		r.Handle("GET /villages/{id}", web.Handler(m.pageDesk))
		r.Handle("GET /api/v1/villages/{id}/desk", web.Handler(m.apiDesk))
	})
	navItems = append(navItems, web.NavItem{Key: "nav.village", Path: "/village", Perm: PermRead, Order: 70})
}
