package study

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

// Check-in modes.
const (
	CheckinRead   = "read"   // 阅读打卡
	CheckinRecite = "recite" // 背诵打卡: every blank filled in right
)

// dailyCheckinRef is the ref_type of the points a check-in earns.
const dailyCheckinRef = "study_checkin"

// TodaySentence is the day's sentence as a member sees it: the text to read
// and, for recitation, the same text with its key phrases blanked out. The
// key phrases themselves are not part of it.
type TodaySentence struct {
	Day      string         `json:"day"`
	Text     string         `json:"text"`
	Source   string         `json:"source"`
	Blanks   int            `json:"blanks"`
	Cloze    string         `json:"cloze"`
	Segments []ClozeSegment `json:"segments"`
	// The caller's standing today.
	CheckedIn bool   `json:"checked_in"`
	Mode      string `json:"mode,omitempty"`
	Streak    int    `json:"streak"`
}

func dailyErrNoSentence(day string) error {
	return errs.New(errs.NotFound, fmt.Sprintf("今天（%s）没有安排金句", day), fmt.Sprintf("no sentence is scheduled for today (%s)", day))
}

// Today returns the day's sentence for a learner, with whether they have
// checked in and their streak. No sentence scheduled answers NotFound.
func (m *Module) Today(ctx context.Context, p *auth.Principal) (*TodaySentence, error) {
	if err := m.dailyLearner(ctx, p, "study_sentence"); err != nil {
		return nil, err
	}
	day := m.dailyToday()
	q := m.DB.Q(ctx)
	dd, err := m.dailyDayOf(ctx, day)
	if err != nil {
		return nil, err
	}
	if dd == nil {
		return nil, dailyErrNoSentence(day)
	}
	s := dd.sentence
	t := &TodaySentence{Day: day, Text: s.Text, Source: s.Source, Blanks: len(dd.expect), Cloze: dd.cloze, Segments: dd.segs}
	if t.Mode, err = dailyCheckinMode(ctx, q, p.PersonID, day); err != nil {
		return nil, err
	}
	t.CheckedIn = t.Mode != ""
	if t.Streak, err = m.dailyStreakOf(ctx, q, p.PersonID, day); err != nil {
		return nil, err
	}
	return t, nil
}

func dailyCheckinMode(ctx context.Context, q db.Querier, person int64, day string) (string, error) {
	var mode string
	err := q.QueryRowContext(ctx, `SELECT mode FROM study_checkins WHERE day = ? AND person_id = ?`, day, person).Scan(&mode)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return mode, err
}

// dailyStreakLookback bounds the days read to compute a streak; a longer streak
// shows as this many days.
const dailyStreakLookback = 800

// dailyStreakMax is the longest streak reported: what dailyStreakOf can
// count within its lookback (a recorded streak stops growing there too).
const dailyStreakMax = dailyStreakLookback + 1

// dailyStreakPage is how many days one read of a streak counts.
const dailyStreakPage = 32

// CheckinInput is a check-in request.
type CheckinInput struct {
	Mode    string   `json:"mode"`
	Answers []string `json:"answers,omitempty"`
}

// CheckinResult says what a check-in did. New is a first check-in of the
// day (HTTP 201); Upgraded a recitation after a reading check-in; Repeat a
// check-in that changed nothing.
type CheckinResult struct {
	Day      string `json:"day"`
	Mode     string `json:"mode"` // the day's mode after the request
	New      bool   `json:"new"`
	Repeat   bool   `json:"repeat"`
	Upgraded bool   `json:"upgraded"`
	Points   int    `json:"points"` // awarded by this request
	Streak   int    `json:"streak"`
	Message  string `json:"message"`
	zh, en   string
}

// Localize sets Message in lang.
func (r *CheckinResult) Localize(lang string) {
	r.Message = r.zh
	if lang == "en" {
		r.Message = r.en
	}
}

// dailyMaxAnswerRunes bounds one typed answer; a key phrase is at most 30.
const dailyMaxAnswerRunes = 200

// CheckIn records the caller's check-in for the zone day now: by reading,
// or by reciting (every blank right, else a field error per wrong blank and
// nothing is recorded). One row per member per day: a repeat changes
// nothing and says so; a recitation after a reading check-in upgrades the
// row and earns the recitation points. Points go to the ledger in the same
// transaction (RULES.md §6: read 1, recite 2 — reciting includes reading, so
// a first check-in by recitation earns both).
func (m *Module) CheckIn(ctx context.Context, p *auth.Principal, in CheckinInput) (*CheckinResult, error) {
	if err := m.dailyLearner(ctx, p, "study_checkins"); err != nil {
		return nil, err
	}
	switch in.Mode {
	case CheckinRead:
	case CheckinRecite:
		for i, a := range in.Answers {
			if len([]rune(a)) > dailyMaxAnswerRunes {
				return nil, errs.Field(fmt.Sprintf("answers[%d]", i), fmt.Sprintf("第 %d 个空的答案过长（最多 %d 个字）", i+1, dailyMaxAnswerRunes),
					fmt.Sprintf("answer %d is too long (at most %d characters)", i+1, dailyMaxAnswerRunes))
			}
		}
	default:
		return nil, errs.Field("mode", "打卡方式须为 read（阅读）或 recite（背诵）", "mode must be read or recite")
	}
	now := m.Clock.Now()
	day := clock.Day(now)
	// Read before the shared transaction (issue 8: the group-commit writer
	// runs every check-in of a batch one after the other, so it does only
	// writes and the reads that must see them): the day's sentence — history
	// once the day has begun, the service refuses to change it — the grading
	// of the answers, and the point rules in force.
	// They come from this replica's copy of the day (daily_cache.go).
	q := m.DB.Q(ctx)
	dd, err := m.dailyDayOf(ctx, day)
	if err != nil {
		return nil, err
	}
	if dd == nil {
		return nil, dailyErrNoSentence(day)
	}
	var gradeErr error
	if in.Mode == CheckinRecite {
		if l := GradeRecitation(dd.expect, in.Answers); len(l) > 0 {
			gradeErr = l
		}
	}
	if gradeErr != nil {
		// A wrong recitation writes nothing: answer it from a read, so that
		// the shared transaction only ever holds work that succeeds. Someone
		// who already recited today is told so rather than graded.
		cur, err := dailyCheckinMode(ctx, q, p.PersonID, day)
		if err != nil {
			return nil, err
		}
		if cur != CheckinRecite {
			return nil, gradeErr
		}
		res := &CheckinResult{Day: day}
		dailyRepeat(res, cur, day)
		if res.Streak, err = m.dailyStreakOf(ctx, q, p.PersonID, day); err != nil {
			return nil, err
		}
		return res, nil
	}
	// Batch commit (issue 8, daily_batch.go): the morning burst's check-ins
	// are written together, set-based, and Do returns only once the
	// transaction holding ours has committed — an acknowledged check-in is
	// a stored one.
	out, err := m.checkinBatcher().Do(ctx, checkinItem{person: p.PersonID, day: day, mode: in.Mode, now: now, read: dd.read, recite: dd.recite})
	if err != nil {
		return nil, err
	}
	res := &out
	if res.Streak == 0 { // not a new row of the batch's bulk path: count it
		if res.Streak, err = m.dailyStreakOf(ctx, m.DB.Q(ctx), p.PersonID, day); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// checkinOne writes one check-in inside tx, the path for everything the
// bulk insert of a batch does not cover: a first check-in (when the batch
// is run item by item), a repeat, and an upgrade read → recite.
func (m *Module) checkinOne(ctx context.Context, tx *db.Tx, it *checkinItem) (CheckinResult, error) {
	day := it.day
	res := CheckinResult{Day: day}
	var recited any
	if it.mode == CheckinRecite {
		recited = it.now
	}
	insert := func() (int64, error) {
		streak := []int{0}
		if err := m.checkinStreaks(ctx, tx, []checkinItem{*it}, []int{0}, streak); err != nil {
			return 0, err
		}
		var id int64
		err := tx.QueryRowCached(ctx, `INSERT INTO study_checkins (person_id, day, mode, created_at, recited_at, streak) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (day, person_id) DO NOTHING RETURNING id`, it.person, day, it.mode, it.now, recited, streak[0]).Scan(&id)
		if err == nil {
			res.Streak = streak[0]
		}
		return id, err
	}
	newCheckin := func(id int64) (CheckinResult, error) {
		if err := dailyRollupAdd(ctx, tx, it.person, day, true, it.mode == CheckinRecite); err != nil {
			return res, err
		}
		acts, rules := it.rules()
		n, err := m.checkinAwards(ctx, tx, it.person, day, id, acts, rules)
		if err != nil {
			return res, err
		}
		res.Points = n
		res.Mode, res.New = it.mode, true
		if it.mode == CheckinRecite {
			res.zh, res.en = fmt.Sprintf("背诵正确，打卡成功！获得 %d 积分", res.Points), fmt.Sprintf("All blanks right — checked in by reciting! %d points", res.Points)
		} else {
			res.zh, res.en = fmt.Sprintf("阅读打卡成功！获得 %d 积分", res.Points), fmt.Sprintf("Checked in by reading! %d points", res.Points)
		}
		return res, nil
	}
	// Two tries: a concurrent first check-in of the same member (another
	// tab, a double tap; on PostgreSQL another replica) makes our insert do
	// nothing; we then read the row it wrote and carry on as a repeat or an
	// upgrade.
	for try := 0; try < 2; try++ {
		var id int64
		var cur string
		err := tx.QueryRowCached(ctx, `SELECT id, mode FROM study_checkins WHERE day = ? AND person_id = ?`, day, it.person).Scan(&id, &cur)
		exists := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return res, err
		}
		if exists && (cur == CheckinRecite || it.mode == CheckinRead) {
			dailyRepeat(&res, cur, day)
			return res, nil
		}
		if exists { // read → recite
			r, err := tx.ExecContext(ctx, `UPDATE study_checkins SET mode = 'recite', recited_at = ? WHERE id = ? AND mode = 'read'`, it.now, id)
			if err != nil {
				return res, err
			}
			if n, _ := r.RowsAffected(); n == 0 {
				continue
			}
			if err := dailyRollupAdd(ctx, tx, it.person, day, false, true); err != nil {
				return res, err
			}
			n, err := m.Award(ctx, it.person, day, ActSentenceRecite, 0, dailyCheckinRef, id)
			if err != nil {
				return res, err
			}
			res.Mode, res.Upgraded, res.Points = CheckinRecite, true, n
			res.zh, res.en = fmt.Sprintf("背诵正确！已在阅读打卡的基础上获得背诵积分 %d 分", n), fmt.Sprintf("All blanks right! Recitation points added to today's check-in: %d", n)
			return res, nil
		}
		id, err = insert()
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return res, err
		}
		return newCheckin(id)
	}
	return res, errs.New(errs.Conflict, "打卡正在处理中，请稍后刷新页面", "the check-in is being processed; refresh in a moment")
}

// dailyRepeat makes res the answer to a check-in that changes nothing:
// the member already checked in today in mode cur.
func dailyRepeat(res *CheckinResult, cur, day string) {
	res.Mode, res.Repeat = cur, true
	if cur == CheckinRecite {
		res.zh, res.en = fmt.Sprintf("今天（%s）已背诵打卡，本次不重复计入", day), fmt.Sprintf("you already checked in by reciting today (%s); nothing changed", day)
	} else {
		res.zh, res.en = fmt.Sprintf("今天（%s）已阅读打卡，本次不重复计入；背诵填空全部正确还可获得背诵积分", day),
			fmt.Sprintf("you already checked in by reading today (%s); nothing changed — recite it with every blank right to earn the recitation points", day)
	}
}

// CheckinRecord is one day of a member's record.
type CheckinRecord struct {
	Day       string     `json:"day"`
	Mode      string     `json:"mode"`
	CreatedAt time.Time  `json:"created_at"`
	RecitedAt *time.Time `json:"recited_at,omitempty"`
}

// CheckinList is a member's check-ins between two zone days.
type CheckinList struct {
	Member int64           `json:"member"`
	From   string          `json:"from"`
	To     string          `json:"to"`
	Total  int             `json:"total"`
	Streak int             `json:"streak"`
	Items  []CheckinRecord `json:"items"`
}

// dailyMaxRecordDays bounds one request for a member's record.
const dailyMaxRecordDays = 366

// Checkins lists a member's check-ins between from and to (zone days,
// inclusive; default the last 30 days). A member (any learner) sees only
// their own record: another member's id answers NotFound and is audited as
// a denial; the committee sees anyone's. member 0 means the caller.
func (m *Module) Checkins(ctx context.Context, p *auth.Principal, member int64, from, to string) (*CheckinList, error) {
	if member == 0 && p != nil {
		member = p.PersonID
	}
	if err := m.Auth.Authorize(ctx, p, PermCheckins, auth.Object{Person: member}, "person", strconv.FormatInt(member, 10)); err != nil {
		return nil, err
	}
	if member <= 0 {
		return nil, errs.Field("member", "请指定党员（member=人员编号）", "name the member (member=person id)")
	}
	q := m.DB.Q(ctx)
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM people WHERE id = ?`, member).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, errs.NotFoundf(fmt.Sprintf("person %d", member))
	}
	today := m.dailyToday()
	if to == "" {
		to = today
	}
	if from == "" {
		from = dailyAddDays(to, -29)
	}
	f, err1 := time.Parse(time.DateOnly, from)
	t, err2 := time.Parse(time.DateOnly, to)
	switch {
	case err1 != nil:
		return nil, errs.Field("from", "起始日期须为 YYYY-MM-DD", "from must be a date YYYY-MM-DD")
	case err2 != nil:
		return nil, errs.Field("to", "截止日期须为 YYYY-MM-DD", "to must be a date YYYY-MM-DD")
	case t.Before(f):
		return nil, errs.Field("to", "截止日期不能早于起始日期", "to must not be before from")
	case t.Sub(f) > (dailyMaxRecordDays-1)*24*time.Hour:
		return nil, errs.Field("to", fmt.Sprintf("一次最多查询 %d 天", dailyMaxRecordDays), fmt.Sprintf("at most %d days per request", dailyMaxRecordDays))
	}
	src, where, args := dailyDaysFrom(m.DB.Dialect, from, to)
	rows, err := q.QueryContext(ctx, `SELECT c.day, c.mode, c.created_at, c.recited_at FROM `+src+` WHERE `+where+` AND c.person_id = ? ORDER BY c.day`, append(args, member)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := &CheckinList{Member: member, From: from, To: to, Items: []CheckinRecord{}}
	for rows.Next() {
		var c CheckinRecord
		var rec sql.NullTime
		if err := rows.Scan(&c.Day, &c.Mode, &c.CreatedAt, &rec); err != nil {
			return nil, err
		}
		c.CreatedAt = c.CreatedAt.UTC()
		if rec.Valid {
			t := rec.Time.UTC()
			c.RecitedAt = &t
		}
		out.Items = append(out.Items, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out.Total = len(out.Items)
	if out.Streak, err = m.dailyStreakOf(ctx, q, member, today); err != nil {
		return nil, err
	}
	return out, nil
}

// DayTick is one of the last days on the study page.
type DayTick struct {
	Day     string `json:"day"`
	Weekday string `json:"weekday"`
	Mode    string `json:"mode"` // "" when missed
	Today   bool   `json:"today"`
}

// Progress is a learner's standing: streak, points and the last 7 days.
type Progress struct {
	Day         string    `json:"day"`
	Streak      int       `json:"streak"`
	CheckedIn   bool      `json:"checked_in"`
	Mode        string    `json:"mode,omitempty"`
	PointsToday int       `json:"points_today"`
	PointsWeek  int       `json:"points_week"` // this ISO week, Monday to today
	PointsTotal int       `json:"points_total"`
	Last7       []DayTick `json:"last_7_days"` // oldest first, today last
}

// ProgressOf computes a learner's progress (lang names the weekdays).
func (m *Module) ProgressOf(ctx context.Context, p *auth.Principal, lang string) (*Progress, error) {
	if err := m.dailyLearner(ctx, p, "study_progress"); err != nil {
		return nil, err
	}
	q := m.DB.Q(ctx)
	today := m.dailyToday()
	streak, err := m.dailyStreakOf(ctx, q, p.PersonID, today)
	if err != nil {
		return nil, err
	}
	out := &Progress{Day: today, Streak: streak}
	modes, err := m.dailyMemberDays(ctx, q, p.PersonID, dailyAddDays(today, -6), today)
	if err != nil {
		return nil, err
	}
	for i := 6; i >= 0; i-- {
		d := dailyAddDays(today, -i)
		out.Last7 = append(out.Last7, DayTick{Day: d, Weekday: dailyWeekday(d, lang), Mode: modes[d], Today: i == 0})
	}
	out.Mode = modes[today]
	out.CheckedIn = out.Mode != ""
	if out.PointsToday, err = m.PointsOf(ctx, p.PersonID, today, today); err != nil {
		return nil, err
	}
	if out.PointsWeek, err = m.PointsOf(ctx, p.PersonID, ISOWeekOf(today).Monday(), today); err != nil {
		return nil, err
	}
	if out.PointsTotal, err = m.PointsOf(ctx, p.PersonID, "0000-01-01", today); err != nil {
		return nil, err
	}
	return out, nil
}
