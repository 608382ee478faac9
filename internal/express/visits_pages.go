package express

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/web"
)

func init() {
	routeParts = append(routeParts, func(m *Module, r *web.Router) {
		r.Handle("GET /api/v1/express/visits", web.Handler(m.apiVisits))
		r.Handle("POST /api/v1/express/visits", web.Handler(m.apiCreateVisit))
		r.Handle("GET /api/v1/express/visits/{id}", web.Handler(m.apiVisit))
		r.Handle("POST /api/v1/express/visit-findings/{id}/demand", web.Handler(m.apiFindingDemand))
		r.Handle("GET /api/v1/express/visit-items", web.Handler(m.apiVisitItems))
		r.Handle("PUT /api/v1/express/visit-items", web.Handler(m.apiSetVisitItems))
		r.Handle("GET /express/visits", web.Handler(m.pageVisits))
		r.Handle("GET /express/visits/new", web.Handler(m.pageVisitForm))
		r.Handle("POST /express/visits", web.Handler(m.postVisit))
		r.Handle("GET /express/visits/{id}", web.Handler(m.pageVisit))
		r.Handle("POST /express/visit-findings/{id}/demand", web.Handler(m.postFindingDemand))
	})
	navItems = append(navItems, web.NavItem{Key: "nav.express_visits", Path: "/express/visits", Perm: PermVisitRead, Order: 65})
	tileParts = append(tileParts, tilePart{order: 65, load: visitsTiles})
}

func (m *Module) apiVisits(w http.ResponseWriter, r *http.Request) error {
	eid, _ := strconv.ParseInt(r.URL.Query().Get("enterprise_id"), 10, 64)
	vs, err := m.Visits(r.Context(), web.Principal(r), VisitFilter{EnterpriseID: eid, Year: r.URL.Query().Get("year")})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": vs})
	return nil
}

func (m *Module) apiVisit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := m.VisitDetail(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (m *Module) apiCreateVisit(w http.ResponseWriter, r *http.Request) error {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermVisitWrite, auth.Anything, "express_visit", ""); err != nil {
		return err
	}
	var in VisitInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := m.CreateVisit(r.Context(), web.Principal(r), in)
	if err != nil {
		return err
	}
	v, err := m.VisitDetail(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, v)
	return nil
}

func (m *Module) apiFindingDemand(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermVisitWrite, auth.Anything, "express_visit_finding", fmt.Sprint(id)); err != nil {
		return err
	}
	var in ToDemandInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	did, err := m.FindingToDemand(r.Context(), web.Principal(r), id, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"demand_id": did, "finding_id": id})
	return nil
}

func (m *Module) apiVisitItems(w http.ResponseWriter, r *http.Request) error {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermVisitRead, auth.Anything, "express_visit_items", ""); err != nil {
		return err
	}
	v, err := m.ReadVisitItems(r.Context())
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, v)
	return nil
}

type visitItemsInput struct {
	Kind  string      `json:"kind"`
	Items []VisitItem `json:"items"`
}

func (m *Module) apiSetVisitItems(w http.ResponseWriter, r *http.Request) error {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermOffice, auth.Anything, "express_visit_items", ""); err != nil {
		return err
	}
	var in visitItemsInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := m.SetVisitItems(r.Context(), web.Principal(r), in.Kind, in.Items); err != nil {
		return err
	}
	return m.apiVisitItems(w, r)
}

type visitsListPage struct {
	Items    []ExpressVisit
	Year     string
	CanWrite bool
}

func (m *Module) pageVisits(w http.ResponseWriter, r *http.Request) error {
	year := r.URL.Query().Get("year")
	if year == "" {
		year = clock.Day(m.Clock.Now())[:4]
	}
	vs, err := m.Visits(r.Context(), web.Principal(r), VisitFilter{Year: year})
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "visits_express", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.express_visits"),
		D: &visitsListPage{Items: vs, Year: year, CanWrite: auth.Can(web.Principal(r), PermVisitWrite, auth.Anything)}})
}

// EnterpriseOption is an enterprise a form may choose.
type EnterpriseOption struct {
	ID   int64
	Name string
}

// writableEnterprises lists the enterprises the caller may record for:
// the office all, a liaison the assigned ones.
func (m *Module) writableEnterprises(ctx context.Context, p *auth.Principal) ([]EnterpriseOption, error) {
	q := `SELECT id, name FROM enterprises`
	var args []any
	if !auth.Can(p, PermOffice, auth.Anything) {
		ids, _ := p.ScopeIDs(auth.Liaison, auth.ScopeEnterprise)
		ph, a := dbIn(ids)
		q += ` WHERE id IN (` + ph + `)`
		args = a
	}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, q+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []EnterpriseOption
	for rows.Next() {
		var o EnterpriseOption
		if err := rows.Scan(&o.ID, &o.Name); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

type visitFormPage struct {
	Items       *VisitItems
	Enterprises []EnterpriseOption
	Liaisons    []TrainingPerson
	IsOffice    bool
	Today       string
	Selected    int64
}

func (m *Module) visitForm(r *http.Request) (*visitFormPage, error) {
	p := web.Principal(r)
	items, err := m.ReadVisitItems(r.Context())
	if err != nil {
		return nil, err
	}
	es, err := m.writableEnterprises(r.Context(), p)
	if err != nil {
		return nil, err
	}
	d := &visitFormPage{Items: items, Enterprises: es, IsOffice: auth.Can(p, PermOffice, auth.Anything), Today: clock.Day(m.Clock.Now())}
	d.Selected, _ = strconv.ParseInt(r.URL.Query().Get("enterprise_id"), 10, 64)
	if d.IsOffice {
		if d.Liaisons, err = m.Liaisons(r.Context()); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (m *Module) pageVisitForm(w http.ResponseWriter, r *http.Request) error {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermVisitWrite, auth.Anything, "express_visit", ""); err != nil {
		return err
	}
	d, err := m.visitForm(r)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "visits_form", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "xvisits.new"), D: d})
}

func (m *Module) postVisit(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, PermVisitWrite, auth.Anything, "express_visit", ""); err != nil {
		return err
	}
	eid, _ := strconv.ParseInt(r.FormValue("enterprise_id"), 10, 64)
	lid, _ := strconv.ParseInt(r.FormValue("liaison_id"), 10, 64)
	in := VisitInput{EnterpriseID: eid, LiaisonID: lid, VisitedOn: r.FormValue("visited_on"), Leader: r.FormValue("leader"),
		Participants: r.FormValue("participants"), Briefing: r.FormValue("briefing")}
	items, err := m.ReadVisitItems(r.Context())
	if err != nil {
		return err
	}
	for _, q := range items.Questions {
		if a := strings.TrimSpace(r.FormValue("q_" + q.Code)); a != "" {
			in.Answers = append(in.Answers, Answer{Code: q.Code, Answer: a})
		}
	}
	for _, f := range items.Findings {
		for _, line := range strings.Split(r.FormValue("f_"+f.Code), "\n") {
			if line = strings.TrimSpace(line); line != "" {
				in.Findings = append(in.Findings, Finding{Code: f.Code, Body: line})
			}
		}
	}
	id, err := m.CreateVisit(r.Context(), p, in)
	if err != nil {
		if fe, ok := liaisonFormErrors(err, web.Lang(r)); ok {
			d, ferr := m.visitForm(r)
			if ferr != nil {
				return ferr
			}
			d.Selected = eid
			pg := &web.Page{Title: m.Views.Cat.T(web.Lang(r), "xvisits.new"), D: d, Errors: fe, Form: liaisonFormValues(r)}
			return m.Views.Render(w, r, http.StatusUnprocessableEntity, "visits_form", pg)
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/express/visits/%d?ok=saved", id), http.StatusSeeOther)
	return nil
}

type visitPage struct {
	V          *ExpressVisit
	Items      *VisitItems
	CanWrite   bool
	Categories []string
}

// Question returns the text of a question code in the page's list.
func (vp *visitPage) Question(code string, en bool) string {
	for _, q := range vp.Items.Questions {
		if q.Code == code {
			if en {
				return q.En
			}
			return q.Zh
		}
	}
	return code
}

// FindingName returns the name of a finding code.
func (vp *visitPage) FindingName(code string, en bool) string {
	for _, q := range vp.Items.Findings {
		if q.Code == code {
			if en {
				return q.En
			}
			return q.Zh
		}
	}
	return code
}

func (m *Module) pageVisit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p := web.Principal(r)
	v, err := m.VisitDetail(r.Context(), p, id)
	if err != nil {
		return err
	}
	items, err := m.ReadVisitItems(r.Context())
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "visits_record", &web.Page{Title: v.Enterprise + " · " + v.VisitedOn,
		D: &visitPage{V: v, Items: items, CanWrite: auth.Can(p, PermVisitWrite, auth.Object{Enterprise: v.EnterpriseID}), Categories: toDemandCategories}})
}

// toDemandCategories are the demand categories a finding or issue may take
// (demands.category).
var toDemandCategories = []string{"production", "party_building", "suggestion", "major", "policy", "other"}

func (m *Module) postFindingDemand(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	in := ToDemandInput{Category: r.FormValue("category"), Title: r.FormValue("title"), Description: r.FormValue("description")}
	did, err := m.FindingToDemand(r.Context(), web.Principal(r), id, in)
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/express/demands/%d?ok=created", did), http.StatusSeeOther)
	return nil
}

// visitsTiles: visits this year the caller may see.
func visitsTiles(m *Module, ctx context.Context, p *auth.Principal) ([]Tile, error) {
	if !auth.Can(p, PermVisitRead, auth.Anything) {
		return nil, nil
	}
	year := clock.Day(m.Clock.Now())[:4]
	q := `SELECT COUNT(*) FROM express_visits WHERE visited_on >= ? AND visited_on <= ?`
	args := []any{year + "-01-01", year + "-12-31"}
	if ids, all := scopeEnterprises(p); !all {
		ph, a := dbIn(ids)
		q += ` AND enterprise_id IN (` + ph + `)`
		args = append(args, a...)
	}
	var n int
	if err := m.DB.Q(ctx).QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		return nil, err
	}
	return []Tile{{Key: "xvisits.tile_year", Value: strconv.Itoa(n), Path: "/express/visits"}}, nil
}
