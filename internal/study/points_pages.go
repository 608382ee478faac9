package study

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

// The point rules are versioned configuration: an editor sets an
// activity's points and daily cap from a future day; entries keep the
// version they were awarded under (RULES.md: "a change of rule applies from
// a date; records keep the rule version they were decided under").

type rulesPage struct {
	Today string
	Rules []PointRule
	All   []PointRule
}

func (m *Module) allRules(ctx context.Context) ([]PointRule, error) {
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT activity, valid_from, points, daily_cap FROM study_point_rules ORDER BY activity, valid_from`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PointRule
	for rows.Next() {
		var r PointRule
		if err := rows.Scan(&r.Activity, &r.ValidFrom, &r.Points, &r.DailyCap); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SetRule adds a rule version valid from a day after today.
func (m *Module) SetRule(ctx context.Context, p *auth.Principal, r PointRule) error {
	if err := m.Auth.Authorize(ctx, p, PermEdit, auth.Anything, "study_point_rules", r.Activity); err != nil {
		return err
	}
	today := clock.Day(m.Clock.Now())
	var l errs.List
	known := false
	for _, a := range []string{ActSentenceRead, ActSentenceRecite, ActArticleRead, ActQuizFull, ActQuizPass, ActChallenge5, ActChallenge10, ActReflection} {
		known = known || a == r.Activity
	}
	if !known {
		l = append(l, errs.Field("activity", "未知的积分项目："+r.Activity, "unknown activity: "+r.Activity))
	}
	if d, err := time.Parse("2006-01-02", r.ValidFrom); err != nil || r.ValidFrom <= today || d.IsZero() {
		l = append(l, errs.Field("valid_from", fmt.Sprintf("生效日期须晚于今天（%s），已记的积分不受影响", today),
			fmt.Sprintf("the rule must start after today (%s); points already earned keep their rule", today)))
	}
	if r.Points < 0 || r.Points > 100 || r.DailyCap < 0 || r.DailyCap > 100 {
		l = append(l, errs.Field("points", "分值和每日上限须在 0 到 100 之间", "points and daily cap must be between 0 and 100"))
	}
	if len(l) > 0 {
		return l
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		m.dailyInvalidate(ctx)
		if _, err := tx.ExecContext(ctx, `INSERT INTO study_point_rules (activity, valid_from, points, daily_cap) VALUES (?, ?, ?, ?)
			ON CONFLICT (activity, valid_from) DO UPDATE SET points = excluded.points, daily_cap = excluded.daily_cap`,
			r.Activity, r.ValidFrom, r.Points, r.DailyCap); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "study.point_rule.set", ObjectType: "study_point_rule", ObjectID: r.Activity,
			Detail: fmt.Sprintf("from %s: %d points, cap %d", r.ValidFrom, r.Points, r.DailyCap)})
	})
}

func (m *Module) rulesView(r *http.Request) (*rulesPage, error) {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermEdit, auth.Anything, "study_point_rules", ""); err != nil {
		return nil, err
	}
	today := clock.Day(m.Clock.Now())
	cur, err := m.Rules(r.Context(), today)
	if err != nil {
		return nil, err
	}
	all, err := m.allRules(r.Context())
	if err != nil {
		return nil, err
	}
	return &rulesPage{Today: today, Rules: cur, All: all}, nil
}

func (m *Module) pageRules(w http.ResponseWriter, r *http.Request) error {
	v, err := m.rulesView(r)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "points_rules", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.study_points"), D: v})
}

func (m *Module) apiRules(w http.ResponseWriter, r *http.Request) error {
	v, err := m.rulesView(r)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"today": v.Today, "in_force": v.Rules, "versions": v.All})
	return nil
}

func (m *Module) postRule(w http.ResponseWriter, r *http.Request) error {
	pts, _ := strconv.Atoi(strings.TrimSpace(r.FormValue("points")))
	capN, _ := strconv.Atoi(strings.TrimSpace(r.FormValue("daily_cap")))
	err := m.SetRule(r.Context(), web.Principal(r), PointRule{Activity: r.FormValue("activity"), ValidFrom: strings.TrimSpace(r.FormValue("valid_from")), Points: pts, DailyCap: capN})
	if l, ok := err.(errs.List); ok {
		v, verr := m.rulesView(r)
		if verr != nil {
			return verr
		}
		return m.Views.Render(w, r, http.StatusUnprocessableEntity, "points_rules", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.study_points"), D: v, Error: l[0].Message(web.Lang(r))})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/study/points?ok=saved", http.StatusSeeOther)
	return nil
}

func (m *Module) apiSetRule(w http.ResponseWriter, r *http.Request) error {
	var in PointRule
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := m.SetRule(r.Context(), web.Principal(r), in); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, in)
	return nil
}

func init() {
	routeParts = append(routeParts, func(m *Module, r *web.Router) {
		r.Handle("GET /study/points", web.Handler(m.pageRules))
		r.Handle("POST /study/points", web.Handler(m.postRule))
		r.Handle("GET /api/v1/study/point-rules", web.Handler(m.apiRules))
		r.Handle("POST /api/v1/study/point-rules", web.Handler(m.apiSetRule))
	})
	navItems = append(navItems, web.NavItem{Key: "nav.study_points", Path: "/study/points", Perm: PermEdit, Order: 29})
}
