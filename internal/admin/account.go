package admin

import (
	"net/http"
	"time"

	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

type accountPage struct {
	Must     bool
	NewToken string
	Me       Me
}

func (m *Module) pageAccount(w http.ResponseWriter, r *http.Request) error {
	if err := web.NeedLogin(r); err != nil {
		return err
	}
	p := web.Principal(r)
	return m.Views.Render(w, r, http.StatusOK, "account", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.account"),
		D: accountPage{Must: p.MustChange || r.URL.Query().Get("must") == "1", Me: meOf(p)}})
}

func (m *Module) postPassword(w http.ResponseWriter, r *http.Request) error {
	if err := web.NeedLogin(r); err != nil {
		return err
	}
	p := web.Principal(r)
	oldPw, newPw, again := r.FormValue("old_password"), r.FormValue("password"), r.FormValue("password2")
	var err error
	if newPw != again {
		err = errs.Field("password2", "两次输入的新密码不一致", "the two new passwords differ")
	} else {
		err = m.Auth.ChangePassword(r.Context(), p.UserID, oldPw, newPw, p.SessionHash)
	}
	if err != nil {
		if k := errs.KindOf(err); k == errs.Invalid {
			e := errs.As(err)
			return m.Views.Render(w, r, http.StatusUnprocessableEntity, "account", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.account"),
				Errors: map[string]string{e.Field: e.Message(web.Lang(r))}, D: accountPage{Must: p.MustChange, Me: meOf(p)}})
		}
		return err
	}
	http.Redirect(w, r, "/account?ok=password", http.StatusSeeOther)
	return nil
}

func (m *Module) apiPassword(w http.ResponseWriter, r *http.Request) error {
	if err := web.NeedLogin(r); err != nil {
		return err
	}
	var in struct {
		OldPassword string `json:"old_password"`
		Password    string `json:"password"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	p := web.Principal(r)
	if err := m.Auth.ChangePassword(r.Context(), p.UserID, in.OldPassword, in.Password, p.SessionHash); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// tokenTTL bounds integration tokens to a year; they are re-issued, not
// kept forever.
const tokenTTL = 365 * 24 * time.Hour

func (m *Module) postToken(w http.ResponseWriter, r *http.Request) error {
	if err := web.NeedLogin(r); err != nil {
		return err
	}
	p := web.Principal(r)
	if p.MustChange {
		return errs.New(errs.Forbidden, "请先修改初始密码", "change your initial password first")
	}
	tok, err := m.Auth.CreateToken(r.Context(), p.UserID, r.FormValue("name"), tokenTTL)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "account", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.account"), D: accountPage{NewToken: tok, Me: meOf(p)}})
}

func (m *Module) apiToken(w http.ResponseWriter, r *http.Request) error {
	if err := web.NeedLogin(r); err != nil {
		return err
	}
	p := web.Principal(r)
	if p.MustChange {
		return errs.New(errs.Forbidden, "请先修改初始密码", "change your initial password first")
	}
	var in struct {
		Name string `json:"name"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	tok, err := m.Auth.CreateToken(r.Context(), p.UserID, in.Name, tokenTTL)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]string{"token": tok, "expires_at": m.Clock.Now().Add(tokenTTL).Format(time.RFC3339)})
	return nil
}
