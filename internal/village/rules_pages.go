package village

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

func init() {
	routeParts = append(routeParts, func(m *Module, r *web.Router) {
		r.Handle("GET /village/rules", web.Handler(m.pageRules))
		r.Handle("POST /village/rules", web.Handler(m.postRules))
		r.Handle("GET /villages/{id}/rules", web.Handler(m.pageRules))
		r.Handle("POST /villages/{id}/rules", web.Handler(m.postRules))
		r.Handle("GET /api/v1/village/rules", web.Handler(m.apiRules))
		r.Handle("POST /api/v1/village/rules", web.Handler(m.apiSetRules))
		r.Handle("GET /api/v1/villages/{id}/rules", web.Handler(m.apiRules))
		r.Handle("POST /api/v1/villages/{id}/rules", web.Handler(m.apiSetRules))
	})
	deskLinks = append(deskLinks, DeskLink{Order: 90, Key: "rules.title", Path: "/villages/%d/rules", Perm: PermRead})
	navItems = append(navItems, web.NavItem{Key: "rules.nav", Path: "/village/rules", Perm: PermConfig, Order: 78})
}

// rulesScope is 0 for /village/rules, else the {id} of /villages/{id}/rules.
func rulesScope(r *http.Request) (int64, error) {
	if r.PathValue("id") == "" {
		return 0, nil
	}
	return dxID(r.PathValue("id"))
}

func (m *Module) apiRules(w http.ResponseWriter, r *http.Request) error {
	vid, err := rulesScope(r)
	if err != nil {
		return err
	}
	info, err := m.RulesOf(r.Context(), web.Principal(r), vid, r.URL.Query().Get("day"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, info)
	return nil
}

func (m *Module) apiSetRules(w http.ResponseWriter, r *http.Request) error {
	vid, err := rulesScope(r)
	if err != nil {
		return err
	}
	obj := auth.ZoneOnly
	if vid != 0 {
		obj = auth.Object{Village: vid}
	}
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermConfig, obj, "village_rules", fmt.Sprint(vid)); err != nil {
		return err
	}
	var in RulesChange
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	info, err := m.SetRules(r.Context(), web.Principal(r), vid, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, info)
	return nil
}

// rulesField is one row of the rules form.
type rulesField struct {
	Key     string
	Kind    string // bool, number, text, list
	Value   string
	Default string
	Checked bool
}

type rulesPage struct {
	*RulesInfo
	Fields    []rulesField
	CanConfig bool
	Action    string
}

func ruleFields(eff Rules) ([]rulesField, error) {
	cur, def := map[string]any{}, map[string]any{}
	for _, x := range []struct {
		r Rules
		m map[string]any
	}{{eff, cur}, {DefaultRules, def}} {
		b, err := json.Marshal(x.r)
		if err != nil {
			return nil, err
		}
		d := json.NewDecoder(strings.NewReader(string(b)))
		d.UseNumber()
		if err := d.Decode(&x.m); err != nil {
			return nil, err
		}
	}
	show := func(v any) string {
		switch t := v.(type) {
		case []any:
			var s []string
			for _, e := range t {
				s = append(s, fmt.Sprint(e))
			}
			return strings.Join(s, ", ")
		}
		return fmt.Sprint(v)
	}
	var out []rulesField
	for k, v := range cur {
		f := rulesField{Key: k, Value: show(v), Default: show(def[k])}
		switch t := v.(type) {
		case bool:
			f.Kind, f.Checked = "bool", t
		case json.Number:
			f.Kind = "number"
		case []any, nil:
			f.Kind = "list"
		default:
			f.Kind = "text"
		}
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

func (m *Module) rulesData(r *http.Request) (*rulesPage, error) {
	vid, err := rulesScope(r)
	if err != nil {
		return nil, err
	}
	info, err := m.RulesOf(r.Context(), web.Principal(r), vid, r.URL.Query().Get("day"))
	if err != nil {
		return nil, err
	}
	fs, err := ruleFields(info.Effective.Rules)
	if err != nil {
		return nil, err
	}
	obj := auth.ZoneOnly
	action := "/village/rules"
	if vid != 0 {
		obj, action = auth.Object{Village: vid}, fmt.Sprintf("/villages/%d/rules", vid)
	}
	return &rulesPage{RulesInfo: info, Fields: fs, CanConfig: auth.Can(web.Principal(r), PermConfig, obj), Action: action}, nil
}

func (m *Module) pageRules(w http.ResponseWriter, r *http.Request) error {
	d, err := m.rulesData(r)
	if err != nil {
		return err
	}
	pg := &web.Page{Title: m.dxT(r, "rules.title"), D: d}
	if r.URL.Query().Get("ok") != "" {
		pg.Flash = m.dxT(r, "rules.saved")
	}
	return m.Views.Render(w, r, http.StatusOK, "rules_page", pg)
}

// postRules turns the form into the fields that differ from the rules in
// force and adds them as a new version.
func (m *Module) postRules(w http.ResponseWriter, r *http.Request) error {
	d, err := m.rulesData(r)
	if err != nil {
		return err
	}
	obj := auth.ZoneOnly
	if d.VillageID != 0 {
		obj = auth.Object{Village: d.VillageID}
	}
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermConfig, obj, "village_rules", fmt.Sprint(d.VillageID)); err != nil {
		return err
	}
	_ = r.ParseForm()
	change := map[string]any{}
	var bad errs.List
	for _, f := range d.Fields {
		v := strings.TrimSpace(r.FormValue("f_" + f.Key))
		switch f.Kind {
		case "bool":
			if on := v == "on" || v == "1" || v == "true"; on != f.Checked {
				change[f.Key] = on
			}
		case "number":
			// A field the form did not send is unchanged (a form from
			// before the field was added, or a client sending only some).
			if v == f.Value || !r.Form.Has("f_"+f.Key) {
				continue
			}
			n, perr := strconv.ParseInt(v, 10, 64)
			if perr != nil {
				bad = append(bad, errs.Field(f.Key, f.Key+" 须为整数", f.Key+" must be a whole number"))
				continue
			}
			change[f.Key] = n
		case "list":
			var items []string
			for _, s := range strings.Split(v, ",") {
				if s = strings.TrimSpace(s); s != "" {
					items = append(items, s)
				}
			}
			if strings.Join(items, ", ") != f.Value {
				if items == nil {
					items = []string{}
				}
				change[f.Key] = items
			}
		default:
			if v != f.Value {
				change[f.Key] = v
			}
		}
	}
	if err = bad.Err(); err == nil {
		body, _ := json.Marshal(change)
		_, err = m.SetRules(r.Context(), web.Principal(r), d.VillageID, RulesChange{ValidFrom: r.FormValue("valid_from"), Reason: r.FormValue("reason"), Rules: body})
	}
	if errs.KindOf(err) == errs.Invalid || errs.KindOf(err) == errs.Conflict || isList(err) {
		status := http.StatusUnprocessableEntity
		if errs.KindOf(err) == errs.Conflict {
			status = http.StatusConflict
		}
		form := map[string]string{"valid_from": r.FormValue("valid_from"), "reason": r.FormValue("reason")}
		return m.Views.Render(w, r, status, "rules_page", &web.Page{Title: m.dxT(r, "rules.title"), D: d, Form: form, Error: errText(err, web.Lang(r))})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, d.Action+"?ok=1", http.StatusSeeOther)
	return nil
}
