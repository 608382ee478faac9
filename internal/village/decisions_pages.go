package village

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
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
		r.Handle("GET /villages/{id}/decisions", web.Handler(m.pageDecisions))
		r.Handle("POST /villages/{id}/decisions", web.Handler(m.postDecision))
		r.Handle("GET /decisions/{id}", web.Handler(m.pageDecision))
		r.Handle("POST /decisions/{id}/steps", web.Handler(m.postStep))
		r.Handle("GET /api/v1/villages/{id}/decisions", web.Handler(m.apiDecisions))
		r.Handle("POST /api/v1/villages/{id}/decisions", web.Handler(m.apiCreateDecision))
		r.Handle("GET /api/v1/decisions/{id}", web.Handler(m.apiDecision))
		r.Handle("POST /api/v1/decisions/{id}/steps", web.Handler(m.apiRecordStep))
	})
	deskLinks = append(deskLinks, DeskLink{Order: 10, Key: "decisions.title", Path: "/villages/%d/decisions", Perm: PermRead})
	portalParts = append(portalParts, PortalPart{Order: 20, Key: "decisions.portal_heading", Page: "decisions_portal",
		Load: func(m *Module, ctx context.Context, villageID int64) (any, error) {
			return m.PublicDecisions(ctx, villageID, clock.Day(m.Clock.Now()))
		},
		Screen: decisionSlides})
}

// decisionSlides are the electronic screen's cards: one per passed decision
// with its latest posting.
func decisionSlides(m *Module, ctx context.Context, villageID int64) ([]Slide, error) {
	ds, err := m.PublicDecisions(ctx, villageID, clock.Day(m.Clock.Now()))
	if err != nil {
		return nil, err
	}
	var out []Slide
	for i, d := range ds {
		if i == 6 {
			break
		}
		s := Slide{Kind: "decision", Title: d.Title, Sub: "四议两公开 · " + d.PassedOn}
		if d.AmountFen > 0 {
			s.Lines = append(s.Lines, "金额 "+yuan(d.AmountFen)+" 元")
		}
		if r := d.Resolution; r != nil {
			s.Lines = append(s.Lines, fmt.Sprintf("表决：应到 %d，实到 %d，赞成 %d，反对 %d，弃权 %d", r.Expected, r.Present, r.For, r.Against, r.Abstain))
		}
		last := d.Disclosures[len(d.Disclosures)-1]
		if last.Minutes != "" {
			s.Lines = append(s.Lines, last.Minutes)
		}
		out = append(out, s)
	}
	return out, nil
}

// yuan formats fen as 元 with two decimals and thousands separators.
func yuan(fen int64) string {
	neg := fen < 0
	if neg {
		fen = -fen
	}
	s := strconv.FormatInt(fen/100, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := fmt.Sprintf("%s.%02d", b.String(), fen%100)
	if neg {
		out = "-" + out
	}
	return out
}

func (m *Module) dxT(r *http.Request, key string, args ...any) string {
	return m.Views.Cat.T(web.Lang(r), key, args...)
}

// decisionsPage is the list page's data.
type decisionsPage struct {
	VillageID  int64
	Village    string
	Decisions  []Decision
	Categories []string
	CanManage  bool
	Status     string
}

func (m *Module) decisionsData(r *http.Request) (*decisionsPage, error) {
	v, err := m.villageParam(r, PermRead, "village_decision")
	if err != nil {
		return nil, err
	}
	f := DecisionFilter{Status: r.URL.Query().Get("status"), Year: r.URL.Query().Get("year")}
	ds, err := m.Decisions(r.Context(), web.Principal(r), v.ID, f)
	if err != nil {
		return nil, err
	}
	return &decisionsPage{VillageID: v.ID, Village: v.Name, Decisions: ds, Categories: DecisionCategories, Status: f.Status,
		CanManage: auth.Can(web.Principal(r), PermManage, auth.Object{Village: v.ID})}, nil
}

func (m *Module) pageDecisions(w http.ResponseWriter, r *http.Request) error {
	d, err := m.decisionsData(r)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "decisions_list", &web.Page{Title: d.Village + " · " + m.dxT(r, "decisions.title"), D: d})
}

func (m *Module) apiDecisions(w http.ResponseWriter, r *http.Request) error {
	d, err := m.decisionsData(r)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d.Decisions)
	return nil
}

func villageIDParam(r *http.Request) (int64, error) { return dxID(r.PathValue("id")) }

func (m *Module) apiCreateDecision(w http.ResponseWriter, r *http.Request) error {
	vid, err := villageIDParam(r)
	if err != nil {
		return err
	}
	// Authorise before reading the body: another village is "not found".
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermRead, auth.Object{Village: vid}, "village_decision", ""); err != nil {
		return err // outside the reader's scope: 404 like an absent id, before the role is judged
	}
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermManage, auth.Object{Village: vid}, "village_decision", ""); err != nil {
		return err
	}
	var in DecisionInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	d, err := m.CreateDecision(r.Context(), web.Principal(r), vid, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, d)
	return nil
}

func (m *Module) postDecision(w http.ResponseWriter, r *http.Request) error {
	vid, err := villageIDParam(r)
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	amount, aerr := parseYuan(r.FormValue("amount"))
	in := DecisionInput{Title: r.FormValue("title"), Category: r.FormValue("category"), AmountFen: amount,
		Description: r.FormValue("description"), ProposedOn: r.FormValue("proposed_on")}
	var d *Decision
	if aerr != nil {
		err = aerr
	} else {
		d, err = m.CreateDecision(r.Context(), web.Principal(r), vid, in)
	}
	if errs.KindOf(err) == errs.Invalid || isList(err) {
		data, derr := m.decisionsData(r)
		if derr != nil {
			return derr
		}
		form := map[string]string{"title": in.Title, "category": in.Category, "amount": r.FormValue("amount"), "description": in.Description, "proposed_on": in.ProposedOn}
		return m.Views.Render(w, r, http.StatusUnprocessableEntity, "decisions_list", &web.Page{Title: data.Village + " · " + m.dxT(r, "decisions.title"),
			D: data, Form: form, Error: errText(err, web.Lang(r))})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/decisions/%d", d.ID), http.StatusSeeOther)
	return nil
}

// parseYuan reads an amount in 元 with up to two decimals into fen, in
// integers only.
func parseYuan(s string) (int64, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if s == "" {
		return 0, nil
	}
	bad := errs.Field("amount", "金额须为元，最多两位小数", "the amount is in yuan with at most two decimals")
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 || whole == "" || len(whole) > 12 {
		return 0, bad
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 {
		return 0, bad
	}
	var f int64
	if frac != "" {
		for len(frac) < 2 {
			frac += "0"
		}
		if f, err = strconv.ParseInt(frac, 10, 64); err != nil || f < 0 {
			return 0, bad
		}
	}
	return w*100 + f, nil
}

func isList(err error) bool {
	_, ok := err.(errs.List)
	return ok
}

// errText is an error's message in a language (every message of a list).
func errText(err error, lang string) string {
	if l, ok := err.(errs.List); ok {
		var parts []string
		for _, e := range l {
			parts = append(parts, e.Message(lang))
		}
		return strings.Join(parts, "；")
	}
	if e := errs.As(err); e != nil {
		return e.Message(lang)
	}
	return err.Error()
}

func (m *Module) apiDecision(w http.ResponseWriter, r *http.Request) error {
	id, err := dxID(r.PathValue("id"))
	if err != nil {
		return err
	}
	d, err := m.Decision(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

// decisionPage is the detail page's data.
type decisionPage struct {
	*Decision
	CanManage bool
	Channels  []string
	Today     string
}

func (m *Module) renderDecision(w http.ResponseWriter, r *http.Request, status int, id int64, pg *web.Page) error {
	d, err := m.Decision(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	pg.Title = d.Title
	pg.D = &decisionPage{Decision: d, CanManage: auth.Can(web.Principal(r), PermManage, auth.Object{Village: d.VillageID}),
		Channels: DecisionChannels, Today: clock.Day(m.Clock.Now())}
	return m.Views.Render(w, r, status, "decisions_detail", pg)
}

func (m *Module) pageDecision(w http.ResponseWriter, r *http.Request) error {
	id, err := dxID(r.PathValue("id"))
	if err != nil {
		return err
	}
	pg := &web.Page{}
	if r.URL.Query().Get("ok") != "" {
		pg.Flash = m.dxT(r, "decisions.step_saved")
	}
	return m.renderDecision(w, r, http.StatusOK, id, pg)
}

func (m *Module) apiRecordStep(w http.ResponseWriter, r *http.Request) error {
	id, err := dxID(r.PathValue("id"))
	if err != nil {
		return err
	}
	v, err := m.decisionVillage(r.Context(), id)
	if err != nil {
		return err
	}
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermRead, auth.Object{Village: v}, "village_decision", fmt.Sprint(id)); err != nil {
		return err // outside the reader's scope: 404 like an absent id, before the role is judged
	}
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermManage, auth.Object{Village: v}, "village_decision", fmt.Sprint(id)); err != nil {
		return err
	}
	// Lenient about extra fields (a meeting's record often carries more than
	// the engine judges); every field it does judge is checked.
	var in StepInput
	if err := decodeLenient(r, &in); err != nil {
		return err
	}
	d, err := m.RecordStep(r.Context(), web.Principal(r), id, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, d)
	return nil
}

func (m *Module) postStep(w http.ResponseWriter, r *http.Request) error {
	id, err := dxID(r.PathValue("id"))
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	num := func(k string) int { n, _ := strconv.Atoi(strings.TrimSpace(r.FormValue(k))); return n }
	on := func(k string) bool { v := r.FormValue(k); return v == "on" || v == "1" || v == "true" }
	in := StepInput{Step: r.FormValue("step"), Date: r.FormValue("date"), Expected: num("expected"), Present: num("present"),
		For: num("for"), Against: num("against"), Abstain: num("abstain"), Merged: on("merged"), PlanSentOn: r.FormValue("plan_sent_on"),
		Basis: r.FormValue("basis"), NoticeOn: r.FormValue("notice_on"), Emergency: on("emergency"), PostedFrom: r.FormValue("posted_from"),
		PostedTo: r.FormValue("posted_to"), Channel: strings.Join(r.Form["channel"], ","), CarriedOutOn: r.FormValue("carried_out_on"),
		Minutes: r.FormValue("minutes")}
	_, err = m.RecordStep(r.Context(), web.Principal(r), id, in)
	if errs.KindOf(err) == errs.Invalid {
		form := map[string]string{}
		for k, vs := range r.Form {
			form[k] = strings.Join(vs, ",")
		}
		return m.renderDecision(w, r, http.StatusUnprocessableEntity, id, &web.Page{Form: form, Error: errText(err, web.Lang(r))})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/decisions/%d?ok=1", id), http.StatusSeeOther)
	return nil
}

// decodeLenient reads a JSON body like web.DecodeJSON but ignores fields
// the target does not know.
func decodeLenient(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, _ := mime.ParseMediaType(ct); mt != "application/json" {
			return errs.New(errs.Invalid, "请求体须为 JSON（Content-Type: application/json）", "request body must be JSON (Content-Type: application/json)")
		}
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	if err := dec.Decode(v); err != nil {
		return errs.New(errs.Invalid, "JSON 格式错误："+err.Error(), "malformed JSON: "+err.Error())
	}
	return nil
}
