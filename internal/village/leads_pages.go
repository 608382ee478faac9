package village

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

// leadPathID reads {id}; a malformed id is "not found" like an absent one.
func leadPathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.NotFoundf("对象")
	}
	return id, nil
}

const leadPageSize = 50

type leadsPage struct {
	*LeadList
	Filter    LeadFilter          `json:"-"`
	Villages  []directory.Village `json:"-"`
	Sources   []string            `json:"-"`
	Statuses  []string            `json:"-"`
	Pager     *web.Pager          `json:"-"`
	CanHandle bool                `json:"-"`
}

func (m *Module) leadsData(r *http.Request) (*leadsPage, error) {
	p := web.Principal(r)
	q := r.URL.Query()
	f := LeadFilter{Source: q.Get("source"), Status: q.Get("status"), Q: q.Get("q"), Overdue: q.Get("overdue") == "1"}
	f.VillageID, _ = strconv.ParseInt(q.Get("village"), 10, 64)
	page, off, lim := web.PageOf(r, leadPageSize)
	f.Offset, f.Limit = off, lim
	list, err := m.Leads(r.Context(), p, f)
	if err != nil {
		return nil, err
	}
	d := &leadsPage{LeadList: list, Filter: f, Sources: LeadSources, Statuses: LeadStatuses,
		Pager: web.NewPager(r, page, leadPageSize, list.Total), CanHandle: auth.Can(p, PermLeadsHandle, auth.Anything)}
	if d.Villages, err = m.leadVillages(r, p); err != nil {
		return nil, err
	}
	return d, nil
}

// leadVillages lists the villages whose leads p may read (for filters
// and the form).
func (m *Module) leadVillages(r *http.Request, p *auth.Principal) ([]directory.Village, error) {
	eff, err := m.leadReader(r.Context(), p, "")
	if err != nil {
		return nil, err
	}
	vs, err := m.Dir.VillageList(r.Context())
	if err != nil {
		return nil, err
	}
	out := vs[:0:0]
	for _, v := range vs {
		if auth.Can(eff, PermLeads, auth.Object{Village: v.ID, Confidential: true}) {
			out = append(out, v)
		}
	}
	return out, nil
}

func (m *Module) pageLeads(w http.ResponseWriter, r *http.Request) error {
	d, err := m.leadsData(r)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return m.Views.Render(w, r, http.StatusOK, "leads_list", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.leads"), D: d})
}

func (m *Module) apiLeads(w http.ResponseWriter, r *http.Request) error {
	d, err := m.leadsData(r)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	web.WriteJSON(w, http.StatusOK, d.LeadList)
	return nil
}

type leadPage struct {
	L         *Lead
	CanHandle bool
	Outcomes  []string
	Today     string
}

func (m *Module) pageLead(w http.ResponseWriter, r *http.Request) error {
	id, err := leadPathID(r)
	if err != nil {
		return err
	}
	p := web.Principal(r)
	l, err := m.Lead(r.Context(), p, id)
	if err != nil {
		return err
	}
	can := auth.Can(p, PermLeadsHandle, auth.Object{Village: l.VillageID, Person: l.SubjectID, Confidential: true})
	w.Header().Set("Cache-Control", "no-store")
	return m.Views.Render(w, r, http.StatusOK, "leads_lead", &web.Page{Title: fmt.Sprintf("%s #%d", m.Views.Cat.T(web.Lang(r), "leads.lead"), l.ID),
		D: &leadPage{L: l, CanHandle: can, Outcomes: LeadOutcomes, Today: m.leadsToday()}})
}

func (m *Module) apiLead(w http.ResponseWriter, r *http.Request) error {
	id, err := leadPathID(r)
	if err != nil {
		return err
	}
	l, err := m.Lead(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	web.WriteJSON(w, http.StatusOK, l)
	return nil
}

type leadFormPage struct {
	Villages []directory.Village
	Subjects []LeadSubject
	Sources  []string
	Today    string
}

func (m *Module) pageLeadNew(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, PermLeadsHandle, auth.Anything, "village_lead", ""); err != nil {
		return err
	}
	eff, err := m.leadReader(r.Context(), p, "")
	if err != nil {
		return err
	}
	d := &leadFormPage{Sources: LeadSources, Today: m.leadsToday()}
	if d.Villages, err = m.leadVillages(r, p); err != nil {
		return err
	}
	if d.Subjects, err = m.leadSubjects(r.Context(), eff); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return m.Views.Render(w, r, http.StatusOK, "leads_form", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "leads.new"), D: d})
}

func (m *Module) postLead(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, PermLeadsHandle, auth.Anything, "village_lead", ""); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, LeadMaxFiles*(6<<20)+(1<<20))
	files, err := leadReadUploads(r)
	if err != nil {
		return err
	}
	in := LeadInput{Source: r.FormValue("source"), Description: r.FormValue("description"), ReceivedOn: r.FormValue("received_on")}
	in.VillageID, _ = strconv.ParseInt(r.FormValue("village_id"), 10, 64)
	in.SubjectID, _ = strconv.ParseInt(r.FormValue("subject_person_id"), 10, 64)
	id, err := m.CreateLead(r.Context(), p, in, files)
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/leads/%d?ok=saved", id), http.StatusSeeOther)
	return nil
}

func (m *Module) apiCreateLead(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, PermLeadsHandle, auth.Anything, "village_lead", ""); err != nil {
		return err
	}
	var in LeadInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := m.CreateLead(r.Context(), p, in, nil)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": id})
	return nil
}

// leadStep handles verify and dispose, as a form or as JSON.
func (m *Module) leadStep(action string, api bool) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := leadPathID(r)
		if err != nil {
			return err
		}
		p := web.Principal(r)
		if err := m.Auth.Authorize(r.Context(), p, PermLeadsHandle, auth.Anything, "village_lead", fmt.Sprint(id)); err != nil {
			return err
		}
		var in LeadStep
		if api {
			if err := web.DecodeJSON(r, &in); err != nil {
				return err
			}
		} else {
			in = LeadStep{Day: r.FormValue("day"), Outcome: r.FormValue("outcome"), Note: r.FormValue("note")}
		}
		if err := m.StepLead(r.Context(), p, id, action, in); err != nil {
			return err
		}
		if api {
			return m.apiLead(w, r)
		}
		http.Redirect(w, r, fmt.Sprintf("/leads/%d?ok=saved", id), http.StatusSeeOther)
		return nil
	}
}

func (m *Module) postLeadFiles(w http.ResponseWriter, r *http.Request) error {
	id, err := leadPathID(r)
	if err != nil {
		return err
	}
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, PermLeadsHandle, auth.Anything, "village_lead", fmt.Sprint(id)); err != nil {
		return err
	}
	if _, err := m.leadHandler(r.Context(), p, id); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, LeadMaxFiles*(6<<20)+(1<<20))
	files, err := leadReadUploads(r)
	if err != nil {
		return err
	}
	if err := m.AttachLeadFiles(r.Context(), p, id, files); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/leads/%d?ok=saved", id), http.StatusSeeOther)
	return nil
}

// serveLeadFile sends an attachment as a download (attachment, its stored
// type, nosniff, no-store) after the lead's own read checks.
func (m *Module) serveLeadFile(w http.ResponseWriter, r *http.Request) error {
	id, err := leadPathID(r)
	if err != nil {
		return err
	}
	f, data, err := m.LeadFileData(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(f.Name))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(data)
	return err
}

func init() {
	routeParts = append(routeParts, func(m *Module, r *web.Router) {
		r.Handle("GET /leads", web.Handler(m.pageLeads))
		r.Handle("GET /leads/new", web.Handler(m.pageLeadNew))
		r.Handle("POST /leads", web.Handler(m.postLead))
		r.Handle("GET /leads/{id}", web.Handler(m.pageLead))
		r.Handle("POST /leads/{id}/verify", m.leadStep(LeadActVerify, false))
		r.Handle("POST /leads/{id}/dispose", m.leadStep(LeadActDispose, false))
		r.Handle("POST /leads/{id}/files", web.Handler(m.postLeadFiles))
		r.Handle("GET /leads/files/{id}", web.Handler(m.serveLeadFile))
		r.Handle("GET /api/v1/leads", web.Handler(m.apiLeads))
		r.Handle("POST /api/v1/leads", web.Handler(m.apiCreateLead))
		r.Handle("GET /api/v1/leads/{id}", web.Handler(m.apiLead))
		r.Handle("POST /api/v1/leads/{id}/verify", m.leadStep(LeadActVerify, true))
		r.Handle("POST /api/v1/leads/{id}/dispose", m.leadStep(LeadActDispose, true))
	})
	navItems = append(navItems, web.NavItem{Key: "nav.leads", Path: "/leads", Perm: PermLeadsHandle, Order: 78})
}
