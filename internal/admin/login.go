package admin

import (
	"net/http"
	"strings"
	"time"

	"zhongshu/internal/platform/actor"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

type loginPage struct {
	Next     string
	Demo     bool
	Accounts []DemoAccount
}

func (m *Module) pageLogin(w http.ResponseWriter, r *http.Request) error {
	if web.Principal(r) != nil {
		http.Redirect(w, r, web.SafeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	return m.renderLogin(w, r, http.StatusOK, &web.Page{})
}

func (m *Module) renderLogin(w http.ResponseWriter, r *http.Request, status int, pg *web.Page) error {
	pg.Title = m.Views.Cat.T(web.Lang(r), "login.title")
	pg.D = loginPage{Next: web.SafeNext(r.FormValue("next")), Demo: m.Demo, Accounts: m.DemoHint}
	return m.Views.Render(w, r, status, "login", pg)
}

func (m *Module) login(w http.ResponseWriter, r *http.Request, username, password string) (*auth.Principal, error) {
	p, tok, err := m.Auth.Login(r.Context(), username, password, actor.From(r.Context()).IP, r.UserAgent())
	if err != nil {
		return nil, err
	}
	web.SetSession(w, r, tok, m.sessionAge())
	return p, nil
}

func (m *Module) postLogin(w http.ResponseWriter, r *http.Request) error {
	u, pw := r.FormValue("username"), r.FormValue("password")
	p, err := m.login(w, r, u, pw)
	if err != nil {
		if e := errs.As(err); e != nil && e.Kind != errs.Internal {
			return m.renderLogin(w, r, web.Status(err), &web.Page{Error: e.Message(web.Lang(r)), Form: map[string]string{"username": u}})
		}
		return err
	}
	next := web.SafeNext(r.FormValue("next"))
	if p.MustChange {
		next = "/account?must=1"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (m *Module) postLogout(w http.ResponseWriter, r *http.Request) error {
	_ = m.Auth.Logout(r.Context(), web.Principal(r))
	web.SetSession(w, r, "", 0)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

func (m *Module) postLang(w http.ResponseWriter, r *http.Request) error {
	l := "zh-CN"
	if r.FormValue("lang") == "en" {
		l = "en"
	}
	http.SetCookie(w, &http.Cookie{Name: web.LangCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, web.SafeNext(r.FormValue("next")), http.StatusSeeOther)
	return nil
}

// Me is the signed-in user as the API shows it.
type Me struct {
	ID          int64        `json:"id"`
	Username    string       `json:"username"`
	DisplayName string       `json:"display_name"`
	PersonID    int64        `json:"person_id,omitempty"`
	Roles       []auth.Role  `json:"roles"`
	Grants      []auth.Grant `json:"grants"`
	MustChange  bool         `json:"must_change_password"`
}

func meOf(p *auth.Principal) Me {
	g := p.Grants
	if g == nil {
		g = []auth.Grant{}
	}
	return Me{ID: p.UserID, Username: p.Username, DisplayName: p.DisplayName, PersonID: p.PersonID, Roles: p.Roles(), Grants: g, MustChange: p.MustChange}
}

func (m *Module) apiLogin(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if strings.TrimSpace(in.Username) == "" || in.Password == "" {
		return errs.New(errs.Invalid, "请输入用户名和密码", "username and password are required")
	}
	p, err := m.login(w, r, in.Username, in.Password)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"user": meOf(p), "roles": p.Roles(), "expires_at": m.Clock.Now().Add(m.sessionAge()).Format(time.RFC3339)})
	return nil
}

func (m *Module) apiLogout(w http.ResponseWriter, r *http.Request) error {
	if err := web.NeedLogin(r); err != nil {
		return err
	}
	if err := m.Auth.Logout(r.Context(), web.Principal(r)); err != nil {
		return err
	}
	web.SetSession(w, r, "", 0)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (m *Module) apiMe(w http.ResponseWriter, r *http.Request) error {
	if err := web.NeedLogin(r); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, meOf(web.Principal(r)))
	return nil
}
