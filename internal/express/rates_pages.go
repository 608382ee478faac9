package express

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/seal"
	"zhongshu/internal/platform/web"
)

type ratesPage struct {
	Periods  []ratePeriodLink `json:"-"`
	From     string           `json:"from"`
	To       string           `json:"to"`
	Weights  RateWeights      `json:"weights"`
	Items    []DeptRates      `json:"items"`
	IsOffice bool             `json:"-"`
}

func (m *Module) ratesData(r *http.Request) (*ratesPage, error) {
	p := web.Principal(r)
	from, to, err := m.ratePeriod(r.URL.Query().Get("from"), r.URL.Query().Get("to"))
	if err != nil {
		return nil, err
	}
	items, w, err := m.Ranking(r.Context(), p, from, to)
	if err != nil {
		return nil, err
	}
	return &ratesPage{From: from, To: to, Weights: w, Items: items, IsOffice: auth.Can(p, PermOffice, auth.Anything), Periods: ratePeriods(to)}, nil
}

// ratePeriodLink is a ready-made period on the ranking page (the year,
// its quarters and the month of the period's end), for the monthly,
// quarterly and yearly reviews.
type ratePeriodLink struct {
	Key, Arg, From, To string
}

func ratePeriods(to string) []ratePeriodLink {
	y := to[:4]
	out := []ratePeriodLink{{Key: "rates.period_year", Arg: y, From: y + "-01-01", To: y + "-12-31"}}
	for q, r := range [][2]string{{"01-01", "03-31"}, {"04-01", "06-30"}, {"07-01", "09-30"}, {"10-01", "12-31"}} {
		out = append(out, ratePeriodLink{Key: "rates.period_quarter", Arg: strconv.Itoa(q + 1), From: y + "-" + r[0], To: y + "-" + r[1]})
	}
	if t, err := time.Parse("2006-01-02", to); err == nil {
		first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
		out = append(out, ratePeriodLink{Key: "rates.period_month", Arg: strconv.Itoa(int(t.Month())), From: first.Format("2006-01-02"), To: first.AddDate(0, 1, -1).Format("2006-01-02")})
	}
	return out
}

func (m *Module) pageRates(w http.ResponseWriter, r *http.Request) error {
	d, err := m.ratesData(r)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "rates_ranking", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.express_rates"), D: d})
}

func (m *Module) apiRates(w http.ResponseWriter, r *http.Request) error {
	d, err := m.ratesData(r)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (m *Module) apiDepartmentRates(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return errs.NotFoundf("部门")
	}
	d, err := m.DepartmentRates(r.Context(), web.Principal(r), id, r.URL.Query().Get("from"), r.URL.Query().Get("to"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (m *Module) apiRateWeights(w http.ResponseWriter, r *http.Request) error {
	ws, err := m.RateWeightsOf(r.Context(), web.Principal(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, ws)
	return nil
}

func (m *Module) apiSetRateWeights(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, PermOffice, auth.Anything, "rates_weights", ""); err != nil {
		return err
	}
	var in RateWeights
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := m.SetRateWeights(r.Context(), p, in); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, in)
	return nil
}

func (m *Module) postRateWeights(w http.ResponseWriter, r *http.Request) error {
	atoi := func(k string) int { n, _ := strconv.Atoi(r.FormValue(k)); return n }
	if err := m.SetRateWeights(r.Context(), web.Principal(r), RateWeights{atoi("response"), atoi("resolution"), atoi("satisfaction")}); err != nil {
		return err
	}
	http.Redirect(w, r, "/express/rates?ok=saved", http.StatusSeeOther)
	return nil
}

// ratePct shows a rate as a percentage, "—" when absent.
func ratePct(v *float64) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", *v*100)
}

// Pct is ratePct for templates.
func (d *ratesPage) Pct(v *float64) string { return ratePct(v) }

// Score shows a score with two decimals, "—" when absent.
func (d *ratesPage) Score(v *float64) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprintf("%.2f", *v)
}

// exportRates is the ranking as an Excel workbook, audited like the
// directory's exports (who, filter, rows, the file's SM3) and limited to
// ten exports a minute per user.
func (m *Module) exportRates(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, PermRates, auth.Anything, "rates", ""); err != nil {
		return err
	}
	_, n, err := m.Audit.List(r.Context(), audit.Filter{Username: p.Username, Action: "export", From: m.Clock.Now().Add(-time.Minute), Limit: 1})
	if err != nil {
		return err
	}
	if n >= 10 {
		return errs.New(errs.TooMany, "导出过于频繁：每分钟最多 10 次，请稍后再试", "too many exports: at most 10 a minute; try again shortly")
	}
	d, err := m.ratesData(r)
	if err != nil {
		return err
	}
	t, l := m.Views.Cat, web.Lang(r)
	hdr := []string{t.T(l, "rates.rank"), t.T(l, "rates.department"), t.T(l, "rates.routed"), t.T(l, "rates.responded_in_time"), t.T(l, "rates.response_rate"),
		t.T(l, "rates.due"), t.T(l, "rates.resolved"), t.T(l, "rates.resolved_in_time"), t.T(l, "rates.resolution_rate"), t.T(l, "rates.rated"), t.T(l, "rates.satisfied"),
		t.T(l, "rates.basically"), t.T(l, "rates.unsatisfied"), t.T(l, "rates.satisfaction_rate"), t.T(l, "rates.score")}
	var rows [][]string
	for _, x := range d.Items {
		rank := "—"
		if x.Rank > 0 {
			rank = strconv.Itoa(x.Rank)
		}
		rows = append(rows, []string{rank, x.Department, strconv.Itoa(x.Routed), strconv.Itoa(x.RespondedInTime), ratePct(x.ResponseRate),
			strconv.Itoa(x.Due), strconv.Itoa(x.Resolved), strconv.Itoa(x.ResolvedInTime), ratePct(x.ResolutionRate), strconv.Itoa(x.Rated), strconv.Itoa(x.Satisfied),
			strconv.Itoa(x.Basically), strconv.Itoa(x.Unsatisfied), ratePct(x.SatisfactionRate), d.Score(x.Score)})
	}
	var buf bytes.Buffer
	if err := directory.WriteTableXLSX(&buf, "rates "+d.From+" "+d.To, hdr, rows); err != nil {
		return err
	}
	if err := m.Audit.Record(r.Context(), audit.Entry{Action: "export", ObjectType: "express_rates",
		Detail: fmt.Sprintf("filter=%q rows=%d masked=%t sm3=%s", r.URL.RawQuery, len(rows), false, seal.SM3Hex(buf.Bytes()))}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="rates-%s-%s.xlsx"`, d.From, d.To))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(buf.Bytes())
	return nil
}

func init() {
	routeParts = append(routeParts, func(m *Module, r *web.Router) {
		r.Handle("GET /express/rates", web.Handler(m.pageRates))
		r.Handle("GET /express/rates/export.xlsx", web.Handler(m.exportRates))
		r.Handle("POST /express/rates/weights", web.Handler(m.postRateWeights))
		r.Handle("GET /api/v1/rates", web.Handler(m.apiRates))
		r.Handle("GET /api/v1/rates/weights", web.Handler(m.apiRateWeights))
		r.Handle("PUT /api/v1/rates/weights", web.Handler(m.apiSetRateWeights))
		r.Handle("GET /api/v1/departments/{id}/rates", web.Handler(m.apiDepartmentRates))
	})
	navItems = append(navItems, web.NavItem{Key: "nav.express_rates", Path: "/express/rates", Perm: PermRates, Order: 62})
}
