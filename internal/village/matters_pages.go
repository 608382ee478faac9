package village

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/web"
)

// mattersPage is a village's board for its working users.
type mattersPage struct {
	Village   *directory.Village `json:"village"`
	Items     []Matter           `json:"items"`
	Overdue   int                `json:"overdue"`
	Open      int                `json:"open"`
	Closed    int                `json:"closed"`
	Today     string             `json:"today"`
	CanManage bool               `json:"-"`
}

func (m *Module) mattersData(r *http.Request) (*mattersPage, error) {
	v, err := m.villageParam(r, PermRead, "village")
	if err != nil {
		return nil, err
	}
	items, err := m.Matters(r.Context(), web.Principal(r), v.ID)
	if err != nil {
		return nil, err
	}
	d := &mattersPage{Village: v, Items: items, Today: m.svToday(), CanManage: auth.Can(web.Principal(r), PermManage, auth.Object{Village: v.ID})}
	for _, x := range items {
		switch {
		case x.Status == MatterClosed:
			d.Closed++
		case x.Overdue:
			d.Overdue++
			d.Open++
		default:
			d.Open++
		}
	}
	return d, nil
}

func (m *Module) pageMatters(w http.ResponseWriter, r *http.Request) error {
	d, err := m.mattersData(r)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "matters_list", &web.Page{Title: d.Village.Name + " · " + m.Views.Cat.T(web.Lang(r), "matters.title"), D: d})
}

func (m *Module) apiMatters(w http.ResponseWriter, r *http.Request) error {
	d, err := m.mattersData(r)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (m *Module) createMatter(w http.ResponseWriter, r *http.Request) error {
	v, err := m.villageParam(r, PermManage, "village")
	if err != nil {
		return err
	}
	var in MatterInput
	if svIsForm(r) {
		rid, _ := strconv.ParseInt(r.FormValue("responsible_person_id"), 10, 64)
		in = MatterInput{Title: r.FormValue("title"), Description: r.FormValue("description"), RaisedBy: r.FormValue("raised_by"),
			RaisedOn: r.FormValue("raised_on"), Solution: r.FormValue("solution"), ResponsibleID: rid,
			ResponsibleName: r.FormValue("responsible_name"), Deadline: r.FormValue("deadline")}
	} else if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := m.CreateMatter(r.Context(), web.Principal(r), v.ID, in)
	if err != nil {
		return err
	}
	if svIsForm(r) {
		http.Redirect(w, r, fmt.Sprintf("/matters/%d?ok=saved", id), http.StatusSeeOther)
		return nil
	}
	mt, err := m.Matter(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, mt)
	return nil
}

// matterPage is one matter with the actions the viewer may take.
type matterPage struct {
	M           *Matter
	CanManage   bool
	CanVerify   bool
	Evaluations []string
	Today       string
}

func (m *Module) pageMatter(w http.ResponseWriter, r *http.Request) error {
	id, err := svID(r)
	if err != nil {
		return err
	}
	p := web.Principal(r)
	mt, err := m.Matter(r.Context(), p, id)
	if err != nil {
		return err
	}
	obj := auth.Object{Village: mt.VillageID}
	return m.Views.Render(w, r, http.StatusOK, "matters_matter", &web.Page{Title: mt.Title, D: &matterPage{M: mt,
		CanManage: auth.Can(p, PermManage, obj), CanVerify: auth.Can(p, PermMatterVerify, obj), Evaluations: matterEvaluations, Today: m.svToday()}})
}

func (m *Module) apiMatter(w http.ResponseWriter, r *http.Request) error {
	id, err := svID(r)
	if err != nil {
		return err
	}
	mt, err := m.Matter(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, mt)
	return nil
}

// matterAct handles progress, request-close and verify, as a form or JSON.
func (m *Module) matterAct(act string) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := svID(r)
		if err != nil {
			return err
		}
		var in MatterStep
		if svIsForm(r) {
			in = MatterStep{Day: r.FormValue("day"), Body: r.FormValue("body"), Evaluation: r.FormValue("evaluation"), Passed: r.FormValue("passed") == "1"}
		} else if err := web.DecodeJSON(r, &in); err != nil {
			return err
		}
		a := act
		if act == "verify" {
			a = MatterActVerifyFail
			if in.Passed {
				a = MatterActVerifyPass
			}
		}
		if err := m.MatterAct(r.Context(), web.Principal(r), id, a, in); err != nil {
			return err
		}
		if svIsForm(r) {
			http.Redirect(w, r, fmt.Sprintf("/matters/%d?ok=saved", id), http.StatusSeeOther)
			return nil
		}
		mt, err := m.Matter(r.Context(), web.Principal(r), id)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusCreated, mt)
		return nil
	}
}

// MattersBoard is the public block of a village's board: open matters
// (overdue first) and closed ones with their timelines.
type MattersBoard struct {
	Open   []Matter `json:"open"`
	Closed []Matter `json:"closed"`
	Today  string   `json:"today"`
}

func loadMattersBoard(m *Module, ctx context.Context, villageID int64) (any, error) {
	ms, err := m.PublicMatters(ctx, villageID)
	if err != nil {
		return nil, err
	}
	b := &MattersBoard{Open: []Matter{}, Closed: []Matter{}, Today: m.svToday()}
	for _, x := range ms {
		if x.Status == MatterClosed {
			b.Closed = append(b.Closed, x)
		} else {
			b.Open = append(b.Open, x)
		}
	}
	return b, nil
}

// mattersSlides is the board on the electronic screen: one slide per open
// matter, overdue ones first and marked as alerts.
func mattersSlides(m *Module, ctx context.Context, villageID int64) ([]Slide, error) {
	ms, err := m.PublicMatters(ctx, villageID)
	if err != nil {
		return nil, err
	}
	var out []Slide
	for _, x := range ms {
		if x.Status == MatterClosed {
			continue
		}
		sub := "重大事项挂牌 · 责任人 " + x.Responsible + " · 时限 " + x.Deadline
		if x.Overdue {
			sub = "【已逾期】" + sub
		}
		lines := []string{"解决方案：" + x.Solution}
		if n := len(x.Events); n > 0 && x.Events[n-1].Kind != "listed" {
			lines = append(lines, "最新进度（"+x.Events[n-1].Day+"）："+x.Events[n-1].Body)
		}
		out = append(out, Slide{Kind: "matter", Title: x.Title, Sub: sub, Lines: lines, Alert: x.Overdue})
	}
	return out, nil
}

func init() {
	routeParts = append(routeParts, func(m *Module, r *web.Router) {
		r.Handle("GET /villages/{id}/matters", web.Handler(m.pageMatters))
		r.Handle("POST /villages/{id}/matters", web.Handler(m.createMatter))
		r.Handle("GET /matters/{id}", web.Handler(m.pageMatter))
		r.Handle("POST /matters/{id}/progress", m.matterAct(MatterActProgress))
		r.Handle("POST /matters/{id}/request-close", m.matterAct(MatterActCloseRequest))
		r.Handle("POST /matters/{id}/verify", m.matterAct("verify"))
		r.Handle("GET /api/v1/villages/{id}/matters", web.Handler(m.apiMatters))
		r.Handle("POST /api/v1/villages/{id}/matters", web.Handler(m.createMatter))
		r.Handle("GET /api/v1/matters/{id}", web.Handler(m.apiMatter))
		r.Handle("POST /api/v1/matters/{id}/progress", m.matterAct(MatterActProgress))
		r.Handle("POST /api/v1/matters/{id}/request-close", m.matterAct(MatterActCloseRequest))
		r.Handle("POST /api/v1/matters/{id}/verify", m.matterAct("verify"))
	})
	deskLinks = append(deskLinks, DeskLink{Order: 30, Key: "matters.title", Path: "/villages/%d/matters", Perm: PermRead})
	portalParts = append(portalParts, PortalPart{Order: 30, Key: "matters.portal_title", Page: "matters_portal", Load: loadMattersBoard, Screen: mattersSlides})
}
