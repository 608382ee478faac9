package organ

import (
	"net/http"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

// Overview is the organ desk's front page: the organ party committee with
// its founding date, its branches and party workers — the seed's "今年10月
// 9日，机关党委正式成立" and "16个机关党支部28名党务工作者", from data.
type Overview struct {
	Committee    *directory.Branch   `json:"committee"`
	Branches     []*directory.Branch `json:"branches"`
	PartyWorkers int                 `json:"party_workers"`
	Members      int                 `json:"members"`
}

// Overview computes the front page.
func (m *Module) Overview(r *http.Request) (*Overview, error) {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermRead, auth.Anything, "organ", ""); err != nil {
		return nil, err
	}
	ctx := r.Context()
	cs, err := m.Dir.BranchList(ctx, directory.KindOrganCommittee)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, errs.NotFoundf("organ committee")
	}
	o := &Overview{Committee: cs[0]}
	if o.Branches, err = m.Dir.BranchList(ctx, directory.KindOrganBranch); err != nil {
		return nil, err
	}
	for _, b := range o.Branches {
		o.Members += b.Members
	}
	workers, err := m.Dir.PositionHolders(ctx, directory.PosPartyWorker)
	if err != nil {
		return nil, err
	}
	o.PartyWorkers = len(workers)
	return o, nil
}

func (m *Module) apiOverview(w http.ResponseWriter, r *http.Request) error {
	o, err := m.Overview(r)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, o)
	return nil
}

func (m *Module) pageOverview(w http.ResponseWriter, r *http.Request) error {
	o, err := m.Overview(r)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "organ_home", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.organ"), D: o})
}

func init() {
	routeParts = append(routeParts, func(m *Module, r *web.Router) {
		r.Handle("GET /organ", web.Handler(m.pageOverview))
		r.Handle("GET /api/v1/organ", web.Handler(m.apiOverview))
	})
	navItems = append(navItems, web.NavItem{Key: "nav.organ", Path: "/organ", Perm: PermRead, Order: 40})
}
