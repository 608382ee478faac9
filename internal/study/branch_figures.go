package study

import (
	"context"
	"math"
	"time"
)

// BranchFigures are a branch's study figures over a period, for other
// rooms' pages (the organ desk's branch page) through the app's wiring.
type BranchFigures struct {
	Members        int
	Checkins       int
	CompletionRate float64 // percent, one decimal: check-ins ÷ (members × days)
	Points         int
}

// BranchStudyFigures counts a branch's check-ins and points between two
// zone days (inclusive). It checks no principal: the caller's page does.
func (m *Module) BranchStudyFigures(ctx context.Context, branchID int64, from, to string) (BranchFigures, error) {
	var f BranchFigures
	members, err := m.Dir.MembersOf(ctx, branchID, false)
	if err != nil {
		return f, err
	}
	f.Members = len(members)
	q := m.DB.Q(ctx)
	// The branch's members' days by the check-ins' key (daily_days.go):
	// never the zone's days (issue 8).
	sqlText, args := dailyMembersDays(m.DB.Dialect, branchID, members, from, to)
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM (`+sqlText+`) x`, args...).Scan(&f.Checkins); err != nil {
		return f, err
	}
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(s.points), 0) FROM people p CROSS JOIN study_points s
		WHERE s.person_id = p.id AND p.branch_id = ? AND s.day >= ? AND s.day <= ?`, branchID, from, to).Scan(&f.Points); err != nil {
		return f, err
	}
	a, err1 := time.Parse("2006-01-02", from)
	b, err2 := time.Parse("2006-01-02", to)
	if err1 == nil && err2 == nil && f.Members > 0 {
		days := int(b.Sub(a).Hours()/24) + 1
		f.CompletionRate = math.Round(float64(f.Checkins)*1000/float64(f.Members*days)) / 10
	}
	return f, nil
}
