package express

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

// DeadlineRule is the deadline table's row for one category, in working
// days (RULES.md §7 defaults: route 1, respond 2, resolve 5, complex 10,
// complex extended once to 25). Configuration kept by the office. Each
// counts working days after its event (RULES.md §9): route_days after the
// demand is raised (or returned), respond_days and resolve_days (or
// complex_days) after it is routed, extended_days after it was routed,
// and a reopened demand gets resolve_days (or complex_days) again after
// the day it is reopened.
type DeadlineRule struct {
	Category     string `json:"category"`
	RouteDays    int    `json:"route_days"`
	RespondDays  int    `json:"respond_days"`
	ResolveDays  int    `json:"resolve_days"`
	ComplexDays  int    `json:"complex_days"`
	ExtendedDays int    `json:"extended_days"`
}

// defaultDeadlines are RULES.md §7's numbers, used for a category with no
// row in the table.
var defaultDeadlines = DeadlineRule{RouteDays: 1, RespondDays: 2, ResolveDays: 5, ComplexDays: 10, ExtendedDays: 25}

func (m *Module) deadlinesOf(ctx context.Context, category string) (DeadlineRule, error) {
	if db.TxFrom(ctx) == nil {
		c, err := m.config.get(ctx, m.DB)
		if err != nil {
			return DeadlineRule{}, err
		}
		return deadlineOr(c.rules, category), nil
	}
	r := DeadlineRule{Category: category}
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT route_days, respond_days, resolve_days, complex_days, extended_days FROM demand_deadlines WHERE category = ?`, category).
		Scan(&r.RouteDays, &r.RespondDays, &r.ResolveDays, &r.ComplexDays, &r.ExtendedDays)
	if errors.Is(err, sql.ErrNoRows) {
		d := defaultDeadlines
		d.Category = category
		return d, nil
	}
	return r, err
}

// deadlineOr is the category's row of rules, or RULES.md §7's defaults.
func deadlineOr(rules map[string]DeadlineRule, category string) DeadlineRule {
	if r, ok := rules[category]; ok {
		return r
	}
	d := defaultDeadlines
	d.Category = category
	return d
}

// readDeadlineRules reads the deadline table's rows by category.
func readDeadlineRules(ctx context.Context, q db.Querier) (map[string]DeadlineRule, error) {
	rows, err := q.QueryContext(ctx, `SELECT category, route_days, respond_days, resolve_days, complex_days, extended_days FROM demand_deadlines`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]DeadlineRule{}
	for rows.Next() {
		var r DeadlineRule
		if err := rows.Scan(&r.Category, &r.RouteDays, &r.RespondDays, &r.ResolveDays, &r.ComplexDays, &r.ExtendedDays); err != nil {
			return nil, err
		}
		out[r.Category] = r
	}
	return out, rows.Err()
}

// DeadlineRules lists the deadline table in category order.
func (m *Module) DeadlineRules(ctx context.Context, p *auth.Principal) ([]DeadlineRule, error) {
	if err := m.Auth.Authorize(ctx, p, PermRead, auth.Anything, "demand_deadlines", ""); err != nil {
		return nil, err
	}
	out := []DeadlineRule{}
	for _, c := range demandCategories {
		r, err := m.deadlinesOf(ctx, c)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// checkDeadlineRule: whole working days, each in its table's range, and
// a complex demand's extension longer than its first deadline, which is
// not shorter than a general one.
func checkDeadlineRule(r DeadlineRule) error {
	var l errs.List
	if !slices.Contains(demandCategories, r.Category) {
		l = append(l, errs.Field("category", fmt.Sprintf("诉求类别“%s”无效", r.Category), fmt.Sprintf("unknown category %q", r.Category)))
	}
	rng := func(field, zh, en string, v, lo, hi int) {
		if v < lo || v > hi {
			l = append(l, errs.Field(field, fmt.Sprintf("%s须为 %d–%d 个工作日", zh, lo, hi), fmt.Sprintf("%s must be %d–%d working days", en, lo, hi)))
		}
	}
	rng("route_days", "交办时限", "the routing deadline", r.RouteDays, 1, 30)
	rng("respond_days", "响应时限", "the response deadline", r.RespondDays, 1, 30)
	rng("resolve_days", "一般诉求办结时限", "the resolution deadline", r.ResolveDays, 1, 60)
	rng("complex_days", "复杂诉求办结时限", "the complex resolution deadline", r.ComplexDays, 1, 60)
	rng("extended_days", "复杂诉求延期后时限", "the extended deadline", r.ExtendedDays, 1, 90)
	if len(l) == 0 && r.ComplexDays < r.ResolveDays {
		l = append(l, errs.Field("complex_days", fmt.Sprintf("复杂诉求时限（%d）不能短于一般诉求（%d）", r.ComplexDays, r.ResolveDays),
			fmt.Sprintf("the complex deadline (%d) cannot be shorter than the general one (%d)", r.ComplexDays, r.ResolveDays)))
	}
	if len(l) == 0 && r.ExtendedDays <= r.ComplexDays {
		l = append(l, errs.Field("extended_days", fmt.Sprintf("延期后时限（%d）须长于复杂诉求时限（%d）", r.ExtendedDays, r.ComplexDays),
			fmt.Sprintf("the extended deadline (%d) must be longer than the complex one (%d)", r.ExtendedDays, r.ComplexDays)))
	}
	return l.Err()
}

// SetDeadlineRule changes one category's deadlines (the office). Demands
// already raised keep the deadlines they were given; new events use the
// new numbers.
func (m *Module) SetDeadlineRule(ctx context.Context, p *auth.Principal, r DeadlineRule) error {
	if err := m.Auth.Authorize(ctx, p, PermOffice, auth.Anything, "demand_deadlines", r.Category); err != nil {
		return err
	}
	if err := checkDeadlineRule(r); err != nil {
		return err
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM demand_deadlines WHERE category = ?`, r.Category); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO demand_deadlines (category, route_days, respond_days, resolve_days, complex_days, extended_days, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			r.Category, r.RouteDays, r.RespondDays, r.ResolveDays, r.ComplexDays, r.ExtendedDays, m.Clock.Now()); err != nil {
			return err
		}
		tx.AfterCommit(m.config.invalidate)
		return m.Audit.Record(ctx, audit.Entry{Action: "express.demand_deadlines.set", ObjectType: "demand_deadlines", ObjectID: r.Category,
			Detail: fmt.Sprintf("route %d respond %d resolve %d complex %d extended %d", r.RouteDays, r.RespondDays, r.ResolveDays, r.ComplexDays, r.ExtendedDays)})
	})
}
