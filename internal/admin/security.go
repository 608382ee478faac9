package admin

import (
	"net/http"
	"strconv"
	"strings"

	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

type securityPage struct {
	Policy auth.Policy
	Users  []auth.User
	Locked []auth.User
	Perms  []permRow
}

type permRow struct {
	Perm  auth.Perm
	Roles []auth.Role
}

func (m *Module) pageSecurity(w http.ResponseWriter, r *http.Request) error {
	return m.renderSecurity(w, r, http.StatusOK, &web.Page{})
}

func (m *Module) renderSecurity(w http.ResponseWriter, r *http.Request, status int, pg *web.Page) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, auth.SecurityManage, auth.Anything, "security", ""); err != nil {
		return err
	}
	pol, err := m.Auth.Policy(r.Context())
	if err != nil {
		return err
	}
	us, err := m.Auth.ListUsers(r.Context())
	if err != nil {
		return err
	}
	now := m.Clock.Now()
	var locked []auth.User
	for _, u := range us {
		if u.Disabled || (u.LockedUntil != nil && u.LockedUntil.After(now)) {
			locked = append(locked, u)
		}
	}
	var perms []permRow
	for perm, rules := range auth.Perms() {
		var rs []auth.Role
		for _, ru := range rules {
			rs = append(rs, ru.Role)
		}
		perms = append(perms, permRow{Perm: perm, Roles: rs})
	}
	sortPerms(perms)
	pg.Title = m.Views.Cat.T(web.Lang(r), "nav.security")
	pg.D = securityPage{Policy: pol, Users: us, Locked: locked, Perms: perms}
	return m.Views.Render(w, r, status, "security", pg)
}

func sortPerms(ps []permRow) {
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].Perm < ps[j-1].Perm; j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

func formInt(r *http.Request, k string) int {
	n, err := strconv.Atoi(strings.TrimSpace(r.FormValue(k)))
	if err != nil {
		return -1
	}
	return n
}

func (m *Module) postPolicy(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, auth.SecurityManage, auth.Anything, "security", ""); err != nil {
		return err
	}
	pol := auth.Policy{MinLength: formInt(r, "min_length"), MinClasses: formInt(r, "min_classes"), History: formInt(r, "history"),
		MaxAgeDays: formInt(r, "max_age_days"), LockThreshold: formInt(r, "lock_threshold"), LockWindowMin: formInt(r, "lock_window_min"),
		LockMinutes: formInt(r, "lock_minutes"), IdleMinutes: formInt(r, "idle_minutes"), AdminIdleMinutes: formInt(r, "admin_idle_minutes"),
		AbsoluteHours: formInt(r, "absolute_hours"), IPFailLimit: formInt(r, "ip_fail_limit")}
	if err := m.Auth.SetPolicy(r.Context(), pol, p.Username); err != nil {
		if l, ok := err.(errs.List); ok {
			return m.renderSecurity(w, r, http.StatusUnprocessableEntity, &web.Page{Error: l[0].Message(web.Lang(r))})
		}
		return err
	}
	http.Redirect(w, r, "/admin/security?ok=saved", http.StatusSeeOther)
	return nil
}

func (m *Module) userAction(w http.ResponseWriter, r *http.Request, fn func(id int64) error, flash string) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, auth.SecurityManage, auth.Anything, "user", r.PathValue("id")); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errs.NotFoundf("用户")
	}
	if err := fn(id); err != nil {
		if e := errs.As(err); e != nil && e.Kind == errs.Invalid && !web.IsAPI(r) {
			return m.renderUser(w, r, http.StatusUnprocessableEntity, &web.Page{Error: e.Message(web.Lang(r))}, "")
		}
		return err
	}
	if web.IsAPI(r) {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	http.Redirect(w, r, "/admin/users/"+r.PathValue("id")+"?ok="+flash, http.StatusSeeOther)
	return nil
}

func (m *Module) postRoles(w http.ResponseWriter, r *http.Request) error {
	return m.userAction(w, r, func(id int64) error {
		gs, err := parseGrants(strings.Fields(r.FormValue("grants")))
		if err != nil {
			return err
		}
		return m.Auth.SetGrants(r.Context(), id, gs)
	}, "saved")
}

func (m *Module) postLock(w http.ResponseWriter, r *http.Request) error {
	return m.userAction(w, r, func(id int64) error { return m.Auth.SetLocked(r.Context(), id, true) }, "locked")
}

func (m *Module) postUnlock(w http.ResponseWriter, r *http.Request) error {
	return m.userAction(w, r, func(id int64) error { return m.Auth.SetLocked(r.Context(), id, false) }, "unlocked")
}

func (m *Module) apiUnlock(w http.ResponseWriter, r *http.Request) error { return m.postUnlock(w, r) }

func (m *Module) postKillSessions(w http.ResponseWriter, r *http.Request) error {
	return m.userAction(w, r, func(id int64) error { return m.Auth.KillSessions(r.Context(), id) }, "saved")
}

func (m *Module) apiPolicy(w http.ResponseWriter, r *http.Request) error {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), auth.SecurityManage, auth.Anything, "security", ""); err != nil {
		return err
	}
	pol, err := m.Auth.Policy(r.Context())
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, pol)
	return nil
}

func (m *Module) apiSetPolicy(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, auth.SecurityManage, auth.Anything, "security", ""); err != nil {
		return err
	}
	var pol auth.Policy
	if err := web.DecodeJSON(r, &pol); err != nil {
		return err
	}
	if err := m.Auth.SetPolicy(r.Context(), pol, p.Username); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, pol)
	return nil
}

func (m *Module) apiSetRoles(w http.ResponseWriter, r *http.Request) error {
	return m.userAction(w, r, func(id int64) error {
		var in struct {
			Grants []auth.Grant `json:"grants"`
		}
		if err := web.DecodeJSON(r, &in); err != nil {
			return err
		}
		return m.Auth.SetGrants(r.Context(), id, in.Grants)
	}, "saved")
}
