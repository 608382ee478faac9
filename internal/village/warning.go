package village

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

// PermWarningRead reads warning-education records (警示教育): they concern
// every village cadre and are not secret — the committee, discipline and
// village secretaries zone-wide.
const PermWarningRead auth.Perm = "village:warning_read"

func init() {
	auth.Register(PermWarningRead, auth.Rule{Role: auth.Committee}, auth.Rule{Role: auth.Discipline}, auth.Rule{Role: auth.VillageSecretary, Any: true})
}

// WarningMeeting is a warning-education meeting (警示教育大会) for village
// cadres: zone-wide, or for the listed villages.
type WarningMeeting struct {
	ID         int64    `json:"id"`
	HeldOn     string   `json:"held_on"`
	Title      string   `json:"title"`
	Expected   int      `json:"expected"`
	Present    int      `json:"present"`
	Notes      string   `json:"notes"`
	VillageIDs []int64  `json:"village_ids"` // empty: the whole zone
	Villages   []string `json:"villages"`
}

// WarningTraining is a training of village cadres; each must include a
// warning-education lesson (RULES.md 4).
type WarningTraining struct {
	ID          int64  `json:"id"`
	HeldOn      string `json:"held_on"`
	Title       string `json:"title"`
	HasLesson   bool   `json:"has_warning_lesson"`
	LessonTitle string `json:"lesson_title"`
}

// WarningMeetingInput records a meeting.
type WarningMeetingInput struct {
	HeldOn     string  `json:"held_on"`
	Title      string  `json:"title"`
	Expected   int     `json:"expected"`
	Present    int     `json:"present"`
	Notes      string  `json:"notes"`
	VillageIDs []int64 `json:"village_ids"`
}

// WarningTrainingInput records a training.
type WarningTrainingInput struct {
	HeldOn      string `json:"held_on"`
	Title       string `json:"title"`
	HasLesson   bool   `json:"has_warning_lesson"`
	LessonTitle string `json:"lesson_title"`
}

// WarningFlagSet is the year's flags: no meeting at all, villages no
// meeting covered, and trainings without the lesson.
type WarningFlagSet struct {
	Year              int               `json:"year"`
	Meetings          int               `json:"meetings"`
	NoMeeting         bool              `json:"no_meeting"`
	UncoveredVillages []string          `json:"uncovered_villages"`
	WithoutLesson     []WarningTraining `json:"trainings_without_lesson"`
}

// WarningFlags is RULES.md §4's second row as a pure function: at least one
// warning-education meeting a year (a meeting without a village list covers
// the whole zone; one with a list covers those villages), and a
// warning-education lesson in every training of the year.
func WarningFlags(year int, villages []directory.Village, meetings []WarningMeeting, trainings []WarningTraining) WarningFlagSet {
	prefix := fmt.Sprintf("%04d-", year)
	f := WarningFlagSet{Year: year, UncoveredVillages: []string{}, WithoutLesson: []WarningTraining{}}
	covered := map[int64]bool{}
	zone := false
	for _, mt := range meetings {
		if !strings.HasPrefix(mt.HeldOn, prefix) {
			continue
		}
		f.Meetings++
		if len(mt.VillageIDs) == 0 {
			zone = true
		}
		for _, v := range mt.VillageIDs {
			covered[v] = true
		}
	}
	f.NoMeeting = f.Meetings == 0
	if !zone {
		for _, v := range villages {
			if !covered[v.ID] {
				f.UncoveredVillages = append(f.UncoveredVillages, v.Name)
			}
		}
	}
	for _, t := range trainings {
		if strings.HasPrefix(t.HeldOn, prefix) && !t.HasLesson {
			f.WithoutLesson = append(f.WithoutLesson, t)
		}
	}
	return f
}

func (m *Module) warningMeetings(ctx context.Context, year int) ([]WarningMeeting, error) {
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT id, held_on, title, expected, present, notes FROM warning_meetings
		WHERE held_on >= ? AND held_on <= ? ORDER BY held_on DESC, id DESC`, fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year))
	if err != nil {
		return nil, err
	}
	out := []WarningMeeting{}
	idx := map[int64]int{}
	for rows.Next() {
		var w WarningMeeting
		if err := rows.Scan(&w.ID, &w.HeldOn, &w.Title, &w.Expected, &w.Present, &w.Notes); err != nil {
			rows.Close()
			return nil, err
		}
		w.VillageIDs, w.Villages = []int64{}, []string{}
		idx[w.ID] = len(out)
		out = append(out, w)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	rows, err = m.DB.Q(ctx).QueryContext(ctx, `SELECT mv.meeting_id, v.id, v.name FROM warning_meeting_villages mv JOIN villages v ON v.id = mv.village_id ORDER BY v.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var mid, vid int64
		var name string
		if err := rows.Scan(&mid, &vid, &name); err != nil {
			return nil, err
		}
		if i, ok := idx[mid]; ok {
			out[i].VillageIDs = append(out[i].VillageIDs, vid)
			out[i].Villages = append(out[i].Villages, name)
		}
	}
	return out, rows.Err()
}

func (m *Module) warningTrainings(ctx context.Context, year int) ([]WarningTraining, error) {
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT id, held_on, title, has_lesson, lesson_title FROM warning_trainings
		WHERE held_on >= ? AND held_on <= ? ORDER BY held_on DESC, id DESC`, fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []WarningTraining{}
	for rows.Next() {
		var t WarningTraining
		if err := rows.Scan(&t.ID, &t.HeldOn, &t.Title, &t.HasLesson, &t.LessonTitle); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Warning is a year of warning education with its flags.
type Warning struct {
	Year      int               `json:"year"`
	Meetings  []WarningMeeting  `json:"meetings"`
	Trainings []WarningTraining `json:"trainings"`
	Flags     WarningFlagSet    `json:"flags"`
}

// WarningYear reads a year's meetings, trainings and flags
// (PermWarningRead).
func (m *Module) WarningYear(ctx context.Context, p *auth.Principal, year int) (*Warning, error) {
	if err := m.Auth.Authorize(ctx, p, PermWarningRead, auth.Anything, "village_warning", ""); err != nil {
		return nil, err
	}
	w := &Warning{Year: year}
	var err error
	if w.Meetings, err = m.warningMeetings(ctx, year); err != nil {
		return nil, err
	}
	if w.Trainings, err = m.warningTrainings(ctx, year); err != nil {
		return nil, err
	}
	vs, err := m.Dir.VillageList(ctx)
	if err != nil {
		return nil, err
	}
	w.Flags = WarningFlags(year, vs, w.Meetings, w.Trainings)
	return w, nil
}

// CreateWarningMeeting records a meeting (PermDiscipline over every village
// it covers: a zone-wide meeting needs the whole zone).
func (m *Module) CreateWarningMeeting(ctx context.Context, p *auth.Principal, in WarningMeetingInput) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, PermDiscipline, auth.Anything, "village_warning", ""); err != nil {
		return 0, err
	}
	vs, err := m.Dir.VillageList(ctx)
	if err != nil {
		return 0, err
	}
	in.HeldOn, in.Title, in.Notes = strings.TrimSpace(in.HeldOn), strings.TrimSpace(in.Title), strings.TrimSpace(in.Notes)
	var l errs.List
	if svDay(&l, "held_on", "会议日期", "the meeting's date", in.HeldOn) {
		svNotFuture(&l, "held_on", "会议日期", "the meeting's date", in.HeldOn, m.svToday())
	}
	svText(&l, "title", "会议名称", "the title", in.Title, 2, 200)
	svText(&l, "notes", "会议内容", "the notes", in.Notes, 0, 4000)
	if in.Expected < 1 || in.Expected > 10000 {
		l = append(l, errs.Field("expected", "应到人数须为 1–10000", "the expected attendance must be 1–10000"))
	} else if in.Present < 0 || in.Present > in.Expected {
		l = append(l, errs.Field("present", fmt.Sprintf("实到人数 %d 须在 0 到应到人数 %d 之间", in.Present, in.Expected),
			fmt.Sprintf("the attendance %d must be between 0 and the expected %d", in.Present, in.Expected)))
	}
	known := map[int64]bool{}
	for _, v := range vs {
		known[v.ID] = true
	}
	seen := map[int64]bool{}
	var ids []int64
	for _, v := range in.VillageIDs {
		if !known[v] {
			l = append(l, errs.Field("village_ids", fmt.Sprintf("村 %d 不存在", v), fmt.Sprintf("village %d does not exist", v)))
			break
		}
		if !seen[v] {
			seen[v] = true
			ids = append(ids, v)
		}
	}
	if err := l.Err(); err != nil {
		return 0, err
	}
	cover := ids
	if len(cover) == 0 {
		for _, v := range vs {
			cover = append(cover, v.ID)
		}
	}
	for _, v := range cover {
		if err := m.Auth.Authorize(ctx, p, PermDiscipline, auth.Object{Village: v}, "village", fmt.Sprint(v)); err != nil {
			return 0, err
		}
	}
	var id int64
	err = m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var err error
		if id, err = tx.InsertID(ctx, `INSERT INTO warning_meetings (held_on, title, expected, present, notes, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			in.HeldOn, in.Title, in.Expected, in.Present, in.Notes, p.UserID, m.Clock.Now()); err != nil {
			return err
		}
		for _, v := range ids {
			if _, err := tx.ExecContext(ctx, `INSERT INTO warning_meeting_villages (meeting_id, village_id) VALUES (?, ?)`, id, v); err != nil {
				return err
			}
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "village.warning.meeting", ObjectType: "village_warning_meeting", ObjectID: fmt.Sprint(id), Detail: in.Title})
	})
	return id, err
}

// CreateWarningTraining records a training (PermDiscipline). A training
// without the lesson is recorded as it happened, and flagged.
func (m *Module) CreateWarningTraining(ctx context.Context, p *auth.Principal, in WarningTrainingInput) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, PermDiscipline, auth.Anything, "village_warning", ""); err != nil {
		return 0, err
	}
	in.HeldOn, in.Title, in.LessonTitle = strings.TrimSpace(in.HeldOn), strings.TrimSpace(in.Title), strings.TrimSpace(in.LessonTitle)
	var l errs.List
	if svDay(&l, "held_on", "培训日期", "the training's date", in.HeldOn) {
		svNotFuture(&l, "held_on", "培训日期", "the training's date", in.HeldOn, m.svToday())
	}
	svText(&l, "title", "培训名称", "the title", in.Title, 2, 200)
	if in.HasLesson {
		svText(&l, "lesson_title", "警示教育课题目", "the lesson's title", in.LessonTitle, 2, 200)
	} else if in.LessonTitle != "" {
		l = append(l, errs.Field("lesson_title", "未安排警示教育课时不填课题目", "leave the lesson's title empty when there was no lesson"))
	}
	if err := l.Err(); err != nil {
		return 0, err
	}
	var id int64
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var err error
		if id, err = tx.InsertID(ctx, `INSERT INTO warning_trainings (held_on, title, has_lesson, lesson_title, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			in.HeldOn, in.Title, in.HasLesson, in.LessonTitle, p.UserID, m.Clock.Now()); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "village.warning.training", ObjectType: "village_warning_training", ObjectID: fmt.Sprint(id), Detail: in.Title})
	})
	return id, err
}

// ---- handlers ----

type warningPage struct {
	*Warning
	CanRecord bool                `json:"-"`
	Villages  []directory.Village `json:"-"`
	Today     string              `json:"-"`
}

func (m *Module) warningData(r *http.Request) (*warningPage, error) {
	year, err := svYearParam(r, m.svYear())
	if err != nil {
		return nil, err
	}
	w, err := m.WarningYear(r.Context(), web.Principal(r), year)
	if err != nil {
		return nil, err
	}
	d := &warningPage{Warning: w, CanRecord: auth.Can(web.Principal(r), PermDiscipline, auth.Anything), Today: m.svToday()}
	if d.CanRecord {
		if d.Villages, err = m.Dir.VillageList(r.Context()); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (m *Module) pageWarning(w http.ResponseWriter, r *http.Request) error {
	d, err := m.warningData(r)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "warning_year", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "warning.title"), D: d})
}

func (m *Module) apiWarning(w http.ResponseWriter, r *http.Request) error {
	d, err := m.warningData(r)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (m *Module) createWarningMeeting(w http.ResponseWriter, r *http.Request) error {
	var in WarningMeetingInput
	if svIsForm(r) {
		if err := r.ParseForm(); err != nil {
			return err
		}
		in = WarningMeetingInput{HeldOn: r.FormValue("held_on"), Title: r.FormValue("title"), Notes: r.FormValue("notes")}
		in.Expected, _ = strconv.Atoi(r.FormValue("expected"))
		in.Present, _ = strconv.Atoi(r.FormValue("present"))
		for _, s := range r.Form["village_ids"] {
			if v, err := strconv.ParseInt(s, 10, 64); err == nil {
				in.VillageIDs = append(in.VillageIDs, v)
			}
		}
	} else {
		if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermDiscipline, auth.Anything, "village_warning", ""); err != nil {
			return err
		}
		if err := web.DecodeJSON(r, &in); err != nil {
			return err
		}
	}
	id, err := m.CreateWarningMeeting(r.Context(), web.Principal(r), in)
	if err != nil {
		return err
	}
	if svIsForm(r) {
		http.Redirect(w, r, "/village-warning?year="+in.HeldOn[:4]+"&ok=saved", http.StatusSeeOther)
		return nil
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": id})
	return nil
}

func (m *Module) createWarningTraining(w http.ResponseWriter, r *http.Request) error {
	var in WarningTrainingInput
	if svIsForm(r) {
		in = WarningTrainingInput{HeldOn: r.FormValue("held_on"), Title: r.FormValue("title"), HasLesson: r.FormValue("has_warning_lesson") == "1", LessonTitle: r.FormValue("lesson_title")}
	} else {
		if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermDiscipline, auth.Anything, "village_warning", ""); err != nil {
			return err
		}
		if err := web.DecodeJSON(r, &in); err != nil {
			return err
		}
	}
	id, err := m.CreateWarningTraining(r.Context(), web.Principal(r), in)
	if err != nil {
		return err
	}
	if svIsForm(r) {
		http.Redirect(w, r, "/village-warning?year="+in.HeldOn[:4]+"&ok=saved", http.StatusSeeOther)
		return nil
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": id})
	return nil
}

func init() {
	routeParts = append(routeParts, func(m *Module, r *web.Router) {
		r.Handle("GET /village-warning", web.Handler(m.pageWarning))
		r.Handle("POST /village-warning/meetings", web.Handler(m.createWarningMeeting))
		r.Handle("POST /village-warning/trainings", web.Handler(m.createWarningTraining))
		r.Handle("GET /api/v1/warning", web.Handler(m.apiWarning))
		r.Handle("POST /api/v1/warning/meetings", web.Handler(m.createWarningMeeting))
		r.Handle("POST /api/v1/warning/trainings", web.Handler(m.createWarningTraining))
	})
	navItems = append(navItems, web.NavItem{Key: "warning.title", Path: "/village-warning", Perm: PermWarningRead, Order: 73})
}
