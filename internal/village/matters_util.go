package village

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/errs"
)

// Small helpers shared by the supervision parts (matters, talks, warning,
// reports, rule book). Prefixed sv so they do not collide with the other
// parts of this package.

// svID reads the {id} path value; a malformed id is "not found", like an
// absent one.
func svID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.NotFoundf("对象")
	}
	return id, nil
}

// svText checks a text field's length in characters (runes).
func svText(l *errs.List, field, zh, en, v string, min, max int) {
	if n := utf8.RuneCountInString(v); n < min || n > max {
		if min == 0 {
			*l = append(*l, errs.Field(field, fmt.Sprintf("%s最多 %d 个字", zh, max), fmt.Sprintf("%s must be at most %d characters", en, max)))
			return
		}
		*l = append(*l, errs.Field(field, fmt.Sprintf("%s须为 %d–%d 个字", zh, min, max), fmt.Sprintf("%s must be %d–%d characters", en, min, max)))
	}
}

// svDay checks a YYYY-MM-DD zone day.
func svDay(l *errs.List, field, zh, en, v string) bool {
	if _, err := clock.ParseDay(v); err != nil {
		*l = append(*l, errs.Field(field, zh+"须为 YYYY-MM-DD 格式的日期", en+" must be a date (YYYY-MM-DD)"))
		return false
	}
	return true
}

// svNotFuture refuses a day after today (records are of what happened).
func svNotFuture(l *errs.List, field, zh, en, day, today string) {
	if day > today {
		*l = append(*l, errs.Field(field, fmt.Sprintf("%s %s 晚于今天 %s", zh, day, today), fmt.Sprintf("%s %s is after today %s", en, day, today)))
	}
}

// svToday is the zone day of the module's clock.
func (m *Module) svToday() string { return clock.Day(m.Clock.Now()) }

// svYear is the zone year of the module's clock.
func (m *Module) svYear() int { y, _ := strconv.Atoi(m.svToday()[:4]); return y }

// svYearParam reads ?year=, defaulting to def; out-of-range years are
// invalid input.
func svYearParam(r *http.Request, def int) (int, error) {
	s := strings.TrimSpace(r.URL.Query().Get("year"))
	if s == "" {
		return def, nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < 2000 || y > 2100 {
		return 0, errs.Field("year", "年度须为 2000–2100 之间的整数", "the year must be an integer between 2000 and 2100")
	}
	return y, nil
}

// svPersonName returns a person's name, or a field error when absent.
func (m *Module) svPersonName(ctx context.Context, field string, id int64) (string, error) {
	var name string
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT name FROM people WHERE id = ?`, id).Scan(&name)
	if err != nil {
		return "", errs.Field(field, fmt.Sprintf("人员 %d 不存在", id), fmt.Sprintf("person %d does not exist", id))
	}
	return name, nil
}

// svSecretaries lists each village's current secretary (村党组织书记) from
// the directory's positions: village id → person.
func (m *Module) svSecretaries(ctx context.Context) (map[int64]svPerson, error) {
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT ps.village_id, p.id, p.name FROM positions ps JOIN people p ON p.id = ps.person_id
		WHERE ps.title = 'village_secretary' AND ps.ended_on = '' AND ps.village_id IS NOT NULL ORDER BY ps.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]svPerson{}
	for rows.Next() {
		var v int64
		var sp svPerson
		if err := rows.Scan(&v, &sp.ID, &sp.Name); err != nil {
			return nil, err
		}
		if _, ok := out[v]; !ok {
			out[v] = sp
		}
	}
	return out, rows.Err()
}

// svHoldsPost reports whether a person holds, or held, a post in a
// village (any post when title is empty).
func (m *Module) svHoldsPost(ctx context.Context, personID, villageID int64, title string) (bool, error) {
	q := `SELECT COUNT(*) FROM positions WHERE person_id = ? AND village_id = ?`
	args := []any{personID, villageID}
	if title == "" {
		q += ` AND ended_on = ''`
	} else {
		q += ` AND title = ?`
		args = append(args, title)
	}
	var n int
	err := m.DB.Q(ctx).QueryRowContext(ctx, q, args...).Scan(&n)
	return n > 0, err
}

type svPerson struct {
	ID   int64
	Name string
}

// svIsForm reports an HTML form post (as opposed to the JSON API).
func svIsForm(r *http.Request) bool { return !strings.HasPrefix(r.URL.Path, "/api/") }
