package village

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/ident"
	"zhongshu/internal/platform/web"
)

type landListPage struct {
	Items     []LandProject       `json:"items"`
	Villages  []directory.Village `json:"-"` // where the caller may create
	CanManage bool                `json:"-"`
}

func (m *Module) landListData(r *http.Request) (*landListPage, error) {
	p := web.Principal(r)
	v, _ := strconv.ParseInt(r.URL.Query().Get("village"), 10, 64)
	items, err := m.LandProjects(r.Context(), p, v)
	if err != nil {
		return nil, err
	}
	d := &landListPage{Items: items}
	vs, err := m.Dir.VillageList(r.Context())
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		if auth.Can(p, PermLandManage, auth.Object{Village: v.ID}) {
			d.Villages = append(d.Villages, v)
		}
	}
	d.CanManage = len(d.Villages) > 0
	return d, nil
}

func (m *Module) pageLand(w http.ResponseWriter, r *http.Request) error {
	d, err := m.landListData(r)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "land_list", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.land"), D: d})
}

func (m *Module) apiLandProjects(w http.ResponseWriter, r *http.Request) error {
	d, err := m.landListData(r)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

type landProjectPage struct {
	P         *LandProject
	CanManage bool
	Today     string
}

func (m *Module) landProjectData(r *http.Request) (*landProjectPage, error) {
	id, err := leadPathID(r)
	if err != nil {
		return nil, err
	}
	p := web.Principal(r)
	lp, err := m.LandProjectDetail(r.Context(), p, id)
	if err != nil {
		return nil, err
	}
	return &landProjectPage{P: lp, CanManage: auth.Can(p, PermLandManage, auth.Object{Village: lp.VillageID}), Today: m.landToday()}, nil
}

func (m *Module) pageLandProject(w http.ResponseWriter, r *http.Request) error {
	d, err := m.landProjectData(r)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return m.Views.Render(w, r, http.StatusOK, "land_project", &web.Page{Title: d.P.Name, D: d})
}

func (m *Module) apiLandProject(w http.ResponseWriter, r *http.Request) error {
	d, err := m.landProjectData(r)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	web.WriteJSON(w, http.StatusOK, d.P)
	return nil
}

type landChecksPage struct {
	Items []LandFinding `json:"items"`
}

func (m *Module) pageLandChecks(w http.ResponseWriter, r *http.Request) error {
	fs, err := m.LandFindings(r.Context(), web.Principal(r))
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "land_checks", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "land.checks"), D: &landChecksPage{Items: fs}})
}

func (m *Module) apiLandChecks(w http.ResponseWriter, r *http.Request) error {
	fs, err := m.LandFindings(r.Context(), web.Principal(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, &landChecksPage{Items: fs})
	return nil
}

// landWrite wraps the project writes: authorise the function first (403
// before reading any body), decode JSON or a form, run, then answer with
// the project (API) or go back to its page (form).
func (m *Module) landWrite(api bool, fn func(ctx context.Context, p *auth.Principal, id int64, r *http.Request, api bool) (int64, error)) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := web.Principal(r)
		if err := m.Auth.Authorize(r.Context(), p, PermLandManage, auth.Anything, "land_project", r.PathValue("id")); err != nil {
			return err
		}
		var id int64
		if r.PathValue("id") != "" {
			var err error
			if id, err = leadPathID(r); err != nil {
				return err
			}
		}
		pid, err := fn(r.Context(), p, id, r, api)
		if err != nil {
			return err
		}
		if api {
			lp, err := m.LandProjectDetail(r.Context(), p, pid)
			if err != nil {
				return err
			}
			st := http.StatusOK
			if id == 0 {
				st = http.StatusCreated
			}
			web.WriteJSON(w, st, lp)
			return nil
		}
		http.Redirect(w, r, fmt.Sprintf("/land/projects/%d?ok=saved", pid), http.StatusSeeOther)
		return nil
	}
}

func (m *Module) landCreate(ctx context.Context, p *auth.Principal, _ int64, r *http.Request, api bool) (int64, error) {
	var in LandProjectInput
	if api {
		if err := web.DecodeJSON(r, &in); err != nil {
			return 0, err
		}
	} else {
		in.Name = r.FormValue("name")
		in.VillageID, _ = strconv.ParseInt(r.FormValue("village_id"), 10, 64)
		in.DecisionID, _ = strconv.ParseInt(r.FormValue("decision_id"), 10, 64)
		if s := strings.TrimSpace(r.FormValue("funds")); s != "" {
			f, err := LandParseYuan("funds_fen", s)
			if err != nil {
				return 0, err
			}
			in.FundsFen = f
		}
	}
	return m.CreateLandProject(ctx, p, in)
}

func (m *Module) landAddStandard(ctx context.Context, p *auth.Principal, id int64, r *http.Request, api bool) (int64, error) {
	var in LandStandardInput
	if api {
		if err := web.DecodeJSON(r, &in); err != nil {
			return 0, err
		}
	} else {
		in = LandStandardInput{Code: r.FormValue("code"), Name: r.FormValue("name"), Unit: r.FormValue("unit")}
		if s := strings.TrimSpace(r.FormValue("yuan_per_unit")); s != "" {
			f, err := LandParseYuan("fen_per_unit", s)
			if err != nil {
				return 0, err
			}
			in.FenPerUnit = f
		}
	}
	return id, m.AddLandStandard(ctx, p, id, in)
}

func (m *Module) landAddHousehold(ctx context.Context, p *auth.Principal, id int64, r *http.Request, api bool) (int64, error) {
	var in LandHouseholdInput
	if api {
		if err := web.DecodeJSON(r, &in); err != nil {
			return 0, err
		}
	} else {
		if err := r.ParseForm(); err != nil {
			return 0, err
		}
		in = LandHouseholdInput{HeadName: r.FormValue("head_name"), IDNumber: r.FormValue("id_number"), Items: map[string]string{}}
		for k, v := range r.PostForm {
			if code, ok := strings.CutPrefix(k, "qty_"); ok && len(v) > 0 {
				in.Items[code] = v[0]
			}
		}
	}
	_, err := m.AddLandHousehold(ctx, p, id, in)
	return id, err
}

func (m *Module) landAddPayment(ctx context.Context, p *auth.Principal, id int64, r *http.Request, api bool) (int64, error) {
	var in LandPaymentInput
	if api {
		if err := web.DecodeJSON(r, &in); err != nil {
			return 0, err
		}
	} else {
		in = LandPaymentInput{Code: r.FormValue("item"), PaidOn: r.FormValue("paid_on"), PayeeName: r.FormValue("payee_name"), PayeeIDNumber: r.FormValue("payee_id_number")}
		in.HouseholdID, _ = strconv.ParseInt(r.FormValue("household_id"), 10, 64)
		if s := strings.TrimSpace(r.FormValue("amount")); s != "" {
			f, err := LandParseYuan("amount_fen", s)
			if err != nil {
				return 0, err
			}
			in.AmountFen = f
		}
	}
	_, err := m.AddLandPayment(ctx, p, id, in)
	return id, err
}

func (m *Module) landPost(ctx context.Context, p *auth.Principal, id int64, _ *http.Request, _ bool) (int64, error) {
	return id, m.PostLandProject(ctx, p, id)
}

// ---- public posting (张榜公布) ----

// LandPosting is a posted project as the public sees it: standards and
// per-household amounts, names and ID numbers masked (PIPL; DOMAIN.md
// masking pattern).
type LandPosting struct {
	ID          int64             `json:"id"`
	Name        string            `json:"name"`
	PostedOn    string            `json:"posted_on"`
	FundsFen    int64             `json:"funds_fen"`
	EntitledFen int64             `json:"entitled_fen"`
	PaidFen     int64             `json:"paid_fen"`
	Standards   []LandStandard    `json:"standards"`
	Households  []LandPublicHouse `json:"households"`
}

// LandPublicHouse is one household line of the public list.
type LandPublicHouse struct {
	Name        string     `json:"name"`
	IDMask      string     `json:"id_number_mask"`
	Items       []LandItem `json:"items"`
	EntitledFen int64      `json:"entitled_fen"`
	PaidFen     int64      `json:"paid_fen"`
}

// LandPostings returns a village's posted projects for the public portal
// (a system call: only posted projects, only masked personal data).
func (m *Module) LandPostings(ctx context.Context, villageID int64) ([]LandPosting, error) {
	ps, err := m.landProjectRows(ctx, `WHERE lp.village_id = ? AND lp.status = 'posted'`, villageID)
	if err != nil {
		return nil, err
	}
	out := []LandPosting{}
	for i := range ps {
		lp := &ps[i]
		if err := m.landLoad(ctx, lp); err != nil {
			return nil, err
		}
		post := LandPosting{ID: lp.ID, Name: lp.Name, PostedOn: lp.PostedOn, FundsFen: lp.FundsFen, EntitledFen: lp.EntitledFen, PaidFen: lp.PaidFen,
			Standards: lp.Standards, Households: []LandPublicHouse{}}
		for _, h := range lp.HouseholdList {
			post.Households = append(post.Households, LandPublicHouse{Name: LandMaskName(h.HeadName), IDMask: h.IDMask, Items: h.Items,
				EntitledFen: h.EntitledFen, PaidFen: h.PaidFen})
		}
		out = append(out, post)
	}
	return out, nil
}

// LandMaskName masks a name on the public compensation list the way
// posted lists (张榜公示) usually do, so that each household can still find
// its own line: the first and last characters stay, the middle is starred
// ("张玉明" → "张*明", "欧阳娜娜" → "欧**娜"); a two-character name keeps
// only the surname ("张三" → "张*", ident.MaskName).
func LandMaskName(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) < 3 {
		return ident.MaskName(s)
	}
	return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
}

// landSlides are the electronic screen's cards: per posted project, its
// standards, then its households (masked), a few per card.
func (m *Module) landSlides(ctx context.Context, villageID int64) ([]Slide, error) {
	ps, err := m.LandPostings(ctx, villageID)
	if err != nil {
		return nil, err
	}
	var out []Slide
	for _, p := range ps {
		s := Slide{Kind: "compensation", Title: "征地补偿标准 · " + p.Name, Sub: "张榜公布 " + p.PostedOn}
		for _, st := range p.Standards {
			s.Lines = append(s.Lines, fmt.Sprintf("%s：%s 元/%s", st.Name, LandYuan(st.FenPerUnit), st.Unit))
		}
		out = append(out, s)
		const per = 8
		for i := 0; i < len(p.Households); i += per {
			hs := Slide{Kind: "compensation", Title: "征地补偿到户 · " + p.Name, Sub: fmt.Sprintf("%d/%d", i/per+1, (len(p.Households)+per-1)/per)}
			for _, h := range p.Households[i:min(i+per, len(p.Households))] {
				hs.Lines = append(hs.Lines, fmt.Sprintf("%s %s 应补 %s 元 已付 %s 元", h.Name, h.IDMask, LandYuan(h.EntitledFen), LandYuan(h.PaidFen)))
			}
			out = append(out, hs)
		}
	}
	return out, nil
}

// landPortalData is what the portal block renders.
type landPortalData struct {
	Items []LandPosting `json:"items"`
}

func init() {
	routeParts = append(routeParts, func(m *Module, r *web.Router) {
		r.Handle("GET /land", web.Handler(m.pageLand))
		r.Handle("GET /land/checks", web.Handler(m.pageLandChecks))
		r.Handle("POST /land/projects", m.landWrite(false, m.landCreate))
		r.Handle("GET /land/projects/{id}", web.Handler(m.pageLandProject))
		r.Handle("POST /land/projects/{id}/standards", m.landWrite(false, m.landAddStandard))
		r.Handle("POST /land/projects/{id}/households", m.landWrite(false, m.landAddHousehold))
		r.Handle("POST /land/projects/{id}/payments", m.landWrite(false, m.landAddPayment))
		r.Handle("POST /land/projects/{id}/post", m.landWrite(false, m.landPost))
		r.Handle("GET /api/v1/land/projects", web.Handler(m.apiLandProjects))
		r.Handle("POST /api/v1/land/projects", m.landWrite(true, m.landCreate))
		r.Handle("GET /api/v1/land/projects/{id}", web.Handler(m.apiLandProject))
		r.Handle("POST /api/v1/land/projects/{id}/standards", m.landWrite(true, m.landAddStandard))
		r.Handle("POST /api/v1/land/projects/{id}/households", m.landWrite(true, m.landAddHousehold))
		r.Handle("POST /api/v1/land/projects/{id}/payments", m.landWrite(true, m.landAddPayment))
		r.Handle("POST /api/v1/land/projects/{id}/post", m.landWrite(true, m.landPost))
		r.Handle("GET /api/v1/land/checks", web.Handler(m.apiLandChecks))
	})
	navItems = append(navItems, web.NavItem{Key: "nav.land", Path: "/land", Perm: PermLandRead, Order: 79})
	deskLinks = append(deskLinks, DeskLink{Order: 79, Key: "nav.land", Path: "/land?village=%d", Perm: PermLandRead})
	portalParts = append(portalParts, PortalPart{Order: 50, Key: "land.portal_title", Page: "land_portal",
		Load: func(m *Module, ctx context.Context, villageID int64) (any, error) {
			ps, err := m.LandPostings(ctx, villageID)
			if err != nil {
				return nil, err
			}
			return &landPortalData{Items: ps}, nil
		},
		Screen: func(m *Module, ctx context.Context, villageID int64) ([]Slide, error) {
			return m.landSlides(ctx, villageID)
		},
	})
}
