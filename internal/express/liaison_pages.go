package express

import (
	"errors"
	"net/http"
	"strconv"

	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

func init() {
	routeParts = append(routeParts, func(m *Module, r *web.Router) {
		r.Handle("GET /api/v1/express/reports", web.Handler(m.apiReports))
		r.Handle("POST /api/v1/express/reports", web.Handler(m.apiFileReport))
		r.Handle("GET /express/reports", web.Handler(m.pageReports))
		r.Handle("POST /express/reports", web.Handler(m.postReport))
		r.Handle("POST /api/v1/express/reports/{id}/adopt", web.Handler(m.apiAdopt))
		r.Handle("POST /express/reports/{id}/adopt", web.Handler(m.postAdopt))
		r.Handle("GET /api/v1/express/trainings", web.Handler(m.apiTrainings))
		r.Handle("POST /api/v1/express/trainings", web.Handler(m.apiRecordTraining))
		r.Handle("GET /express/trainings", web.Handler(m.pageTrainings))
		r.Handle("POST /express/trainings", web.Handler(m.postTraining))
	})
	navItems = append(navItems, web.NavItem{Key: "nav.express_liaison", Path: "/express/reports", Perm: PermLiaisonWork, Order: 68})
}

// dbIn is db.In for the express pages' scope filters.
func dbIn(ids []int64) (string, []any) { return db.In(ids) }

// liaisonFormErrors maps a validation error to field → message for a form; ok is
// false when the error is not about the input (it is then returned as is).
func liaisonFormErrors(err error, lang string) (map[string]string, bool) {
	out := map[string]string{}
	var l errs.List
	if errors.As(err, &l) {
		for _, e := range l {
			if _, seen := out[e.Field]; !seen {
				out[e.Field] = e.Message(lang)
			}
		}
		return out, true
	}
	if e := errs.As(err); e != nil && e.Kind == errs.Invalid {
		f := e.Field
		if f == "" {
			f = "_"
		}
		out[f] = e.Message(lang)
		return out, true
	}
	return nil, false
}

// liaisonFormValues keeps a posted form's first values to re-display.
func liaisonFormValues(r *http.Request) map[string]string {
	out := map[string]string{}
	for k, v := range r.PostForm {
		if len(v) > 0 {
			out[k] = v[0]
		}
	}
	return out
}

func (m *Module) apiReports(w http.ResponseWriter, r *http.Request) error {
	rs, err := m.Reports(r.Context(), web.Principal(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": rs})
	return nil
}

func (m *Module) apiFileReport(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, PermLiaisonWork, auth.Anything, "express_report", ""); err != nil {
		return err
	}
	var in ReportInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := m.FileReport(r.Context(), p, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": id})
	return nil
}

type reportsPage struct {
	Items       []Report
	CanFile     bool
	IsOffice    bool
	Enterprises []EnterpriseOption
}

func (m *Module) renderReports(w http.ResponseWriter, r *http.Request, status int, pg *web.Page) error {
	p := web.Principal(r)
	rs, err := m.Reports(r.Context(), p)
	if err != nil {
		return err
	}
	d := &reportsPage{Items: rs, IsOffice: auth.Can(p, PermOffice, auth.Anything)}
	if ok, err := m.liaisonOf(r.Context(), p.PersonID, 0); err != nil {
		return err
	} else if ok && p.Has(auth.Liaison) {
		d.CanFile = true
		ids, _ := p.ScopeIDs(auth.Liaison, auth.ScopeEnterprise)
		ph, args := dbIn(ids)
		rows, err := m.DB.Q(r.Context()).QueryContext(r.Context(), `SELECT id, name FROM enterprises WHERE id IN (`+ph+`) ORDER BY id`, args...)
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
	pg.Title, pg.D = m.Views.Cat.T(web.Lang(r), "liaison.reports"), d
	return m.Views.Render(w, r, status, "liaison_reports", pg)
}

func (m *Module) pageReports(w http.ResponseWriter, r *http.Request) error {
	return m.renderReports(w, r, http.StatusOK, nil)
}

func (m *Module) postReport(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, PermLiaisonWork, auth.Anything, "express_report", ""); err != nil {
		return err
	}
	eid, _ := strconv.ParseInt(r.FormValue("enterprise_id"), 10, 64)
	if _, err := m.FileReport(r.Context(), p, ReportInput{EnterpriseID: eid, Kind: r.FormValue("kind"), Title: r.FormValue("title"), Body: r.FormValue("body")}); err != nil {
		if fe, ok := liaisonFormErrors(err, web.Lang(r)); ok {
			return m.renderReports(w, r, http.StatusUnprocessableEntity, &web.Page{Errors: fe, Form: liaisonFormValues(r)})
		}
		return err
	}
	http.Redirect(w, r, "/express/reports?ok=saved", http.StatusSeeOther)
	return nil
}

func (m *Module) apiTrainings(w http.ResponseWriter, r *http.Request) error {
	ts, err := m.Trainings(r.Context(), web.Principal(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": ts})
	return nil
}

func (m *Module) apiRecordTraining(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, PermOffice, auth.Anything, "express_training", ""); err != nil {
		return err
	}
	var in TrainingInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := m.RecordTraining(r.Context(), p, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": id})
	return nil
}

type trainingsPage struct {
	Items    []Training
	IsOffice bool
	Liaisons []TrainingPerson
	Today    string
}

func (m *Module) renderTrainings(w http.ResponseWriter, r *http.Request, status int, pg *web.Page) error {
	p := web.Principal(r)
	ts, err := m.Trainings(r.Context(), p)
	if err != nil {
		return err
	}
	d := &trainingsPage{Items: ts, IsOffice: auth.Can(p, PermOffice, auth.Anything), Today: clock.Day(m.Clock.Now())}
	if d.IsOffice {
		if d.Liaisons, err = m.Liaisons(r.Context()); err != nil {
			return err
		}
	}
	if pg == nil {
		pg = &web.Page{}
	}
	pg.Title, pg.D = m.Views.Cat.T(web.Lang(r), "liaison.trainings"), d
	return m.Views.Render(w, r, status, "liaison_trainings", pg)
}

func (m *Module) pageTrainings(w http.ResponseWriter, r *http.Request) error {
	return m.renderTrainings(w, r, http.StatusOK, nil)
}

func (m *Module) postTraining(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, PermOffice, auth.Anything, "express_training", ""); err != nil {
		return err
	}
	_ = r.ParseForm()
	in := TrainingInput{HeldOn: r.FormValue("held_on"), Kind: r.FormValue("kind"), Title: r.FormValue("title")}
	for _, s := range r.PostForm["attendees"] {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			in.Attendees = append(in.Attendees, id)
		}
	}
	if _, err := m.RecordTraining(r.Context(), p, in); err != nil {
		if fe, ok := liaisonFormErrors(err, web.Lang(r)); ok {
			return m.renderTrainings(w, r, http.StatusUnprocessableEntity, &web.Page{Errors: fe, Form: liaisonFormValues(r)})
		}
		return err
	}
	http.Redirect(w, r, "/express/trainings?ok=saved", http.StatusSeeOther)
	return nil
}

func (m *Module) apiAdopt(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := m.AdoptPractice(r.Context(), web.Principal(r), id); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"id": id, "adopted": true})
	return nil
}

func (m *Module) postAdopt(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := m.AdoptPractice(r.Context(), web.Principal(r), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/express/reports?ok=saved", http.StatusSeeOther)
	return nil
}
