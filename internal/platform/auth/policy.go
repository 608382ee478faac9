package auth

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

// Policy is the security policy that secadmin configures. Defaults and
// sources: SECURITY.md §1 (等保 8.1.4.1 assessor practice) and §3 (ASVS).
type Policy struct {
	MinLength        int `json:"min_length"`         // 8
	MinClasses       int `json:"min_classes"`        // 3 of upper, lower, digit, symbol
	History          int `json:"history"`            // last 5 not reusable
	MaxAgeDays       int `json:"max_age_days"`       // 90; 0 = never expires
	LockThreshold    int `json:"lock_threshold"`     // 5 failures…
	LockWindowMin    int `json:"lock_window_min"`    // …within 15 minutes…
	LockMinutes      int `json:"lock_minutes"`       // …lock for 30 minutes
	IdleMinutes      int `json:"idle_minutes"`       // 30
	AdminIdleMinutes int `json:"admin_idle_minutes"` // 15 for the admin roles
	AbsoluteHours    int `json:"absolute_hours"`     // 8
	IPFailLimit      int `json:"ip_fail_limit"`      // failures per IP per window before 429
}

// DefaultPolicy is the shipped policy.
func DefaultPolicy() Policy {
	return Policy{MinLength: 8, MinClasses: 3, History: 5, MaxAgeDays: 90, LockThreshold: 5, LockWindowMin: 15,
		LockMinutes: 30, IdleMinutes: 30, AdminIdleMinutes: 15, AbsoluteHours: 8, IPFailLimit: 30}
}

// Validate bounds each figure so that a typo cannot switch protection off.
func (p Policy) Validate() error {
	var l errs.List
	check := func(field string, v, lo, hi int) {
		if v < lo || v > hi {
			l = append(l, errs.Field(field, fmt.Sprintf("%s 须在 %d 到 %d 之间", field, lo, hi), fmt.Sprintf("%s must be between %d and %d", field, lo, hi)))
		}
	}
	check("min_length", p.MinLength, 8, 64)
	check("min_classes", p.MinClasses, 1, 4)
	check("history", p.History, 0, 24)
	check("max_age_days", p.MaxAgeDays, 0, 365)
	check("lock_threshold", p.LockThreshold, 3, 10)
	check("lock_window_min", p.LockWindowMin, 1, 1440)
	check("lock_minutes", p.LockMinutes, 5, 1440)
	check("idle_minutes", p.IdleMinutes, 5, 30)
	check("admin_idle_minutes", p.AdminIdleMinutes, 5, 30)
	check("absolute_hours", p.AbsoluteHours, 1, 24)
	check("ip_fail_limit", p.IPFailLimit, 5, 1000)
	return l.Err()
}

const policyKey = "security.policy"

// LoadPolicy reads the policy, falling back to the defaults.
func LoadPolicy(ctx context.Context, q db.Querier) (Policy, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, policyKey).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultPolicy(), nil
	}
	if err != nil {
		return Policy{}, err
	}
	p := DefaultPolicy()
	if err := json.Unmarshal([]byte(v), &p); err != nil {
		return DefaultPolicy(), nil
	}
	return p, nil
}

// savePolicy stores p (caller audits).
func savePolicy(ctx context.Context, tx *db.Tx, p Policy, by string, now time.Time) error {
	b, _ := json.Marshal(p)
	_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		policyKey, string(b), now, by)
	return err
}
