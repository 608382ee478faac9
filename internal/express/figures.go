package express

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/web"
)

// Figure is one of the express figures the seed quotes, computed from the
// records by a stated query — never typed in. Key is stable (tests and
// clients use it); Label, Unit and Definition are in the caller's
// language; Value is the number in Unit.
type Figure struct {
	Key        string  `json:"key"`
	Label      string  `json:"label"`
	Value      float64 `json:"value"`
	Unit       string  `json:"unit"`
	Definition string  `json:"definition"`
	Path       string  `json:"path,omitempty"`
}

// Figures is a year's express figures.
type Figures struct {
	Year    int      `json:"year"`
	Figures []Figure `json:"figures"`
}

// Get returns the figure with key, or nil.
func (f *Figures) Get(key string) *Figure {
	for i := range f.Figures {
		if f.Figures[i].Key == key {
			return &f.Figures[i]
		}
	}
	return nil
}

// figCategory maps the point table's kinds to the seven work categories of
// RULES.md §8 (确定7方面具体工作): 党组织组建 is one category earning on a lead
// and on an organisation formed; the bonus items are not categories.
var figCategory = map[string]string{
	KindVisit:          "visit",
	KindDemandRaised:   "demand_raised",
	KindDemandResolved: "demand_resolved",
	KindPartyLead:      "party_org",
	KindPartyFormed:    "party_org",
	KindBriefing:       "briefing",
	KindReport:         "report",
	KindTraining:       "training",
}

// figFen is fen per 万元.
const figFen = 1000000

// ExpressFigures computes the seed's express figures for a year over the
// whole zone (the office's report): liaisons, the formation funnel, the
// work categories of the point table, breakfast-meeting coverage, and the
// applications helped per programme with the amounts.
func (m *Module) ExpressFigures(ctx context.Context, p *auth.Principal, year int, lang string) (*Figures, error) {
	if err := m.Auth.Authorize(ctx, p, PermOffice, auth.Anything, "express_figures", fmt.Sprint(year)); err != nil {
		return nil, err
	}
	t := func(k string, args ...any) string { return m.Views.Cat.T(lang, k, args...) }
	out := &Figures{Year: year, Figures: []Figure{}}
	add := func(key string, v float64, unit, path string, args ...any) {
		out.Figures = append(out.Figures, Figure{Key: key, Label: t("fig.label."+key, args...), Value: v, Unit: t("fig.unit." + unit),
			Definition: t("fig.def."+key, args...), Path: path})
	}
	q := m.DB.Q(ctx)
	end := fmt.Sprintf("%04d-12-31", year)

	// 35名非公党建指导员（联络员）: people assigned to an enterprise by the end of the year.
	var liaisons int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(DISTINCT person_id) FROM liaison_assignments WHERE since <= ?`, end).Scan(&liaisons); err != nil {
		return nil, err
	}
	add("liaisons", float64(liaisons), "people", "")

	// 意愿信息10余条 → 成立7个.
	f, err := m.funnel(ctx, "1 = 1", nil, year)
	if err != nil {
		return nil, err
	}
	add("formation.leads", float64(f.Leads), "items", "/express/formation")
	add("formation.departments", float64(f.Departments), "departments", "/express/formation")
	add("formation.visited", float64(f.Visited), "items", "/express/formation")
	add("formation.formed", float64(f.Formed), "orgs", "/express/formation")

	// 确定7方面具体工作: the categories of the point table in force by the year's end.
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT kind FROM express_point_rules WHERE valid_from <= ?`, end)
	if err != nil {
		return nil, err
	}
	cats := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			rows.Close()
			return nil, err
		}
		if c, ok := figCategory[k]; ok {
			cats[c] = true
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	add("points.categories", float64(len(cats)), "categories", "")

	// 与区内所有规上企业、限上企业一对一交流: the breakfast part's coverage.
	if cov, err := m.BreakfastCoverage(ctx, p, strconv.Itoa(year)); err == nil {
		add("breakfast.above_scale", float64(cov.AboveScale), "enterprises", "")
		add("breakfast.above_scale_met", float64(cov.AboveScaleMet), "enterprises", "")
		add("breakfast.above_quota", float64(cov.AboveQuota), "enterprises", "")
		add("breakfast.above_quota_met", float64(cov.AboveQuotaMet), "enterprises", "")
	} else {
		return nil, err
	}

	// 帮助…申报: per programme, the applicants helped to apply and those
	// approved; the technical-upgrade fund's amount applied for.
	totals, err := m.applTotals(ctx, "1 = 1", nil, year)
	if err != nil {
		return nil, err
	}
	var helpedAll int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(DISTINCT COALESCE(CAST(enterprise_id AS TEXT), applicant)) FROM appl_applications WHERE year = ? AND status <> 'preparing'`,
		year).Scan(&helpedAll); err != nil {
		return nil, err
	}
	add("applications.helped", float64(helpedAll), "enterprises", "/express/applications")
	for _, x := range totals {
		name := x.ProgrammeName
		path := "/express/applications?year=" + strconv.Itoa(year) + "&programme=" + x.Programme
		add("applications.helped."+x.Programme, float64(x.Helped), "enterprises", path)
		out.Figures[len(out.Figures)-1].Label = t("fig.label.applications.helped_p", name)
		out.Figures[len(out.Figures)-1].Definition = t("fig.def.applications.helped_p", name)
		add("applications.approved."+x.Programme, float64(x.Approved), "enterprises", path)
		out.Figures[len(out.Figures)-1].Label = t("fig.label.applications.approved_p", name)
		out.Figures[len(out.Figures)-1].Definition = t("fig.def.applications.approved_p", name)
		if x.AmountApplied > 0 {
			add("applications.amount_applied."+x.Programme, float64(x.AmountApplied)/figFen, "wan_yuan", path)
			out.Figures[len(out.Figures)-1].Label = t("fig.label.applications.amount_p", name)
			out.Figures[len(out.Figures)-1].Definition = t("fig.def.applications.amount_p", name)
		}
	}
	return out, nil
}

func (m *Module) figuresData(r *http.Request) (*Figures, error) {
	year, err := m.applYearParam(r)
	if err != nil {
		return nil, err
	}
	if year == 0 {
		year = m.applYear()
	}
	return m.ExpressFigures(r.Context(), web.Principal(r), year, web.Lang(r))
}

func (m *Module) pageFigures(w http.ResponseWriter, r *http.Request) error {
	d, err := m.figuresData(r)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "figures_page", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.express_figures"), D: d})
}

func (m *Module) apiFigures(w http.ResponseWriter, r *http.Request) error {
	d, err := m.figuresData(r)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

func init() {
	routeParts = append(routeParts, func(m *Module, r *web.Router) {
		r.Handle("GET /express/figures", web.Handler(m.pageFigures))
		r.Handle("GET /api/v1/express/figures", web.Handler(m.apiFigures))
	})
	navItems = append(navItems, web.NavItem{Key: "nav.express_figures", Path: "/express/figures", Perm: PermOffice, Order: 69})
}
