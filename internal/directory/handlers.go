package directory

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/seal"
	"zhongshu/internal/platform/web"
)

// Routes mounts the directory's pages and API.
func (m *Module) Routes(mux *web.Router) {
	h := func(pattern string, fn web.Handler) { mux.Handle(pattern, fn) }
	// JSON API
	h("GET /api/v1/people", m.apiPeople)
	h("POST /api/v1/people", m.apiCreatePerson)
	h("GET /api/v1/people/{id}", m.apiPerson)
	h("PUT /api/v1/people/{id}", m.apiUpdatePerson)
	h("POST /api/v1/people/{id}/unmask", m.apiUnmask)
	h("POST /api/v1/people/import", m.importPeople)
	h("GET /api/v1/enterprises", m.apiEnterprises)
	h("POST /api/v1/enterprises", m.apiCreateEnterprise)
	h("GET /api/v1/enterprises/{id}", m.apiEnterprise)
	h("PUT /api/v1/enterprises/{id}", m.apiUpdateEnterprise)
	h("POST /api/v1/enterprises/import", m.importEnterprises)
	h("GET /api/v1/villages", m.apiVillages)
	h("GET /api/v1/departments", m.apiDepartments)
	h("GET /api/v1/branches", m.apiBranches)
	h("POST /api/v1/villages", m.apiCreateVillage)
	h("POST /api/v1/departments", m.apiCreateDepartment)
	h("POST /api/v1/branches", m.apiCreateBranch)
	// HTML
	h("GET /people", m.pagePeople)
	h("GET /people/new", m.pagePersonForm)
	h("POST /people", m.postPerson)
	h("GET /people/{id}", m.pagePerson)
	h("GET /people/{id}/edit", m.pagePersonForm)
	h("POST /people/{id}", m.postPerson)
	h("POST /people/{id}/unmask", m.postUnmask)
	h("GET /people/export.xlsx", m.exportPeople)
	h("GET /people/import", m.pageImport)
	h("POST /people/import", m.importPeople)
	h("GET /people/template.xlsx", m.templateXLSX)
	h("GET /enterprises", m.pageEnterprises)
	h("GET /enterprises/new", m.pageEnterpriseForm)
	h("POST /enterprises", m.postEnterprise)
	h("GET /enterprises/{id}", m.pageEnterprise)
	h("GET /enterprises/{id}/edit", m.pageEnterpriseForm)
	h("POST /enterprises/{id}", m.postEnterprise)
	h("GET /enterprises/export.xlsx", m.exportEnterprises)
	h("GET /enterprises/import", m.pageImport)
	h("POST /enterprises/import", m.importEnterprises)
	h("GET /enterprises/template.xlsx", m.templateXLSX)
	h("POST /api/v1/people/{id}/positions", m.apiAddPosition)
	h("POST /people/{id}/positions", m.postPosition)
	h("PUT /api/v1/villages/{id}", m.apiUpdateOrg)
	h("PUT /api/v1/departments/{id}", m.apiUpdateOrg)
	h("PUT /api/v1/branches/{id}", m.apiUpdateOrg)
	for _, k := range []string{"villages", "departments", "branches"} {
		h("GET /"+k+"/new", m.pageOrgForm)
		h("GET /"+k+"/{id}/edit", m.pageOrgForm)
		h("POST /"+k, m.postOrg)
		h("POST /"+k+"/{id}", m.postOrg)
	}
	h("GET /villages", m.pageVillages)
	h("GET /villages/export.xlsx", m.exportVillages)
	h("GET /departments", m.pageDepartments)
	h("GET /departments/export.xlsx", m.exportDepartments)
	h("GET /branches", m.pageBranches)
	h("GET /branches/export.xlsx", m.exportBranches)
}

// Nav is the directory's navigation.
func Nav() []web.NavItem {
	return []web.NavItem{
		{Key: "nav.people", Path: "/people", Perm: auth.PeopleRead, Order: 80},
		{Key: "nav.enterprises", Path: "/enterprises", Perm: auth.EnterpriseRead, Order: 81},
		{Key: "nav.villages", Path: "/villages", Perm: auth.OrgRead, Order: 82},
		{Key: "nav.branches", Path: "/branches", Perm: auth.OrgRead, Order: 83},
		{Key: "nav.departments", Path: "/departments", Perm: auth.OrgRead, Order: 84},
	}
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.NotFoundf("对象")
	}
	return id, nil
}

func qInt(r *http.Request, k string) int64 {
	v, _ := strconv.ParseInt(r.URL.Query().Get(k), 10, 64)
	return v
}

// List is a page of items for the API.
type List[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
	Page  int `json:"page"`
	Size  int `json:"size"`
}

func peopleFilter(r *http.Request) PeopleFilter {
	q := r.URL.Query()
	return PeopleFilter{Q: q.Get("q"), BranchID: qInt(r, "branch_id"), VillageID: qInt(r, "village_id"), DepartmentID: qInt(r, "department_id"),
		EnterpriseID: qInt(r, "enterprise_id"), PartyOnly: q.Get("party") == "1", Position: q.Get("position")}
}

func pageSize(r *http.Request, def int) int {
	n, _ := strconv.Atoi(r.URL.Query().Get("size"))
	if n <= 0 || n > 500 {
		return def
	}
	return n
}

func (m *Module) apiPeople(w http.ResponseWriter, r *http.Request) error {
	f := peopleFilter(r)
	size := pageSize(r, 50)
	page, off, lim := web.PageOf(r, size)
	f.Limit, f.Offset = lim, off
	ps, total, err := m.People(r.Context(), web.Principal(r), f)
	if err != nil {
		return err
	}
	if ps == nil {
		ps = []Person{}
	}
	web.WriteJSON(w, http.StatusOK, List[Person]{Items: ps, Total: total, Page: page, Size: size})
	return nil
}

func (m *Module) apiCreatePerson(w http.ResponseWriter, r *http.Request) error {
	var in PersonInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := m.CreatePerson(r.Context(), web.Principal(r), in)
	if err != nil {
		return err
	}
	p, err := m.Person(r.Context(), web.Principal(r), id, false, "")
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/people/%d", id))
	web.WriteJSON(w, http.StatusCreated, p)
	return nil
}

func (m *Module) apiPerson(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := m.Person(r.Context(), web.Principal(r), id, false, "")
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (m *Module) apiUpdatePerson(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in PersonInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := m.UpdatePerson(r.Context(), web.Principal(r), id, in); err != nil {
		return err
	}
	return m.apiPerson(w, r)
}

func (m *Module) apiUnmask(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	p, err := m.Person(r.Context(), web.Principal(r), id, true, strings.TrimSpace(in.Reason))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, p)
	return nil
}

func enterpriseFilter(r *http.Request) EnterpriseFilter {
	q := r.URL.Query()
	return EnterpriseFilter{Q: q.Get("q"), AboveScale: q.Get("above_scale") == "1", AboveQuota: q.Get("above_quota") == "1", Designation: q.Get("designation")}
}

func (m *Module) apiEnterprises(w http.ResponseWriter, r *http.Request) error {
	f := enterpriseFilter(r)
	size := pageSize(r, 50)
	page, off, lim := web.PageOf(r, size)
	f.Limit, f.Offset = lim, off
	es, total, err := m.Enterprises(r.Context(), web.Principal(r), f)
	if err != nil {
		return err
	}
	if es == nil {
		es = []Enterprise{}
	}
	web.WriteJSON(w, http.StatusOK, List[Enterprise]{Items: es, Total: total, Page: page, Size: size})
	return nil
}

func (m *Module) apiCreateEnterprise(w http.ResponseWriter, r *http.Request) error {
	var in EnterpriseInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := m.CreateEnterprise(r.Context(), web.Principal(r), in)
	if err != nil {
		return err
	}
	e, err := m.Enterprise(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/enterprises/%d", id))
	web.WriteJSON(w, http.StatusCreated, e)
	return nil
}

func (m *Module) apiEnterprise(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	e, err := m.Enterprise(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, e)
	return nil
}

func (m *Module) apiUpdateEnterprise(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in EnterpriseInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := m.UpdateEnterprise(r.Context(), web.Principal(r), id, in); err != nil {
		return err
	}
	return m.apiEnterprise(w, r)
}

func (m *Module) apiVillages(w http.ResponseWriter, r *http.Request) error {
	vs, err := m.Villages(r.Context(), web.Principal(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, List[Village]{Items: nonNil(vs), Total: len(vs), Page: 1, Size: len(vs)})
	return nil
}

func (m *Module) apiDepartments(w http.ResponseWriter, r *http.Request) error {
	ds, err := m.Departments(r.Context(), web.Principal(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, List[Department]{Items: nonNil(ds), Total: len(ds), Page: 1, Size: len(ds)})
	return nil
}

func (m *Module) apiBranches(w http.ResponseWriter, r *http.Request) error {
	if r.URL.Query().Get("tree") == "1" {
		t, err := m.BranchTree(r.Context(), web.Principal(r))
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, List[*Branch]{Items: nonNil(t), Total: len(t), Page: 1, Size: len(t)})
		return nil
	}
	bs, err := m.Branches(r.Context(), web.Principal(r), r.URL.Query().Get("kind"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, List[*Branch]{Items: nonNil(bs), Total: len(bs), Page: 1, Size: len(bs)})
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// --- import and export ---

const maxUpload = 10 << 20

func (m *Module) importPeople(w http.ResponseWriter, r *http.Request) error {
	return m.doImport(w, r, "people")
}

func (m *Module) importEnterprises(w http.ResponseWriter, r *http.Request) error {
	return m.doImport(w, r, "enterprises")
}

// doImport reads an uploaded .xlsx and imports it all or nothing; the
// report names each bad row, column and rule.
func (m *Module) doImport(w http.ResponseWriter, r *http.Request, kind string) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, auth.Import, auth.Anything, kind, ""); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return errs.Field("file", "请选择不超过 10 MB 的 .xlsx 文件", "choose an .xlsx file of at most 10 MB")
	}
	defer f.Close()
	if !strings.HasSuffix(strings.ToLower(hdr.Filename), ".xlsx") {
		return errs.Field("file", "只接受 .xlsx 文件", "only .xlsx files are accepted")
	}
	var n int
	var column func(string) string
	if kind == "people" {
		lk, err := m.Lookups(r.Context())
		if err != nil {
			return err
		}
		// Streamed from the upload (a multipart file is an io.ReaderAt):
		// memory stays flat in the row count (issue 8).
		if n, column, err = m.ImportPeopleXLSX(r.Context(), p, f, hdr.Size, lk); err != nil {
			return m.importFailed(w, r, kind, err)
		}
	} else {
		var rows []EnterpriseRow
		if rows, column, err = ParseEnterprisesXLSX(f); err == nil {
			n, err = m.ImportEnterprises(r.Context(), p, rows, column)
		}
		if err != nil {
			return m.importFailed(w, r, kind, err)
		}
	}
	if web.IsAPI(r) {
		web.WriteJSON(w, http.StatusOK, map[string]int{"imported": n})
		return nil
	}
	http.Redirect(w, r, "/"+kind+"?ok=imported", http.StatusSeeOther)
	return nil
}

func (m *Module) importFailed(w http.ResponseWriter, r *http.Request, kind string, err error) error {
	var ie *ImportError
	if !errors.As(err, &ie) {
		if errs.KindOf(err) == errs.Invalid {
			ie = &ImportError{Issues: []RowIssue{{Zh: errs.As(err).Zh, En: errs.As(err).En}}}
		} else {
			return err
		}
	}
	lang := web.Lang(r)
	if web.IsAPI(r) {
		prob := web.Problem{Type: "/problems/import", Title: "Unprocessable Entity", Status: http.StatusUnprocessableEntity, Instance: r.URL.Path}
		if len(ie.Issues) > 0 {
			prob.Detail = fmt.Sprintf("%s（共 %d 处问题，未导入任何数据）", ie.Issues[0].Message(lang), len(ie.Issues))
			if lang == "en" {
				prob.Detail = fmt.Sprintf("%s (%d problems; nothing was imported)", ie.Issues[0].Message(lang), len(ie.Issues))
			}
		}
		for _, i := range ie.Issues {
			prob.Errors = append(prob.Errors, web.ProblemField{Field: i.Field, Row: i.Row, Message: i.Column + " " + i.Message(lang)})
		}
		w.Header().Set("Content-Type", "application/problem+json; charset=utf-8")
		web.WriteJSON(w, http.StatusUnprocessableEntity, prob)
		return nil
	}
	return m.Views.Render(w, r, http.StatusUnprocessableEntity, "directory_import", &web.Page{Title: kind, D: importPage{Kind: kind, Issues: ie.Issues}})
}

type importPage struct {
	Kind   string
	Issues []RowIssue
}

func (m *Module) pageImport(w http.ResponseWriter, r *http.Request) error {
	kind := strings.Split(strings.Trim(r.URL.Path, "/"), "/")[0]
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), auth.Import, auth.Anything, kind, ""); err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "directory_import", &web.Page{Title: kind, D: importPage{Kind: kind}})
}

func (m *Module) templateXLSX(w http.ResponseWriter, r *http.Request) error {
	kind := strings.Split(strings.Trim(r.URL.Path, "/"), "/")[0]
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), auth.Import, auth.Anything, kind, ""); err != nil {
		return err
	}
	var buf bytes.Buffer
	var err error
	if kind == "people" {
		err = PeopleTemplateXLSX(&buf)
	} else {
		err = EnterprisesTemplateXLSX(&buf)
	}
	if err != nil {
		return err
	}
	sendXLSX(w, kind+"-template.xlsx", buf.Bytes())
	return nil
}

func sendXLSX(w http.ResponseWriter, name string, b []byte) {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(b)
}

// exportsPerMinute bounds bulk exports per user (ASVS 2.4.1): a list of
// personal data is not something to pull in a loop.
const exportsPerMinute = 10

// exportLimit refuses an export past the rate, counting the user's export
// records in the audit log (shared by all replicas).
func (m *Module) exportLimit(r *http.Request) error {
	p := web.Principal(r)
	if p == nil {
		return nil
	}
	_, n, err := m.Audit.List(r.Context(), audit.Filter{Username: p.Username, Action: "export", From: m.Clock.Now().Add(-time.Minute), Limit: 1})
	if err != nil {
		return err
	}
	if n >= exportsPerMinute {
		return errs.New(errs.TooMany, fmt.Sprintf("导出过于频繁：每分钟最多 %d 次，请稍后再试", exportsPerMinute),
			fmt.Sprintf("too many exports: at most %d a minute; try again shortly", exportsPerMinute))
	}
	return nil
}

// exported records a PI export as PIPL art. 56 asks: who, when (the audit
// row), filter, rows, masked or not, and the file's hash.
func (m *Module) exported(r *http.Request, what string, rows int, masked bool, file []byte) error {
	return m.Audit.Record(r.Context(), audit.Entry{Action: "export", ObjectType: what,
		Detail: fmt.Sprintf("filter=%q rows=%d masked=%t sm3=%s", r.URL.RawQuery, rows, masked, seal.SM3Hex(file))})
}

func (m *Module) exportPeople(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, auth.Export, auth.Anything, "people", ""); err != nil {
		return err
	}
	if err := m.exportLimit(r); err != nil {
		return err
	}
	ps, _, err := m.People(r.Context(), p, peopleFilter(r))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := WritePeopleXLSX(&buf, ps, web.Lang(r)); err != nil {
		return err
	}
	if err := m.exported(r, "people", len(ps), true, buf.Bytes()); err != nil {
		return err
	}
	sendXLSX(w, "people.xlsx", buf.Bytes())
	return nil
}

func (m *Module) exportEnterprises(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, auth.Export, auth.Anything, "enterprises", ""); err != nil {
		return err
	}
	if err := m.exportLimit(r); err != nil {
		return err
	}
	es, _, err := m.Enterprises(r.Context(), p, enterpriseFilter(r))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := WriteEnterprisesXLSX(&buf, es, web.Lang(r)); err != nil {
		return err
	}
	if err := m.exported(r, "enterprises", len(es), true, buf.Bytes()); err != nil {
		return err
	}
	sendXLSX(w, "enterprises.xlsx", buf.Bytes())
	return nil
}

func (m *Module) exportTable(w http.ResponseWriter, r *http.Request, what string, headers []string, rows [][]string) error {
	if err := m.exportLimit(r); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := WriteTableXLSX(&buf, what, headers, rows); err != nil {
		return err
	}
	if err := m.exported(r, what, len(rows), true, buf.Bytes()); err != nil {
		return err
	}
	sendXLSX(w, what+".xlsx", buf.Bytes())
	return nil
}

func (m *Module) exportVillages(w http.ResponseWriter, r *http.Request) error {
	vs, err := m.Villages(r.Context(), web.Principal(r))
	if err != nil {
		return err
	}
	t := m.Views.Cat
	l := web.Lang(r)
	var rows [][]string
	for _, v := range vs {
		rows = append(rows, []string{v.Code, v.Name, v.Secretary, fmt.Sprint(v.PartyMembers), fmt.Sprint(v.Households), yesNo(t, l, v.OneShoulder), yesNo(t, l, v.HeavyFinance)})
	}
	return m.exportTable(w, r, "villages", []string{t.T(l, "dir.code"), t.T(l, "dir.village"), t.T(l, "dir.secretary"), t.T(l, "dir.party_members"), t.T(l, "dir.households"), t.T(l, "dir.one_shoulder"), t.T(l, "dir.heavy_finance")}, rows)
}

func yesNo(c *web.Catalog, lang string, b bool) string {
	if b {
		return c.T(lang, "common.yes")
	}
	return c.T(lang, "common.no")
}

func (m *Module) exportDepartments(w http.ResponseWriter, r *http.Request) error {
	ds, err := m.Departments(r.Context(), web.Principal(r))
	if err != nil {
		return err
	}
	t, l := m.Views.Cat, web.Lang(r)
	var rows [][]string
	for _, d := range ds {
		rows = append(rows, []string{d.Code, d.Name, d.NameEn, fmt.Sprint(d.People)})
	}
	return m.exportTable(w, r, "departments", []string{t.T(l, "dir.code"), t.T(l, "dir.department"), "English", t.T(l, "dir.people_count")}, rows)
}

func (m *Module) exportBranches(w http.ResponseWriter, r *http.Request) error {
	bs, err := m.Branches(r.Context(), web.Principal(r), "")
	if err != nil {
		return err
	}
	t, l := m.Views.Cat, web.Lang(r)
	names := map[int64]string{}
	for _, b := range bs {
		names[b.ID] = b.Name
	}
	var rows [][]string
	for _, b := range bs {
		rows = append(rows, []string{fmt.Sprint(b.ID), b.Name, t.T(l, "branch.kind."+b.Kind), names[b.ParentID], b.FoundedOn, fmt.Sprint(b.Members)})
	}
	return m.exportTable(w, r, "branches", []string{"ID", t.T(l, "dir.branch"), t.T(l, "dir.kind"), t.T(l, "dir.parent"), t.T(l, "dir.founded_on"), t.T(l, "dir.party_members")}, rows)
}

//go:embed templates/*.html
var templates embed.FS

//go:embed i18n/*.json
var catalog embed.FS

// Register adds the directory's pages, messages and navigation to the views.
func Register(v *web.Views) error {
	if err := v.Cat.Add(catalog, "i18n"); err != nil {
		return err
	}
	v.AddNav(Nav()...)
	return v.AddPages(templates, "templates")
}

func (m *Module) apiCreateVillage(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Code         string `json:"code"`
		Name         string `json:"name"`
		HeavyFinance bool   `json:"heavy_finance"`
		Households   int    `json:"households"`
		Adults       int    `json:"adults"`
		OneShoulder  bool   `json:"one_shoulder"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := m.CreateVillage(r.Context(), web.Principal(r), Village{Code: in.Code, Name: in.Name, HeavyFinance: in.HeavyFinance, Households: in.Households, Adults: in.Adults, OneShoulder: in.OneShoulder})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": id})
	return nil
}

func (m *Module) apiCreateDepartment(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Code   string `json:"code"`
		Name   string `json:"name"`
		NameEn string `json:"name_en"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := m.CreateDepartment(r.Context(), web.Principal(r), Department{Code: in.Code, Name: in.Name, NameEn: in.NameEn})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": id})
	return nil
}

func (m *Module) apiCreateBranch(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		ParentID     int64  `json:"parent_id"`
		Kind         string `json:"kind"`
		Name         string `json:"name"`
		VillageID    int64  `json:"village_id"`
		EnterpriseID int64  `json:"enterprise_id"`
		DepartmentID int64  `json:"department_id"`
		FoundedOn    string `json:"founded_on"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := m.CreateBranch(r.Context(), web.Principal(r), Branch{ParentID: in.ParentID, Kind: in.Kind, Name: in.Name, VillageID: in.VillageID,
		EnterpriseID: in.EnterpriseID, DepartmentID: in.DepartmentID, FoundedOn: in.FoundedOn})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": id})
	return nil
}
