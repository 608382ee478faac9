package directory

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

type peoplePage struct {
	Items    []Person
	Filter   PeopleFilter
	Pager    *web.Pager
	Villages []Village
	Branches []*Branch
	Query    string
}

func (m *Module) pagePeople(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := web.NeedLogin(r); err != nil {
		return err
	}
	f := peopleFilter(r)
	page, off, lim := web.PageOf(r, 30)
	f.Limit, f.Offset = lim, off
	ps, total, err := m.People(r.Context(), p, f)
	if err != nil {
		return err
	}
	vs, _ := listVillages(r.Context(), m.DB.Q(r.Context()))
	bs, _ := listBranches(r.Context(), m.DB.Q(r.Context()), "")
	return m.Views.Render(w, r, http.StatusOK, "people_list", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.people"),
		D: peoplePage{Items: ps, Filter: f, Pager: web.NewPager(r, page, 30, total), Villages: vs, Branches: bs, Query: r.URL.RawQuery}})
}

type personPage struct {
	Person    *Person
	CanEdit   bool
	CanUnmask bool
	Positions map[string][2]string
}

func (m *Module) pagePerson(w http.ResponseWriter, r *http.Request) error {
	return m.showPerson(w, r, false, "")
}

func (m *Module) showPerson(w http.ResponseWriter, r *http.Request, unmask bool, reason string) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p := web.Principal(r)
	per, err := m.Person(r.Context(), p, id, unmask, reason)
	pg := &web.Page{}
	if errs.KindOf(err) == errs.Invalid {
		pg.Error = errs.As(err).Message(web.Lang(r))
		per, err = m.Person(r.Context(), p, id, false, "")
	}
	if err != nil {
		return err
	}
	obj := personObject(per)
	pg.Title = per.Name
	pg.D = personPage{Person: per, CanEdit: auth.Can(p, auth.PeopleWrite, obj), CanUnmask: auth.Can(p, auth.PeopleUnmask, obj), Positions: PositionNames}
	return m.Views.Render(w, r, http.StatusOK, "person", pg)
}

func (m *Module) postUnmask(w http.ResponseWriter, r *http.Request) error {
	return m.showPerson(w, r, true, strings.TrimSpace(r.FormValue("reason")))
}

type personForm struct {
	ID          int64
	Villages    []Village
	Branches    []*Branch
	Departments []Department
}

func (m *Module) pagePersonForm(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	pg := &web.Page{Form: map[string]string{}}
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = pathID(r); err != nil {
			return err
		}
		per, err := m.Person(r.Context(), p, id, false, "")
		if err != nil {
			return err
		}
		if err := m.Auth.Authorize(r.Context(), p, auth.PeopleWrite, personObject(per), "person", fmt.Sprint(id)); err != nil {
			return err
		}
		pg.Form = map[string]string{"name": per.Name, "branch_id": fmt.Sprint(per.BranchID), "village_id": fmt.Sprint(per.VillageID),
			"department_id": fmt.Sprint(per.DepartmentID), "joined_party_on": per.JoinedPartyOn, "party_member": boolStr(per.PartyMember)}
	} else if err := m.Auth.Authorize(r.Context(), p, auth.PeopleWrite, auth.Anything, "people", ""); err != nil {
		return err
	}
	return m.renderPersonForm(w, r, http.StatusOK, id, pg)
}

func boolStr(b bool) string {
	if b {
		return "1"
	}
	return ""
}

func (m *Module) renderPersonForm(w http.ResponseWriter, r *http.Request, status int, id int64, pg *web.Page) error {
	ctx := r.Context()
	q := m.DB.Q(ctx)
	vs, _ := listVillages(ctx, q)
	bs, _ := listBranches(ctx, q, "")
	ds, _ := listDepartments(ctx, q)
	pg.Title = m.Views.Cat.T(web.Lang(r), "dir.person_form")
	pg.D = personForm{ID: id, Villages: vs, Branches: bs, Departments: ds}
	return m.Views.Render(w, r, status, "person_form", pg)
}

func formInt(r *http.Request, k string) int64 {
	v, _ := strconv.ParseInt(strings.TrimSpace(r.FormValue(k)), 10, 64)
	return v
}

func (m *Module) postPerson(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	in := PersonInput{Name: r.FormValue("name"), IDNumber: r.FormValue("id_number"), Mobile: r.FormValue("mobile"),
		PartyMember: r.FormValue("party_member") == "1", JoinedPartyOn: strings.TrimSpace(r.FormValue("joined_party_on")),
		BranchID: formInt(r, "branch_id"), VillageID: formInt(r, "village_id"), DepartmentID: formInt(r, "department_id")}
	var id int64
	var err error
	if r.PathValue("id") != "" {
		if id, err = pathID(r); err != nil {
			return err
		}
		err = m.UpdatePerson(r.Context(), p, id, in)
	} else {
		id, err = m.CreatePerson(r.Context(), p, in)
	}
	if k := errs.KindOf(err); k == errs.Invalid || k == errs.Conflict || isList(err) {
		pg := &web.Page{Form: map[string]string{"name": in.Name, "id_number": in.IDNumber, "mobile": in.Mobile, "party_member": boolStr(in.PartyMember),
			"joined_party_on": in.JoinedPartyOn, "branch_id": r.FormValue("branch_id"), "village_id": r.FormValue("village_id"), "department_id": r.FormValue("department_id")},
			Errors: fieldErrors(err, web.Lang(r))}
		pg.Error = m.Views.Cat.T(web.Lang(r), "form.fix")
		return m.renderPersonForm(w, r, http.StatusUnprocessableEntity, id, pg)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/people/%d?ok=saved", id), http.StatusSeeOther)
	return nil
}

func isList(err error) bool {
	_, ok := err.(errs.List)
	return ok
}

// fieldErrors maps an error to field → message for re-displaying a form.
func fieldErrors(err error, lang string) map[string]string {
	out := map[string]string{}
	if l, ok := err.(errs.List); ok {
		for _, e := range l {
			if _, seen := out[e.Field]; !seen {
				out[e.Field] = e.Message(lang)
			}
		}
		return out
	}
	if e := errs.As(err); e != nil {
		f := e.Field
		if f == "" {
			f = "_"
		}
		out[f] = e.Message(lang)
	}
	return out
}

type enterprisesPage struct {
	Items        []Enterprise
	Filter       EnterpriseFilter
	Pager        *web.Pager
	Designations []struct{ Code, Zh, En string }
	Query        string
}

func (m *Module) pageEnterprises(w http.ResponseWriter, r *http.Request) error {
	if err := web.NeedLogin(r); err != nil {
		return err
	}
	f := enterpriseFilter(r)
	page, off, lim := web.PageOf(r, 30)
	f.Limit, f.Offset = lim, off
	es, total, err := m.Enterprises(r.Context(), web.Principal(r), f)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "enterprises_list", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.enterprises"),
		D: enterprisesPage{Items: es, Filter: f, Pager: web.NewPager(r, page, 30, total), Designations: Designations, Query: r.URL.RawQuery}})
}

type enterprisePage struct {
	E            *Enterprise
	CanEdit      bool
	Designations []struct{ Code, Zh, En string }
}

// DesignationName names a designation code in a locale.
func (enterprisePage) DesignationName(code, lang string) string { return designationName(code, lang) }

func designationName(code, lang string) string {
	for _, d := range Designations {
		if d.Code == code {
			if lang == "en" {
				return d.En
			}
			return d.Zh
		}
	}
	return code
}

func (m *Module) pageEnterprise(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p := web.Principal(r)
	e, err := m.Enterprise(r.Context(), p, id)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "enterprise", &web.Page{Title: e.Name,
		D: enterprisePage{E: e, CanEdit: auth.Can(p, auth.EnterpriseWrite, auth.Object{Enterprise: id}), Designations: Designations}})
}

type enterpriseForm struct {
	ID           int64
	Designations []struct{ Code, Zh, En string }
	Has          map[string]bool
}

func (m *Module) pageEnterpriseForm(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	pg := &web.Page{Form: map[string]string{}}
	has := map[string]bool{}
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = pathID(r); err != nil {
			return err
		}
		if err := m.Auth.Authorize(r.Context(), p, auth.EnterpriseWrite, auth.Object{Enterprise: id}, "enterprise", fmt.Sprint(id)); err != nil {
			return err
		}
		e, err := m.Enterprise(r.Context(), p, id)
		if err != nil {
			return err
		}
		pg.Form = map[string]string{"name": e.Name, "credit_code": e.CreditCode, "industry": e.Industry, "address": e.Address,
			"above_scale": boolStr(e.AboveScale), "above_quota": boolStr(e.AboveQuota)}
		for _, d := range e.Designations {
			has[d.Code] = true
		}
	} else if err := m.Auth.Authorize(r.Context(), p, auth.EnterpriseWrite, auth.Anything, "enterprises", ""); err != nil {
		return err
	}
	pg.Title = m.Views.Cat.T(web.Lang(r), "dir.enterprise_form")
	pg.D = enterpriseForm{ID: id, Designations: Designations, Has: has}
	return m.Views.Render(w, r, http.StatusOK, "enterprise_form", pg)
}

func (m *Module) postEnterprise(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := r.ParseForm(); err != nil {
		return errs.New(errs.Invalid, "表单格式错误", "malformed form")
	}
	in := EnterpriseInput{Name: r.FormValue("name"), CreditCode: r.FormValue("credit_code"), Industry: r.FormValue("industry"), Address: r.FormValue("address"),
		AboveScale: r.FormValue("above_scale") == "1", AboveQuota: r.FormValue("above_quota") == "1", Designations: r.Form["designations"]}
	var id int64
	var err error
	if r.PathValue("id") != "" {
		if id, err = pathID(r); err != nil {
			return err
		}
		err = m.UpdateEnterprise(r.Context(), p, id, in)
	} else {
		id, err = m.CreateEnterprise(r.Context(), p, in)
	}
	if k := errs.KindOf(err); k == errs.Invalid || k == errs.Conflict || isList(err) {
		has := map[string]bool{}
		for _, d := range in.Designations {
			has[d] = true
		}
		pg := &web.Page{Form: map[string]string{"name": in.Name, "credit_code": in.CreditCode, "industry": in.Industry, "address": in.Address,
			"above_scale": boolStr(in.AboveScale), "above_quota": boolStr(in.AboveQuota)}, Errors: fieldErrors(err, web.Lang(r))}
		pg.Error = m.Views.Cat.T(web.Lang(r), "form.fix")
		pg.Title = m.Views.Cat.T(web.Lang(r), "dir.enterprise_form")
		pg.D = enterpriseForm{ID: id, Designations: Designations, Has: has}
		return m.Views.Render(w, r, http.StatusUnprocessableEntity, "enterprise_form", pg)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/enterprises/%d?ok=saved", id), http.StatusSeeOther)
	return nil
}

func (m *Module) pageVillages(w http.ResponseWriter, r *http.Request) error {
	if err := web.NeedLogin(r); err != nil {
		return err
	}
	vs, err := m.Villages(r.Context(), web.Principal(r))
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "villages", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.villages"), D: vs})
}

func (m *Module) pageDepartments(w http.ResponseWriter, r *http.Request) error {
	if err := web.NeedLogin(r); err != nil {
		return err
	}
	ds, err := m.Departments(r.Context(), web.Principal(r))
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "departments", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.departments"), D: ds})
}

func (m *Module) pageBranches(w http.ResponseWriter, r *http.Request) error {
	if err := web.NeedLogin(r); err != nil {
		return err
	}
	t, err := m.BranchTree(r.Context(), web.Principal(r))
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "branches", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.branches"), D: t})
}
