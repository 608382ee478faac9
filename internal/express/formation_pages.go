package express

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

type fmnListPage struct {
	Year        int          `json:"year"`
	Funnel      *Funnel      `json:"funnel"`
	Items       []Lead       `json:"items"`
	CanReport   bool         `json:"-"`
	Enterprises []applOption `json:"-"`
	Departments []applOption `json:"-"`
	Today       string       `json:"-"`
}

func (m *Module) fmnListData(r *http.Request, withForm bool) (*fmnListPage, error) {
	p := web.Principal(r)
	year, err := m.applYearParam(r)
	if err != nil {
		return nil, err
	}
	if year == 0 {
		year = m.applYear()
	}
	items, err := m.Leads(r.Context(), p, year)
	if err != nil {
		return nil, err
	}
	f, err := m.FormationFunnel(r.Context(), p, year)
	if err != nil {
		return nil, err
	}
	d := &fmnListPage{Year: year, Funnel: f, Items: items, CanReport: auth.Can(p, PermFormationReport, auth.Anything), Today: m.applToday()}
	if withForm && d.CanReport {
		// department staff report for any enterprise of the register
		deptOnly := !p.Has(auth.Committee) && !p.Has(auth.Liaison)
		ents, depts, err := m.applOptions(r.Context(), p, deptOnly)
		if err != nil {
			return nil, err
		}
		d.Enterprises = ents
		if ids, _ := p.ScopeIDs(auth.DeptStaff, auth.ScopeDepartment); len(ids) > 0 && !p.Has(auth.Committee) {
			var mine []applOption
			for _, o := range depts {
				for _, id := range ids {
					if o.ID == id {
						mine = append(mine, o)
					}
				}
			}
			depts = mine
		}
		d.Departments = depts
	}
	return d, nil
}

func (m *Module) pageFormation(w http.ResponseWriter, r *http.Request) error {
	d, err := m.fmnListData(r, true)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "formation_list", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.express_formation"), D: d})
}

func (m *Module) apiFormation(w http.ResponseWriter, r *http.Request) error {
	d, err := m.fmnListData(r, false)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

type fmnLeadPage struct {
	L         *Lead
	CanVisit  bool
	CanDecide bool
	Branches  []*directory.Branch
	Today     string
}

func (m *Module) pageLead(w http.ResponseWriter, r *http.Request) error {
	id, err := applPathID(r)
	if err != nil {
		return err
	}
	p := web.Principal(r)
	l, err := m.Lead(r.Context(), p, id)
	if err != nil {
		return err
	}
	obj := applObject(l.EnterpriseID, l.DepartmentID)
	d := &fmnLeadPage{L: l, CanVisit: auth.Can(p, PermFormationVisit, obj), CanDecide: auth.Can(p, PermFormationDecide, obj), Today: m.applToday()}
	if d.CanDecide && l.Status == LeadOpen {
		// the branches this lead may link: the enterprise's own, or for a
		// social organisation those of no enterprise; none already linked
		linked := map[int64]bool{}
		rows, err := m.DB.Q(r.Context()).QueryContext(r.Context(), `SELECT branch_id FROM fmn_orgs WHERE branch_id IS NOT NULL`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			linked[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		kind := directory.KindEnterprise
		if l.EnterpriseID == 0 {
			kind = directory.KindOther
		}
		bs, err := m.Dir.BranchList(r.Context(), kind)
		if err != nil {
			return err
		}
		for _, b := range bs {
			if b.EnterpriseID == l.EnterpriseID && !linked[b.ID] {
				d.Branches = append(d.Branches, b)
			}
		}
	}
	return m.Views.Render(w, r, http.StatusOK, "formation_lead", &web.Page{Title: l.Name, D: d})
}

func (m *Module) apiLead(w http.ResponseWriter, r *http.Request) error {
	id, err := applPathID(r)
	if err != nil {
		return err
	}
	l, err := m.Lead(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, l)
	return nil
}

func fmnFormInt(r *http.Request, field string) (int, error) {
	s := strings.TrimSpace(r.FormValue(field))
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, errs.Field(field, "须为整数", "must be a whole number")
	}
	return n, nil
}

// fmnDone answers a write: the lead as JSON, or back to its page.
func (m *Module) fmnDone(w http.ResponseWriter, r *http.Request, api bool, id int64, status int) error {
	if api {
		l, err := m.Lead(r.Context(), web.Principal(r), id)
		if err != nil {
			return err
		}
		web.WriteJSON(w, status, l)
		return nil
	}
	http.Redirect(w, r, fmt.Sprintf("/express/formation/leads/%d?ok=saved", id), http.StatusSeeOther)
	return nil
}

func (m *Module) createLead(api bool) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := web.Principal(r)
		if err := m.Auth.Authorize(r.Context(), p, PermFormationReport, auth.Anything, "fmn_lead", ""); err != nil {
			return err
		}
		var in LeadInput
		if api {
			if err := web.DecodeJSON(r, &in); err != nil {
				return err
			}
		} else {
			var l errs.List
			in = LeadInput{OrgName: r.FormValue("org_name"), ReportedOn: r.FormValue("reported_on"), Notes: r.FormValue("notes")}
			var err error
			if in.EnterpriseID, err = applFormInt(r, "enterprise_id"); err != nil {
				l = append(l, errs.As(err))
			}
			if in.DepartmentID, err = applFormInt(r, "department_id"); err != nil {
				l = append(l, errs.As(err))
			}
			if in.PartyMembers, err = fmnFormInt(r, "party_members"); err != nil {
				l = append(l, errs.As(err))
			}
			if err := l.Err(); err != nil {
				return err
			}
		}
		id, err := m.CreateLead(r.Context(), p, in)
		if err != nil {
			return err
		}
		return m.fmnDone(w, r, api, id, http.StatusCreated)
	}
}

func (m *Module) addLeadVisit(api bool) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := applPathID(r)
		if err != nil {
			return err
		}
		p := web.Principal(r)
		if _, err := m.leadFor(r.Context(), p, PermFormationVisit, id); err != nil {
			return err
		}
		var in LeadVisitInput
		if api {
			if err := web.DecodeJSON(r, &in); err != nil {
				return err
			}
		} else {
			in = LeadVisitInput{VisitedOn: r.FormValue("visited_on"), Visitors: r.FormValue("visitors"), Notes: r.FormValue("notes")}
		}
		if _, err := m.AddLeadVisit(r.Context(), p, id, in); err != nil {
			return err
		}
		return m.fmnDone(w, r, api, id, http.StatusOK)
	}
}

func (m *Module) formOrg(api bool) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := applPathID(r)
		if err != nil {
			return err
		}
		p := web.Principal(r)
		if _, err := m.leadFor(r.Context(), p, PermFormationDecide, id); err != nil {
			return err
		}
		var in OrgInput
		if api {
			if err := web.DecodeJSON(r, &in); err != nil {
				return err
			}
		} else {
			var l errs.List
			in = OrgInput{FormedOn: r.FormValue("formed_on"), Name: r.FormValue("name"), Kind: r.FormValue("kind")}
			switch b := r.FormValue("branch"); b {
			case "", "none":
			case "new":
				in.CreateBranch = true
			default:
				n, err := strconv.ParseInt(b, 10, 64)
				if err != nil {
					l = append(l, errs.Field("branch_id", "请选择党组织", "choose a branch"))
				}
				in.BranchID = n
			}
			if in.PartyMembers, err = fmnFormInt(r, "party_members"); err != nil {
				l = append(l, errs.As(err))
			}
			if err := l.Err(); err != nil {
				return err
			}
		}
		if _, err := m.FormOrg(r.Context(), p, id, in); err != nil {
			return err
		}
		return m.fmnDone(w, r, api, id, http.StatusOK)
	}
}

func (m *Module) setLeadStatus(api bool) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := applPathID(r)
		if err != nil {
			return err
		}
		p := web.Principal(r)
		if _, err := m.leadFor(r.Context(), p, PermFormationDecide, id); err != nil {
			return err
		}
		var in LeadStatusInput
		if api {
			if err := web.DecodeJSON(r, &in); err != nil {
				return err
			}
		} else {
			in = LeadStatusInput{Status: r.FormValue("status"), Reason: r.FormValue("reason")}
		}
		if err := m.SetLeadStatus(r.Context(), p, id, in); err != nil {
			return err
		}
		return m.fmnDone(w, r, api, id, http.StatusOK)
	}
}

func init() {
	routeParts = append(routeParts, func(m *Module, r *web.Router) {
		r.Handle("GET /express/formation", web.Handler(m.pageFormation))
		r.Handle("POST /express/formation/leads", m.createLead(false))
		r.Handle("GET /express/formation/leads/{id}", web.Handler(m.pageLead))
		r.Handle("POST /express/formation/leads/{id}/visits", m.addLeadVisit(false))
		r.Handle("POST /express/formation/leads/{id}/organisation", m.formOrg(false))
		r.Handle("POST /express/formation/leads/{id}/status", m.setLeadStatus(false))
		r.Handle("GET /api/v1/express/formation", web.Handler(m.apiFormation))
		r.Handle("POST /api/v1/express/formation/leads", m.createLead(true))
		r.Handle("GET /api/v1/express/formation/leads/{id}", web.Handler(m.apiLead))
		r.Handle("POST /api/v1/express/formation/leads/{id}/visits", m.addLeadVisit(true))
		r.Handle("POST /api/v1/express/formation/leads/{id}/organisation", m.formOrg(true))
		r.Handle("POST /api/v1/express/formation/leads/{id}/status", m.setLeadStatus(true))
	})
	navItems = append(navItems, web.NavItem{Key: "nav.express_formation", Path: "/express/formation", Perm: PermFormation, Order: 69})
	tileParts = append(tileParts, tilePart{order: 69, load: func(m *Module, ctx context.Context, p *auth.Principal) ([]Tile, error) {
		if !auth.Can(p, PermFormation, auth.Anything) {
			return nil, nil
		}
		f, err := m.FormationFunnel(ctx, p, m.applYear())
		if err != nil {
			return nil, err
		}
		return []Tile{
			{Key: "fmn.tile_formed", Value: strconv.Itoa(f.Formed), Path: "/express/formation"},
			{Key: "fmn.tile_open", Value: strconv.Itoa(f.Open), Path: "/express/formation"},
		}, nil
	}})
	demoParts = append(demoParts, demoPart{Order: 61, Load: loadFormationDemo})
}
