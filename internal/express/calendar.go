package express

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

// Calendar is the working-day calendar kept as data (RULES.md §9): the days
// that differ from the Monday-to-Friday rule, each "holiday" (a statutory
// holiday on a weekday) or "workday" (a weekend day made a working day,
// 调休). Deadlines of demands are counted on it.
type Calendar map[string]string

// Calendar day kinds, as stored in work_calendar.kind.
const (
	calHoliday = "holiday"
	calWorkday = "workday"
)

// isWorkingDay reports whether day (YYYY-MM-DD) is a working day: an
// adjusted working weekend is one, a holiday is not, otherwise Monday to
// Friday are.
func (c Calendar) isWorkingDay(t time.Time) bool {
	switch c[t.Format("2006-01-02")] {
	case calHoliday:
		return false
	case calWorkday:
		return true
	}
	wd := t.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// addWorkingDays is the day by which something due "within n working days"
// of day must be done (RULES.md §9): it counts n working days after day,
// skipping weekends and holidays and counting adjusted working weekends, so
// the day of the event itself never counts. n ≤ 0 gives day itself.
func addWorkingDays(day string, n int, cal Calendar) (string, error) {
	t, err := time.Parse("2006-01-02", day)
	if err != nil {
		return "", fmt.Errorf("express: bad day %q", day)
	}
	for i := 0; i < 400 && n > 0; i++ {
		t = t.AddDate(0, 0, 1)
		if cal.isWorkingDay(t) {
			n--
		}
	}
	return t.Format("2006-01-02"), nil
}

// loadCalendar is the whole calendar (a few dozen rows a year): inside a
// transaction read through it, otherwise the cached copy (demandConfig).
// Callers must not change the map.
func (m *Module) loadCalendar(ctx context.Context) (Calendar, error) {
	if db.TxFrom(ctx) != nil {
		return readCalendar(ctx, m.DB.Q(ctx))
	}
	c, err := m.config.get(ctx, m.DB)
	if err != nil {
		return nil, err
	}
	return c.cal, nil
}

func readCalendar(ctx context.Context, q db.Querier) (Calendar, error) {
	rows, err := q.QueryContext(ctx, `SELECT day, kind FROM work_calendar`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cal := Calendar{}
	for rows.Next() {
		var d, k string
		if err := rows.Scan(&d, &k); err != nil {
			return nil, err
		}
		cal[d] = k
	}
	return cal, rows.Err()
}

// configTTL bounds how long a calendar or deadline change made on another
// replica (sharing the PostgreSQL store) takes to reach this one; a change
// made here is seen at once (invalidate after its commit).
const configTTL = 30 * time.Second

// demandConfig caches what every demand creation and transition reads and
// the office changes a few times a year: the working-day calendar and the
// deadline table. Reading both was a fifth of a demand request's CPU
// (issue 8). The cache is an immutable snapshot swapped atomically; a
// snapshot counts only while its gen is current, so a load that raced
// with a change (and may have read the old rows) is never used.
type demandConfig struct {
	snap atomic.Pointer[configSnap]
	gen  atomic.Uint64
}

type configSnap struct {
	cal   Calendar
	rules map[string]DeadlineRule // categories with a row; others use defaultDeadlines
	until time.Time               // monotonic expiry
	gen   uint64                  // demandConfig.gen when the load began
}

// get returns a snapshot younger than configTTL, reading the store when
// there is none.
func (c *demandConfig) get(ctx context.Context, d *db.DB) (*configSnap, error) {
	if s := c.snap.Load(); s != nil && s.gen == c.gen.Load() && time.Now().Before(s.until) {
		return s, nil
	}
	g := c.gen.Load()
	q := d.Q(ctx)
	cal, err := readCalendar(ctx, q)
	if err != nil {
		return nil, err
	}
	rules, err := readDeadlineRules(ctx, q)
	if err != nil {
		return nil, err
	}
	s := &configSnap{cal: cal, rules: rules, until: time.Now().Add(configTTL), gen: g}
	c.snap.Store(s)
	return s, nil
}

// invalidate drops the snapshot; call it once a change has committed.
func (c *demandConfig) invalidate() { c.gen.Add(1) }

// CalendarDay is one row of the working-day calendar.
type CalendarDay struct {
	Day  string `json:"day"`
	Kind string `json:"kind"` // holiday, workday
	Name string `json:"name"`
}

// CalendarYear lists the calendar's entries of one year.
func (m *Module) CalendarYear(ctx context.Context, p *auth.Principal, year int) ([]CalendarDay, error) {
	if err := m.Auth.Authorize(ctx, p, PermRead, auth.Anything, "work_calendar", ""); err != nil {
		return nil, err
	}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT day, kind, name FROM work_calendar WHERE day >= ? AND day <= ? ORDER BY day`,
		fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []CalendarDay{}
	for rows.Next() {
		var c CalendarDay
		if err := rows.Scan(&c.Day, &c.Kind, &c.Name); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SetCalendarDay adds, changes or (kind "") removes one day of the
// calendar (the office): the State Council publishes next year's holidays
// each November, and they are entered here rather than in code.
func (m *Module) SetCalendarDay(ctx context.Context, p *auth.Principal, in CalendarDay) error {
	if err := m.Auth.Authorize(ctx, p, PermOffice, auth.Anything, "work_calendar", in.Day); err != nil {
		return err
	}
	in.Day, in.Name = strings.TrimSpace(in.Day), strings.TrimSpace(in.Name)
	var l errs.List
	if _, err := clock.ParseDay(in.Day); err != nil {
		l = append(l, errs.Field("day", "日期须为 YYYY-MM-DD", "the day must be YYYY-MM-DD"))
	}
	if in.Kind != "" && in.Kind != calHoliday && in.Kind != calWorkday {
		l = append(l, errs.Field("kind", "类型须为 holiday（放假）或 workday（调休上班），留空为删除", "the kind must be holiday or workday, or empty to remove the day"))
	}
	if len([]rune(in.Name)) > 30 {
		l = append(l, errs.Field("name", "名称最多 30 个字", "the name is at most 30 characters"))
	}
	if err := l.Err(); err != nil {
		return err
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM work_calendar WHERE day = ?`, in.Day); err != nil {
			return err
		}
		if in.Kind != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO work_calendar (day, kind, name) VALUES (?, ?, ?)`, in.Day, in.Kind, in.Name); err != nil {
				return err
			}
		}
		tx.AfterCommit(m.config.invalidate)
		return m.Audit.Record(ctx, audit.Entry{Action: "express.calendar.set", ObjectType: "work_calendar", ObjectID: in.Day, Detail: in.Kind + " " + in.Name})
	})
}

func (m *Module) apiCalendar(w http.ResponseWriter, r *http.Request) error {
	year := calYearParam(r, m.Clock.Now())
	days, err := m.CalendarYear(r.Context(), web.Principal(r), year)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"year": year, "days": days})
	return nil
}

func (m *Module) apiSetCalendarDay(w http.ResponseWriter, r *http.Request) error {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermOffice, auth.Anything, "work_calendar", ""); err != nil {
		return err
	}
	var in CalendarDay
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := m.SetCalendarDay(r.Context(), web.Principal(r), in); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, in)
	return nil
}

func (m *Module) postCalendarDay(w http.ResponseWriter, r *http.Request) error {
	in := CalendarDay{Day: r.FormValue("day"), Kind: r.FormValue("kind"), Name: r.FormValue("name")}
	if err := m.SetCalendarDay(r.Context(), web.Principal(r), in); err != nil {
		return err
	}
	http.Redirect(w, r, "/express/demands/settings?year="+strings.SplitN(in.Day, "-", 2)[0]+"&ok=saved", http.StatusSeeOther)
	return nil
}

func calYearParam(r *http.Request, now time.Time) int {
	var y int
	if _, err := fmt.Sscan(r.URL.Query().Get("year"), &y); err != nil || y < 2000 || y > 2100 {
		y = now.In(clock.Zone).Year()
	}
	return y
}
