package study

import (
	"context"
	"database/sql"
	"time"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/db"
)

// Reading check-ins by member and days (issue 8). Check-ins are keyed
// (day, person_id), the order in which the morning burst writes them, so
// there is no index that begins with the member: a member's days are read
// by naming each day — one seek of the key per day — never as a range of
// days, which would walk every member's check-ins of those days.

// dailyDaysOf lists the zone days from..to, inclusive (both valid dates).
func dailyDaysOf(from, to string) []string {
	f, err1 := time.Parse(time.DateOnly, from)
	t, err2 := time.Parse(time.DateOnly, to)
	if err1 != nil || err2 != nil || t.Before(f) {
		return nil
	}
	var out []string
	for d := f; !d.After(t); d = d.AddDate(0, 0, 1) {
		out = append(out, d.Format(time.DateOnly))
	}
	return out
}

// dailyDaysFrom is the FROM clause of a query over the zone days from..to
// joined to check-ins c by their key: on SQLite a recursive list of the
// days, first in the join order (CROSS JOIN fixes it), on PostgreSQL the
// days as an array that the key's index descends once per element. where
// is the join's condition; the caller's further conditions and their
// arguments follow it and args. Columns are named on c.
func dailyDaysFrom(dl db.Dialect, from, to string) (fromSQL, where string, args []any) {
	if dl == db.Postgres {
		return `study_checkins c`, `c.day = ANY(?::text[])`, []any{dailyDaysOf(from, to)}
	}
	return `(WITH RECURSIVE d(day) AS (SELECT ? UNION ALL SELECT date(day, '+1 day') FROM d WHERE day < ?) SELECT day FROM d WHERE day <= ?) d CROSS JOIN study_checkins c`,
		`c.day = d.day`, []any{from, to, to}
}

// dailyMembersDays is the query of the check-ins (person_id, day) of a
// branch's members (as MembersOf listed them: the branch's party
// members) on the zone days from..to: one descent of the key per member
// and day — 700 for a branch of 50 over a fortnight, where a member-first
// key gave one range per member (performance.md measures the cost). On
// PostgreSQL both lists are arrays, one index scan whatever the planner
// estimates of the branch; on SQLite the branch's people, then the days,
// then a seek each (CROSS JOIN fixes the order).
func dailyMembersDays(dl db.Dialect, branch int64, members []directory.Member, from, to string) (string, []any) {
	if dl == db.Postgres {
		people := make([]int64, len(members))
		for i, mb := range members {
			people[i] = mb.PersonID
		}
		return `SELECT person_id, day FROM study_checkins WHERE day = ANY(?::text[]) AND person_id = ANY(?::bigint[])`,
			[]any{dailyDaysOf(from, to), people}
	}
	src, where, args := dailyDaysFrom(dl, from, to)
	return `SELECT c.person_id, c.day FROM people p CROSS JOIN ` + src + `
		WHERE ` + where + ` AND c.person_id = p.id AND p.party_member = TRUE AND p.branch_id = ?`, append(args, branch)
}

// dailyMemberDays returns the modes of a member's check-ins on the zone
// days from..to, by day.
func (m *Module) dailyMemberDays(ctx context.Context, q db.Querier, person int64, from, to string) (map[string]string, error) {
	src, where, args := dailyDaysFrom(m.DB.Dialect, from, to)
	rows, err := q.QueryContext(ctx, `SELECT c.day, c.mode FROM `+src+` WHERE `+where+` AND c.person_id = ?`, append(args, person)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var d, mo string
		if err := rows.Scan(&d, &mo); err != nil {
			return nil, err
		}
		out[d] = mo
	}
	return out, rows.Err()
}

// dailyStreakOf is the member's streak as of today: consecutive days with
// a check-in ending today, or yesterday when today has none yet. Every
// check-in records its streak (migration 009), so this is one read of two
// rows; a row without one (generated history, rows from before) has its
// streak counted back day by day, dailyStreakPage days per read, at most
// dailyStreakLookback days.
func (m *Module) dailyStreakOf(ctx context.Context, q db.Querier, person int64, today string) (int, error) {
	yesterday := dailyAddDays(today, -1)
	rows, err := q.QueryContext(ctx, `SELECT day, streak FROM study_checkins WHERE day IN (?, ?) AND person_id = ?`, yesterday, today, person)
	if err != nil {
		return 0, err
	}
	last := ""
	var streak sql.NullInt64
	for rows.Next() {
		var d string
		var s sql.NullInt64
		if err := rows.Scan(&d, &s); err != nil {
			rows.Close()
			return 0, err
		}
		if d > last {
			last, streak = d, s
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	switch {
	case last == "":
		return 0, nil
	case streak.Valid:
		return min(int(streak.Int64), dailyStreakMax), nil
	}
	// Count back from the last day, a page of days at a time.
	oldest := dailyAddDays(today, -dailyStreakLookback)
	n, upto := 0, last
	for upto >= oldest {
		from := max(dailyAddDays(upto, -(dailyStreakPage-1)), oldest)
		have, err := m.dailyMemberDays(ctx, q, person, from, upto)
		if err != nil {
			return 0, err
		}
		for d := upto; d >= from; d = dailyAddDays(d, -1) {
			if have[d] == "" {
				return n, nil
			}
			n++
		}
		upto = dailyAddDays(from, -1)
	}
	return n, nil
}
