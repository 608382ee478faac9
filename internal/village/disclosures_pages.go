package village

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

// pathID reads the {id} of a route; a malformed id is "not found".
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.NotFoundf("id")
	}
	return id, nil
}

// formErrors maps a validation error to form fields in a locale.
func formErrors(err error, lang string) map[string]string {
	out := map[string]string{}
	var l errs.List
	if errors.As(err, &l) {
		for _, e := range l {
			if _, dup := out[e.Field]; !dup {
				out[e.Field] = e.Message(lang)
			} else {
				out[e.Field] += "；" + e.Message(lang)
			}
		}
	} else if e := errs.As(err); e != nil && e.Field != "" {
		out[e.Field] = e.Message(lang)
	}
	return out
}

// formMessage is the message a form shows above its fields.
func formMessage(err error, lang string) string {
	var l errs.List
	if errors.As(err, &l) && len(l) > 0 {
		return l[0].Message(lang)
	}
	if e := errs.As(err); e != nil && e.Kind != errs.Internal {
		return e.Message(lang)
	}
	return ""
}

// disclosureForm reads the HTML form of a draft or a correction. Items are
// one per line: "名称 | 金额（元） | 说明" (amount and text optional).
func disclosureForm(r *http.Request) (DisclosureInput, map[string]string, error) {
	in := DisclosureInput{Kind: r.FormValue("kind"), Period: strings.TrimSpace(r.FormValue("period")), Title: r.FormValue("title"),
		Body: r.FormValue("body"), Reason: r.FormValue("reason")}
	_ = r.ParseForm()
	in.Channels = r.PostForm["channels"]
	form := map[string]string{"kind": in.Kind, "period": in.Period, "title": in.Title, "body": in.Body, "items": r.FormValue("items"),
		"posting_days": r.FormValue("posting_days"), "reason": in.Reason, "channels": strings.Join(in.Channels, ",")}
	if s := strings.TrimSpace(r.FormValue("posting_days")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return in, form, errs.Field("posting_days", "公开期须为天数", "the posting period must be a number of days")
		}
		in.PostingDays = &n
	}
	for i, line := range strings.Split(r.FormValue("items"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		parts := strings.SplitN(line, "|", 3)
		it := ItemInput{Title: strings.TrimSpace(parts[0])}
		if len(parts) > 1 {
			if s := strings.TrimSpace(strings.ReplaceAll(parts[1], ",", "")); s != "" {
				f, err := strconv.ParseFloat(s, 64)
				if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e11 {
					return in, form, errs.Field("items", fmt.Sprintf("第 %d 行的金额 %q 不是数字（单位：元）", i+1, s), fmt.Sprintf("line %d: the amount %q is not a number (yuan)", i+1, s))
				}
				fen := int64(math.Round(f * 100))
				it.AmountFen = &fen
			}
		}
		if len(parts) > 2 {
			it.Body = strings.TrimSpace(parts[2])
		}
		in.Items = append(in.Items, it)
	}
	return in, form, nil
}

// itemsText writes items back in the form's line format (written items
// only: expenditures are added by the system).
func itemsText(ds []Item) string {
	var b strings.Builder
	for _, it := range ds {
		if it.ExpenditureID > 0 {
			continue
		}
		b.WriteString(it.Title)
		if it.AmountFen != nil || it.Body != "" {
			b.WriteString(" | ")
			if it.AmountFen != nil {
				b.WriteString(fmt.Sprintf("%.2f", float64(*it.AmountFen)/100))
			}
		}
		if it.Body != "" {
			b.WriteString(" | " + it.Body)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// ---- a village's disclosures ----

type disclosuresPage struct {
	Village   *directory.Village `json:"village"`
	Items     []*Disclosure      `json:"items"`
	Due       *VillageDue        `json:"due"`
	Kind      string             `json:"kind,omitempty"`
	CanManage bool               `json:"-"`
	Kinds     []string           `json:"-"`
	Channels  []string           `json:"-"`
	Posting   int                `json:"-"`
}

func (m *Module) disclosuresData(r *http.Request) (*disclosuresPage, error) {
	v, err := m.villageParam(r, PermRead, "village_disclosures")
	if err != nil {
		return nil, err
	}
	kind := r.URL.Query().Get("kind")
	if kind != "" && !contains(DisclosureKinds, kind) {
		kind = ""
	}
	items, err := m.villageDisclosures(r.Context(), v.ID, DisclosureFilter{Kind: kind})
	if err != nil {
		return nil, err
	}
	due, err := m.villageDue(r.Context(), *v, m.today())
	if err != nil {
		return nil, err
	}
	rv, err := m.Rules(r.Context(), v.ID, m.today())
	if err != nil {
		return nil, err
	}
	if items == nil {
		items = []*Disclosure{}
	}
	return &disclosuresPage{Village: v, Items: items, Due: &due, Kind: kind, CanManage: auth.Can(web.Principal(r), PermManage, auth.Object{Village: v.ID}),
		Kinds: DisclosureKinds, Channels: DisclosureChannels, Posting: rv.PostingDays}, nil
}

// ChanOn reports whether a channel is in a form's comma-separated choice.
func (*disclosuresPage) ChanOn(chosen, c string) bool { return contains(strings.Split(chosen, ","), c) }

// ChanOn reports whether a channel is in a form's comma-separated choice.
func (*disclosurePage) ChanOn(chosen, c string) bool { return contains(strings.Split(chosen, ","), c) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (m *Module) apiDisclosures(w http.ResponseWriter, r *http.Request) error {
	d, err := m.disclosuresData(r)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (m *Module) pageDisclosures(w http.ResponseWriter, r *http.Request) error {
	d, err := m.disclosuresData(r)
	if err != nil {
		return err
	}
	return m.renderDisclosures(w, r, http.StatusOK, d, &web.Page{Form: map[string]string{"channels": "website,bulletin_board", "posting_days": strconv.Itoa(d.Posting)}})
}

func (m *Module) renderDisclosures(w http.ResponseWriter, r *http.Request, status int, d *disclosuresPage, pg *web.Page) error {
	pg.Title = d.Village.Name + " · " + m.Views.Cat.T(web.Lang(r), "disc.title")
	pg.D = d
	return m.Views.Render(w, r, status, "disclosures_list", pg)
}

func (m *Module) apiCreateDisclosure(w http.ResponseWriter, r *http.Request) error {
	v, err := m.villageParam(r, PermManage, "village_disclosures")
	if err != nil {
		return err
	}
	var in DisclosureInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	d, err := m.CreateDisclosure(r.Context(), web.Principal(r), v.ID, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, d)
	return nil
}

func (m *Module) postDisclosure(w http.ResponseWriter, r *http.Request) error {
	v, err := m.villageParam(r, PermManage, "village_disclosures")
	if err != nil {
		return err
	}
	in, form, err := disclosureForm(r)
	var d *Disclosure
	if err == nil {
		d, err = m.CreateDisclosure(r.Context(), web.Principal(r), v.ID, in)
	}
	if err != nil {
		if k := errs.KindOf(err); k != errs.Invalid && k != errs.Conflict && web.Status(err) != http.StatusUnprocessableEntity {
			return err
		}
		data, derr := m.disclosuresData(r)
		if derr != nil {
			return derr
		}
		return m.renderDisclosures(w, r, web.Status(err), data, &web.Page{Form: form, Errors: formErrors(err, web.Lang(r)), Error: formMessage(err, web.Lang(r))})
	}
	http.Redirect(w, r, fmt.Sprintf("/disclosures/%d?ok=saved", d.ID), http.StatusSeeOther)
	return nil
}

// ---- one disclosure ----

type disclosurePage struct {
	D         *Disclosure   `json:"disclosure"`
	History   []*Disclosure `json:"history"`
	Village   string        `json:"-"`
	CanManage bool          `json:"-"`
	ItemsText string        `json:"-"`
	Kinds     []string      `json:"-"`
	Channels  []string      `json:"-"`
}

func (m *Module) disclosureData(r *http.Request) (*disclosurePage, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	d, err := m.Disclosure(r.Context(), web.Principal(r), id)
	if err != nil {
		return nil, err
	}
	hist, err := m.history(r.Context(), d.SeriesID, false)
	if err != nil {
		return nil, err
	}
	v, err := m.village(r.Context(), d.VillageID)
	if err != nil {
		return nil, err
	}
	d.VillageName = v.Name
	return &disclosurePage{D: d, History: hist, Village: v.Name, CanManage: auth.Can(web.Principal(r), PermManage, auth.Object{Village: d.VillageID}),
		ItemsText: itemsText(d.Items), Kinds: DisclosureKinds, Channels: DisclosureChannels}, nil
}

func (m *Module) apiDisclosure(w http.ResponseWriter, r *http.Request) error {
	d, err := m.disclosureData(r)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (m *Module) pageDisclosure(w http.ResponseWriter, r *http.Request) error {
	d, err := m.disclosureData(r)
	if err != nil {
		return err
	}
	return m.renderDisclosure(w, r, http.StatusOK, d, &web.Page{})
}

func (m *Module) renderDisclosure(w http.ResponseWriter, r *http.Request, status int, d *disclosurePage, pg *web.Page) error {
	pg.Title = d.D.Title
	pg.D = d
	if pg.Form == nil {
		pg.Form = map[string]string{"kind": d.D.Kind, "period": d.D.Period, "title": d.D.Title, "body": d.D.Body, "items": d.ItemsText,
			"posting_days": strconv.Itoa(d.D.PostingDays), "channels": strings.Join(d.D.Channels, ",")}
	}
	return m.Views.Render(w, r, status, "disclosures_view", pg)
}

// disclosureAction serves the writes on one disclosure: edit (a draft),
// publish and corrections, as API calls or HTML forms.
func (m *Module) disclosureAction(action string, api bool) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		p := web.Principal(r)
		if _, err := m.authorizeDisclosure(r.Context(), p, PermManage, id); err != nil {
			return err
		}
		var in DisclosureInput
		var form map[string]string
		if action != "publish" {
			if api {
				err = web.DecodeJSON(r, &in)
			} else {
				in, form, err = disclosureForm(r)
			}
		}
		var d *Disclosure
		if err == nil {
			switch action {
			case "edit":
				d, err = m.UpdateDisclosure(r.Context(), p, id, in)
			case "publish":
				d, err = m.PublishDisclosure(r.Context(), p, id)
			case "correct":
				d, err = m.CorrectDisclosure(r.Context(), p, id, in)
			}
		}
		if err != nil {
			if api || web.Status(err) >= 500 || web.Status(err) == http.StatusNotFound || web.Status(err) == http.StatusForbidden {
				return err
			}
			data, derr := m.disclosureData(r)
			if derr != nil {
				return derr
			}
			pg := &web.Page{Errors: formErrors(err, web.Lang(r)), Error: formMessage(err, web.Lang(r))}
			if form != nil {
				pg.Form = form
				pg.Form["action"] = action
			}
			return m.renderDisclosure(w, r, web.Status(err), data, pg)
		}
		if api {
			st := http.StatusOK
			if action == "correct" {
				st = http.StatusCreated
			}
			web.WriteJSON(w, st, d)
			return nil
		}
		http.Redirect(w, r, fmt.Sprintf("/disclosures/%d?ok=saved", d.ID), http.StatusSeeOther)
		return nil
	}
}

// ---- compliance ----

type compliancePage struct {
	Today    string       `json:"today"`
	Villages []VillageDue `json:"villages"`
}

func (m *Module) complianceData(r *http.Request) (*compliancePage, error) {
	vs, err := m.DisclosureCompliance(r.Context(), web.Principal(r))
	if err != nil {
		return nil, err
	}
	return &compliancePage{Today: m.today(), Villages: vs}, nil
}

func (m *Module) apiCompliance(w http.ResponseWriter, r *http.Request) error {
	d, err := m.complianceData(r)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (m *Module) pageCompliance(w http.ResponseWriter, r *http.Request) error {
	d, err := m.complianceData(r)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "disclosures_compliance", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "disc.compliance"), D: d})
}

func init() {
	routeParts = append(routeParts, func(m *Module, r *web.Router) {
		r.Handle("GET /villages/{id}/disclosures", web.Handler(m.pageDisclosures))
		r.Handle("POST /villages/{id}/disclosures", web.Handler(m.postDisclosure))
		r.Handle("GET /api/v1/villages/{id}/disclosures", web.Handler(m.apiDisclosures))
		r.Handle("POST /api/v1/villages/{id}/disclosures", web.Handler(m.apiCreateDisclosure))
		r.Handle("GET /disclosures/{id}", web.Handler(m.pageDisclosure))
		r.Handle("GET /api/v1/disclosures/{id}", web.Handler(m.apiDisclosure))
		r.Handle("PUT /api/v1/disclosures/{id}", m.disclosureAction("edit", true))
		r.Handle("POST /disclosures/{id}/edit", m.disclosureAction("edit", false))
		r.Handle("POST /disclosures/{id}/publish", m.disclosureAction("publish", false))
		r.Handle("POST /api/v1/disclosures/{id}/publish", m.disclosureAction("publish", true))
		r.Handle("POST /disclosures/{id}/corrections", m.disclosureAction("correct", false))
		r.Handle("POST /api/v1/disclosures/{id}/corrections", m.disclosureAction("correct", true))
		r.Handle("GET /village/disclosures/compliance", web.Handler(m.pageCompliance))
		r.Handle("GET /api/v1/village/disclosures/compliance", web.Handler(m.apiCompliance))
	})
	deskLinks = append(deskLinks, DeskLink{Order: 30, Key: "disc.title", Path: "/villages/%d/disclosures", Perm: PermRead})
	navItems = append(navItems, web.NavItem{Key: "disc.compliance", Path: "/village/disclosures/compliance", Perm: PermRead, Order: 73})
}
