package express

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/upload"
	"zhongshu/internal/platform/web"
)

// The demand pages and API: one service call per handler, HTML and JSON
// over the same calls.

func demandPathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.NotFoundf("企业诉求")
	}
	return id, nil
}

// demandOption is an enterprise or department in a form's select.
type demandOption struct {
	ID   int64
	Name string
}

// demandEnterpriseOptions lists the enterprises p may raise demands for.
func (m *Module) demandEnterpriseOptions(ctx context.Context, p *auth.Principal) ([]demandOption, error) {
	q := `SELECT id, name FROM enterprises`
	var args []any
	if !auth.Can(p, PermOffice, auth.Anything) {
		var ids []int64
		for _, r := range []auth.Role{auth.Liaison, auth.Enterprise} {
			x, _ := p.ScopeIDs(r, auth.ScopeEnterprise)
			ids = append(ids, x...)
		}
		ph, a := db.In(ids)
		q += ` WHERE id IN (` + ph + `)`
		args = a
	}
	return m.demandOptions(ctx, q+` ORDER BY name, id`, args...)
}

func (m *Module) demandOptions(ctx context.Context, q string, args ...any) ([]demandOption, error) {
	rows, err := m.DB.Q(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []demandOption
	for rows.Next() {
		var o demandOption
		if err := rows.Scan(&o.ID, &o.Name); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

type demandListPage struct {
	Items       []Demand       `json:"items"`
	Total       int            `json:"total"`
	Overdue     int            `json:"overdue"`
	State       string         `json:"-"`
	OnlyOverdue bool           `json:"-"`
	States      []string       `json:"-"`
	Categories  []string       `json:"-"`
	Enterprises []demandOption `json:"-"`
	CanRaise    bool           `json:"-"`
	IsOffice    bool           `json:"-"`
}

func (m *Module) demandListData(r *http.Request) (*demandListPage, error) {
	p := web.Principal(r)
	q := r.URL.Query()
	f := DemandFilter{State: q.Get("state"), Category: q.Get("category"), Overdue: q.Get("overdue") == "1"}
	if f.State != "" && !slices.Contains(demandStates, f.State) {
		return nil, errs.Field("state", "状态无效", "unknown state")
	}
	f.DepartmentID, _ = strconv.ParseInt(q.Get("department"), 10, 64)
	f.EnterpriseID, _ = strconv.ParseInt(q.Get("enterprise"), 10, 64)
	items, err := m.Demands(r.Context(), p, f)
	if err != nil {
		return nil, err
	}
	d := &demandListPage{Items: items, Total: len(items), State: f.State, OnlyOverdue: f.Overdue, States: demandStates, Categories: demandCategories,
		CanRaise: auth.Can(p, PermRaise, auth.Anything), IsOffice: auth.Can(p, PermOffice, auth.Anything)}
	for _, x := range items {
		if x.Overdue {
			d.Overdue++
		}
	}
	if d.CanRaise && !web.IsAPI(r) {
		if d.Enterprises, err = m.demandEnterpriseOptions(r.Context(), p); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (m *Module) pageDemands(w http.ResponseWriter, r *http.Request) error {
	d, err := m.demandListData(r)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "demands_list", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.express_demands"), D: d})
}

func (m *Module) apiDemands(w http.ResponseWriter, r *http.Request) error {
	d, err := m.demandListData(r)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (m *Module) apiCreateDemand(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, PermRaise, auth.Anything, "demand", ""); err != nil {
		return err
	}
	var in DemandInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	d, err := m.createDemand(r.Context(), p, in, nil)
	if err != nil {
		return err
	}
	id := d.ID
	if d.History == nil { // p does not see it: DemandDetail answers as ever
		if d, err = m.DemandDetail(r.Context(), p, id); err != nil {
			return err
		}
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/demands/%d", id))
	web.WriteJSON(w, http.StatusCreated, d)
	return nil
}

func (m *Module) postDemand(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, PermRaise, auth.Anything, "demand", ""); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxDemandFiles*(upload.MaxBytes+(64<<10))+(1<<20))
	files, err := demandUploads(r)
	if err != nil {
		return err
	}
	eid, _ := strconv.ParseInt(r.FormValue("enterprise_id"), 10, 64)
	d, err := m.createDemand(r.Context(), p, DemandInput{EnterpriseID: eid, Category: r.FormValue("category"), Title: r.FormValue("title"), Description: r.FormValue("description")}, files)
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/express/demands/%d?ok=saved", d.ID), http.StatusSeeOther)
	return nil
}

type demandPage struct {
	Dm           *Demand
	DeadlineRows []demandDeadlineRow
	Departments  []demandOption
	Ratings      []string
	Categories   []string
}

type demandDeadlineRow struct {
	Key string
	D   Deadline
}

// Has reports whether the caller may make transition to now.
func (d *demandPage) Has(to string) bool { return slices.Contains(d.Dm.Allowed, to) }

func (m *Module) pageDemand(w http.ResponseWriter, r *http.Request) error {
	id, err := demandPathID(r)
	if err != nil {
		return err
	}
	dm, err := m.DemandDetail(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	pg := &demandPage{Dm: dm, Ratings: demandRatings, DeadlineRows: []demandDeadlineRow{
		{"route_by", dm.Deadlines.RouteBy}, {"respond_by", dm.Deadlines.RespondBy}, {"resolve_by", dm.Deadlines.ResolveBy}}}
	if slices.Contains(dm.Allowed, TrRouted) {
		if pg.Departments, err = m.demandOptions(r.Context(), `SELECT id, name FROM departments ORDER BY sort, id`); err != nil {
			return err
		}
	}
	return m.Views.Render(w, r, http.StatusOK, "demands_demand", &web.Page{Title: dm.Title, D: pg})
}

func (m *Module) apiDemand(w http.ResponseWriter, r *http.Request) error {
	id, err := demandPathID(r)
	if err != nil {
		return err
	}
	d, err := m.DemandDetail(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (m *Module) demandTransition(api bool) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := demandPathID(r)
		if err != nil {
			return err
		}
		p := web.Principal(r)
		if err := m.Auth.Authorize(r.Context(), p, PermRead, auth.Anything, "demand", fmt.Sprint(id)); err != nil {
			return err
		}
		var in TransitionInput
		if api {
			if err := web.DecodeJSON(r, &in); err != nil {
				return err
			}
		} else {
			if err := r.ParseForm(); err != nil {
				return errs.New(errs.Invalid, "表单格式错误", "malformed form")
			}
			in = TransitionInput{To: r.FormValue("to"), Reason: r.FormValue("reason"), Rating: r.FormValue("rating"), Complex: r.FormValue("complex") == "1"}
			in.DepartmentID, _ = strconv.ParseInt(r.FormValue("department_id"), 10, 64)
			for _, h := range r.Form["helpers"] {
				if v, err := strconv.ParseInt(h, 10, 64); err == nil && v > 0 {
					in.Helpers = append(in.Helpers, v)
				}
			}
		}
		d, err := m.Transition(r.Context(), p, id, in)
		if err != nil {
			return err
		}
		if api {
			web.WriteJSON(w, http.StatusOK, d)
			return nil
		}
		if in.To == TrReturned && !auth.Can(p, PermOffice, auth.Anything) {
			http.Redirect(w, r, "/express/demands?ok=saved", http.StatusSeeOther)
			return nil
		}
		http.Redirect(w, r, fmt.Sprintf("/express/demands/%d?ok=saved", id), http.StatusSeeOther)
		return nil
	}
}

type demandSettingsPage struct {
	Rules    []DeadlineRule `json:"deadlines"`
	Year     int            `json:"year"`
	Days     []CalendarDay  `json:"days"`
	IsOffice bool           `json:"-"`
}

func (m *Module) pageDemandSettings(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	rules, err := m.DeadlineRules(r.Context(), p)
	if err != nil {
		return err
	}
	year := calYearParam(r, m.Clock.Now())
	days, err := m.CalendarYear(r.Context(), p, year)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "demands_settings", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.express_demand_settings"),
		D: &demandSettingsPage{Rules: rules, Year: year, Days: days, IsOffice: auth.Can(p, PermOffice, auth.Anything)}})
}

func (m *Module) apiDeadlineRules(w http.ResponseWriter, r *http.Request) error {
	rules, err := m.DeadlineRules(r.Context(), web.Principal(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": rules})
	return nil
}

func (m *Module) apiSetDeadlineRule(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, PermOffice, auth.Anything, "demand_deadlines", ""); err != nil {
		return err
	}
	var in DeadlineRule
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	in.Category = r.PathValue("category")
	if err := m.SetDeadlineRule(r.Context(), p, in); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, in)
	return nil
}

func (m *Module) postDeadlineRule(w http.ResponseWriter, r *http.Request) error {
	atoi := func(k string) int { n, _ := strconv.Atoi(strings.TrimSpace(r.FormValue(k))); return n }
	in := DeadlineRule{Category: r.FormValue("category"), RouteDays: atoi("route_days"), RespondDays: atoi("respond_days"),
		ResolveDays: atoi("resolve_days"), ComplexDays: atoi("complex_days"), ExtendedDays: atoi("extended_days")}
	if err := m.SetDeadlineRule(r.Context(), web.Principal(r), in); err != nil {
		return err
	}
	http.Redirect(w, r, "/express/demands/settings?ok=saved", http.StatusSeeOther)
	return nil
}

// demandTiles are the desk's figures: open demands and overdue ones,
// counted within the caller's scope.
func demandTiles(m *Module, ctx context.Context, p *auth.Principal) ([]Tile, error) {
	ds, err := m.Demands(ctx, p, DemandFilter{})
	if err != nil {
		return nil, err
	}
	open, overdue := 0, 0
	for _, d := range ds {
		if d.State != StRated && d.State != StResolved {
			open++
		}
		if d.Overdue {
			overdue++
		}
	}
	return []Tile{
		{Key: "demands.tile_open", Value: strconv.Itoa(open), Path: "/express/demands"},
		{Key: "demands.tile_overdue", Value: strconv.Itoa(overdue), Path: "/express/demands?overdue=1", Alert: overdue > 0},
	}, nil
}

func init() {
	routeParts = append(routeParts, func(m *Module, r *web.Router) {
		r.Handle("GET /express/demands", web.Handler(m.pageDemands))
		r.Handle("POST /express/demands", web.Handler(m.postDemand))
		r.Handle("GET /express/demands/{id}", web.Handler(m.pageDemand))
		r.Handle("POST /express/demands/{id}/transitions", m.demandTransition(false))
		r.Handle("GET /express/demands/settings", web.Handler(m.pageDemandSettings))
		r.Handle("POST /express/demands/settings/deadlines", web.Handler(m.postDeadlineRule))
		r.Handle("POST /express/demands/settings/calendar", web.Handler(m.postCalendarDay))

		r.Handle("GET /api/v1/demands", web.Handler(m.apiDemands))
		r.Handle("POST /api/v1/demands", web.Handler(m.apiCreateDemand))
		r.Handle("GET /api/v1/demands/{id}", web.Handler(m.apiDemand))
		r.Handle("POST /api/v1/demands/{id}/transitions", m.demandTransition(true))
		r.Handle("GET /api/v1/demand-deadlines", web.Handler(m.apiDeadlineRules))
		r.Handle("PUT /api/v1/demand-deadlines/{category}", web.Handler(m.apiSetDeadlineRule))
		r.Handle("GET /api/v1/work-calendar", web.Handler(m.apiCalendar))
		r.Handle("PUT /api/v1/work-calendar", web.Handler(m.apiSetCalendarDay))
	})
	navItems = append(navItems,
		web.NavItem{Key: "nav.express_demands", Path: "/express/demands", Perm: PermRead, Order: 61},
		web.NavItem{Key: "nav.express_demand_settings", Path: "/express/demands/settings", Perm: PermOffice, Order: 63})
	tileParts = append(tileParts, tilePart{order: 10, load: demandTiles})
}
