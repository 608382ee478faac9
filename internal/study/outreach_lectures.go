package study

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

// LectureGroup is a lecture group (宣讲团) with its members.
type LectureGroup struct {
	ID        int64                `json:"id"`
	Kind      string               `json:"kind"`
	Name      string               `json:"name"`
	FoundedOn string               `json:"founded_on"`
	Lectures  int                  `json:"lectures"` // lectures held to date
	Members   []LectureGroupMember `json:"members"`
}

// LectureGroupMember is a person in a lecture group.
type LectureGroupMember struct {
	PersonID int64  `json:"person_id"`
	Name     string `json:"name"`
	Unit     string `json:"unit,omitempty"` // branch, or village
	Role     string `json:"role"`           // leader or member
	JoinedOn string `json:"joined_on"`
}

// LectureGroupInput creates a group.
type LectureGroupInput struct {
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	FoundedOn string `json:"founded_on"`
}

// LectureGroupMemberInput adds (or, with Remove, takes out) a member.
type LectureGroupMemberInput struct {
	PersonID int64  `json:"person_id"`
	Role     string `json:"role,omitempty"` // leader or member (default)
	Remove   bool   `json:"remove,omitempty"`
}

// Lecture is one lecture (宣讲) and the "six into" targets it reached.
type Lecture struct {
	ID              int64    `json:"id"`
	GroupID         int64    `json:"group_id"`
	Group           string   `json:"group"`
	GroupKind       string   `json:"group_kind"`
	SpeakerPersonID int64    `json:"speaker_person_id,omitempty"`
	Speaker         string   `json:"speaker"` // the person's name, or the free-text name
	HeldOn          string   `json:"held_on"`
	Place           string   `json:"place"`
	Topic           string   `json:"topic"`
	Audience        int      `json:"audience"`
	Targets         []string `json:"targets"`
}

// LectureInput is a lecture as an editor records it: the speaker is a
// person (SpeakerPersonID) or, for someone not in the directory, a name.
type LectureInput struct {
	GroupID         int64    `json:"group_id"`
	SpeakerPersonID int64    `json:"speaker_person_id,omitempty"`
	SpeakerName     string   `json:"speaker_name,omitempty"`
	HeldOn          string   `json:"held_on"`
	Place           string   `json:"place"`
	Topic           string   `json:"topic"`
	Audience        int      `json:"audience"`
	Targets         []string `json:"targets"`
}

// LectureFilter narrows the list of lectures.
type LectureFilter struct {
	Year    int    `json:"year"`
	Month   int    `json:"month,omitempty"`
	GroupID int64  `json:"group_id,omitempty"`
	Target  string `json:"target,omitempty"`
	Limit   int    `json:"-"`
	Offset  int    `json:"-"`
}

// maxAudience bounds an audience (an online lecture's viewers included).
const maxAudience = 100000

func (m *Module) orAuthorize(ctx context.Context, p *auth.Principal, perm auth.Perm, objType string, id int64) error {
	oid := ""
	if id != 0 {
		oid = fmt.Sprint(id)
	}
	return m.Auth.Authorize(ctx, p, perm, auth.Anything, objType, oid)
}

// orDay checks a zone day that must not lie after today.
func (m *Module) orDay(l *errs.List, field, zhName, enName, v string) {
	d, err := clock.ParseDay(v)
	if err != nil {
		*l = append(*l, errs.Field(field, zhName+"须为 YYYY-MM-DD", enName+" must be YYYY-MM-DD"))
		return
	}
	if today := clock.Day(m.Clock.Now()); d.Format("2006-01-02") > today {
		*l = append(*l, errs.Field(field, fmt.Sprintf("%s不能晚于今天（%s）", zhName, today), fmt.Sprintf("%s cannot be after today (%s)", enName, today)))
	}
}

func (m *Module) validateLecture(ctx context.Context, q db.Querier, in *LectureInput) (errs.List, error) {
	var l errs.List
	in.SpeakerName = strings.TrimSpace(in.SpeakerName)
	in.Place, in.Topic, in.HeldOn = strings.TrimSpace(in.Place), strings.TrimSpace(in.Topic), strings.TrimSpace(in.HeldOn)
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM study_lecture_groups WHERE id = ?`, in.GroupID).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		l = append(l, errs.Field("group_id", "请选择宣讲团", "choose a lecture group"))
	}
	if in.SpeakerPersonID != 0 {
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM people WHERE id = ?`, in.SpeakerPersonID).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			l = append(l, errs.Field("speaker_person_id", "所选宣讲人不存在", "no such speaker"))
		}
		in.SpeakerName = ""
	} else {
		orText(&l, "speaker_name", "宣讲人（不在人员库中时填写姓名）", "the speaker (a name when not in the directory)", in.SpeakerName, 2, 50)
	}
	m.orDay(&l, "held_on", "宣讲日期", "the date", in.HeldOn)
	orText(&l, "place", "宣讲地点", "the place", in.Place, 2, 100)
	orText(&l, "topic", "宣讲主题", "the topic", in.Topic, 2, 200)
	if in.Audience < 0 || in.Audience > maxAudience {
		l = append(l, errs.Field("audience", fmt.Sprintf("听众人数须为 0–%d", maxAudience), fmt.Sprintf("the audience must be 0–%d", maxAudience)))
	}
	seen := map[string]bool{}
	var ts []string
	for _, t := range in.Targets {
		t = strings.TrimSpace(t)
		if !outreachHas(SixTargets, t) {
			l = append(l, errs.Field("targets", fmt.Sprintf("“%s”不是“六进”对象之一（企业、农村、机关、校园、社区、网络）", t), fmt.Sprintf("%q is not one of the six targets", t)))
			continue
		}
		if !seen[t] {
			seen[t] = true
			ts = append(ts, t)
		}
	}
	if len(in.Targets) == 0 {
		l = append(l, errs.Field("targets", "请至少选择一个“六进”对象", "choose at least one of the six targets"))
	}
	in.Targets = orderTargets(ts)
	return l, nil
}

// orderTargets puts targets in the seed's order.
func orderTargets(ts []string) []string {
	pos := map[string]int{}
	for i, t := range SixTargets {
		pos[t.Code] = i
	}
	sort.SliceStable(ts, func(i, j int) bool { return pos[ts[i]] < pos[ts[j]] })
	return ts
}

// LectureGroups lists the lecture groups with their members.
func (m *Module) LectureGroups(ctx context.Context, p *auth.Principal) ([]LectureGroup, error) {
	if err := m.orAuthorize(ctx, p, PermLearn, "study_lecture_groups", 0); err != nil {
		return nil, err
	}
	q := m.DB.Q(ctx)
	rows, err := q.QueryContext(ctx, `SELECT g.id, g.kind, g.name, g.founded_on, (SELECT COUNT(*) FROM study_lectures l WHERE l.group_id = g.id)
		FROM study_lecture_groups g ORDER BY g.id`)
	if err != nil {
		return nil, err
	}
	out := []LectureGroup{}
	idx := map[int64]int{}
	for rows.Next() {
		var g LectureGroup
		if err := rows.Scan(&g.ID, &g.Kind, &g.Name, &g.FoundedOn, &g.Lectures); err != nil {
			rows.Close()
			return nil, err
		}
		g.Members = []LectureGroupMember{}
		idx[g.ID] = len(out)
		out = append(out, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT gm.group_id, gm.person_id, pe.name, COALESCE(b.name, v.name, ''), gm.role, gm.joined_on
		FROM study_lecture_group_members gm JOIN people pe ON pe.id = gm.person_id
		LEFT JOIN branches b ON b.id = pe.branch_id LEFT JOIN villages v ON v.id = pe.village_id
		ORDER BY gm.group_id, CASE gm.role WHEN 'leader' THEN 0 ELSE 1 END, gm.joined_on, gm.person_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var gid int64
		var mb LectureGroupMember
		if err := rows.Scan(&gid, &mb.PersonID, &mb.Name, &mb.Unit, &mb.Role, &mb.JoinedOn); err != nil {
			return nil, err
		}
		if i, ok := idx[gid]; ok {
			out[i].Members = append(out[i].Members, mb)
		}
	}
	return out, rows.Err()
}

// CreateLectureGroup adds a lecture group.
func (m *Module) CreateLectureGroup(ctx context.Context, p *auth.Principal, in LectureGroupInput) (int64, error) {
	if err := m.orAuthorize(ctx, p, PermEdit, "study_lecture_groups", 0); err != nil {
		return 0, err
	}
	var l errs.List
	in.Name, in.FoundedOn = strings.TrimSpace(in.Name), strings.TrimSpace(in.FoundedOn)
	if !outreachHas(LectureGroupKinds, in.Kind) {
		l = append(l, errs.Field("kind", "请选择宣讲团类别", "choose the kind of group"))
	}
	orText(&l, "name", "宣讲团名称", "the name", in.Name, 2, 50)
	m.orDay(&l, "founded_on", "成立日期", "the founding date", in.FoundedOn)
	if len(l) > 0 {
		return 0, l
	}
	var id int64
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO study_lecture_groups (kind, name, founded_on, created_at) VALUES (?, ?, ?, ?)`, in.Kind, in.Name, in.FoundedOn, m.Clock.Now())
		if db.IsUniqueViolation(err) {
			return errs.Field("name", "已有同名的宣讲团", "a group with this name exists")
		}
		if err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "study.lecture_group.create", ObjectType: "study_lecture_group", ObjectID: fmt.Sprint(id), Detail: in.Kind + " " + in.Name})
	})
	return id, err
}

// SetLectureGroupMember adds a person to a group (or changes their role),
// or removes them.
func (m *Module) SetLectureGroupMember(ctx context.Context, p *auth.Principal, groupID int64, in LectureGroupMemberInput) error {
	if err := m.orAuthorize(ctx, p, PermEdit, "study_lecture_group", groupID); err != nil {
		return err
	}
	if in.Role == "" {
		in.Role = "member"
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var name string
		err := tx.QueryRowContext(ctx, `SELECT name FROM study_lecture_groups WHERE id = ?`, groupID).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFoundf("宣讲团")
		}
		if err != nil {
			return err
		}
		if in.Role != "leader" && in.Role != "member" {
			return errs.Field("role", "身份须为团长（leader）或成员（member）", "role must be leader or member")
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM people WHERE id = ?`, in.PersonID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return errs.Field("person_id", "请选择人员", "choose a person")
		}
		verb := "add"
		if in.Remove {
			verb = "remove"
			res, err := tx.ExecContext(ctx, `DELETE FROM study_lecture_group_members WHERE group_id = ? AND person_id = ?`, groupID, in.PersonID)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				return errs.Field("person_id", "此人不是本宣讲团成员", "this person is not in the group")
			}
		} else {
			res, err := tx.ExecContext(ctx, `UPDATE study_lecture_group_members SET role = ? WHERE group_id = ? AND person_id = ?`, in.Role, groupID, in.PersonID)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				if _, err := tx.ExecContext(ctx, `INSERT INTO study_lecture_group_members (group_id, person_id, role, joined_on) VALUES (?, ?, ?, ?)`,
					groupID, in.PersonID, in.Role, clock.Day(m.Clock.Now())); err != nil {
					return err
				}
			}
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "study.lecture_group.member." + verb, ObjectType: "study_lecture_group", ObjectID: fmt.Sprint(groupID),
			Detail: fmt.Sprintf("person=%d role=%s", in.PersonID, in.Role)})
	})
}

const lectureCols = `l.id, l.group_id, g.name, g.kind, COALESCE(l.speaker_person_id, 0), COALESCE(pe.name, l.speaker_name), l.held_on, l.place, l.topic, l.audience`
const lectureFrom = ` FROM study_lectures l JOIN study_lecture_groups g ON g.id = l.group_id LEFT JOIN people pe ON pe.id = l.speaker_person_id`

func scanLecture(row interface{ Scan(...any) error }) (Lecture, error) {
	var x Lecture
	err := row.Scan(&x.ID, &x.GroupID, &x.Group, &x.GroupKind, &x.SpeakerPersonID, &x.Speaker, &x.HeldOn, &x.Place, &x.Topic, &x.Audience)
	x.Targets = []string{}
	return x, err
}

// lectureTargets fills the targets of the lectures given.
func lectureTargets(ctx context.Context, q db.Querier, ls []Lecture) error {
	if len(ls) == 0 {
		return nil
	}
	ids := make([]int64, len(ls))
	pos := map[int64]int{}
	for i, l := range ls {
		ids[i], pos[l.ID] = l.ID, i
	}
	ph, args := db.In(ids)
	rows, err := q.QueryContext(ctx, `SELECT lecture_id, target FROM study_lecture_targets WHERE lecture_id IN (`+ph+`)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var t string
		if err := rows.Scan(&id, &t); err != nil {
			return err
		}
		ls[pos[id]].Targets = append(ls[pos[id]].Targets, t)
	}
	for i := range ls {
		ls[i].Targets = orderTargets(ls[i].Targets)
	}
	return rows.Err()
}

func lectureWhere(f LectureFilter) (string, []any) {
	var w []string
	var args []any
	if f.Year > 0 {
		w = append(w, "l.held_on >= ? AND l.held_on <= ?")
		from, to := fmt.Sprintf("%04d-01-01", f.Year), fmt.Sprintf("%04d-12-31", f.Year)
		if f.Month >= 1 && f.Month <= 12 {
			from = fmt.Sprintf("%04d-%02d-01", f.Year, f.Month)
			to = fmt.Sprintf("%04d-%02d-31", f.Year, f.Month)
		}
		args = append(args, from, to)
	}
	if f.GroupID > 0 {
		w = append(w, "l.group_id = ?")
		args = append(args, f.GroupID)
	}
	if f.Target != "" {
		w = append(w, "EXISTS (SELECT 1 FROM study_lecture_targets t WHERE t.lecture_id = l.id AND t.target = ?)")
		args = append(args, f.Target)
	}
	if len(w) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(w, " AND "), args
}

// Lectures lists lectures, latest first, with the total matching.
func (m *Module) Lectures(ctx context.Context, p *auth.Principal, f LectureFilter) ([]Lecture, int, error) {
	if err := m.orAuthorize(ctx, p, PermLearn, "study_lectures", 0); err != nil {
		return nil, 0, err
	}
	q := m.DB.Q(ctx)
	where, args := lectureWhere(f)
	var total int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM study_lectures l`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	lim := ""
	if f.Limit > 0 {
		lim = " LIMIT ? OFFSET ?"
		args = append(args, f.Limit, f.Offset)
	}
	rows, err := q.QueryContext(ctx, `SELECT `+lectureCols+lectureFrom+where+` ORDER BY l.held_on DESC, l.id DESC`+lim, args...)
	if err != nil {
		return nil, 0, err
	}
	out := []Lecture{}
	for rows.Next() {
		x, err := scanLecture(rows)
		if err != nil {
			rows.Close()
			return nil, 0, err
		}
		out = append(out, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	return out, total, lectureTargets(ctx, q, out)
}

// Lecture returns one lecture.
func (m *Module) Lecture(ctx context.Context, p *auth.Principal, id int64) (*Lecture, error) {
	if err := m.orAuthorize(ctx, p, PermLearn, "study_lecture", id); err != nil {
		return nil, err
	}
	return getLecture(ctx, m.DB.Q(ctx), id)
}

func getLecture(ctx context.Context, q db.Querier, id int64) (*Lecture, error) {
	x, err := scanLecture(q.QueryRowContext(ctx, `SELECT `+lectureCols+lectureFrom+` WHERE l.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("宣讲")
	}
	if err != nil {
		return nil, err
	}
	ls := []Lecture{x}
	if err := lectureTargets(ctx, q, ls); err != nil {
		return nil, err
	}
	return &ls[0], nil
}

// SaveLecture records a new lecture (id 0) or corrects one, with its
// targets, and returns its id.
func (m *Module) SaveLecture(ctx context.Context, p *auth.Principal, id int64, in LectureInput) (int64, error) {
	if err := m.orAuthorize(ctx, p, PermEdit, "study_lecture", id); err != nil {
		return 0, err
	}
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if id != 0 {
			if _, err := getLecture(ctx, tx, id); err != nil {
				return err
			}
		}
		l, err := m.validateLecture(ctx, tx, &in)
		if err != nil {
			return err
		}
		if len(l) > 0 {
			return l
		}
		var speaker any
		if in.SpeakerPersonID != 0 {
			speaker = in.SpeakerPersonID
		}
		now := m.Clock.Now()
		verb := "update"
		if id == 0 {
			verb = "create"
			id, err = tx.InsertID(ctx, `INSERT INTO study_lectures (group_id, speaker_person_id, speaker_name, held_on, place, topic, audience, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.GroupID, speaker, in.SpeakerName, in.HeldOn, in.Place, in.Topic, in.Audience, now, now)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE study_lectures SET group_id = ?, speaker_person_id = ?, speaker_name = ?, held_on = ?, place = ?, topic = ?, audience = ?, updated_at = ? WHERE id = ?`,
				in.GroupID, speaker, in.SpeakerName, in.HeldOn, in.Place, in.Topic, in.Audience, now, id)
			if err == nil {
				_, err = tx.ExecContext(ctx, `DELETE FROM study_lecture_targets WHERE lecture_id = ?`, id)
			}
		}
		if err != nil {
			return err
		}
		for _, t := range in.Targets {
			if _, err := tx.ExecContext(ctx, `INSERT INTO study_lecture_targets (lecture_id, target) VALUES (?, ?)`, id, t); err != nil {
				return err
			}
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "study.lecture." + verb, ObjectType: "study_lecture", ObjectID: fmt.Sprint(id),
			Detail: fmt.Sprintf("%s %s (%s)", in.HeldOn, in.Topic, strings.Join(in.Targets, ","))})
	})
	return id, err
}

// LectureCoverageOf is the targets × months coverage of a year.
func (m *Module) LectureCoverageOf(ctx context.Context, p *auth.Principal, year int) (*Coverage, error) {
	if err := m.orAuthorize(ctx, p, PermLearn, "study_lecture_coverage", 0); err != nil {
		return nil, err
	}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT l.id, l.held_on, COALESCE(t.target, '') FROM study_lectures l
		LEFT JOIN study_lecture_targets t ON t.lecture_id = l.id WHERE l.held_on >= ? AND l.held_on <= ? ORDER BY l.id`,
		fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ls []LectureReach
	for rows.Next() {
		var id int64
		var day, t string
		if err := rows.Scan(&id, &day, &t); err != nil {
			return nil, err
		}
		if len(ls) == 0 || ls[len(ls)-1].Lecture != id {
			var mo int
			fmt.Sscanf(day[5:7], "%d", &mo)
			ls = append(ls, LectureReach{Lecture: id, Month: mo})
		}
		if t != "" {
			ls[len(ls)-1].Targets = append(ls[len(ls)-1].Targets, t)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	c := LectureCoverage(year, ls)
	return &c, nil
}

// outreachYear is the year of the clock (zone time).
func (m *Module) outreachYear() int { return m.Clock.Now().In(clock.Zone).Year() }

// lecturesHeldSQL counts lectures held in [?, ?].
const lecturesHeldSQL = `SELECT COUNT(*) FROM study_lectures WHERE held_on >= ? AND held_on <= ?`

// lectureGroupsSQL counts the groups founded by a day (?).
const lectureGroupsSQL = `SELECT COUNT(*) FROM study_lecture_groups WHERE founded_on <= ?`
