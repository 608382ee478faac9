package organ

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

// Course audiences of the training plan.
var CourseAudiences = []struct{ Code, Zh, En string }{
	{"all", "全体机关党员干部", "All organ cadres"},
	{"party_workers", "党务工作者", "Party workers"},
	{"branch_secretaries", "支部书记", "Branch secretaries"},
}

// Course is one course of the annual training plan.
type Course struct {
	ID       int64  `json:"id"`
	Year     int    `json:"year"`
	Title    string `json:"title"`
	StartsOn string `json:"starts_on"`
	EndsOn   string `json:"ends_on"`
	Audience string `json:"audience"`
	Hours    int    `json:"hours"`
	Place    string `json:"place"`
	Held     bool   `json:"held"` // ended on or before today
	Present  int    `json:"present"`
	Expected int    `json:"expected"` // members of its audience
}

// CourseInput is what a course is made of.
type CourseInput struct {
	Year     int    `json:"year"`
	Title    string `json:"title"`
	StartsOn string `json:"starts_on"`
	EndsOn   string `json:"ends_on"`
	Audience string `json:"audience"`
	Hours    int    `json:"hours"`
	Place    string `json:"place"`
}

func (in *CourseInput) check() error {
	in.Title, in.Place, in.StartsOn, in.EndsOn = strings.TrimSpace(in.Title), strings.TrimSpace(in.Place), strings.TrimSpace(in.StartsOn), strings.TrimSpace(in.EndsOn)
	var l errs.List
	if n := utf8.RuneCountInString(in.Title); n == 0 || n > 200 {
		l = append(l, errs.Field("title", "课程名称须为 1–200 字", "the title must be 1–200 characters"))
	}
	s, err1 := time.ParseInLocation("2006-01-02", in.StartsOn, clock.Zone)
	if err1 != nil {
		l = append(l, errs.Field("starts_on", "开始日期格式为 YYYY-MM-DD", "the start date must be YYYY-MM-DD"))
	}
	if in.EndsOn == "" {
		in.EndsOn = in.StartsOn
	}
	e, err2 := time.ParseInLocation("2006-01-02", in.EndsOn, clock.Zone)
	if err2 != nil {
		l = append(l, errs.Field("ends_on", "结束日期格式为 YYYY-MM-DD", "the end date must be YYYY-MM-DD"))
	} else if err1 == nil && (e.Before(s) || e.Sub(s) > 31*24*time.Hour) {
		l = append(l, errs.Field("ends_on", "结束日期须在开始日期当天至其后 31 天内", "the end date must be 0–31 days after the start"))
	}
	if err1 == nil {
		in.Year = s.Year()
	}
	ok := false
	for _, a := range CourseAudiences {
		ok = ok || a.Code == in.Audience
	}
	if !ok {
		l = append(l, errs.Field("audience", "请选择培训对象", "choose the audience"))
	}
	if in.Hours < 1 || in.Hours > 200 {
		l = append(l, errs.Field("hours", "学时须在 1–200 之间", "hours must be between 1 and 200"))
	}
	if utf8.RuneCountInString(in.Place) > 100 {
		l = append(l, errs.Field("place", "地点最多 100 字", "the place is at most 100 characters"))
	}
	return l.Err()
}

// trainee is a person who may be in a course's audience.
type trainee struct {
	PersonID  int64
	Name      string
	BranchID  int64
	Worker    bool
	Secretary bool
}

func (t trainee) in(audience string) bool {
	switch audience {
	case "all":
		return true
	case "party_workers":
		return t.Worker
	case "branch_secretaries":
		return t.Secretary
	}
	return false
}

// trainees are the organ branches' party members, with whether each is a
// party worker or an organ branch secretary.
func (m *Module) trainees(ctx context.Context) ([]trainee, error) {
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT p.id, p.name, p.branch_id,
		(SELECT COUNT(*) FROM positions ps WHERE ps.person_id = p.id AND ps.title = ? AND ps.ended_on = ''),
		(SELECT COUNT(*) FROM positions ps WHERE ps.person_id = p.id AND ps.title = ? AND ps.ended_on = '' AND ps.branch_id = p.branch_id)
		FROM people p JOIN branches b ON b.id = p.branch_id WHERE p.party_member = TRUE AND b.kind = ? ORDER BY p.id`,
		directory.PosPartyWorker, directory.PosBranchSecretary, directory.KindOrganBranch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []trainee
	for rows.Next() {
		var t trainee
		var w, s int
		if err := rows.Scan(&t.PersonID, &t.Name, &t.BranchID, &w, &s); err != nil {
			return nil, err
		}
		t.Worker, t.Secretary = w > 0, s > 0
		out = append(out, t)
	}
	return out, rows.Err()
}

// MemberCompletion is a member's completion of the year's plan: courses
// attended ÷ courses held so far for their audience.
type MemberCompletion struct {
	PersonID int64   `json:"person_id"`
	Name     string  `json:"name"`
	BranchID int64   `json:"branch_id"`
	Branch   string  `json:"branch"`
	Attended int     `json:"attended"`
	Expected int     `json:"expected"`
	Rate     float64 `json:"rate"`
}

// BranchCompletion sums its members' completion.
type BranchCompletion struct {
	BranchID int64   `json:"branch_id"`
	Branch   string  `json:"branch"`
	Members  int     `json:"members"`
	Attended int     `json:"attended"`
	Expected int     `json:"expected"`
	Rate     float64 `json:"rate"`
}

// TrainingPlan is the year's plan as its page shows it.
type TrainingPlan struct {
	Year      int                `json:"year"`
	Today     string             `json:"today"`
	Courses   []Course           `json:"courses"`
	Hours     int                `json:"hours"`
	Mine      *MemberCompletion  `json:"mine,omitempty"`
	Branches  []BranchCompletion `json:"branches,omitempty"` // committee only
	Members   []MemberCompletion `json:"members,omitempty"`  // committee only
	CanManage bool               `json:"-"`
	Years     []int              `json:"-"`
}

func (m *Module) courses(ctx context.Context, year int) ([]Course, error) {
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT c.id, c.year, c.title, c.starts_on, c.ends_on, c.audience, c.hours, c.place,
		(SELECT COUNT(*) FROM organ_course_attendance a WHERE a.course_id = c.id AND a.present = TRUE)
		FROM organ_courses c WHERE c.year = ? ORDER BY c.starts_on, c.id`, year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	today := clock.Day(m.Clock.Now())
	out := []Course{}
	for rows.Next() {
		var c Course
		if err := rows.Scan(&c.ID, &c.Year, &c.Title, &c.StartsOn, &c.EndsOn, &c.Audience, &c.Hours, &c.Place, &c.Present); err != nil {
			return nil, err
		}
		c.Held = c.EndsOn <= today
		out = append(out, c)
	}
	return out, rows.Err()
}

// Training computes the plan of a year with completion: the viewer's own,
// and for the committee every member's and every branch's.
func (m *Module) Training(ctx context.Context, p *auth.Principal, year int) (*TrainingPlan, error) {
	if err := m.Auth.Authorize(ctx, p, PermRead, auth.Anything, "organ_training", fmt.Sprint(year)); err != nil {
		return nil, err
	}
	cs, err := m.courses(ctx, year)
	if err != nil {
		return nil, err
	}
	ts, err := m.trainees(ctx)
	if err != nil {
		return nil, err
	}
	bs, err := m.Dir.BranchList(ctx, directory.KindOrganBranch)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, b := range bs {
		names[b.ID] = b.Name
	}
	present := map[[2]int64]bool{}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT a.course_id, a.person_id FROM organ_course_attendance a JOIN organ_courses c ON c.id = a.course_id
		WHERE c.year = ? AND a.present = TRUE`, year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c, pid int64
		if err := rows.Scan(&c, &pid); err != nil {
			return nil, err
		}
		present[[2]int64{c, pid}] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	tp := &TrainingPlan{Year: year, Today: clock.Day(m.Clock.Now()), Courses: cs, CanManage: auth.Can(p, PermManage, auth.Anything), Years: m.stdYears()}
	for i := range cs {
		tp.Hours += cs[i].Hours
		for _, t := range ts {
			if t.in(cs[i].Audience) {
				cs[i].Expected++
			}
		}
	}
	byBranch := map[int64]*BranchCompletion{}
	var members []MemberCompletion
	for _, t := range ts {
		mc := MemberCompletion{PersonID: t.PersonID, Name: t.Name, BranchID: t.BranchID, Branch: names[t.BranchID]}
		for _, c := range cs {
			if c.Held && t.in(c.Audience) {
				mc.Expected++
				if present[[2]int64{c.ID, t.PersonID}] {
					mc.Attended++
				}
			}
		}
		mc.Rate = Completion(mc.Attended, mc.Expected)
		members = append(members, mc)
		if p.PersonID != 0 && p.PersonID == t.PersonID {
			mine := mc
			tp.Mine = &mine
		}
		b := byBranch[t.BranchID]
		if b == nil {
			b = &BranchCompletion{BranchID: t.BranchID, Branch: names[t.BranchID]}
			byBranch[t.BranchID] = b
		}
		b.Members++
		b.Attended += mc.Attended
		b.Expected += mc.Expected
	}
	if tp.CanManage {
		tp.Members = members
		for _, b := range bs {
			if bc := byBranch[b.ID]; bc != nil {
				bc.Rate = Completion(bc.Attended, bc.Expected)
				tp.Branches = append(tp.Branches, *bc)
			}
		}
		sort.SliceStable(tp.Branches, func(i, j int) bool { return tp.Branches[i].Rate > tp.Branches[j].Rate })
	}
	return tp, nil
}

// CourseView is a course with its audience's attendance.
type CourseView struct {
	Course
	Attendance []CourseAttendee `json:"attendance,omitempty"` // committee only
	CanManage  bool             `json:"-"`
}

// CourseAttendee is one member of a course's audience.
type CourseAttendee struct {
	PersonID int64  `json:"person_id"`
	Name     string `json:"name"`
	Branch   string `json:"branch"`
	Present  bool   `json:"present"`
	Recorded bool   `json:"recorded"`
}

// CourseDetail reads a course; the committee also sees its attendance.
func (m *Module) CourseDetail(ctx context.Context, p *auth.Principal, id int64) (*CourseView, error) {
	if err := m.Auth.Authorize(ctx, p, PermRead, auth.Anything, "organ_course", fmt.Sprint(id)); err != nil {
		return nil, err
	}
	var c Course
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT id, year, title, starts_on, ends_on, audience, hours, place FROM organ_courses WHERE id = ?`, id).
		Scan(&c.ID, &c.Year, &c.Title, &c.StartsOn, &c.EndsOn, &c.Audience, &c.Hours, &c.Place)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("课程")
	}
	if err != nil {
		return nil, err
	}
	c.Held = c.EndsOn <= clock.Day(m.Clock.Now())
	v := &CourseView{Course: c, CanManage: auth.Can(p, PermManage, auth.Anything)}
	ts, err := m.trainees(ctx)
	if err != nil {
		return nil, err
	}
	rec := map[int64]bool{}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT person_id, present FROM organ_course_attendance WHERE course_id = ?`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var pid int64
		var pr bool
		if err := rows.Scan(&pid, &pr); err != nil {
			return nil, err
		}
		rec[pid] = pr
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	bs, err := m.Dir.BranchList(ctx, directory.KindOrganBranch)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, b := range bs {
		names[b.ID] = b.Name
	}
	for _, t := range ts {
		if !t.in(c.Audience) {
			continue
		}
		v.Expected++
		pr, ok := rec[t.PersonID]
		if pr {
			v.Present++
		}
		if v.CanManage {
			v.Attendance = append(v.Attendance, CourseAttendee{PersonID: t.PersonID, Name: t.Name, Branch: names[t.BranchID], Present: pr, Recorded: ok})
		}
	}
	return v, nil
}

// SaveCourse adds a course to the plan.
func (m *Module) SaveCourse(ctx context.Context, p *auth.Principal, in CourseInput) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, PermManage, auth.Anything, "organ_course", ""); err != nil {
		return 0, err
	}
	if err := in.check(); err != nil {
		return 0, err
	}
	var id int64
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var err error
		if id, err = tx.InsertID(ctx, `INSERT INTO organ_courses (year, title, starts_on, ends_on, audience, hours, place, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			in.Year, in.Title, in.StartsOn, in.EndsOn, in.Audience, in.Hours, in.Place, m.Clock.Now()); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "organ.course.create", ObjectType: "organ_course", ObjectID: fmt.Sprint(id), Detail: in.Title})
	})
	return id, err
}

// RecordAttendance records who of a held course's audience was present;
// everyone else in the audience is recorded absent.
func (m *Module) RecordAttendance(ctx context.Context, p *auth.Principal, id int64, present []int64) error {
	if err := m.Auth.Authorize(ctx, p, PermManage, auth.Anything, "organ_course", fmt.Sprint(id)); err != nil {
		return err
	}
	v, err := m.CourseDetail(ctx, p, id)
	if err != nil {
		return err
	}
	if !v.Held {
		return errs.New(errs.Conflict, fmt.Sprintf("课程于 %s 结束后才能登记出勤", v.EndsOn), fmt.Sprintf("attendance can be recorded once the course ends on %s", v.EndsOn))
	}
	in := map[int64]bool{}
	for _, a := range v.Attendance {
		in[a.PersonID] = true
	}
	set := map[int64]bool{}
	for _, pid := range present {
		if !in[pid] {
			return errs.Field("present", fmt.Sprintf("人员 %d 不属于本课程的培训对象", pid), fmt.Sprintf("person %d is not in the course's audience", pid))
		}
		set[pid] = true
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM organ_course_attendance WHERE course_id = ?`, id); err != nil {
			return err
		}
		for _, a := range v.Attendance {
			if _, err := tx.ExecContext(ctx, `INSERT INTO organ_course_attendance (course_id, person_id, present) VALUES (?, ?, ?)`, id, a.PersonID, set[a.PersonID]); err != nil {
				return err
			}
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "organ.course.attendance", ObjectType: "organ_course", ObjectID: fmt.Sprint(id),
			Detail: fmt.Sprintf("%d of %d present", len(set), len(v.Attendance))})
	})
}

// ---- handlers ----

func (m *Module) apiTraining(w http.ResponseWriter, r *http.Request) error {
	tp, err := m.Training(r.Context(), web.Principal(r), m.stdYear(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, tp)
	return nil
}

type trainingPage struct {
	*TrainingPlan
	Audiences any
}

func (m *Module) pageTraining(w http.ResponseWriter, r *http.Request) error {
	tp, err := m.Training(r.Context(), web.Principal(r), m.stdYear(r))
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "standards_training", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.organ_training"),
		D: &trainingPage{TrainingPlan: tp, Audiences: CourseAudiences}})
}

func (m *Module) apiCourse(w http.ResponseWriter, r *http.Request) error {
	id, err := stdID(r)
	if err != nil {
		return err
	}
	v, err := m.CourseDetail(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (m *Module) pageCourse(w http.ResponseWriter, r *http.Request) error {
	id, err := stdID(r)
	if err != nil {
		return err
	}
	v, err := m.CourseDetail(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "standards_course", &web.Page{Title: v.Title, D: v})
}

func (m *Module) apiCreateCourse(w http.ResponseWriter, r *http.Request) error {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermManage, auth.Anything, "organ_course", ""); err != nil {
		return err
	}
	var in CourseInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := m.SaveCourse(r.Context(), web.Principal(r), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": id})
	return nil
}

func (m *Module) postCourse(w http.ResponseWriter, r *http.Request) error {
	h, err := strconv.Atoi(strings.TrimSpace(r.FormValue("hours")))
	if err != nil {
		h = 0
	}
	in := CourseInput{Title: r.FormValue("title"), StartsOn: r.FormValue("starts_on"), EndsOn: r.FormValue("ends_on"), Audience: r.FormValue("audience"), Hours: h, Place: r.FormValue("place")}
	id, err := m.SaveCourse(r.Context(), web.Principal(r), in)
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/organ/training/courses/%d?ok=created", id), http.StatusSeeOther)
	return nil
}

func (m *Module) apiAttendance(w http.ResponseWriter, r *http.Request) error {
	id, err := stdID(r)
	if err != nil {
		return err
	}
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermManage, auth.Anything, "organ_course", fmt.Sprint(id)); err != nil {
		return err
	}
	var in struct {
		Present []int64 `json:"present"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := m.RecordAttendance(r.Context(), web.Principal(r), id, in.Present); err != nil {
		return err
	}
	return m.apiCourse(w, r)
}

func (m *Module) postAttendance(w http.ResponseWriter, r *http.Request) error {
	id, err := stdID(r)
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	var ids []int64
	for _, s := range r.Form["present"] {
		if v, err := strconv.ParseInt(s, 10, 64); err == nil {
			ids = append(ids, v)
		}
	}
	if err := m.RecordAttendance(r.Context(), web.Principal(r), id, ids); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/organ/training/courses/%d?ok=saved", id), http.StatusSeeOther)
	return nil
}

// AudienceName names an audience code in a locale.
func AudienceName(code, lang string) string {
	for _, a := range CourseAudiences {
		if a.Code == code {
			if lang == "en" {
				return a.En
			}
			return a.Zh
		}
	}
	return code
}

func init() {
	routeParts = append(routeParts, func(m *Module, r *web.Router) {
		r.Handle("GET /organ/training", web.Handler(m.pageTraining))
		r.Handle("POST /organ/training/courses", web.Handler(m.postCourse))
		r.Handle("GET /organ/training/courses/{id}", web.Handler(m.pageCourse))
		r.Handle("POST /organ/training/courses/{id}/attendance", web.Handler(m.postAttendance))
		r.Handle("GET /api/v1/organ/training", web.Handler(m.apiTraining))
		r.Handle("POST /api/v1/organ/training/courses", web.Handler(m.apiCreateCourse))
		r.Handle("GET /api/v1/organ/training/courses/{id}", web.Handler(m.apiCourse))
		r.Handle("POST /api/v1/organ/training/courses/{id}/attendance", web.Handler(m.apiAttendance))
	})
	navItems = append(navItems, web.NavItem{Key: "nav.organ_training", Path: "/organ/training", Perm: PermRead, Order: 50})
}
