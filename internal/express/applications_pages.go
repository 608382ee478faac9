package express

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

// applPathID reads the {id} of a path.
func applPathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.NotFoundf("记录")
	}
	return id, nil
}

// applYearParam reads ?year= (default: the current year; "all": 0).
func (m *Module) applYearParam(r *http.Request) (int, error) {
	s := strings.TrimSpace(r.URL.Query().Get("year"))
	switch s {
	case "":
		return m.applYear(), nil
	case "all":
		return 0, nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < 2000 || y > 2100 {
		return 0, errs.Field("year", "年度须为四位数字，如 2021", "the year must be four digits, e.g. 2021")
	}
	return y, nil
}

// applFormInt reads an optional integer form field.
func applFormInt(r *http.Request, field string) (int64, error) {
	s := strings.TrimSpace(r.FormValue(field))
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, errs.Field(field, "须为整数", "must be a whole number")
	}
	return n, nil
}

// applFormYuan reads an optional amount in yuan into fen.
func applFormYuan(r *http.Request, field string) (int64, error) {
	n, err := ApplParseYuan(r.FormValue(field))
	if err != nil {
		return 0, errs.Field(field, "金额须为元，最多两位小数，如 3000000 或 12.50", "the amount is in yuan with at most two decimals, e.g. 3000000 or 12.50")
	}
	return n, nil
}

type applListPage struct {
	Year        int           `json:"year"`
	Filter      ApplFilter    `json:"-"`
	Totals      []ApplTotal   `json:"totals"`
	Items       []Application `json:"items"`
	Programmes  []Programme   `json:"programmes"`
	Statuses    []string      `json:"-"`
	CanWrite    bool          `json:"-"`
	CanOffice   bool          `json:"-"`
	Enterprises []applOption  `json:"-"`
	Departments []applOption  `json:"-"`
}

// applOption is a choice in a form's select.
type applOption struct {
	ID   int64
	Name string
}

// applOptions lists the enterprises p may choose in a form (all of them
// when all is set: department staff report leads for any enterprise) and
// the departments.
func (m *Module) applOptions(ctx context.Context, p *auth.Principal, all bool) (ents, depts []applOption, err error) {
	where, args := applScope(p, "e.id", "", auth.Committee, auth.Liaison)
	if all {
		where, args = "1 = 1", nil
	}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT e.id, e.name FROM enterprises e WHERE `+where+` ORDER BY e.name`, args...)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var o applOption
		if err := rows.Scan(&o.ID, &o.Name); err != nil {
			rows.Close()
			return nil, nil, err
		}
		ents = append(ents, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows, err = m.DB.Q(ctx).QueryContext(ctx, `SELECT id, name FROM departments ORDER BY sort, id`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var o applOption
		if err := rows.Scan(&o.ID, &o.Name); err != nil {
			return nil, nil, err
		}
		depts = append(depts, o)
	}
	return ents, depts, rows.Err()
}

func (m *Module) applListData(r *http.Request, withForm bool) (*applListPage, error) {
	p := web.Principal(r)
	year, err := m.applYearParam(r)
	if err != nil {
		return nil, err
	}
	f := ApplFilter{Year: year, Programme: r.URL.Query().Get("programme"), Status: r.URL.Query().Get("status")}
	items, err := m.Applications(r.Context(), p, f)
	if err != nil {
		return nil, err
	}
	totals, err := m.ApplicationTotals(r.Context(), p, year)
	if err != nil {
		return nil, err
	}
	progs, err := m.Programmes(r.Context())
	if err != nil {
		return nil, err
	}
	d := &applListPage{Year: year, Filter: f, Totals: totals, Items: items, Programmes: progs, Statuses: ApplStatuses,
		CanWrite: auth.Can(p, PermApplicationsWrite, auth.Anything), CanOffice: auth.Can(p, PermOffice, auth.Anything)}
	if withForm && d.CanWrite {
		if d.Enterprises, d.Departments, err = m.applOptions(r.Context(), p, false); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (m *Module) pageApplications(w http.ResponseWriter, r *http.Request) error {
	d, err := m.applListData(r, true)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "applications_list", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.express_applications"), D: d})
}

func (m *Module) apiApplications(w http.ResponseWriter, r *http.Request) error {
	d, err := m.applListData(r, false)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (m *Module) apiApplicationTotals(w http.ResponseWriter, r *http.Request) error {
	year, err := m.applYearParam(r)
	if err != nil {
		return err
	}
	t, err := m.ApplicationTotals(r.Context(), web.Principal(r), year)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"year": year, "totals": t})
	return nil
}

type applPage struct {
	A        *Application
	CanWrite bool
	Next     []string
	Today    string
}

func (m *Module) pageApplication(w http.ResponseWriter, r *http.Request) error {
	id, err := applPathID(r)
	if err != nil {
		return err
	}
	p := web.Principal(r)
	a, err := m.Application(r.Context(), p, id)
	if err != nil {
		return err
	}
	d := &applPage{A: a, CanWrite: auth.Can(p, PermApplicationsWrite, applObject(a.EnterpriseID, a.HelperDeptID)), Today: m.applToday()}
	for _, s := range ApplStatuses {
		if ApplNext(a.Status, s) == nil {
			d.Next = append(d.Next, s)
		}
	}
	return m.Views.Render(w, r, http.StatusOK, "applications_item", &web.Page{Title: a.Applicant + " · " + a.ProgrammeName, D: d})
}

func (m *Module) apiApplication(w http.ResponseWriter, r *http.Request) error {
	id, err := applPathID(r)
	if err != nil {
		return err
	}
	a, err := m.Application(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, a)
	return nil
}

func (m *Module) createApplication(api bool) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := web.Principal(r)
		if err := m.Auth.Authorize(r.Context(), p, PermApplicationsWrite, auth.Anything, "appl_application", ""); err != nil {
			return err
		}
		var in ApplicationInput
		if api {
			if err := web.DecodeJSON(r, &in); err != nil {
				return err
			}
		} else {
			var l errs.List
			year, _ := strconv.Atoi(strings.TrimSpace(r.FormValue("year")))
			in = ApplicationInput{Programme: r.FormValue("programme"), Year: year, Applicant: r.FormValue("applicant"), HelpNotes: r.FormValue("help_notes")}
			var err error
			for _, x := range []struct {
				f string
				v *int64
			}{{"enterprise_id", &in.EnterpriseID}, {"helper_person_id", &in.HelperPersonID}, {"helper_department_id", &in.HelperDepartmentID}} {
				if *x.v, err = applFormInt(r, x.f); err != nil {
					l = append(l, errs.As(err))
				}
			}
			if in.AmountApplied, err = applFormYuan(r, "amount_applied"); err != nil {
				l = append(l, errs.As(err))
			}
			if err := l.Err(); err != nil {
				return err
			}
		}
		id, err := m.CreateApplication(r.Context(), p, in)
		if err != nil {
			return err
		}
		if api {
			a, err := m.Application(r.Context(), p, id)
			if err != nil {
				return err
			}
			web.WriteJSON(w, http.StatusCreated, a)
			return nil
		}
		http.Redirect(w, r, fmt.Sprintf("/express/applications/%d?ok=saved", id), http.StatusSeeOther)
		return nil
	}
}

func (m *Module) transitionApplication(api bool) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := applPathID(r)
		if err != nil {
			return err
		}
		p := web.Principal(r)
		if _, err := m.applFor(r.Context(), p, PermApplicationsWrite, id); err != nil {
			return err
		}
		var tr ApplTransition
		if api {
			if err := web.DecodeJSON(r, &tr); err != nil {
				return err
			}
		} else {
			tr = ApplTransition{To: r.FormValue("to"), Day: r.FormValue("day"), Note: r.FormValue("note")}
			if strings.TrimSpace(r.FormValue("amount_applied")) != "" {
				v, err := applFormYuan(r, "amount_applied")
				if err != nil {
					return err
				}
				tr.AmountApplied = &v
			}
			if tr.AmountGranted, err = applFormYuan(r, "amount_granted"); err != nil {
				return err
			}
		}
		if err := m.TransitionApplication(r.Context(), p, id, tr); err != nil {
			return err
		}
		if api {
			a, err := m.Application(r.Context(), p, id)
			if err != nil {
				return err
			}
			web.WriteJSON(w, http.StatusOK, a)
			return nil
		}
		http.Redirect(w, r, fmt.Sprintf("/express/applications/%d?ok=saved", id), http.StatusSeeOther)
		return nil
	}
}

func (m *Module) apiProgrammes(w http.ResponseWriter, r *http.Request) error {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermApplications, auth.Anything, "appl_programme", ""); err != nil {
		return err
	}
	ps, err := m.Programmes(r.Context())
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": ps})
	return nil
}

func (m *Module) addProgramme(api bool) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := web.Principal(r)
		if err := m.Auth.Authorize(r.Context(), p, PermOffice, auth.Anything, "appl_programme", ""); err != nil {
			return err
		}
		var pr Programme
		if api {
			if err := web.DecodeJSON(r, &pr); err != nil {
				return err
			}
		} else {
			pr = Programme{Code: r.FormValue("code"), Name: r.FormValue("name"), NameEn: r.FormValue("name_en")}
		}
		if err := m.AddProgramme(r.Context(), p, pr); err != nil {
			return err
		}
		if api {
			return m.apiProgrammes(w, r)
		}
		http.Redirect(w, r, "/express/applications?ok=saved", http.StatusSeeOther)
		return nil
	}
}

// exportApplications writes the year's totals by programme and the
// applications p may see as a workbook of two sheets. Every cell is a
// string or a number, never a formula.
func (m *Module) exportApplications(w http.ResponseWriter, r *http.Request) error {
	d, err := m.applListData(r, false)
	if err != nil {
		return err
	}
	lang := web.Lang(r)
	t := func(k string) string { return m.Views.Cat.T(lang, k) }
	f := excelize.NewFile()
	defer f.Close()
	totals := t("appl.sheet_totals")
	if err := f.SetSheetName("Sheet1", totals); err != nil {
		return err
	}
	_ = f.SetSheetRow(totals, "A1", &[]any{t("appl.year"), t("appl.programme"), t("appl.helped"), t("appl.approved_n"), t("appl.rejected_n"),
		t("appl.preparing_n"), t("appl.amount_applied_yuan"), t("appl.amount_granted_yuan")})
	for i, x := range d.Totals {
		_ = f.SetSheetRow(totals, fmt.Sprintf("A%d", i+2), &[]any{x.Year, x.ProgrammeName, x.Helped, x.Approved, x.Rejected, x.Preparing,
			float64(x.AmountApplied) / 100, float64(x.AmountGranted) / 100})
	}
	list := t("appl.sheet_items")
	if _, err := f.NewSheet(list); err != nil {
		return err
	}
	_ = f.SetSheetRow(list, "A1", &[]any{t("appl.year"), t("appl.programme"), t("appl.applicant"), t("appl.helper_department"), t("appl.helper_person"),
		t("appl.status"), t("appl.submitted_on"), t("appl.outcome_on"), t("appl.amount_applied_yuan"), t("appl.amount_granted_yuan"), t("appl.help_notes")})
	for i, a := range d.Items {
		_ = f.SetSheetRow(list, fmt.Sprintf("A%d", i+2), &[]any{a.Year, a.ProgrammeName, xlText(a.Applicant), xlText(a.HelperDept), xlText(a.HelperPerson),
			t("appl.status." + a.Status), a.SubmittedOn, a.OutcomeOn, float64(a.AmountApplied) / 100, float64(a.AmountGranted) / 100, xlText(a.HelpNotes)})
	}
	for _, sh := range []string{totals, list} {
		_ = f.SetColWidth(sh, "A", "K", 18)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return err
	}
	name := "applications-all.xlsx"
	if d.Year > 0 {
		name = fmt.Sprintf("applications-%d.xlsx", d.Year)
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	_, err = w.Write(buf.Bytes())
	return err
}

// xlText keeps text that looks like a formula from being read as one when
// the workbook is opened elsewhere (CSV/formula injection).
func xlText(s string) string {
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		return "'" + s
	}
	return s
}

func init() {
	routeParts = append(routeParts, func(m *Module, r *web.Router) {
		r.Handle("GET /express/applications", web.Handler(m.pageApplications))
		r.Handle("POST /express/applications", m.createApplication(false))
		r.Handle("GET /express/applications/export.xlsx", web.Handler(m.exportApplications))
		r.Handle("GET /express/applications/{id}", web.Handler(m.pageApplication))
		r.Handle("POST /express/applications/{id}/transitions", m.transitionApplication(false))
		r.Handle("POST /express/programmes", m.addProgramme(false))
		r.Handle("GET /api/v1/express/applications", web.Handler(m.apiApplications))
		r.Handle("POST /api/v1/express/applications", m.createApplication(true))
		r.Handle("GET /api/v1/express/applications/totals", web.Handler(m.apiApplicationTotals))
		r.Handle("GET /api/v1/express/applications/{id}", web.Handler(m.apiApplication))
		r.Handle("POST /api/v1/express/applications/{id}/transitions", m.transitionApplication(true))
		r.Handle("GET /api/v1/express/programmes", web.Handler(m.apiProgrammes))
		r.Handle("POST /api/v1/express/programmes", m.addProgramme(true))
	})
	navItems = append(navItems, web.NavItem{Key: "nav.express_applications", Path: "/express/applications", Perm: PermApplications, Order: 69})
	tileParts = append(tileParts, tilePart{order: 69, load: func(m *Module, ctx context.Context, p *auth.Principal) ([]Tile, error) {
		if !auth.Can(p, PermApplications, auth.Anything) {
			return nil, nil
		}
		ts, err := m.ApplicationTotals(ctx, p, m.applYear())
		if err != nil {
			return nil, err
		}
		var approved int
		for _, t := range ts {
			approved += t.Approved
		}
		return []Tile{{Key: "appl.tile_approved", Value: strconv.Itoa(approved), Path: "/express/applications"}}, nil
	}})
	demoParts = append(demoParts, demoPart{Order: 60, Load: loadApplicationsDemo})
}
