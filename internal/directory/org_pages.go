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

// orgForm is the one form page for a department, village or branch.
type orgForm struct {
	Kind        string // "departments", "villages", "branches"
	ID          int64
	Branches    []*Branch
	Villages    []Village
	Departments []Department
	Kinds       []string
}

func (m *Module) renderOrgForm(w http.ResponseWriter, r *http.Request, status int, kind string, id int64, pg *web.Page) error {
	ctx := r.Context()
	q := m.DB.Q(ctx)
	d := orgForm{Kind: kind, ID: id, Kinds: branchKinds}
	if kind == "branches" {
		d.Branches, _ = listBranches(ctx, q, "")
		d.Villages, _ = listVillages(ctx, q)
		d.Departments, _ = listDepartments(ctx, q)
	}
	pg.Title = m.Views.Cat.T(web.Lang(r), "nav."+kind)
	pg.D = d
	return m.Views.Render(w, r, status, "org_form", pg)
}

func orgKind(r *http.Request) string { return strings.Split(strings.Trim(r.URL.Path, "/"), "/")[0] }

func (m *Module) pageOrgForm(w http.ResponseWriter, r *http.Request) error {
	kind := orgKind(r)
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), auth.OrgWrite, auth.Anything, kind, r.PathValue("id")); err != nil {
		return err
	}
	pg := &web.Page{Form: map[string]string{}}
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = pathID(r); err != nil {
			return err
		}
		ctx := r.Context()
		q := m.DB.Q(ctx)
		found := false
		switch kind {
		case "departments":
			ds, _ := listDepartments(ctx, q)
			for _, d := range ds {
				if d.ID == id {
					found, pg.Form = true, map[string]string{"code": d.Code, "name": d.Name, "name_en": d.NameEn}
				}
			}
		case "villages":
			vs, _ := listVillages(ctx, q)
			for _, v := range vs {
				if v.ID == id {
					found, pg.Form = true, map[string]string{"code": v.Code, "name": v.Name, "households": fmt.Sprint(v.Households),
						"adults": fmt.Sprint(v.Adults), "heavy_finance": boolStr(v.HeavyFinance), "one_shoulder": boolStr(v.OneShoulder)}
				}
			}
		case "branches":
			bs, _ := listBranches(ctx, q, "")
			for _, b := range bs {
				if b.ID == id {
					found, pg.Form = true, map[string]string{"name": b.Name, "kind": b.Kind, "parent_id": fmt.Sprint(b.ParentID),
						"village_id": fmt.Sprint(b.VillageID), "department_id": fmt.Sprint(b.DepartmentID), "founded_on": b.FoundedOn}
				}
			}
		}
		if !found {
			return errs.NotFoundf(kind)
		}
	}
	return m.renderOrgForm(w, r, http.StatusOK, kind, id, pg)
}

func atoi(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return -1
	}
	return n
}

func (m *Module) postOrg(w http.ResponseWriter, r *http.Request) error {
	kind := orgKind(r)
	p := web.Principal(r)
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = pathID(r); err != nil {
			return err
		}
	}
	f := func(k string) string { return r.FormValue(k) }
	form := map[string]string{}
	for _, k := range []string{"code", "name", "name_en", "households", "adults", "heavy_finance", "one_shoulder", "kind", "parent_id", "village_id", "department_id", "founded_on"} {
		form[k] = f(k)
	}
	var err error
	ctx := r.Context()
	switch kind {
	case "departments":
		d := Department{Code: f("code"), Name: f("name"), NameEn: f("name_en")}
		if id == 0 {
			id, err = m.CreateDepartment(ctx, p, d)
		} else {
			err = m.UpdateDepartment(ctx, p, id, d)
		}
	case "villages":
		v := Village{Code: f("code"), Name: f("name"), Households: atoi(f("households")), Adults: atoi(f("adults")),
			HeavyFinance: f("heavy_finance") == "1", OneShoulder: f("one_shoulder") == "1"}
		if id == 0 {
			id, err = m.CreateVillage(ctx, p, v)
		} else {
			err = m.UpdateVillage(ctx, p, id, v)
		}
	case "branches":
		b := Branch{Name: f("name"), Kind: f("kind"), ParentID: formInt(r, "parent_id"), VillageID: formInt(r, "village_id"),
			DepartmentID: formInt(r, "department_id"), FoundedOn: strings.TrimSpace(f("founded_on"))}
		if id == 0 {
			id, err = m.CreateBranch(ctx, p, b)
		} else {
			err = m.UpdateBranch(ctx, p, id, b)
		}
	}
	if k := errs.KindOf(err); k == errs.Invalid || k == errs.Conflict || isList(err) {
		pg := &web.Page{Form: form, Errors: fieldErrors(err, web.Lang(r)), Error: m.Views.Cat.T(web.Lang(r), "form.fix")}
		return m.renderOrgForm(w, r, http.StatusUnprocessableEntity, kind, id, pg)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/"+kind+"?ok=saved", http.StatusSeeOther)
	return nil
}

func (m *Module) apiUpdateOrg(w http.ResponseWriter, r *http.Request) error {
	kind := strings.Split(strings.TrimPrefix(r.URL.Path, "/api/v1/"), "/")[0]
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p := web.Principal(r)
	switch kind {
	case "departments":
		var in Department
		if err := web.DecodeJSON(r, &in); err != nil {
			return err
		}
		err = m.UpdateDepartment(r.Context(), p, id, in)
	case "villages":
		var in Village
		if err := web.DecodeJSON(r, &in); err != nil {
			return err
		}
		err = m.UpdateVillage(r.Context(), p, id, in)
	case "branches":
		var in Branch
		if err := web.DecodeJSON(r, &in); err != nil {
			return err
		}
		err = m.UpdateBranch(r.Context(), p, id, in)
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// Positions: a post a person holds (岗位).
func (m *Module) apiAddPosition(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in Position
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	in.PersonID = id
	pid, err := m.AddPosition(r.Context(), web.Principal(r), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": pid})
	return nil
}

func (m *Module) postPosition(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	pos := Position{PersonID: id, Title: r.FormValue("title"), VillageID: formInt(r, "village_id"), BranchID: formInt(r, "branch_id"),
		DepartmentID: formInt(r, "department_id"), EnterpriseID: formInt(r, "enterprise_id"), StartedOn: strings.TrimSpace(r.FormValue("started_on"))}
	if _, err := m.AddPosition(r.Context(), web.Principal(r), pos); err != nil {
		if errs.KindOf(err) == errs.Invalid {
			http.Redirect(w, r, fmt.Sprintf("/people/%d", id), http.StatusSeeOther)
			return nil
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/people/%d?ok=saved", id), http.StatusSeeOther)
	return nil
}
