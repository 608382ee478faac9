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
		r.Handle("GET /api/v1/express/breakfasts", web.Handler(m.apiBreakfasts))
		r.Handle("POST /api/v1/express/breakfasts", web.Handler(m.apiScheduleBreakfast))
		r.Handle("GET /api/v1/express/breakfasts/{id}", web.Handler(m.apiBreakfast))
		r.Handle("POST /api/v1/express/breakfasts/{id}/held", web.Handler(m.apiHoldBreakfast))
		r.Handle("POST /api/v1/express/breakfast-issues/{id}/demand", web.Handler(m.apiIssueDemand))
		r.Handle("GET /api/v1/express/breakfast-coverage", web.Handler(m.apiCoverage))
		r.Handle("GET /express/breakfasts", web.Handler(m.pageBreakfasts))
		r.Handle("POST /express/breakfasts", web.Handler(m.postBreakfast))
		r.Handle("GET /express/breakfasts/{id}", web.Handler(m.pageBreakfast))
		r.Handle("POST /express/breakfasts/{id}/held", web.Handler(m.postHeld))
		r.Handle("POST /express/breakfast-issues/{id}/demand", web.Handler(m.postIssueDemand))
		r.Handle("GET /express/breakfast-coverage", web.Handler(m.pageCoverage))
	})
	navItems = append(navItems, web.NavItem{Key: "nav.express_breakfasts", Path: "/express/breakfasts", Perm: PermBreakfastRead, Order: 66})
	tileParts = append(tileParts, tilePart{order: 66, load: breakfastTiles})
}

func (m *Module) yearOf(r *http.Request) string {
	if y := strings.TrimSpace(r.URL.Query().Get("year")); y != "" {
		return y
	}
	return clock.Day(m.Clock.Now())[:4]
}

func (m *Module) apiBreakfasts(w http.ResponseWriter, r *http.Request) error {
	bs, err := m.Breakfasts(r.Context(), web.Principal(r), r.URL.Query().Get("year"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": bs})
	return nil
}

func (m *Module) apiBreakfast(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	b, err := m.BreakfastDetail(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, b)
	return nil
}

func (m *Module) apiScheduleBreakfast(w http.ResponseWriter, r *http.Request) error {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermOffice, auth.Anything, "express_breakfast", ""); err != nil {
		return err
	}
	var in BreakfastInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := m.ScheduleBreakfast(r.Context(), web.Principal(r), in)
	if err != nil {
		return err
	}
	b, err := m.BreakfastDetail(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, b)
	return nil
}

func (m *Module) apiHoldBreakfast(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermOffice, auth.Anything, "express_breakfast", fmt.Sprint(id)); err != nil {
		return err
	}
	var in HeldInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := m.HoldBreakfast(r.Context(), web.Principal(r), id, in); err != nil {
		return err
	}
	return m.apiBreakfast(w, r)
}

func (m *Module) apiIssueDemand(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermOffice, auth.Anything, "express_breakfast_issue", fmt.Sprint(id)); err != nil {
		return err
	}
	var in ToDemandInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	did, err := m.IssueToDemand(r.Context(), web.Principal(r), id, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"demand_id": did, "issue_id": id})
	return nil
}

func (m *Module) apiCoverage(w http.ResponseWriter, r *http.Request) error {
	c, err := m.BreakfastCoverage(r.Context(), web.Principal(r), m.yearOf(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, c)
	return nil
}

type breakfastsPage struct {
	Items       []Breakfast
	Year        string
	IsOffice    bool
	Enterprises []EnterpriseOption // 规上 and 限上, for scheduling
	Today       string
}

func (m *Module) renderBreakfasts(w http.ResponseWriter, r *http.Request, status int, pg *web.Page) error {
	p := web.Principal(r)
	year := m.yearOf(r)
	bs, err := m.Breakfasts(r.Context(), p, year)
	if err != nil {
		return err
	}
	d := &breakfastsPage{Items: bs, Year: year, IsOffice: auth.Can(p, PermOffice, auth.Anything), Today: clock.Day(m.Clock.Now())}
	if d.IsOffice {
		rows, err := m.DB.Q(r.Context()).QueryContext(r.Context(), `SELECT id, name FROM enterprises WHERE above_scale = TRUE OR above_quota = TRUE ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var o EnterpriseOption
			if err := rows.Scan(&o.ID, &o.Name); err != nil {
				return err
			}
			d.Enterprises = append(d.Enterprises, o)
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
	if pg == nil {
		pg = &web.Page{}
	}
	pg.Title, pg.D = m.Views.Cat.T(web.Lang(r), "nav.express_breakfasts"), d
	return m.Views.Render(w, r, status, "breakfast_list", pg)
}

func (m *Module) pageBreakfasts(w http.ResponseWriter, r *http.Request) error {
	return m.renderBreakfasts(w, r, http.StatusOK, nil)
}

func (m *Module) postBreakfast(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, PermOffice, auth.Anything, "express_breakfast", ""); err != nil {
		return err
	}
	eid, _ := strconv.ParseInt(r.FormValue("enterprise_id"), 10, 64)
	id, err := m.ScheduleBreakfast(r.Context(), p, BreakfastInput{EnterpriseID: eid, ScheduledOn: r.FormValue("scheduled_on"), Leaders: r.FormValue("leaders"), Attendees: r.FormValue("attendees")})
	if err != nil {
		if fe, ok := liaisonFormErrors(err, web.Lang(r)); ok {
			return m.renderBreakfasts(w, r, http.StatusUnprocessableEntity, &web.Page{Errors: fe, Form: liaisonFormValues(r)})
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/express/breakfasts/%d?ok=created", id), http.StatusSeeOther)
	return nil
}

type breakfastPage struct {
	B          *Breakfast
	IsOffice   bool
	Today      string
	Categories []string
}

func (m *Module) renderBreakfast(w http.ResponseWriter, r *http.Request, status int, id int64, pg *web.Page) error {
	p := web.Principal(r)
	b, err := m.BreakfastDetail(r.Context(), p, id)
	if err != nil {
		return err
	}
	if pg == nil {
		pg = &web.Page{}
	}
	pg.Title = b.Enterprise + " · " + m.Views.Cat.T(web.Lang(r), "nav.express_breakfasts")
	pg.D = &breakfastPage{B: b, IsOffice: auth.Can(p, PermOffice, auth.Anything), Today: clock.Day(m.Clock.Now()), Categories: toDemandCategories}
	return m.Views.Render(w, r, status, "breakfast_meeting", pg)
}

func (m *Module) pageBreakfast(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return m.renderBreakfast(w, r, http.StatusOK, id, nil)
}

func (m *Module) postHeld(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	in := HeldInput{HeldOn: r.FormValue("held_on"), Leaders: r.FormValue("leaders"), Attendees: r.FormValue("attendees"), Notes: r.FormValue("notes"),
		Issues: strings.Split(r.FormValue("issues"), "\n")}
	if err := m.HoldBreakfast(r.Context(), web.Principal(r), id, in); err != nil {
		if fe, ok := liaisonFormErrors(err, web.Lang(r)); ok {
			return m.renderBreakfast(w, r, http.StatusUnprocessableEntity, id, &web.Page{Errors: fe, Form: liaisonFormValues(r)})
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/express/breakfasts/%d?ok=saved", id), http.StatusSeeOther)
	return nil
}

func (m *Module) postIssueDemand(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	did, err := m.IssueToDemand(r.Context(), web.Principal(r), id, ToDemandInput{Category: r.FormValue("category"), Title: r.FormValue("title"), Description: r.FormValue("description")})
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/express/demands/%d?ok=created", did), http.StatusSeeOther)
	return nil
}

func (m *Module) pageCoverage(w http.ResponseWriter, r *http.Request) error {
	c, err := m.BreakfastCoverage(r.Context(), web.Principal(r), m.yearOf(r))
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "breakfast_coverage", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "breakfast.coverage"), D: c})
}

// breakfastTiles: the office's coverage of 规上 and 限上 enterprises this year.
func breakfastTiles(m *Module, ctx context.Context, p *auth.Principal) ([]Tile, error) {
	if !auth.Can(p, PermOffice, auth.Anything) {
		return nil, nil
	}
	c, err := m.BreakfastCoverage(ctx, p, clock.Day(m.Clock.Now())[:4])
	if err != nil {
		return nil, err
	}
	return []Tile{{Key: "breakfast.tile_coverage", Value: fmt.Sprintf("%d / %d", c.TotalMet, c.Total), Path: "/express/breakfast-coverage", Alert: c.TotalMet < c.Total}}, nil
}
