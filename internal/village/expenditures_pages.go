package village

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

func init() {
	routeParts = append(routeParts, func(m *Module, r *web.Router) {
		r.Handle("GET /villages/{id}/expenditures", web.Handler(m.pageExpenditures))
		r.Handle("POST /villages/{id}/expenditures", web.Handler(m.postExpenditure))
		r.Handle("GET /expenditures/{id}", web.Handler(m.pageExpenditure))
		r.Handle("POST /expenditures/{id}/signs", web.Handler(m.postSign))
		r.Handle("POST /expenditures/{id}/payment", web.Handler(m.postPay))
		r.Handle("POST /expenditures/{id}/decision", web.Handler(m.postLink))
		r.Handle("POST /expenditures/{id}/rejection", web.Handler(m.postReject))
		r.Handle("GET /village/expenditure-reviews", web.Handler(m.pageReviews))
		r.Handle("GET /api/v1/villages/{id}/expenditures", web.Handler(m.apiExpenditures))
		r.Handle("POST /api/v1/villages/{id}/expenditures", web.Handler(m.apiCreateExpenditure))
		r.Handle("GET /api/v1/expenditures/{id}", web.Handler(m.apiExpenditure))
		r.Handle("POST /api/v1/expenditures/{id}/signs", web.Handler(m.apiSign))
		r.Handle("POST /api/v1/expenditures/{id}/payment", web.Handler(m.apiPay))
		r.Handle("POST /api/v1/expenditures/{id}/decision", web.Handler(m.apiLink))
		r.Handle("POST /api/v1/expenditures/{id}/rejection", web.Handler(m.apiReject))
		r.Handle("GET /api/v1/village/expenditure-reviews", web.Handler(m.apiReviews))
	})
	deskLinks = append(deskLinks, DeskLink{Order: 11, Key: "expenditures.title", Path: "/villages/%d/expenditures", Perm: PermRead})
	navItems = append(navItems, web.NavItem{Key: "expenditures.reviews", Path: "/village/expenditure-reviews", Perm: PermExpenditureReview, Order: 79})
}

type expendituresPage struct {
	VillageID    int64
	Village      string
	Expenditures []Expenditure
	CanManage    bool
	Decisions    []Decision // passed decisions to link
	Rules        Rules
	Status       string
	TotalPaidFen int64
}

func (m *Module) expendituresData(r *http.Request) (*expendituresPage, error) {
	v, err := m.villageParam(r, PermRead, "village_expenditure")
	if err != nil {
		return nil, err
	}
	tier, _ := strconv.Atoi(r.URL.Query().Get("tier"))
	f := ExpenditureFilter{Status: r.URL.Query().Get("status"), Tier: tier}
	es, err := m.Expenditures(r.Context(), web.Principal(r), v.ID, f)
	if err != nil {
		return nil, err
	}
	rv, err := m.Rules(r.Context(), v.ID, clock.Day(m.Clock.Now()))
	if err != nil {
		return nil, err
	}
	d := &expendituresPage{VillageID: v.ID, Village: v.Name, Expenditures: es, Rules: rv.Rules, Status: f.Status,
		CanManage: auth.Can(web.Principal(r), PermManage, auth.Object{Village: v.ID})}
	for _, e := range es {
		if e.Status == ExpPaid {
			d.TotalPaidFen += e.AmountFen
		}
	}
	if d.CanManage {
		all, err := m.decisionList(r.Context(), v.ID, DecisionFilter{})
		if err != nil {
			return nil, err
		}
		for _, x := range all {
			if x.Status == DecisionPassed || x.Status == DecisionCompleted {
				d.Decisions = append(d.Decisions, x)
			}
		}
	}
	return d, nil
}

func (m *Module) pageExpenditures(w http.ResponseWriter, r *http.Request) error {
	d, err := m.expendituresData(r)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "expenditures_list", &web.Page{Title: d.Village + " · " + m.dxT(r, "expenditures.title"), D: d})
}

func (m *Module) apiExpenditures(w http.ResponseWriter, r *http.Request) error {
	d, err := m.expendituresData(r)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d.Expenditures)
	return nil
}

func (m *Module) apiCreateExpenditure(w http.ResponseWriter, r *http.Request) error {
	vid, err := villageIDParam(r)
	if err != nil {
		return err
	}
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermRead, auth.Object{Village: vid}, "village_expenditure", ""); err != nil {
		return err // outside the reader's scope: 404 like an absent id, before the role is judged
	}
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermManage, auth.Object{Village: vid}, "village_expenditure", ""); err != nil {
		return err
	}
	var in ExpenditureInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	e, err := m.CreateExpenditure(r.Context(), web.Principal(r), vid, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, e)
	return nil
}

func (m *Module) postExpenditure(w http.ResponseWriter, r *http.Request) error {
	vid, err := villageIDParam(r)
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	amount, aerr := parseYuan(r.FormValue("amount"))
	did, _ := strconv.ParseInt(r.FormValue("decision_id"), 10, 64)
	in := ExpenditureInput{AmountFen: amount, Purpose: r.FormValue("purpose"), Payee: r.FormValue("payee"), Category: r.FormValue("category"),
		DecisionID: did, RequestedOn: r.FormValue("requested_on")}
	var e *Expenditure
	if aerr != nil {
		err = aerr
	} else {
		e, err = m.CreateExpenditure(r.Context(), web.Principal(r), vid, in)
	}
	if errs.KindOf(err) == errs.Invalid || isList(err) {
		data, derr := m.expendituresData(r)
		if derr != nil {
			return derr
		}
		form := map[string]string{"amount": r.FormValue("amount"), "purpose": in.Purpose, "payee": in.Payee, "category": in.Category,
			"decision_id": r.FormValue("decision_id"), "requested_on": in.RequestedOn}
		return m.Views.Render(w, r, http.StatusUnprocessableEntity, "expenditures_list", &web.Page{Title: data.Village + " · " + m.dxT(r, "expenditures.title"),
			D: data, Form: form, Error: errText(err, web.Lang(r))})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/expenditures/%d", e.ID), http.StatusSeeOther)
	return nil
}

func (m *Module) apiExpenditure(w http.ResponseWriter, r *http.Request) error {
	id, err := dxID(r.PathValue("id"))
	if err != nil {
		return err
	}
	e, err := m.Expenditure(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, e)
	return nil
}

// expenditurePage is the detail page's data.
type expenditurePage struct {
	*Expenditure
	CanManage    bool
	CanSupervise bool
	CanReview    bool
	Committee    []committeeMember
	Decisions    []Decision // passed decisions of the village, to link
	Today        string
}

type committeeMember struct {
	PersonID int64
	Name     string
}

func (m *Module) renderExpenditure(w http.ResponseWriter, r *http.Request, status int, id int64, pg *web.Page) error {
	p := web.Principal(r)
	e, err := m.Expenditure(r.Context(), p, id)
	if err != nil {
		return err
	}
	d := &expenditurePage{Expenditure: e, Today: clock.Day(m.Clock.Now()),
		CanManage:    auth.Can(p, PermManage, auth.Object{Village: e.VillageID}),
		CanSupervise: auth.Can(p, PermSupervise, auth.Object{Village: e.VillageID})}
	if d.CanReview, err = m.canReview(r.Context(), p, e.VillageID, e.RequestedOn); err != nil {
		return err
	}
	if d.CanManage && e.DecisionID == 0 && e.Status != ExpPaid {
		all, err := m.decisionList(r.Context(), e.VillageID, DecisionFilter{})
		if err != nil {
			return err
		}
		for _, x := range all {
			if x.Status == DecisionPassed || x.Status == DecisionCompleted {
				d.Decisions = append(d.Decisions, x)
			}
		}
	}
	if d.CanManage {
		rows, err := m.DB.Q(r.Context()).QueryContext(r.Context(), `SELECT p.id, p.name FROM positions po JOIN people p ON p.id = po.person_id
			WHERE po.village_id = ? AND po.title = 'village_committee' AND po.ended_on = '' ORDER BY p.id`, e.VillageID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var c committeeMember
			if err := rows.Scan(&c.PersonID, &c.Name); err != nil {
				rows.Close()
				return err
			}
			d.Committee = append(d.Committee, c)
		}
		rows.Close()
	}
	pg.Title, pg.D = e.Purpose, d
	return m.Views.Render(w, r, status, "expenditures_detail", pg)
}

func (m *Module) pageExpenditure(w http.ResponseWriter, r *http.Request) error {
	id, err := dxID(r.PathValue("id"))
	if err != nil {
		return err
	}
	pg := &web.Page{}
	if r.URL.Query().Get("ok") != "" {
		pg.Flash = m.dxT(r, "expenditures.saved")
	}
	return m.renderExpenditure(w, r, http.StatusOK, id, pg)
}

func (m *Module) apiSign(w http.ResponseWriter, r *http.Request) error {
	id, err := dxID(r.PathValue("id"))
	if err != nil {
		return err
	}
	if _, err := m.signerOf(r.Context(), web.Principal(r), id); err != nil {
		return err
	}
	var in SignInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	e, err := m.Sign(r.Context(), web.Principal(r), id, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, e)
	return nil
}

func (m *Module) apiPay(w http.ResponseWriter, r *http.Request) error {
	id, err := dxID(r.PathValue("id"))
	if err != nil {
		return err
	}
	v, _, err := m.expenditureVillage(r.Context(), id)
	if err != nil {
		return err
	}
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermRead, auth.Object{Village: v}, "village_expenditure", fmt.Sprint(id)); err != nil {
		return err // outside the reader's scope: 404 like an absent id, before the role is judged
	}
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermManage, auth.Object{Village: v}, "village_expenditure", fmt.Sprint(id)); err != nil {
		return err
	}
	var in PayInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	e, err := m.Pay(r.Context(), web.Principal(r), id, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, e)
	return nil
}

func (m *Module) formRefused(w http.ResponseWriter, r *http.Request, id int64, err error) error {
	k := errs.KindOf(err)
	if k == errs.Invalid || k == errs.Conflict || isList(err) {
		form := map[string]string{}
		for key, vs := range r.Form {
			form[key] = strings.Join(vs, ",")
		}
		status := http.StatusUnprocessableEntity
		if k == errs.Conflict {
			status = http.StatusConflict
		}
		return m.renderExpenditure(w, r, status, id, &web.Page{Form: form, Error: errText(err, web.Lang(r))})
	}
	return err
}

func (m *Module) postSign(w http.ResponseWriter, r *http.Request) error {
	id, err := dxID(r.PathValue("id"))
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	pid, _ := strconv.ParseInt(r.FormValue("cosigner_person_id"), 10, 64)
	in := SignInput{Kind: r.FormValue("kind"), SignedOn: r.FormValue("signed_on"), Note: r.FormValue("note"), CosignerPersonID: pid}
	if _, err := m.Sign(r.Context(), web.Principal(r), id, in); err != nil {
		return m.formRefused(w, r, id, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/expenditures/%d?ok=1", id), http.StatusSeeOther)
	return nil
}

func (m *Module) postPay(w http.ResponseWriter, r *http.Request) error {
	id, err := dxID(r.PathValue("id"))
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	if _, err := m.Pay(r.Context(), web.Principal(r), id, PayInput{PaidOn: r.FormValue("paid_on"), Voucher: r.FormValue("voucher")}); err != nil {
		return m.formRefused(w, r, id, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/expenditures/%d?ok=1", id), http.StatusSeeOther)
	return nil
}

func (m *Module) pageReviews(w http.ResponseWriter, r *http.Request) error {
	es, err := m.ReviewQueue(r.Context(), web.Principal(r))
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "expenditures_reviews", &web.Page{Title: m.dxT(r, "expenditures.reviews"), D: es})
}

func (m *Module) apiReviews(w http.ResponseWriter, r *http.Request) error {
	es, err := m.ReviewQueue(r.Context(), web.Principal(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, es)
	return nil
}

func (m *Module) apiLink(w http.ResponseWriter, r *http.Request) error {
	id, err := dxID(r.PathValue("id"))
	if err != nil {
		return err
	}
	v, _, err := m.expenditureVillage(r.Context(), id)
	if err != nil {
		return err
	}
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermRead, auth.Object{Village: v}, "village_expenditure", fmt.Sprint(id)); err != nil {
		return err // outside the reader's scope: 404 like an absent id, before the role is judged
	}
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermManage, auth.Object{Village: v}, "village_expenditure", fmt.Sprint(id)); err != nil {
		return err
	}
	var in struct {
		DecisionID int64 `json:"decision_id"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	e, err := m.LinkDecision(r.Context(), web.Principal(r), id, in.DecisionID)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, e)
	return nil
}

func (m *Module) postLink(w http.ResponseWriter, r *http.Request) error {
	id, err := dxID(r.PathValue("id"))
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	did, _ := strconv.ParseInt(r.FormValue("decision_id"), 10, 64)
	if _, err := m.LinkDecision(r.Context(), web.Principal(r), id, did); err != nil {
		return m.formRefused(w, r, id, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/expenditures/%d?ok=1", id), http.StatusSeeOther)
	return nil
}

// rejectInput refuses a request.
type rejectInput struct {
	Reason   string `json:"reason"`
	SignedOn string `json:"signed_on"`
}

func (m *Module) apiReject(w http.ResponseWriter, r *http.Request) error {
	id, err := dxID(r.PathValue("id"))
	if err != nil {
		return err
	}
	if _, err := m.signerOf(r.Context(), web.Principal(r), id); err != nil {
		return err
	}
	var in rejectInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	e, err := m.Reject(r.Context(), web.Principal(r), id, in.Reason, in.SignedOn)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, e)
	return nil
}

func (m *Module) postReject(w http.ResponseWriter, r *http.Request) error {
	id, err := dxID(r.PathValue("id"))
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	if _, err := m.Reject(r.Context(), web.Principal(r), id, r.FormValue("reason"), r.FormValue("signed_on")); err != nil {
		return m.formRefused(w, r, id, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/expenditures/%d?ok=1", id), http.StatusSeeOther)
	return nil
}
