package express

import (
	"context"
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
		r.Handle("GET /api/v1/liaisons/{id}/points", web.Handler(m.apiLiaisonPoints))
		r.Handle("GET /express/points", web.Handler(m.pagePoints))
		r.Handle("GET /express/points/{id}", web.Handler(m.pageLedger))
		r.Handle("GET /api/v1/express/assessment", web.Handler(m.apiAssessment))
		r.Handle("POST /api/v1/express/assessment/actions", web.Handler(m.apiAssessmentAction))
		r.Handle("POST /express/assessment/actions", web.Handler(m.postAssessmentAction))
		r.Handle("POST /api/v1/express/point-entries/{id}/reversal", web.Handler(m.apiReverse))
		r.Handle("POST /express/point-entries/{id}/reversal", web.Handler(m.postReverse))
		r.Handle("GET /api/v1/express/point-rules", web.Handler(m.apiPointRules))
		r.Handle("POST /api/v1/express/point-rules", web.Handler(m.apiSetPointRule))
		r.Handle("POST /api/v1/express/assessment-config", web.Handler(m.apiSetTiers))
		r.Handle("GET /express/point-rules", web.Handler(m.pagePointRules))
		r.Handle("POST /express/point-rules", web.Handler(m.postPointRule))
		r.Handle("POST /express/assessment-config", web.Handler(m.postTiers))
	})
	navItems = append(navItems, web.NavItem{Key: "nav.express_points", Path: "/express/points", Perm: PermPoints, Order: 67})
	tileParts = append(tileParts, tilePart{order: 60, load: pointsTiles})
}

// pathID reads the {id} path value; a malformed id reads as absent.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.NotFoundf("对象")
	}
	return id, nil
}

// rangeOf reads from/to, defaulting to this year up to today.
func (m *Module) rangeOf(r *http.Request) (string, string) {
	today := clock.Day(m.Clock.Now())
	from, to := strings.TrimSpace(r.URL.Query().Get("from")), strings.TrimSpace(r.URL.Query().Get("to"))
	if from == "" {
		from = today[:4] + "-01-01"
	}
	if to == "" {
		to = today
	}
	return from, to
}

func (m *Module) apiLiaisonPoints(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	from, to := m.rangeOf(r)
	l, err := m.LiaisonLedger(r.Context(), web.Principal(r), id, from, to)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, l)
	return nil
}

type ledgerPage struct {
	L        *Ledger
	IsOffice bool
}

func (m *Module) pageLedger(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	from, to := m.rangeOf(r)
	l, err := m.LiaisonLedger(r.Context(), web.Principal(r), id, from, to)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "points_ledger", &web.Page{Title: l.Name + " · " + m.Views.Cat.T(web.Lang(r), "nav.express_points"),
		D: &ledgerPage{L: l, IsOffice: auth.Can(web.Principal(r), PermOffice, auth.Anything)}})
}

// pagePoints is the office's assessment, or a liaison's own ledger.
func (m *Module) pagePoints(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, PermPoints, auth.Anything, "express_points", ""); err != nil {
		return err
	}
	if !auth.Can(p, PermOffice, auth.Anything) {
		http.Redirect(w, r, fmt.Sprintf("/express/points/%d", p.PersonID), http.StatusSeeOther)
		return nil
	}
	period := r.URL.Query().Get("period")
	if period == "" {
		period = clock.Day(m.Clock.Now())[:7]
	}
	a, err := m.Assess(r.Context(), p, period)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "points_assessment", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.express_points"), D: a})
}

func (m *Module) apiAssessment(w http.ResponseWriter, r *http.Request) error {
	period := r.URL.Query().Get("period")
	if period == "" {
		period = clock.Day(m.Clock.Now())[:7]
	}
	a, err := m.Assess(r.Context(), web.Principal(r), period)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, a)
	return nil
}

func (m *Module) apiAssessmentAction(w http.ResponseWriter, r *http.Request) error {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermOffice, auth.Anything, "express_assessment", ""); err != nil {
		return err
	}
	var in AssessmentActionInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := m.RecordAction(r.Context(), web.Principal(r), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": id})
	return nil
}

// yuanToFen reads an optional amount in yuan ("500", "12.5") as fen.
func yuanToFen(s string) (*int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 {
		return nil, errs.Field("amount", "金额须为不小于 0 的数字（元）", "the amount must be a number of yuan, 0 or more")
	}
	v := int64(f*100 + 0.5)
	return &v, nil
}

func (m *Module) postAssessmentAction(w http.ResponseWriter, r *http.Request) error {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermOffice, auth.Anything, "express_assessment", ""); err != nil {
		return err
	}
	pid, _ := strconv.ParseInt(r.FormValue("person_id"), 10, 64)
	amt, err := yuanToFen(r.FormValue("amount"))
	if err != nil {
		return err
	}
	in := AssessmentActionInput{Period: r.FormValue("period"), PersonID: pid, Kind: r.FormValue("kind"), Body: r.FormValue("body"), AmountFen: amt}
	if _, err := m.RecordAction(r.Context(), web.Principal(r), in); err != nil {
		return err
	}
	http.Redirect(w, r, "/express/points?period="+in.Period+"&ok=saved", http.StatusSeeOther)
	return nil
}

type reversalInput struct {
	Reason string `json:"reason"`
}

func (m *Module) apiReverse(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermOffice, auth.Anything, "express_points", fmt.Sprint(id)); err != nil {
		return err
	}
	var in reversalInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	rid, err := m.Reverse(r.Context(), web.Principal(r), id, in.Reason)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": rid, "reverses": id})
	return nil
}

func (m *Module) postReverse(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := m.Reverse(r.Context(), web.Principal(r), id, r.FormValue("reason")); err != nil {
		return err
	}
	var person int64
	if err := m.DB.Q(r.Context()).QueryRowContext(r.Context(), `SELECT person_id FROM express_points WHERE id = ?`, id).Scan(&person); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/express/points/%d?ok=saved", person), http.StatusSeeOther)
	return nil
}

func (m *Module) apiPointRules(w http.ResponseWriter, r *http.Request) error {
	t, err := m.ReadPointTable(r.Context(), web.Principal(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, t)
	return nil
}

func (m *Module) apiSetPointRule(w http.ResponseWriter, r *http.Request) error {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermOffice, auth.Anything, "express_point_rules", ""); err != nil {
		return err
	}
	var in PointRule
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := m.SetPointRule(r.Context(), web.Principal(r), in); err != nil {
		return err
	}
	return m.apiPointRules(w, r)
}

func (m *Module) apiSetTiers(w http.ResponseWriter, r *http.Request) error {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermOffice, auth.Anything, "express_assessment_config", ""); err != nil {
		return err
	}
	var in TierConfig
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := m.SetTiers(r.Context(), web.Principal(r), in); err != nil {
		return err
	}
	return m.apiPointRules(w, r)
}

type rulesPage struct {
	T        *PointTable
	IsOffice bool
}

func (m *Module) pagePointRules(w http.ResponseWriter, r *http.Request) error {
	t, err := m.ReadPointTable(r.Context(), web.Principal(r))
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "points_table", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "xpoints.rules"),
		D: &rulesPage{T: t, IsOffice: auth.Can(web.Principal(r), PermOffice, auth.Anything)}})
}

func atoiForm(r *http.Request, k string) int {
	n, err := strconv.Atoi(strings.TrimSpace(r.FormValue(k)))
	if err != nil {
		return -1
	}
	return n
}

func (m *Module) postPointRule(w http.ResponseWriter, r *http.Request) error {
	in := PointRule{Kind: r.FormValue("kind"), ValidFrom: strings.TrimSpace(r.FormValue("valid_from")), Points: atoiForm(r, "points"), MonthlyCap: atoiForm(r, "monthly_cap")}
	if r.FormValue("monthly_cap") == "" {
		in.MonthlyCap = 0
	}
	if err := m.SetPointRule(r.Context(), web.Principal(r), in); err != nil {
		return err
	}
	http.Redirect(w, r, "/express/point-rules?ok=saved", http.StatusSeeOther)
	return nil
}

func (m *Module) postTiers(w http.ResponseWriter, r *http.Request) error {
	in := TierConfig{ValidFrom: strings.TrimSpace(r.FormValue("valid_from")), ExcellentPct: atoiForm(r, "excellent_pct"),
		CompetentPerMonth: atoiForm(r, "competent_per_month"), BasicPerMonth: atoiForm(r, "basic_per_month")}
	if err := m.SetTiers(r.Context(), web.Principal(r), in); err != nil {
		return err
	}
	http.Redirect(w, r, "/express/point-rules?ok=saved", http.StatusSeeOther)
	return nil
}

// pointsTiles: a liaison's points this month and rank this year; the
// office's count of liaisons rated 不称职 this year so far.
func pointsTiles(m *Module, ctx context.Context, p *auth.Principal) ([]Tile, error) {
	today := clock.Day(m.Clock.Now())
	if p.Has(auth.Liaison) && p.PersonID > 0 {
		ok, err := m.liaisonOf(ctx, p.PersonID, 0)
		if err != nil || !ok {
			return nil, err
		}
		n, err := m.PointsOf(ctx, p.PersonID, today[:7]+"-01", today)
		if err != nil {
			return nil, err
		}
		y, err := m.PointsOf(ctx, p.PersonID, today[:4]+"-01-01", today)
		if err != nil {
			return nil, err
		}
		path := fmt.Sprintf("/express/points/%d", p.PersonID)
		return []Tile{{Key: "xpoints.tile_month", Value: strconv.Itoa(n), Path: path}, {Key: "xpoints.tile_year", Value: strconv.Itoa(y), Path: path}}, nil
	}
	if auth.Can(p, PermOffice, auth.Anything) {
		ss, err := m.standings(ctx, today[:7]+"-01", today)
		if err != nil {
			return nil, err
		}
		idle := 0
		for _, s := range ss {
			if s.Total == 0 {
				idle++
			}
		}
		return []Tile{{Key: "xpoints.tile_idle", Value: strconv.Itoa(idle), Path: "/express/points", Alert: idle > 0}}, nil
	}
	return nil, nil
}
