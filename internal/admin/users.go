package admin

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

type usersPage struct {
	Users   []auth.User
	Roles   []auth.Role
	NewPass string
	NewUser string
}

func (m *Module) pageUsers(w http.ResponseWriter, r *http.Request) error {
	return m.renderUsers(w, r, http.StatusOK, &web.Page{}, "", "")
}

func (m *Module) renderUsers(w http.ResponseWriter, r *http.Request, status int, pg *web.Page, user, pass string) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, auth.UsersManage, auth.Anything, "users", ""); err != nil {
		if err2 := m.Auth.Authorize(r.Context(), p, auth.SecurityManage, auth.Anything, "users", ""); err2 != nil {
			return err
		}
	}
	us, err := m.Auth.ListUsers(r.Context())
	if err != nil {
		return err
	}
	pg.Title = m.Views.Cat.T(web.Lang(r), "nav.users")
	pg.D = usersPage{Users: us, Roles: auth.AllRoles, NewUser: user, NewPass: pass}
	return m.Views.Render(w, r, status, "users", pg)
}

// parseGrants reads "role" or "role@kind:id" entries.
func parseGrants(ss []string) ([]auth.Grant, error) {
	var out []auth.Grant
	for _, s := range ss {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		g := auth.Grant{ScopeKind: auth.ScopeZone}
		role, scope, has := strings.Cut(s, "@")
		g.Role = auth.Role(role)
		if has {
			kind, id, ok := strings.Cut(scope, ":")
			n, err := strconv.ParseInt(id, 10, 64)
			if !ok || err != nil || n <= 0 {
				return nil, errs.Field("roles", "角色范围格式应为 角色@范围类型:编号，如 village_secretary@village:3", "a scoped role is written role@kind:id, e.g. village_secretary@village:3")
			}
			g.ScopeKind, g.ScopeID = kind, n
		}
		out = append(out, g)
	}
	return out, nil
}

// postUser creates an account (sysadmin). Sysadmin creates the account
// without business roles; secadmin grants roles (三员分立). The initial
// password is random, shown once, and must be changed at first login.
func (m *Module) postUser(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, auth.UsersManage, auth.Anything, "users", ""); err != nil {
		return err
	}
	pid, _ := strconv.ParseInt(r.FormValue("person_id"), 10, 64)
	pw := auth.TempPassword()
	_, err := m.Auth.CreateUser(r.Context(), auth.NewUser{Username: r.FormValue("username"), DisplayName: strings.TrimSpace(r.FormValue("display_name")),
		PersonID: pid, Password: pw, MustChange: true})
	if err != nil {
		if e := errs.As(err); e != nil && e.Kind != errs.Internal {
			return m.renderUsers(w, r, web.Status(err), &web.Page{Error: e.Message(web.Lang(r)), Form: map[string]string{"username": r.FormValue("username"), "display_name": r.FormValue("display_name")}}, "", "")
		}
		return err
	}
	return m.renderUsers(w, r, http.StatusOK, &web.Page{Flash: m.Views.Cat.T(web.Lang(r), "flash.created")}, r.FormValue("username"), pw)
}

type userPage struct {
	U          *auth.User
	GrantsText string
	CanRoles   bool
	CanReset   bool
	NewPass    string
}

func grantsText(gs []auth.Grant) string {
	var b []string
	for _, g := range gs {
		if g.ScopeKind == auth.ScopeZone {
			b = append(b, string(g.Role))
		} else {
			b = append(b, fmt.Sprintf("%s@%s:%d", g.Role, g.ScopeKind, g.ScopeID))
		}
	}
	return strings.Join(b, "\n")
}

func (m *Module) pageUser(w http.ResponseWriter, r *http.Request) error {
	return m.renderUser(w, r, http.StatusOK, &web.Page{}, "")
}

func (m *Module) renderUser(w http.ResponseWriter, r *http.Request, status int, pg *web.Page, newPass string) error {
	p := web.Principal(r)
	canUsers, canSec := auth.Can(p, auth.UsersManage, auth.Anything), auth.Can(p, auth.SecurityManage, auth.Anything)
	if !canUsers && !canSec {
		return m.Auth.Authorize(r.Context(), p, auth.UsersManage, auth.Anything, "user", r.PathValue("id"))
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errs.NotFoundf("用户")
	}
	u, err := m.Auth.GetUser(r.Context(), id)
	if err != nil {
		return err
	}
	pg.Title = u.Username
	pg.D = userPage{U: u, GrantsText: grantsText(u.Grants), CanRoles: canSec, CanReset: canUsers, NewPass: newPass}
	return m.Views.Render(w, r, status, "user", pg)
}

func (m *Module) postResetPassword(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, auth.UsersManage, auth.Anything, "user", r.PathValue("id")); err != nil {
		return err
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	pw := auth.TempPassword()
	if err := m.Auth.SetPassword(r.Context(), id, pw, true); err != nil {
		return err
	}
	_ = m.Auth.KillSessions(r.Context(), id)
	return m.renderUser(w, r, http.StatusOK, &web.Page{Flash: m.Views.Cat.T(web.Lang(r), "flash.saved")}, pw)
}

func (m *Module) apiUsers(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if !auth.Can(p, auth.UsersManage, auth.Anything) {
		if err := m.Auth.Authorize(r.Context(), p, auth.SecurityManage, auth.Anything, "users", ""); err != nil {
			return err
		}
	}
	us, err := m.Auth.ListUsers(r.Context())
	if err != nil {
		return err
	}
	if us == nil {
		us = []auth.User{}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": us, "total": len(us)})
	return nil
}

func (m *Module) apiCreateUser(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, auth.UsersManage, auth.Anything, "users", ""); err != nil {
		return err
	}
	var in struct {
		Username    string `json:"username"`
		DisplayName string `json:"display_name"`
		PersonID    int64  `json:"person_id"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	pw := auth.TempPassword()
	id, err := m.Auth.CreateUser(r.Context(), auth.NewUser{Username: in.Username, DisplayName: in.DisplayName, PersonID: in.PersonID, Password: pw, MustChange: true})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]any{"id": id, "username": in.Username, "initial_password": pw, "must_change_password": true})
	return nil
}
