package jobs

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// ScheduleStatus is one line of the admin page's schedule list. Times are
// UTC instants, like everything the store returns; the page shows them in
// the zone.
type ScheduleStatus struct {
	Name, Spec, Doc string
	Next            time.Time  // the next slot after now (zero if the spec never fires again)
	LastSlot        *time.Time // the latest recorded slot, nil if none yet
	LastState       string     // its state: done, failed or missed
	LastRanAt       *time.Time // when that slot was fired, failed or found missed
}

// Status lists the declared schedules, in the order they were added, with
// their next slot and their last recorded one.
func (s *Scheduler) Status(ctx context.Context) ([]ScheduleStatus, error) {
	now := ts(s.Clock.Now())
	q := s.DB.Q(ctx)
	var out []ScheduleStatus
	for _, e := range s.list() {
		st := ScheduleStatus{Name: e.Name, Spec: e.Spec, Doc: e.Doc}
		if n := s.next(e, now); !n.IsZero() {
			st.Next = n.UTC()
		}
		var slot, ranAt time.Time
		err := q.QueryRowContext(ctx, `SELECT slot, state, ran_at FROM schedule_runs WHERE name = ? ORDER BY slot DESC LIMIT 1`, e.Name).
			Scan(&slot, &st.LastState, &ranAt)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return nil, err
		default:
			slot, ranAt = slot.UTC(), ranAt.UTC()
			st.LastSlot, st.LastRanAt = &slot, &ranAt
		}
		out = append(out, st)
	}
	return out, nil
}

// Run is one recorded slot of a schedule.
type Run struct {
	Name  string
	Slot  time.Time
	State string // done, failed or missed
	RanAt time.Time
	Error string
}

// Runs returns up to limit recorded slots of the schedule name ("" for all
// schedules), latest slot first.
func (s *Scheduler) Runs(ctx context.Context, name string, limit int) ([]Run, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	where, args := "", []any{}
	if name != "" {
		where, args = " WHERE name = ?", append(args, name)
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT name, slot, state, ran_at, error FROM schedule_runs`+where+
		` ORDER BY slot DESC, name LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var r Run
		if err := rows.Scan(&r.Name, &r.Slot, &r.State, &r.RanAt, &r.Error); err != nil {
			return nil, err
		}
		r.Slot, r.RanAt = r.Slot.UTC(), r.RanAt.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}
