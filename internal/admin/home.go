package admin

import (
	"net/http"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/notify"
	"zhongshu/internal/platform/web"
)

// homePage is the per-role dashboard.
type homePage struct {
	Stats    *directory.Stats
	Villages []directory.Village
	Me       *directory.Person
	Users    int
	Locked   int
	Audit24h int
	Denied   int
	Roles    []auth.Role
	Failing  []notify.Channel
}

func (m *Module) pageHome(w http.ResponseWriter, r *http.Request) error {
	if err := web.NeedLogin(r); err != nil {
		return err
	}
	p := web.Principal(r)
	if p.MustChange {
		http.Redirect(w, r, "/account?must=1", http.StatusSeeOther)
		return nil
	}
	ctx := r.Context()
	d := homePage{Roles: p.Roles()}
	if auth.Can(p, auth.PeopleRead, auth.ZoneOnly) {
		d.Stats, _ = m.Directory.Stats(ctx, p)
	}
	if auth.Can(p, auth.OrgRead, auth.Anything) && !p.IsAdmin() {
		all, _ := m.Directory.Villages(ctx, p)
		ids, zone := p.ScopeIDs(auth.VillageSecretary, auth.ScopeVillage)
		ids2, _ := p.ScopeIDs(auth.VillageSupervisor, auth.ScopeVillage)
		ids = append(ids, ids2...)
		for _, v := range all {
			for _, id := range ids {
				if v.ID == id || zone {
					d.Villages = append(d.Villages, v)
				}
			}
		}
	}
	if p.PersonID != 0 && auth.Can(p, auth.PeopleRead, auth.Object{Person: p.PersonID}) {
		d.Me, _ = m.Directory.Person(ctx, p, p.PersonID, false, "")
	}
	if p.Has(auth.Sysadmin) || p.Has(auth.Secadmin) {
		us, _ := m.Auth.ListUsers(ctx)
		d.Users = len(us)
		now := m.Clock.Now()
		for _, u := range us {
			if u.Disabled || (u.LockedUntil != nil && u.LockedUntil.After(now)) {
				d.Locked++
			}
		}
	}
	if p.Has(auth.Sysadmin) || p.Has(auth.Committee) {
		// A failed channel means a morning push did not reach a group.
		d.Failing, _ = m.Notify.FailingChannels(ctx)
	}
	if p.Has(auth.Auditor) {
		since := m.Clock.Now().Add(-24 * 60 * 60 * 1e9)
		_, d.Audit24h, _ = m.Audit.List(ctx, audit.Filter{From: since, Limit: 1})
		_, d.Denied, _ = m.Audit.List(ctx, audit.Filter{From: since, Result: audit.Denied, Limit: 1})
	}
	return m.Views.Render(w, r, http.StatusOK, "home", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.home"), D: d})
}
