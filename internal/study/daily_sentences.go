package study

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

// Sentence is a scheduled daily sentence (金句).
type Sentence struct {
	ID         int64     `json:"id"`
	Day        string    `json:"day"`
	Text       string    `json:"text"`
	Source     string    `json:"source"`
	KeyPhrases []string  `json:"key_phrases"` // in blank order
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

const dailySentenceCols = `id, day, text, source, key_phrases, created_at, updated_at`

func dailyScanSentence(r interface{ Scan(...any) error }) (*Sentence, error) {
	var s Sentence
	var phrases string
	if err := r.Scan(&s.ID, &s.Day, &s.Text, &s.Source, &phrases, &s.CreatedAt, &s.UpdatedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(phrases), &s.KeyPhrases); err != nil || s.KeyPhrases == nil {
		s.KeyPhrases = []string{}
	}
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	return &s, nil
}

func dailyPhrasesJSON(ps []string) string {
	if ps == nil {
		ps = []string{}
	}
	b, _ := json.Marshal(ps)
	return string(b)
}

// dailySentenceOn returns the sentence of a zone day, or nil when none is
// scheduled.
func dailySentenceOn(ctx context.Context, q db.Querier, day string) (*Sentence, error) {
	s, err := dailyScanSentence(q.QueryRowContext(ctx, `SELECT `+dailySentenceCols+` FROM study_sentences WHERE day = ?`, day))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return s, err
}

func dailySentenceByID(ctx context.Context, q db.Querier, id int64) (*Sentence, error) {
	s, err := dailyScanSentence(q.QueryRowContext(ctx, `SELECT `+dailySentenceCols+` FROM study_sentences WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf(fmt.Sprintf("sentence %d", id))
	}
	return s, err
}

func dailySentencesBetween(ctx context.Context, q db.Querier, from, to string) ([]Sentence, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+dailySentenceCols+` FROM study_sentences WHERE day >= ? AND day <= ? ORDER BY day`, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Sentence{}
	for rows.Next() {
		s, err := dailyScanSentence(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *s)
	}
	return out, rows.Err()
}

// SentencesBetween lists the sentences scheduled between two zone days
// (inclusive), for other parts of the room (the monthly quiz builds its
// fill-ins from them). Like directory.MembersOf it checks no principal.
func (m *Module) SentencesBetween(ctx context.Context, from, to string) ([]Sentence, error) {
	return dailySentencesBetween(ctx, m.DB.Q(ctx), from, to)
}

func dailyInsertSentence(ctx context.Context, tx *db.Tx, in SentenceInput, now time.Time) (int64, error) {
	return tx.InsertID(ctx, `INSERT INTO study_sentences (day, text, source, key_phrases, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
		in.Day, in.Text, in.Source, dailyPhrasesJSON(in.KeyPhrases), now, now)
}

func dailyDayTaken(ctx context.Context, tx *db.Tx, day string, except int64) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM study_sentences WHERE day = ? AND id <> ?`, day, except).Scan(&n)
	return n > 0, err
}

func dailyErrDayTaken(day string) error {
	return &errs.Error{Kind: errs.Conflict, Field: "day", Zh: fmt.Sprintf("%s 已编排金句，每天只能有一句；请编辑该日的金句", day),
		En: fmt.Sprintf("%s already has a sentence (one a day); edit that day's sentence instead", day)}
}

// dailyErrHistory refuses to change a sentence whose day has begun: members may
// have read it, recited it and checked in against it.
func dailyErrHistory(day, today string) error {
	return errs.New(errs.Conflict, fmt.Sprintf("%s 的金句已经开始使用（今天是 %s），属于历史记录，不能修改或删除；只能编排明天及以后的金句", day, today),
		fmt.Sprintf("the sentence of %s is history (today is %s): it can no longer be changed or deleted; only later days can be scheduled", day, today))
}

// CreateSentence schedules a sentence for a future zone day (editors).
func (m *Module) CreateSentence(ctx context.Context, p *auth.Principal, in SentenceInput) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, PermEdit, auth.Anything, "study_sentence", ""); err != nil {
		return 0, err
	}
	in, l := dailyValidateSentence(in, m.dailyToday())
	if len(l) > 0 {
		return 0, l
	}
	var id int64
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if taken, err := dailyDayTaken(ctx, tx, in.Day, 0); err != nil || taken {
			if err == nil {
				err = dailyErrDayTaken(in.Day)
			}
			return err
		}
		m.dailyInvalidate(ctx)
		var err error
		if id, err = dailyInsertSentence(ctx, tx, in, m.Clock.Now()); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "study.sentence.create", ObjectType: "study_sentence", ObjectID: strconv.FormatInt(id, 10), Detail: in.Day})
	})
	return id, err
}

// UpdateSentence changes a future day's sentence (and may move it to
// another future day).
func (m *Module) UpdateSentence(ctx context.Context, p *auth.Principal, id int64, in SentenceInput) error {
	if err := m.Auth.Authorize(ctx, p, PermEdit, auth.Anything, "study_sentence", strconv.FormatInt(id, 10)); err != nil {
		return err
	}
	today := m.dailyToday()
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		old, err := dailySentenceByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if old.Day <= today {
			return dailyErrHistory(old.Day, today)
		}
		in, l := dailyValidateSentence(in, today)
		if len(l) > 0 {
			return l
		}
		if taken, err := dailyDayTaken(ctx, tx, in.Day, id); err != nil || taken {
			if err == nil {
				err = dailyErrDayTaken(in.Day)
			}
			return err
		}
		m.dailyInvalidate(ctx)
		if _, err := tx.ExecContext(ctx, `UPDATE study_sentences SET day = ?, text = ?, source = ?, key_phrases = ?, updated_at = ? WHERE id = ?`,
			in.Day, in.Text, in.Source, dailyPhrasesJSON(in.KeyPhrases), m.Clock.Now(), id); err != nil {
			return err
		}
		detail := in.Day
		if in.Day != old.Day {
			detail = old.Day + " → " + in.Day
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "study.sentence.update", ObjectType: "study_sentence", ObjectID: strconv.FormatInt(id, 10), Detail: detail})
	})
}

// DeleteSentence removes a future day's sentence, leaving a gap.
func (m *Module) DeleteSentence(ctx context.Context, p *auth.Principal, id int64) error {
	if err := m.Auth.Authorize(ctx, p, PermEdit, auth.Anything, "study_sentence", strconv.FormatInt(id, 10)); err != nil {
		return err
	}
	today := m.dailyToday()
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		old, err := dailySentenceByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if old.Day <= today {
			return dailyErrHistory(old.Day, today)
		}
		m.dailyInvalidate(ctx)
		if _, err := tx.ExecContext(ctx, `DELETE FROM study_sentences WHERE id = ?`, id); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "study.sentence.delete", ObjectType: "study_sentence", ObjectID: strconv.FormatInt(id, 10), Detail: old.Day})
	})
}

// Sentence returns one sentence, key phrases included (editors).
func (m *Module) Sentence(ctx context.Context, p *auth.Principal, id int64) (*Sentence, error) {
	if err := m.Auth.Authorize(ctx, p, PermEdit, auth.Anything, "study_sentence", strconv.FormatInt(id, 10)); err != nil {
		return nil, err
	}
	return dailySentenceByID(ctx, m.DB.Q(ctx), id)
}

// SentenceRow is one parsed row of a sentence import.
type SentenceRow struct {
	Row    int
	In     SentenceInput
	Issues []directory.RowIssue // faults found while reading the cells
}

// ImportSentences validates every row and, only if all are valid, schedules
// them all in one transaction; otherwise it returns a *directory.ImportError
// naming each row, column and rule, and schedules nothing. column labels a
// field's column for that report.
func (m *Module) ImportSentences(ctx context.Context, p *auth.Principal, rows []SentenceRow, column func(string) string) (int, error) {
	if err := m.Auth.Authorize(ctx, p, PermEdit, auth.Anything, "study_sentence", ""); err != nil {
		return 0, err
	}
	today := m.dailyToday()
	var issues []directory.RowIssue
	add := func(row int, e *errs.Error) {
		f := e.Field
		base := f
		if i := strings.IndexByte(f, '['); i >= 0 {
			base = f[:i]
		}
		issues = append(issues, directory.RowIssue{Row: row, Column: column(base), Field: f,
			Zh: fmt.Sprintf("第 %d 行：%s", row, e.Zh), En: fmt.Sprintf("row %d: %s", row, e.En)})
	}
	clean := make([]SentenceInput, len(rows))
	seen := map[string]int{}
	for i, r := range rows {
		issues = append(issues, r.Issues...)
		in, l := dailyValidateSentence(r.In, today)
		for _, e := range l {
			if e.Field == "day" && dailyHasIssue(r.Issues, "day") {
				continue // the cell itself was already reported
			}
			add(r.Row, e)
		}
		if len(l) == 0 || !dailyHasErr(l, "day") {
			if first, dup := seen[in.Day]; dup && in.Day != "" {
				add(r.Row, errs.Field("day", fmt.Sprintf("日期 %s 与第 %d 行重复，每天只能有一句", in.Day, first), fmt.Sprintf("the day %s repeats row %d (one sentence a day)", in.Day, first)))
			} else {
				seen[in.Day] = r.Row
			}
		}
		clean[i] = in
	}
	if len(rows) == 0 {
		issues = append(issues, directory.RowIssue{Zh: "文件中没有数据行", En: "the file has no data rows"})
	}
	if len(issues) > 0 {
		return 0, &directory.ImportError{Issues: issues}
	}
	now := m.Clock.Now()
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		days := make([]string, len(clean))
		for i, in := range clean {
			days[i] = in.Day
		}
		ph, args := db.In(days)
		rs, err := tx.QueryContext(ctx, `SELECT day FROM study_sentences WHERE day IN (`+ph+`)`, args...)
		if err != nil {
			return err
		}
		taken := map[string]bool{}
		for rs.Next() {
			var d string
			if err := rs.Scan(&d); err != nil {
				rs.Close()
				return err
			}
			taken[d] = true
		}
		rs.Close()
		var dbIssues []directory.RowIssue
		for i, in := range clean {
			if taken[in.Day] {
				dbIssues = append(dbIssues, directory.RowIssue{Row: rows[i].Row, Column: column("day"), Field: "day",
					Zh: fmt.Sprintf("第 %d 行：%s 已编排金句；如需更换，请先在日历中修改或删除该日的金句", rows[i].Row, in.Day),
					En: fmt.Sprintf("row %d: %s already has a sentence; edit or delete it in the calendar first", rows[i].Row, in.Day)})
			}
		}
		if len(dbIssues) > 0 {
			return &directory.ImportError{Issues: dbIssues}
		}
		m.dailyInvalidate(ctx)
		for _, in := range clean {
			if _, err := dailyInsertSentence(ctx, tx, in, now); err != nil {
				return err
			}
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "study.sentence.import", ObjectType: "study_sentence",
			Detail: fmt.Sprintf("%d rows, %s … %s", len(clean), slices.Min(days), slices.Max(days))})
	})
	if err != nil {
		return 0, err
	}
	return len(clean), nil
}

func dailyHasIssue(is []directory.RowIssue, f string) bool {
	for _, i := range is {
		if i.Field == f {
			return true
		}
	}
	return false
}

func dailyHasErr(l errs.List, f string) bool {
	for _, e := range l {
		if e.Field == f {
			return true
		}
	}
	return false
}

// SentenceMonth is the editors' calendar of one month.
type SentenceMonth struct {
	Month     string           `json:"month"` // YYYY-MM
	Today     string           `json:"today"`
	Days      []SentenceDay    `json:"days"`
	Weeks     [][7]SentenceDay `json:"-"` // Monday-first grid, days of the neighbouring months blank
	Scheduled int              `json:"scheduled"`
	Gaps      int              `json:"gaps"` // future days of the month with no sentence
	Prev      string           `json:"prev"`
	Next      string           `json:"next"`
}

// SentenceDay is one day of the calendar.
type SentenceDay struct {
	Day      string    `json:"day"`
	Num      int       `json:"-"`
	Weekday  int       `json:"-"`        // 0 Monday … 6 Sunday
	Past     bool      `json:"past"`     // the day has begun: history, read-only
	Today    bool      `json:"today"`    // today (read-only too)
	Sentence *Sentence `json:"sentence"` // nil: a gap
}

// parseMonth reads "YYYY-MM"; empty means the month of today.
func dailyParseMonth(s, today string) (time.Time, error) {
	if s == "" {
		s = today[:7]
	}
	t, err := time.Parse("2006-01", s)
	if err != nil || t.Year() < 2000 || t.Year() > 2100 {
		return time.Time{}, errs.Field("month", "月份须为 YYYY-MM 格式，如 2021-12", "the month must look like YYYY-MM, e.g. 2021-12")
	}
	return t, nil
}

// SentencesOfMonth is the calendar of a month ("YYYY-MM", default this one).
func (m *Module) SentencesOfMonth(ctx context.Context, p *auth.Principal, month string) (*SentenceMonth, error) {
	if err := m.Auth.Authorize(ctx, p, PermEdit, auth.Anything, "study_sentence", ""); err != nil {
		return nil, err
	}
	today := m.dailyToday()
	first, err := dailyParseMonth(month, today)
	if err != nil {
		return nil, err
	}
	last := first.AddDate(0, 1, -1)
	ss, err := dailySentencesBetween(ctx, m.DB.Q(ctx), first.Format(time.DateOnly), last.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	byDay := map[string]*Sentence{}
	for i := range ss {
		byDay[ss[i].Day] = &ss[i]
	}
	out := &SentenceMonth{Month: first.Format("2006-01"), Today: today, Days: []SentenceDay{},
		Prev: first.AddDate(0, -1, 0).Format("2006-01"), Next: first.AddDate(0, 1, 0).Format("2006-01")}
	var week [7]SentenceDay
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		day := d.Format(time.DateOnly)
		sd := SentenceDay{Day: day, Num: d.Day(), Weekday: (int(d.Weekday()) + 6) % 7, Past: day < today, Today: day == today, Sentence: byDay[day]}
		if sd.Sentence != nil {
			out.Scheduled++
		} else if day > today {
			out.Gaps++
		}
		out.Days = append(out.Days, sd)
		week[sd.Weekday] = sd
		if sd.Weekday == 6 || d.Equal(last) {
			out.Weeks = append(out.Weeks, week)
			week = [7]SentenceDay{}
		}
	}
	return out, nil
}
